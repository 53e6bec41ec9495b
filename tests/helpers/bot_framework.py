"""Microsoft's side of the Bot Framework, on loopback, for the Teams channel tests.

One threaded HTTP server plays every Microsoft endpoint the channel talks to:

- ``GET /v1/.well-known/openidconfiguration`` and ``GET /v1/.well-known/keys``: the Bot
  Connector's OpenID metadata and its JWKS (one RSA key, generated when the stand-in
  starts; keys are never written anywhere);
- ``GET /{tenant}/v2.0/.well-known/openid-configuration`` and its JWKS: a tenant's Entra
  ID keys (another generated key), for single-tenant tokens;
- ``POST /{tenant}/oauth2/v2.0/token``: the client-credentials grant, which checks the app
  id and password and hands out a random access token;
- ``POST /amer/v3/conversations/{id}/activities[/{replyToId}]``: the connector, which
  records every activity posted and refuses a wrong bearer token.

`sign` / `token` make the JWTs the Bot Connector would send (or forged ones), and
`activity` the Teams activities. Plain Python: no Rasa.
"""

from __future__ import annotations

import base64
import json
import secrets
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

BOTFRAMEWORK_ISSUER = "https://api.botframework.com"
CHANNEL_ID = "msteams"


def new_rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def public_jwk(key: rsa.RSAPrivateKey, kid: str, **extra: Any) -> dict[str, Any]:
    jwk = json.loads(RSAAlgorithm.to_jwk(key.public_key()))
    return {**jwk, "kid": kid, "use": "sig", **extra}


def _b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


@dataclass
class Posted:
    """One activity the bot posted to the connector."""

    conversation_id: str
    reply_to_id: str
    authorised: bool
    activity: dict[str, Any]

    @property
    def text(self) -> str:
        return self.activity.get("text") or ""

    @property
    def cards(self) -> list[dict[str, Any]]:
        return list(self.activity.get("attachments") or [])


@dataclass
class BotFramework:
    """The stand-in. Use as a context manager; `base_url` is set once it is listening."""

    app_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    app_password: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    tenant: str = field(default_factory=lambda: str(uuid.uuid4()))
    base_url: str = ""
    key: rsa.RSAPrivateKey = field(default_factory=new_rsa_key)
    kid: str = field(default_factory=lambda: f"bf-{uuid.uuid4().hex[:8]}")
    tenant_key: rsa.RSAPrivateKey = field(default_factory=new_rsa_key)
    tenant_kid: str = field(default_factory=lambda: f"aad-{uuid.uuid4().hex[:8]}")
    endorsements: list[str] = field(default_factory=lambda: [CHANNEL_ID, "webchat"])
    access_tokens: list[str] = field(default_factory=list)
    token_lifetime: int = 3600
    posted: list[Posted] = field(default_factory=list)
    hits: Counter = field(default_factory=Counter)
    _server: ThreadingHTTPServer | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    # ------------------------------------------------------------------ endpoints

    @property
    def metadata_url(self) -> str:
        return f"{self.base_url}/v1/.well-known/openidconfiguration"

    @property
    def tenant_metadata_url(self) -> str:
        return f"{self.base_url}/{self.tenant}/v2.0/.well-known/openid-configuration"

    def token_url(self, tenant: str = "botframework.com") -> str:
        return f"{self.base_url}/{tenant}/oauth2/v2.0/token"

    @property
    def service_url(self) -> str:
        """Like Teams' regional service URLs, with a trailing slash."""
        return f"{self.base_url}/amer/"

    def env(self, **overrides: str) -> dict[str, str]:
        """TEAMS_* variables pointing the channel at this stand-in (multi-tenant app)."""
        return {
            "TEAMS_APP_ID": self.app_id,
            "TEAMS_APP_PASSWORD": self.app_password,
            "TEAMS_TENANT_ID": "",
            "TEAMS_ALLOWED_TENANTS": self.tenant,
            "TEAMS_OPENID_METADATA_URL": self.metadata_url,
            "TEAMS_TOKEN_URL": self.token_url(),
            "TEAMS_ISSUERS": "",
            # This stand-in plays Teams' Bot Connector (https://smba.trafficmanager.net/).
            "TEAMS_SERVICE_URLS": f"{self.base_url}/",
            **overrides,
        }

    # ------------------------------------------------------------------ tokens

    def rotate(self) -> None:
        """Microsoft rolls its signing key: a new key and kid replace the old ones."""
        self.key, self.kid = new_rsa_key(), f"bf-{uuid.uuid4().hex[:8]}"

    def sign(
        self,
        claims: dict[str, Any],
        key: rsa.RSAPrivateKey | None = None,
        kid: str | None = None,
    ) -> str:
        return jwt.encode(
            claims, key or self.key, algorithm="RS256", headers={"kid": kid or self.kid}
        )

    def claims(self, service_url: str | None = None, **overrides: Any) -> dict[str, Any]:
        """What the Bot Connector puts in a token for this app; `None` drops a claim."""
        now = int(time.time())
        claims = {
            "iss": BOTFRAMEWORK_ISSUER,
            "aud": self.app_id,
            "exp": now + 3600,
            "nbf": now - 60,
            "iat": now - 60,
            "serviceurl": service_url if service_url is not None else self.service_url,
            **overrides,
        }
        return {name: value for name, value in claims.items() if value is not None}

    def token(self, service_url: str | None = None, **overrides: Any) -> str:
        return self.sign(self.claims(service_url, **overrides))

    def unsigned_token(self, **overrides: Any) -> str:
        """``alg: none``: a token anyone could write."""
        header = {"alg": "none", "typ": "JWT", "kid": self.kid}
        return f"{_b64(header)}.{_b64(self.claims(**overrides))}."

    def hs256_token(self, **overrides: Any) -> str:
        """Signed with a shared secret instead of Microsoft's RSA key."""
        secret = secrets.token_bytes(64)
        return jwt.encode(
            self.claims(**overrides), secret, algorithm="HS256", headers={"kid": self.kid}
        )

    # ------------------------------------------------------------------ activities

    def activity(
        self,
        text: str | None = None,
        *,
        user: str = "",
        conversation_id: str = "",
        tenant: str | None = None,
        value: Any = None,
        kind: str = "message",
        service_url: str | None = None,
        **extra: Any,
    ) -> dict[str, Any]:
        """A Teams activity from a user in a personal chat with the bot."""
        tenant = self.tenant if tenant is None else tenant
        user = user or str(uuid.uuid4())
        activity: dict[str, Any] = {
            "type": kind,
            "id": f"1{uuid.uuid4().int % 10**12}",
            "timestamp": time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime()),
            "serviceUrl": service_url if service_url is not None else self.service_url,
            "channelId": CHANNEL_ID,
            "from": {"id": f"29:{uuid.uuid4().hex}", "aadObjectId": user, "name": "A Teacher"},
            "conversation": {
                "id": conversation_id or f"a:{uuid.uuid4().hex};messageid=1",
                "conversationType": "personal",
                "tenantId": tenant,
            },
            "recipient": {"id": f"28:{self.app_id}", "name": "Prevent assistant"},
            "channelData": {"tenant": {"id": tenant}},
            "locale": "en-GB",
            **extra,
        }
        if text is not None:
            activity["text"] = text
            activity["textFormat"] = "plain"
        if value is not None:
            activity["value"] = value
        return activity

    def replies(self, conversation_id: str) -> list[Posted]:
        with self._lock:
            return [p for p in self.posted if p.conversation_id == conversation_id]

    # ------------------------------------------------------------------ server

    def __enter__(self) -> BotFramework:
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._server.daemon_threads = True
        self.base_url = f"http://127.0.0.1:{self._server.server_address[1]}"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    # Routes, called by the handler thread.

    def route_get(self, path: str) -> tuple[int, Any]:
        if path == "/v1/.well-known/openidconfiguration":
            self.hits["metadata"] += 1
            return 200, self._metadata(self.base_url, f"{self.base_url}/v1/.well-known/keys")
        if path == "/v1/.well-known/keys":
            self.hits["jwks"] += 1
            jwk = public_jwk(self.key, self.kid, endorsements=self.endorsements)
            return 200, {"keys": [jwk]}
        if path == f"/{self.tenant}/v2.0/.well-known/openid-configuration":
            self.hits["tenant_metadata"] += 1
            jwks = f"{self.base_url}/{self.tenant}/discovery/v2.0/keys"
            return 200, self._metadata(
                f"https://login.microsoftonline.com/{self.tenant}/v2.0", jwks
            )
        if path == f"/{self.tenant}/discovery/v2.0/keys":
            self.hits["tenant_jwks"] += 1
            return 200, {"keys": [public_jwk(self.tenant_key, self.tenant_kid)]}
        return 404, {"error": "not found"}

    @staticmethod
    def _metadata(issuer: str, jwks_uri: str) -> dict[str, Any]:
        return {
            "issuer": issuer,
            "jwks_uri": jwks_uri,
            "id_token_signing_alg_values_supported": ["RS256"],
        }

    def route_post(self, path: str, headers: dict[str, str], body: bytes) -> tuple[int, Any]:
        if path.endswith("/oauth2/v2.0/token"):
            return self._grant(parse_qs(body.decode()))
        parts = path.split("/")
        if len(parts) >= 6 and parts[1:3] == ["amer", "v3"] and parts[3] == "conversations":
            return self._connector(parts, headers.get("authorization", ""), body)
        return 404, {"error": "not found"}

    def _grant(self, form: dict[str, list[str]]) -> tuple[int, Any]:
        self.hits["token"] += 1
        given = {name: values[0] for name, values in form.items()}
        expected = {
            "grant_type": "client_credentials",
            "client_id": self.app_id,
            "client_secret": self.app_password,
            "scope": "https://api.botframework.com/.default",
        }
        if given != expected:
            return 401, {"error": "invalid_client"}
        token = secrets.token_urlsafe(32)
        with self._lock:
            self.access_tokens.append(token)
        return 200, {
            "token_type": "Bearer",
            "expires_in": self.token_lifetime,
            "access_token": token,
        }

    def _connector(self, parts: list[str], authorization: str, body: bytes) -> tuple[int, Any]:
        # /amer/v3/conversations/{id}/activities[/{replyToId}]
        conversation_id = unquote(parts[4])
        reply_to = unquote(parts[6]) if len(parts) > 6 else ""
        scheme, _, token = authorization.partition(" ")
        with self._lock:
            authorised = scheme.lower() == "bearer" and token in self.access_tokens
            self.posted.append(
                Posted(conversation_id, reply_to, authorised, json.loads(body or b"{}"))
            )
        if not authorised:
            return 401, {"error": "unauthorized"}
        return 200, {"id": uuid.uuid4().hex}


def _handler_for(stub: BotFramework) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def _answer(self, status: int, body: Any) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            self._answer(*stub.route_get(self.path))

        def do_POST(self) -> None:  # noqa: N802
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            headers = {k.lower(): v for k, v in self.headers.items()}
            self._answer(*stub.route_post(self.path, headers, body))

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            return

    return Handler
