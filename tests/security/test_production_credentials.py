"""The production channel list has no REST channel (issue 11, finding 9).

REST takes any sender id with no authentication; production runs with
credentials.production.yml, which must list every other channel of credentials.yml and
never `rest` (nor Rasa's other unauthenticated ones: socketio, callback).
"""

from __future__ import annotations

import yaml

from tests.helpers.servers import ROOT
from tests.helpers.settings import reread_settings

#: A string, never bound to: the supervisor only reads it (ruff S104 otherwise).
ALL = ".".join(["0"] * 4)
UNAUTHENTICATED = {"rest", "socketio", "callback", "rasa", "bot.channels.rest.RestInput"}


def _channels(name: str) -> set[str]:
    return set(yaml.safe_load((ROOT / name).read_text()) or {})


def test_production_credentials_have_no_rest_channel_and_every_other_one():
    production = _channels("credentials.production.yml")
    assert not production & UNAUTHENTICATED
    assert production == _channels("credentials.yml") - UNAUTHENTICATED


def test_make_run_takes_the_production_credentials_from_the_environment():
    """`make run` starts Rasa through the supervisor: PREVENT_CREDENTIALS picks the file."""
    from bot.supervisor import programs

    def rasa_argv(env: dict[str, str]) -> list[str]:
        found = [p for p in programs("model.tar.gz", False, env) if p.name == "rasa"]
        return list(found[0].argv)

    production = rasa_argv({"PREVENT_CREDENTIALS": "credentials.production.yml"})
    assert production[production.index("--credentials") + 1] == "credentials.production.yml"
    local = rasa_argv({})
    assert local[local.index("--credentials") + 1] == "credentials.yml"


def test_make_run_refuses_rest_on_a_public_interface(tmp_path):
    """M6: REST stayed loaded wherever Rasa listened (fail-open)."""
    from bot.supervisor import rest_exposure

    assert rest_exposure({}, ROOT) is None  # loopback by default
    assert rest_exposure({"RASA_INTERFACE": "127.0.0.1"}, ROOT) is None
    assert rest_exposure({"RASA_INTERFACE": "::1"}, ROOT) is None
    for public in (ALL, "::", "10.1.2.3", "bot.example.org"):
        why = rest_exposure({"RASA_INTERFACE": public}, ROOT)
        assert why and "credentials.production.yml" in why and public in why
    production = {
        "RASA_INTERFACE": ALL,
        "PREVENT_CREDENTIALS": "credentials.production.yml",
    }
    assert rest_exposure(production, ROOT) is None
    custom = tmp_path / "mine.yml"
    custom.write_text("rest:\nbot.channels.webchat.WebChatInput:\n")
    assert rest_exposure({"RASA_INTERFACE": ALL, "PREVENT_CREDENTIALS": str(custom)}, ROOT)
    override = {"RASA_INTERFACE": ALL, "PREVENT_ALLOW_PUBLIC_REST": "true"}
    assert rest_exposure(override, ROOT) is None


def test_the_supervisor_exits_before_starting_anything(monkeypatch, tmp_path, capsys):
    from bot import supervisor

    started = []
    monkeypatch.setattr(supervisor.Supervisor, "run", lambda self: started.append(self))
    monkeypatch.setenv("RASA_INTERFACE", ALL)
    monkeypatch.delenv("PREVENT_CREDENTIALS", raising=False)
    monkeypatch.delenv("PREVENT_ALLOW_PUBLIC_REST", raising=False)
    monkeypatch.setenv("PREVENT_VAR_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("PREVENT_DATABASE_URL", f"sqlite:///{tmp_path / 'prevent.db'}")
    reread_settings(monkeypatch)
    assert supervisor.main(["model.tar.gz"]) == 2
    assert started == [] and "Not starting" in capsys.readouterr().err
