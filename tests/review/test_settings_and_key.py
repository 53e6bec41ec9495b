"""Settings from the environment, and the inbox key: encrypted, matching, refused clearly."""

from __future__ import annotations

import base64
import os
import subprocess
import sys
from datetime import timedelta

import pytest
from cryptography.hazmat.primitives import serialization

from bot.review.inbox_key import InboxKey, InboxKeyError
from bot.review.settings import ReviewSettings, SettingsError

#: The updates key shared with the bot: the app refuses to start without it.
SHARED = {"PREVENT_UPDATES_KEY": base64.b64encode(os.urandom(32)).decode()}


def test_defaults_and_overrides():
    defaults = ReviewSettings.from_env(dict(SHARED))
    assert defaults.port == 8060 and defaults.host == "127.0.0.1"
    assert defaults.secure_cookies is True
    assert defaults.idle_timeout == timedelta(minutes=30)
    assert defaults.absolute_timeout == timedelta(hours=8)
    assert defaults.database_url.startswith("sqlite:///")
    custom = ReviewSettings.from_env(
        {
            **SHARED,
            "PREVENT_REVIEW_PORT": "6001",
            "PREVENT_REVIEW_IDLE_MINUTES": "10",
            "PREVENT_REVIEW_SECURE_COOKIES": "false",
            "PREVENT_DATABASE_URL": "postgresql://u:secret-pw@db/prevent",
        }
    )
    assert custom.port == 6001 and custom.idle_timeout == timedelta(minutes=10)
    assert custom.secure_cookies is False


def test_secrets_never_show_in_a_repr():
    settings = ReviewSettings.from_env(
        {
            **SHARED,
            "PREVENT_DATABASE_URL": "postgresql://u:secret-pw@db/prevent",
            "PREVENT_REVIEW_KEY_PASSPHRASE": "pass-phrase-sentinel",
        }
    )
    assert "secret-pw" not in repr(settings) and "pass-phrase-sentinel" not in repr(settings)


@pytest.mark.parametrize(
    "env, says",
    [
        ({"PREVENT_REVIEW_PORT": "http"}, "PREVENT_REVIEW_PORT"),
        ({"PREVENT_REVIEW_SECURE_COOKIES": "maybe"}, "true or false"),
        ({"PREVENT_REVIEW_ORIGIN": "review.example.org"}, "https://"),
        ({"PREVENT_REVIEW_SCRYPT_LOG2_N": "40"}, "between 1 and 20"),
    ],
)
def test_bad_settings_name_the_variable(env, says):
    with pytest.raises(SettingsError, match=says):
        ReviewSettings.from_env({**SHARED, **env})


def test_the_key_loads_with_its_passphrase(inbox):
    key = InboxKey.load(inbox.cert_file, inbox.key_file, inbox.passphrase.encode())
    assert key.fingerprint.count(":") == 31
    assert "private_key" not in repr(key)


@pytest.mark.parametrize(
    "problem, says",
    [
        ("no_files", "PREVENT_REVIEW_CERT_FILE"),
        ("no_passphrase", "PREVENT_REVIEW_KEY_PASSPHRASE"),
        ("wrong_passphrase", "wrong passphrase"),
        ("not_encrypted", "not encrypted"),
        ("other_cert", "is not the private key of the certificate"),
        ("missing_file", "Cannot read"),
    ],
)
def test_an_unusable_key_is_refused_with_what_to_fix(inbox, stranger, tmp_path, problem, says):
    cert, key_file, passphrase = inbox.cert_file, inbox.key_file, inbox.passphrase.encode()
    if problem == "no_files":
        cert = None
    elif problem == "no_passphrase":
        passphrase = b""
    elif problem == "wrong_passphrase":
        passphrase = b"not it"
    elif problem == "not_encrypted":
        key_file = tmp_path / "plain.pem"
        key_file.write_bytes(
            inbox.key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
    elif problem == "other_cert":
        cert = stranger.cert_file
    elif problem == "missing_file":
        key_file = tmp_path / "nowhere.pem"
    with pytest.raises(InboxKeyError, match=says):
        InboxKey.load(cert, key_file, passphrase)


def test_the_passphrase_can_come_from_a_file(tmp_path):
    secret = tmp_path / "passphrase"
    secret.write_text("from-a-file\n")
    settings = ReviewSettings.from_env(
        {
            **SHARED,
            "PREVENT_REVIEW_KEY_PASSPHRASE_FILE": str(secret),
            "PREVENT_REVIEW_KEY_PASSPHRASE": "x",
        }
    )
    assert settings.key_passphrase == b"from-a-file"
    with pytest.raises(SettingsError, match="cannot read"):
        ReviewSettings.from_env(
            {**SHARED, "PREVENT_REVIEW_KEY_PASSPHRASE_FILE": str(tmp_path / "nope")}
        )


class TestTheSharedUpdatesKey:
    """Without the bot's updates key the app would seal news nobody can open: it must not start."""

    def test_settings_refuse_without_it_and_make_none(self, tmp_path):
        env = {"PREVENT_VAR_DIR": str(tmp_path / "var")}
        with pytest.raises(SettingsError, match="PREVENT_UPDATES_KEY .*same updates key"):
            ReviewSettings.from_env(env)
        with pytest.raises(SettingsError, match="does not exist"):
            ReviewSettings.from_env({**env, "PREVENT_UPDATES_KEY_FILE": str(tmp_path / "nope")})
        assert not (tmp_path / "var" / "keys" / "updates.key").exists()

    def test_the_server_process_does_not_start_and_says_why(self, tmp_path, inbox):
        from tests.review.factories import ROOT

        env = {k: v for k, v in os.environ.items() if not k.startswith(("PREVENT_", "TRACKER_"))}
        env.update(
            PYTHONPATH=str(ROOT),
            PREVENT_VAR_DIR=str(tmp_path / "var"),
            PREVENT_REVIEW_CERT_FILE=str(inbox.cert_file),
            PREVENT_REVIEW_KEY_FILE=str(inbox.key_file),
            PREVENT_REVIEW_KEY_PASSPHRASE=inbox.passphrase,
            PREVENT_REVIEW_PORT="1",  # never reached
        )
        done = subprocess.run(
            [sys.executable, "-m", "bot.review"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 2
        assert "Review app not started: PREVENT_UPDATES_KEY" in done.stderr
        assert not (tmp_path / "var" / "keys" / "updates.key").exists()

def test_the_default_port_is_one_browsers_open():
    """Chromium and Firefox refuse the Fetch standard's "bad ports" (ERR_UNSAFE_PORT), 5060
    (SIP) among them: the review app's default must not be one."""
    from bot.review.settings import DEFAULT_PORT

    bad_ports = {1, 7, 9, 11, 13, 15, 17, 19, 20, 21, 22, 23, 25, 37, 42, 43, 53, 69, 77, 79,
                 87, 95, 101, 102, 103, 104, 109, 110, 111, 113, 115, 117, 119, 123, 135, 137,
                 139, 143, 161, 179, 389, 427, 465, 512, 513, 514, 515, 526, 530, 531, 532,
                 540, 548, 554, 556, 563, 587, 601, 636, 989, 990, 993, 995, 1719, 1720, 1723,
                 2049, 3659, 4045, 4190, 5060, 5061, 6000, 6566, 6665, 6666, 6667, 6668, 6669,
                 6679, 6697, 10080}  # fmt: skip
    assert DEFAULT_PORT == 8060 and DEFAULT_PORT not in bad_ports
