"""The Prevent team's review web app (aiohttp): `create_app(settings)`.

Staff sign in, see the queue of sealed referrals, open one (decrypted in memory for the
request, never written), move it along the SET flowchart (SET 2.5, SET 2.7), add notes and send
the referrer a status or a question, which reaches their chat without any of the referral's
content (`bot.referral.updates.post_update`). Every view, change and refusal is written to the
append-only audit log.

The handlers stay thin: the work is in the plain-Python modules beside this one (accounts,
sessions, audit, workflow, notes, cases), which run in worker threads so that scrypt, RSA and
the database never block the event loop. The HTTP defences are in `web_security`; all wording
is in the templates.
"""

from __future__ import annotations

import asyncio
import dataclasses
import functools
import logging
import re
import secrets
import traceback
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlencode

import jinja2
from aiohttp import web
from cryptography import x509

from bot.ratelimit import RateLimiter, client_address
from bot.referral.form import FormSpec, load_form
from bot.referral.updates import MESSAGE_LIMIT, UnknownReference, messages_for, post_update
from bot.review import cases
from bot.review import web_security as sec
from bot.review.accounts import ADMIN, ROLES, UNSIGNED_HELP, AccountError, Accounts
from bot.review.audit import ANONYMOUS, AuditLog
from bot.review.inbox_key import InboxKey, InboxKeyError
from bot.review.names import names_in, referral_names
from bot.review.notes import NoteError, Notes
from bot.review.provenance import flag_unsigned_arrivals
from bot.review.queue_facts import AGE_ORDER, FactsCache, QueueWords, load_words
from bot.review.second_factor import Pending, SecondFactors
from bot.review.sessions import SessionStore, StaffSession
from bot.review.settings import ReviewSettings, make_sqlite_folder
from bot.review.workflow import (
    CANNOT_OPEN,
    ReviewStatuses,
    StatusChanged,
    TransitionRefused,
    Workflow,
    load_workflow,
)

log = logging.getLogger(__name__)
HERE = Path(__file__).resolve().parent
STAFF = "review.staff"  # request key: the StaffSession, or None
PENDING = "review.pending"  # request key: a password-checked sign-in awaiting its code
CODE_PATH = "/sign-in/code"
SESSION_END = "review.session_end"  # request key: why a cookie's session was not valid
REFERENCE = "{reference:[A-Za-z0-9_-]{1,40}}"
#: What the case page's history lists (views are only counted, with the latest one).
HISTORY_ACTIONS = ("set_status", "status_update_sent", "add_note", "send_message")
VIEW = "open_referral"
#: The case page shown again after an action on it (status, note, message): audited, but not
#: counted as one more opening.
VIEW_AGAIN = "view_referral_after_action"
_USERNAME_SHAPE = re.compile(r"^[A-Za-z0-9._-]{1,40}$")
T = TypeVar("T")
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass(frozen=True)
class Review:
    """Everything the handlers share, made once by `create_app`."""

    settings: ReviewSettings
    key: InboxKey
    workflow: Workflow
    form: FormSpec
    accounts: Accounts
    sessions: SessionStore
    audit: AuditLog
    statuses: ReviewStatuses
    notes: Notes
    updates_key: bytes
    assistant_cert: x509.Certificate
    templates: jinja2.Environment
    session_cookie: str
    signin_cookie: str
    second_factors: SecondFactors
    pending_cookie: str
    sign_in_limit: RateLimiter
    #: Area, age band and flags per referral, worked out from the decrypted referral and
    #: kept in memory only (see bot/review/queue_facts.py).
    facts: FactsCache | None = None
    queue_words: QueueWords | None = None

    @property
    def url(self) -> str:
        return self.settings.database_url


REVIEW = web.AppKey("review", Review)


# --------------------------------------------------------------------------- small helpers


async def run(function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run blocking work (database, scrypt, RSA) in a worker thread."""
    return await asyncio.to_thread(function, *args, **kwargs)


def _review(request: web.Request) -> Review:
    return request.app[REVIEW]


def _staff(request: web.Request) -> StaffSession | None:
    return request.get(STAFF)


def _actor(request: web.Request) -> str:
    staff = _staff(request)
    return staff.account.username if staff else ANONYMOUS


async def audit(
    request: web.Request,
    action: str,
    outcome: str,
    reference: str | None = None,
    detail: str = "",
    actor: str | None = None,
) -> None:
    await run(
        _review(request).audit.record,
        actor or _actor(request),
        action,
        outcome,
        reference=reference,
        detail=detail,
    )


def render(request: web.Request, template: str, status: int = 200, **context: Any) -> web.Response:
    review = _review(request)
    staff = _staff(request)
    html = review.templates.get_template(template).render(
        staff=staff,
        csrf_token=staff.csrf_token if staff else "",
        workflow=review.workflow,
        **context,
    )
    return web.Response(text=html, status=status, content_type="text/html", charset="utf-8")


def redirect(location: str) -> web.Response:
    return web.Response(status=303, headers={"Location": location})


async def _form(request: web.Request) -> dict[str, str]:
    data = await request.post()
    return {k: v for k, v in data.items() if isinstance(v, str)}


def _when(value: Any) -> str:
    return value.strftime("%d %b %Y, %H:%M UTC") if value else ""


# --------------------------------------------------------------------------- middlewares


def _waited(value: Any) -> str:
    """A waiting time as staff say it: "40 min", "5 h", "3 days"."""
    if value is None:
        return ""
    minutes = int(value.total_seconds() // 60)
    if minutes < 60:
        return f"{max(minutes, 0)} min"
    if minutes < 48 * 60:
        return f"{minutes // 60} h"
    return f"{minutes // (24 * 60)} days"


def _queue_query(view: Any, **changes: Any) -> str:
    """The queue's address for `view` with `changes` (the sort links keep the filters)."""
    values = {
        "status": view.status_filter,
        "area": view.area,
        "age": view.age,
        "flag": view.flag,
        "sort": view.sort,
        "dir": "desc" if view.descending else "asc",
    }
    values.update(changes)
    kept = {k: v for k, v in values.items() if v and not (k == "sort" and v == "received")}
    if kept.get("dir") == "desc" and "sort" not in kept:
        kept.pop("dir")
    return "/queue" + ("?" + urlencode(kept) if kept else "")


@web.middleware
async def problems_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Friendly pages for 404/405 and for anything unexpected (logged without content)."""
    try:
        return await handler(request)
    except web.HTTPNotFound:
        return render(request, "problem.html", 404, problem="not_found")
    except web.HTTPMethodNotAllowed:
        return render(request, "problem.html", 405, problem="not_allowed")
    except web.HTTPException:
        raise
    except Exception as exc:
        # The type and the stack only: an exception's message could quote referral content.
        log.error(
            "error on %s %s: %s\n%s",
            request.method,
            request.path,
            type(exc).__name__,
            "".join(traceback.format_tb(exc.__traceback__)),
        )
        return render(request, "problem.html", 500, problem="server_error")


@web.middleware
async def session_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Find the signed-in member of staff from the session cookie, if any."""
    request[STAFF] = None
    request[SESSION_END] = ""
    if not request.path.startswith(sec.STATIC_PREFIX):
        review = _review(request)
        token = request.cookies.get(review.session_cookie)
        if token:
            lookup = await run(review.sessions.resolve, token)
            request[STAFF], request[SESSION_END] = lookup.session, lookup.reason
    return await handler(request)


@web.middleware
async def csrf_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Every POST: same origin, and the synchronizer token of the session (or sign-in form)."""
    if request.method != "POST":
        return await handler(request)
    review = _review(request)
    staff = _staff(request)
    if request.path == "/sign-in":
        expected = request.cookies.get(review.signin_cookie)
    elif request.path == CODE_PATH:
        pending = await _pending(request)
        expected = pending.csrf_token if pending else None
    elif staff is not None:
        expected = staff.csrf_token
    else:
        return await handler(request)  # not signed in: the handler sends them to sign in
    form = await _form(request)
    if sec.same_origin(request, review.settings.public_origin) and sec.tokens_match(
        expected, form.get("csrf_token")
    ):
        return await handler(request)
    await audit(request, "csrf_refused", "refused", detail=f"POST {request.path}")
    signing_in = request.path in ("/sign-in", CODE_PATH)
    problem = "signin_cookie" if signing_in and not expected else "csrf"
    return render(request, "problem.html", 403, problem=problem)


def staff_only(role: str | None = None) -> Callable[[Handler], Handler]:
    """Signed-in staff only (of `role`, if given); refusals are audited."""

    def decorate(handler: Handler) -> Handler:
        @functools.wraps(handler)
        async def guarded(request: web.Request) -> web.StreamResponse:
            staff = _staff(request)
            reference = request.match_info.get("reference")
            if staff is None:
                ended = request[SESSION_END]
                note = f" (session ended: {ended})" if ended not in ("", "no_token") else ""
                await audit(
                    request,
                    "access_refused",
                    "sign_in_required",
                    reference=reference,
                    detail=f"{request.method} {request.path}{note}",
                )
                query = {"next": request.path_qs if request.method == "GET" else "/queue"}
                if ended in ("idle", "absolute"):
                    query["why"] = ended
                response = redirect("/sign-in?" + urlencode(query))
                if ended:
                    sec.clear_cookie(
                        response,
                        _review(request).session_cookie,
                        _review(request).settings.secure_cookies,
                    )
                return response
            if role is not None and staff.account.role != role:
                await audit(
                    request,
                    "access_refused",
                    "forbidden",
                    reference=reference,
                    detail=f"{request.method} {request.path} needs {role}",
                )
                return render(request, "problem.html", 403, problem="admin_only")
            return await handler(request)

        return guarded

    return decorate


async def _security_headers(request: web.Request, response: web.StreamResponse) -> None:
    sec.add_security_headers(
        response, request.path, hsts=request.app[REVIEW].settings.secure_cookies
    )


# --------------------------------------------------------------------------- signing in and out


def _sign_in_form(request: web.Request, status: int = 200, **context: Any) -> web.Response:
    review = _review(request)
    token = secrets.token_urlsafe(32)
    response = render(request, "sign_in.html", status, signin_token=token, **context)
    sec.set_cookie(response, review.signin_cookie, token, review.settings.secure_cookies)
    return response


async def sign_in_page(request: web.Request) -> web.StreamResponse:
    if _staff(request) is not None:
        return redirect("/queue")
    return _sign_in_form(
        request,
        why=request.query.get("why", ""),
        next=sec.safe_next(request.query.get("next")),
        username="",
        error="",
    )


def _client(request: web.Request) -> str:
    """The address a rate limit counts against: the peer, or behind a trusted proxy the
    address it appended last to X-Forwarded-For (earlier entries are the client's to forge)."""
    return client_address(
        request.remote,
        request.headers.get("X-Forwarded-For"),
        _review(request).settings.trust_forwarded_for,
    )


async def sign_in(request: web.Request) -> web.StreamResponse:
    review = _review(request)
    form = await _form(request)
    username = form.get("username", "").strip()
    next_path = sec.safe_next(form.get("next"))
    if not review.sign_in_limit.allow(_client(request)):
        await audit(request, "sign_in", "rate_limited", detail="too many attempts from one client")
        response = _sign_in_form(
            request, 429, why="", next=next_path, username=username[:40], error="too_many"
        )
        response.headers["Retry-After"] = str(review.sign_in_limit.retry_after(_client(request)))
        return response
    result = await run(review.accounts.authenticate, username, form.get("password", ""))
    if result.outcome != "ok" or result.account is None:
        shown = username.lower() if _USERNAME_SHAPE.match(username) else "(not a username)"
        detail = f"as {shown}" + ("; account now locked" if result.locked_now else "")
        await audit(request, "sign_in", result.outcome, detail=detail)
        return _sign_in_form(
            request, 401, why="", next=next_path, username=username[:40], error="failed"
        )
    # The password was right: the second factor comes next; no session until it is given.
    token = await run(review.second_factors.begin, result.account, next_path)
    await audit(request, "sign_in", "password_ok", actor=result.account.username)
    response = redirect(CODE_PATH)
    sec.set_cookie(response, review.pending_cookie, token, review.settings.secure_cookies)
    sec.clear_cookie(response, review.signin_cookie, review.settings.secure_cookies)
    return response


async def _pending(request: web.Request) -> Pending | None:
    if PENDING not in request:
        review = _review(request)
        token = request.cookies.get(review.pending_cookie)
        request[PENDING] = await run(review.second_factors.pending, token) if token else None
    return request[PENDING]


async def _code_form(
    request: web.Request, pending: Pending, status: int = 200, error: str = "", tries_left: int = 0
) -> web.Response:
    review = _review(request)
    account = await run(review.accounts.by_id, pending.account_id)
    enrolment = None
    if pending.enrolling and account is not None:
        enrolment = await run(review.second_factors.enrolment, pending, account)
    return render(
        request,
        "code.html",
        status,
        code_csrf=pending.csrf_token,
        enrolment=enrolment,
        error=error,
        tries_left=tries_left,
    )


async def code_page(request: web.Request) -> web.StreamResponse:
    if _staff(request) is not None:
        return redirect("/queue")
    pending = await _pending(request)
    if pending is None:
        return redirect("/sign-in?why=code_expired")
    return await _code_form(request, pending)


async def code(request: web.Request) -> web.StreamResponse:
    review = _review(request)
    pending = await _pending(request)
    if pending is None:
        return redirect("/sign-in?why=code_expired")
    if not review.sign_in_limit.allow(_client(request)):
        await audit(request, "second_factor", "rate_limited", detail="too many attempts")
        return await _code_form(request, pending, 429, error="too_many")
    form = await _form(request)
    check = await run(review.second_factors.check, pending, form.get("code", ""))
    account = await run(review.accounts.by_id, pending.account_id)
    who = account.username if account else ANONYMOUS
    if check.outcome == "expired" or account is None:
        await audit(request, "second_factor", "expired", actor=who)
        response = redirect("/sign-in?why=code_expired")
        sec.clear_cookie(response, review.pending_cookie, review.settings.secure_cookies)
        return response
    if check.outcome != "ok":
        locked = await run(review.accounts.record_failure, pending.account_id)
        await audit(
            request,
            "second_factor",
            "wrong_code",
            actor=who,
            detail="account now locked" if locked else "",
        )
        if locked or check.tries_left <= 0:
            await run(review.second_factors.cancel, pending.token_hash)
            response = redirect("/sign-in?why=code_expired")
            sec.clear_cookie(response, review.pending_cookie, review.settings.secure_cookies)
            return response
        return await _code_form(request, pending, 401, error="wrong", tries_left=check.tries_left)
    if account.disabled or account.locked():
        await audit(request, "second_factor", "refused", actor=who)
        return redirect("/sign-in?why=code_expired")
    token, session = await run(review.sessions.start, account)
    if check.recovery_codes:
        outcome, detail = "enrolled", f"{len(check.recovery_codes)} recovery codes issued"
    elif check.used_recovery_code:
        left = await run(review.second_factors.recovery_codes_left, account.id)
        outcome, detail = "recovery_code", f"{left} recovery codes left"
    else:
        outcome, detail = "ok", ""
    await audit(request, "second_factor", outcome, actor=who, detail=detail)
    await audit(request, "sign_in", "ok", actor=who)
    if check.recovery_codes:
        request[STAFF] = session
        response: web.StreamResponse = render(
            request, "recovery_codes.html", codes=check.recovery_codes, next=check.next_path
        )
    else:
        response = redirect(check.next_path)
    sec.set_cookie(response, review.session_cookie, token, review.settings.secure_cookies)
    sec.clear_cookie(response, review.pending_cookie, review.settings.secure_cookies)
    return response


@staff_only()
async def sign_out(request: web.Request) -> web.StreamResponse:
    review = _review(request)
    staff = _staff(request)
    if staff is not None:
        await run(review.sessions.end, staff.token_hash)
        await audit(request, "sign_out", "ok")
    response = redirect("/sign-in?why=signed_out")
    sec.clear_cookie(response, review.session_cookie, review.settings.secure_cookies)
    return response


# --------------------------------------------------------------------------- the queue


async def home(request: web.Request) -> web.StreamResponse:
    return redirect("/queue")


async def favicon(request: web.Request) -> web.StreamResponse:
    return web.Response(status=204)


@staff_only()
async def queue(request: web.Request) -> web.StreamResponse:
    review = _review(request)
    query = request.query
    wanted = query.get("status", "")
    known = {s.id for s in review.workflow.statuses} | {cases.PROBLEMS}
    status_filter = wanted if wanted in known else ""
    page_text = query.get("page", "1")
    page = int(page_text) if page_text.isdigit() else 1
    # New arrivals not signed by the assistant are flagged before anyone opens them.
    for forged in await run(
        flag_unsigned_arrivals, review.url, review.key, review.assistant_cert, review.statuses
    ):
        await audit(request, "arrival_refused", "not_from_assistant", reference=forged)
    sort = query.get("sort", "received")
    view = cases.QueueView(
        status_filter=status_filter,
        area=query.get("area", "")[:40],
        age=query.get("age", "") if query.get("age", "") in AGE_ORDER else "",
        flag="imminent_risk" if query.get("flag") == "imminent_risk" else "",
        sort=sort if sort in cases.SORTS else "received",
        descending=query.get("dir", "desc") != "asc",
        page=page,
    )
    facts = review.facts.get if review.facts is not None else None
    result = await run(cases.queue_page, review.url, review.workflow, facts=facts, view=view)
    await audit(
        request,
        "view_queue",
        "ok",
        detail=f"status={status_filter or 'all'} page={result.page} sort={view.sort}"
        + (" filtered" if view.area or view.age or view.flag else ""),
    )
    return render(request, "queue.html", queue=result, words=review.queue_words)


# --------------------------------------------------------------------------- one referral


async def _case_page(
    request: web.Request, reference: str, status: int = 200, **context: Any
) -> web.Response:
    """Open, lay out and show one referral, with its status, notes and history."""
    review = _review(request)
    try:
        received_at = await run(cases.queued_at, review.url, reference)
    except cases.CaseNotFound:
        await audit(request, VIEW, "not_found", reference=reference)
        return render(request, "problem.html", 404, problem="no_referral", reference=reference)
    state = await run(review.statuses.state, reference)
    opened, open_problem = None, ""
    try:
        opened = await run(
            cases.open_referral,
            review.url,
            review.key,
            review.form,
            reference,
            review.assistant_cert,
        )
    except cases.CannotOpen as exc:
        open_problem = exc.reason
    # Back on the page after an action (a redirect with done= or problem=): not an opening.
    again = request.method == "POST" or bool(
        request.query.get("done") or request.query.get("problem")
    )
    action = VIEW_AGAIN if again else VIEW
    if open_problem:
        await run(review.statuses.mark_problem, reference, CANNOT_OPEN)
        await audit(request, action, "failed", reference=reference, detail=open_problem)
    else:
        if state.problem == CANNOT_OPEN:
            await run(review.statuses.mark_problem, reference, None)
        await audit(request, action, "ok", reference=reference)
    state = await run(review.statuses.state, reference)
    notes = await run(review.notes.for_reference, review.key.private_key, reference)
    changes = await run(review.audit.for_reference, reference, HISTORY_ACTIONS)
    messages = await run(_messages_by_entry, review, reference, changes)
    last_views = await run(review.audit.for_reference, reference, (VIEW,), 1)
    view_count = await run(review.audit.count, reference, VIEW)
    defaults: dict[str, Any] = {
        "done": request.query.get("done", ""),
        "told": request.query.get("told", ""),
        "problem": request.query.get("problem", ""),
        "note_text": "",
        "note_error": "",
        "message_text": "",
        "message_error": "",
        "named": [],
    }
    defaults.update(context)
    return render(
        request,
        "case.html",
        status,
        reference=reference,
        received_at=received_at,
        state=state,
        current=_status_or_none(review.workflow, state.status),
        moves=review.workflow.moves_from(state.status),
        referral=opened,
        open_problem=open_problem,
        notes=notes,
        last_view=last_views[0] if last_views else None,
        view_count=view_count,
        changes=changes,
        messages=messages,
        message_limit=MESSAGE_LIMIT,
        **defaults,
    )


def _messages_by_entry(review: Review, reference: str, changes: list[Any]) -> dict[int, str]:
    """What each "message sent" in the history said: the audit keeps only its length, the
    message itself is in the updates queue (sealed with the updates key this app holds).
    Both are newest first; the n-th sent message is the n-th message update."""
    sent = [e for e in changes if e.action == "send_message" and e.outcome == "ok"]
    if not sent:
        return {}
    texts = messages_for(review.url, review.updates_key, reference)
    return {entry.id: text for entry, text in zip(sent, texts, strict=False)}


def _status_or_none(workflow: Workflow, status_id: str) -> Any:
    try:
        return workflow.status(status_id)
    except KeyError:
        return None


@staff_only()
async def case(request: web.Request) -> web.StreamResponse:
    return await _case_page(request, request.match_info["reference"])


async def _case_exists(request: web.Request, reference: str) -> bool:
    try:
        await run(cases.queued_at, _review(request).url, reference)
    except cases.CaseNotFound:
        return False
    return True


@staff_only()
async def change_status(request: web.Request) -> web.StreamResponse:
    review = _review(request)
    reference = request.match_info["reference"]
    form = await _form(request)
    if not await _case_exists(request, reference):
        return render(request, "problem.html", 404, problem="no_referral", reference=reference)
    expected, wanted = form.get("from_status", ""), form.get("to_status", "")
    if not wanted:
        return await _case_page(request, reference, 400, problem="choose_status")
    move = f"{expected} -> {wanted}"
    try:
        target = await run(review.statuses.change, reference, expected, wanted, _actor(request))
    except TransitionRefused:
        await audit(request, "set_status", "refused", reference=reference, detail=move)
        return redirect(f"/referrals/{reference}?problem=move_not_allowed")
    except StatusChanged as exc:
        await audit(
            request,
            "set_status",
            "conflict",
            reference=reference,
            detail=f"{move}; now {exc.current}",
        )
        return redirect(f"/referrals/{reference}?problem=status_changed")
    await audit(request, "set_status", "ok", reference=reference, detail=move)
    told = "not_asked"
    if form.get("tell_referrer") == "yes":
        try:
            await run(
                post_update,
                review.url,
                review.updates_key,
                reference,
                "status",
                status=target.referrer_label,
                detail=target.referrer_text,
            )
            told = "yes"
        except UnknownReference:
            told = "no_route"
        await audit(
            request,
            "status_update_sent",
            "ok" if told == "yes" else "no_route",
            reference=reference,
            detail=target.id,
        )
    return redirect(f"/referrals/{reference}?" + urlencode({"done": "status", "told": told}))


@staff_only()
async def add_note(request: web.Request) -> web.StreamResponse:
    review = _review(request)
    reference = request.match_info["reference"]
    form = await _form(request)
    if not await _case_exists(request, reference):
        return render(request, "problem.html", 404, problem="no_referral", reference=reference)
    text = form.get("note", "")
    try:
        note_id = await run(
            review.notes.add, review.key.public_key, reference, _actor(request), text
        )
    except NoteError as exc:
        return await _case_page(request, reference, 400, note_text=text, note_error=str(exc))
    await audit(
        request,
        "add_note",
        "ok",
        reference=reference,
        detail=f"note {note_id[:8]}, {len(text.strip())} characters",
    )
    return redirect(f"/referrals/{reference}?done=note#notes")


@staff_only()
async def send_message(request: web.Request) -> web.StreamResponse:
    review = _review(request)
    reference = request.match_info["reference"]
    form = await _form(request)
    if not await _case_exists(request, reference):
        return render(request, "problem.html", 404, problem="no_referral", reference=reference)
    text = form.get("message", "").replace("\r\n", "\n").strip()
    if not text:
        return await _case_page(request, reference, 400, message_error="empty")
    if len(text) > MESSAGE_LIMIT:
        return await _case_page(
            request, reference, 400, message_text=text, message_error="too_long"
        )
    confirmed = form.get("confirm_names") == "yes"
    named = await _names_in_message(request, reference, text)
    if named and not confirmed:
        await audit(
            request,
            "send_message",
            "names_warning",
            reference=reference,
            detail=f"{len(named)} name(s) of the referral in the message; not sent",
        )
        return await _case_page(
            request, reference, 409, message_text=text, message_error="names", named=named
        )
    try:
        await run(post_update, review.url, review.updates_key, reference, "message", message=text)
    except UnknownReference:
        await audit(request, "send_message", "no_route", reference=reference)
        return await _case_page(
            request, reference, 409, message_text=text, message_error="no_route"
        )
    note = "; sent after a names warning" if named else ""
    await audit(
        request, "send_message", "ok", reference=reference, detail=f"{len(text)} characters{note}"
    )
    return redirect(f"/referrals/{reference}?done=message#message")


async def _names_in_message(request: web.Request, reference: str, text: str) -> list[str]:
    """The referral's names (person, family) that the message would carry into the chat."""
    review = _review(request)
    try:
        opened = await run(
            cases.open_referral,
            review.url,
            review.key,
            review.form,
            reference,
            review.assistant_cert,
        )
    except (cases.CannotOpen, cases.CaseNotFound):
        return []
    return names_in(text, referral_names(opened))


# --------------------------------------------------------------------------- admin


async def _accounts_page(request: web.Request, status: int = 200, **context: Any) -> web.Response:
    review = _review(request)
    accounts = await run(review.accounts.list)
    defaults: dict[str, Any] = {
        "done": request.query.get("done", ""),
        "who": request.query.get("who", ""),
        "problem": request.query.get("problem", ""),
        "error": "",
        "entered": {},
    }
    defaults.update(context)
    return render(request, "accounts.html", status, accounts=accounts, roles=ROLES, **defaults)


@staff_only(ADMIN)
async def accounts_page(request: web.Request) -> web.StreamResponse:
    await audit(request, "view_accounts", "ok")
    return await _accounts_page(request)


@staff_only(ADMIN)
async def create_account(request: web.Request) -> web.StreamResponse:
    review = _review(request)
    form = await _form(request)
    entered = {k: form.get(k, "") for k in ("username", "display_name", "role")}
    try:
        account = await run(
            review.accounts.create,
            form.get("username", ""),
            form.get("password", ""),
            form.get("role", ""),
            form.get("display_name", ""),
        )
    except AccountError as exc:
        await audit(request, "account_created", "refused", detail=str(exc)[:120])
        return await _accounts_page(request, 400, error=str(exc), entered=entered)
    await audit(request, "account_created", "ok", detail=f"{account.username} ({account.role})")
    return redirect("/admin/accounts?" + urlencode({"done": "created", "who": account.username}))


@staff_only(ADMIN)
async def set_account_disabled(request: web.Request) -> web.StreamResponse:
    review = _review(request)
    username = request.match_info["username"]
    disable = request.match_info["change"] == "disable"
    staff = _staff(request)
    if staff is not None and disable and username == staff.account.username:
        return redirect("/admin/accounts?problem=self")
    try:
        account = await run(review.accounts.set_disabled, username, disable)
    except AccountError:
        return redirect("/admin/accounts?problem=unknown")
    if disable:
        await run(review.sessions.end_all_for, account.id)
    action = "account_disabled" if disable else "account_enabled"
    await audit(request, action, "ok", detail=account.username)
    done = "disabled" if disable else "enabled"
    return redirect("/admin/accounts?" + urlencode({"done": done, "who": account.username}))


@staff_only(ADMIN)
async def audit_page(request: web.Request) -> web.StreamResponse:
    review = _review(request)
    reference = request.query.get("reference", "").strip()[:40]
    if reference:
        entries = await run(review.audit.for_reference, reference, None, 500)
    else:
        entries = await run(review.audit.recent, 200)
    check = await run(review.audit.verify)
    await audit(request, "view_audit", "ok", reference=reference or None)
    return render(request, "audit.html", entries=entries, check=check, reference=reference)


# --------------------------------------------------------------------------- the app


def _templates(settings: ReviewSettings) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(HERE / "templates")),
        autoescape=True,  # every value is escaped; nothing is marked safe
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["when"] = _when
    env.filters["waited"] = _waited
    env.globals["queue_query"] = _queue_query
    env.globals["idle_minutes"] = round(settings.idle_timeout.total_seconds() / 60)
    env.globals["absolute_hours"] = round(settings.absolute_timeout.total_seconds() / 3600, 1)
    return env


def _assistant_certificate(path: Path | None) -> x509.Certificate:
    """The certificate the assistant signs referrals with (`InboxKeyError` if unusable)."""
    if path is None:
        raise InboxKeyError(
            "PREVENT_REVIEW_ASSISTANT_CERT_FILE is not set: the assistant's signing certificate "
            "(its PREVENT_SIGNING_CERT; var/keys/assistant-signing.crt.pem for a local run) is "
            "needed to tell its referrals from anything else written into the outbox"
        )
    try:
        return x509.load_pem_x509_certificate(path.read_bytes())
    except (OSError, ValueError) as exc:
        raise InboxKeyError(
            f"PREVENT_REVIEW_ASSISTANT_CERT_FILE: cannot read a PEM certificate from {path} "
            f"({type(exc).__name__})"
        ) from None


def create_app(settings: ReviewSettings, *, inbox_key: InboxKey | None = None) -> web.Application:
    """The review app. Loads and checks the inbox key and the assistant's signing certificate
    first (`InboxKeyError` if unusable)."""
    key = inbox_key or InboxKey.load(settings.cert_file, settings.key_file, settings.key_passphrase)
    assistant_cert = _assistant_certificate(settings.assistant_cert_file)
    make_sqlite_folder(settings.database_url)
    workflow = load_workflow(settings.workflow_file, settings.sources_file)
    review = Review(
        settings=settings,
        key=key,
        workflow=workflow,
        form=load_form(settings.form_file),
        accounts=Accounts(
            settings.database_url,
            settings.scrypt_log2_n,
            settings.max_hashing,
            app_key=settings.app_key,
        ),
        sessions=SessionStore(
            settings.database_url,
            settings.idle_timeout,
            settings.absolute_timeout,
            app_key=settings.app_key,
        ),
        audit=AuditLog.from_settings(settings),
        statuses=ReviewStatuses(settings.database_url, workflow),
        notes=Notes(settings.database_url),
        updates_key=settings.updates_key,
        assistant_cert=assistant_cert,
        templates=_templates(settings),
        session_cookie=sec.cookie_name("prevent-review", settings.secure_cookies),
        signin_cookie=sec.cookie_name("prevent-review-signin", settings.secure_cookies),
        second_factors=SecondFactors(settings.database_url, settings.app_key),
        pending_cookie=sec.cookie_name("prevent-review-2fa", settings.secure_cookies),
        sign_in_limit=RateLimiter(*settings.sign_in_rate),
        queue_words=load_words(settings.workflow_file.with_name("queue.yml")),
    )
    for name in review.accounts.unsigned():
        log.warning(UNSIGNED_HELP.format(name=name))
    words = review.queue_words
    review = dataclasses.replace(
        review,
        facts=FactsCache(
            functools.partial(
                cases.queue_facts, settings.database_url, key, words, assistant=assistant_cert
            )
        ),
    )
    app = web.Application(
        middlewares=[problems_middleware, session_middleware, csrf_middleware],
        client_max_size=256 * 1024,
    )
    app[REVIEW] = review
    app.on_response_prepare.append(_security_headers)
    add = app.router
    add.add_get("/", home)
    add.add_get("/favicon.ico", favicon)
    add.add_get("/sign-in", sign_in_page)
    add.add_post("/sign-in", sign_in)
    add.add_get(CODE_PATH, code_page)
    add.add_post(CODE_PATH, code)
    add.add_post("/sign-out", sign_out)
    add.add_get("/queue", queue)
    add.add_get(f"/referrals/{REFERENCE}", case)
    add.add_post(f"/referrals/{REFERENCE}/status", change_status)
    add.add_post(f"/referrals/{REFERENCE}/notes", add_note)
    add.add_post(f"/referrals/{REFERENCE}/messages", send_message)
    add.add_get("/admin/accounts", accounts_page)
    add.add_post("/admin/accounts", create_account)
    add.add_post(
        "/admin/accounts/{username:[a-z0-9._-]{1,40}}/{change:disable|enable}",
        set_account_disabled,
    )
    add.add_get("/admin/audit", audit_page)
    add.add_static("/static", HERE / "static", show_index=False, follow_symlinks=False)
    return app
