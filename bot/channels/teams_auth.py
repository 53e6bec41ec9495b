"""Who may talk to the Teams channel, and how it proves itself to Microsoft. Plain Python.

Every POST to the messaging endpoint claims to come from Microsoft's Bot Connector, and the
replies go out with the app's own access token. A forged request could make us post that
token to a server of the sender's choosing, or read guidance to someone outside the
organisations we serve, so each request is checked as Microsoft's "Authenticate requests
from the Bot Connector service" says, and nothing reaches Rasa until it passes:

1. ``Authorization: Bearer <JWT>``, signed RS256 (nothing else: not ``none``, not HS256)
   by a key listed in the JWKS that the OpenID metadata document points to. Keys are
   cached for a day and fetched again when a token names a key we have not seen (rotation).
2. Issuer: ``https://api.botframework.com`` (what the Bot Connector signs with, for
   multi-tenant and single-tenant bots); with a tenant id also that tenant's Entra ID
   issuers. Audience: the app id. ``exp``/``nbf`` with five minutes' leeway (as Microsoft's
   SDKs allow for clock skew).
3. The token's ``serviceurl`` claim equals the activity's ``serviceUrl``: replies only ever
   go to a URL that Microsoft vouched for, never to one taken from an unsigned body.
4. ``channelId`` is ``msteams`` and the signing key is endorsed for ``msteams`` (a key
   without endorsements is refused): another Bot Framework channel of the same bot (Direct
   Line, Web Chat) lets its client choose any sender and tenant, so it never gets in.
5. The service URL is a Teams one (``TEAMS_SERVICE_URLS``, default
   ``https://smba.trafficmanager.net/``): a token vouching for any other URL is refused.
6. The activity's tenant is one of ``TEAMS_ALLOWED_TENANTS`` (403 otherwise), and equals
   the token's ``tid`` claim when the token has one. The Bot Connector's own tokens carry
   no tenant or user claims: tenant and sender come from the activity the connector
   relays, which steps 1-5 bind to Microsoft's Teams service. Staff only (a school's
   tenant holds its pupils too) is checked after this, by `TeamsSettings.allowed_users`
   or per-person enrolment (`bot.channels.teams`).

Failures raise :class:`AuthError` whose ``reason`` is safe to log: never the token.
Kept free of Rasa so it can be tested fast and reused by another front end.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import aiohttp
import jwt

from bot.config import get_config

log = logging.getLogger(__name__)

BOTFRAMEWORK_OPENID_METADATA_URL = (
    "https://login.botframework.com/v1/.well-known/openidconfiguration"
)
BOTFRAMEWORK_ISSUER = "https://api.botframework.com"
TENANT_OPENID_METADATA_URL = (
    "https://login.microsoftonline.com/{tenant}/v2.0/.well-known/openid-configuration"
)
TENANT_ISSUERS = (
    "https://sts.windows.net/{tenant}/",
    "https://login.microsoftonline.com/{tenant}/v2.0",
)
OAUTH_ENDPOINT = "https://login.microsoftonline.com/{tenant}/oauth2/v2.0/token"
#: The token endpoint's "tenant" for multi-tenant bots.
MULTI_TENANT = "botframework.com"
BOTFRAMEWORK_SCOPE = "https://api.botframework.com/.default"
ALGORITHM = "RS256"
LEEWAY_SECONDS = 300
KEYS_TTL_SECONDS = 24 * 3600
#: A token naming an unknown key refreshes the keys at most this often (so a stream of
#: made-up key ids cannot turn us into a load generator against Microsoft).
KEYS_MIN_REFRESH_SECONDS = 60
#: Renew the app token this long before it expires.
TOKEN_MARGIN_SECONDS = 300
HTTP_TIMEOUT_SECONDS = 10
#: header.payload.signature, each base64url (found by the fuzz run: anything else reached
#: PyJWT, which raised an unhandled UnicodeEncodeError on non-ASCII tokens).
JWT_SHAPE = re.compile(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*")
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})

#: credentials.yml key -> environment variable it falls back to.
SETTINGS_ENV = {
    "app_id": "TEAMS_APP_ID",
    "app_password": "TEAMS_APP_PASSWORD",
    "tenant_id": "TEAMS_TENANT_ID",
    "allowed_tenants": "TEAMS_ALLOWED_TENANTS",
    "openid_metadata_url": "TEAMS_OPENID_METADATA_URL",
    "token_url": "TEAMS_TOKEN_URL",
    "issuers": "TEAMS_ISSUERS",
    "service_urls": "TEAMS_SERVICE_URLS",
    "allowed_users": "TEAMS_ALLOWED_USERS",
}
#: The only Bot Framework channel served.
TEAMS_CHANNEL_ID = "msteams"
#: Where Teams' Bot Connector lives (public cloud). Government clouds: set TEAMS_SERVICE_URLS.
TEAMS_SERVICE_URLS = ("https://smba.trafficmanager.net/",)


class AuthError(Exception):
    """A request we refuse. `reason` is short and safe to log; `status` is 401 or 403."""

    def __init__(self, reason: str, status: int = 401) -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status


# --------------------------------------------------------------------------- settings


def _csv(value: str | Iterable[str] | None) -> tuple[str, ...]:
    """Comma-separated (or already listed) values, stripped, empties dropped, in order."""
    if value is None:
        return ()
    items = value.split(",") if isinstance(value, str) else [str(v) for v in value]
    return tuple(dict.fromkeys(item.strip() for item in items if item and item.strip()))


@dataclass(frozen=True)
class TeamsSettings:
    """What the channel needs to know; secrets are kept out of `repr` so they never log."""

    app_id: str = ""
    app_password: str = field(default="", repr=False)
    tenant_id: str = ""
    allowed_tenants: frozenset[str] = frozenset()
    metadata_urls: tuple[str, ...] = (BOTFRAMEWORK_OPENID_METADATA_URL,)
    issuers: frozenset[str] = frozenset({BOTFRAMEWORK_ISSUER})
    token_url: str = OAUTH_ENDPOINT.format(tenant=MULTI_TENANT)
    leeway: int = LEEWAY_SECONDS
    #: URL prefixes replies may go to (Teams' Bot Connector); others are refused.
    service_urls: tuple[str, ...] = TEAMS_SERVICE_URLS
    #: Entra object ids of staff served without an invite code (e.g. the members of a
    #: safeguarding group); everyone else in an allowed tenant needs one (`bot.enrolment`).
    allowed_users: frozenset[str] = frozenset()

    @property
    def configured(self) -> bool:
        """Fail closed: without an app, a secret and at least one tenant we serve no one."""
        return not self.missing()

    def missing(self) -> list[str]:
        """Names of the environment variables still to set (for the log, never values)."""
        needed = {
            "TEAMS_APP_ID": self.app_id,
            "TEAMS_APP_PASSWORD": self.app_password,
            "TEAMS_ALLOWED_TENANTS": self.allowed_tenants,
        }
        return [name for name, value in needed.items() if not value]


def settings_from(
    values: Mapping[str, Any] | None, env: Mapping[str, str] | None = None
) -> TeamsSettings:
    """Settings from credentials.yml values, each falling back to its TEAMS_* variable.

    Why the fallback: Rasa refuses to start when credentials.yml names an unset
    ``${VARIABLE}``, so the channel can be listed without values and configured from the
    environment alone, and an unconfigured deployment still starts (and answers 503).
    Single-tenant: the tenant id selects the token endpoint and adds the tenant's issuers
    and signing keys; it is also the allowed tenant unless TEAMS_ALLOWED_TENANTS says more.
    """
    values = values or {}
    env = get_config().channel_env if env is None else env

    def get(key: str) -> str:
        value = values.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            value = env.get(SETTINGS_ENV[key], "")
        return ",".join(_csv(value)) if isinstance(value, list) else str(value).strip()

    tenant = get("tenant_id")
    allowed = _csv(get("allowed_tenants")) or ((tenant,) if tenant else ())
    metadata = _csv(get("openid_metadata_url")) or (
        BOTFRAMEWORK_OPENID_METADATA_URL,
        *((TENANT_OPENID_METADATA_URL.format(tenant=tenant),) if tenant else ()),
    )
    issuers = _csv(get("issuers")) or (
        BOTFRAMEWORK_ISSUER,
        *(template.format(tenant=tenant) for template in TENANT_ISSUERS if tenant),
    )
    return TeamsSettings(
        app_id=get("app_id"),
        app_password=get("app_password"),
        tenant_id=tenant,
        allowed_tenants=frozenset(allowed),
        metadata_urls=metadata,
        issuers=frozenset(issuers),
        token_url=get("token_url") or OAUTH_ENDPOINT.format(tenant=tenant or MULTI_TENANT),
        service_urls=_csv(get("service_urls")) or TEAMS_SERVICE_URLS,
        allowed_users=frozenset(u.lower() for u in _csv(get("allowed_users"))),
    )


# --------------------------------------------------------------------------- URLs


def is_safe_url(url: str) -> bool:
    """HTTPS, or plain HTTP to this machine only (local tests)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    if not parts.hostname or parts.username or parts.password:
        return False
    if parts.scheme == "https":
        return True
    return parts.scheme == "http" and parts.hostname in LOOPBACK_HOSTS


def is_teams_service_url(url: str, prefixes: Iterable[str]) -> bool:
    """Same scheme, host and port as one of `prefixes`, and a path under its path.

    Compared by parts, never as strings: ``https://smba.trafficmanager.net.evil.example/``
    starts with the right characters and is another host.
    """
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return False
    for prefix in prefixes:
        try:
            allowed = urlsplit(prefix.strip())
            allowed_port = allowed.port
        except ValueError:
            continue
        path = allowed.path if allowed.path.endswith("/") else allowed.path + "/"
        if (
            parts.scheme == allowed.scheme
            and (parts.hostname or "") == (allowed.hostname or "")
            and port == allowed_port
            and not parts.username
            and (parts.path if parts.path.endswith("/") else parts.path + "/").startswith(path)
        ):
            return True
    return False


def normalise_service_url(url: str) -> str:
    """Teams sends service URLs with a trailing slash; compare and join without it."""
    return url.strip().rstrip("/")


class VouchedServiceUrls:
    """Service URLs a verified token has vouched for: the only places replies may go.

    A small LRU set (Teams uses a handful of regional URLs) so it cannot grow without end.
    """

    def __init__(self, limit: int = 256) -> None:
        self._urls: OrderedDict[str, None] = OrderedDict()
        self._limit = limit

    def add(self, url: str) -> None:
        key = normalise_service_url(url)
        self._urls[key] = None
        self._urls.move_to_end(key)
        while len(self._urls) > self._limit:
            self._urls.popitem(last=False)

    def __contains__(self, url: object) -> bool:
        return isinstance(url, str) and normalise_service_url(url) in self._urls


# --------------------------------------------------------------------------- HTTP

FetchJson = Callable[[str], Awaitable[Any]]
PostForm = Callable[[str, Mapping[str, str]], Awaitable[tuple[int, Any]]]


async def fetch_json(url: str) -> Any:
    """GET a JSON document (OpenID metadata, JWKS); refuses unsafe URLs."""
    if not is_safe_url(url):
        raise ValueError("refusing to fetch from a URL that is not HTTPS")
    timeout = aiohttp.ClientTimeout(total=HTTP_TIMEOUT_SECONDS)
    async with aiohttp.ClientSession(timeout=timeout) as session:
        async with session.get(url, allow_redirects=False) as response:
            response.raise_for_status()
            return json.loads(await response.read())


async def post_form(url: str, form: Mapping[str, str]) -> tuple[int, Any]:
    """POST a form (the client-credentials grant) and return status and JSON body."""
    if not is_safe_url(url):
        raise ValueError("refusing to send credentials to a URL that is not HTTPS")
    timeout = aiohttp.ClientTimeout(total=HTTP_TIMEOUT_SECONDS)
    async with aiohttp.ClientSession(timeout=timeout) as session:
        async with session.post(url, data=dict(form), allow_redirects=False) as response:
            body = await response.read()
            try:
                return response.status, json.loads(body or b"null")
            except ValueError:
                return response.status, None


# --------------------------------------------------------------------------- signing keys


class SigningKeys:
    """Microsoft's token signing keys, found through the OpenID metadata documents."""

    def __init__(
        self,
        metadata_urls: Iterable[str],
        fetch: FetchJson = fetch_json,
        ttl: float = KEYS_TTL_SECONDS,
        min_refresh: float = KEYS_MIN_REFRESH_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._urls = tuple(metadata_urls)
        self._fetch = fetch
        self._ttl = ttl
        self._min_refresh = min_refresh
        self._clock = clock
        self._keys: dict[str, dict[str, Any]] = {}
        self._fetched_at: float | None = None
        self._lock = asyncio.Lock()

    async def get(self, kid: str) -> dict[str, Any] | None:
        """The JWK with this key id, refreshing when stale or when the id is new to us."""
        async with self._lock:
            if self._needs_refresh(kid):
                await self._refresh()
            return self._keys.get(kid)

    def _needs_refresh(self, kid: str) -> bool:
        if self._fetched_at is None:
            return True
        age = self._clock() - self._fetched_at
        return age > self._ttl or (kid not in self._keys and age > self._min_refresh)

    async def _refresh(self) -> None:
        """Fetch every metadata document's JWKS; what cannot be fetched keeps its old keys
        and is tried again soon (after `min_refresh`, not after a day)."""
        keys: dict[str, dict[str, Any]] = {}
        failed = False
        for url in self._urls:
            try:
                keys.update(await self._keys_from(url))
            except Exception as exc:  # noqa: BLE001 - any failure: keep the old keys
                failed = True
                log.warning("teams: could not fetch signing keys (%s)", type(exc).__name__)
        now = self._clock()
        if failed:
            self._keys = {**self._keys, **keys}
            self._fetched_at = now - self._ttl + self._min_refresh
        else:
            self._keys = keys
            self._fetched_at = now

    async def _keys_from(self, metadata_url: str) -> dict[str, dict[str, Any]]:
        metadata = await self._fetch(metadata_url)
        jwks_uri = metadata.get("jwks_uri") if isinstance(metadata, dict) else None
        if not isinstance(jwks_uri, str) or not is_safe_url(jwks_uri):
            raise ValueError("OpenID metadata has no usable jwks_uri")
        jwks = await self._fetch(jwks_uri)
        listed = jwks.get("keys") if isinstance(jwks, dict) else None
        return {
            key["kid"]: key
            for key in listed or []
            if isinstance(key, dict) and isinstance(key.get("kid"), str)
        }


# --------------------------------------------------------------------------- verification


@dataclass(frozen=True)
class VerifiedToken:
    """A token whose signature and claims checked out, with the key that signed it."""

    claims: dict[str, Any]
    key: dict[str, Any]

    @property
    def service_url(self) -> str:
        """The service URL Microsoft vouches for (claim ``serviceurl``)."""
        value = self.claims.get("serviceurl", self.claims.get("serviceUrl", ""))
        return value if isinstance(value, str) else ""


def bearer_token(authorization: str | None) -> str:
    """The token from an ``Authorization: Bearer ...`` header."""
    scheme, _, token = (authorization or "").strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        raise AuthError("missing bearer token")
    if not JWT_SHAPE.fullmatch(token):  # e.g. non-ASCII bytes, which PyJWT cannot encode
        raise AuthError("malformed token")
    return token


def signing_key_id(token: str) -> str:
    """The key id, after refusing any algorithm but RS256 (before any key is looked up)."""
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError as exc:
        raise AuthError("malformed token") from exc
    if header.get("alg") != ALGORITHM:
        raise AuthError("token algorithm not allowed")
    kid = header.get("kid")
    if not isinstance(kid, str) or not kid:
        raise AuthError("token names no signing key")
    return kid


def public_key(jwk: Mapping[str, Any]) -> Any:
    """The RSA public key of a JWK meant for signatures."""
    if jwk.get("kty") != "RSA" or jwk.get("use", "sig") != "sig":
        raise AuthError("signing key is not an RSA signature key")
    try:
        return jwt.PyJWK(dict(jwk), algorithm=ALGORITHM).key
    except (jwt.PyJWTError, ValueError, TypeError) as exc:
        raise AuthError("signing key unusable") from exc


_CLAIM_ERRORS: tuple[tuple[type[Exception], str], ...] = (
    (jwt.ExpiredSignatureError, "token expired"),
    (jwt.ImmatureSignatureError, "token not yet valid"),
    (jwt.InvalidAudienceError, "wrong audience"),
    (jwt.InvalidIssuerError, "wrong issuer"),
    (jwt.MissingRequiredClaimError, "token lacks a required claim"),
    (jwt.InvalidSignatureError, "bad signature"),
)


def decode_token(token: str, jwk: Mapping[str, Any], settings: TeamsSettings) -> dict[str, Any]:
    """Claims of a token, checked: RS256 signature, issuer, audience = app id, exp/nbf."""
    try:
        return jwt.decode(
            token,
            key=public_key(jwk),
            algorithms=[ALGORITHM],
            audience=settings.app_id,
            issuer=settings.issuers,
            leeway=settings.leeway,
            options={"require": ["exp", "iss", "aud"]},
        )
    except jwt.PyJWTError as exc:
        reason = next((r for kind, r in _CLAIM_ERRORS if isinstance(exc, kind)), "invalid token")
        raise AuthError(reason) from exc


async def verify_token(
    authorization: str | None, settings: TeamsSettings, keys: SigningKeys
) -> VerifiedToken:
    """Check the request's bearer token (steps 1 and 2 of the module docstring)."""
    if not settings.app_id:
        raise AuthError("channel not configured")
    token = bearer_token(authorization)
    kid = signing_key_id(token)
    jwk = await keys.get(kid)
    if jwk is None:
        raise AuthError("unknown signing key")
    return VerifiedToken(decode_token(token, jwk, settings), dict(jwk))


# --------------------------------------------------------------------------- activity checks


def activity_tenant(activity: Mapping[str, Any]) -> str:
    """The Entra tenant an activity comes from (``channelData.tenant.id``, else
    ``conversation.tenantId``)."""
    channel_data = activity.get("channelData")
    tenant = channel_data.get("tenant") if isinstance(channel_data, dict) else None
    tenant_id = tenant.get("id") if isinstance(tenant, dict) else None
    if not tenant_id:
        conversation = activity.get("conversation")
        tenant_id = conversation.get("tenantId") if isinstance(conversation, dict) else None
    return tenant_id if isinstance(tenant_id, str) else ""


def authorise_activity(
    verified: VerifiedToken, activity: Mapping[str, Any], settings: TeamsSettings
) -> str:
    """Steps 3 to 6: the token's Teams service URL, msteams endorsed, the tenant ours.

    Returns the service URL replies may go to.
    """
    service_url = activity.get("serviceUrl")
    if not isinstance(service_url, str) or not service_url:
        raise AuthError("activity has no service URL")
    vouched = verified.service_url
    if not vouched or normalise_service_url(vouched) != normalise_service_url(service_url):
        raise AuthError("service URL not vouched for by the token")
    if not is_safe_url(service_url):
        raise AuthError("service URL is not HTTPS")
    if not is_teams_service_url(service_url, settings.service_urls):
        raise AuthError("service URL is not a Teams one")
    if activity.get("channelId") != TEAMS_CHANNEL_ID:
        raise AuthError("channel not allowed", status=403)
    endorsements = verified.key.get("endorsements")
    if not isinstance(endorsements, list) or TEAMS_CHANNEL_ID not in endorsements:
        raise AuthError("signing key not endorsed for this channel")
    tenant = activity_tenant(activity)
    if tenant not in settings.allowed_tenants:
        raise AuthError("tenant not allowed", status=403)
    claimed = verified.claims.get("tid")
    if claimed is not None and claimed != tenant:
        raise AuthError("tenant differs from the token's", status=403)
    return service_url


# --------------------------------------------------------------------------- app token


class AppToken:
    """The app's access token for the Bot Connector (client-credentials grant), cached.

    One token serves every reply until shortly before it expires; a lock makes concurrent
    replies share one request to the token endpoint.
    """

    def __init__(
        self,
        settings: TeamsSettings,
        post: PostForm = post_form,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._settings = settings
        self._post = post
        self._clock = clock
        self._token = ""
        self._expires_at = 0.0
        self._lock = asyncio.Lock()

    async def get(self) -> str:
        """A token valid for at least a few more minutes."""
        async with self._lock:
            if not self._token or self._clock() >= self._expires_at:
                await self._renew()
            return self._token

    def forget(self) -> None:
        """Drop the cached token (after the connector refused it)."""
        self._token, self._expires_at = "", 0.0

    async def _renew(self) -> None:
        settings = self._settings
        status, body = await self._post(
            settings.token_url,
            {
                "grant_type": "client_credentials",
                "client_id": settings.app_id,
                "client_secret": settings.app_password,
                "scope": BOTFRAMEWORK_SCOPE,
            },
        )
        token = body.get("access_token") if isinstance(body, dict) else None
        if status != 200 or not isinstance(token, str) or not token:
            raise RuntimeError(f"token endpoint refused the app credentials (HTTP {status})")
        try:
            lifetime = float(body.get("expires_in", 0))
        except (TypeError, ValueError):
            lifetime = 0.0
        self._token = token
        margin = min(TOKEN_MARGIN_SECONDS, lifetime / 2)
        self._expires_at = self._clock() + max(lifetime - margin, 0.0)
