"""Answers a practitioner's question from the guidance base: a cited answer, or "not sure"."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from bot.guidance.areas import named_area, without_places
from bot.guidance.loader import get_guidance
from bot.guidance.model import Area, GuidanceBase, Topic
from bot.guidance.retrieval import GuidanceIndex, SearchResult
from bot.guidance.routing import route
from bot.guidance.scope import OffTopic

#: How much the question clauses count next to the whole message (which holds them too):
#: 0.4 gave the best top-1 and key facts on the development sets (0.3-0.5 within a point).
FOCUS_WEIGHT = 0.4
#: Topics this close to the best (as a share of its confidence) answer a question as well.
NEAR_TIE = 0.9


#: The signs of a radicalisation concern (`bot.triage` facts): a message naming one is never
#: declined as off topic. `other_safeguarding` (FGM, county lines, ...) is not among them.
_PREVENT_SIGNS = ("engagement", "intent", "capability", "ideology", "terrorism")


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
        describes_concern: it tells of a worry about a particular person
            (`bot.triage.describes_concern`, read once per message).
    """

    answer_first: bool
    offer_triage: bool
    result: SearchResult
    start_triage: bool = False
    describes_concern: bool = False


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
        self._off_topic = OffTopic(base)

    def declines(self, text: str, result: SearchResult | None = None) -> bool:
        """Off topic: about something else entirely ("write me a poem"), so the assistant
        declines kindly and says what it can help with (see `bot.guidance.scope`). `result`:
        the message's search when already made (the routing's)."""
        if not self._off_topic.outside_scope(text):
            return False
        from bot.triage.extract import mentioned_facts

        # "national action stickers on the school printer" (review2): a sign of concern is
        # never another subject, whatever else it names. Another safeguarding harm named
        # with no one at risk ("the mandatory reporting duty for FGM") is that harm's own
        # procedure, declined as subjects.yml `elsewhere` intends (issue 13, g21); that harm
        # told of a particular person ("her aunt is taking her abroad to be cut") stays.
        facts = mentioned_facts(text)
        if any(facts.get(sign) == "yes" for sign in _PREVENT_SIGNS):
            return False
        if facts.get("other_safeguarding") == "yes" and route(text).mentions_person:
            return False
        result = result or self.search(text)
        confidence = result.best.confidence if result.best else 0.0
        return self._off_topic.declines(text, result.confident, confidence)

    def answer(
        self,
        question: str,
        topic_id: str | None = None,
        area_id: str = "",
        known_area: str = "",
    ) -> GuidanceAnswer | NotSure:
        """Answer by explicit topic id (a button) or by retrieval over the question.

        A question about contacts or where referrals go is answered with the contacts of the
        area it names, else of `known_area` (named earlier in the conversation), else as the
        topic has it (`area_id` is only the "not sure" fallback's contact).
        """
        if topic_id and topic_id in self.base.topics:
            return self._answer(self.base.topics[topic_id])
        return self.answer_from(question, self.search(question), area_id, known_area)

    def answer_from(
        self, question: str, result: SearchResult, area_id: str = "", known_area: str = ""
    ) -> GuidanceAnswer | NotSure:
        """The answer for a search already made (the routing's), so a turn searches once."""
        local, result = self.local_topic(question, result, known_area)
        if local is not None:
            return self._answer(local)
        if result.confident and result.best:
            area = named_area(question, self.base) or known_area
            return self._answer(result.best.topic, self._set_area_contacts(result, area))
        return self.not_sure(result, area_id)

    def _set_area_contacts(self, result: SearchResult, area_id: str) -> str:
        """A SET area's contacts topic, offered first under a SET route ("we're a Southend
        school, where do referrals go?": the Essex Police inbox covers Southend)."""
        area = self.base.areas.get(area_id.lower()) if area_id else None
        best = result.best
        if area is None or not area.set_policy or best is None:
            return ""
        return area.topic if best.topic.id in self.base.area_topics_outside_set else ""

    def local_topic(
        self, question: str, result: SearchResult, known_area: str = ""
    ) -> tuple[Topic | None, SearchResult]:
        """(The area's contacts topic, when the question asks who to contact or where
        referrals go and the user's area is known (named now, or `known_area`); the search
        result to answer from otherwise).

        Why read a message that names a place without its place names too: "who's the
        Prevent lead for Birmingham?" finds the topic about Birmingham's Prevent work by its
        one rare word, and "I'm in Lewisham, what is Channel?" the Lewisham route; without
        the place, the first asks for a contact and the second what Channel is.
        """
        named = named_area(question, self.base)
        if named:
            rest = self.search(without_places(question, self.base))
            if rest.confident and rest.best:
                # The best topic, or one as good as it (within NEAR_TIE): "is the referral
                # process the same in Lewisham?" is when-to-refer and how-to-refer at once,
                # and the second is a route the area has its own of (issue 13, g21).
                for near in rest.ranked:
                    if near.confidence < NEAR_TIE * rest.best.confidence:
                        break
                    local = self.base.area_topic(near.topic.id, named)
                    if local is not None:
                        return local, result
                # Only the place name made it a contacts question: without the place, a
                # topic that is not about contacts answers it more surely ("who chairs the
                # Southend Channel panel?" keeps Southend's contacts).
                about_contacts = self.base.area_topics_any | self.base.area_topics_outside_set
                best = result.best
                if (
                    best is not None
                    and best.topic.id in about_contacts
                    and rest.best.topic.id not in about_contacts
                    and rest.best.confidence > best.confidence
                ):
                    return None, rest
        area = named or known_area
        if area and result.confident and result.best:
            return self.base.area_topic(result.best.topic.id, area), result
        return None, result

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
        concern = describes_concern(text)
        start_triage = not answer_first and (asked.asks_referral or concern)
        return Routing(
            answer_first, answer_first and asked.mentions_person, result, start_triage, concern
        )

    def not_sure(self, result: SearchResult, area_id: str = "") -> NotSure:
        suggestions = tuple(TopicLink(s.topic.id, s.topic.title) for s in result.ranked)
        return NotSure(suggestions, self.base.area(area_id), self.base.contacts_citation)

    def _answer(self, topic: Topic, first_related: str = "") -> GuidanceAnswer:
        ids = [first_related] if first_related in self.base.topics else []
        ids += [r for r in topic.related if r in self.base.topics and r not in ids]
        related = tuple(TopicLink(r, self.base.topics[r].title) for r in ids)
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
