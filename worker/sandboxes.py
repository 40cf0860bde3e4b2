"""Every sandbox in one WSGI app: /exact, /visma, /snelstart, /kmoshops, /mijnwebwinkel, /amazon, /vies, /mollie, /factuursturen, /nmbrs and /vismanet, as the dev launcher and tests serve them.

A sandbox stands in for a vendor's API and enforces what the real one does (auth, validation,
rate limits, token expiry); Koppel reaches it only over HTTP through its real clients.
"""
from __future__ import annotations

import pathlib

from werkzeug.middleware.dispatcher import DispatcherMiddleware

from worker import sandbox_backoffice
from worker.config import settings
from worker.connectors.amazon import sandbox as amazon_sandbox
from worker.connectors.exact import sandbox as exact_sandbox
from worker.connectors.factuursturen import sandbox as factuursturen_sandbox
from worker.connectors.kmoshops import sandbox as kmo_sandbox
from worker.connectors.mijnwebwinkel import sandbox as mww_sandbox
from worker.connectors.mollie import sandbox as mollie_sandbox, sandbox_state as mollie_state
from worker.connectors.nmbrs import sandbox as nmbrs_sandbox
from worker.connectors.snelstart import sandbox as snelstart_sandbox
from worker.connectors.vies import sandbox as vies_sandbox
from worker.connectors.visma_eaccounting import sandbox as visma_sandbox
from worker.connectors.visma_net import sandbox as vismanet_sandbox


class SandboxSet:
    """The sandboxes' states and their combined WSGI app; ``reset()`` starts over with empty states."""

    def __init__(self, state_dir: pathlib.Path | None = None, sender_timeout: float = 5.0,
                 exact_options: dict | None = None):
        self.state_dir = state_dir
        self.sender_timeout = sender_timeout
        self.exact_options = exact_options or {}
        self.sender = None
        # The root shows the back office: shops, logins, demo logins (worker.sandbox_backoffice).
        self.backoffice = sandbox_backoffice.create_app(self)
        self.reset()

    def reset(self) -> None:
        """Fresh sandbox states (persisted under ``state_dir`` when given)."""
        if self.sender is not None:
            self.sender.stop()
        self.exact = self._exact_state()
        self.exact.register_client(client_id=settings.exact_client_id, client_secret=settings.exact_client_secret,
                                   redirect_uri=settings.public_url + "/connect/exact/callback")
        self.visma = self._visma_state()
        self.visma.register_client(client_id=settings.visma_client_id, client_secret=settings.visma_client_secret,
                                   redirect_uri=settings.public_url + "/connect/visma/callback")
        self.snelstart = self._snelstart_state()
        self.kmo = self._kmo_state()
        self.sender = kmo_sandbox.WebhookSender(self.kmo, timeout=self.sender_timeout)
        self.mijnwebwinkel = mww_sandbox.MijnwebwinkelState(
            clock=mww_sandbox.Clock(), partners={settings.mijnwebwinkel_partner_token: "Koppel",
                                                 mww_sandbox.OTHER_PARTNER: "Boekhoudpakket"})
        self.vies = vies_sandbox.ViesSandboxState.with_examples()
        self.mollie = mollie_state.MollieState(api_keys={settings.mollie_api_key})
        self.factuursturen = factuursturen_sandbox.FactuursturenState(clock=factuursturen_sandbox.Clock())
        self.factuursturen.add_account(*factuursturen_sandbox.DEMO_ACCOUNT)
        self.amazon = self._amazon_state()
        self.nmbrs = self._nmbrs_state()
        self.vismanet = self._vismanet_state()
        self.vismanet.register_client(settings.vismanet_client_id, settings.vismanet_client_secret,
                                      settings.public_url + "/connect/vismanet/callback")
        self._apps = {"/exact": exact_sandbox.create_app(self.exact),
                      "/visma": visma_sandbox.create_app(self.visma),
                      "/snelstart": snelstart_sandbox.create_app(self.snelstart),
                      "/kmoshops": kmo_sandbox.create_app(self.kmo, self.sender),
                      "/mijnwebwinkel": mww_sandbox.create_app(self.mijnwebwinkel),
                      "/amazon": amazon_sandbox.create_app(self.amazon),
                      "/vies": vies_sandbox.create_sandbox(self.vies), "/mollie": mollie_sandbox.create_sandbox(self.mollie),
                      "/factuursturen": factuursturen_sandbox.create_app(self.factuursturen),
                      "/nmbrs": nmbrs_sandbox.create_app(self.nmbrs),
                      "/vismanet": vismanet_sandbox.create_app(self.vismanet)}

    def _nmbrs_state(self):
        path = self.state_dir / "nmbrs.json" if self.state_dir else None
        state = nmbrs_sandbox.NmbrsState.load(str(path)) if path and path.exists() else nmbrs_sandbox.NmbrsState()
        if path:
            state.autosave_path = str(path)
        return state

    def _vismanet_state(self):
        path = self.state_dir / "vismanet.json" if self.state_dir else None
        if path and path.exists():
            state = vismanet_sandbox.VismaNetState.load(str(path))
        else:
            state = vismanet_sandbox.VismaNetState()
        if path:
            state.autosave_path = str(path)
        return state

    def _amazon_state(self):
        state = amazon_sandbox.AmazonState(
            clock=amazon_sandbox.Clock(), client_id=settings.amazon_client_id,
            client_secret=settings.amazon_client_secret, app_id=settings.amazon_app_id,
            redirect_uris=(settings.public_url + "/connect/amazon/callback",))
        path = self.state_dir / "amazon.json" if self.state_dir else None
        if path and path.exists():
            amazon_sandbox.storage.load(state, str(path))
        if path:
            state.autosave_path = str(path)
        return state

    def _exact_state(self):
        path = self.state_dir / "exact.json" if self.state_dir else None
        if path and path.exists():
            state = exact_sandbox.ExactState.load(path, clock=exact_sandbox.Clock())
        else:
            state = exact_sandbox.ExactState(clock=exact_sandbox.Clock(), **self.exact_options)
        if path:
            state.autosave_path = str(path)
        return state

    def _visma_state(self):
        path = self.state_dir / "visma.json" if self.state_dir else None
        if path and path.exists():
            state = visma_sandbox.VismaState.load(path, clock=visma_sandbox.Clock())
        else:
            state = visma_sandbox.VismaState(clock=visma_sandbox.Clock())
        if path:
            state.autosave_path = str(path)
        return state

    def _snelstart_state(self):
        path = self.state_dir / "snelstart.json" if self.state_dir else None
        if path and path.exists():
            state = snelstart_sandbox.SnelStartState.load(str(path), clock=snelstart_sandbox.Clock())
        else:
            state = snelstart_sandbox.SnelStartState(clock=snelstart_sandbox.Clock())
        if path:
            state.autosave_path = str(path)
        state.add_subscription_key(settings.snelstart_subscription_key)
        if snelstart_sandbox.DEMO_CLIENT_KEY not in state.keys:  # "Demo BV", for trying SnelStart locally
            state.add_administration("Demo BV", wide_article_codes=True, client_key=snelstart_sandbox.DEMO_CLIENT_KEY)
        return state

    def _kmo_state(self):
        path = self.state_dir / "kmoshops.json" if self.state_dir else None
        if path and path.exists():
            state = kmo_sandbox.KmoShopsState.load(path, clock=kmo_sandbox.Clock())
        else:
            state = kmo_sandbox.KmoShopsState(clock=kmo_sandbox.Clock())
        if path:
            state.autosave_path = str(path)
        return state

    def __call__(self, environ, start_response):
        # Looked up per request, so reset() swaps the sandboxes under a running server.
        app = DispatcherMiddleware(self.backoffice, self._apps)
        return app(environ, start_response)

    def ensure_demo_user(self, username: str, password: str) -> None:
        """The Exact sandbox login the demo merchant connects with (kept across restarts)."""
        if username not in self.exact.users:
            self.exact.add_user(username=username, password=password, division=None)
        # Payroll (the Administrations tab): the same login is the payroll API user (its password the token)
        # and a ledger user (kept across restarts with the other sandboxes' states).
        if username not in self.nmbrs.users:
            self.nmbrs.add_user(username, password)
        if username not in self.vismanet.users:
            self.vismanet.add_user(username, password)

    def ensure_demo_visma_user(self, username: str, password: str) -> None:
        """The Visma sandbox login (and its company) the Visma demo merchant connects with."""
        if username not in self.visma.users:
            self.visma.add_user(username, password)
