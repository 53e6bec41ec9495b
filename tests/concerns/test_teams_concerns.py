"""On Teams: staff linked to their school by tenant, a concern raised there, and the DSL's
alert pushed to their Teams chat (real servers, loopback Bot Framework and Entra ID)."""

from __future__ import annotations

import asyncio
import base64
import re
import secrets
import uuid

import pytest

from bot.channels.push import push_concern_alerts
from bot.channels.teams import TeamsPusher
from bot.channels.teams_auth import settings_from
from bot.concerns import Concerns
from bot.concerns.orgs import Orgs
from bot.store.crypto import KeyRing
from tests.channels.test_teams import Conversation, Teams, said
from tests.helpers.bot_framework import BotFramework
from tests.helpers.servers import running_assistant

pytestmark = pytest.mark.servers
REF = re.compile(r"\bC-[A-HJ-NP-Z2-9]{6}\b")


def test_teams_staff_are_linked_by_tenant_and_the_dsl_is_alerted_in_teams(model_path, tmp_path):
    var = tmp_path / "var"
    var.mkdir()
    master = "v1:" + base64.b64encode(secrets.token_bytes(32)).decode()
    pepper = secrets.token_bytes(32)
    url = f"sqlite:///{var / 'prevent.db'}"
    Orgs(url).add("St Mary's", "southend")
    dsl_user, teacher_user = str(uuid.uuid4()), str(uuid.uuid4())
    credentials = var / "credentials.yml"
    credentials.write_text("rest:\nbot.channels.teams.TeamsInput:\n", encoding="utf-8")
    with BotFramework() as bf:
        env = {
            **bf.env(),
            "PREVENT_MASTER_KEYS": master,
            "PREVENT_OWNER_PEPPER": base64.b64encode(pepper).decode(),
            "PREVENT_TEAMS_SCHOOL_TENANTS": f"{bf.tenant}=st-marys",
            "PREVENT_TEAMS_DSL_USERS": dsl_user,
            # Staff only (issue 11): the tenant admits no one by itself; these two are
            # allow-listed by Entra object id (an invite code would do as well).
            "TEAMS_ALLOWED_USERS": f"{dsl_user},{teacher_user}",
        }
        with running_assistant(model_path, var, extra_env=env, credentials=credentials) as bot:
            teams = Teams(bot, bf)
            dsl = Conversation(teams, dsl_user, f"a:{uuid.uuid4().hex};messageid=1")
            teacher = Conversation(teams, teacher_user, f"a:{uuid.uuid4().hex};messageid=1")
            assert "no new concerns" in said(dsl.send("new concerns")).lower()
            teacher.send("I want to log a concern")
            teacher.send("A pupil said the videos are right about immigrants")
            teacher.send("Thursday, period 3")
            receipt = said(teacher.send("the science lab"))
            [ref] = REF.findall(receipt)
            assert "1 DSL(s) at St Mary's" in receipt
            concerns = Concerns(url, KeyRing.parse(master), pepper)
            pusher = TeamsPusher(settings_from(None, env=bf.env()))
            before = len(bf.replies(dsl.id))
            assert asyncio.run(push_concern_alerts(concerns, {"teams": pusher})) == 1
            [alert] = bf.replies(dsl.id)[before:]
            assert ref in alert.text and "immigrants" not in alert.text
            staff = concerns.whoami(f"teams:{teacher_user}")
            assert (staff.org_id, staff.role) == ("st-marys", "teacher")
            assert concerns.whoami(f"teams:{dsl_user}").role == "dsl"
