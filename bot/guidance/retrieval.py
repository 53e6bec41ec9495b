"""Lexical retrieval over the guidance topics (BM25), so unseen phrasings still find a section.

Two BM25 views are combined: the topic's example questions (how people ask) and the
topic's own words (title, keywords, answer: what the policy says). Scores are turned
into a confidence in [0, 1] that the caller compares with a floor: below it the
assistant says it is not sure and offers the closest topics, it never guesses.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from bot.guidance.bm25 import IndexedBM25
from bot.guidance.classifier import TopicClassifier
from bot.guidance.model import GuidanceBase, Topic

_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
#: Function words that carry no topic. Question words stay: "who" and "where" route.
_STOP = frozenset(
    """a an the and or but if of to in on at for from by with about as is are was were be been
    being am do does did doing have has had having i me my we our us you your he him his she
    her they them their it its this that these those there here so than then too very can
    could would should will shall may might must just also any some such into onto out up
    down over under again further once all both each few more most other own same not no nor
    only s t don't can't i'm it's that's what's there's pupil pupils student students
    someone somebody please thanks thank hi hello tell know need want go going think
    ok okay really after before only true saying say says thing things stuff other about
    whats plain english simple simply nutshell briefly basically quick question
    summary summarise summarize kind sort""".split()
)
#: "how does Channel work?" asks what Channel is; "work" is not the topic.
_HOW_IT_WORKS = re.compile(r"\b(how (?:does|do|will|would|did) .{1,40}?) work(?:s|ing)?\b")
#: "what do I do?" has one answer in the policy: talk to your DSL first (SET 2.5).
_WHAT_TO_DO = re.compile(
    r"\b(?:what (?:should|shall|do|must|can) (?:i|we) do|what now|what next|"
    r"(?:what's|what is|whats) (?:my|our|the) (?:first|next) step|where do (?:i|we) start)\b"
)
#: Ages and school years become the words the policy uses ("a 24-year-old" is an adult).
_AGE = re.compile(r"\b(?:aged?\s+(\d{1,2})|(\d{1,2})\s*-?\s*(?:years?|yrs?|yo)(?:[\s-]*olds?)?)\b")
_SCHOOL_YEAR = re.compile(r"\b(?:year|yr|y)\s?(\d{1,2})s?\b")
#: Danger that is denied ("no immediate danger", "nobody is at risk") is not about 999.
#: Also "nobody's in danger right now" (the time words go too: "now" leans to 999), "the
#: danger isn't immediate", and 999 denied ("not a 999 situation", "no need for 999").
#: Doubt is not denial: "not sure whether to call 999", "don't know if he's in danger" ask
#: about the emergency route, so the words after a doubt are never read as a denial.
_NOT_DOUBT = r"(?!\s+(?:sure|certain|know|knowing|clear|decide|able to say|if|whether)\b)"
_NEGATED_DANGER = re.compile(
    r"\b(?:no|not|nobody|no one|noone|isn't|is not|aren't|are not|without|never)"
    + _NOT_DOUBT
    + r"(?:'s|\s+is|\s+are)?\b"
    r"(?:\s+(?:in|at|an|any|a|is|are|seems?|to be|currently|right|now|of|obvious))*"
    r"\s+(?:immediate|imminent|urgent|emergency|danger|dangerous|risk of harm)"
    r"(?:\s+(?:danger|risk|threat|harm))?\b"
    r"(?:\s+(?:right now|now|at the moment|at present|currently|today))?|"
    r"\b(?:the )?(?:danger|risk|threat)\s+(?:isn't|is not|isnt|wasn't|was not|doesn't seem)"
    r"\s+(?:to be\s+)?(?:immediate|imminent|urgent)\b|"
    r"\b(?:not|no|don't|do not|doesn't|does not|isn't|is not|never|no need (?:for|to))"
    + _NOT_DOUBT
    + r"(?:\s+(?!(?:sure|certain|know|whether|if|decide|unsure|or)\b)[\w']+){0,4}?\s+999"
    r"(?:\s+(?:situation|thing|call|job|matter|case|emergency))?\b"
)
#: Questions asking for a number ("how many", "what percentage", "stats", "what % of")
#: want the figures.
_QUANTITY = re.compile(
    r"\b(?:how many|how much|how young|how common|what percentage|what proportion|"
    r"what share|where do most|stats|percentages?|national (?:numbers|figures|data)|"
    r"(?:numbers|figures) (?:for|on) (?:channel|prevent|referrals))\b|%"
)
#: "what is Prevent NOT?" asks for the list of what Prevent is not, not what it is.
_PREVENT_NOT = re.compile(r"\bprevent\s+(?:is\s+)?not\b|\bisn't\s+prevent\b(?=\s*(?:\?|$))")
#: "end up with a record" is about a criminal record, not about keeping records.
_A_RECORD = re.compile(
    r"\b(?:end up with|ends up with|get|gets|give (?:him|her|them|anyone)|have|has|leave \w+ with)"
    r" (?:a|any) (?:police )?record\b|\brecord for life\b|\bpolice record\b"
)
#: "does he have to take part?" asks whether Channel is voluntary.
_MUST_TAKE_PART = re.compile(
    r"\b(?:have|has|got) to (?:take part|attend|go|join|engage|accept)\b|"
    r"\b(?:compulsory|mandatory|obligatory|forced to|obliged to|made to)\b"
)
#: Asking for brevity says how to answer, not what about ("short version?", "in one line");
#: "signs off" is approval, not a sign of radicalisation.
_BREVITY = re.compile(
    r"\b(?:short version|in short|tl;?dr|in one line|one line|one-liner|in a sentence)\b|"
    r"\bsign(?:s|ed|ing)? (?:it |this |that )?off\b"
)
#: Lacking the secure systems ("we don't have egress or cjsm", "can't send through nhs.net")
#: asks what to do without secure email, not where the form goes.
_NO_SECURE = re.compile(
    r"\b(?:don't|do not|doesn't|does not|can't|cannot|can not|haven't|have not|hasn't|has not|"
    r"lacks?|no|not|without|"
    r"isn't|aren't|unable to)\b(?:\s+[\w.']+){0,5}?\s+(?:egress|cjsm|nhs\.?net|pnn|"
    r"secure (?:e-?mail|account|system))\b"
)
#: ... and the systems they lack are not what they ask about: the way round them is.
_SECURE_SYSTEM = re.compile(r"\b(?:egress|cjsm|nhs\.?net|pnn)\b")


#: "what kind of kid gets radicalised?", "a typical ...", "from their background" ask for a
#: profile of who is radicalised (there is none), not for what radicalisation is.
_PROFILE = re.compile(
    r"\b(?:what|which) (?:kind|kinds|type|types|sort|sorts) of (?:\w+ ){0,2}?(?:kids?|child|"
    r"children|pupils?|students?|people|person|young people|teenagers?|learners?|individuals?)\b|"
    r"\btypical (?:\w+ )?(?:kids?|child|pupils?|students?|person|people|extremists?|profile|"
    r"background)\b|\bmost likely to (?:be|get|become) radicali[sz]ed\b|"
    r"\b(?:tell|spot|know) who(?:'s| is) (?:at risk|vulnerable|likely)\b"
)
#: Someone moving home, area or school ("being rehoused in Kent", "off to university in
#: Leeds", "moving out of Essex") asks what happens to a case that moves area.
_MOVES = re.compile(
    r"\b(?:mov(?:e|es|ed|ing)|relocat\w*|rehous\w*|emigrat\w*)(?: (?:back|down|up|over))?\s+"
    r"(?:to|into|in|out of|away|abroad|house|home|areas?|count(?:y|ies)|schools?)\b|"
    r"\boff to (?:university|uni|college|live|stay)\b|\b(?:going|gone) to live\b"
)
#: "at what age can she decide?", "old enough to agree" ask about capacity to consent.
_WHAT_AGE = re.compile(r"\b(?:what|which) age\b|\bold enough to\b|\bhow old (?:do|does|must)\b")
#: "which agencies attend the panel?", "who sits on it?" ask who the panel's members are
#: (not whether the referrer attends); read only when a panel or meeting is mentioned.
_WHO_ATTENDS = re.compile(
    r"\b(?:which|what) (?:agencies|organisations|services|professionals|partners|people)\b|"
    r"\bwho (?:attends|sits|is on|are on|goes to|turns up|is there|comes)\b"
)
_PANEL = re.compile(r"\b(?:panel|meeting|meetings)\b")
#: ... where "attend" is theirs, not the referrer's ("do I attend?" stays).
_THEY_ATTEND = re.compile(r"(?<!\bi )(?<!\bwe )\battend(?:s|ing|ance)?\b")
#: Consequences later in life ("will this follow him around?", "his uni applications",
#: "job prospects") ask whether Channel leaves a record.
_FOLLOWS_THEM = re.compile(
    r"\bfollow (?:him|her|them|me|you) (?:around|about|for life|forever)\b|"
    r"\b(?:jobs?|uni|university|college|career|employment|dbs) (?:applications?|chances|"
    r"prospects|checks?)\b"
)
#: "go to my DSL before referring?" asks whether to talk to the DSL first.
_DSL_BEFORE = re.compile(
    r"\b(?:go|talk|speak|check|run (?:it|this)|ask) (?:to |with |past |by )?(?:my |our |the )?dsl\b"
    r"(?=.{0,60}\b(?:before|first)\b)"
)
#: Switching between causes week to week is a mixed, unclear or unstable ideology.
_MIXED = re.compile(
    r"\b(?:flip(?:s|ping)?|switch(?:es|ing)?|jump(?:s|ing)?|chop(?:s|ping)? and chang\w*|"
    r"bounc(?:es|ing)) between\b|\bpick(?:s|ing)? and mix\w*|\ba bit of everything\b|"
    # "mixes up bits of ...", "all over the place", "a mishmash of" (issue 13, g21)
    r"\bmix(?:es|ed|ing)? (?:up|together)\b|\ball over the place\b|"
    r"\ba (?:mix|mixture|mishmash|jumble|hotchpotch|hodgepodge) of\b|"
    r"\bpick(?:s|ing)? and choos\w*|\bcherry[- ]?pick\w*"
)
#: A role that meets people but is not a teaching or safeguarding one ("our caretaker",
#: "receptionists", "school governors", "dinner ladies"), asked about beside training, asks
#: how much training that role needs: the toolkit's tiered approach (issue 13, g21).
_ROLE = re.compile(
    r"\b(?:caretakers?|site (?:staff|managers?|team)|receptionists?|reception staff|office "
    r"staff|admin(?:istrative)? staff|administrators?|cleaners?|cleaning staff|governors?|"
    r"trustees|lunchtime (?:staff|supervisors?)|midday (?:staff|supervisors?)|dinner ladies|"
    r"kitchen staff|catering staff|volunteers?|support staff|non-teaching staff|contractors?|"
    r"bus drivers?|drivers?|librarians?|technicians?|all staff|every member of staff)\b"
)
_TRAINING = re.compile(r"\b(?:train(?:ing|ed)?|wrap|e-?learning|courses?)\b")
#: "he was referred on Monday" asks what happens after a referral.
_WAS_REFERRED = re.compile(r"\b(?:was|were|got|has been|had been|is being) (?:\w+ )?referred\b")
#: 999 named beside another route ("999 or a prevent referral?") is the 999 question.
_999 = re.compile(r"\b999\b")
#: An email address in a question ("is prevent@county.example.org where the form goes?") asks where
#: a referral is sent, whatever the address's own words (essex, police, gov) point at. Read
#: on the query only: the answers that give an address are not about where to send.
_EMAIL_ADDRESS = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
_ASKS_WHERE_TO_SEND = " where to send the form, which email address inbox "
#: A relative as the source of the extremism ("the uncle is radicalising her", "dad is
#: filling his head with it", "can grooming come from the child's own family?") is the
#: family-implicated case (SET 2.4), not consent in general nor how children are radicalised.
_RELATIVE = (
    r"(?:famil(?:y|ies)|parents?|mum|mother|dad|father|step-?(?:dad|mum|father|mother)|uncles?|"
    r"aunts?|aunties?|brothers?|sisters?|cousins?|grand(?:dad|father|ma|mother|parents?)|"
    r"relatives?|siblings?|household|(?:at )?home)"
)
_RADICALISING = (
    r"(?:radicali[sz]\w*|groom\w*|indoctrinat\w*|brainwash\w*|fill(?:s|ing|ed)? (?:\w+ ){0,2}head|"
    r"push(?:es|ing|ed)? (?:\w+ ){0,2}(?:views|ideas|ideology|beliefs)|"
    r"spread(?:s|ing)? (?:\w+ ){0,2}(?:views|ideas|ideology|beliefs)|"
    r"feed(?:s|ing)? (?:him|her|them)|behind (?:it|this|the))"
)
#: ... where the relative comes first, the relative does it ("parents radicalising"), not
#: only reads about it ("something for parents to read about radicalisation").
_RADICALISING_ACT = _RADICALISING.replace(r"radicali[sz]\w*", r"radicali[sz](?:e|es|ed|ing)\b")
_FAMILY_SOURCE = re.compile(
    rf"\b{_RELATIVE}\b(?:\s+(?!(?:and|or|he|she|they|he's|she's|they're|son|daughter|child|kid|"
    rf"pupil|student|being|worried|worry|think|fear|afraid|concerned)\b)[\w']+){{0,4}}?\s+"
    rf"{_RADICALISING_ACT}|"
    rf"\b{_RADICALISING}(?:\s+[\w']+){{0,4}}?\s+(?:from|by|at)(?:\s+[\w']+){{0,4}}?\s+"
    rf"{_RELATIVE}\b"
)
#: "tell" is a stop word except in the police advice RUN, HIDE, TELL.
_RUN_HIDE_TELL = re.compile(r"\brun\W+hide\W+(?:and\W+)?tell\b")
#: Long names and their abbreviations read as one word, so "DSL" and "designated safeguarding
#: lead" (or "CSC" and "children's social care") match each other; US spellings ("-ize",
#: "behavior", "program") and common misspellings meet the UK policy's own.
_PHRASES = (
    (re.compile(r"\bdesignated safeguarding (?:leads?|officers?|persons?)\b|\bdsls\b"), " dsl "),
    (re.compile(r"\bsafeguarding leads?\b"), " dsl "),
    (
        re.compile(
            r"\b(?:children'?s|childrens|adults?'?|adult) "
            r"(?:social care|social services|services)\b|\bsocial services\b|\bcsc\b|\basc\b"
        ),
        " social care ",
    ),
    (re.compile(r"\bmulti[- ]?agency safeguarding hubs?\b"), " mash "),
    (re.compile(r"\bworkshops? to raise awareness of prevent\b"), " wrap "),
    (re.compile(r"\bcounter[- ]?terrorism local profiles?\b|\bctltp\b"), " ctlp "),
    (re.compile(r"\bno further action\b"), " nfa "),
    # Leaving Channel is its exit ("come off", "signed off", "leave" Channel): the case
    # review topic, not the rising-risk one (issue 13, g17).
    (
        re.compile(
            r"\b(?:come|comes|coming|came|taken|signed|sign|step|stepped)\s+off\s+"
            r"(?:of\s+)?(?:the\s+)?(?:channel|support|programme)\b|"
            r"\b(?:leaves?|leaving|left|finish(?:es|ing)?)\s+(?:the\s+)?channel\b"
        ),
        r"\g<0> exit channel case review ",
    ),
    # A change in the life of someone on Channel is what the panel must be told of.
    (
        re.compile(
            r"\b(?:on|in|receiving|getting|supported by)\s+channel\b[^.?!]{0,120}?"
            r"\b(?:situation|circumstances?|home life|living arrangements?)\s+"
            r"(?:has|have|had)?\s*changed\b"
        ),
        r"\g<0> relevant changes in circumstances notify panel ",
    ),
    # "a child rather than an adult" / "adult or child" referral: who reviews it (the SET
    # flowchart's families lead and adult lead).
    (
        re.compile(
            r"\b(?:child|pupil|young person|under[- ]18)\s+(?:rather than|instead of|not|or)\s+"
            r"(?:an?\s+)?adult\b|\badult\s+(?:rather than|instead of|or)\s+(?:a\s+)?"
            r"(?:child|pupil|young person)\b"
        ),
        r"\g<0> families lead adult lead ",
    ),
    (
        re.compile(r"\bvulnerable to radicali[sz]ation (?:referral )?forms?\b|\bvtr forms?\b"),
        " vtr ",
    ),
    (
        re.compile(r"\b(?:early career|newly qualified) teachers?\b|\bnqts?\b|\bects?\b"),
        " teacher ",
    ),
    (re.compile(r"\bteaching assistants?\b|\btas\b"), " teacher "),
    (re.compile(r"\bdesistance and disengagement programme\b"), " ddp "),
    # "under 18", "a minor" are how people say child (the policy's word for who needs a
    # parent's consent: SET 2.4); the age pattern below only reads "N years old" (issue 13,
    # g21). "Over 18" is left as it is: the adult consent topic already owns "18".
    (
        re.compile(
            r"\b(?:under|below|younger than|less than)[- ](?:18|eighteen)s?\b|"
            r"\bminors?\b|\bnot yet (?:18|eighteen)\b"
        ),
        r"\g<0> child ",
    ),
    # Support for people already involved in terrorism or convicted ("what's there for
    # people who've already been involved in terrorism?", "does prevent work with people
    # after they've offended?") is the Desistance and Disengagement Programme, not Channel
    # (issue 13, g21). "What if I think he is involved?" (a suspicion) stays the police's.
    (
        re.compile(
            r"\b(?:(?:for|with|to)\s+(?:people|those|someone|somebody|anyone|offenders|"
            r"individuals|adults|young people)\s+(?:who(?:'ve| have| has|'s| are| were)?\s+)?|"
            r"(?:people|those|individuals|offenders)\s+who(?:'ve| have| has|'s| are| were)?\s+)"
            r"(?:already\s+)?(?:been\s+)?(?:involved in terror\w*|engaged in terror\w*|"
            r"offended|convicted|released|in prison|committed (?:a )?terror\w*)|"
            r"\bafter (?:they|he|she)(?:'ve| have| has|'s)?\s+(?:already\s+)?(?:offended|"
            r"been convicted|served|been released|left prison)\b|"
            r"\b(?:ex-?offenders|terrorist offenders|convicted terrorists?)\b"
        ),
        r"\g<0> ddp desistance disengagement ",
    ),
    # "bad enough to report", "serious enough for a referral": the referral threshold
    (
        re.compile(
            r"\b(?:serious|bad|big|worrying|concerning|significant|severe) enough (?:to|for|that) "
            r"(?:\w+ )?(?:refer|referral|report|prevent|channel)\w*"
        ),
        " threshold referral ",
    ),
    (re.compile(r"\b(\w{3,})iz(e|ed|es|ing|ation|ations|ers?)\b"), r"\1is\2"),
    # "do you reckon ...?" is "do you think": not the "day of reckoning" in a threat
    (re.compile(r"\breckon(?:s|ed)?\b"), " think "),
    (re.compile(r"\bbehavior"), "behaviour"),
    (re.compile(r"\bprogram\b|\bprograms\b"), "programme"),
    (re.compile(r"\bcounselor"), "counsellor"),
    (re.compile(r"\b(?:refferal|referal|refferral|reffer?al)s?\b"), "referral"),
    (re.compile(r"\b(?:reffer|refere)\b"), "refer"),
    (re.compile(r"\b(?:channell?e?|chanel)\b"), "channel"),
    (re.compile(r"\b(?:prevnet|prevnt|prevant)\b"), "prevent"),
    (re.compile(r"\bsafegaurding\b|\bsafeguardin\b"), "safeguarding"),
)
#: A few everyday words mapped to the policy's own ("permission" is how teachers say "consent").
_SYNONYMS = {
    "permission": "consent",
    "agree": "consent",
    "agreement": "consent",
    "agreed": "consent",
    "parents": "parent",
    "parent's": "parent",
    "mum": "parent",
    "dad": "parent",
    "carers": "parent",
    "guardian": "parent",
    "families": "family",
    "refer": "referral",
    "referring": "referral",
    "referred": "referral",
    "referrals": "referral",
    "report": "referral",
    "reporting": "referral",
    "emailed": "email",
    "emails": "email",
    "send": "email",
    "sending": "email",
    "submit": "email",
    "signs": "indicator",
    "sign": "indicator",
    "indicators": "indicator",
    "warning": "indicator",
    "radicalised": "radicalisation",
    "radicalized": "radicalisation",
    "radicalization": "radicalisation",
    "extremist": "extremism",
    "extremists": "extremism",
    "courses": "training",
    "course": "training",
    "elearning": "training",
    "e-learning": "training",
    "chairs": "chair",
    "chaired": "chair",
    "contacts": "contact",
    "phone": "contact",
    "number": "contact",
    "muslim": "muslims",
    "islam": "muslims",
    "spy": "spying",
    "surveillance": "spying",
    "islamophobia": "muslims",
    "islamophobic": "muslims",
    "spies": "spying",
    "record": "record",
    "records": "record",
    "adults": "adult",
    "kids": "child",
    "kid": "child",
    "kid's": "child",
    # common misspellings of the policy's key words
    "extremisim": "extremism",
    "extremisum": "extremism",
    "radicalisaton": "radicalisation",
    "assesing": "assessing",
    "assesment": "assessment",
    "securly": "securely",
    "wat": "what",
    "teenager": "child",
    "teen": "child",
    "under-18": "child",
    "worried": "concern",
    "worry": "concern",
    "worries": "concern",
    "worrying": "concern",
    "concerned": "concern",
    "concerns": "concern",
    "help": "support",
    "fast": "urgent",
    "quickly": "urgent",
    "quick": "urgent",
    "asap": "urgent",
    "soon": "urgent",
}


#: "who's" is "who is", not a possessive: kept as it was read before.
_CONTRACTIONS = frozenset("who's where's how's when's why's let's here's".split())


def tokens(text: str) -> list[str]:
    """Lower-cased content words with everyday synonyms folded onto the policy's words."""
    words = _WORD.findall(_rewrite(text.lower().replace("\u2019", "'")))
    out = []
    for word in words:
        if word in _STOP:
            continue
        # A possessive names the word itself ("Middlesbrough's", "leon's", "the child's").
        if word.endswith("'s") and word not in _CONTRACTIONS:
            word = word[:-2]
            if word in _STOP:
                continue
        word = _SYNONYMS.get(word, word)
        out.append(_stem(word))
    return out


_SUFFIXES = ("ations", "ation", "ings", "ing", "ies", "ied", "ed", "es", "e", "s", "y")


def _stem(word: str) -> str:
    """A light suffix fold so "defined", "define" and "defines" meet ("panels" → "panel")."""
    if word.isdigit() or word.endswith("ss"):
        return word
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= (3 if suffix == "s" else 4):
            return word[: -len(suffix)]
    return word


def _age_word(match: re.Match[str]) -> str:
    age = int(match.group(1) or match.group(2))
    if age >= 18:
        return " adult "
    return f" {age} child " if age >= 16 else " child "


#: Contractions typed without the apostrophe ("we dont have egress", "cant send it", "ive
#: got"), read as written with it, so the patterns below and the stop words meet them
#: (issue 13, g21). "cant", "wont" and "ill" as words are rare here; "ill" is left alone.
_BARE_CONTRACTION = re.compile(
    r"\b(do|does|did|is|are|was|were|have|has|had|ca|wo|would|should|could|must)nt\b|"
    r"\b(i)m\b|\b(i|you|we|they)ve\b|\b(you|they)re\b|\b(that|he|she|there|what)s\b"
)


def _apostrophe(match: re.Match[str]) -> str:
    if match.group(1):
        return {"ca": "can't", "wo": "won't"}.get(match.group(1), match.group(1) + "n't")
    if match.group(2):
        return "i'm"
    if match.group(3):
        return match.group(3) + "'ve"
    if match.group(4):
        return match.group(4) + "'re"
    return match.group(5) + "'s"


def _rewrite(text: str) -> str:
    """Ages to child / adult, denied danger dropped, number questions marked: before counting."""
    text = _BARE_CONTRACTION.sub(_apostrophe, text)
    for pattern, replacement in _PHRASES:
        text = pattern.sub(replacement, text)
    text = _NEGATED_DANGER.sub(" ", text)
    text = _HOW_IT_WORKS.sub(r"\1", text)
    text = _QUANTITY.sub(r"\g<0> statistics ", text)
    text = _PREVENT_NOT.sub(" prevent misconceptions ", text)
    text = _A_RECORD.sub(" criminal record ", text)
    text = _MUST_TAKE_PART.sub(" voluntary ", text)
    text = _BREVITY.sub(" ", text)
    text = _RUN_HIDE_TELL.sub(" run hide tell incident ", text)
    if _NO_SECURE.search(text):
        text = _SECURE_SYSTEM.sub(" ", text) + " no secure email "
    text = _PROFILE.sub(r"\g<0> single profile ", text)
    text = _MOVES.sub(r"\g<0> moves area ", text)
    text = _FOLLOWS_THEM.sub(r"\g<0> criminal record ", text)
    text = _DSL_BEFORE.sub(r"\g<0> dsl first ", text)
    text = _MIXED.sub(r"\g<0> mixed unclear ideology ", text)
    if _TRAINING.search(text):
        text = _ROLE.sub(r"\g<0> tiered levels training ", text)
    text = _WAS_REFERRED.sub(r"\g<0> referral happens next ", text)
    text = _999.sub(" 999 emergency ", text)
    text = _WHAT_AGE.sub(r"\g<0> capacity consent ", text)
    if _PANEL.search(text) and _WHO_ATTENDS.search(text):
        text = _WHO_ATTENDS.sub(r"\g<0> panel members membership ", text)
        text = _THEY_ATTEND.sub(" ", text)
    text = _FAMILY_SOURCE.sub(r"\g<0> family implicated ", text)
    text = _WHAT_TO_DO.sub(" dsl first ", text)
    text = _AGE.sub(_age_word, text)
    return _SCHOOL_YEAR.sub(" child ", text)


#: Words that say how something is asked, not what about: left out when matching titles.
_QUESTION_WORDS = frozenset(
    "what how who where when why which explain explained explanation describe describ explan"
    " overview mean means"
    " meaning".split()
)
#: How much naming a topic's title counts, next to BM25 scores of about 5-20.
TITLE_WEIGHT = 3.0
#: ... and a query that is nothing but a title's words ("Channel in plain English").
TITLE_EXACT = 5.0


#: The examples (how people ask) against the topic's own words (what the policy says).
EXAMPLE_WEIGHT = 0.65
#: How much a topic's second-best example adds: several close examples beat one lucky one.
SECOND_EXAMPLE = 0.0


#: How much the BM25 ranking counts in the blend, next to the classifier's probability.
BM25_SHARE = 0.4
#: A classifier this sure of a topic (and a query the guidance knows) is confident on its own.
CLASSIFIER_SURE = 0.5


def normalise(text: str) -> str:
    """What the character n-grams read: lower case, rewrites applied, stop words kept."""
    return _rewrite(text.lower().replace("\u2019", "'"))


def _best_two(scores: list[float]) -> float:
    top = sorted(scores, reverse=True)[:2] + [0.0, 0.0]
    return top[0] + SECOND_EXAMPLE * top[1]


@dataclass(frozen=True)
class _Scores:
    """One text's per-topic figures (lists indexed like the topics)."""

    words: list[str]
    bm25: list[float]
    probs: list[float]
    combined: list[float]
    known: float


@dataclass(frozen=True)
class ScoredTopic:
    topic: Topic
    score: float
    confidence: float


@dataclass(frozen=True)
class SearchResult:
    """The best topics for a query; `confident` says whether the best one may be answered."""

    ranked: tuple[ScoredTopic, ...]
    confident: bool

    @property
    def best(self) -> ScoredTopic | None:
        return self.ranked[0] if self.ranked else None


class GuidanceIndex:
    """BM25 over examples and over topic text, combined per topic."""

    def __init__(self, base: GuidanceBase, floor: float = 0.45) -> None:
        self._topics = list(base.topics.values())
        self._floor = floor
        self._example_owner: list[int] = []
        example_docs: list[list[str]] = []
        for i, topic in enumerate(self._topics):
            for example in topic.examples:
                example_docs.append(tokens(example))
                self._example_owner.append(i)
        topic_docs = [
            tokens(" ".join([t.title, t.title, " ".join(t.keywords) * 2, t.answer]))
            for t in self._topics
        ]
        self._titles = [frozenset(tokens(t.title)) - _QUESTION_WORDS for t in self._topics]
        self._example_sets = [frozenset(doc) for doc in example_docs]
        self._examples = IndexedBM25(example_docs)
        self._texts = IndexedBM25(topic_docs)
        self._vocabulary = {w for doc in example_docs + topic_docs for w in doc}
        texts = [e for t in self._topics for e in t.examples] + [t.title for t in self._topics]
        labels = list(self._example_owner) + list(range(len(self._topics)))
        self._classifier = TopicClassifier(texts, labels, len(self._topics), tokens, normalise)

    def search(self, query: str, limit: int = 3) -> SearchResult:
        """Rank topics for a free-text query.

        Confidence blends how strongly the best topic matched (squashed BM25), how much of
        the query the guidance knows at all, and how clearly the best beats the runner-up.
        """
        return self.search_parts([(query, 1.0)], limit)

    def search_parts(self, parts: Sequence[tuple[str, float]], limit: int = 3) -> SearchResult:
        """Rank topics for a message read as weighted parts (its question, its context).

        Why: in "Student on Channel is moving to Kent - what happens to his case?" the
        question alone ("what happens to his case?") points at what follows a referral and
        the context alone at Channel in general; each part's per-topic scores are summed
        with its weight, so the topic both support wins. The confidence is the best any
        part gives that topic (a part that barely knows it does not make it unsure).
        """
        scored: list[tuple[_Scores, float]] = []
        for text, weight in parts:
            scores = self._score(text) if weight > 0 else None
            if scores is not None:
                scored.append((scores, weight))
        if not scored:
            return SearchResult((), False)
        total = sum(w for _, w in scored)
        combined = [
            sum(w * s.combined[i] for s, w in scored) / total for i in range(len(self._topics))
        ]
        order = sorted(range(len(combined)), key=lambda i: -combined[i])
        top, runner = combined[order[0]], combined[order[1]] if len(order) > 1 else 0.0
        margin = (top - runner) / top if top > 0 else 0.0
        confidence = max(self._confidence(s, order[0], margin) for s, _ in scored)
        ranked = tuple(
            ScoredTopic(
                self._topics[i],
                combined[i],
                confidence if i == order[0] else confidence * combined[i] / top,
            )
            for i in order[:limit]
            if combined[i] > 0
        )
        # Nothing but question words ("what did you mean?") names no topic at all.
        asks_about_something = any(set(s.words) - _QUESTION_WORDS for s, _ in scored)
        return SearchResult(ranked, asks_about_something and confidence >= self._floor)

    def _score(self, query: str) -> _Scores | None:
        """Every topic's BM25 score, classifier probability and their blend for one text."""
        if _EMAIL_ADDRESS.search(query):
            query = _EMAIL_ADDRESS.sub(r"\g<0>" + _ASKS_WHERE_TO_SEND, query)
        words = tokens(query)
        if not words:
            return None
        per_example = self._examples.get_scores(words)
        per_topic: list[list[float]] = [[] for _ in self._topics]
        for owner, score in zip(self._example_owner, per_example, strict=True):
            per_topic[owner].append(float(score))
        example_best = [_best_two(scores) for scores in per_topic]
        text_scores = self._texts.get_scores(words)
        query_words = set(words)
        bm25 = [
            EXAMPLE_WEIGHT * e + (1 - EXAMPLE_WEIGHT) * float(t) + self._title_bonus(query_words, i)
            for i, (e, t) in enumerate(zip(example_best, text_scores, strict=True))
        ]
        best_bm25 = max(bm25)
        if best_bm25 <= 0:
            return None
        probs = self._classifier.probabilities(query)
        combined = [
            BM25_SHARE * max(b, 0.0) / best_bm25 + (1 - BM25_SHARE) * p
            for b, p in zip(bm25, probs, strict=True)
        ]
        known = sum(1 for w in words if w in self._vocabulary) / len(words)
        return _Scores(words, bm25, probs, combined, known)

    def _confidence(self, scores: _Scores, topic: int, margin: float) -> float:
        """How sure one text makes us of `topic`: BM25 strength, known words and the margin,
        or a sure classifier, or a near copy of one of the topic's examples."""
        strength = 1 - math.exp(-max(scores.bm25[topic], 0.0) / 4.0)
        known = scores.known
        confidence = strength * (0.5 + 0.5 * known) * (0.6 + 0.4 * margin)
        # The classifier sure of the topic (on words the guidance knows) is enough on its own.
        if scores.probs[topic] >= CLASSIFIER_SURE:
            confidence = max(confidence, (0.5 + 0.5 * known) * scores.probs[topic])
        # A query that is (nearly) one of the topic's own example questions is answered even
        # when its words are common ("what is prevent?" shares "prevent" with every topic).
        return max(confidence, 0.95 * self._closest_example(set(scores.words), topic))

    def _title_bonus(self, query: set[str], topic_index: int) -> float:
        """A query that names a topic's title ("Channel in plain English") leans to it.

        Scaled by how much of the title the query covers and how much of the query the
        title covers, so "channel" favours "What Channel is" over "The Channel panel".
        """
        title = self._titles[topic_index]
        if not title or not query:
            return 0.0
        content = query - _QUESTION_WORDS or query
        shared = len(content & title)
        exact = TITLE_EXACT if content == title else 0.0
        return exact + TITLE_WEIGHT * (shared / len(title)) * (shared / len(content))

    def _closest_example(self, words: set[str], topic_index: int) -> float:
        """Best Jaccard overlap between the query and one example of the topic."""
        best = 0.0
        for owner, example in zip(self._example_owner, self._example_sets, strict=True):
            if owner == topic_index and example:
                best = max(best, len(words & example) / len(words | example))
        return best
