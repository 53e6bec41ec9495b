"""Reads triage facts out of what a practitioner types, so nothing is asked twice.

Two readings of every message: as an answer to the question just asked ("No, I haven't
spoken to the DSL yet" answers `dsl_consulted`), and as free text that may mention other
facts ("a 14 year old", "a far-right badge", "no immediate danger", "I spoke to our DSL").
Mentions that are negated ("no violence") are not taken as signs.
"""

from __future__ import annotations

import functools
import re
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from bot.dates import (
    BIRTHDAY_WORDS,
    age_on,
    approximate_age,
    day_month_without_year,
    find_date,
    without_day_month,
)
from bot.risk.detector import get_detector
from bot.triage.facts import ADULT_AGE

_LEXICON_PATH = Path(__file__).with_name("lexicon.yml")

#: Doubt in the person's own words ("hard to tell", "can't be certain", "I'd need to check").
_DOUBT = (
    r"(it'?s |it is )?(hard|difficult|tricky|impossible) to (tell|say|know|judge)|"
    r"(i )?(can'?t|cannot|couldn'?t) be (certain|sure)|(i'?m |i am )?not 100 ?%? (sure|certain)|"
    r"(i'?m |i am )?not (completely|totally|entirely|fully|absolutely) (sure|certain)|"
    r"(i )?(haven'?t|have not) (got )?a clue|(i'?d|i would|i'?ll|i) (need|have) to (check|ask)|"
    r"need to check|"
    # "I don't really know", "honestly not sure": a word between the negation and "know"
    r"(i )?(don'?t|do not|dont) (really|actually|honestly|truly|fully|exactly) know(?! of)|"
    r"(i'?m |i am )?(honestly|really|genuinely) (not sure|unsure|don'?t know)"
)
#: "I'd say no", "I reckon yes": the words after the lead-in are the answer.
_LEAD_IN = re.compile(
    r"^\s*(i'?d say|i would say|i'?d guess|i guess|i reckon|i think|i believe|honestly|"
    r"to be honest|tbh|well|um+|erm+|hmm+)[,\s]+"
    r"(?=(yes|yeah|yep|no|nope|not|probably|definitely)\b)"
)
#: A hedged yes: "probably", "sort of", "I reckon so" (a careful yes is still a yes).
_HEDGED_YES = (
    r"(i )?(reckon|guess|suppose|suspect) so|(i'?d|i would) (say|think) so|probably|"
    r"(most |very )?likely|kind of|sort of|kinda|sorta|somewhat|partly|in a way|to some extent"
)
_UNSURE = re.compile(
    r"\b(" + _DOUBT + r"|not sure|unsure|(i )?(don'?t|do not|dont) know(?! of)|no idea|"
    r"not certain|maybe|"
    r"possibly|perhaps|can'?t say|cannot say|idk|dunno|unclear|hard to say|might be|"
    r"not (totally|really|entirely) sure|can'?t tell|couldn'?t say|no clue)\b"
)
# A reply's first words decide it: "Yes, he said ..., though he hasn't threatened anyone" is
# a yes to the question asked; what follows is read for other facts, not as the answer.
_LEAD_UNSURE = re.compile(
    r"^\s*(" + _DOUBT + r"|not sure|unsure|(i'?m |i am )?(not (\w+ )?sure|unsure)|"
    r"(i )?(don'?t|do not|dont) know(?! of)|no idea|not certain|maybe|possibly|perhaps|"
    r"idk|dunno|hard to say|can'?t say|"
    r"no clue|unclear)\b"
)
_LEAD_NO = re.compile(
    r"^\s*(no|nope|nah|not really|not that i|not as far as i|not yet|none|nothing|never|n|"
    r"nobody|no one|negative|i don'?t think so|i doubt it|definitely not|certainly not|"
    r"absolutely not|not at all|not to my knowledge|probably not|(very |highly )?unlikely|"
    r"i (really |very much )?doubt (it|that|so)|i wouldn'?t (say|think) so|hopefully not|"
    r"i hope not|(thankfully|luckily|fortunately),? (no|not)|"
    r"(he|she|they|i|we|it)('s| has| have| does| do| did| is| are| was| were) "
    r"(no|not|never|nothing|none))\b"
)
_LEAD_YES = re.compile(
    r"^\s*(yes|yeah|yep|yup|yea|y|aye|correct|definitely|absolutely|certainly|sure|true|"
    r"i think so|i believe so|it seems so|looks like it|a (bit|little)|a few times|"
    r"sometimes|once or twice|unfortunately,? yes|sadly,? yes|he did|she did|they did|"
    r"he has|she has|they have|he does|she does|they do|i have|i did|we have|done|already|"
    + _HEDGED_YES
    + r")\b"
    r"(?!,? (no|not|never|nothing|none)\b)"  # "she has no extremist views" is not a yes
)
#: A closing no after what explains it: "..., so no", "...; not yet", "... so not yet".
_TRAILING_NO = re.compile(r"(,|;|\.|\bso|\bthen|\bhence)\s*(no|nope|not yet|not really)\s*[.!]*$")
_YES = re.compile(
    r"^\s*(yes|yeah|yep|yup|yea|y|aye|correct|definitely|absolutely|certainly|sure|true|"
    r"i have|i did|i do|they have|they do|he has|she has|he does|she does|he is|she is|"
    r"they are|it is|there is|there are|we have|done|already)\b"
)
_NO = re.compile(
    r"^\s*(no|nope|nah|not|none|nothing|never|n|nobody|no one|negative)\b|"
    r"\b(haven'?t|hasn'?t|didn'?t|don'?t|doesn'?t|isn'?t|aren'?t|wasn'?t|weren'?t|"
    r"not yet|no one|nobody|nothing like that|no sign|no signs|"
    r"no (plans?|planning|intention|evidence|indication|mention|talk|weapons?|group|threats?))\b"
)
# Whole sentences instead of a button: "I haven't noticed anything like that" is a no; "he's
# been hanging around with older lads who are into it" describes something seen, so a yes.
_SENTENCE_NO = re.compile(
    r"\b(not that i('?ve| have)?( \w+)? (seen|noticed|know|heard|am aware|'m aware|can see)|"
    r"(i )?(haven'?t|have not|hadn'?t|didn'?t|did not) (\w+ )?(seen|noticed|heard|spotted|"
    r"picked up)|nothing (like that|of the sort|i('?ve| have) (seen|noticed|heard)|that i know)|"
    r"(he|she|they|it)('?s| is| are| has| have)? (not|never|hasn'?t|haven'?t|doesn'?t|don'?t|"
    r"didn'?t|isn'?t|aren'?t|wasn'?t)\b|no (sign|signs|evidence|indication)|none that i)"
)
_SENTENCE_YES = re.compile(
    r"\b(i('?ve| have)? (seen|noticed|heard|spotted|found|witnessed)|"
    r"(he|she|they)('s| has| have| is| are)? (been|started|begun|keeps?|kept|said|says|told|"
    r"wrote|writes|posted|posts|shared|shares|showed|shows|talks?|talked|has|had|does|did|"
    r"was|were|gets|got|goes|went|spends?|spent|hangs?|hung|follows?|followed|watches|"
    r"watched|joined|wants?|wanted|made|makes|called|calls|drew|draws|wears|wore|uses?|used)\b|"
    r"there (is|are|was|were|have been|has been))"
)
# "n't" needs its apostrophe (or a known spelling without one): a bare `\w+nt` would take
# "student", "parent" or "different" for a negation.
_NEGATORS = re.compile(
    r"\b(no|not|never|without|nothing|none|nobody|cannot|\w+n't|"
    r"(do|does|did|is|was|are|were|wo|has|have|had|should|would|could|ca)nt)\b"
)
_AGE_PATTERNS = [
    re.compile(r"\b(\d{1,3})\s*(?:-\s*)?(?:years?|yrs?|yo)\b(?:[\s-]*old)?"),
    re.compile(r"\baged?\s*(?:is\s*)?(\d{1,3})\b"),
    re.compile(
        r"\b(?:he|she|they|who|pupil|student|child|boy|girl|son|daughter|kid|lad|lass|learner|"
        r"stepson|stepdaughter|grandson|granddaughter|nephew|niece|brother|sister|tutee)"
        r"(?:'s| is| are| was)\s*(?:only\s*|about\s*|around\s*|just\s*)?(\d{1,3})\b"
        r"(?!\s*(?:%|percent|minutes?|mins?|hours?|days?|weeks?|months?|times|pounds|quid|foot|feet|ft|cm|stone))"
    ),
    re.compile(r"\b(?:about|around|roughly|approximately)\s*(\d{1,3})\b"),
    # "my colleague's son (14)", "their boy (12)": an age in brackets after the person
    re.compile(
        r"\b(?:son|daughter|child|kid|boy|girl|pupil|student|learner|lad|lass|teen|teenager|"
        r"man|woman|person|he|she|they|stepson|stepdaughter|grandson|granddaughter|tutee|"
        r"club|apprentice|trainee|colleague|client|patient|member|youngster|young person|"
        r"adult|nephew|niece|brother|sister)s?"
        r"\s*\(\s*(?:aged?\s*|both\s*|all\s*|each\s*)?(\d{1,3})\s*\)"
    ),
    # "one of our students, 15, has ...", "my tutee, 14, ...": an age set off by commas
    re.compile(
        r"\b(?:son|daughter|child|kid|boy|girl|pupil|student|learner|lad|lass|teen|teenager|"
        r"man|woman|person|tutee|apprentice|trainee|colleague|client|youngster|young person|"
        r"nephew|niece|brother|sister|sixth[- ]former|year \d{1,2})s?,\s*(?:aged?\s*)?"
        r"(\d{1,3})\s*(?:,|$|\.|and\b|who\b)"
    ),
]
#: Someone's child ("a colleague's son"): the colleague is the adult, not the person.
_CHILD_OF = re.compile(
    r"'s (step)?(son|daughter|child|kid|boy|girl|grandson|granddaughter|little (boy|girl))\b"
)
_BARE_NUMBER = re.compile(r"^\D{0,40}?(\d{1,3})\D{0,40}$")
#: The person said to be a parent, as the answer to the age question ("she's a mum of two",
#: "he's a dad at the school"): an adult. Never read in an opening, where a parent is
#: usually someone else in the story ("a mum told me her son ...").
_IS_A_PARENT = re.compile(
    r"^\W*((he|she|they)('s| is|'re| are) |(a|an) )(\w+ )?(mum|mom|dad|mother|father|parent|"
    r"grandparent|grandmother|grandfather|step-?(mum|dad|parent))s?\b"
)
_SCHOOL_YEAR = re.compile(r"\b(?:year|yr|y)\s*(\d{1,2})(?:s|'s)?\b(?!\s*(?:olds?|ago)\b)")
#: Before year 1: "in reception", "a nursery child" (SET 2.4: a child).
_EARLY_YEARS = re.compile(r"\b(in reception|reception (class|child|pupil|kid|age)|nursery)\b")
_CHILD_WORDS = re.compile(
    r"\b(child|children|kid|boy|girl|pupil in year|primary|teenager|teen|young person "
    r"under 18|under 18|minor|son|daughter|a child)\b"
)
_ADULT_WORDS = re.compile(
    r"\b(adult|man|woman|over 18|18\+|grown[- ]up|parent of|colleague|staff member|"
    r"member of staff|apprentice over 18|mature student|pensioner|retired|"
    r"in (his|her|their) (early |mid |late )?(twenties|thirties|forties|fifties|sixties|"
    r"seventies|20s|30s|40s|50s|60s|70s))\b"
)
#: Words before "a man" / "a woman" that make them someone else in the story ("chats to a
#: man on telegram", "meets an older man at the gym"), not the person the worry is about.
_SOMEONE_ELSE_BEFORE = re.compile(
    r"\b(to|with|by|from|for|about|at|of|than|meets?|met|meeting|messag\w*|texting|knows?|"
    r"follows?|online|another|other|older|some)\s+(an?\s+|the\s+|some\s+|this\s+|that\s+)?"
    r"(\w+\s+)?$"
)


def _adult_word(text: str) -> bool:
    """Whether a word for an adult describes the person, not someone else in the story."""
    for match in _ADULT_WORDS.finditer(text):
        if match.group(1) in ("man", "woman") and _SOMEONE_ELSE_BEFORE.search(
            text[max(0, match.start() - 40) : match.start()]
        ):
            continue
        return True
    return False


_DSL_WORDS = re.compile(
    r"\b(dsl|designated safeguarding lead|safeguarding lead|prevent lead|head of safeguarding|"
    r"safeguarding team|designated (safeguarding )?(person|teacher|officer))\b"
)
_DSL_NOT_YET = re.compile(
    r"\b(haven'?t|have not|hasn'?t|not yet|didn'?t|not spoken|not talked|no)\b|"
    # "I mentioned it to my head of year but not the DSL yet"
    r"\bnot (to |with )?(the |our |my |a )?(dsl|designated safeguarding lead|safeguarding lead|"
    r"prevent lead|safeguarding team)\b"
)
#: A wish or threat to harm oneself (other_safeguarding), told as the reply about intent.
_SELF_HARM_ONLY = re.compile(
    r"\b(hurt|harm|kill|cut|hurting|harming|killing|cutting)\w* (him|her|them|my|your)sel(f|ves)\b"
)
_NOBODY_ELSE = re.compile(
    r"\b(not|never|nor|rather than) (\w+ )?(anyone|anybody|others|other people|someone|somebody)"
    r"( else)?\b|\b(nobody|no one|no-one) else\b"
)
_NO_DANGER = re.compile(
    r"\b(no|not in( any)?|nobody is in|no one is in|isn'?t in|aren'?t in) "
    r"(immediate |any )?(danger|risk)\b|\bnot (urgent|an emergency)\b"
    r"|\bno immediate (danger|risk)\b"
    r"|\bnothing (to (suggest|indicate|say)|suggests|indicates|immediate|urgent|imminent)\b"
)
#: rv1 (review S2-1): "safe" is a no only as a plain statement about the person, at the
#: start of a clause: "she is safe at home", "they're both safe now", "he's upset but safe".
_SAFE_SUBJECT = (
    r"(he|she|they|we|everyone|everybody|both of them|all of them|the (pupil|child|student|"
    r"young person|boy|girl|learner|family|kids|children|baby))"
)
_SAFE_STATEMENT = re.compile(
    rf"(^|[.,;!]\s*|\b(and|so|yes|yeah|yep|ok|okay)\s+){_SAFE_SUBJECT}"
    r"('s|'re| is| are| feels?| seems?| looks?)( \w+ but| ([\w']+ ){1,4}and)? "
    r"(now |currently |completely |perfectly |totally |both |all )?safe\b(?! to)"
)
#: The time of the worry said to be far off ("the concert is months away", "not until next
#: term"): no danger now, unless a contrast brings it near ("weeks away, but he said tonight").
_FAR_OFF = re.compile(
    r"\b(weeks|months|days|a week|a month|a fortnight|a few weeks|ages) away\b"
    r"|\bnot (until|till|for|before) (next (week|month|term|year|summer|half[- ]term)|"
    r"(a few|several|\w+) (weeks|months))\b"
)
_BROUGHT_NEAR = re.compile(
    r"\b(but|though|although|however|except)\b[^.;!?]*\b(tonight|today|now|soon|tomorrow|"
    r"this (morning|afternoon|evening)|minutes?|hours?|outside|knife|gun|weapon|waiting)\b"
)
#: Anything that makes a "safe" clause a doubt, not a no: a hedge, a question, "if" or
#: "whether", "nobody is safe", a contrast ("he's safe but his sister isn't").
_SAFE_DOUBT = re.compile(
    r"\b(don'?t|do not|doesn'?t|didn'?t|can'?t|cannot|not) (think|believe|feel|know|say|sure)\b"
    r"|\bdoubt|\bunsure\b|\bnot certain\b|\bwhether\b|\bif\b|\?"
    r"|\b(no ?one|nobody|none of)\b(\W+\w+){0,6}\W+(is |are |'s |'re )?(\w+ )?safe\b"
    r"|\bsafe\b[^.;!?]{0,120}\bbut\b[^.;!?]{0,120}\b(not|isn'?t|aren'?t|unsafe|danger)\b"
    r"|\bsafe\b[^.;!?]{0,120}\b(but|though|except|apart from)\b[^.;!?]{0,120}\b(knife|knives|"
    r"gun|weapon|outside|waiting|coming|threat\w*|hurt|harm|kill\w*|tonight|later|still)\b"
)
#: "He's not safe", "she isn't safe at home": a yes to the danger question, never a no.
#: rv1: so are "nobody is safe around him", "I don't think he's safe", "he's safe but his
#: sister isn't".
_NOT_SAFE = re.compile(
    r"\b(not|isn'?t|aren'?t|never|no longer) (\w+ )?safe\b|\bunsafe\b"
    r"|\b(no ?one|nobody|none of)\b(\W+\w+){0,6}\W+(is |are |'s |'re )?(\w+ )?safe\b"
    r"|\b(don'?t|do not|doubt) (think|feel|believe)?\s*(\w+\W*){0,3}safe\b"
    r"|\bsafe\b[^.;!?]{0,120}\bbut\b[^.;!?]{0,120}\b(isn'?t|aren'?t|is not|are not|not)\b"
)


#: Where the parts of a reply to the danger question part: an act and its time must be told
#: in one part ("he's in school today, but talked of an attack at Eid" is two).
_DANGER_PARTS = re.compile(r"[.;!?]|\b(but|though|although|however|whereas)\b")


def _imminent_harm(t: str) -> bool:
    """Whether a reply tells, in its own words, of harm close at hand: an act of harm and a
    near time in the same part, neither negated ("he's outside the mosque with a machete,
    the caption says 'doing it now'"). A far-off date is never near (`_FAR_OFF`)."""
    if _FAR_OFF.search(t) and not _BROUGHT_NEAR.search(t):
        return False
    return any(
        _mentions("imminent_time", part) and _mentions("imminent_act", part)
        for part in _DANGER_PARTS.split(t)
        if part
    )


#: The answer to "could someone be harmed very soon?" told as when ("it's tonight", "dad says
#: today", "in a few hours") or as the person being at hand ("he's outside right now", "he's
#: on his way here"): a yes (SET 2.5: imminent risk, 999). Where someone merely is ("he's in
#: class right now") says nothing of harm and is not read so.
_NEAR_WHEN = re.compile(
    r"^\W*((it'?s|it is|that'?s|that is|(\w+ ){0,2}(says?|said|thinks?|reckons?)|"
    r"(he|she|they) (says?|said)|apparently|supposedly|meant to be|planned for|due)\W+)?"
    r"(tonight|today|right now|this (morning|afternoon|evening)|"
    r"in (the next )?(\d+|a few|a couple of|two|three|an?) (minutes?|mins?|hours?)|"
    r"(a|an|one|two|few) hours?( away| from now)?|any minute)\b"
)
_AT_HAND = re.compile(
    r"\b(he'?s|she'?s|they'?re|he is|she is|they are) (\w+ )?(outside|at the (school )?gates?|"
    r"in the (car park|playground|building|reception)|on (his|her|their) way( here| in| over)?|"
    r"coming (here|in|over|back)|here)( right)? now\b|"
    r"\b(outside|on (his|her|their) way) right now\b"
)


def _near_when(t: str) -> bool:
    """A reply to the danger question that says the harm is near (`_NEAR_WHEN`, `_AT_HAND`):
    a time said as when ("it's tonight", "dad says today", or the time alone), never a time
    beside where someone is ("today he's at home")."""
    if _FAR_OFF.search(t) and not _BROUGHT_NEAR.search(t):
        return False
    when = _NEAR_WHEN.match(t)
    if when and (when.group(1) or not t[when.end() :].strip(" .!,;-")):
        return True
    return bool(_AT_HAND.search(t))


def _says_safe(t: str) -> bool:
    """A plain "no danger" (rv1): "no immediate danger", or a clear "she is safe"."""
    if _NO_DANGER.search(t):
        return True
    if _FAR_OFF.search(t) and not _BROUGHT_NEAR.search(t):
        return True
    return bool(_SAFE_STATEMENT.search(t)) and not _SAFE_DOUBT.search(t)
_ADULT_CONSENT = [
    (
        "refused",
        re.compile(
            r"\b(refus\w*|said no|says no|doesn'?t want|won'?t|will not|"
            r"don'?t want(?! to (ask|raise|tell|mention|upset|worry))|"
            r"declined|not happy|against it|objects?|mind (my|your|our) own business|"
            r"(wants?|want) nothing to do with|told me to (go away|back off|leave (him|her|them) "
            r"alone|get lost))\b"
        ),
    ),
    (
        "given",
        re.compile(
            r"\b(agreed|agrees|consent(ed|s)? given|gave (their |his |her )?consent|"
            r"happy (for|to|with)|(is|'s|are|'re|was|seemed|seems) (fine|ok|okay|alright) with|"
            r"ok with|okay with|said yes|says yes|yes|"
            r"(that'?s|it'?s|that is|it is) (fine|ok|okay|alright|all right)|"
            r"(he|she|they)'?s happy|"
            r"doesn'?t mind|don'?t mind|gave (us )?permission|go ahead)\b"
        ),
    ),
    (
        "not_asked",
        re.compile(
            r"\b(not (yet )?asked|haven'?t asked|have not asked|didn'?t ask|not sought|"
            r"no,? not yet|not yet|"
            # "I'd rather not ask him", "I don't want to ask her": not asked (yet)
            r"(rather|prefer) not (to )?(ask|raise it with|tell|mention it to)|"
            r"(don'?t|do not|wouldn'?t|would not) (want|like|dare) to (ask|raise it with|tell)|"
            r"(can'?t|cannot|couldn'?t) (ask|raise it with) (him|her|them))\b"
        ),
    ),
]


@functools.lru_cache(maxsize=1)
def _lexicon() -> dict[str, list[re.Pattern[str]]]:
    with _LEXICON_PATH.open(encoding="utf-8") as fh:
        raw: dict[str, list[str]] = yaml.safe_load(fh)
    return {
        name: [re.compile(rf"(?<![\w-])(?:{p})(?![\w-])") for p in patterns]
        for name, patterns in raw.items()
    }


#: The proscribed-organisations list the risk check keeps as data (guidance/risk/, issue 12),
#: used when present; the `terrorism` lexicon keeps a minimal list of its own otherwise.
PROSCRIBED_FILE = (
    Path(__file__).resolve().parents[2] / "guidance" / "risk" / ("proscribed_organisations.yml")
)
_JOINS = (
    r"(member|members|recruiter) of|joined|joining|join|recruited (into|by)|fight(ing)? for|"
    r"fought for|pledged allegiance to|signed up (to|with|for)|(is|was|are|were) part of|"
    r"(he|she|they|who)('s|'re) (a member of|members of|part of)|"
    r"(funding|financing|sending money to|raising money for)|"
    # Recruiting for a group, handing out its leaflets, swearing allegiance to it: inviting
    # support for a proscribed organisation is itself an offence (SET 1.3; Thurrock pack).
    r"recruit(s|ing|ed)? (\w+ ){0,3}for|recruiters? for|"
    r"(handing out|hands out|handed out|giving out|gives out|gave out|giving|gives|gave|"
    r"distribut\w+|passing round|spreading) (\w+ ){0,3}(leaflets?|flyers?|pamphlets?|"
    r"literature|propaganda) (for|from|of|by)|"
    r"(pledg\w+|swor?e|swearing|sworn) (his |her |their )?(allegiance|loyalty|bay'?ah) to|"
    # promoting the group or getting others to join it: inviting support (SET 1.3)
    r"(promot\w+|advertis\w+|glorif\w+|(runs|running|ran|set up|sets up|admins?|moderates?) "
    r"(a |an )?(\w+ )?(channel|chat|group|page|server) "
    r"(for|promoting|about))"
)


@functools.lru_cache(maxsize=2)
def proscribed_pattern(path: Path = PROSCRIBED_FILE) -> re.Pattern[str] | None:
    """Membership of, joining, fighting or raising money for a named proscribed organisation,
    from the list's names and aliases (None when the list is not there)."""
    if not path.exists():
        return None
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    names: set[str] = set()
    for org in data.get("organisations") or []:
        for name in [org.get("name"), *(org.get("aliases") or [])]:
            if name and len(str(name)) >= 3:
                names.add(re.escape(_normal(str(name))))
    if not names:
        return None
    alternatives = "|".join(sorted(names, key=len, reverse=True))
    return re.compile(rf"(?<![\w-])({_JOINS}) (the )?({alternatives})(?![\w-])")


@functools.lru_cache(maxsize=2)
def proscribed_names(path: Path = PROSCRIBED_FILE) -> re.Pattern[str] | None:
    """Any name or alias on the proscribed-organisations list (None without the list)."""
    if not path.exists():
        return None
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    names = {
        re.escape(_normal(str(name)))
        for org in data.get("organisations") or []
        for name in [org.get("name"), *(org.get("aliases") or [])]
        if name and len(str(name)) >= 3
    }
    if not names:
        return None
    return re.compile(rf"(?<![\w-])({'|'.join(sorted(names, key=len, reverse=True))})(?![\w-])")


def _names_a_proscribed_group(text: str) -> bool:
    """A short reply that names a group on the proscribed list, outside a negated clause
    ("National Action.", "Hamas, he says"): the group the worry is about."""
    pattern = proscribed_names()
    if pattern is None or len(text.split()) > 8:
        return False
    return any(
        not _NEGATORS.search(_clause_before(text, m.start())) for m in pattern.finditer(text)
    )


def _normal(text: str) -> str:
    text = (text or "").lower().replace("\u2019", "'").replace("\u2018", "'")
    return re.sub(r"\s+", " ", text).strip()


_CLAUSE_BREAK = re.compile(
    r"[,.;:!?()]| - | but | though | although | and | until | now | so | because | who | which "
    r"| since | yet | whereas | while | as far as i know | as far as i'?m aware | that i know of "
    r"| afaik | tbh | to be honest "
)


def _clause_before(text: str, start: int, width: int = 50) -> str:
    """The words just before a match, within its own clause: a comma, a full stop or a word
    such as "but", "and" or "until" ends a negation's scope ("no threats, but he praises the
    attacker"; "he never cared about politics until he shared Nazi memes"), while "or" does
    not ("she isn't linked to any group or extremist ideology")."""
    return _CLAUSE_BREAK.split(text[max(0, start - width) : start])[-1]


def _mention(name: str, text: str, respect_negation: bool = True) -> str | None:
    """The words of `text` that the lexicon list `name` matches (the evidence), or None."""
    for pattern in _lexicon()[name]:
        for match in pattern.finditer(text):
            if respect_negation and _NEGATORS.search(_clause_before(text, match.start())):
                continue
            if name == "terrorism" and not _own_act(text, match):
                continue
            return match.group(0).strip()
    return None


def _mentions(name: str, text: str, respect_negation: bool = True) -> bool:
    return _mention(name, text, respect_negation) is not None


# Words that make a plan, an attack or a journey something read, watched or studied, or
# somebody else's ("reads everything about how they planned the attack", "a documentary on
# plots to bomb the Tube", "people who travelled to Syria"): interest or material, not the
# person planning, travelling or joining (SET 2.3 lists interest in material under
# engagement; the police route of SET 2.4 and the Thurrock pack is for planning itself).
_MATERIAL_BEFORE = re.compile(
    r"\b(read\w*|watch\w*|documentar\w*|videos? (about|of|on)|films? (about|of|on)|"
    r"books? (about|of|on)|articles? (about|of|on)|news|stor(y|ies) (about|of|on)|essays?|"
    r"projects?|lessons?|epq|coursework|homework|dissertation|assignment|"
    r"obsess\w*|fascinat\w*|interest\w* in|learn\w* about|"
    r"(people|those|men|women|others|fighters|terrorists|someone|somebody) who|"
    r"how (they|the \w+|those \w+)|what (they|the \w+) did|"
    r"how \w+ (recruited|planned|plotted|made|built|carried out|travelled|traveled|got)|"
    r"asked (me|us|staff|in class|(the|his|her|their|a|an|our|my) (\w+ )?(teacher|tutor|"
    r"lecturer|teaching assistant|member of staff)))\b"
)
# A trip to family or on holiday is not travel to join a group.
_ORDINARY_TRIP_AFTER = re.compile(
    r"^[^.;]{0,40}?\b(to (see|visit|stay with)|visit(ing)?|on holiday|(for|to) (a|the) "
    r"(holiday|holidays|wedding|funeral))\b"
)


def _own_act(text: str, match: re.Match[str]) -> bool:
    """Whether a terrorism match is the person's own planning, travel or membership."""
    clause = re.split(r"[.;!?]", text[max(0, match.start() - 60) : match.start()])[-1]
    if _MATERIAL_BEFORE.search(clause):
        return False
    return not _ORDINARY_TRIP_AFTER.search(text[match.end() :])


_CONFUSED = re.compile(
    r"\b(what do you mean|what does (that|this|it) mean|(don'?t|do not) understand|"
    r"(don'?t|do not) get (it|the question|what you mean)|confused by|explain (the|that|this) "
    r"question|what counts as|what is meant by)\b"
)


#: Someone from a named group in contact with the person ("a recruiter from National Action
#: has been chatting with him"): contact with a proscribed organisation (SET 1.3).
_CONTACT_PEOPLE = (
    r"(someone|somebody|a man|a woman|a guy|a lad|an older (man|woman|lad|guy)|people|"
    r"a member|members|a recruiter|recruiters|men|women|a contact|contacts|a handler)"
)
#: Money on its way to a named group or its fighters, in plain words ("the cash she raises
#: ends up with ... fighters", "the donations are really for ...": funding, SET 1.3).
_MONEY = r"(money|cash|funds|donations?|collections?|proceeds|takings|savings)"
_TOWARDS = r"(go(es|ing)?|went|gone|ends? up|end(ed|ing) up|sent|sends|sending|for|to|with)"


@functools.lru_cache(maxsize=2)
def _proscribed_acts(path: Path = PROSCRIBED_FILE) -> tuple[re.Pattern[str], ...]:
    names = proscribed_names(path)
    if names is None:
        return ()
    group = names.pattern.removeprefix(r"(?<![\w-])").removesuffix(r"(?![\w-])")
    return (
        re.compile(
            rf"(?<![\w-]){_CONTACT_PEOPLE} (from|of|in|linked to|belonging to) (the )?"
            rf"{group}(?![\w-])"
        ),
        # Its meetings attended or its card held ("going to meetings of National Action",
        # "a National Action membership card"): membership (SET 1.3, Thurrock pack).
        re.compile(
            r"(?<![\w-])(meetings?|events?|rallies|rally|camps?|gatherings?|training sessions?|"
            r"chapters?|cells?) (of|with|for|run by|organised by|held by) (the )?"
            rf"{group}(?![\w-])"
        ),
        re.compile(rf"(?<![\w-]){group} (membership|member'?s) (card|badge|number|id)"),
        re.compile(
            rf"(?<![\w-]){_MONEY}\b[^.;]{{0,60}}?\b{_TOWARDS}\b[^.;]{{0,25}}?"
            rf"(the )?(fighters (of|from|for|with) (the )?)?{group}(?![\w-])"
        ),
        # The group named first, then "pledged allegiance to them" in the same sentence
        # ("posts Islamic State propaganda and says he's sworn allegiance to them").
        re.compile(
            rf"(?<![\w-]){group}(?![\w-])[^.;!?]{{0,80}}?\b((pledg\w+|swor?e|swearing|sworn) "
            r"(his |her |their )?(allegiance|loyalty|bay'?ah) to|recruit(s|ing|ed)? for|"
            r"joined|(is|'s|are|'re) (a )?members? of) (them|it|the group|that group)\b"
        ),
    )


@functools.lru_cache(maxsize=2)
def _cased_acts(path: Path = PROSCRIBED_FILE) -> tuple[re.Pattern[str], ...]:
    """Joining or contact with a group whose name is a common phrase unless capitalised
    ("The Base"; the list's `cased` names), read on the text as typed."""
    if not path.exists():
        return ()
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    orgs = data.get("organisations") or []
    cased = {re.escape(str(n)) for org in orgs for n in org.get("cased") or []}
    # Abbreviations that are also ordinary words ("IS"), as typed, only straight after a
    # word of joining ("to join IS", "fighting for IS"): never after contact words.
    short = {re.escape(str(n)) for org in orgs for n in org.get("in_context") or []}
    if not cased:
        return ()
    group = "(" + "|".join(sorted(cased, key=len, reverse=True)) + ")"
    patterns = [
        re.compile(rf"(?<![\w-])(?i:{_CONTACT_PEOPLE} (from|of|in|linked to|belonging to) )"
                   rf"{group}(?![\w-])"),
        re.compile(rf"(?<![\w-])(?i:{_JOINS}) {group}(?![\w-])"),
    ]
    if short:  # not before another word in capitals ("to join IS NOT easy": emphasis)
        abbreviation = "(" + "|".join(sorted(short, key=len, reverse=True)) + ")"
        patterns.append(
            re.compile(rf"(?<![\w-])(?i:{_JOINS}) {abbreviation}(?![\w-])(?!\s+[A-Z]{{2,}}\b)")
        )
    return tuple(patterns)


def _names_cased_proscribed(typed: str) -> str | None:
    """`_names_proscribed` for the list's capitalised names, on the text as typed."""
    text = re.sub(r"\s+", " ", (typed or "").replace("\u2019", "'")).strip()
    lowered = text.lower()
    letters = [c for c in text if c.isalpha()]
    if letters and sum(c.isupper() for c in letters) > len(letters) / 2:
        return None  # typed in capitals: a capital says nothing about a name
    for pattern in _cased_acts():
        for match in pattern.finditer(text):
            if _NEGATORS.search(_clause_before(lowered, match.start())):
                continue
            if not _own_act(lowered, match):
                continue
            return match.group(0).strip()
    return None


def _names_proscribed(text: str) -> str | None:
    """Joining, membership of, contact with or funding a proscribed organisation on the data
    list: the words that say so, or None (negated, or only read or watched about)."""
    pattern = proscribed_pattern()
    if pattern is None:
        return None
    for candidate in (pattern, *_proscribed_acts()):
        for match in candidate.finditer(text):
            if _NEGATORS.search(_clause_before(text, match.start())) or not _own_act(text, match):
                continue
            return match.group(0).strip()
    return None


# "..., but nothing concrete", "though I don't think there's an actual plan": a yes that the
# same reply takes back or leaves open.
_HEDGED = re.compile(
    r"\b(but|though|although|however|except)\b[^.;]*\b(no|not|nothing|never|none|\w+n't|"
    r"don'?t know|not sure|unsure|no idea|can'?t (say|tell)|unclear|vague)\b"
)
# When is not known: a plan with no date yet is still a plan ("planning it, but no date").
_NO_DATE = re.compile(
    r"[,;-]?\s*\b(but |though |although |just )?((there'?s|there is|with) (just |still )?)?"
    r"(no|not a|not any) (set |fixed )?(date|day|time|timescale|timeline)"
    r"( set| fixed| yet| that i know of)*"
    r"|[,;-]?\s*\b(but |though )?(i |we )?(don'?t|do not) know when\b"
    r"|\bnot sure when\b|\bno idea when\b"
)
# Views said to be held: "those are his views", "it's his own beliefs" (outside a negated
# clause). Only words for views and hatred: "cynical about politics" is not one.
_VIEWS_HELD = re.compile(
    r"\b(views?|beliefs?|opinions?|ideology|extrem\w*|radical\w*|racis\w*|hatred|hateful|antisemit\w*|"
    r"islamophob\w*|homophob\w*|misogyn\w*|supremac\w*|propaganda)\b"
)
# "No clear ideology", "a mix of things he reads online": Prevent covers mixed, unclear or
# unstable ideologies too (SET 2.3 lists the examples as not exhaustive), so this is not a no.
_UNCLEAR_IDEOLOGY = re.compile(
    r"\b((no|not (a|any|one)|doesn'?t (have|follow|hold) (a|any|one)|without (a|any)) "
    r"(clear|particular|specific|single|one|coherent|consistent|fixed|obvious) "
    r"(ideology|cause|group|belief system|set of (beliefs|views)|view|movement)|"
    r"(a )?mix(ed|ture)? (of|bag of) (ideas|ideologies|views|things|causes|beliefs|stuff)|"
    r"pick[- ]and[- ]mix|mixed,? unclear or unstable|unclear ideology|bit of everything)\b"
)


# The practitioner's own "it's just X" to the extremism question, with no view named in it
# (views are read first): a different worry, or none. What staff saw still stands: a "no"
# is refused while a sign has been seen (TriageFacts.combined).
_JUST_SOMETHING_ELSE = re.compile(
    r"^\s*((i'?d say|i think|honestly|to be honest|well|really|tbh),? )?"
    r"((it'?s|it is|that'?s|this is|he'?s|she'?s|they'?re|he is|she is|they are) )?"
    r"(just|only|simply|purely|more|mostly) "
    # "just that comment", "only the one phrase": how much was seen, not another kind of
    # worry; what was said is still the worry (read as "not sure", never "no").
    r"(?!((that|the|this|those|these|a|one)( one| single| same| odd)? (comment|remark|phrase|"
    r"words?|saying|slogan|chant|statement|post|message|line|drawing|picture|thing (he|she|they) "
    r"(said|says|wrote|posted))s?|once|twice|what (he|she|they) (said|wrote|posted))\b)"
)
#: "It's coursework", "it was the homework on ...": the practitioner placing what was read
#: or searched in set work (the study words are `study_context` in lexicon.yml).
_SET_WORK_ANSWER = re.compile(
    r"^\s*(no,? )?(it'?s|it is|it was|that'?s|that is|this is|that was|all|all of it was|"
    r"they were|the searches were|(the|his|her|their) \w+ (is|are|was|were)) "
    r"(all |just |only |part of |for )?(a |an |the |his |her |their )?"
)
#: The person's own account ("he says it's for a project"): recorded as denial, never "no".
_THEIR_ACCOUNT = re.compile(r"\b(says|said|claims|claimed|insists|insisted|reckons|told me)\b")


#: Spreading material (sharing, posting, handing it out) is not studying it, whatever the
#: project: the material then counts as a sign as usual.
_SPREADS = re.compile(
    r"\b(shar(e|es|ed|ing)|post(s|ed|ing)?|hand(s|ed|ing)? (it |them )?out|giv(es|ing) out|"
    r"gave out|distribut\w+|put(s|ting)? up|send(s|ing)?|sent|forward\w*|airdrop\w*|spread\w*)\b"
)
#: Material kept, watched, worn or displayed as the person's own (on a phone, a locker, at
#: home; "obsessed"; printing it for the project is not): beside set work, it is still a
#: sign, never erased by the project (SET 2.3; a cold review: "his RE homework was
#: covered in swastikas and he watches far-right videos at home").
_OWN_USE = re.compile(
    r"\b(keeps?|kept|keeping|watch(es|ing|ed)?|putting|covered in|"
    r"at home|bedroom|on (his|her|their) (phone|locker|laptop|bag|books?|desk|wall|"
    r"planner|pencil case|arm|hand)|obsess\w*|doodl\w*|draws?|drawing|drew|tattoo\w*|"
    r"wears?|wearing|wore)\b"
)
#: Words for material rather than views held: in set work they name what was studied.
_MATERIAL_WORDS = frozenset({"propaganda"})


def _set_work(text: str) -> bool:
    """Whether the practitioner places what a message names in set work or study ("a history
    project on Nazi propaganda", "researching extremism for her coursework", a question in an
    RE lesson), in their own words: not the person's account of it ("he says it's for a
    project"), nothing spread to others, and nothing kept, watched, drawn or worn as their
    own (`_OWN_USE`). Such material is asked about, not taken as a
    sign: a topic studied is not a view held (SET 2.3; Thurrock pack, myths)."""
    return (
        _mentions("study_context", text, respect_negation=False)
        and not _THEIR_ACCOUNT.search(text)
        and not _SPREADS.search(text)
        and not _OWN_USE.search(text)
    )


def _views_held(text: str, studying: bool = False) -> str | None:
    """The words of a reply that say views are held, outside a negated clause (in set work,
    words for material, such as "propaganda", name what was studied, not a view)."""
    for match in _VIEWS_HELD.finditer(text):
        if studying and match.group(0) in _MATERIAL_WORDS:
            continue
        clause = _CLAUSE_BREAK.split(text[: match.start()])[-1]
        if not _NEGATORS.search(clause):
            return clause.strip() + " " + match.group(0)
    return None


#: Where a reply's clauses part ("he's on discord with him, he's dropped his friends and ...").
_REPLY_CLAUSES = re.compile(r"[,;.!?]| - | but | and | though | although | so ")


def _negation_answers(text: str) -> bool:
    """Whether a "no" in a reply answers the question: it is in the reply's first clause of
    some length ("He doesn't hold any views like that", "honestly, he hasn't said anything"),
    not in a later clause of a description ("he's on discord with him, he's dropped his
    friends and doesn't want to play football": what was seen, in the person's own words)."""
    start = 0
    for match in [*_REPLY_CLAUSES.finditer(text), None]:
        end = match.start() if match else len(text)
        clause = text[start:end]
        if _SENTENCE_NO.search(clause) or _NO.search(clause.strip()):
            return True
        if len(clause.split()) >= 3:
            return False  # a statement came first: a later "doesn't" describes, not answers
        start = match.end() if match else end
    return False


def yes_no(text: str) -> str | None:
    """A yes / no / not-sure reading of a reply, or None if it isn't one.

    The first words decide ("Yes, though he hasn't threatened anyone" is a yes); only when
    they say nothing does the rest of the sentence count.
    """
    t = _LEAD_IN.sub("", _normal(text))
    if not t or _CONFUSED.search(t):
        return None  # "I don't understand the question" is not a "no"
    if _LEAD_UNSURE.match(t):
        return "unsure"
    if _LEAD_NO.match(t):
        return "no"
    if _LEAD_YES.match(t):
        return "yes"
    if _TRAILING_NO.search(t):
        return "no"  # "she is off sick this week, so no"
    if _UNSURE.search(t):
        return "unsure"
    if _negation_answers(t):
        return "no"
    if _YES.search(t):
        return "yes"
    return None


def statement_reading(text: str) -> str | None:
    """A sentence given in place of a button: a described sighting is a yes, "I haven't
    noticed anything" a no, a question or nothing recognisable None."""
    t = _normal(text)
    if not t or t.endswith("?"):
        return None
    reading = yes_no(t)
    if reading:
        return reading
    if _SENTENCE_YES.search(t) and len(t.split()) >= 3:
        return "yes"
    return None


#: The youngest age a date with no birthday word is read as (Reception starts at 4).
_YOUNGEST_FROM_A_BARE_DATE = 4


def age_from_text(text: str, today: date | None = None, bare_number: bool = False) -> int | None:
    """An age in years from "14 year old", "aged 14", "she's 15", a date of birth or "year 9".

    Dates are read by bot/dates.py, as in the referral form: a date of birth in any shape
    ("3rd March 2011", "14/02/2012") when the text says it is one, answers the age question
    or is little more than the date; a birthday with no year is never an age ("15, born 5th
    November" is 15, "born 5th November" alone is no age at all).
    """
    t = _normal(text)
    today = today or date.today()
    # A date in a longer message may be when something happened ("on 12/03/2025 he posted")
    said_birthday = bool(BIRTHDAY_WORDS.search(t))
    if bare_number or said_birthday or len(t.split()) <= 5:
        born = find_date(t, today)
        # Without a birthday word a recent date is when something happened ("posted it 3
        # March 2024" is no 2-year-old): it is an age only at school age or over (S3-3).
        youngest = 0 if said_birthday else _YOUNGEST_FROM_A_BARE_DATE
        if isinstance(born, date) and born <= today and youngest <= age_on(born, today) <= 120:
            return age_on(born, today)
    if day_month_without_year(t):
        t = without_day_month(t)
    for pattern in _AGE_PATTERNS:
        match = pattern.search(t)
        if match and 0 < int(match.group(1)) <= 120:
            return int(match.group(1))
    match = _SCHOOL_YEAR.search(t)
    if match and 1 <= int(match.group(1)) <= 13:
        return int(match.group(1)) + 4  # UK school year N: pupils turn N+5 during it
    if _EARLY_YEARS.search(t):
        return 4  # Reception: pupils turn 5 during it
    if bare_number:
        match = _BARE_NUMBER.match(t)
        if match and 0 < int(match.group(1)) <= 120:
            return int(match.group(1))
    return None


_TEENS = "ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen".split()
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
         "eighty": 80, "ninety": 90}
_UNIT_WORDS = {w: n for n, w in enumerate(
    "one two three four five six seven eight nine".split(), start=1)}
_NUMBER_WORDS = {**{w: n for n, w in enumerate(_TEENS, start=10)}, **_TENS}
_NUMBER_WORD = re.compile(
    r"\b(?:(" + "|".join(_TENS) + r")(?:[\s-]+(" + "|".join(_UNIT_WORDS) + r"))?|("
    + "|".join(_TEENS) + r"))\b"
    r"|\b(" + "|".join(list(_UNIT_WORDS)[4:]) + r")(?=[\s-]*years?[\s-]*old)"
)


def _number_words_as_digits(text: str) -> str:
    """ "fifteen" -> "15", "twenty-three" -> "23"; five to nine only as "... years old"
    ("five years at the school" is no age)."""

    def digits(match: re.Match[str]) -> str:
        if match.group(4):
            return str(_UNIT_WORDS[match.group(4)])
        if match.group(3):
            return str(_NUMBER_WORDS[match.group(3)])
        return str(_TENS[match.group(1)] + (_UNIT_WORDS[match.group(2)] if match.group(2) else 0))

    return _NUMBER_WORD.sub(digits, text)


#: A bound rather than an age: "under 18" is a child, never an adult of 18 (SET 2.4).
_UNDER = re.compile(r"\b(under|below|younger than|less than|not yet) (\d{1,2})\b")
_OVER = re.compile(
    r"\b(over|above|older than|at least|more than) (\d{1,2})\b|\b(\d{1,2}) ?(or over|or older|"
    r"and over|and older|\+)"
)
#: A birthday to come: "he'll be 18 in March", "nearly 18" is still 17.
_AGE_TO_COME = re.compile(
    r"\b(will be|'ll be|turns|turning|is turning|nearly|almost|about to turn|soon to be) "
    r"(\d{1,2})\b"
)
#: Life stages that say adult without an age.
_ADULT_STAGE = re.compile(
    r"\b((university|uni) student|undergrad\w*|postgrad\w*|at (uni|university)|"
    r"(first|second|third|final) year (at|of) (uni|university)|"
    r"grand(mother|father|parent|ma|pa|mum|dad)s?)\b"
)


def _age_facts(text: str, asked: bool) -> dict[str, Any]:
    t = _number_words_as_digits(_normal(text))
    under, over, to_come = _UNDER.search(t), _OVER.search(t), _AGE_TO_COME.search(t)

    def an_age(n: int) -> bool:  # "less than 10 minutes" in an opening is no age
        return asked or n in (16, 17, 18, 21)

    if under and int(under.group(2)) <= ADULT_AGE and an_age(int(under.group(2))):
        return {"age_group": "child"}
    if over and int(over.group(2) or over.group(3)) >= ADULT_AGE:
        if an_age(int(over.group(2) or over.group(3))):
            return {"age_group": "adult"}
    if to_come and 0 < int(to_come.group(2)) <= 120 and an_age(int(to_come.group(2))):
        coming = int(to_come.group(2)) - 1
        return {"age": coming, "age_group": "adult" if coming >= ADULT_AGE else "child"}
    age = age_from_text(t, bare_number=asked)
    if age is not None:
        return {"age": age, "age_group": "adult" if age >= ADULT_AGE else "child"}
    if asked:
        # "14-15", "15 or 16", "late twenties": the form's reader of approximate ages
        span = [int(n) for n in re.findall(r"\d+", approximate_age(t) or "")]
        if span:
            if max(span) < ADULT_AGE:
                return {"age_group": "child"}
            return {"age_group": "adult" if min(span) >= ADULT_AGE else "unsure"}
    if re.search(r"\bsixth[- ]form(er)?\b", t):
        return {"age_group": "child"}
    if _CHILD_OF.search(t):
        return {"age_group": "child"}
    if _adult_word(t) or _ADULT_STAGE.search(t):
        return {"age_group": "adult"}
    if _CHILD_WORDS.search(t):
        return {"age_group": "child"}
    if asked and _IS_A_PARENT.search(t):
        return {"age_group": "adult"}
    if asked and yes_no(t) == "unsure":
        return {"age_group": "unsure"}
    return {}


def _family_facts(text: str) -> dict[str, Any]:
    t = _normal(text)
    facts: dict[str, Any] = {}
    if _mentions("family_aware_no", t, respect_negation=False):
        facts["family_aware"] = "no"
    elif _mentions("family_aware_yes", t):
        facts["family_aware"] = "yes"
    if _mentions("family_implicated_yes", t):
        facts["family_implicated"] = "yes"
    elif _mentions("family_implicated_no", t, respect_negation=False):
        facts["family_implicated"] = "no"
    return facts


def _dsl_fact(text: str) -> str | None:
    t = _normal(text)
    if not _DSL_WORDS.search(t):
        return None
    if _mentions("dsl_yes", t):
        return "yes"
    if _DSL_NOT_YET.search(t):
        return "no"
    return None


#: "Is she being radicalised?", "could this be radicalisation?": the practitioner's question,
#: not a cause named or seen.
_RADICALISATION_WORD = re.compile(
    r"\b((worried|concerned|worry|think|wonder\w*|whether|if|could|might|may|"
    r"(is|was) (this|it|that)|signs? of)\W+"
    r"(\w+\W+){0,3}?)(radicali[sz]\w*|extremis[mt]\w*)"
)


def _without_asked_radicalisation(t: str) -> str:
    """The text without the words "radicalised" or "extremism" where a sentence asks about
    them ("should I be worried she's being radicalised?"): the question is the practitioner's,
    what was seen is in the other words (SET 2.3). Asked, not assumed."""
    parts = re.split(r"(?<=[.!?;])\s+", t)
    return " ".join(
        _RADICALISATION_WORD.sub(r"\1", p) if p.rstrip().endswith("?") else p for p in parts
    )


def _practitioner_says_not_extremism(t: str) -> bool:
    """The practitioner's own word that the worry is not about extremism ("Nothing to do with
    extremism."), in a sentence that is not the person's account ("he says it's nothing")."""
    for sentence in re.split(r"(?<=[.!?;])\s+", t):
        if _mentions("ideology_denial", sentence, respect_negation=False):
            if not _THEIR_ACCOUNT.search(sentence):
                return True
    return False


def mentioned_facts(text: str) -> dict[str, Any]:
    """Facts a free-text message states, whatever was asked.

    What was seen or heard (symbols, material, words) is kept apart from the person's own
    account of it: "he says it means nothing" sets `denial`, never `ideology: no` (SET 2.3).
    """
    t = _normal(text)
    facts: dict[str, Any] = dict(_age_facts(t, asked=False))
    if _mentions("account_denial", t, respect_negation=False):
        facts["denial"] = "yes"
    for dimension in ("engagement", "intent", "capability"):
        if _mentions(dimension, t):
            facts[dimension] = "yes"
    # Material or symbols placed in set work by the practitioner are asked about, not taken
    # as a sign; with intent alongside, or the person's own account, they count (SET 2.3).
    studying = _set_work(t) and facts.get("intent") != "yes" and facts.get("denial") != "yes"
    if not studying and _mentions("engagement_material", t):
        facts["engagement"] = "yes"  # a swastika, extremist material (SET 2.3)
    cause_named = _mentions("ideology", t) or facts.get("intent") == "yes"
    explained_away = facts.get("denial") == "yes"  # "a flag, he says it means nothing"
    if (cause_named or explained_away) and not studying and _mentions("engagement_generic", t):
        facts["engagement"] = "yes"  # a badge or new friends with a cause named (SET 2.3)
    # Exploitation told in plain words (money from older men, carrying packages): with no
    # cause named, its "older friends" are not engagement with a group (lexicon.yml).
    exploited = _mentions("exploitation", t)
    if exploited and not _mentions("ideology", t):
        facts.pop("engagement", None)
    if _mentions("appearance", t) and _mentions("ideology", t):
        facts["engagement"] = "yes"  # dressing "to accord with the group" (SET 2.3), not faith
    if _mentions("terrorism", t) or _names_proscribed(t) or _names_cased_proscribed(text):
        facts["terrorism"] = "yes"
    elif _mentions("terrorism_none", t, respect_negation=False):
        facts["terrorism"] = "no"  # "no plan that we know of" in the opening
    signs = any(facts.get(d) == "yes" for d in ("engagement", "intent", "terrorism"))
    studied = _mentions("study_context", t, respect_negation=False)
    seen = signs or (_mentions("ideology", _without_asked_radicalisation(t)) and not studied)
    if seen:
        facts["ideology"] = "yes"
    elif _practitioner_says_not_extremism(t):
        facts["ideology"] = "no"
    elif (
        not _mentions("ideology", _without_asked_radicalisation(t))
        and not _mentions("aim_against_people", t, respect_negation=False)
        and _lawful_activity(t)
    ):
        facts["ideology"] = "no"  # lawful, peaceful protest or politics alone (SET 1.2)
    if _mentions("other_safeguarding", t) or exploited:
        facts["other_safeguarding"] = "yes"
    elif _mentions("other_safeguarding_none", t, respect_negation=False):
        facts["other_safeguarding"] = "no"
    if _says_safe(t) and not _NOT_SAFE.search(t):
        facts["immediate_risk"] = "no"
    dsl = _dsl_fact(t)
    if dsl:
        facts["dsl_consulted"] = dsl
    facts.update(_family_facts(t))
    area = area_from_text(t)
    if area:
        facts["area"] = area
    return facts


def area_from_text(text: str, base: Any = None) -> str | None:
    """The area a message says the user works in ("a school in Southend", "Catford"), if any.

    One source for places: `guidance/contacts.yml` (`places`), read by bot/guidance/areas.py,
    whose rules also give Southend before Essex ("Southend, Essex": SET Annex B lists each
    area's own leads) and skip "Essex Police" or "from Essex". `base` is the loaded guidance
    (the process's own by default).
    """
    from bot.guidance import get_guidance
    from bot.guidance.areas import named_area

    return named_area(_normal(text), base if base is not None else get_guidance())


#: What counts as an answer to each question, beyond the fact itself.
_ANSWERED_BY = {"age_group": ("age",), "family_aware": ("family_implicated",)}


def answers_question(asked: str, facts: dict[str, Any]) -> bool:
    """Whether the facts read from a reply answer the question asked.

    A family implicated answers "does the family know?": consent is not sought from a
    family that is implicated (SET 2.4), so the question need not be pressed.
    """
    if asked in facts:
        return True
    if asked == "family_aware":
        return facts.get("family_implicated") == "yes"
    return any(k in facts for k in _ANSWERED_BY.get(asked, ()))


#: Facts that answer a question of their own (family, age, the DSL): a reply to another
#: question that says only one of these is about that, and its "yes" or "no" goes with it.
_OTHER_QUESTION_FACTS = ("family_aware", "family_implicated", "dsl_consulted", "age")
#: Facts about the person's views and behaviour: any of them in the reply is an answer.
_CONCERN_FACTS = (
    "ideology", "engagement", "intent", "capability", "terrorism", "immediate_risk",
    "other_safeguarding", "denial",
)


#: "Prevent referral or police?", "DSL or ring the police": the practitioner asking which
#: route, not the person joining the police; a reply made of it answers nothing.
ROUTE_QUESTION = re.compile(
    r"\b((prevent|channel)( referral)?|(a |the )?referral|refer(ring)?( (him|her|them))?|"
    r"(the )?dsl|999|(the |a )?(vtr )?form)\s+or\s+(ring |call |phone |tell |go to |contact )?"
    r"(the )?police\b|\bpolice\s+or\s+(a |the )?(prevent|channel|referral|refer|dsl|vtr)\b"
)


#: A reply with a second clause ("yes, he threatened a boy, and his mum knows") says more
#: than another question's answer: its yes stays with the question asked.
_SECOND_CLAUSE = re.compile(r"[,;]|\b(and|but|also|though|plus)\b")
_LEADING_YES_NO = re.compile(r"^\W*(yes|yeah|yep|yup|no|nope|nah)\b\W*")


def _about_another_question(asked: str, facts: dict[str, Any], text: str) -> bool:
    """The reply speaks only of another question's subject (its family, the DSL, an age):
    one short clause after its yes or no, and no fact about the person's behaviour."""
    if asked not in ("engagement", "intent", "capability", "other_safeguarding", "terrorism"):
        return False
    rest = _LEADING_YES_NO.sub("", text)
    if _SECOND_CLAUSE.search(rest) or len(rest.split()) > 8:
        return False
    return any(k in facts for k in _OTHER_QUESTION_FACTS) and not any(
        k in facts for k in _CONCERN_FACTS
    )


def answer_facts(asked: str, text: str) -> dict[str, Any]:
    """The facts a reply gives: first as an answer to `asked`, then anything else it says."""
    t = _normal(text)
    facts = mentioned_facts(text)  # as typed: a capitalised name is read as one ("The Base")
    if _CONFUSED.search(t):
        return facts  # a question about the question: answered by "why?", then asked again
    if asked == "age_group":
        facts.update(_age_facts(t, asked=True))
        return facts
    if asked == "family_aware":
        family = _family_facts(t)
        if "family_aware" not in family and family.get("family_implicated") != "yes":
            reading = statement_reading(t)
            if reading:
                family["family_aware"] = reading
        facts.update(family)
        return facts
    if asked == "adult_consent":
        for value, pattern in _ADULT_CONSENT:
            if pattern.search(t):
                facts["adult_consent"] = value
                break
        else:
            if yes_no(t) == "unsure":
                facts["adult_consent"] = "unsure"
            elif yes_no(t) == "no":
                facts["adult_consent"] = "not_asked"
        return facts
    if asked == "dsl_consulted":
        reading = _dsl_fact(t) or statement_reading(t)
        if reading:
            facts["dsl_consulted"] = reading
        return facts
    reading = yes_no(t)
    about_dsl = "dsl_consulted" in facts and bool(_DSL_WORDS.search(t))
    if about_dsl or _about_another_question(asked, facts, t):
        # "yes, I spoke to our DSL", "yes his mum knows", "yes he's 15": the yes answers
        # another question (what the reply is about), not this one; its facts are kept and
        # this question is asked again rather than answered "yes" by a word about the family.
        about_dsl = True
        reading = None
    if asked in ("engagement", "intent", "capability", "other_safeguarding", "terrorism"):
        described = _described_after_no(t) if reading == "no" else None
        if described is not None:
            # "No, but he has been looking up how to make a pipe bomb", "no - he's got his
            # dad's air rifle though": what the answer describes is never erased by its "no"
            facts.update({k: v for k, v in described.items() if v == "yes"})
            reading = "yes" if described.get(asked) == "yes" else "unsure"
        elif reading == "no" and _LEAD_NO.match(t) and not _CONTRAST.search(t):
            facts.pop(asked, None)  # "No, nothing about travel, a banned group or an attack"
        elif reading == "no" and _said_or_done_after_no(t):
            # "not really, though he did say he'd like to see them all gone": the soft no
            # is taken back by what follows it; not a yes, never a plain no (SET 2.5)
            reading = "unsure"
        if facts.get(asked) == "yes" and reading != "unsure":
            reading = "yes"  # what the reply describes counts, whatever word it starts with
        if reading is None and facts.get("denial") == "yes":
            reading = "unsure"  # their own account answers nothing about what was seen
        if reading is None and asked != "terrorism" and not about_dsl:
            reading = statement_reading(t)
            if reading == "yes" and asked == "intent" and _SELF_HARM_ONLY.search(t):
                # "he wants to hurt himself, not anyone else": a harm to the person (kept as
                # other_safeguarding), not an intent to harm others (SET 2.3)
                reading = "no" if _NOBODY_ELSE.search(t) else "unsure"
        if (
            asked == "engagement"
            and reading == "yes"
            and facts.get("engagement") != "yes"
            and _mentions("lawful_service", ROUTE_QUESTION.sub(" ", t))
            and not _mentions("ideology", t)
        ):
            reading = "no"  # "she wants to join the RAF": a lawful service, not a cause
    if asked == "terrorism" and reading != "no" and _mentions("terrorism_answer_yes", t):
        reading = "yes"  # "he's planning it, no date yet": the person's own planning
    if (
        asked == "terrorism"
        and reading == "yes"
        and facts.get("terrorism") != "yes"
        and _RECRUITS.search(t)
        and not _mentions("terrorism_answer_yes", t)
        and not _BANNED_GROUP.search(t)
    ):
        # "yes, he's been inviting classmates to the server": recruiting others, engagement
        # (SET 2.3), told for the planning question; asked about, never the police route alone
        facts["engagement"] = "yes"
        reading = "unsure"
    if asked == "terrorism" and reading == "yes" and facts.get("terrorism") != "yes":
        if _HEDGED.search(_NO_DATE.sub("", t)):
            reading = "unsure"  # "she did mention living abroad, but nothing specific"
    if asked == "immediate_risk" and _NOT_SAFE.search(t):
        facts.pop("immediate_risk", None)
        reading = "yes"  # "he's not safe at home" is never "no danger"
    elif asked == "immediate_risk" and reading == "yes" and not _DANGER_YES.match(t):
        reading = None  # "He has also been sharing videos": more of the story, not a yes
    plain_no = bool(_LEAD_NO.match(_LEAD_IN.sub("", t))) and not _CONTRAST.search(t)
    if asked == "immediate_risk" and reading != "yes" and not plain_no and _imminent_harm(t):
        facts.pop("immediate_risk", None)
        reading = "yes"  # "I've just had a call: he's on the roof right now saying he'll jump"
    if asked == "immediate_risk" and reading in (None, "unsure") and not plain_no and _near_when(t):
        facts.pop("immediate_risk", None)
        reading = "yes"  # "it's tonight, a few hours", "he's outside right now": harm is near
    if asked == "immediate_risk" and reading is None and facts.get("immediate_risk"):
        reading = facts["immediate_risk"]
    if asked in ("ideology", "engagement") and reading is None and _names_a_proscribed_group(t):
        facts["ideology"] = "yes"
        reading = "yes"  # "National Action.": the group is named (SET 2.3: support for a group)
    if asked == "ideology" and reading in (None, "unsure") and _ONLY_FEELINGS.match(t):
        reading = "no"  # "he was upset and confused": a reaction to the news, no view held
    if asked == "ideology" and reading == "no" and _said_or_done_after_no(t):
        reading = "unsure"  # "not really, though he did say some odd things about Jews"
    if asked == "ideology":
        studying = _set_work(t)
        if (
            _LAWFUL.search(t)
            and not any(facts.get(k) == "yes" for k in ("intent", "terrorism", "engagement"))
            and not _mentions("aim_against_people", t, respect_negation=False)
        ):
            facts.pop("ideology", None)
            reading = "no"  # peaceful, lawful campaigning for a cause is not extremism
        elif "yes" not in (reading, facts.get("ideology")) and _mentions(
            "aim_against_people", t, respect_negation=False
        ):
            reading = "unsure"  # a lawful form with an aim against people: not a no (S3-4)
        elif facts.get("ideology") == "yes":
            reading = "yes"  # what the reply describes counts ("no group, but a Nazi flag")
        elif _UNCLEAR_IDEOLOGY.search(t) and reading != "yes":
            reading = "unsure"  # mixed or unclear is not "no" (SET 2.3)
        elif facts.get("ideology") == "no" and reading in (None, "unsure"):
            reading = "no"  # the practitioner's "she's critical of the ideology" (lexicon.yml)
        elif not _LEAD_NO.match(t) and not _LEAD_UNSURE.match(t) and _views_held(t, studying):
            reading = "yes"  # "those are his views; I don't know of any group behind him"
        elif (
            reading in (None, "unsure")
            and _SET_WORK_ANSWER.match(t)
            and studying
            and not _CONTRAST.search(t)
            and not _views_held(t, studying)
        ):
            reading = "no"  # "it's coursework from the reading list" (Thurrock pack myths)
        elif reading is None and _JUST_SOMETHING_ELSE.match(t):
            reading = "no"  # the practitioner's own "it's just teenage edginess" (SET 2.3)
        if reading is None and facts.get("ideology"):
            reading = facts["ideology"]
        if reading is None and _ABOUT_VIEWS.search(t):
            reading = "yes"  # "it's about his views on Jewish people"
        if reading == "no":
            facts.pop("ideology", None)
        if reading is None and facts.get("other_safeguarding") == "yes":
            reading = "no"  # "it's about mate crime": a different kind of worry
    if asked == "other_safeguarding" and reading in (None, "unsure") and _HEDGED_WORRY.search(t):
        reading = "yes"  # "he might be linked to older boys": a worry named, however hedged
    if asked == "public_interest" and reading in (None, "unsure") and _RISK_TO_OTHERS.search(t):
        reading = "yes"  # "I'm worried he could hurt someone": a risk to others (SET 2.4)
    if reading:
        facts[asked] = reading
    return facts


#: A worry named with a hedge, as the answer to "is anything else worrying you?" ("he might
#: be linked to older boys", "I think she's being bullied"): the hedge is about whether it is
#: so, the worry is named (SET 2.5: the safeguarding route).
_HEDGED_WORRY = re.compile(
    r"\b(might|may|could|must) (well )?(be|have been) (\w+ ){0,1}(linked|involved|mixed up|"
    r"hanging (around|about|out)|associating|in with|getting|being|at risk|exploited|groomed|"
    r"bullied|abused|used|struggling|targeted|self[- ]harming|depressed|neglected)\b|"
    r"^\W*(i think|i suspect|i'?m worried|i worry|i fear|we think|we suspect|possibly|probably|"
    r"maybe|perhaps)\W+(that )?(he|she|they)('s| is| are|'re| has| have| was| were| might| may)"
    r" (\w+ ){0,2}(being|been|getting|linked|involved|mixed up|exploited|groomed|bullied|abused|"
    r"self[- ]harming|depressed|neglected|scared|frightened|isolated|struggling)\b"
)
#: A reply to the extremism question that tells only how the person felt ("he was upset and
#: confused", "she seemed scared"): a reaction, not a view held (SET 2.3; Thurrock pack myths).
#: Interest or curiosity is not a reaction: SET 2.3 lists interest in material as a sign.
_ONLY_FEELINGS = re.compile(
    r"^\W*((he|she|they)('s| is| are|'re| was| were| seemed?| seems| looked| felt)|"
    r"(just|only|mostly|really))\s+(just |only |really |quite |a (bit|little) |very |mostly )?"
    r"(upset|scared|frightened|worried|confused|anxious|sad|shocked|distressed|unsettled)"
    r"((,| and| but| or)\s+(a (bit|little) |quite |very |really )?(upset|scared|"
    r"frightened|worried|confused|anxious|sad|shocked|distressed|unsettled))*\W*$"
)


#: Recruiting others to a group or a chat ("inviting classmates to the server", "trying to
#: get others to join"): engagement (SET 2.3), not a plan or travel.
#: A group said to be banned ("promoting the banned group"): a proscribed organisation.
_BANNED_GROUP = re.compile(
    r"\b(banned|proscribed|terrorist) (group|organi[sz]ation|network|cell|outfit)s?\b"
)
_RECRUITS = re.compile(
    r"\b(invit\w+|recruit\w*|(get|getting|gets|got|persuad\w+|convinc\w+|encourag\w+|"
    r"pressur\w+|talk\w*) (\w+ ){0,3}(to join|into joining|to sign up)|sign\w* (\w+ ){0,2}up)\b"
)


#: A risk to others told in plain words, as the answer about sharing without consent.
_RISK_TO_OTHERS = re.compile(
    r"\b(could|might|may|would|will|is going to|'s going to|is likely to|capable of)\s+"
    r"(\w+ )?(hurt|harm|attack|injure|kill|be a (danger|risk|threat) to|put (\w+ ){0,3}at risk)"
    r"\b(?!\s+(him|her|them)sel(f|ves))"
)


#: A leading "no", bare or soft ("not really", "not that I know of", "I don't think so"),
#: with what separates it from the rest: the words after it are read as the answer's content.
_LEAD_ANSWER_WORD = re.compile(
    r"^\s*(no|nope|nah|not really|not exactly|not as such|not directly|not yet|"
    r"not (that|as far as) (i|we)('m| am|'ve| have)? ?(know|knew|know of|am aware|'m aware|"
    r"aware|are aware|'re aware|can (see|tell)|seen|noticed|heard)( of)?|"
    r"not to (my|our) knowledge|(i|we) don'?t think so|(i|we) doubt it|probably not|"
    r"hopefully not|i wouldn'?t (say|think) so|not (much|massively|hugely|obviously|openly))"
    r"(?=[\s,.;:!-]|$)[\s,.;:!-]*"
)
#: Kinds of words the risk rules know (bot.risk.detector) that make a statement after a
#: leading "no" a description of harm, not more of the story ("he does get angry in PE").
_DESCRIBED_HARM = frozenset(
    {"means", "act", "risk to life", "planning", "travel", "group", "proscribed organisation"}
)
#: Words that open what follows a leading "no" and belong to neither ("No, but he ...").
_OPENERS = re.compile(r"^(but|though|although|however|then again|mind you|well)\b[\s,]*")


def _described_after_no(text: str) -> dict[str, Any] | None:
    """The facts of what a reply describes after its leading "no" (S6), or None when the
    rest describes nothing ("no, nothing like that", "no weapons that I know of").

    The "no" answers the question; a statement after it ("he's got his dad's air rifle")
    is read on its own, outside the reach of that "no", and counts when it states a sign
    or describes something seen or said (`statement_reading` is "yes").
    """
    lead = _LEAD_ANSWER_WORD.match(text)
    if lead is None:
        return None
    rest = _OPENERS.sub("", text[lead.end() :].strip())
    if not rest or yes_no(rest) in ("no", "unsure"):
        return None  # "no - there's no talk of travelling to fight": the rest is a no too
    facts = mentioned_facts(rest)
    if any(facts.get(k) == "yes" for k in _SIGNS):
        return facts
    if statement_reading(rest) == "yes" and _DESCRIBED_HARM & set(get_detector().features(rest)):
        return facts  # "he keeps a hunting knife under his bed": the risk rules' own words
    return None


#: What opens a clause that takes back part of a leading "no" ("not really, though ...").
_TAKES_BACK = re.compile(
    r"^(but|though|although|however|except|apart from|other than|mind you|then again|"
    r"having said that|that said|saying that)\b[\s,]*"
)


def _said_or_done_after_no(text: str) -> bool:
    """A soft or plain "no" followed by a contrast telling of something the person said or
    did ("no, but he did say ...", "not really, though he has been excluded for fighting"):
    the reply answers "partly", which is not a no (SET 2.3 lists the indicators as prompts)."""
    lead = _LEAD_ANSWER_WORD.match(text)
    if lead is None:
        return False
    rest = text[lead.end() :].strip()
    opener = _TAKES_BACK.match(rest)
    if opener is None:
        return False
    rest = rest[opener.end() :]
    if not rest or yes_no(rest) in ("no", "unsure"):
        return False
    return bool(_SENTENCE_YES.search(rest))


#: A word that turns a reply's leading "no" round ("No, but he has a knife").
_CONTRAST = re.compile(r"\b(but|though|although|however|except|apart from|other than|yet)\b")
#: Campaigning for a cause by lawful means, said so in the reply ("wants change through
#: protests and voting, nothing extreme"): not an extremist view (SET 2.3 defines extremism
#: as opposition to democracy, the rule of law, liberty, respect and tolerance).
_LAWFUL = re.compile(
    r"\b(nothing extreme|not extreme|not extremist|nothing extremist|peaceful(ly)?|lawful(ly)?|"
    r"mainstream|respectful(ly)?|polite(ly)?|"
    r"(against|opposes|opposed to|rejects|condemns) violence|"
    r"no extremist (\w+ )?(material|content|views|symbols|ideas|links|groups?)|"
    r"legal (march|marches|protests?|demonstrations?|campaign\w*)|through (protests? and )?voting|"
    r"by voting|the ballot box|petitions?|writing to (his|her|their) mp|democratic(ally)?)\b"
)


#: Lawful, peaceful protest or mainstream politics named in a message ("a peaceful march",
#: "a petition to her MP", "joined the Green Party"): with no view of concern and no sign,
#: not extremism (SET 1.2 defines it as opposition to democracy and the rule of law; "the
#: right to free speech and protest are cornerstones of British democracy", Thurrock pack).
_LAWFUL_ACTIVITY = re.compile(
    r"\b((peaceful|lawful|legal|legitimate|non[- ]violent|authorised|permitted) (\w+ ){0,2}"
    r"(protests?|march|marches|demos?|demonstrations?|sit[- ]ins?|vigils?|rally|rallies|"
    r"campaign\w*|strikes?|walk[- ]?outs?|petitions?|boycotts?)|petitions?|signatures for|"
    r"writ\w+ to (his|her|their|the|an?|our|a local|local) (mp|councillor|council)|"
    r"(joined|member of|canvass\w*|campaign\w* for|volunteer\w* for|leaflet\w* for) (the )?"
    r"(labour|conservatives?|tory|tories|lib ?dems?|liberal democrats?|green|greens|reform|snp|"
    r"plaid cymru)( party)?)\b"
)


def _lawful_activity(text: str) -> bool:
    """Whether a message names lawful protest or politics outside a negated clause."""
    return any(
        not _NEGATORS.search(_clause_before(text, m.start()))
        for m in _LAWFUL_ACTIVITY.finditer(text)
    )


#: A yes to "is anyone in immediate danger?" says yes (or names the danger); "he has ...",
#: "she did ..." at the start of a reply are more of the story, not an answer (t13b).
_DANGER_YES = re.compile(
    r"^\s*((i'?d say|i would say|i think|i reckon|honestly|to be honest)[,\s]+)?"
    r"(yes|yeah|yep|yup|yea|y|aye|correct|definitely|absolutely|certainly|sure|true|"
    + _HEDGED_YES
    + r"|"
    r"i think so|i believe so|it seems so|looks like it|unfortunately,? yes|sadly,? yes|"
    r"(someone|somebody|anyone|he|she|they)('s| is| are| could be| might be| may be) "
    r"(in danger|at risk|going to (get )?hurt)|(he|she|they) (could|might|may|will) (hurt|harm))\b"
)


_ABOUT_VIEWS = re.compile(
    r"\b(views?|beliefs?|opinions?|ideas|ideology|politics|political|cause|movement|"
    r"extrem\w*|radical\w*|racis\w*|hatred|hateful|antisemit\w*|islamophob\w*|homophob\w*|"
    r"misogyn\w*|supremac\w*|propaganda)\b"
)


_WH_START = re.compile(
    r"^\s*(what|what's|whats|how|why|when|where|who|which|is there|are there|if|imagine)\b"
)
_DECISION = re.compile(
    r"\b(should (i|we)|shall (i|we)|do (i|we) (need|have) to|must (i|we)|worried|concerned|"
    r"is (this|it|that) (a )?(prevent|concern|something)|what (should|do) (i|we) do|refer|report)"
)
_PERSON = re.compile(
    r"\b(my|our|one of (my|our|the)|a|an|this|that|her|his|their)\s+(\w+\s+){0,3}?"
    r"(pupils?|students?|kids?|child|boys?|girls?|lads?|sons?|daughters?|learners?|teen(ager)?s?|"
    r"young (man|woman|person)|tutees?|sixth[- ]formers?|apprentices?|colleagues?|"
    r"\d+\s*(yo|year[- ]old))\b"
)
_WHO_DOES = re.compile(
    r"\bwho\s+(keeps|is|has|had|was|says|said|posts|shares|talks|started|watches|drew|wears|"
    r"told|thinks|believes|follows|supports|praised|hates|spends|spent|became|has been)\b"
)


def describes_concern(text: str) -> bool:
    """Whether a message tells of a worry about a particular person (so: triage, not FAQ).

    "A parent told me her son spends all night on a far-right channel, do I refer him?"
    describes someone; "What signs show a young person is being drawn in?" asks about the
    policy. Only statements and yes/no questions count, never "what/how/why" or "if"
    questions, and the message must ask what to do ("should I refer?", "I'm worried").
    """
    if not _DECISION.search(_normal(text)):
        return False
    for sentence in re.split(r"(?<=[.?!])\s+", _normal(text)):
        if not sentence or _WH_START.match(sentence):
            continue
        if not _PERSON.search(sentence):
            continue
        facts = mentioned_facts(sentence)
        signs = any(
            facts.get(k) == "yes"
            for k in ("engagement", "intent", "capability", "ideology", "other_safeguarding")
        )
        if signs or _WHO_DOES.search(sentence):
            return True
    return False


_SIGNS = ("engagement", "intent", "capability", "ideology", "other_safeguarding", "terrorism")


def names_a_sign(text: str) -> bool:
    """Whether a message tells of a sign of concern (a view, symbol or group of concern,
    intent, capability, a plan: SET 2.3), whatever else it is about."""
    facts = mentioned_facts(text)
    return any(facts.get(k) == "yes" for k in _SIGNS)


def raises_concern(text: str) -> bool:
    """Whether a message asks what to do about someone or tells of a sign of concern
    ("should I refer ...?", "I'm worried", "she keeps praising the Taliban")."""
    facts = mentioned_facts(text)
    return bool(_DECISION.search(_normal(text))) or any(facts.get(k) == "yes" for k in _SIGNS)
