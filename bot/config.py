"""The assistant's settings: one frozen `Config`, built once per process from the environment.

`make run` needs no configuration at all: everything defaults to files under `var/`
(git-ignored). Production sets the same names in the environment (see `.env.example`).

This module is the only one (with the review app's `bot/review/settings.py`) that reads
the environment: `Config.from_env(environ)` is a pure function of the mapping it is given,
and `get_config()` calls it once with the process's environment. Everything else is
handed a `Config` (or a service built from one, `bot.runtime.services`). Secrets are
held in fields that never appear in a repr, and never logged.

Tests build their own: `with use_config(Config.from_env({...})):` (no cache to clear).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, fields
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _policy_inbox(contacts: Path = PROJECT_ROOT / "guidance" / "contacts.yml") -> str:
    """Where referrals go unless `PREVENT_INBOX_ADDRESS` says otherwise: the Police Prevent
    Team's inbox as `guidance/contacts.yml` gives it (SET 2.5), its one home, so a changed
    address is changed once (review S3-7: it was written in four modules)."""
    import yaml

    with contacts.open(encoding="utf-8") as fh:
        return str(yaml.safe_load(fh)["police_prevent_team"]["inbox"])


#: The SET policy's Prevent inbox (the Essex Police Prevent Team, for all three areas).
POLICY_INBOX = _policy_inbox()

#: The channels' credentials that may come from the environment when credentials.yml leaves
#: them blank (Rasa refuses unset `${VARS}` there): handed to the channels as one mapping.
CHANNEL_VARIABLES = (
    "TEAMS_APP_ID",
    "TEAMS_APP_PASSWORD",
    "TEAMS_TENANT_ID",
    "TEAMS_ALLOWED_TENANTS",
    "TEAMS_OPENID_METADATA_URL",
    "TEAMS_TOKEN_URL",
    "TEAMS_ISSUERS",
    "TEAMS_SERVICE_URLS",
    "TEAMS_ALLOWED_USERS",
    "TELEGRAM_BOT_TOKEN",
    "TELEGRAM_WEBHOOK_SECRET",
    "TELEGRAM_API_BASE_URL",
)


@dataclass(frozen=True)
class TrackerDb:
    """Rasa's tracker database as endpoints.yml gives it to Rasa (the `TRACKER_DB*` names)."""

    dialect: str = ""
    db: str = ""
    host: str = ""
    port: str = ""
    username: str = ""
    password: str = field(repr=False, default="")


@dataclass(frozen=True)
class Config:
    """Everything the domain core and the adapters need to know about their surroundings."""

    var_dir: Path
    guidance_dir: Path
    referral_forms_dir: Path
    default_area: str
    #: Below this retrieval confidence the assistant says it is not sure and offers topics.
    guidance_confidence_floor: float
    #: Unfinished drafts are deleted after this many idle days; owners are warned first.
    draft_retention_days: int
    draft_warning_days: int
    #: PEM files of the Prevent inbox certificate(s); none configured: sealing is off.
    inbox_certificates: tuple[Path, ...] = ()
    inbox_address: str = POLICY_INBOX
    #: The From address of referrals (`PREVENT_SMTP_SENDER`), also the SMTP envelope sender.
    inbox_sender: str = "prevent-assistant@localhost"
    secure_domains_extra: tuple[str, ...] = ()
    #: Where users reach the Rasa server (for one-time file links), e.g. https://prevent.example
    public_url: str = "http://localhost:5005"
    database_url: str = field(repr=False, default="")
    #: Conversations (the tracker store) idle this many days are erased by the purge worker.
    conversation_retention_days: int = 30
    #: The Rasa tracker database, for the purge worker and "Forget me" (same TRACKER_DB_*).
    tracker_database_url: str = field(repr=False, default="")
    #: The assistant's own S/MIME signing certificate and key (PEM): referrals are signed,
    #: then sealed. Unset: a self-signed pair is made in var/keys (local runs only).
    signing_cert: Path | None = None
    signing_key: Path | None = None
    #: Concerns are deleted this many days after their last step, unless the school's own
    #: policy (`python -m bot.concerns.orgs add ... --retention-days N`) says otherwise.
    concern_retention_days: int = 2555
    #: Teams: the school of everyone signed in from a tenant ("<tenant id>=<org id>", comma
    #: separated), and the Azure AD object ids of its DSLs (everyone else: teacher).
    teams_school_tenants: tuple[str, ...] = ()
    teams_dsl_users: tuple[str, ...] = ()
    # --- keys (never shown): what `bot.runtime.services` loads the key material from -----
    #: `PREVENT_MASTER_KEYS` ("v2:<base64>,v1:<base64>"), else the key file.
    master_keys: str = field(repr=False, default="")
    #: `PREVENT_MASTER_KEY_FILE`; unset: var/keys/master.key, made on first use.
    master_key_file: Path | None = None
    #: `PREVENT_OWNER_PEPPER` (base64); unset: var/keys/owner.pepper, made on first use.
    owner_pepper: str = field(repr=False, default="")
    #: `PREVENT_UPDATES_KEY` / `PREVENT_UPDATES_KEY_FILE`, shared with the review app.
    updates_key: str = field(repr=False, default="")
    updates_key_file: str = ""
    #: `PREVENT_ACTION_SERVER_TOKEN` / `PREVENT_ACTION_SERVER_TOKEN_FILE` (`action_server_token`).
    action_server_token_value: str = field(repr=False, default="")
    action_server_token_file: str = ""
    # --- delivery (the worker, and the confirm step's "is a worker alive") ----------------
    smtp_host: str = ""
    smtp_port: int = 587
    smtp_security: str = "starttls"
    smtp_user: str = ""
    smtp_password: str = field(repr=False, default="")
    delivery_every_seconds: float = 10.0
    delivery_max_attempts: int = 6
    delivery_backoff_seconds: float = 30.0
    #: A send still "in progress" after this long was cut short (the worker died): retried.
    delivery_stale_seconds: float = 300.0
    delivery_batch: int = 20
    # --- running the processes -------------------------------------------------------------
    #: `PREVENT_METRICS_PORT`: /live, /ready and /metrics of this process; None: not served.
    metrics_port: int | None = None
    #: Tests and throwaway set-ups: migrate at first use instead of refusing to start.
    migrate_on_start: bool = False
    #: The tracker database as Rasa gets it (`TRACKER_DB*`), for migrations and rotation.
    tracker_db: TrackerDb = field(default_factory=TrackerDb)
    #: A database error is retried this long before a turn is refused.
    db_retry_seconds: float = 10.0
    #: Conversations whose decrypted events one Rasa process keeps (the tracker cache).
    tracker_cache_size: int = 512
    #: Seconds a conversation's decrypted tracker may stay in that cache after it was read
    #: from the database (then it is dropped and read again): never served after that, and
    #: dropped from memory at the cache's next read or write for any conversation (a
    #: process that serves no turn at all keeps it until then). 0 or less: the cache is off.
    tracker_cache_seconds: float = 600.0
    #: Seconds a turn's ticket lives without renewal (the turn lock store).
    turn_lock_seconds: float = 10.0
    #: Redis for the turn lock store; None: locks in memory (one replica).
    redis_url: str | None = field(repr=False, default=None)
    #: The assistant's own address as a local process reaches it (the Telegram poller).
    rasa_url: str = "http://127.0.0.1:5005"
    #: TEAMS_* and TELEGRAM_* values (`CHANNEL_VARIABLES`) set in the environment.
    channel_env: Mapping[str, str] = field(repr=False, hash=False, default_factory=dict)

    def __repr__(self) -> str:  # never print URLs that may carry passwords
        shown = ", ".join(f"{f.name}={getattr(self, f.name)!r}" for f in fields(self) if f.repr)
        return f"Config({shown})"

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> Config:
        """The settings in `environ` (a pure function: reads no other state, writes nothing).

        A malformed number raises `ValueError` naming the variable.
        """
        env = _Env(environ)
        var_dir = env.path("PREVENT_VAR_DIR") or PROJECT_ROOT / "var"
        rasa_port = env.get("RASA_PORT") or "5005"
        return cls(
            var_dir=var_dir,
            guidance_dir=env.path("PREVENT_GUIDANCE_DIR") or PROJECT_ROOT / "guidance",
            referral_forms_dir=env.path("PREVENT_FORMS_DIR") or PROJECT_ROOT / "referral_forms",
            default_area=(environ.get("PREVENT_DEFAULT_AREA", "essex")).strip().lower(),
            guidance_confidence_floor=env.number("PREVENT_GUIDANCE_FLOOR", 0.45),
            draft_retention_days=int(env.number("PREVENT_DRAFT_RETENTION_DAYS", 30)),
            draft_warning_days=int(env.number("PREVENT_DRAFT_WARNING_DAYS", 3)),
            concern_retention_days=int(env.number("PREVENT_CONCERN_RETENTION_DAYS", 2555)),
            teams_school_tenants=env.list("PREVENT_TEAMS_SCHOOL_TENANTS"),
            teams_dsl_users=env.list("PREVENT_TEAMS_DSL_USERS"),
            inbox_certificates=tuple(
                Path(p).expanduser() for p in env.list("PREVENT_INBOX_CERTS")
            ),
            inbox_address=environ.get("PREVENT_INBOX_ADDRESS", POLICY_INBOX),
            inbox_sender=environ.get("PREVENT_SMTP_SENDER", "prevent-assistant@localhost"),
            secure_domains_extra=env.list("PREVENT_SECURE_DOMAINS"),
            public_url=(
                env.get("PREVENT_PUBLIC_URL") or f"http://localhost:{rasa_port}"
            ).rstrip("/"),
            database_url=environ.get("PREVENT_DATABASE_URL")
            or f"sqlite:///{var_dir / 'prevent.db'}",
            conversation_retention_days=int(env.number("PREVENT_CONVERSATION_RETENTION_DAYS", 30)),
            tracker_database_url=_tracker_database_url(environ, var_dir),
            signing_cert=env.path("PREVENT_SIGNING_CERT"),
            signing_key=env.path("PREVENT_SIGNING_KEY"),
            master_keys=env.get("PREVENT_MASTER_KEYS"),
            master_key_file=(
                Path(env.get("PREVENT_MASTER_KEY_FILE"))
                if env.get("PREVENT_MASTER_KEY_FILE")
                else None
            ),
            owner_pepper=env.get("PREVENT_OWNER_PEPPER"),
            updates_key=env.get("PREVENT_UPDATES_KEY"),
            updates_key_file=environ.get("PREVENT_UPDATES_KEY_FILE", ""),
            action_server_token_value=env.get("PREVENT_ACTION_SERVER_TOKEN"),
            action_server_token_file=env.get("PREVENT_ACTION_SERVER_TOKEN_FILE"),
            smtp_host=env.get("PREVENT_SMTP_HOST"),
            smtp_port=int(env.number("PREVENT_SMTP_PORT", 587)),
            smtp_security=environ.get("PREVENT_SMTP_SECURITY", "starttls"),
            smtp_user=environ.get("PREVENT_SMTP_USER", ""),
            smtp_password=environ.get("PREVENT_SMTP_PASSWORD", ""),
            delivery_every_seconds=env.number("PREVENT_DELIVERY_EVERY_SECONDS", 10),
            delivery_max_attempts=int(env.number("PREVENT_DELIVERY_MAX_ATTEMPTS", 6)),
            delivery_backoff_seconds=env.number("PREVENT_DELIVERY_BACKOFF_SECONDS", 30),
            delivery_stale_seconds=env.number("PREVENT_DELIVERY_STALE_SECONDS", 300),
            delivery_batch=int(env.number("PREVENT_DELIVERY_BATCH", 20)),
            metrics_port=(
                int(env.number("PREVENT_METRICS_PORT", 0))
                if env.get("PREVENT_METRICS_PORT")
                else None
            ),
            migrate_on_start=env.get("PREVENT_MIGRATE_ON_START").lower() in {"1", "true", "yes"},
            tracker_db=TrackerDb(
                dialect=env.get("TRACKER_DB_DIALECT"),
                db=env.get("TRACKER_DB"),
                host=env.get("TRACKER_DB_HOST"),
                port=env.get("TRACKER_DB_PORT"),
                username=env.get("TRACKER_DB_USER"),
                password=env.get("TRACKER_DB_PASSWORD"),
            ),
            db_retry_seconds=env.number("PREVENT_DB_RETRY_SECONDS", 10),
            tracker_cache_size=int(env.number("PREVENT_TRACKER_CACHE_SIZE", 512)),
            tracker_cache_seconds=env.number("PREVENT_TRACKER_CACHE_SECONDS", 600),
            turn_lock_seconds=env.number("PREVENT_TURN_LOCK_SECONDS", 10),
            redis_url=_redis_url(env),
            rasa_url=environ.get("RASA_URL")
            or f"http://127.0.0.1:{environ.get('RASA_PORT', '5005')}",
            channel_env={name: environ[name] for name in CHANNEL_VARIABLES if name in environ},
        )


class _Env:
    """Typed reads of one environment mapping; blank values count as unset."""

    def __init__(self, environ: Mapping[str, str]) -> None:
        self._environ = environ

    def get(self, name: str) -> str:
        return self._environ.get(name, "").strip()

    def path(self, name: str) -> Path | None:
        value = self.get(name)
        return Path(value).expanduser() if value else None

    def number(self, name: str, default: float) -> float:
        value = self.get(name)
        try:
            return float(value) if value else default
        except ValueError as exc:
            raise ValueError(f"{name} must be a number, not {value!r}") from exc

    def list(self, name: str) -> tuple[str, ...]:
        return tuple(p.strip() for p in self.get(name).split(",") if p.strip())


def _tracker_database_url(environ: Mapping[str, str], var_dir: Path) -> str:
    """The URL Rasa's SQL tracker store builds from the same TRACKER_DB_* variables."""
    from sqlalchemy.engine import URL

    dialect = environ.get("TRACKER_DB_DIALECT", "").strip() or "sqlite"
    db = environ.get("TRACKER_DB", "").strip()
    host = environ.get("TRACKER_DB_HOST", "").strip()
    if dialect == "sqlite":
        return f"sqlite:///{db or var_dir / 'tracker.db'}"
    if "://" in host:
        return host
    name, _, port = host.partition(":")
    return URL.create(
        dialect,
        username=environ.get("TRACKER_DB_USER", "").strip() or None,
        password=environ.get("TRACKER_DB_PASSWORD", "") or None,
        host=name or None,
        port=int(port) if port else None,
        database=db or None,
    ).render_as_string(hide_password=False)


def _redis_url(env: _Env) -> str | None:
    """Redis for the turn lock store (production profile): `REDIS_URL`, or `REDIS_HOST` with
    optional `REDIS_PORT`, `REDIS_DB`, `REDIS_PASSWORD`. None: in-memory locks (one replica)."""
    url = env.get("REDIS_URL")
    if url:
        return url
    host = env.get("REDIS_HOST")
    if not host:
        return None
    password = env.get("REDIS_PASSWORD")
    auth = f":{password}@" if password else ""
    port = env.get("REDIS_PORT") or "6379"
    return f"redis://{auth}{host}:{port}/{env.get('REDIS_DB') or '1'}"


# --- the process's settings ---------------------------------------------------------------------

_current: Config | None = None
_guard = threading.Lock()


def get_config() -> Config:
    """This process's settings: built from its environment on first use, then the same."""
    global _current
    with _guard:
        if _current is None:
            _current = Config.from_env(os.environ)
        return _current


@contextmanager
def use_config(config: Config) -> Iterator[Config]:
    """Run with `config` as the process's settings (tests; restored afterwards)."""
    global _current
    with _guard:
        previous, _current = _current, config
    try:
        yield config
    finally:
        with _guard:
            _current = previous


def process_environment() -> dict[str, str]:
    """A copy of the environment, for the supervisor to hand to the programs it starts and
    for `make doctor` to check variable by variable (neither is a setting of this process)."""
    return dict(os.environ)


def bind_action_server_to_loopback() -> None:
    """rasa_sdk reads `SANIC_HOST` when it starts; unless set, it listens on loopback only."""
    os.environ.setdefault("SANIC_HOST", "127.0.0.1")


#: Shortest secret accepted for the action server (a generated one has 43 characters).
MIN_SECRET_CHARS = 32


def generated_secret(value: str, configured_file: str, default_file: Path, name: str) -> str:
    """A shared secret: `value`, else the file `configured_file`, else `default_file`.

    Why a file for `make run`: the Rasa server and the action server are separate
    processes that must hold the same value; `scripts/run.sh` reads it once and passes it
    to both in the environment. Created with mode 0600 on first use, like the master key.
    A secret shorter than `MIN_SECRET_CHARS` is refused (fail closed, never "no secret").
    """
    import secrets

    if not value:
        path = Path(configured_file) if configured_file else default_file
        if not path.exists() and not configured_file:
            # Atomic (a private temporary file linked into place): of two processes starting
            # at once exactly one creates it, and neither ever reads a partial file.
            from bot.store.crypto import create_secret_file

            create_secret_file(path, secrets.token_urlsafe(32) + "\n")
        value = path.read_text().strip()
    if len(value) < MIN_SECRET_CHARS:
        raise ValueError(f"{name} must be at least {MIN_SECRET_CHARS} characters long")
    return value


def action_server_token(config: Config | None = None) -> str:
    """The secret every call from Rasa to the action server carries (`bot.actions.auth`)."""
    config = config or get_config()
    return generated_secret(
        config.action_server_token_value,
        config.action_server_token_file,
        config.var_dir / "keys" / "action-server.token",
        "PREVENT_ACTION_SERVER_TOKEN",
    )


if __name__ == "__main__":  # scripts/run.sh: `python -m bot.config action-server-token`
    import sys

    if sys.argv[1:] == ["action-server-token"]:
        print(action_server_token())
