"""What the message that starts a draft already says: the person's name, date of birth or
age, and the concern ("I need to refer a pupil, <name>, born <date>, he has been ...").

Why: the draft started empty and the form asked for all of it again. Only what is said
plainly is taken: a name in capitals after "refer" / "a referral for" (or on its own between
commas, or after "called", "his name is", "the pupil is" when it is no describing word),
a date of birth after "born" / "DOB" / "date of birth" (or an
age: "he's 15", "aged 15"), and the rest of the message from the first clause that is
neither as the concern, as typed. Each value goes through the field's own validation; a
date of birth that does not fit is not kept and its problem is returned to be said (the
form then asks for it). Plain Python: the adapter is `bot.actions.referral`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.referral.form import FormSpec, clean_text, validate
from bot.referral.openers import asks_to_draft

#: Where one clause of the opening ends: punctuation, a bracket, or before words that begin
#: a birth date or a new statement ("born ...", "because ...", "he has ...").
_SPLIT = re.compile(
    r"\s*[,;()]\s*|(?<=[.!?])\s+|\s+[-–—]\s+"
    r"|(?<!because)(?<!\bas)(?<!\bwho)(?<!\band)(?<!\bbut)"
    r"\s+(?=(?:born|dob|d\.o\.b\.?|date of birth|birthday|because|as (?:he|she|they)|"
    r"who|he|she|they)\s+(?:on\b|is\b|has\b|have\b|had\b|was\b|were\b|are\b|'s\b|keeps\b|"
    r"said\b|says\b|told\b|[^\W_]))",
    re.I,
)
_REFER = re.compile(
    r"\brefer\b|\b(?:referral|refferal|referal|vtr|form)\s+(?:for|about|on|re)\b", re.I
)
#: Words between "refer" and a name: "a year 9 pupil called", "one of our students".
_PERSON_WORDS = re.compile(
    r"^(?:\s*(?:to\s+)?(?:for|about|on|re|a|an|the|one|of|my|our|this|that|his|her|"
    r"year\s*\d{1,2}|y\d{1,2}|\d{1,2}[- ]?(?:year|yr)[- ]?old|young|pupil|student|learner|"
    r"boy|girl|man|woman|person|people|child|kid|teenager|teen|lad|service|user|client|"
    r"patient|resident|tenant|member|apprentice|trainee|called|named|who is called|"
    r"whose name is|sixth[- ]former|former|in|class|form|son|daughter|nephew|niece|cousin|"
    r"brother|sister|grandson|granddaughter|neighbour|friend|colleague|tutee|mentee)\b)*\s*",
    re.I,
)
_CALLED = re.compile(
    r"^(?:(?:he|she|they)(?:'s| is| are)\s+)?(?:called|named|(?:his|her|their) name is)\s+", re.I
)
_NAME_TOKEN = re.compile(r"[^\W\d_][\w'’-]*")
#: Capitalised words that are not a person's name.
_NOT_NAMES = {
    "i", "he", "she", "they", "his", "her", "their", "the", "a", "an", "prevent", "channel",
    "vtr", "dob", "year", "yr", "mr", "mrs", "ms", "miss", "dr", "pupil", "student",
    "january", "february", "march", "april", "june", "july", "august", "september",
    "october", "november", "december", "police", "dsl", "sen", "send", "school", "college",
    "academy", "please", "thanks", "hi", "hello", "we", "it", "this", "that", "who",
}  # fmt: skip
#: Capitalised words that describe a person rather than name them ("The pupil is Muslim",
#: "... is White British", "... is SEN"): after "the pupil is", never read as a name.
_DESCRIBING = {
    "muslim", "christian", "catholic", "jewish", "hindu", "sikh", "buddhist", "islamic",
    "british", "english", "scottish", "welsh", "irish", "polish", "romanian", "lithuanian",
    "pakistani", "bangladeshi", "indian", "somali", "nigerian", "ghanaian", "afghan",
    "syrian", "iraqi", "iranian", "kurdish", "turkish", "albanian", "eritrean", "sudanese",
    "european", "african", "asian", "caribbean", "arab", "white", "black", "mixed", "gypsy",
    "roma", "traveller", "ehcp", "adhd", "asd", "autistic", "lgbt", "lgbtq", "lac", "cla",
    "cic", "in", "on", "at", "of", "and", "also", "very", "quite", "really", "not", "always",
    "often", "currently", "now", "still", "new", "known", "year", "yr", "sixth", "form",
    "head", "deputy", "prefect", "captain", "looked", "child", "care", "carer", "young", "eal",
    "fsm", "pp", "sen", "send", "vulnerable", "my", "our", "your", "their",
}  # fmt: skip
_PERSON = (
    r"(?:pupil|student|learner|boy|girl|lad|child|kid|teen(?:ager)?|young (?:person|man|woman|"
    r"lady)|person|individual|service user|client|man|woman|son|daughter)"
)
#: Words that give the name outright: "His name is", "The boy's name is", "He is called".
_NAME_GIVEN = re.compile(
    rf"^(?:and\s+|so\s+)?(?:(?:(?:the|this|that|my|our)\s+{_PERSON}(?:'s|s')\s+|(?:his|her|their)\s+)"
    rf"(?:full\s+)?name(?:'s|\s+is)|(?:(?:he|she|they)(?:'s|\s+is|\s+are)\s+)?(?:called|named))\s+",
    re.I,
)
#: "The pupil is <Name>": a name only when it is not a describing word.
_PERSON_IS = re.compile(
    rf"^(?:and\s+|so\s+)?(?:the|this|that|my|our)\s+{_PERSON}\s+(?:is|'s)\s+", re.I
)
#: What may follow one lone name after "the pupil is": the clause's end, an age, "who ...".
_AFTER_ONE_NAME = re.compile(r"^\s*(?:$|[.!?]|aged?\b|\d|who\b|and (?:he|she|they)\b)", re.I)
_BARE_AGE = re.compile(r"^\(?(\d{1,2})\)?\.?$")
_AND_AGE = re.compile(
    r"^(?:and\s+)?(?:(?:he|she|they|who)(?:'s|'re| is| are)\s+|aged?\s+)(?:about\s+|around\s+)?"
    r"(\d{1,2})(?:\s*(?:years?|yrs?)(?:\s+old)?)?\W*$",
    re.I,
)
_DOB_CUE = re.compile(
    r"^(?:(?:who was|(?:he|she|they) (?:was|were))\s+)?(?:born(?: on)?|dob|d\.o\.b\.?|"
    r"date of birth|birthday)\b[\s:]*",
    re.I,
)
_AGE_CLAUSE = re.compile(
    r"^(?:(?:he|she|they|who)(?:'s|'re| is| are)\s+|aged?\s+)(?:about\s+|around\s+)?"
    r"(\d{1,2})(?:\s*(?:years?|yrs?)(?:\s+old)?)?$",
    re.I,
)
_AGE_IN_REQUEST = re.compile(r"\b(\d{1,2})[- ]?(?:year|yr)s?[- ]?old\b", re.I)
#: A clause that says nothing about the person ("please", "asap") before the concern.
_FILLER = re.compile(
    r"^\W*(?:please|thanks?|thank you|hi|hello|urgently|asap|today|now|if possible|"
    r"(?:can|could) you help(?: me)?|to prevent|to channel)?\W*$",
    re.I,
)
_YEAR_ONLY = re.compile(r"^\d{4}$")
_WORD = re.compile(r"[^\W\d_]{2,}")


@dataclass
class Opening:
    """Field values read from an opening message, and what could not be kept (to say)."""

    values: dict[str, str] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


def _clauses(text: str) -> list[tuple[int, str]]:
    """The clauses of `text` with where each starts; a year alone joins the clause before
    ("5th of March, 2009")."""
    found: list[tuple[int, str]] = []
    start = 0
    for sep in _SPLIT.finditer(text):
        if sep.start() > start:
            found.append((start, text[start : sep.start()]))
        start = sep.end()
    if start < len(text):
        found.append((start, text[start:]))
    merged: list[tuple[int, str]] = []
    for begin, clause in found:
        if merged and _YEAR_ONLY.match(clause.strip().rstrip(".")):
            first, before = merged[-1]
            merged[-1] = (first, text[first : begin + len(clause)])
        else:
            merged.append((begin, clause))
    return merged


def _name_at_start(words: str) -> list[str]:
    """The capitalised words a clause starts with (up to three), a person's name."""
    tokens: list[str] = []
    for match in _NAME_TOKEN.finditer(words):
        token = match.group(0)
        between = words[match.start() - 1] if match.start() and tokens else " "
        if tokens and not between.isspace():
            break
        if not token[0].isupper() or token.lower() in _NOT_NAMES or len(tokens) == 3:
            break
        if not tokens and match.start() and words[: match.start()].strip():
            break
        tokens.append(token)
    return tokens


def _name_only(clause: str) -> list[str]:
    """A clause that is a name and nothing else ("Aled Pritchard", "called Aled")."""
    rest = _CALLED.sub("", clause.strip()).strip().rstrip(".")
    tokens = _name_at_start(rest)
    return tokens if tokens and " ".join(tokens) == rest else []


def _name_clause(clause: str) -> tuple[list[str], str] | None:
    """A clause that gives the person's name ("The pupil is Kofi Mensah, ...", "Her name's
    Amara Bello", "His name is Tomasz Wilk and he is 16"): the name's words and what follows
    them in the clause (maybe ""), or None. After "the pupil is", a describing word ("quiet",
    "Muslim", "Year 9") is no name, and one word alone must end the clause or come before an
    age or "who ..." ("The pupil is Noor."), so a capitalised adjective is not taken."""
    stripped = clause.strip()
    given = _NAME_GIVEN.match(stripped)
    copula = None if given else _PERSON_IS.match(stripped)
    lead = given or copula
    if lead is None:
        return None
    rest = stripped[lead.end() :]
    tokens = _name_at_start(rest) or (_lower_name(rest) if given else [])
    if copula is not None:
        if tokens and tokens[0].lower() in _DESCRIBING:  # "White British", not "Sam White"
            return None
    if not tokens:
        return None
    after = rest[_name_end(rest, tokens) :]
    if copula is not None and len(tokens) == 1 and not _AFTER_ONE_NAME.match(after):
        return None
    return tokens, after


_CALLED_BEFORE = re.compile(r"\b(?:called|named|name is)\s*$", re.I)
#: Words that end a name typed in small letters ("his name is sam jones and he ...").
_NOT_LOWER_NAME = _NOT_NAMES | _DESCRIBING | {
    "is", "was", "not", "unknown", "known", "sure", "who", "which", "but", "aged", "age",
    "has", "had", "have", "does", "did", "lives", "goes", "attends", "from", "with", "by",
    "for", "to", "as", "so", "or", "nor", "yet", "then", "too", "just", "only", "something",
    "anything", "nothing", "someone", "withheld", "confidential", "redacted", "tbc", "tbd",
    "name", "names", "things", "different", "various", "bad", "horrible", "nasty", "rude",
}  # fmt: skip
_AFTER_LOWER_NAME = re.compile(r"^\s*(?:$|[.!?,;]|aged?\b|\(?\d|who\b|and\b)", re.I)


def _lower_name(words: str) -> list[str]:
    """A name typed in small letters after words that give it outright ("his name is sam
    jones", "called sam"): one to three words, none a common word, ending the clause or
    before an age, "who" or "and"; kept as typed. [] when that does not fit."""
    tokens: list[str] = []
    end = 0
    for match in _NAME_TOKEN.finditer(words):
        if words[end : match.start()].strip() or len(tokens) == 3:
            break
        if match.group(0).lower() in _NOT_LOWER_NAME:
            break
        tokens.append(match.group(0))
        end = match.end()
    if not tokens or not _AFTER_LOWER_NAME.match(words[end:]):
        return []
    return tokens


def _name_end(words: str, tokens: list[str]) -> int:
    end = 0
    for token in tokens:
        end = words.index(token, end) + len(token)
    return end


def details_from_opening(form: FormSpec, text: str) -> Opening:
    """The person's name, date of birth and concern in a message that asks to draft."""
    opening = Opening()
    text = clean_text(text)
    if not text or text.startswith("/"):
        return opening
    clauses = _clauses(text)
    asked = next((i for i, (_, c) in enumerate(clauses) if _REFER.search(c)), None)
    if asked is None:  # "I need to complete the VTR": the person comes after, if at all
        asked = next((i for i, (_, c) in enumerate(clauses) if asks_to_draft(c)), None)
    if asked is None:
        return opening
    name: list[str] = []
    dob = ""
    concern_from: int | None = None
    after_name = False  # a bare number right after a name is the age ("<Name>, 15, ...")
    for index, (start, clause) in enumerate(clauses):
        if index < asked:
            continue
        if index == asked:
            request = _REFER.search(clause)
            if request:
                after = clause[request.end() :]
                words = after[_PERSON_WORDS.match(after).end() :]  # type: ignore[union-attr]
                name = _name_at_start(words)
                if not name and _CALLED_BEFORE.search(after[: len(after) - len(words)]):
                    name = _lower_name(words)  # "a student called sam jones": as typed
                after_name = bool(name)
            if age := _AGE_IN_REQUEST.search(clause):
                dob = dob or f"about {age.group(1)}"
            continue
        if not name and (tokens := _name_only(clause)):
            name = tokens
            after_name = True
            continue
        if not name and (given := _name_clause(clause)):
            name, after = given
            after_name = True
            rest = after.strip().lstrip(",;").strip()
            if not rest.rstrip(".!"):
                continue
            if age_rest := _AND_AGE.match(rest):
                dob = dob or f"about {age_rest.group(1)}"
                continue
            concern_from = start + clause.index(rest)
            if re.match(r"and\s+(?:he|she|they)\b", rest, re.I):
                concern_from += len(re.match(r"and\s+", rest).group(0))  # type: ignore[union-attr]
            break
        if after_name and (bare := _BARE_AGE.match(clause.strip())):
            dob = dob or f"about {bare.group(1)}"
            continue
        after_name = False
        if cue := _DOB_CUE.match(clause.strip()):
            checked = validate(form.field("date_of_birth"), clause.strip()[cue.end() :])
            if checked.ok:
                dob = checked.value
            else:
                opening.problems.append(checked.problem)
                dob = dob if dob.startswith("about") else ""
            continue
        if age_clause := _AGE_CLAUSE.match(clause.strip().rstrip(".")):
            dob = dob or f"about {age_clause.group(1)}"
            continue
        if not _FILLER.match(clause):
            concern_from = start  # the first clause that is none of those: the concern
            break
    if name:
        opening.values["forename"] = name[0]
        if len(name) > 1:
            opening.values["surname"] = " ".join(name[1:])
    if dob:
        opening.values["date_of_birth"] = dob
    if concern_from is not None:
        concern = text[concern_from:].strip()
        if len(_WORD.findall(concern)) >= 4 and not concern.endswith("?"):
            checked = validate(form.field("concern"), concern)
            if checked.ok:
                opening.values["concern"] = checked.value
    return opening


def name_in_message(text: str) -> tuple[list[str], str] | None:
    """A short message that only gives the person's name (and maybe an age): "His name is
    <Name Surname>", "The pupil is <Name>, 15". The name's words and the age ("" if none)."""
    text = clean_text(text)
    if not text or len(text) > 150:
        return None
    clauses = _clauses(text)
    given = _name_clause(clauses[0][1]) if clauses else None
    if given is None:
        return None
    tokens, after = given
    rest = [after.strip().lstrip(",;").strip()] + [c.strip() for _, c in clauses[1:]]
    age = ""
    for words in (w.rstrip(".!") for w in rest):
        if not words:
            continue
        found = _AND_AGE.match(words) or _BARE_AGE.match(words) or _AGE_CLAUSE.match(words)
        if found is None or age:
            return None  # more than a name and an age: an answer to something, not taken here
        age = found.group(1)
    return tokens, age
