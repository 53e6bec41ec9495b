"""The review app's settings, read once from the environment into a frozen dataclass.

Same names as the bot where they mean the same thing (`PREVENT_DATABASE_URL`,
`PREVENT_VAR_DIR`, `PREVENT_FORMS_DIR`, `PREVENT_UPDATES_KEY`), and `PREVENT_REVIEW_*` for what
only this app has: the inbox private key, cookies, session lifetimes, password hashing cost.
The passphrase is held in a field that never appears in a repr.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields
from datetime import timedelta
from pathlib import Path

from bot.config import PROJECT_ROOT
from bot.referral.updates import load_updates_key

DEFAULT_PORT = 8060
#: scrypt cost (N = 2**17, r = 8, p = 1: OWASP's recommendation, ~0.4 s and 128 MiB a hash).
DEFAULT_SCRYPT_LOG2_N = 17


class SettingsError(ValueError):
    """A setting is missing or malformed; the message names the variable."""


def _path(env: dict[str, str], name: str) -> Path | None:
    value = env.get(name, "").strip()
    return Path(value).expanduser() if value else None


def _number(env: dict[str, str], name: str, default: float) -> float:
    value = env.get(name, "").strip()
    if not value:
        return default
    try:
        number = float(value)
    except ValueError:
        raise SettingsError(f"{name} must be a number, not {value!r}") from None
    if number <= 0:
        raise SettingsError(f"{name} must be more than zero, not {value!r}")
    return number


def _flag(env: dict[str, str], name: str, default: bool) -> bool:
    value = env.get(name, "").strip().lower()
    if not value:
        return default
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise SettingsError(f"{name} must be true or false, not {value!r}")


def make_sqlite_folder(url: str) -> None:
    """The embedded profile's SQLite file lives under var/, which may not exist yet."""
    if url.startswith("sqlite:///") and url != "sqlite:///:memory:":
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)


def _passphrase(env: dict[str, str]) -> bytes:
    """`PREVENT_REVIEW_KEY_PASSPHRASE`, or the first line of `PREVENT_REVIEW_KEY_PASSPHRASE_FILE`
    (e.g. a systemd credential: unlike the environment, it is not in /proc/PID/environ)."""
    path = _path(env, "PREVENT_REVIEW_KEY_PASSPHRASE_FILE")
    if path is not None:
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except OSError as exc:
            raise SettingsError(
                f"PREVENT_REVIEW_KEY_PASSPHRASE_FILE: cannot read {path} ({exc.strerror})"
            ) from None
        return (lines[0] if lines else "").encode()
    return env.get("PREVENT_REVIEW_KEY_PASSPHRASE", "").encode()


@dataclass(frozen=True)
class ReviewSettings:
    """Everything the review app needs to know about its surroundings."""

    database_url: str = field(repr=False)
    var_dir: Path
    forms_dir: Path
    #: The inbox certificate and its private key (PEM, encrypted with the passphrase).
    cert_file: Path | None
    key_file: Path | None
    key_passphrase: bytes = field(repr=False, default=b"")
    host: str = "127.0.0.1"
    port: int = DEFAULT_PORT
    #: Cookies marked Secure (and named with the __Host- prefix). Off only for plain-http tests.
    secure_cookies: bool = True
    #: The public origin (https://review.example.org) when behind a proxy; else the Host header.
    public_origin: str = ""
    idle_timeout: timedelta = timedelta(minutes=30)
    absolute_timeout: timedelta = timedelta(hours=8)
    scrypt_log2_n: int = DEFAULT_SCRYPT_LOG2_N
    #: Shared with the bot: news for referrers is sealed with it (bot.referral.updates).
    updates_key: bytes = field(repr=False, default=b"")
    workflow_file: Path = PROJECT_ROOT / "guidance" / "review" / "workflow.yml"
    sources_file: Path = PROJECT_ROOT / "guidance" / "sources.yml"

    @property
    def form_file(self) -> Path:
        return self.forms_dir / "vtr.yml"

    def __repr__(self) -> str:  # never print the database URL (may hold a password) or secrets
        shown = ", ".join(f"{f.name}={getattr(self, f.name)!r}" for f in fields(self) if f.repr)
        return f"ReviewSettings({shown})"

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> ReviewSettings:
        """Read the settings; `SettingsError` names the variable that is wrong."""
        env = dict(os.environ if environ is None else environ)
        var_dir = _path(env, "PREVENT_VAR_DIR") or PROJECT_ROOT / "var"
        port = int(_number(env, "PREVENT_REVIEW_PORT", DEFAULT_PORT))
        log2_n = int(_number(env, "PREVENT_REVIEW_SCRYPT_LOG2_N", DEFAULT_SCRYPT_LOG2_N))
        if not 1 <= log2_n <= 20:
            raise SettingsError("PREVENT_REVIEW_SCRYPT_LOG2_N must be between 1 and 20")
        origin = env.get("PREVENT_REVIEW_ORIGIN", "").strip().rstrip("/")
        if origin and not origin.startswith(("https://", "http://")):
            raise SettingsError("PREVENT_REVIEW_ORIGIN looks like https://review.example.org")
        return cls(
            database_url=env.get("PREVENT_DATABASE_URL", "").strip()
            or f"sqlite:///{var_dir / 'prevent.db'}",
            var_dir=var_dir,
            forms_dir=_path(env, "PREVENT_FORMS_DIR") or PROJECT_ROOT / "referral_forms",
            cert_file=_path(env, "PREVENT_REVIEW_CERT_FILE"),
            key_file=_path(env, "PREVENT_REVIEW_KEY_FILE"),
            key_passphrase=_passphrase(env),
            host=env.get("PREVENT_REVIEW_HOST", "").strip() or "127.0.0.1",
            port=port,
            secure_cookies=_flag(env, "PREVENT_REVIEW_SECURE_COOKIES", True),
            public_origin=origin,
            idle_timeout=timedelta(minutes=_number(env, "PREVENT_REVIEW_IDLE_MINUTES", 30)),
            absolute_timeout=timedelta(hours=_number(env, "PREVENT_REVIEW_ABSOLUTE_HOURS", 8)),
            scrypt_log2_n=log2_n,
            updates_key=load_updates_key(var_dir, env),
        )
