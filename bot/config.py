"""Settings read once from the environment into a frozen dataclass, with safe local defaults.

`make run` needs no configuration at all: everything defaults to files under `var/`
(git-ignored). Production sets the same names in the environment (see `.env.example`).
Secrets are only ever read here, and never logged (`Config.__repr__` hides them).
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass, field, fields
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _path(name: str, default: Path) -> Path:
    value = os.environ.get(name)
    return Path(value).expanduser() if value else default


def _float(name: str, default: float) -> float:
    value = os.environ.get(name)
    try:
        return float(value) if value else default
    except ValueError as exc:
        raise ValueError(f"{name} must be a number, not {value!r}") from exc


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
    inbox_address: str = "prevent@essex.pnn.police.uk"
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

    def __repr__(self) -> str:  # never print URLs that may carry passwords
        shown = ", ".join(f"{f.name}={getattr(self, f.name)!r}" for f in fields(self) if f.repr)
        return f"Config({shown})"


def _list(name: str) -> tuple[str, ...]:
    return tuple(p.strip() for p in os.environ.get(name, "").split(",") if p.strip())


@functools.lru_cache(maxsize=1)
def get_config() -> Config:
    """The process-wide settings, read from the environment on first use."""
    var_dir = _path("PREVENT_VAR_DIR", PROJECT_ROOT / "var")
    return Config(
        var_dir=var_dir,
        guidance_dir=_path("PREVENT_GUIDANCE_DIR", PROJECT_ROOT / "guidance"),
        referral_forms_dir=_path("PREVENT_FORMS_DIR", PROJECT_ROOT / "referral_forms"),
        default_area=os.environ.get("PREVENT_DEFAULT_AREA", "essex").strip().lower(),
        guidance_confidence_floor=_float("PREVENT_GUIDANCE_FLOOR", 0.45),
        draft_retention_days=int(_float("PREVENT_DRAFT_RETENTION_DAYS", 30)),
        draft_warning_days=int(_float("PREVENT_DRAFT_WARNING_DAYS", 3)),
        concern_retention_days=int(_float("PREVENT_CONCERN_RETENTION_DAYS", 2555)),
        teams_school_tenants=_list("PREVENT_TEAMS_SCHOOL_TENANTS"),
        teams_dsl_users=_list("PREVENT_TEAMS_DSL_USERS"),
        inbox_certificates=tuple(
            Path(p.strip()).expanduser()
            for p in os.environ.get("PREVENT_INBOX_CERTS", "").split(",")
            if p.strip()
        ),
        inbox_address=os.environ.get("PREVENT_INBOX_ADDRESS", "prevent@essex.pnn.police.uk"),
        inbox_sender=os.environ.get("PREVENT_SMTP_SENDER", "prevent-assistant@localhost"),
        secure_domains_extra=tuple(
            d.strip() for d in os.environ.get("PREVENT_SECURE_DOMAINS", "").split(",") if d.strip()
        ),
        public_url=(
            os.environ.get("PREVENT_PUBLIC_URL", "").strip()
            or f"http://localhost:{os.environ.get('RASA_PORT', '5005')}"
        ).rstrip("/"),
        database_url=os.environ.get("PREVENT_DATABASE_URL")
        or f"sqlite:///{var_dir / 'prevent.db'}",
        conversation_retention_days=int(_float("PREVENT_CONVERSATION_RETENTION_DAYS", 30)),
        tracker_database_url=_tracker_database_url(var_dir),
        signing_cert=_optional_path("PREVENT_SIGNING_CERT"),
        signing_key=_optional_path("PREVENT_SIGNING_KEY"),
    )


def _tracker_database_url(var_dir: Path) -> str:
    """The URL Rasa's SQL tracker store builds from the same TRACKER_DB_* variables."""
    from sqlalchemy.engine import URL

    dialect = os.environ.get("TRACKER_DB_DIALECT", "").strip() or "sqlite"
    db = os.environ.get("TRACKER_DB", "").strip()
    host = os.environ.get("TRACKER_DB_HOST", "").strip()
    if dialect == "sqlite":
        return f"sqlite:///{db or var_dir / 'tracker.db'}"
    if "://" in host:
        return host
    name, _, port = host.partition(":")
    return URL.create(
        dialect,
        username=os.environ.get("TRACKER_DB_USER", "").strip() or None,
        password=os.environ.get("TRACKER_DB_PASSWORD", "") or None,
        host=name or None,
        port=int(port) if port else None,
        database=db or None,
    ).render_as_string(hide_password=False)


#: Shortest secret accepted for the action server (a generated one has 43 characters).
MIN_SECRET_CHARS = 32


def generated_secret(env_name: str, file_name: str) -> str:
    """A shared secret: env `env_name`, else `<env_name>_FILE`, else var/keys/<file_name>.

    Why a file for `make run`: the Rasa server and the action server are separate
    processes that must hold the same value; `scripts/run.sh` reads it once and passes it
    to both in the environment. Created with mode 0600 on first use, like the master key.
    A secret shorter than `MIN_SECRET_CHARS` is refused (fail closed, never "no secret").
    """
    import secrets

    value = os.environ.get(env_name, "").strip()
    if not value:
        configured = os.environ.get(f"{env_name}_FILE", "").strip()
        path = Path(configured) if configured else get_config().var_dir / "keys" / file_name
        if not path.exists() and not configured:
            # Atomic (a private temporary file linked into place): of two processes starting
            # at once exactly one creates it, and neither ever reads a partial file.
            from bot.store.crypto import create_secret_file

            create_secret_file(path, secrets.token_urlsafe(32) + "\n")
        value = path.read_text().strip()
    if len(value) < MIN_SECRET_CHARS:
        raise ValueError(f"{env_name} must be at least {MIN_SECRET_CHARS} characters long")
    return value


def action_server_token() -> str:
    """The secret every call from Rasa to the action server carries (`bot.actions.auth`)."""
    return generated_secret("PREVENT_ACTION_SERVER_TOKEN", "action-server.token")


def _optional_path(name: str) -> Path | None:
    value = os.environ.get(name, "").strip()
    return Path(value).expanduser() if value else None


def redis_url() -> str | None:
    """Redis for the turn lock store (production profile): `REDIS_URL`, or `REDIS_HOST` with
    optional `REDIS_PORT`, `REDIS_DB`, `REDIS_PASSWORD`. None: in-memory locks (one replica)."""
    url = os.environ.get("REDIS_URL", "").strip()
    if url:
        return url
    host = os.environ.get("REDIS_HOST", "").strip()
    if not host:
        return None
    password = os.environ.get("REDIS_PASSWORD", "").strip()
    auth = f":{password}@" if password else ""
    port = os.environ.get("REDIS_PORT", "").strip() or "6379"
    return f"redis://{auth}{host}:{port}/{os.environ.get('REDIS_DB', '').strip() or '1'}"


if __name__ == "__main__":  # scripts/run.sh: `python -m bot.config action-server-token`
    import sys

    if sys.argv[1:] == ["action-server-token"]:
        print(action_server_token())
