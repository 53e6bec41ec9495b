"""Settings: read from the environment in exactly two modules, into objects built once.

`bot/config.py` (the assistant: Rasa, action server, workers) and `bot/review/settings.py`
(the review app) are the only modules that may read the environment; everything else is
handed a `Config` (or services built from one, `bot.services`).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from bot.config import Config, use_config
from bot.services import Services, services, use_services

ROOT = Path(__file__).resolve().parent.parent
SETTINGS_MODULES = {"bot/config.py", "bot/review/settings.py"}
#: What reads (or writes) the process environment in module `os`.
ENVIRONMENT = {"environ", "environb", "getenv", "getenvb", "putenv", "unsetenv"}


def environment_reads(source: str) -> list[int]:
    """Line numbers where `source` touches the environment through `os` (any alias)."""
    tree = ast.parse(source)
    os_names = {"os"}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            os_names.update(a.asname or a.name for a in node.names if a.name == "os")
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "os":
            if any(a.name in ENVIRONMENT for a in node.names):
                lines.append(node.lineno)
        elif (
            isinstance(node, ast.Attribute)
            and node.attr in ENVIRONMENT
            and isinstance(node.value, ast.Name)
            and node.value.id in os_names
        ):
            lines.append(node.lineno)
    return lines


def test_the_scan_finds_every_way_of_reading_the_environment():
    assert environment_reads("import os\nos.environ.get('X')\n") == [2]
    assert environment_reads("import os as o\nx = o.getenv('X')\n") == [2]
    assert environment_reads("from os import environ\n") == [1]
    assert environment_reads("import os\nos.environ.setdefault('X', '1')\n") == [2]
    assert environment_reads("import os\nos.path.join('a')\nenviron = {}\n") == []


def test_only_the_two_settings_modules_read_the_environment():
    readers = {}
    for path in sorted((ROOT / "bot").rglob("*.py")):
        name = str(path.relative_to(ROOT))
        if name in SETTINGS_MODULES:
            continue
        found = environment_reads(path.read_text(encoding="utf-8"))
        if found:
            readers[name] = found
    assert readers == {}, f"read the environment outside the settings modules: {readers}"


def test_from_env_is_a_function_of_the_mapping_it_is_given(tmp_path):
    env = {
        "PREVENT_VAR_DIR": str(tmp_path),
        "PREVENT_SMTP_SENDER": "assistant@school.example",
        "PREVENT_SMTP_HOST": "relay.example",
        "PREVENT_SMTP_PORT": "2525",
        "PREVENT_DELIVERY_BATCH": "7",
        "PREVENT_METRICS_PORT": "9100",
        "PREVENT_MIGRATE_ON_START": "yes",
        "REDIS_HOST": "10.0.0.5",
        "REDIS_PASSWORD": "pw",
        "TELEGRAM_BOT_TOKEN": "t0ken",
        "UNRELATED": "ignored",
    }
    config = Config.from_env(env)
    assert config == Config.from_env(dict(env))  # nothing but the mapping counts
    assert hash(config) == hash(Config.from_env(dict(env)))  # usable as a cache key
    assert config.var_dir == tmp_path
    assert config.database_url == f"sqlite:///{tmp_path / 'prevent.db'}"
    # One variable, one field: the SMTP sender is the From address of referrals too.
    assert config.inbox_sender == "assistant@school.example"
    assert (config.smtp_host, config.smtp_port, config.delivery_batch) == ("relay.example", 2525, 7)
    assert config.metrics_port == 9100 and config.migrate_on_start
    assert config.redis_url == "redis://:pw@10.0.0.5:6379/1"
    assert dict(config.channel_env) == {"TELEGRAM_BOT_TOKEN": "t0ken"}
    defaults = Config.from_env({})
    assert defaults.metrics_port is None and defaults.redis_url is None
    assert not defaults.migrate_on_start and defaults.smtp_port == 587


def test_a_malformed_number_names_its_variable():
    with pytest.raises(ValueError, match="PREVENT_DELIVERY_BATCH"):
        Config.from_env({"PREVENT_DELIVERY_BATCH": "twenty"})


def test_secrets_never_appear_in_a_repr():
    config = Config.from_env(
        {
            "PREVENT_SMTP_PASSWORD": "smtp-secret-1",
            "PREVENT_MASTER_KEYS": "v1:master-secret-2",
            "PREVENT_OWNER_PEPPER": "pepper-secret-3",
            "PREVENT_UPDATES_KEY": "updates-secret-4",
            "PREVENT_ACTION_SERVER_TOKEN": "token-secret-5",
            "REDIS_URL": "redis://:redis-secret-6@host/1",
            "TELEGRAM_BOT_TOKEN": "telegram-secret-7",
            "TRACKER_DB_PASSWORD": "tracker-secret-8",
        }
    )
    shown = repr(config) + repr(Services(config))
    for n in range(1, 9):
        assert f"secret-{n}" not in shown


def test_a_test_installs_its_own_settings_and_services(tmp_path):
    mine = Config.from_env({"PREVENT_VAR_DIR": str(tmp_path / "a")})
    before = services()
    with use_config(mine):
        inside = services()
        assert inside.config is mine and inside is services()  # built once per settings
    assert services() is before
    installed = Services(Config.from_env({"PREVENT_VAR_DIR": str(tmp_path / "b")}))
    with use_services(installed):
        assert services() is installed
    assert services() is before


def test_key_files_are_made_when_first_needed_never_before(tmp_path):
    deps = Services(Config.from_env({"PREVENT_VAR_DIR": str(tmp_path)}))
    assert not (tmp_path / "keys").exists()  # building settings and services writes nothing
    ring = deps.keyring
    assert (tmp_path / "keys" / "master.key").exists() and deps.keyring is ring
    assert len(deps.pepper) == 32 and (tmp_path / "keys" / "owner.pepper").exists()


def test_the_policy_inbox_has_one_home_in_the_guidance_contacts() -> None:
    """The default Prevent inbox is read from guidance/contacts.yml, never written in code
    (review S3-7: the address was in four modules besides contacts.yml)."""
    import re

    import yaml

    from bot.config import POLICY_INBOX

    contacts = yaml.safe_load((ROOT / "guidance" / "contacts.yml").read_text(encoding="utf-8"))
    assert POLICY_INBOX == contacts["police_prevent_team"]["inbox"]
    assert Config.from_env({"PREVENT_VAR_DIR": "/tmp/x"}).inbox_address == POLICY_INBOX
    address = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.(?:uk|com|org|net)\b", re.I)
    written = [
        f"{path.relative_to(ROOT)}: {match.group(0)}"
        for path in sorted((ROOT / "bot").rglob("*.py"))
        for match in address.finditer(path.read_text(encoding="utf-8"))
        if "police.uk" in match.group(0) or "gov.uk" in match.group(0)
    ]
    assert not written, written
