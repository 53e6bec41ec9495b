"""Answers a practitioner's question from the guidance base: a cited answer, or "not sure"."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from bot.guidance.loader import get_guidance
from bot.guidance.model import Area, GuidanceBase, Topic
from bot.guidance.retrieval import GuidanceIndex, SearchResult
from bot.guidance.routing import route

#: How much the question clauses count next to the whole message (which holds them too):
#: 0.4 gave the best top-1 and key facts on the development sets (0.3-0.5 within a point).
FOCUS_WEIGHT = 0.4


@dataclass(frozen=True)
class TopicLink:
    """A topic offered as a button: its id and the title shown."""

    id: str
    title: str


@dataclass(frozen=True)
class GuidanceAnswer:
    """A confident answer: the paraphrased policy text and where it comes from."""

    topic_id: str
    title: str
    answer: str
    dated: str
    citations: tuple[str, ...]
    citation_labels: tuple[str, ...]
    related: tuple[TopicLink, ...]


@dataclass(frozen=True)
class Routing:
    """Whether to answer a message from the guidance before anything else.

    Attributes:
        answer_first: it asks for information the guidance answers confidently, even if it
            also mentions a person or asks what to do (the answer comes first).
        offer_triage: it is about a particular person, so working through the case is
            offered after the answer.
        result: the retrieval result for the message.
        start_triage: not answered first, and it tells of a worry about someone or asks
            whether this person or case should be referred: the should-I-refer questions.
    """

    answer_first: bool
    offer_triage: bool
    result: SearchResult
    start_triage: bool = False


@dataclass(frozen=True)
class NotSure:
    """Below the confidence floor: the closest topics and who to ask instead."""

    suggestions: tuple[TopicLink, ...]
    area: Area
    citation: str


class GuidanceService:
    """The one entry point adapters use to answer guidance questions."""

    def __init__(self, base: GuidanceBase, floor: float) -> None:
        self.base = base
        self.index = GuidanceIndex(base, floor)

    def answer(
        self, question: str, topic_id: str | None = None, area_id: str = ""
    ) -> GuidanceAnswer | NotSure:
        """Answer by explicit topic id (a button) or by retrieval over the question."""
        if topic_id and topic_id in self.base.topics:
            return self._answer(self.base.topics[topic_id])
        return self.answer_from(self.search(question), area_id)

    def answer_from(self, result: SearchResult, area_id: str = "") -> GuidanceAnswer | NotSure:
        """The answer for a search already made (the routing's), so a turn searches once."""
        if result.confident and result.best:
            return self._answer(result.best.topic)
        return self.not_sure(result, area_id)

    def topic_answer(self, topic_id: str) -> GuidanceAnswer:
        return self._answer(self.base.topics[topic_id])

    def search(self, question: str) -> SearchResult:
        """Retrieval over the message's questions and over the whole message, together.

        Why: a long message puts its context first and the question last ("Student on
        Channel is moving to Kent next month - what happens to his case?"). The question
        alone is often generic ("what happens to his case?" fits after-referral as well), and
        the whole message alone lets the context outvote the question. Reading both, with
        the question also inside the whole, counts the question twice and the context once.
        """
        return self._search(question, route(question).focus)

    def _search(self, question: str, focus: str) -> SearchResult:
        if focus == question:
            return self.index.search(question)
        return self.index.search_parts([(focus, FOCUS_WEIGHT), (question, 1 - FOCUS_WEIGHT)])

    def routing(self, text: str) -> Routing:
        """Answer first when the message asks for information the guidance holds; start the
        triage when it does not and it describes a worry or asks "should he be referred?"."""
        from bot.triage import describes_concern

        asked = route(text)
        result = self._search(text, asked.focus)
        answer_first = asked.asks_information and result.confident
        start_triage = not answer_first and (asked.asks_referral or describes_concern(text))
        return Routing(answer_first, answer_first and asked.mentions_person, result, start_triage)

    def not_sure(self, result: SearchResult, area_id: str = "") -> NotSure:
        suggestions = tuple(TopicLink(s.topic.id, s.topic.title) for s in result.ranked)
        return NotSure(suggestions, self.base.area(area_id), self.base.contacts_citation)

    def _answer(self, topic: Topic) -> GuidanceAnswer:
        related = tuple(
            TopicLink(r, self.base.topics[r].title) for r in topic.related if r in self.base.topics
        )
        return GuidanceAnswer(
            topic_id=topic.id,
            title=topic.title,
            answer=topic.answer,
            dated=topic.dated,
            citations=topic.citations,
            citation_labels=tuple(self.base.cite(topic.citations)),
            related=related,
        )


def get_service() -> GuidanceService:
    """The guidance service of the process's settings (loads and indexes `guidance/` once
    per guidance folder and floor: a test with settings of its own gets its own)."""
    from bot.config import get_config

    config = get_config()
    return _service(config.guidance_dir, config.guidance_confidence_floor)


@functools.lru_cache(maxsize=4)
def _service(guidance_dir: Path, floor: float) -> GuidanceService:
    return GuidanceService(get_guidance(guidance_dir), floor)
