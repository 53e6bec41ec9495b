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

    def __repr__(self) -> str:  # never print URLs that may carry passwords
        shown = ", ".join(f"{f.name}={getattr(self, f.name)!r}" for f in fields(self) if f.repr)
        return f"Config({shown})"


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
    )


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
