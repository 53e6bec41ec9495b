"""Bot Framework authentication (bot.channels.teams_auth) against a loopback Microsoft: fast,
no Rasa. The same checks run again end to end in test_teams.py."""

from __future__ import annotations

import ast
import asyncio
import time
from pathlib import Path

import pytest

from bot.channels import teams_auth as auth
from tests.helpers.bot_framework import BotFramework, new_rsa_key


@pytest.fixture(scope="module")
def bf() -> BotFramework:
    with BotFramework() as stub:
        yield stub


def run(coro):
    return asyncio.run(coro)


def settings(bf: BotFramework, **env: str) -> auth.TeamsSettings:
    return auth.settings_from(None, bf.env(**env))


def verify(bf: BotFramework, token: str, **env: str) -> auth.VerifiedToken:
    s = settings(bf, **env)
    return run(auth.verify_token(f"Bearer {token}", s, auth.SigningKeys(s.metadata_urls)))


def refusal(bf: BotFramework, token: str, **env: str) -> str:
    with pytest.raises(auth.AuthError) as caught:
        verify(bf, token, **env)
    assert caught.value.status == 401
    return caught.value.reason


# --------------------------------------------------------------------------- settings


def test_multi_tenant_defaults_are_microsofts():
    s = auth.settings_from({}, {"TEAMS_APP_ID": "app", "TEAMS_APP_PASSWORD": "pw"})
    assert s.metadata_urls == (auth.BOTFRAMEWORK_OPENID_METADATA_URL,)
    assert s.metadata_urls[0] == "https://login.botframework.com/v1/.well-known/openidconfiguration"
    assert s.issuers == {"https://api.botframework.com"}
    assert s.token_url == "https://login.microsoftonline.com/botframework.com/oauth2/v2.0/token"
    assert not s.configured and s.missing() == ["TEAMS_ALLOWED_TENANTS"]


def test_single_tenant_uses_its_tenant_for_tokens_issuers_and_allow_list():
    s = auth.settings_from(
        {"app_id": "app", "app_password": "pw", "tenant_id": "t-1"}, {"TEAMS_APP_ID": "other"}
    )
    assert s.app_id == "app"  # credentials.yml wins over the environment
    assert s.token_url == "https://login.microsoftonline.com/t-1/oauth2/v2.0/token"
    assert s.issuers == {
        "https://api.botframework.com",
        "https://sts.windows.net/t-1/",
        "https://login.microsoftonline.com/t-1/v2.0",
    }
    assert s.metadata_urls[1] == (
        "https://login.microsoftonline.com/t-1/v2.0/.well-known/openid-configuration"
    )
    assert s.allowed_tenants == {"t-1"} and s.configured


def test_empty_credentials_fall_back_to_the_environment_and_lists_split():
    env = {
        "TEAMS_APP_ID": "app",
        "TEAMS_APP_PASSWORD": "pw",
        "TEAMS_ALLOWED_TENANTS": " a , b,,a ",
        "TEAMS_ISSUERS": "https://iss.example/",
    }
    s = auth.settings_from({"app_id": "", "allowed_tenants": None}, env)
    assert s.app_id == "app" and s.allowed_tenants == {"a", "b"}
    assert s.issuers == {"https://iss.example/"}


def test_settings_never_show_the_password():
    s = auth.settings_from({"app_password": "hunter2-secret"}, {})
    assert "hunter2-secret" not in repr(s)
    assert s.missing() == ["TEAMS_APP_ID", "TEAMS_ALLOWED_TENANTS"]


def test_teams_auth_imports_no_rasa():
    tree = ast.parse(Path(auth.__file__).read_text(encoding="utf-8"))
    modules = {
        (node.module or "") if isinstance(node, ast.ImportFrom) else alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    }
    assert not {m.split(".")[0] for m in modules} & {"rasa", "rasa_sdk", "sanic"}


# --------------------------------------------------------------------------- tokens


def test_a_token_from_the_bot_connector_is_accepted(bf):
    verified = verify(bf, bf.token())
    assert verified.claims["aud"] == bf.app_id
    assert verified.service_url == bf.service_url
    assert verified.key["kid"] == bf.kid


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (lambda bf: bf.token(aud="someone-elses-app"), "wrong audience"),
        (lambda bf: bf.token(iss="https://evil.example"), "wrong issuer"),
        (lambda bf: bf.token(iss="https://api.botframework.com.evil.example"), "wrong issuer"),
        (lambda bf: bf.token(exp=int(time.time()) - 3600), "token expired"),
        (lambda bf: bf.token(nbf=int(time.time()) + 3600), "token not yet valid"),
        (lambda bf: bf.token(exp=None), "token lacks a required claim"),
        (lambda bf: bf.unsigned_token(), "token algorithm not allowed"),
        (lambda bf: bf.hs256_token(), "token algorithm not allowed"),
        (lambda bf: bf.sign(bf.claims(), key=new_rsa_key()), "bad signature"),
        (lambda bf: bf.sign(bf.claims(), kid="made-up"), "unknown signing key"),
        (lambda bf: bf.token()[:-6] + "AAAAAA", "bad signature"),
        (lambda bf: "not.a.jwt", "malformed token"),
    ],
    ids=[
        "audience",
        "issuer",
        "issuer-prefix",
        "expired",
        "not-yet-valid",
        "no-exp",
        "alg-none",
        "hs256",
        "other-key",
        "unknown-kid",
        "tampered",
        "garbage",
    ],
)
def test_bad_tokens_are_refused(bf, make, reason):
    assert refusal(bf, make(bf)) == reason


def test_expiry_allows_a_little_clock_skew(bf):
    verify(bf, bf.token(exp=int(time.time()) - 60))


@pytest.mark.parametrize("header", [None, "", "Basic abc", "Bearer", "Bearer   "])
def test_requests_without_a_bearer_token_are_refused(bf, header):
    s = settings(bf)
    with pytest.raises(auth.AuthError, match="missing bearer token"):
        run(auth.verify_token(header, s, auth.SigningKeys(s.metadata_urls)))


def test_single_tenant_tokens_signed_by_the_tenant_are_accepted(bf):
    token = bf.sign(
        bf.claims(iss=f"https://sts.windows.net/{bf.tenant}/"),
        key=bf.tenant_key,
        kid=bf.tenant_kid,
    )
    env = {
        "TEAMS_TENANT_ID": bf.tenant,
        "TEAMS_OPENID_METADATA_URL": f"{bf.metadata_url},{bf.tenant_metadata_url}",
    }
    assert verify(bf, token, **env).claims["iss"] == f"https://sts.windows.net/{bf.tenant}/"
    # ... and by the Bot Connector as always.
    verify(bf, bf.token(), **env)
    # A multi-tenant registration does not accept the tenant's issuer,
    assert refusal(bf, token, TEAMS_OPENID_METADATA_URL=env["TEAMS_OPENID_METADATA_URL"]) == (
        "wrong issuer"
    )
    # nor another tenant's.
    other = bf.sign(
        bf.claims(iss="https://sts.windows.net/another-tenant/"),
        key=bf.tenant_key,
        kid=bf.tenant_kid,
    )
    assert refusal(bf, other, **env) == "wrong issuer"


# --------------------------------------------------------------------------- activity checks


def test_activity_from_an_allowed_tenant_at_the_vouched_url_passes(bf):
    activity = bf.activity("hello")
    assert auth.authorise_activity(verify(bf, bf.token()), activity, settings(bf)) == (
        bf.service_url
    )


def test_tenant_from_the_conversation_when_channel_data_has_none(bf):
    activity = bf.activity("hello")
    del activity["channelData"]
    assert auth.activity_tenant(activity) == bf.tenant
    auth.authorise_activity(verify(bf, bf.token()), activity, settings(bf))


@pytest.mark.parametrize("tenant", ["another-tenant", ""])
def test_other_tenants_are_forbidden(bf, tenant):
    activity = bf.activity("hello", tenant=tenant)
    with pytest.raises(auth.AuthError) as caught:
        auth.authorise_activity(verify(bf, bf.token()), activity, settings(bf))
    assert (caught.value.status, caught.value.reason) == (403, "tenant not allowed")


@pytest.mark.parametrize(
    ("claim", "activity_url"),
    [
        ("https://smba.trafficmanager.net/amer/", "https://attacker.example/amer/"),
        (None, "https://smba.trafficmanager.net/amer/"),
        ("http://attacker.example/", "http://attacker.example/"),
    ],
    ids=["mismatch", "no-claim", "plain-http"],
)
def test_replies_only_go_where_the_token_says(bf, claim, activity_url):
    verified = verify(bf, bf.token(service_url="" if claim is None else claim))
    with pytest.raises(auth.AuthError) as caught:
        auth.authorise_activity(verified, bf.activity("hi", service_url=activity_url), settings(bf))
    assert caught.value.status == 401


def test_a_key_not_endorsed_for_teams_is_refused(bf):
    verified = verify(bf, bf.token())
    unendorsed = auth.VerifiedToken(verified.claims, {**verified.key, "endorsements": ["skype"]})
    with pytest.raises(auth.AuthError, match="endorsed"):
        auth.authorise_activity(unendorsed, bf.activity("hi"), settings(bf))


def test_vouched_urls_ignore_the_trailing_slash_and_forget_the_oldest():
    vouched = auth.VouchedServiceUrls(limit=2)
    vouched.add("https://a.example/amer/")
    assert "https://a.example/amer" in vouched and "https://b.example/" not in vouched
    vouched.add("https://b.example/")
    vouched.add("https://c.example/")
    assert "https://a.example/amer/" not in vouched and "https://c.example" in vouched


@pytest.mark.parametrize(
    ("url", "safe"),
    [
        ("https://smba.trafficmanager.net/amer/", True),
        ("http://127.0.0.1:3978/", True),
        ("http://smba.trafficmanager.net/", False),
        ("https://user:pw@example.org/", False),
        ("ftp://example.org/", False),
        ("not a url", False),
    ],
)
def test_safe_urls(url, safe):
    assert auth.is_safe_url(url) is safe


# --------------------------------------------------------------------------- signing keys


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_keys_are_cached_refreshed_daily_and_on_rotation(bf):
    clock = Clock()
    keys = auth.SigningKeys([bf.metadata_url], clock=clock)
    before = bf.hits["jwks"]
    old_kid = bf.kid
    assert run(keys.get(old_kid))["kid"] == old_kid
    assert run(keys.get(old_kid)) and bf.hits["jwks"] == before + 1  # cached
    assert run(keys.get("made-up")) is None  # too soon to ask Microsoft again
    assert bf.hits["jwks"] == before + 1
    bf.rotate()
    try:
        clock.now += auth.KEYS_MIN_REFRESH_SECONDS + 1
        assert run(keys.get(bf.kid))["kid"] == bf.kid  # unknown kid: fetched again
        assert bf.hits["jwks"] == before + 2
        clock.now += auth.KEYS_TTL_SECONDS + 1
        assert run(keys.get(bf.kid)) and bf.hits["jwks"] == before + 3  # a day later
        assert run(keys.get(old_kid)) is None  # the rolled key is gone
    finally:
        bf.rotate()


def test_keys_survive_a_failed_refresh(bf):
    clock, down = Clock(), []

    async def fetch(url):
        if down:
            raise OSError("Microsoft unreachable")
        return await auth.fetch_json(url)

    keys = auth.SigningKeys([bf.metadata_url], fetch=fetch, clock=clock)
    assert run(keys.get(bf.kid))
    down.append(True)
    clock.now += auth.KEYS_TTL_SECONDS + 1
    assert run(keys.get(bf.kid)), "the keys we had still verify"


def test_unsafe_jwks_uri_is_not_followed():
    async def fetch(url):
        return {"jwks_uri": "http://attacker.example/keys"}

    keys = auth.SigningKeys(["https://login.botframework.com/x"], fetch=fetch)
    assert run(keys.get("any")) is None


# --------------------------------------------------------------------------- app token


def test_app_token_is_fetched_once_and_renewed_before_expiry(bf):
    clock = Clock()
    token = auth.AppToken(settings(bf), clock=clock)
    before = bf.hits["token"]
    first = run(token.get())
    assert first in bf.access_tokens and run(token.get()) == first
    assert bf.hits["token"] == before + 1
    clock.now += bf.token_lifetime - auth.TOKEN_MARGIN_SECONDS + 1
    assert run(token.get()) != first and bf.hits["token"] == before + 2


def test_wrong_app_password_gets_no_token(bf):
    token = auth.AppToken(settings(bf, TEAMS_APP_PASSWORD="wrong"))
    with pytest.raises(RuntimeError, match="HTTP 401"):
        run(token.get())


def test_credentials_are_never_sent_over_plain_http_to_another_host(bf):
    token = auth.AppToken(settings(bf, TEAMS_TOKEN_URL="http://login.example/token"))
    with pytest.raises(ValueError, match="not HTTPS"):
        run(token.get())


# --------------------------------------------------------------------------- issue 11: msteams only


@pytest.mark.parametrize("channel", ["directline", "webchat", "emulator", "", None])
def test_only_the_msteams_channel_is_served(bf, channel):
    """Direct Line and Web Chat let their client choose any sender and tenant."""
    activity = bf.activity("hi")
    if channel is None:
        del activity["channelId"]  # used to skip the endorsement check altogether
    else:
        activity["channelId"] = channel
    with pytest.raises(auth.AuthError) as caught:
        auth.authorise_activity(verify(bf, bf.token()), activity, settings(bf))
    assert (caught.value.status, caught.value.reason) == (403, "channel not allowed")


@pytest.mark.parametrize("endorsements", [None, [], ["webchat", "directline"], "msteams"])
def test_a_key_without_an_msteams_endorsement_is_refused(bf, endorsements):
    verified = verify(bf, bf.token())
    key = {k: v for k, v in verified.key.items() if k != "endorsements"}
    if endorsements is not None:
        key["endorsements"] = endorsements
    with pytest.raises(auth.AuthError, match="endorsed"):
        auth.authorise_activity(
            auth.VerifiedToken(verified.claims, key), bf.activity("hi"), settings(bf)
        )


@pytest.mark.parametrize(
    ("url", "teams"),
    [
        ("https://smba.trafficmanager.net/amer/", True),
        ("https://smba.trafficmanager.net/emea/", True),
        ("https://smba.trafficmanager.net", True),
        ("https://smba.trafficmanager.net.evil.example/amer/", False),
        ("https://evil.example/smba.trafficmanager.net/", False),
        ("http://smba.trafficmanager.net/amer/", False),
        ("https://smba.trafficmanager.net:8443/amer/", False),
        ("https://user@smba.trafficmanager.net/amer/", False),
        ("https://webchat.botframework.com/", False),
    ],
)
def test_teams_service_urls_by_host_not_by_string(url, teams):
    assert auth.is_teams_service_url(url, auth.TEAMS_SERVICE_URLS) is teams


def test_an_https_service_url_vouched_for_but_not_teams_is_refused(bf):
    """A token may vouch for any Bot Framework service URL; only Teams' is served."""
    url = "https://directline.botframework.com/"
    verified = verify(bf, bf.token(service_url=url))
    with pytest.raises(auth.AuthError, match="not a Teams one"):
        auth.authorise_activity(verified, bf.activity("hi", service_url=url), settings(bf))


def test_the_tenant_must_match_the_tokens_tid_claim_when_it_has_one(bf):
    activity = bf.activity("hi")
    auth.authorise_activity(verify(bf, bf.token(tid=bf.tenant)), activity, settings(bf))
    with pytest.raises(auth.AuthError) as caught:
        auth.authorise_activity(verify(bf, bf.token(tid="another")), activity, settings(bf))
    assert caught.value.status == 403


def test_staff_allow_list_and_service_urls_from_the_environment():
    s = auth.settings_from(
        None,
        {"TEAMS_ALLOWED_USERS": " AAAA-1 , bbbb-2,", "TEAMS_SERVICE_URLS": "https://x.example/"},
    )
    assert s.allowed_users == frozenset({"aaaa-1", "bbbb-2"})
    assert s.service_urls == ("https://x.example/",)
    assert auth.settings_from(None, {}).service_urls == ("https://smba.trafficmanager.net/",)


@pytest.mark.parametrize("token", ["ÞöÉì", "a.b.c\u00e9", "\udc80.x.y", "a b.c.d"])
def test_a_token_that_is_not_base64url_is_refused_not_a_crash(bf, token):
    """Found by the fuzz run: PyJWT raised UnicodeEncodeError (a 500) on non-ASCII tokens."""
    s = settings(bf)
    with pytest.raises(auth.AuthError, match="malformed token"):
        run(auth.verify_token(f"Bearer {token}", s, auth.SigningKeys(s.metadata_urls)))
