"""The WSGI entry point the Procfile's web process serves: ``gunicorn --preload wsgi:app``.

With ``--preload`` gunicorn's master imports this module once and forks its workers from it, so the
code and data of every imported module are shared copy-on-write instead of loaded once per worker
(portal.preload loads what the first requests would). Two things keep those pages shared: the engine
holds no connection the workers could inherit (each worker opens its own on first use), and
``gc.freeze()`` moves every object made so far out of the collector's reach, so a collection in a
worker does not write to (and so copy) the master's pages. Last, the C heap's free pages left by
building the app go back to the system (``malloc_trim``, glibc), so no worker inherits them (1.3 MiB).
"""
import ctypes
import gc

from portal import create_app, preload
from worker import db

app = create_app()
preload.warm(app)
db.engine().dispose()  # a connection opened while building the app must not be shared by forked workers
gc.collect()
gc.freeze()
try:
    ctypes.CDLL("libc.so.6").malloc_trim(0)
except (OSError, AttributeError):  # not glibc: nothing to give back this way
    pass
