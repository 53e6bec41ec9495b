"""Review statuses along the SET referral flowchart, read from `guidance/review/workflow.yml`.

received -> screening -> information gathering -> Channel panel / other support / no further
action (SET 2.5, SET 2.7). The statuses, the moves allowed between them, what staff see and
what the referrer is told all live in the YAML file, so the team can follow a change of policy
without a code change; this module checks the file and enforces the moves.

A status change is a compare-and-set: the page says which status it was looking at, and if
someone else moved the referral meanwhile the change is refused (`StatusChanged`) rather than
silently overwriting their decision.

Plain Python (no web framework), so it is tested directly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy.exc import IntegrityError

from bot.store.db import session_scope, utcnow
from bot.store.tables.review import ReviewStatusRow

#: Marks on a referral that needs attention whatever its status.
CANNOT_OPEN = "cannot_open"
_PLACEHOLDER = re.compile(r"[{}]")


class WorkflowError(ValueError):
    """`guidance/review/workflow.yml` is malformed; the message says where."""


class TransitionRefused(ValueError):
    """That move is not in the workflow (e.g. straight from received to a Channel panel)."""

    def __init__(self, current: str, wanted: str) -> None:
        super().__init__(f"{current} -> {wanted} is not an allowed move")
        self.current, self.wanted = current, wanted


class StatusChanged(RuntimeError):
    """Someone else changed the status since the page was loaded."""

    def __init__(self, current: str) -> None:
        super().__init__(f"the status is now {current}")
        self.current = current


@dataclass(frozen=True)
class Status:
    id: str
    label: str
    hint: str
    citations: tuple[str, ...]
    referrer_label: str
    referrer_text: str
    next: tuple[str, ...]
    outcome: bool = False


@dataclass(frozen=True)
class Workflow:
    initial: str
    statuses: tuple[Status, ...]

    def status(self, status_id: str) -> Status:
        for status in self.statuses:
            if status.id == status_id:
                return status
        raise KeyError(status_id)

    def label(self, status_id: str) -> str:
        try:
            return self.status(status_id).label
        except KeyError:
            return status_id  # a status retired from the file still reads as something

    def moves_from(self, status_id: str) -> list[Status]:
        """Where a referral in `status_id` may go next, in the file's order."""
        try:
            allowed = self.status(status_id).next
        except KeyError:
            return []
        return [s for s in self.statuses if s.id in allowed]

    def check_move(self, current: str, wanted: str) -> Status:
        if wanted not in {s.id for s in self.moves_from(current)}:
            raise TransitionRefused(current, wanted)
        return self.status(wanted)


# --------------------------------------------------------------------------- loading


def known_citations(sources_file: Path) -> set[str]:
    """The citation ids of `guidance/sources.yml`."""
    with sources_file.open(encoding="utf-8") as fh:
        return {str(item["id"]) for item in yaml.safe_load(fh)["sources"]}


def parse_workflow(data: dict[str, Any], citations: set[str] | None = None) -> Workflow:
    """Check and build the workflow; `WorkflowError` says what is wrong and where."""
    try:
        raw_statuses = data["statuses"]
        initial = str(data["initial"])
        statuses = tuple(
            Status(
                id=str(raw["id"]),
                label=str(raw["label"]).strip(),
                hint=" ".join(str(raw.get("hint", "")).split()),
                citations=tuple(raw.get("citations") or ()),
                referrer_label=str(raw["referrer_label"]).strip(),
                referrer_text=" ".join(str(raw["referrer_text"]).split()),
                next=tuple(raw.get("next") or ()),
                outcome=bool(raw.get("outcome", False)),
            )
            for raw in raw_statuses
        )
    except (KeyError, TypeError) as exc:
        raise WorkflowError(f"workflow file is missing {exc}") from None
    ids = [s.id for s in statuses]
    if len(set(ids)) != len(ids):
        raise WorkflowError("a status id is used twice")
    if initial not in ids:
        raise WorkflowError(f"initial status {initial!r} is not one of the statuses")
    for status in statuses:
        unknown = [n for n in status.next if n not in ids]
        if unknown:
            raise WorkflowError(f"status {status.id!r}: next names unknown {unknown}")
        if _PLACEHOLDER.search(status.referrer_text + status.referrer_label):
            raise WorkflowError(
                f"status {status.id!r}: the referrer wording may not have placeholders; it is "
                "the same for every referral so that no referral content can reach the chat"
            )
        if not status.citations:
            raise WorkflowError(f"status {status.id!r} cites nothing")
        if citations is not None:
            missing = [c for c in status.citations if c not in citations]
            if missing:
                raise WorkflowError(f"status {status.id!r}: unknown citations {missing}")
    reachable, todo = {initial}, [initial]
    by_id = {s.id: s for s in statuses}
    while todo:
        for nxt in by_id[todo.pop()].next:
            if nxt not in reachable:
                reachable.add(nxt)
                todo.append(nxt)
    stranded = [i for i in ids if i not in reachable]
    if stranded:
        raise WorkflowError(f"statuses {stranded} cannot be reached from {initial!r}")
    return Workflow(initial, statuses)


def load_workflow(path: Path, sources_file: Path | None = None) -> Workflow:
    with path.open(encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    citations = known_citations(sources_file) if sources_file else None
    return parse_workflow(data, citations)


# --------------------------------------------------------------------------- stored statuses


@dataclass(frozen=True)
class ReviewState:
    reference: str
    status: str
    updated_at: datetime | None
    updated_by: str
    problem: str | None


class ReviewStatuses:
    """Read and change the review status of referrals."""

    def __init__(self, url: str, workflow: Workflow) -> None:
        self._url = url
        self.workflow = workflow

    def state(self, reference: str) -> ReviewState:
        with session_scope(self._url) as session:
            row = session.get(ReviewStatusRow, reference)
            if row is None:
                return ReviewState(reference, self.workflow.initial, None, "", None)
            return ReviewState(reference, row.status, row.updated_at, row.updated_by, row.problem)

    def change(self, reference: str, expected: str, wanted: str, actor: str) -> Status:
        """Move a referral from `expected` to `wanted`.

        Raises:
            TransitionRefused: the workflow has no such move.
            StatusChanged: the referral is no longer in `expected`.
        """
        target = self.workflow.check_move(expected, wanted)
        now = utcnow()
        try:
            with session_scope(self._url) as session:
                row = session.get(ReviewStatusRow, reference)
                if row is None:
                    if expected != self.workflow.initial:
                        raise StatusChanged(self.workflow.initial)
                    session.add(
                        ReviewStatusRow(
                            reference=reference, status=wanted, updated_at=now, updated_by=actor
                        )
                    )
                    return target
                changed = (
                    session.query(ReviewStatusRow)
                    .filter(
                        ReviewStatusRow.reference == reference, ReviewStatusRow.status == expected
                    )
                    .update(
                        {"status": wanted, "updated_at": now, "updated_by": actor},
                        synchronize_session=False,
                    )
                )
                if not changed:
                    raise StatusChanged(row.status)
                return target
        except IntegrityError:  # someone else made the first row at the same moment
            raise StatusChanged(self.state(reference).status) from None

    def mark_problem(self, reference: str, problem: str | None) -> None:
        """Flag (or clear, with None) a problem such as `CANNOT_OPEN`; the status is kept."""
        for _attempt in range(2):
            try:
                with session_scope(self._url) as session:
                    row = session.get(ReviewStatusRow, reference)
                    if row is None:
                        if problem is None:
                            return
                        row = ReviewStatusRow(
                            reference=reference, status=self.workflow.initial, updated_by=""
                        )
                        session.add(row)
                    if row.problem != problem:
                        row.problem = problem
                        row.problem_at = utcnow() if problem else None
                return
            except IntegrityError:
                continue
