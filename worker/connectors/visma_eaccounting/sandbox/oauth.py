"""The identity server: login and consent page, and the token endpoint (targets.md §2.2, §2.9 item 1)."""
from __future__ import annotations

import json
from html import escape
from urllib.parse import urlencode

from flask import Blueprint, Response, current_app, redirect, request

from .state import VismaState
from .tokens import KNOWN_SCOPES, OAuthError

bp = Blueprint("visma_identity", __name__, url_prefix="/identity")

_FIELDS = ("client_id", "redirect_uri", "response_type", "scope", "state", "code_challenge",
           "code_challenge_method", "prompt", "acr_values")


def _state() -> VismaState:
    return current_app.config["VISMA_STATE"]


def _page(body: str, status: int = 200) -> Response:
    html = ('<!doctype html><html lang="nl"><head><meta charset="utf-8"><title>Visma</title></head>'
            f"<body>{body}</body></html>")
    return Response(html, status=status, mimetype="text/html")


def _back(uri: str, params: dict) -> Response:
    params = {k: v for k, v in params.items() if v is not None}
    return redirect(uri + ("&" if "?" in uri else "?") + urlencode(params))


def _form(params, message: str = "") -> Response:
    hidden = "".join(f'<input type="hidden" name="{n}" value="{escape(params.get(n) or "", quote=True)}">'
                     for n in _FIELDS if params.get(n) is not None)
    error = f'<p class="error" role="alert">{escape(message)}</p>' if message else ""
    return _page("<h1>Visma eAccounting</h1><p>Log in en geef de app toegang tot je administratie.</p>"
                 f'{error}<form method="post">{hidden}<label>E-mail <input name="username"></label>'
                 '<label>Password <input name="password" type="password"></label>'
                 '<button type="submit">Allow</button></form>')


def _scope_error(scopes: set[str]) -> str | None:
    # ea:api is mandatory; offline_access is optional, only it brings a refresh token.
    if "ea:api" not in scopes or not scopes <= KNOWN_SCOPES:
        return "invalid_scope"
    return None


@bp.route("/connect/authorize", methods=["GET", "POST"])
def authorize():
    """Show the login form (GET) or check it and send the browser back with a code (POST)."""
    state, params = _state(), (request.args if request.method == "GET" else request.values)
    client = state.clients.get(params.get("client_id", ""))
    if client is None or params.get("redirect_uri") != client["redirect_uri"]:
        return _page("<h1>Error</h1><p>Unknown client or redirect_uri.</p>", 400)
    back = params["redirect_uri"]
    if params.get("response_type") != "code":  # only the authorization-code flow exists
        return _back(back, {"error": "unsupported_response_type", "state": params.get("state")})
    scopes = set((params.get("scope") or "").split())
    if _scope_error(scopes):
        return _back(back, {"error": "invalid_scope", "state": params.get("state")})
    if request.method == "GET":
        return _form(params)
    with state.lock:
        user = state.users.get(params.get("username", ""))
        if user is None or user["password"] != params.get("password"):
            return _form(params, "Invalid e-mail or password")
        code = state.tokens.issue_code(state.clock.now(), {
            "client_id": params["client_id"], "redirect_uri": back, "username": params["username"],
            "company": user["company"], "scopes": sorted(scopes), "challenge": params.get("code_challenge")})
        state.changed()
    return _back(back, {"code": code, "state": params.get("state")})


def _json(status: int, body: dict) -> Response:
    response = Response(json.dumps(body), status=status, mimetype="application/json")
    response.headers["Cache-Control"] = "no-store"
    return response


def _client_id(state: VismaState) -> str:
    auth = request.authorization
    basic = auth is not None and auth.type == "basic"
    client_id = auth.username if basic else request.form.get("client_id")
    secret = auth.password if basic else request.form.get("client_secret")
    client = state.clients.get(client_id or "")
    if client is None or client["secret"] != secret:
        raise OAuthError(401 if basic else 400, "invalid_client")
    return client_id


def _grant(state: VismaState) -> dict:
    if request.mimetype != "application/x-www-form-urlencoded":
        raise OAuthError(400, "invalid_request", "Content-Type must be application/x-www-form-urlencoded")
    client_id, form, now = _client_id(state), request.form, state.clock.now()
    kind = form.get("grant_type")
    if kind == "authorization_code":
        return state.tokens.exchange_code(now, client_id, form.get("code", ""), form.get("redirect_uri", ""),
                                          form.get("code_verifier"))
    if kind == "refresh_token":
        return state.tokens.use_refresh(now, client_id, form.get("refresh_token", ""))
    raise OAuthError(400, "unsupported_grant_type")


@bp.route("/connect/token", methods=["POST"])
def token():
    """The token endpoint; the state lock makes two refreshes of one token yield one winner."""
    state = _state()
    fault = state.faults.take("POST", request.path)
    if fault and fault.mode != "commit_then_hang":
        if fault.mode == "hang":
            state.faults.hang(fault.hang_seconds)
        return _json(fault.status or 504, {"error": "server_error"})
    try:
        with state.lock:
            body = _grant(state)
            state.changed()
    except OAuthError as exc:
        return _json(exc.status, exc.body)
    if fault:  # commit_then_hang: the pair is issued and the old one spent, but the answer is late
        state.faults.hang(fault.hang_seconds)
    return _json(200, body)
