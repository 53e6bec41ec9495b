"""Whether a message asks to draft a referral now ("I have to refer a service user to
Prevent", "the DSL agreed I should complete the VTR").

Why: the intent model learned openers from DSLs; a social worker, a nurse or a college
officer saying the same thing went to the triage ("should I refer?") or to a guidance
answer. A clear statement that the speaker needs or has agreed to make, complete or send a
referral starts the draft, whoever says it; a question about whether or how to refer does
not (that is the triage's, or the guidance's). Plain Python: the NLU adapter is
`bot.rasa_ext.referral_router`.
"""

from __future__ import annotations

import re

#: What is drafted: a referral (to Prevent), the VTR, the form.
_THING = (
    r"(?:(?:prevent|vtr|channel)\s+)?(?:referral|refferal|referal)(?:\s+form)?|vtr(?:\s+form)?|"
    r"(?:the\s+)?vulnerable to radicali[sz]ation(?:\s+(?:referral|form))?|prevent\s+form"
)
#: The speaker needs, has agreed or has been asked to do it.
_MUST = (
    r"(?:need|needs|have|has|got|want|wants|would like|'d like|am going|'m going|going|"
    r"agreed|decided|been asked|was asked|were asked|asked me|wants me|must|should|ought|"
    r"'ve to|have to|has to|help me|can you help me|could you help me|please help me|let'?s)"
)
_DO = (
    r"(?:make|do|complete|fill(?:\s+(?:in|out))?|submit|send(?:\s+off)?|write(?:\s+up)?|"
    r"start|draft|raise|put in|get|prepare|file|create)"
)
_DRAFT_REQUEST = re.compile(
    rf"\b{_MUST}\b(?:\s+\w+){{0,3}}?\s+(?:to\s+)?{_DO}\b(?:\s+\w+){{0,3}}?\s+(?:{_THING})\b"
    rf"|^\s*(?:(?:i|we)\s+)?(?:need|have|got)\s+to\s+{_DO}\s+(?:a|an|the)?\s*(?:{_THING})\b"
    rf"|\b{_MUST}\b(?:\s+\w+){{0,2}}?\s+to\s+refer\s+(?:\w+\s+){{1,4}}?to\s+prevent\b",
    re.I,
)
#: "I need to refer a pupil", "we have to refer one of our students": a person, not a thing.
_PERSON = (
    r"(?:(?:a|an|the|my|our|this|that|one|two)\s+)?(?:(?:of\s+)?(?:my|our|the)\s+)?"
    r"(?:(?:year\s*\d{1,2}|y\d{1,2}|\d{1,2}[- ]?(?:year|yr)s?[- ]?old|young|older|"
    r"sixth[- ]form(?:er)?|vulnerable|female|male)\s+)*"
    r"(?:pupil|student|learner|boy|girl|child|kid|young (?:person|man|woman)|man|woman|"
    r"service user|client|patient|resident|tenant|teenager|lad|apprentice|trainee|person|"
    r"adult|son|daughter|nephew|niece|neighbour|colleague|member of staff)s?\b"
)
_REFER_PERSON = re.compile(rf"\b{_MUST}\b(?:\s+\w+){{0,2}}?\s+to\s+refer\s+{_PERSON}", re.I)
#: "I need to refer Aled Pritchard": "refer" then a name in capitals (case matters here).
_REFER_NAME = re.compile(
    rf"(?i:\b{_MUST}\b(?:\s+\w+){{0,2}}?\s+to\s+refer\s+)"
    r"(?!(?:I|It|This|That|The|A|An|Him|Her|Them|Back|On|To)\b)[A-Z][a-z'’-]+"
)
#: A question, or a hedge: whether to refer is still open, so the triage (or guidance) answers.
_OPEN = re.compile(
    r"^\s*(?:should|shall|do|does|did|is|are|can i|could i|would|how|what|where|when|why|"
    r"who|which)\b"
    r"|\b(?:should (?:i|we) (?:refer|report|make)|do (?:i|we) (?:need|have) to|not sure|unsure|"
    r"wondering|whether|if (?:i|we) (?:should|need)|i think|might|maybe|perhaps|"
    r"is (?:this|it|that) enough)\b",
    re.I,
)


def asks_to_draft(text: str) -> bool:
    """True when the message says the speaker needs (or agreed) to make a referral now."""
    t = re.sub(r"\s+", " ", (text or "").replace("\u2019", "'")).strip()
    if not t:
        return False
    sentences = re.split(r"(?<=[.!?])\s+", t)
    if len(t) > 400:
        # a long message asks to draft when it opens with the request ("I need to refer a
        # pupil. He has been ..."); one that mentions a referral later is about something else
        sentences = sentences[:1] if len(sentences[0]) <= 400 else []
    requests = [
        s
        for s in sentences
        if _DRAFT_REQUEST.search(s) or _REFER_PERSON.search(s) or _REFER_NAME.search(s)
    ]
    return any(
        not _OPEN.search(s) or (_HELP_ME.match(s) and not _WHETHER.search(s)) for s in requests
    )


#: "Can you help me fill in the VTR form?" is a request, though it is shaped as a question.
_HELP_ME = re.compile(r"^\s*(?:can|could|would|will) you (?:please )?help me\b", re.I)
_WHETHER = re.compile(r"\b(?:whether|if|decide|work out|figure out|think about)\b", re.I)
