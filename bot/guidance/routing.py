"""Whether a message asks for information (answer it) or for a decision on a case (triage).

Why: practitioners often mention the person they are worried about while asking a plain
policy question ("what other signs of engagement should I look for?", "do I need a
24-year-old's permission, and what if she says no?"). Such a message must be answered
first; working through the case is then offered, not imposed. A worry stated without a
question, or a question about what to do with this person ("should I refer him?"), still
starts the triage.

Plain Python: the Rasa component (`bot.rasa_ext.guidance_router`) and the guidance action
only call `route()` / `question_focus()`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: Leading words that are acknowledgements or chatter, not the question ("ok, thanks. ...").
_CHATTER = re.compile(
    r"^\s*(?:(?:ok(?:ay)?|right|thanks?(?: you)?|cheers|great|cool|sure|fine|yes|yeah|no|"
    r"nope|hi|hello|hey|so|well|alright|understood|got it|noted|done|and|also|one more thing|"
    r"another question|quick question|sorry|perfect|lovely|brilliant)\b[\s,.!:;-]*)+",
    re.IGNORECASE,
)
#: The routes a concern can take, for "prevent referral or police?".
_ROUTE = (
    r"(?:(?:prevent|channel)(?: referral)?|referral|police|999|social care|early help|mash|"
    r"the anti-terrorist hotline|hotline)"
)
#: A clause that opens like a request for information.
_INFO_START = re.compile(
    r"^(?:what|what's|whats|how|why|when|where|who|whom|whose|which|"
    r"is there|are there|is it|is a|is an|is the|is channel|is prevent|are we|are they|"
    r"am i|do i|do we|do you|do they|does|did|can i|can we|can you|can they|can a|can an|can the|"
    r"could i|could we|could you|may i|will|would|have i|has|if i|if we|if they|if the|if a|"
    r"tell me|explain|define|describe|remind me|i'd like to know|i want to know|"
    r"i need to know|i wonder|wondering|any idea|any (?:advice|guidance|tips|help|info|"
    r"information|pointers|resources) (?:on|about|for|with|re)|(?:advice|guidance|tips) on|"
    r"please (?:explain|tell|describe|define|remind|clarify)|can i (?:get|have|ask))\b"
    # Which of two routes ("prevent referral or police?", "999 or a referral?"): a question
    # about the routes, answered from the guidance (issue 13, g20).
    rf"|^(?:(?:is it|is this|so)\s+)?(?:a\s+)?{_ROUTE}\s+or\s+(?:a\s+|the\s+)?{_ROUTE}\W*$"
    # A yes/no question about anyone or anything ("do his parents need to agree?", "can she
    # decide herself?", "could the referral stay on his record?"): "should I refer?" and
    # "is he radicalised?" are caught by _DECISION first.
    r"|^(?:do|does|did|can|could|will|would|may|might|must|should|shall|is|are|was|were|"
    r"has|have|had|isn't|aren't|doesn't|don't|won't|can't|wouldn't)\s+(?:his|her|their|the|"
    r"a|an|my|our|your|this|that|these|those|he|she|they|it|you|i|we|parents?|families|"
    r"family|schools?|staff|police|panel|channel|prevent|someone|anyone|everyone|everybody|"
    r"people|social|consent|referrals?|information|mum|dad|carers?|teachers?|colleges?)\b",
    re.IGNORECASE,
)
#: "do they need Prevent training?" asks about staff training, not whether a case needs
#: Prevent: "prevent" or "channel" followed by one of these words is not a referral.
_NOT_THE_CASE = (
    r"(?!\s+(?:training|trained|awareness|e-?learning|courses?|sessions?|workshops?|modules?|"
    r"duty|leads?|policy|policies)\b)"
)
#: A question about what to do with this particular case: that is the triage's job.
_DECISION = re.compile(
    r"\b(?:should (?:i|we) (?:refer|report|flag|escalate|be (?:worried|concerned)|tell|do|act|"
    r"make a referral|contact|call|raise|pass)|shall (?:i|we) (?:refer|report|do)|"
    r"what (?:should|shall|do|must|can) (?:i|we) do(?! if\b)|what now|what next|"
    r"(?:do|would|will) (?:i|we) (?:need|have) to (?:refer|report|flag|make a referral)|"
    r"(?:is|are) (?:this|it|that|he|she|they) (?:a |an |at |in )?(?:prevent|concern|"
    r"cause for concern|something|worrying|radicali[sz]|extrem|enough|serious|risk|threat|"
    r"danger|being radicali[sz]|being groomed)|"
    r"(?:does|do|would|will) (?:he|she|they|this|that|it|this (?:pupil|student|child|person|"
    r"case)|my (?:pupil|student|learner|client|patient)) (?:need|needs|require|warrant|merit)s? "
    r"(?:a |an |to be )?(?:prevent |channel )?(?:referr|report|flagg|escalat|"
    rf"prevent{_NOT_THE_CASE}|channel{_NOT_THE_CASE})|"
    r"does (?:this|that|it) (?:meet|sound|count|warrant)|"
    r"(?:am i|are we) (?:over ?reacting|overthinking|right to be)|"
    r"is (?:this|that|it) enough|"
    r"help me (?:decide|work out|think|with (?:a|this|my) (?:concern|case|worry))|"
    r"(?:think|talk|work) (?:it |this |that )?through|"
    r"(?:counts?|qualif(?:y|ies)|warrants?) (?:as|for) (?:a |an )?(?:prevent|referral|"
    r"channel|concern)|enough (?:for|to make) a referral|"
    r"\btriage\b|work (?:through|out) (?:what|whether|if|this|the|my) |"
    r"(?:do|shall|should|can) (?:i|we) (?:refer|report) (?:him|her|them|this|it|to)\b|"
    r"(?:need|have|ought) to do (?:something|anything)|"
    r"(?:go|talk|walk) (?:me |us )?through (?:it|this|that|the case|my concern)\b)",
    re.IGNORECASE,
)
#: Whether this person or case should be referred, asked passively or indirectly ("should he
#: be referred?", "does this need referring?", "is she someone who should be referred?",
#: "should I be raising this?", "is it worth referring him?"): the triage's question, even
#: with no sign of concern in the message. "How quickly should a referral be made?", "can he
#: be referred without consent?" and "who should be referred?" stay information.
_CASE = (
    r"(?:he|she|they|him|her|them|this|that|it|"
    r"(?:this|that|my|our|the) (?:\w+ ){0,2}?(?:pupil|student|child|boy|girl|lad|learner|person|"
    r"case|concern|young person|colleague|man|woman|client|patient|neighbour|one))"
)
_REFER = r"(?:referr|refer\b|report|flagg?|escalat|rais|pass(?:ed|ing)? (?:it |this |that )?on)"
_REFER_DECISION = re.compile(
    r"^(?:(?:do|would) you (?:think|say|reckon) |in your (?:view|opinion),? |honestly,? )?(?:"
    rf"(?:should|shall|must|ought|need) {_CASE} (?:to )?(?:\w+ )?(?:be|get) (?:\w+ )?{_REFER}|"
    rf"{_CASE} (?:should|ought to|must|needs? to) (?:\w+ )?(?:be|get) (?:\w+ )?{_REFER}|"
    rf"(?:is|are|would) {_CASE} (?:\w+ )?(?:someone|somebody|something|a (?:case|person|pupil|"
    rf"student|child|concern|matter)) (?:that |who |which )?(?:i |we |you )?"
    rf"(?:should|ought to|must|need to|would|to) (?:\w+ )?(?:be )?{_REFER}|"
    rf"(?:does|do|would|will) {_CASE} (?:\w+ )?(?:count|qualify|be enough|be) (?:as|for) "
    r"(?:a |an )?(?:prevent |channel )?(?:referral|concern|prevent|channel)|"
    rf"(?:should|shall) (?:i|we) be {_REFER}|"
    rf"(?:is (?:it|this|that) )?worth (?:a |an )?(?:prevent )?{_REFER}|"
    rf"(?:would|will|do|should) you {_REFER})",
    re.IGNORECASE,
)
#: The referral forms of _DECISION ("should I refer him?", "does he need a referral?").
_REFER_THIS = re.compile(
    r"\b(?:should|shall|do|can|would|will) (?:i|we) (?:need to |have to )?(?:refer|report|flag|"
    r"make a referral)\b|"
    r"(?:does|do|would|will) (?:he|she|they|this|that|it|this (?:pupil|student|child|person|"
    r"case)|my (?:pupil|student|learner|client|patient)) (?:need|needs|require|warrant|merit)s? "
    r"(?:a |an |to be )?(?:prevent |channel )?(?:referr|report|flagg|escalat|"
    rf"prevent{_NOT_THE_CASE}|channel{_NOT_THE_CASE})",
    re.IGNORECASE,
)
#: ... not inside a question asking who, where or how ("who do we refer them to?").
_WH = re.compile(r"^(?:what|what's|whats|who|whom|where|how|when|which|why)\b", re.IGNORECASE)
#: The message talks about a particular person (so working through the case may help).
_PEOPLE = (
    r"(?:pupils?|students?|kids?|child|boys?|girls?|lads?|sons?|daughters?|learners?|"
    r"teen(?:ager)?s?|young (?:man|woman|person)|tutees?|sixth[- ]formers?|apprentices?|"
    r"colleagues?|client|patient|service user|man|woman|adult|"
    r"\d+\s*(?:-?\s*years?[- ]olds?|yo))\b"
)
_PERSON = re.compile(
    r"\b(?:my|our|one of (?:my|our|the)|a|an|this|that|her|his|their)\s+(?:\w+\s+){0,3}?"
    + _PEOPLE
    + r"|\b(?:he|she|they)(?:'s| is| has| keeps| said| says)\b",
    re.IGNORECASE,
)
#: Inside a question, "a pupil" is anyone ("if we refer a pupil, ..."); "my pupil" or an age
#: is a particular person.
_PARTICULAR_PERSON = re.compile(
    r"\b(?:my|our|one of (?:my|our)|this|that|her|his|their)\s+(?:\w+\s+){0,3}?"
    + _PEOPLE
    + r"|\b\d{1,2}\s*-?\s*(?:years?|yrs?|yo)(?:[\s-]*olds?)?|\b(?:he|she)(?:'s| is| has)\b",
    re.IGNORECASE,
)
#: Who the question is about, kept with the question: consent differs for a child and an adult.
_AGE_CONTEXT = re.compile(
    r"\b(?:\d{1,2}\s*-?\s*(?:years?|yrs?|yo)(?:[\s-]*olds?)?|aged?\s+\d{1,2}|"
    r"year\s?\d{1,2}|adult|under[- ]18|over[- ]18|child|teenager|sixth[- ]former)\b",
    re.IGNORECASE,
)
#: A short question whose subject is a pronoun ("what is it?", "is that true?", "is that
#: the end of it?", "aren't they the same thing?").
_POINTS_BACK = re.compile(
    r"^\W*(?:\w+\s+){0,3}(?:it|that|this|they|them|those|these)\W*(?:\w+\W*){0,2}$", re.IGNORECASE
)
_PRONOUN = re.compile(r"\b(?:it|that|this|they|them|those|these)\b", re.IGNORECASE)
#: ... up to this many words.
_SHORT = 6
#: "... - what happens?" names no subject either: it asks about the clause before it.
_NO_SUBJECT = re.compile(
    r"^\W*(?:so\s+|and\s+)?what (?:happens|will happen|then|happens then|happens next)\W*$",
    re.IGNORECASE,
)
#: A short question that names only a route ("do I go to Prevent?", "is this a police
#: matter?", "is that a channel thing?") asks which route fits the clause before it: read
#: alone it is "what is Prevent?" (issue 13, g21).
_ROUTE_ONLY = re.compile(
    r"^\W*(?:so\s+)?(?:do|does|should|shall|can|could|would|is|are|will|it|this|that)\s+"
    r"(?:(?:i|we|you|this|that|it|they|he|she|still|just|really|then|even)\s+){0,2}"
    r"(?:go|goes|going|come|comes|fall|falls|count|counts|need|needs|be|a|an|the|for|to|"
    r"under|into|in|\s)*"
    rf"{_ROUTE}(?:\s+(?:thing|matter|issue|job|case|concern|one|referral|then|too|instead))?"
    r"\W*$",
    re.IGNORECASE,
)
_SENTENCE = re.compile(r"(?<=[.?!;:])\s+|\s+-\s+|\n+")
#: Not a decision on the case: asking who or where to report to ("who do I report it to?")
#: asks for the route; whether to tell the family first asks about the steps (SET 2.4).
_FAMILY = r"(?:family|families|parents?|mum|mother|dad|father|carers?|guardians?)"
_TELL_FAMILY = (
    r"(?:should|shall|do|must|can) (?:i|we) (?:\w+ )?(?:talk|speak|tell|inform|contact|ask|"
    r"approach|involve|let) (?:to |with )?(?:the |his |her |their |my |our )?(?:\w+ )?"
    + _FAMILY
    + r"\b"
)
#: How fast to refer asks about the timescale (SET 2.5, "without delay"), not whether to:
#: "how quickly do I need to refer if ...?" (issue 13, g20).
_HOW_SOON = (
    r"\bhow (?:fast|quickly|soon|urgently|long|much time)\b(?:\s+\w+){0,3}?\s+"
    r"(?:should|shall|do|must|can|would|have) (?:i|we) (?:\w+ )?(?:to )?"
    r"(?:refer|report|make a referral|send)\w*"
)
#: Who makes the referral, asked as a choice ("should I refer directly myself or go through
#: the DSL?", "should we report it ourselves or leave it to the lead?"): a question about
#: the route (SET 2.5: talk to the DSL first), not a decision on a case (issue 13, g22).
_WHO_REFERS = (
    r"\b(?:should|shall|can|could|do|must) (?:i|we) (?:\w+ ){0,2}?(?:refer|report|send)\w*"
    r"(?: (?:it|this|that))?(?: (?:in|on))?\s+"
    r"(?:(?:directly|myself|ourselves|straight|on (?:my|our) own|alone)\s+)+(?:[\w']+\s+){0,3}?or\b"
)
_NOT_A_DECISION_ALWAYS = (
    r"\b(?:who|whom|where)\b(?:\s+\w+){0,3}?\s+(?:should|shall|do|must|can|would) (?:i|we) "
    r"(?:\w+ )?(?:refer|report|send|pass|flag|escalate)\w*(?: (?:it|this|that|him|her|them))?"
    r"(?: on)? to\b|" + _HOW_SOON + "|" + _TELL_FAMILY
)
_NOT_A_DECISION = re.compile(_WHO_REFERS + "|" + _NOT_A_DECISION_ALWAYS, re.IGNORECASE)
#: The same, when the message carries case details of danger or terrorism: who refers is
#: then no longer a question about the route alone; the case is triaged (session 11 review).
_NOT_A_DECISION_IN_DANGER = re.compile(_NOT_A_DECISION_ALWAYS, re.IGNORECASE)
#: Case details of danger or terrorism (SET 2.4, Thurrock pack): a plan, a weapon, a near
#: time, a proscribed group, travel to join.
_CASE_DANGER = re.compile(
    r"\b(?:plan(?:s|ning|ned)? (?:to|an?|on)|plot\w*|going to (?:bomb|attack|kill|stab|shoot|"
    r"blow up|burn|hurt)|bomb(?:s|ing)?|explosives?|guns?|firearms?|knife|knives|machetes?|"
    r"weapons?|tonight|tomorrow|today|this (?:afternoon|evening|weekend|week)|next week|"
    r"right now|isis|daesh|al[- ]?qaeda|national action|the base|sonnenkrieg|atomwaffen|"
    r"hamas|hezbollah|proscribed|banned (?:group|organi[sz]ation)|"
    r"(?:travel\w*|fly(?:ing)?|flew|go(?:ing)?|went|leav\w+) (?:out )?(?:to|for) (?:syria|iraq|"
    r"afghanistan|somalia|yemen|join|fight)|syria)\b",
    re.IGNORECASE,
)
#: A question tacked on after a comma ("he's 16 and into bomb-making videos, where do I send
#: the form?"): the clause asks for information, and keeps its context for retrieval.
_TAIL_QUESTION = re.compile(
    r",\s+(?:where|what|how|who|when|why|which|is there|are there|do i|do we|can i|can we|"
    r"could i|could you|any (?:advice|guidance|tips))\b|,\s+" + _TELL_FAMILY,
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Route:
    """What a message asks for.

    Attributes:
        asks_information: a clause asks for information (not "should I refer?").
        asks_decision: a clause asks what to do about this case.
        mentions_person: the message is about a particular person.
        focus: the question clauses, chatter removed: what retrieval should read.
        asks_referral: a clause asks whether this person or case should be referred
            ("should he be referred?"): the triage's question.
    """

    asks_information: bool
    asks_decision: bool
    mentions_person: bool
    focus: str
    asks_referral: bool = False


def clauses(text: str) -> list[str]:
    """Sentences (and colon / dash separated parts) with leading chatter removed."""
    out = []
    for part in _SENTENCE.split(text.replace("\u2019", "'")):
        part = _CHATTER.sub("", part).strip(" ,;:-")
        if part:
            out.append(part)
    return out


def _asks_decision(clause: str, danger: bool = False) -> bool:
    clause = (_NOT_A_DECISION_IN_DANGER if danger else _NOT_A_DECISION).sub(" ", clause)
    return bool(_DECISION.search(clause) or _REFER_DECISION.match(clause))


def _is_info_clause(clause: str, danger: bool = False) -> bool:
    return bool(_INFO_START.match(clause)) and not _asks_decision(clause, danger)


def _split_and(clause: str) -> list[str]:
    """ "do I need her permission, and what if she says no?" holds two questions."""
    parts = re.split(
        r",?\s+(?:and|or|but|also)\s+(?=(?:what|how|why|when|where|who|which|"
        r"is|are|do|does|can|could|will|would|should)\b)",
        clause,
        flags=re.I,
    )
    return [p.strip() for p in parts if p.strip()]


def route(text: str) -> Route:
    """Classify a message's ask; see the module docstring for why."""
    info: list[str] = []
    decision = False
    previous = ""
    person = False
    referral = False
    previous_asks = False
    danger = bool(_CASE_DANGER.search(text))
    for clause in clauses(text):
        parts = _split_and(clause)
        for index, part in enumerate(parts):
            decides = _asks_decision(part, danger)
            asks = (
                _is_info_clause(part, danger) or bool(_TAIL_QUESTION.search(part))
            ) and not decides
            person |= bool((_PARTICULAR_PERSON if asks else _PERSON).search(part))
            if decides:
                decision = True
                referral |= bool(
                    _REFER_DECISION.match(part)
                    or (_REFER_THIS.search(part) and not _WH.match(part))
                )
            elif asks:
                # "... Channel in a meeting - what is it?": the pronoun needs the clause before.
                points_back = (
                    _POINTS_BACK.match(part)
                    or _NO_SUBJECT.match(part)
                    or (index == 0 and previous and _ROUTE_ONLY.match(part))
                    or (len(part.split()) <= _SHORT and _PRONOUN.search(part))
                    # "is terrorism defined in law, or is it just a word?": one question
                    # in two halves, the pronoun names the first half's subject.
                    or (
                        index > 0
                        and not previous_asks
                        and _PRONOUN.match(part.split(maxsplit=1)[-1])
                    )
                )
                info.append(f"{previous} {part}" if points_back else part)
            previous, previous_asks = part, asks
    focus = " ".join(info) if info else text
    if info:
        ages = [m.group(0) for m in _AGE_CONTEXT.finditer(text) if m.group(0) not in focus]
        focus = " ".join([focus, *ages[:2]])
    return Route(
        asks_information=bool(info),
        asks_decision=decision,
        mentions_person=person,
        focus=focus,
        asks_referral=referral,
    )


def question_focus(text: str) -> str:
    """The part of a message retrieval should read: its questions, without chatter."""
    return route(text).focus
