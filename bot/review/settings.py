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
from bot.ratelimit import parse_rate
from bot.referral.updates import load_updates_key
from bot.review.app_key import AppKeyError, load_app_key

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


def _shared_updates_key(env: dict[str, str]) -> bytes:
    """The updates key shared with the bot: required, never made up here.

    A key of the app's own would seal news the bot cannot open, so referrers would silently
    never hear anything; refusing to start says so at once.
    """
    if not env.get("PREVENT_UPDATES_KEY", "").strip():
        named = env.get("PREVENT_UPDATES_KEY_FILE", "").strip()
        if not named:
            raise SettingsError(
                "PREVENT_UPDATES_KEY (or PREVENT_UPDATES_KEY_FILE) is not set: the review app "
                "needs the same updates key as the assistant, or referrers never hear the news. "
                "Copy the assistant's value (its var/keys/updates.key for a local run)."
            )
        if not Path(named).expanduser().is_file():
            raise SettingsError(
                f"PREVENT_UPDATES_KEY_FILE: {named} does not exist; it must be the assistant's "
                "updates key (its var/keys/updates.key for a local run)"
            )
    try:
        return load_updates_key(Path("/nonexistent"), env)
    except ValueError as exc:
        raise SettingsError(f"PREVENT_UPDATES_KEY: {exc}") from None


def _rate(env: dict[str, str], name: str, default: tuple[int, float]) -> tuple[int, float]:
    try:
        return parse_rate(env.get(name, ""), default)
    except ValueError:
        raise SettingsError(f"{name} looks like 10/60 (attempts per seconds)") from None


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
    #: The app's own secret (audit chain, second-factor secrets); never in the database.
    app_key: bytes = field(repr=False, default=b"")
    #: The assistant's signing certificate: only referrals signed with its key are shown.
    assistant_cert_file: Path | None = None
    #: Where the audit chain's head is written out (outside the database).
    audit_head_file: Path = Path("var/audit.head")
    #: Sign-in attempts per client address: (count, seconds).
    sign_in_rate: tuple[int, float] = (10, 60.0)
    #: Behind the HTTPS proxy every client arrives from the proxy: count the address the
    #: proxy appends to X-Forwarded-For instead (only set this when a proxy always sets it).
    trust_forwarded_for: bool = False
    #: scrypt hashes at once (each 128 MiB at the default cost).
    max_hashing: int = 2
    workflow_file: Path = PROJECT_ROOT / "guidance" / "review" / "workflow.yml"
    sources_file: Path = PROJECT_ROOT / "guidance" / "sources.yml"

    @property
    def form_file(self) -> Path:
        return self.forms_dir / "vtr.yml"

    def __repr__(self) -> str:  # never print the database URL (may hold a password) or secrets
        shown = ", ".join(f"{f.name}={getattr(self, f.name)!r}" for f in fields(self) if f.repr)
        return f"ReviewSettings({shown})"

    @classmethod
    def from_process_environment(cls) -> ReviewSettings:
        """`python -m bot.review`: the settings from this process's environment, read once;
        then the secrets read are removed from the environment (children never see them)."""
        settings = cls.from_env(dict(os.environ))
        _forget_secrets_read()
        return settings

    @classmethod
    def from_env(
        cls, environ: dict[str, str] | None = None, *, need_updates_key: bool = True
    ) -> ReviewSettings:
        """Read the settings; `SettingsError` names the variable that is wrong.

        `need_updates_key=False` only for the accounts command line, which sends no news.
        """
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
            updates_key=_shared_updates_key(env) if need_updates_key else b"",
            app_key=_app_key(var_dir, env),
            assistant_cert_file=_path(env, "PREVENT_REVIEW_ASSISTANT_CERT_FILE"),
            audit_head_file=_path(env, "PREVENT_REVIEW_AUDIT_HEAD_FILE") or var_dir / "audit.head",
            sign_in_rate=_rate(env, "PREVENT_REVIEW_SIGN_IN_RATE", (10, 60.0)),
            trust_forwarded_for=_flag(env, "PREVENT_REVIEW_TRUST_X_FORWARDED_FOR", False),
            max_hashing=int(_number(env, "PREVENT_REVIEW_MAX_HASHING", 2)),
        )


def _forget_secrets_read() -> None:
    """The passphrase and the app key have been read: keep them out of anything this process
    might start (their values stay in the settings object only)."""
    for name in ("PREVENT_REVIEW_KEY_PASSPHRASE", "PREVENT_REVIEW_SECRET_KEY"):
        os.environ.pop(name, None)


def _app_key(var_dir: Path, env: dict[str, str]) -> bytes:
    try:
        return load_app_key(var_dir, env)
    except AppKeyError as exc:
        raise SettingsError(str(exc)) from None
