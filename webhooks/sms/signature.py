"""Twilio request signatures: checked on every webhook, made by the simulator the same way."""

from flask import Request
from twilio.request_validator import RequestValidator


def signed_url(request: Request, public_base_url: str) -> str:
    """The URL Twilio signed: the public base when behind a proxy, else the request's own."""
    if not public_base_url:
        return request.url
    query = request.query_string.decode()
    return public_base_url.rstrip("/") + request.path + (f"?{query}" if query else "")


def is_valid(request: Request, auth_token: str, public_base_url: str) -> bool:
    signature = request.headers.get("X-Twilio-Signature", "")
    if not signature:
        return False
    validator = RequestValidator(auth_token)
    return validator.validate(signed_url(request, public_base_url), request.form, signature)


def sign(auth_token: str, url: str, params: dict[str, str]) -> str:
    return RequestValidator(auth_token).compute_signature(url, params)
