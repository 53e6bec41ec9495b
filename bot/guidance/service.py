"""Answers a practitioner's question from the guidance base: a cited answer, or "not sure"."""

from __future__ import annotations

import functools
from dataclasses import dataclass

from bot.guidance.loader import get_guidance
from bot.guidance.model import Area, GuidanceBase, Topic
from bot.guidance.retrieval import GuidanceIndex, SearchResult


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
        result = self.index.search(question)
        if result.confident and result.best:
            return self._answer(result.best.topic)
        return self.not_sure(result, area_id)

    def topic_answer(self, topic_id: str) -> GuidanceAnswer:
        return self._answer(self.base.topics[topic_id])

    def search(self, question: str) -> SearchResult:
        return self.index.search(question)

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


@functools.lru_cache(maxsize=1)
def get_service() -> GuidanceService:
    """The process-wide guidance service (loads and indexes `guidance/` once)."""
    from bot.config import get_config

    config = get_config()
    return GuidanceService(get_guidance(config.guidance_dir), config.guidance_confidence_floor)
