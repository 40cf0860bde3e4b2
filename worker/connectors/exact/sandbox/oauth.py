"""OAuth 2.0 authorization-code flow: the login/consent page and the token endpoint (targets.md §1.2)."""
from __future__ import annotations

import json
from html import escape
from urllib.parse import urlencode

from flask import Blueprint
from flask import Response
from flask import current_app
from flask import redirect
from flask import request

from .errors import error_body
from .state import ExactState
from .tokens import OAuthError

bp = Blueprint("exact_oauth", __name__)

_FORM_FIELDS = ("client_id", "redirect_uri", "response_type", "state", "code_challenge",
                "code_challenge_method", "force_login")


def _state() -> ExactState:
    return current_app.config["EXACT_STATE"]


def _page(body: str, status: int = 200) -> Response:
    html = ('<!doctype html><html lang="nl"><head><meta charset="utf-8"><title>Exact Online</title>'
            f"</head><body>{body}</body></html>")
    return Response(html, status=status, mimetype="text/html")


def _with_query(uri: str, params: dict) -> str:
    params = {k: v for k, v in params.items() if v is not None}
    return uri + ("&" if "?" in uri else "?") + urlencode(params)


def _check_client(state: ExactState, params) -> Response | None:
    """An error page (400, no redirect) when the client or its redirect URI is not registered."""
    client = state.clients.get(params.get("client_id", ""))
    if client is None:
        return _page("<h1>Fout</h1><p>Unknown client_id.</p>", 400)
    if params.get("redirect_uri") != client["redirect_uri"]:
        return _page("<h1>Fout</h1><p>The redirect_uri does not match the registered one.</p>", 400)
    return None


def _request_error(params) -> str | None:
    if params.get("response_type") != "code":
        return "unsupported_response_type"
    if params.get("code_challenge") and params.get("code_challenge_method", "plain") != "S256":
        return "invalid_request"
    return None


def _form(params, message: str = "") -> Response:
    hidden = "".join(f'<input type="hidden" name="{n}" value="{escape(params.get(n) or "", quote=True)}">'
                     for n in _FORM_FIELDS if params.get(n) is not None)
    error = f'<p class="error" role="alert">{escape(message)}</p>' if message else ""
    return _page(
        "<h1>Exact Online</h1><p>Log in om toegang te verlenen aan de app.</p>"
        f'{error}<form method="post">{hidden}'
        '<label>Username <input name="username" autocomplete="username"></label>'
        '<label>Password <input name="password" type="password"></label>'
        '<button type="submit">Grant access</button></form>')


@bp.route("/api/oauth2/auth", methods=["GET", "POST"])
def authorize():
    """Show the login + consent form (GET) or process it (POST)."""
    state = _state()
    # The form posts to the page's own URL, so its query string backs up the hidden fields.
    params = request.args if request.method == "GET" else request.values
    refused = _check_client(state, params)
    if refused is not None:
        return refused
    error = _request_error(params)
    if error:
        return redirect(_with_query(params["redirect_uri"], {"error": error, "state": params.get("state")}))
    if request.method == "GET":
        return _form(params)
    username = params.get("username", "")
    with state.lock:
        user = state.users.get(username)
        if user is None or user["password"] != params.get("password"):
            return _form(params, "Invalid username or password")
        code = state.tokens.issue_code(state.clock.now(), params["client_id"], params["redirect_uri"], username,
                                       params.get("code_challenge") or None)
        state.changed()
    return redirect(_with_query(params["redirect_uri"], {"code": code, "state": params.get("state")}))


def _json(status: int, body: dict, headers: dict | None = None) -> Response:
    response = Response(json.dumps(body), status=status, mimetype="application/json")
    response.headers["Cache-Control"] = "no-store"
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def _client(state: ExactState) -> str:
    """The authenticated client_id (body credentials or HTTP Basic), or OAuthError invalid_client."""
    auth = request.authorization
    basic = auth is not None and auth.type == "basic"
    client_id = auth.username if basic else request.form.get("client_id")
    secret = auth.password if basic else request.form.get("client_secret")
    client = state.clients.get(client_id or "")
    if client is None or client["secret"] != secret:
        headers = {"WWW-Authenticate": 'Basic realm="Exact Online"'} if basic else None
        raise OAuthError(401 if basic else 400, "invalid_client", headers=headers)
    return client_id


def _grant(state: ExactState) -> dict:
    if request.mimetype != "application/x-www-form-urlencoded":
        raise OAuthError(400, "invalid_request", "The token request must be form-encoded.")
    client_id = _client(state)
    form, now = request.form, state.clock.now()
    kind = form.get("grant_type")
    if kind == "authorization_code":
        return state.tokens.exchange_code(now, client_id, form.get("code", ""), form.get("redirect_uri", ""),
                                          form.get("code_verifier"))
    if kind == "refresh_token":
        return state.tokens.use_refresh(now, client_id, form.get("refresh_token", ""))
    raise OAuthError(400, "unsupported_grant_type")


@bp.route("/api/oauth2/token", methods=["POST"])
def token():
    """The token endpoint; one lock makes concurrent refreshes of one token yield exactly one winner."""
    state = _state()
    fault = state.faults.take("POST", request.path, "oauth2/token")
    if fault and fault.mode == "status":
        return _json(fault.status, error_body(f"Injected fault: HTTP {fault.status}."), fault.headers)
    if fault and fault.mode == "hang":
        state.faults.hang(fault.hang_seconds)
        return _json(504, error_body("Gateway Timeout"))
    try:
        with state.lock:
            body = _grant(state)
            state.changed()
    except OAuthError as exc:
        return _json(exc.status, exc.body, exc.headers)
    if fault:  # commit_then_hang: the pair is issued (and the old one spent), the answer never comes
        state.faults.hang(fault.hang_seconds)
    return _json(200, body)
