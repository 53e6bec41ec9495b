"""The production channel list has no REST channel (issue 11, finding 9).

REST takes any sender id with no authentication; production runs with
credentials.production.yml, which must list every other channel of credentials.yml and
never `rest` (nor Rasa's other unauthenticated ones: socketio, callback).
"""

from __future__ import annotations

import yaml

from tests.helpers.servers import ROOT

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
