"""The sandbox's Login with Amazon: Seller Central's consent page and the token endpoint (§1.2, §1.11 item 1)."""
from __future__ import annotations

import html
import urllib.parse

from flask import Blueprint, current_app, jsonify, redirect, request

from worker.connectors.amazon.sandbox.errors import lwa_error

bp = Blueprint("amazon_lwa", __name__)


def state():
    return current_app.extensions["amazon_sandbox"]


def _consent_problem(args) -> tuple[str, str] | None:
    app = state().app
    if args.get("application_id") != app["app_id"]:
        return "MD1100", "Unknown application."
    if app["draft"] and args.get("version") != "beta":
        return "MD1000", "This application is in draft and needs version=beta."
    if args.get("redirect_uri") and args["redirect_uri"] not in app["redirect_uris"]:
        return "MD5101", "The redirect URI is not registered for this application."
    return None


@bp.get("/sellercentral/apps/authorize/consent")
def consent_page():
    """The consent page: the seller (by merchant token) grants Koppel's app access."""
    problem = _consent_problem(request.args)
    if problem:
        return f"<h1>Error {problem[0]}</h1><p>{problem[1]}</p>", 400
    hidden = "".join(f'<input type="hidden" name="{k}" value="{html.escape(v)}">' for k, v in request.args.items())
    return (f'<form method="post"><label>Merchant token <input name="selling_partner_id"></label>{hidden}'
            f'<button name="decision" value="allow">Confirm</button><button name="decision" value="deny">Cancel</button></form>')


@bp.post("/sellercentral/apps/authorize/consent")
def consent_given():
    """Back to the app's redirect URI with ``state``, ``selling_partner_id`` and ``spapi_oauth_code``."""
    form = request.form
    problem = _consent_problem(form)
    seller = form.get("selling_partner_id", "")
    if problem or seller not in state().sellers:
        return f"<h1>Error {problem[0] if problem else 'MD9100'}</h1>", 400
    redirect_uri = form.get("redirect_uri") or next(iter(state().app["redirect_uris"]), "")
    query = {"state": form.get("state", "")}
    if form.get("decision") == "allow":
        query.update(selling_partner_id=seller, spapi_oauth_code=state().new_code(seller, redirect_uri))
    else:
        query["error"] = "access_denied"
    return redirect(f"{redirect_uri}?{urllib.parse.urlencode(query)}")


@bp.post("/lwa/auth/o2/token")
def token():
    """authorization_code and refresh_token grants, form-encoded, for Koppel's client only."""
    form, sandbox = request.form, state()
    if not request.content_type or "application/x-www-form-urlencoded" not in request.content_type:
        return lwa_error(400, "invalid_request", "The request has an invalid parameter : Content-Type")
    if (form.get("client_id"), form.get("client_secret")) != (sandbox.app["client_id"], sandbox.app["client_secret"]):
        return lwa_error(401, "invalid_client", "Client authentication failed")
    if form.get("grant_type") == "refresh_token":
        grant = sandbox.grant_alive(form.get("refresh_token", ""))
        if grant is None:
            return lwa_error(400, "invalid_grant", "The request has an invalid grant parameter : refresh_token")
        return jsonify(sandbox.issue_access(grant.seller))
    if form.get("grant_type") == "authorization_code":
        with sandbox.lock:
            code = sandbox.codes.pop(form.get("code", ""), None)  # once only
        if code is None or code["expires"] < sandbox.now() or code["redirect_uri"] != form.get("redirect_uri"):
            return lwa_error(400, "invalid_grant", "The request has an invalid grant parameter : code")
        return jsonify({**sandbox.issue_access(code["seller"]), "refresh_token": sandbox.grant(code["seller"])})
    return lwa_error(400, "unsupported_grant_type", "The grant type is not supported")
