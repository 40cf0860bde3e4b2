"""Visma Connect: the login and consent page and the token endpoint (targets.md §5.2, §5.7 item 1).

Authorization code (with PKCE and rotating refresh tokens) for the merchant's consent, and
client credentials (``tenant_id`` and scopes required, no refresh token). A user who is still
logged in to Visma.net in the browser is sent back with an error, as the manual warns
("de gebruiker dient uitgelogd uit Visma.net te zijn"); the error's wording is ours [unverified].
"""
from __future__ import annotations

import base64
import hashlib
import json
import secrets
from html import escape
from urllib.parse import urlencode

from flask import Blueprint, Response, current_app, redirect, request

bp = Blueprint("vismanet_identity", __name__, url_prefix="/identity")
SCOPES = {"vismanet_erp_service_api:create", "vismanet_erp_service_api:delete", "vismanet_erp_service_api:read",
          "vismanet_erp_service_api:update", "offline_access", "openid"}
ACCESS_LIFETIME = 3600
_FIELDS = ("client_id", "redirect_uri", "response_type", "scope", "state", "code_challenge", "code_challenge_method")
SESSION_OPEN = "A Visma.net session is already active in this browser. Log out of Visma.net and try again."


def _state():
    return current_app.config["VISMANET_STATE"]


def _json(status: int, body: dict) -> Response:
    return Response(json.dumps(body), status=status, mimetype="application/json", headers={"Cache-Control": "no-store"})


def _back(uri: str, params: dict) -> Response:
    return redirect(uri + ("&" if "?" in uri else "?") + urlencode({k: v for k, v in params.items() if v}))


def _form(params, message: str = "") -> Response:
    hidden = "".join(f'<input type="hidden" name="{n}" value="{escape(params.get(n) or "", quote=True)}">'
                     for n in _FIELDS if params.get(n) is not None)
    error = f'<p role="alert">{escape(message)}</p>' if message else ""
    return Response(f'<!doctype html><html><head><meta charset="utf-8"><title>Visma Connect</title></head><body>'
                    f'<h1>Visma Connect</h1>{error}<form method="post">{hidden}<input name="username">'
                    '<input name="password" type="password"><button>Allow</button></form></body></html>',
                    mimetype="text/html")


@bp.route("/connect/authorize", methods=["GET", "POST"])
def authorize():
    """The login form (GET), or the check and the redirect back with a code or an error (POST)."""
    state, params = _state(), request.values
    client = state.clients.get(params.get("client_id", ""))
    if client is None or params.get("redirect_uri") != client["redirect_uri"]:
        return Response("Unknown client or redirect_uri", status=400)
    back, scopes = params["redirect_uri"], set((params.get("scope") or "").split())
    if params.get("response_type") != "code" or not scopes or not scopes <= SCOPES:
        return _back(back, {"error": "invalid_request", "state": params.get("state")})
    if request.method == "GET":
        return _form(params)
    with state.lock:
        user = state.users.get(params.get("username", ""))
        if user is None or user["password"] != params.get("password"):
            return _form(params, "Invalid username or password")
        if user["session_open"]:
            return _back(back, {"error": "access_denied", "error_description": SESSION_OPEN,
                                "state": params.get("state")})
        code = secrets.token_urlsafe(24)
        state.codes[code] = {"client_id": params["client_id"], "redirect_uri": back, "tenant": user["tenant"],
                             "scopes": sorted(scopes), "challenge": params.get("code_challenge"), "used": False,
                             "expires": state.clock.now() + 300}
    return _back(back, {"code": code, "state": params.get("state")})


def _s256(verifier: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()


def _issue(state, grant: dict, refresh: bool) -> dict:
    access = secrets.token_urlsafe(32)
    state.access[access] = {"client_id": grant["client_id"], "tenant": grant["tenant"], "scopes": grant["scopes"],
                            "expires": state.clock.now() + ACCESS_LIFETIME}
    answer = {"access_token": access, "expires_in": ACCESS_LIFETIME, "token_type": "Bearer",
              "scope": " ".join(grant["scopes"])}
    if refresh and "offline_access" in grant["scopes"]:
        token = secrets.token_urlsafe(32)
        state.refresh[token] = {**grant, "used": False}
        answer["refresh_token"] = token
    return answer


def _grant(state, form) -> tuple[int, dict]:
    client = state.clients.get(form.get("client_id", ""))
    if client is None or client["secret"] != form.get("client_secret"):
        return 400, {"error": "invalid_client"}
    kind, now = form.get("grant_type"), state.clock.now()
    if kind == "authorization_code":
        grant = state.codes.get(form.get("code", ""))
        if (grant is None or grant["used"] or grant["expires"] <= now or grant["client_id"] != form["client_id"]
                or grant["redirect_uri"] != form.get("redirect_uri")
                or (grant["challenge"] and _s256(form.get("code_verifier") or "") != grant["challenge"])):
            return 400, {"error": "invalid_grant"}
        grant["used"] = True
        return 200, _issue(state, grant, refresh=True)
    if kind == "refresh_token":
        grant = state.refresh.get(form.get("refresh_token", ""))
        if grant is None or grant["used"] or grant["client_id"] != form["client_id"]:
            return 400, {"error": "invalid_grant"}
        grant["used"] = True
        return 200, _issue(state, grant, refresh=True)
    if kind == "client_credentials":
        scopes = set((form.get("scope") or "").split())
        known = form.get("tenant_id") in state.customers
        if not form.get("tenant_id") or (not known and state.reject_unknown_tenant) or not scopes or not scopes <= SCOPES:
            return 400, {"error": "invalid_request"}
        return 200, _issue(state, {"client_id": form["client_id"], "tenant": form["tenant_id"],
                                   "scopes": sorted(scopes)}, refresh=False)
    return 400, {"error": "unsupported_grant_type"}


@bp.route("/connect/token", methods=["POST"])
def token():
    """The token endpoint (form-encoded)."""
    state = _state()
    if request.mimetype != "application/x-www-form-urlencoded":
        return _json(400, {"error": "invalid_request"})
    with state.lock:
        status, body = _grant(state, request.form)
    return _json(status, body)
