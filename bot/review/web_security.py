"""The review app's HTTP defences: security headers, cookies, same-origin and CSRF checks.

Kept apart from the handlers so that each rule is in one place and says why.

* Headers on every response: a CSP allowing only this origin (no inline script or style, no
  framing), ``Cache-Control: no-store`` on every page (a decrypted referral must not reach the
  browser's disk cache), nosniff, and ``Referrer-Policy: no-referrer``.
* Cookies: HttpOnly, SameSite=Strict, and Secure with the ``__Host-`` prefix unless
  `secure_cookies` is off (plain-http tests only).
* Every POST must be same-origin and carry the CSRF synchronizer token. With
  ``Referrer-Policy: no-referrer`` a browser sends ``Origin: null`` and no Referer even on our
  own form posts (Fetch standard, "append a request Origin header"), so the origin evidence a
  browser does give is ``Sec-Fetch-Site``; a real cross-site Origin or Referer is refused too.
  Clients that send none of these (scripts) still need the token, which only our pages hold.
"""

from __future__ import annotations

import hmac
import re
from urllib.parse import urlsplit

from aiohttp import web

CSP = (
    "default-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'; "
    "object-src 'none'"
)
STATIC_PREFIX = "/static/"


def add_security_headers(response: web.StreamResponse, path: str, hsts: bool) -> None:
    headers = response.headers
    headers["Content-Security-Policy"] = CSP
    headers["X-Content-Type-Options"] = "nosniff"
    headers["Referrer-Policy"] = "no-referrer"
    headers["X-Frame-Options"] = "DENY"
    headers["Cross-Origin-Opener-Policy"] = "same-origin"
    headers["Cross-Origin-Resource-Policy"] = "same-origin"
    headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), interest-cohort=()"
    if hsts:
        headers["Strict-Transport-Security"] = "max-age=31536000"
    if path.startswith(STATIC_PREFIX):
        headers["Cache-Control"] = "no-cache"
    else:
        headers["Cache-Control"] = "no-store"
        headers["Pragma"] = "no-cache"


def cookie_name(base: str, secure: bool) -> str:
    """``__Host-<base>`` when Secure: the browser then refuses it from any other host or path."""
    return f"__Host-{base}" if secure else base


def set_cookie(response: web.StreamResponse, name: str, value: str, secure: bool) -> None:
    response.set_cookie(name, value, path="/", httponly=True, secure=secure, samesite="Strict")


def clear_cookie(response: web.StreamResponse, name: str, secure: bool) -> None:
    response.set_cookie(
        name,
        "",
        path="/",
        max_age=0,
        expires="Thu, 01 Jan 1970 00:00:00 GMT",
        httponly=True,
        secure=secure,
        samesite="Strict",
    )


def _netloc(url: str) -> str:
    try:
        parts = urlsplit(url)
    except ValueError:
        return "?"
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme else "?"


def same_origin(request: web.Request, public_origin: str) -> bool:
    """False when the browser tells us the request came from another site."""
    site = request.headers.get("Sec-Fetch-Site")
    if site is not None and site != "same-origin":
        return False
    if public_origin:
        expected = {public_origin}
    else:  # behind a TLS proxy the scheme we see may be http: compare host and port only
        expected = {f"http://{request.host}", f"https://{request.host}"}
    origin = request.headers.get("Origin")
    if origin and origin != "null" and origin not in expected:
        return False
    referer = request.headers.get("Referer")
    return not (referer and _netloc(referer) not in expected)


def tokens_match(expected: str | None, sent: str | None) -> bool:
    if not expected or not sent:
        return False
    return hmac.compare_digest(expected.encode(), sent.encode())


#: The in-app pages a sign-in may return to, with at most a plain query (status, page,
#: reference filters). Anything else, however it is spelt (``//host``, ``/%09/host``,
#: ``/\\host``, ``https://``), falls back to the queue.
_KNOWN_NEXT = re.compile(
    r"^/(?:queue|referrals/[A-Za-z0-9_-]{1,40}|admin/accounts|admin/audit)"
    r"(?:\?[A-Za-z0-9_=&.%-]{0,200})?$"
)


def safe_next(value: str | None, default: str = "/queue") -> str:
    """Only a known page of this app (an allow-list, not a deny-list): no open redirect."""
    if not value or not _KNOWN_NEXT.fullmatch(value):
        return default
    return value
