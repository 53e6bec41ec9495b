"""The review app over real HTTP on loopback: sign-in, CSRF, sessions, roles, the case page."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest

from bot.review.app import create_app
from bot.review.audit import ANONYMOUS, AuditLog
from bot.review.sessions import StaffSessionRow
from bot.review.workflow import CANNOT_OPEN, ReviewStatuses, load_workflow
from bot.sealing import Sealer
from bot.store.db import session_scope, utcnow
from tests.review.factories import (
    FORENAME,
    PASSWORD,
    ROOT,
    StaffClient,
    queue_referral,
    sealed_envelope,
    serving,
    settings_for,
)

WORKFLOW = load_workflow(ROOT / "guidance" / "review" / "workflow.yml")


def _audit(case, action=None):
    return AuditLog(case.url).recent(500, action)


@pytest.fixture()
def rita(review_url) -> StaffClient:
    client = StaffClient(review_url)
    assert client.sign_in("rita").status_code == 303
    return client


@pytest.fixture()
def ada(review_url) -> StaffClient:
    client = StaffClient(review_url)
    assert client.sign_in("ada").status_code == 303
    return client


class TestSigningIn:
    def test_not_signed_in_is_sent_to_sign_in_and_audited(self, case, review_url):
        response = StaffClient(review_url).get(f"/referrals/{case.routed}")
        assert response.status_code == 303
        location = urlsplit(response.headers["Location"])
        assert location.path == "/sign-in"
        assert parse_qs(location.query)["next"] == [f"/referrals/{case.routed}"]
        [entry] = _audit(case, "access_refused")
        assert entry.actor == ANONYMOUS and entry.outcome == "sign_in_required"
        assert entry.reference == case.routed

    def test_sign_in_then_back_where_they_were_going(self, case, review_url):
        client = StaffClient(review_url)
        page = client.get(f"/sign-in?next=/referrals/{case.routed}")
        assert page.status_code == 200 and "Sign in" in page.text
        from tests.review.factories import csrf_from

        response = client.http.post(
            review_url + "/sign-in",
            data={
                "csrf_token": csrf_from(page.text),
                "username": "rita",
                "password": PASSWORD,
                "next": f"/referrals/{case.routed}",
            },
            allow_redirects=False,
        )
        assert response.status_code == 303
        assert response.headers["Location"] == "/sign-in/code"  # no session before the code
        assert "prevent-review=" not in response.headers.get("Set-Cookie", "")
        response = client.second_factor("rita")
        assert response.status_code == 303
        assert response.headers["Location"] == f"/referrals/{case.routed}"
        assert client.get(f"/referrals/{case.routed}").status_code == 200
        cookie = client.http.cookies.get("prevent-review")
        assert cookie
        assert [e.outcome for e in _audit(case, "sign_in")] == ["ok", "password_ok"]

    def test_a_wrong_password_gets_one_kind_message_for_every_cause(self, case, review_url):
        wrong = StaffClient(review_url).sign_in("rita", "not my password")
        unknown = StaffClient(review_url).sign_in("nobody", PASSWORD)
        for response in (wrong, unknown):
            assert response.status_code == 401
            assert "We couldn't sign you in" in response.text
            assert "locked for 15 minutes" in response.text
        assert {e.outcome for e in _audit(case, "sign_in")} == {"wrong_password", "unknown_user"}

    def test_five_failures_lock_the_account(self, case, review_url):
        for _ in range(5):
            StaffClient(review_url).sign_in("rita", "not my password")
        assert StaffClient(review_url).sign_in("rita").status_code == 401
        outcomes = [e.outcome for e in _audit(case, "sign_in")]
        assert outcomes[0] == "locked"
        assert any("now locked" in e.detail for e in _audit(case, "sign_in"))

    def test_next_cannot_point_to_another_site(self, case, review_url):
        client = StaffClient(review_url)
        page = client.get("/sign-in?next=//evil.example/x")
        assert "//evil.example" not in page.text

    def test_sign_out_ends_the_session(self, case, rita):
        response = rita.post("/sign-out", {})
        assert response.status_code == 303 and "why=signed_out" in response.headers["Location"]
        assert rita.get("/queue").status_code == 303
        assert [e.action for e in _audit(case, "sign_out")] == ["sign_out"]

    def test_secure_cookies_are_secure_and_host_prefixed(self, case, inbox, tmp_path):
        settings = settings_for(tmp_path / "secure", inbox, PREVENT_REVIEW_SECURE_COOKIES="true")
        with serving(create_app(settings)) as base:
            response = StaffClient(base).get("/sign-in")
        cookie = response.headers["Set-Cookie"]
        assert cookie.startswith("__Host-prevent-review-signin=")
        assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Strict" in cookie
        assert "max-age=31536000" in response.headers["Strict-Transport-Security"]


class TestCsrf:
    def test_a_post_without_the_token_is_refused_and_changes_nothing(self, case, rita):
        response = rita.post(
            f"/referrals/{case.routed}/status",
            {"from_status": "received", "to_status": "screening"},
            csrf=False,
        )
        assert response.status_code == 403
        assert "Nothing was changed" in response.text
        assert ReviewStatuses(case.url, WORKFLOW).state(case.routed).status == "received"
        [entry] = _audit(case, "csrf_refused")
        assert entry.actor == "rita" and f"/referrals/{case.routed}/status" in entry.detail

    def test_another_sessions_token_is_refused(self, case, rita, ada):
        response = rita.post(
            f"/referrals/{case.routed}/notes", {"note": "hello", "csrf_token": ada.csrf}
        )
        assert response.status_code == 403

    @pytest.mark.parametrize(
        "headers",
        [
            {"Origin": "https://evil.example"},
            {"Referer": "https://evil.example/page"},
            {"Sec-Fetch-Site": "cross-site"},
        ],
    )
    def test_a_cross_site_post_is_refused_even_with_the_token(self, case, rita, headers):
        response = rita.post(f"/referrals/{case.routed}/notes", {"note": "hello"}, headers=headers)
        assert response.status_code == 403

    def test_a_same_origin_browser_post_is_accepted(self, case, rita):
        # What Chromium sends under Referrer-Policy: no-referrer: Origin null, no Referer.
        headers = {"Origin": "null", "Sec-Fetch-Site": "same-origin"}
        response = rita.post(f"/referrals/{case.routed}/notes", {"note": "hello"}, headers=headers)
        assert response.status_code == 303

    def test_the_sign_in_form_needs_its_cookie(self, case, review_url):
        client = StaffClient(review_url)
        response = client.http.post(
            review_url + "/sign-in",
            data={"csrf_token": "made-up", "username": "rita", "password": PASSWORD},
            allow_redirects=False,
        )
        assert response.status_code == 403 and "send back the cookie" in response.text


class TestSessionExpiry:
    def _age_sessions(self, case, **changes):
        with session_scope(case.url) as session:
            for row in session.query(StaffSessionRow):
                for name, delta in changes.items():
                    setattr(row, name, getattr(row, name) - delta)

    def test_thirty_idle_minutes_sign_you_out(self, case, rita):
        self._age_sessions(case, last_seen_at=timedelta(minutes=31))
        response = rita.get("/queue")
        assert response.status_code == 303 and "why=idle" in response.headers["Location"]
        page = rita.get(response.headers["Location"])
        assert "nothing happened for 30 minutes" in page.text
        [entry] = _audit(case, "access_refused")
        assert "session ended: idle" in entry.detail

    def test_eight_hours_sign_you_out(self, case, rita):
        with session_scope(case.url) as session:
            for row in session.query(StaffSessionRow):
                row.expires_at = utcnow() - timedelta(seconds=1)
        response = rita.get("/queue")
        assert response.status_code == 303 and "why=absolute" in response.headers["Location"]


class TestRoles:
    @pytest.mark.parametrize("path", ["/admin/accounts", "/admin/audit"])
    def test_a_reviewer_on_an_admin_page_gets_403_and_an_audit_row(self, case, rita, path):
        response = rita.get(path)
        assert response.status_code == 403 and "This page is for admins" in response.text
        [entry] = _audit(case, "access_refused")
        assert entry.actor == "rita" and entry.outcome == "forbidden" and path in entry.detail

    def test_a_reviewer_cannot_post_to_admin_pages_either(self, case, rita):
        response = rita.post(
            "/admin/accounts",
            {"username": "mallory", "password": PASSWORD, "role": "admin"},
        )
        assert response.status_code == 403
        from bot.review.accounts import Accounts

        assert Accounts(case.url, 10, app_key=case.settings.app_key).get("mallory") is None

    def test_an_admin_creates_and_disables_accounts(self, case, ada, review_url):
        response = ada.post(
            "/admin/accounts",
            {
                "username": "sam",
                "display_name": "Sam Hill",
                "role": "reviewer",
                "password": PASSWORD,
            },
        )
        assert response.status_code == 303
        sam = StaffClient(review_url)
        assert sam.sign_in("sam").status_code == 303
        ada.get("/admin/accounts")
        assert ada.post("/admin/accounts/sam/disable", {}).status_code == 303
        assert sam.get("/queue").status_code == 303  # signed out at once
        actions = [e.action for e in _audit(case)]
        assert "account_created" in actions and "account_disabled" in actions

    def test_account_errors_are_explained_and_the_form_kept(self, case, ada):
        response = ada.post(
            "/admin/accounts",
            {
                "username": "tess",
                "display_name": "Tess Lane",
                "role": "reviewer",
                "password": "short",
            },
        )
        assert response.status_code == 400
        assert "at least 12 characters" in response.text and 'value="Tess Lane"' in response.text

    def test_an_admin_cannot_disable_themselves(self, case, ada):
        ada.get("/admin/accounts")
        response = ada.post("/admin/accounts/ada/disable", {})
        assert "problem=self" in response.headers["Location"]

    def test_the_audit_page_checks_the_chain(self, case, ada):
        page = ada.get("/admin/audit")
        assert page.status_code == 200 and "The hash chain checks out" in page.text
        assert "view_audit" in [e.action for e in _audit(case)]


class TestSecurityHeaders:
    def test_every_page_carries_the_headers(self, case, rita):
        for path in ("/queue", f"/referrals/{case.routed}", "/sign-in", "/nowhere"):
            headers = rita.get(path).headers
            csp = headers["Content-Security-Policy"]
            assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
            assert headers["X-Content-Type-Options"] == "nosniff"
            assert headers["Referrer-Policy"] == "no-referrer"
            assert headers["Cache-Control"] == "no-store"

    def test_no_third_party_or_inline_script(self, case, rita):
        page = rita.get(f"/referrals/{case.routed}").text
        assert (
            "<script" not in page
            and "style=" not in page
            and "http" not in page.split("<body", 1)[0].replace("http-equiv", "")
        )


class TestTheCasePage:
    def test_the_queue_lists_the_referrals(self, case, rita):
        page = rita.get("/queue")
        assert page.status_code == 200
        for reference in case.references:
            assert reference in page.text
        assert FORENAME not in page.text  # the queue shows no content
        assert _audit(case, "view_queue")

    def test_opening_a_referral_shows_it_by_section_and_audits_it(self, case, rita):
        page = rita.get(f"/referrals/{case.routed}")
        assert page.status_code == 200
        assert FORENAME in page.text and "About the person" in page.text
        assert "The concern" in page.text
        [entry] = _audit(case, "open_referral")
        assert entry.actor == "rita" and entry.outcome == "ok" and entry.reference == case.routed

    def test_a_status_change_tells_the_referrer_without_content(self, case, rita):
        rita.get(f"/referrals/{case.routed}")
        response = rita.post(
            f"/referrals/{case.routed}/status",
            {"from_status": "received", "to_status": "screening", "tell_referrer": "yes"},
        )
        assert response.status_code == 303 and "told=yes" in response.headers["Location"]
        page = rita.get(response.headers["Location"])
        assert "The referrer has been told" in page.text
        [update] = case.updates.take_for(case.sender_id)
        assert update.kind == "status" and update.details["status"] == "Being screened"
        assert FORENAME not in str(update.details)
        assert [e.detail for e in _audit(case, "set_status")] == ["received -> screening"]

    def test_a_move_outside_the_flowchart_is_refused(self, case, rita):
        rita.get(f"/referrals/{case.routed}")
        response = rita.post(
            f"/referrals/{case.routed}/status",
            {"from_status": "received", "to_status": "channel_panel"},
        )
        assert "problem=move_not_allowed" in response.headers["Location"]
        assert "isn't a step" in rita.get(response.headers["Location"]).text
        assert [e.outcome for e in _audit(case, "set_status")] == ["refused"]

    def test_a_change_from_a_stale_page_is_refused_kindly(self, case, rita, ada):
        rita.get(f"/referrals/{case.routed}")
        ada.get(f"/referrals/{case.routed}")
        ada.post(
            f"/referrals/{case.routed}/status",
            {"from_status": "received", "to_status": "screening"},
        )
        response = rita.post(
            f"/referrals/{case.routed}/status",
            {"from_status": "received", "to_status": "screening"},
        )
        assert "Someone else changed the status" in rita.get(response.headers["Location"]).text

    def test_status_without_a_route_is_changed_and_says_the_referrer_was_not_told(self, case, rita):
        rita.get(f"/referrals/{case.unrouted}")
        response = rita.post(
            f"/referrals/{case.unrouted}/status",
            {"from_status": "received", "to_status": "screening", "tell_referrer": "yes"},
        )
        page = rita.get(response.headers["Location"])
        assert "We couldn't tell the referrer" in page.text
        assert ReviewStatuses(case.url, WORKFLOW).state(case.unrouted).status == "screening"

    def test_a_message_reaches_the_referrers_chat(self, case, rita):
        rita.get(f"/referrals/{case.routed}")
        text = "Could you call the Prevent team about your referral, please?"
        response = rita.post(f"/referrals/{case.routed}/messages", {"message": text})
        assert response.status_code == 303
        [update] = case.updates.take_for(case.sender_id)
        assert update.kind == "message" and update.details == {"message": text}
        [entry] = _audit(case, "send_message")
        assert entry.outcome == "ok" and text not in entry.detail

    def test_a_message_with_no_route_gets_a_kind_error_and_keeps_the_text(self, case, rita):
        rita.get(f"/referrals/{case.unrouted}")
        text = "Please resend the referral."
        response = rita.post(f"/referrals/{case.unrouted}/messages", {"message": text})
        assert response.status_code == 409
        assert "the assistant has no chat to send it to" in response.text
        assert "Please contact the referrer another way" in response.text
        assert text in response.text
        assert [e.outcome for e in _audit(case, "send_message")] == ["no_route"]

    def test_an_overlong_message_is_refused_not_cut(self, case, rita):
        rita.get(f"/referrals/{case.routed}")
        response = rita.post(f"/referrals/{case.routed}/messages", {"message": "x" * 1001})
        assert response.status_code == 400 and "up to 1,000 characters" in response.text
        assert case.updates.take_for(case.sender_id) == []

    def test_notes_are_escaped_and_audited_without_their_text(self, case, rita):
        rita.get(f"/referrals/{case.routed}")
        note = "<script>alert('x')</script> NOTE-SENTINEL-77"
        assert rita.post(f"/referrals/{case.routed}/notes", {"note": note}).status_code == 303
        page = rita.get(f"/referrals/{case.routed}").text
        assert "&lt;script&gt;" in page and "<script>" not in page
        [entry] = _audit(case, "add_note")
        assert "NOTE-SENTINEL-77" not in entry.detail

    def test_an_unknown_reference_is_a_kind_404(self, case, rita):
        response = rita.get("/referrals/VTR-NOPE")
        assert response.status_code == 404 and "No referral with that reference" in response.text


class TestAReferralThatWillNotOpen:
    def test_it_shows_a_clear_error_stays_in_the_queue_marked_and_is_audited(
        self, case, rita, stranger
    ):
        reference = "VTR-OTHERKEY"
        queue_referral(case.url, sealed_envelope(Sealer([stranger.cert]), reference), reference)
        page = rita.get(f"/referrals/{reference}")
        assert page.status_code == 200
        assert "We couldn't open this referral" in page.text
        assert "Nothing has been lost" in page.text
        assert ReviewStatuses(case.url, WORKFLOW).state(reference).problem == CANNOT_OPEN
        queue = rita.get("/queue").text
        assert reference in queue and "Could not be opened" in queue
        [entry] = [e for e in _audit(case, "open_referral") if e.reference == reference]
        assert entry.outcome == "failed" and entry.detail == "wrong_key_or_tampered"
        # Staff can still ask the referrer to resend it.
        assert "Message the referrer" in page.text
