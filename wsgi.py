"""The WSGI entry point the Procfile's web process serves: ``gunicorn wsgi:app``."""
from portal import create_app

app = create_app()
