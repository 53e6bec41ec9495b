"""The VTR form model, read from `referral_forms/vtr.yml`: sections, fields, validation.

Validation says what is wrong in plain words and never loses the answer: a value that
fails is returned with the problem, and the caller asks again, keeping everything else.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from bot.dates import age_on
from bot.dates import approximate_age as _find_age
from bot.dates import day_month_without_year as _day_month_without_year
from bot.dates import day_words_as_digits as _day_words_as_digits
from bot.dates import find_date as _find_date
from bot.dates import without_day_month as _without_day_month

UNKNOWN = "unknown"  # the stored value for "don't know" / "prefer not to say"
FIELD_TYPES = {
    "text",
    "long_text",
    "date_or_age",
    "postcode",
    "phone",
    "email",
    "choice",
    "yes_no",
    "area",
}


def form_areas() -> dict[str, str]:
    """The areas the form takes, id to name: the SET areas of `guidance/contacts.yml`, read
    through bot/guidance/areas.py (the one list; tests/referral/test_one_area_list.py)."""
    from bot.guidance import get_guidance
    from bot.guidance.areas import set_areas

    return set_areas(get_guidance())


def area_name(area_id: str) -> str:
    """An area's name as the contacts give it (the id itself when it is not one of them)."""
    return form_areas().get(area_id, area_id)


_UNKNOWN_ANSWER = re.compile(
    r"^\s*(i\s+)?(don'?t|do not|dont) know\b|^\s*(not (sure|known)|unknown|no idea|n/?a|"
    r"prefer not to say|rather not say|not applicable|idk|dunno|unsure)\b",
    re.I,
)
_POSTCODE = re.compile(r"\b([A-Z]{1,2}[0-9][A-Z0-9]?)\s*([0-9][A-Z]{2})\b", re.I)
_EMAIL = re.compile(r"^[^@\s<>()\[\],;:\"]{1,64}@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")
_DATE = re.compile(r"^\s*(\d{1,2})[/.\- ](\d{1,2})[/.\- ](\d{4})\s*$")
_APPROX_AGE = re.compile(
    r"^\s*(?:about|around|roughly|approx(?:imately)?\.?|aged?|maybe|c\.?|circa)?\s*"
    r"(\d{1,3})\s*(?:years?|yrs?|y/?o)?(?:\s*old)?\s*(?:ish)?\s*$",
    re.I,
)
#: "No", "they don't have one": no phone or email to give (only for those fields).
_NO_CONTACT = re.compile(
    r"^\s*(no|none|nope|nah|nil|not available|no (number|phone|mobile|email|e-mail)\b.*|"
    r"(i |we |they |he |she )?(don'?t|doesn'?t|do not|does not|haven'?t|hasn'?t) "
    r"(have|got) (one|it|any|a|an)\b.*)\s*[.!]?\s*$|"
    r"^\s*no\b[ ,]+(s?he|they|i|we)\b.*\b(don'?t|doesn'?t|haven'?t|hasn'?t)\b",
    re.I,
)
#: Words before an answer that are not the answer: "His first name is Tyler", "Surname:
#: McAllister", "I work for Westcliff High School". Applied to short free-text fields only.
_LEAD_IN_GENERAL = re.compile(
    r"^\s*(?:it'?s|it is|that'?s|that is|i['’]m|i am|im(?= (?:the|a|an) )|i work (?:for|at|in)|"
    r"we'?re|we are|he'?s|she'?s|they'?re|he is|she is|they are|"
    r"(?:his|her|their|my) name is|my name'?s|call me|(?:he|she|they) (?:is|are) called)"
    r"\s+(?:(?:the|a|an)\s+)?(?=\S)",
    re.I,
)
_OWNERS = r"(?:(?:his|her|their|my|the|your|our)\s+)?"
_LEAD_IN_SEPARATOR = r"\s*(?:is|was|are|=|:|-|–)\s*(?:actually\s+|spelt\s+|spelled\s+)?"
#: An opening that says "no", "nothing", "none" or "don't know" ...
_NO_WORD_OPENING = re.compile(
    r"^\s*(?:no(?:pe|thing(?: (?:else|more))?| more| one| idea)?|nah|none|nil|n/?a|"
    r"not (?:really|sure|known)|(?:that'?s|that is) (?:all|it|everything)|"
    r"done|unknown|unsure|dunno|idk|"
    r"(?:i |we |they |he |she )?(?:don'?t|do not|doesn'?t|does not|haven'?t|hasn'?t) "
    r"(?:know|have (?:one|it|any|a|an)\b[^,;.]*|think so))\b",
    re.I,
)
#: ... then "but", "although", "though", "except" (or "apart from") and more words: content.
_BUT = re.compile(
    r"^[\s,;:.!–—-]*(?:but|although|though|except(?: for| that)?|apart from|other than|besides|"
    r"however)\b[\s,;:–—-]*(?P<rest>.*)$",
    re.I | re.S,
)
#: What after a "but" is no content ("no, but thanks", "none, although I'm not sure").
_FILLER = re.compile(
    r"^\s*(?:thanks?(?: you| for asking)?|cheers|ta|(?:that'?s|that is) (?:all|it|everything)|"
    r"nothing (?:else|more)|(?:i'?m |i am )?not (?:sure|certain)|(?:i )?(?:don'?t|do not) know|"
    r"(?:i )?think so|ok(?:ay)?|fine)\W*$",
    re.I,
)


def words_after_but(text: str) -> str:
    """The words after "but" in a reply that opens with "no", "nothing", "none" or "don't
    know" ("Nothing else, but his brother has the same posters"), or "" when there are none.

    Why: the opening alone reads as "done" or "not known", and the words after it are the
    answer; a caller that finds them keeps them (or asks again), never drops them.
    """
    opening = _NO_WORD_OPENING.match(text or "")
    if not opening:
        return ""
    after = re.sub(
        r"^(?:\s*(?:else|more|really|at all|as such|thanks?|thank you))+\b",
        "",
        text[opening.end() :],
        flags=re.I,
    )
    tail = _BUT.match(after)
    if not tail:
        return ""
    rest = tail.group("rest").strip().rstrip(".!").strip()
    if not rest or _FILLER.match(rest) or not re.search(r"[^\W\d_]{2,}", rest):
        return ""
    return rest


_YES = re.compile(r"^\s*(yes|yeah|yep|y|they are|there is|someone is)\b", re.I)
_NO = re.compile(r"^\s*(no|nope|nah|n|nobody|no one|none|not)\b", re.I)
#: Not knowing is not a "no" (SET 2.5): "not sure", "no idea", "dunno", "maybe". A soft no
#: ("not that I know of", "I don't think so") is still a no, as in the triage.
_UNSURE_YES_NO = re.compile(
    r"^\s*(not (sure|certain|clear)|unsure|no idea|(i )?(don'?t|do not|dont) know|dunno|"
    r"idk|maybe|possibly|perhaps|might be|could be|hard to (say|tell)|(i )?can'?t (say|tell)|"
    r"(i'?m )?not (really )?sure)\b",
    re.I,
)


_MESSAGES_PATH = Path(__file__).resolve().parents[2] / "referral_forms" / "messages.yml"


@functools.lru_cache(maxsize=1)
def _messages_file() -> dict[str, Any]:
    """referral_forms/messages.yml: every sentence the referral code composes."""
    with _MESSAGES_PATH.open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def _messages() -> dict[str, str]:
    return _messages_file()["problems"]


def _say(key: str, **values: Any) -> str:
    """A problem message from referral_forms/messages.yml, filled in."""
    return _messages()[key].format(**values)


class FormSpecError(ValueError):
    """`referral_forms/*.yml` is malformed."""


@dataclass(frozen=True)
class FieldSpec:
    id: str
    label: str
    type: str
    section: str
    ask: str = ""
    ask_child: str = ""
    ask_adult: str = ""
    aliases: tuple[str, ...] = ()
    required: str | bool = False
    unknown: bool = False
    max: int = 500
    choices: dict[str, str] = field(default_factory=dict)
    button_titles: dict[str, str] = field(default_factory=dict)
    synonyms: dict[str, tuple[str, ...]] = field(default_factory=dict)
    free_text: bool = False
    when: str = ""
    ask_in_chat: bool = True
    part_of: str = ""  # composed into that field's row (e.g. the three indicators)
    help: str = ""
    citations: tuple[str, ...] = ()

    def question(self, age_group: str | None) -> str:
        if age_group == "adult" and self.ask_adult:
            return self.ask_adult
        if self.ask_child and age_group != "adult":
            return self.ask_child
        return self.ask or self.ask_adult or self.ask_child


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    fields: tuple[FieldSpec, ...]


@dataclass(frozen=True)
class FormSpec:
    id: str
    title: str
    version: str
    sections: tuple[Section, ...]

    @property
    def fields(self) -> tuple[FieldSpec, ...]:
        return tuple(f for s in self.sections for f in s.fields)

    def field(self, field_id: str) -> FieldSpec:
        for f in self.fields:
            if f.id == field_id:
                return f
        raise KeyError(field_id)

    def parts(self, field_id: str) -> tuple[FieldSpec, ...]:
        """The fields composed into `field_id` (its `part_of` fields), in form order."""
        return tuple(f for f in self.fields if f.part_of == field_id)

    def find_field(self, words: str) -> FieldSpec | None:
        """The field a user names ("change the date of birth"): longest alias wins."""
        text = " " + re.sub(r"[^a-z0-9' ]", " ", words.lower()) + " "
        best: tuple[int, FieldSpec] | None = None
        for f in self.fields:
            for name in (f.label.lower(), *[a.lower() for a in f.aliases]):
                if f" {name} " in text and (best is None or len(name) > best[0]):
                    best = (len(name), f)
        return best[1] if best else None


@dataclass(frozen=True)
class Checked:
    """The outcome of validating one answer: a clean value, or a problem to explain."""

    value: Any = None
    problem: str = ""
    #: The answer is noise (random bytes, symbols only): never kept, not even on a last try.
    noise: bool = False
    #: Words after a "no" to a yes-or-no question ("no, but he has been asking about ..."):
    #: more of the concern, kept by the caller as typed (nothing a user typed is lost).
    said_more: str = ""

    @property
    def ok(self) -> bool:
        return not self.problem


#: An HTML tag ("<b>", "</script>", "<img src=x>"); "<3" or "a < b" are not tags.
_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]{0,300})?/?>")


def clean_text(text: str) -> str:
    """Keep what people wrote (any script, accents) but drop control characters and markup
    tags (a pasted "<b>Lee</b>" is "Lee"; the document and the summary never carry tags)."""
    text = unicodedata.normalize("NFC", text or "")
    text = _TAG.sub("", text)
    text = "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch)[0] != "C")
    return re.sub(r"[ \t]+", " ", text).strip()


def age_from_date_or_age(value: str, today: date | None = None) -> int | None:
    """Years of age from a stored date of birth ("14/02/2011") or approximate age ("about 15")."""
    today = today or date.today()
    match = _DATE.match(value or "")
    if match:
        day, month, year = (int(g) for g in match.groups())
        try:
            born = date(year, month, day)
        except ValueError:
            return None
        return age_on(born, today)
    match = re.search(r"(\d{1,3})", value or "")
    return int(match.group(1)) if match else None


def validate(spec: FieldSpec, raw: str, today: date | None = None) -> Checked:
    """Check one answer against its field. Never raises on odd input."""
    text = clean_text(raw)
    if not text:
        return Checked(problem=_say("empty"))
    # "don't know, but ...", "no, but his mum's number is ...": the words after are the answer
    said_more = words_after_but(text)
    if said_more and spec.type == "yes_no":
        # "no, but he said he'd bring a knife in": the danger question is never settled by a
        # "no" that goes on to describe something, so it is asked again on its own (with the
        # 999 advice when unsure); the words after are more of the concern, kept by the caller
        plain = _check_yes_no(spec, text, today or date.today())
        problem = plain.problem or _say("yes_no_but", question=spec.question(None))
        return Checked(problem=problem, said_more=said_more)
    if not said_more and spec.unknown and _UNKNOWN_ANSWER.search(text) and spec.type != "yes_no":
        return Checked(UNKNOWN)
    if (
        not said_more
        and spec.unknown
        and spec.type in ("phone", "email")
        and _NO_CONTACT.search(text)
    ):
        return Checked(UNKNOWN)  # "no", "don't have one": nothing to reach them by
    if spec.type == "text":
        text = _without_lead_in(spec, text)
    if spec.type in _FREE_TYPES and looks_like_noise(text):
        return Checked(problem=_say("noise"), noise=True)
    if len(text) > spec.max:
        return Checked(problem=_say("too_long", length=len(text), max=spec.max))
    checker = _CHECKERS.get(spec.type, _check_text)
    checked = checker(spec, text, today or date.today())
    if said_more and checked.ok and spec.type in ("phone", "email"):
        return Checked(text)  # the number or address with whose it is, as typed
    return checked


#: Field types whose answers are checked (a number, an address, a date): a value kept as typed
#: after several tries that still does not fit is shown marked "not checked", never plain.
CHECKED_TYPES = ("phone", "email", "date_or_age", "postcode")


def unchecked(spec: FieldSpec, value: str) -> bool:
    """A stored answer of a checked type that does not pass its check (kept as typed)."""
    if spec.type not in CHECKED_TYPES or not value or value == UNKNOWN:
        return False
    return not validate(spec, value).ok


def marked_unchecked(value: str) -> str:
    """The value as typed with the words that say it was not checked (messages.yml)."""
    return str(_messages_file()["unchecked"]).format(value=value)


#: Field types that take any words, so only the noise check stands between them and garbage.
_FREE_TYPES = ("text", "long_text", "postcode")
#: Punctuation people use in ordinary answers (names, addresses, narratives).
_PLAIN_PUNCTUATION = set(" .,'’\"“”-–—!?()/&:;@#*+£$€%\n\t")


def looks_like_noise(text: str) -> bool:
    """True for what no one types as an answer: random bytes, a run of symbols or emoji.

    Why: a free-text field accepts anything, so without this a pasted binary blob or a
    keyboard mash would be saved into the referral (and kept "as typed" on a last try).
    Deliberately narrow: accents, any script, digits and ordinary punctuation are fine.
    """
    text = clean_text(text)
    if not text:
        return False
    if not any(ch.isalnum() for ch in text):
        return True
    odd = sum(1 for ch in text if _odd(ch))
    if len(text) >= 8 and odd / len(text) > 0.15:
        return True
    # Random bytes have few spaces, so nearly every character sits in a "word" with a symbol.
    in_odd_words = sum(len(w) for w in text.split() if any(_odd(ch) for ch in w))
    return len(text) >= 20 and in_odd_words / len(text) > 0.5


def _odd(ch: str) -> bool:
    """A symbol or punctuation mark people rarely type in an answer."""
    return ch not in _PLAIN_PUNCTUATION and unicodedata.category(ch)[0] in "SP"


def _check_text(spec: FieldSpec, text: str, today: date) -> Checked:
    return Checked(text)


def _field_names(spec: FieldSpec) -> list[str]:
    """How people name a field before its answer ("first name", "surname", "name", "role")."""
    names = {spec.label.lower(), *(a.lower() for a in spec.aliases)}
    names = {re.sub(r"^(my|your|their|referrer'?s?|person'?s)\s+", "", n) for n in names}
    names |= {"name"} if any(n.endswith("name") for n in names) else set()
    names |= {"job"} if "job title" in names else set()
    return sorted((n for n in names if len(n) >= 3), key=len, reverse=True)


def _without_lead_in(spec: FieldSpec, text: str) -> str:
    """The answer without the words that introduce it; the text as typed when nothing
    would be left, or when it is not a short answer (a long sentence is kept whole)."""
    if len(text) > 120:
        return text
    names = "|".join(re.escape(n) for n in _field_names(spec))
    named = re.match(rf"^\s*{_OWNERS}(?:{names}){_LEAD_IN_SEPARATOR}(?=\S)", text, re.I)
    match = named or _LEAD_IN_GENERAL.match(text)
    if not match:
        return text
    rest = text[match.end() :].strip().rstrip(".!").strip()
    return rest or text


def _check_date_or_age(spec: FieldSpec, text: str, today: date) -> Checked:
    """A date of birth in any common shape, or an approximate age (a range is kept)."""
    typed, text = text, _day_words_as_digits(text)
    parsed = _find_date(text, today)
    if parsed == "invalid":
        return Checked(problem=_say("not_a_date", text=typed))
    if isinstance(parsed, date):
        born = parsed
        if born > today:
            return Checked(problem=_say("future_date"))
        age = age_on(born, today)
        if age > 120:
            return Checked(problem=_say("too_old"))
        return Checked(f"{born.day:02d}/{born.month:02d}/{born.year:04d}")
    day_month = _day_month_without_year(text)
    if day_month:
        # "about 15, born 5th November": the age is the answer and the birthday is kept with it
        age_too = _find_age(_without_day_month(text))
        if age_too:
            return Checked(f"{age_too} (birthday {day_month})")
        return Checked(problem=_say("date_without_year", day_month=day_month))
    match = _APPROX_AGE.match(text)
    if match:
        age = int(match.group(1))
        if 0 <= age <= 120:
            return Checked(f"about {age}")
        return Checked(problem=_say("age_range"))
    approx = _find_age(text)
    if approx:
        return Checked(approx)
    if _UNKNOWN_ANSWER.search(text):
        return Checked(problem=_say("age_needed"))
    return Checked(problem=_say("date_or_age"))


def _check_postcode(spec: FieldSpec, text: str, today: date) -> Checked:
    match = _POSTCODE.search(text)
    if match:
        postcode = f"{match.group(1).upper()} {match.group(2).upper()}"
        return Checked(text[: match.start()] + postcode + text[match.end() :])
    if re.search(r"\b[A-Z]{1,2}\d", text, re.I) and re.search(r"\d[A-Z]{2}\b", text, re.I):
        return Checked(problem=_say("postcode"))
    return Checked(text)  # an address without a postcode is still useful


_EXTENSION = re.compile(r"[\s,]*(?:ext(?:ension)?\.?|x|#)\s*\d{1,6}\s*$", re.I)


_PHONE_IN_TEXT = re.compile(
    r"(?<![\w@])\+?\(?\d[\d ()./-]{6,}\d(?:[\s,]*(?:ext(?:ension)?\.?|x|#)\s*\d{1,6})?(?![\w@])",
    re.I,
)


def _check_phone(spec: FieldSpec, text: str, today: date) -> Checked:
    """UK numbers, international ones (+33 ..., 0033 ...), with an extension kept as typed;
    a number inside a sentence ("my number is 01702 123456") is taken out of it."""
    found = _PHONE_IN_TEXT.findall(text)
    if len(found) == 1 and found[0].strip() != text.strip():
        text = found[0].strip()
    number = _EXTENSION.sub("", text)
    digits = re.sub(r"[\s()./-]", "", number)
    if (
        re.fullmatch(r"(\+44|0044|0)\d{9,10}", digits)
        or re.fullmatch(r"\+\d{7,15}", digits)
        or re.fullmatch(r"00[1-9]\d{6,14}", digits)
    ):
        return Checked(text)
    return Checked(problem=_say("phone"))


def _check_email(spec: FieldSpec, text: str, today: date) -> Checked:
    candidate = text.strip().strip("<>").strip()
    if _EMAIL.match(candidate):
        return Checked(candidate)
    found = [w.strip("<>()[].,;:'\"") for w in text.split() if "@" in w]
    if len(found) == 1 and _EMAIL.match(found[0]):
        return Checked(found[0])  # "my email is name@school.org.uk"
    return Checked(problem=_say("email"))


def _check_choice(spec: FieldSpec, text: str, today: date) -> Checked:
    lowered = text.lower()
    for value, label in spec.choices.items():
        names = {value.replace("_", " "), label.lower(), spec.button_titles.get(value, "").lower()}
        if lowered in names or any(n and n in lowered for n in names if len(n) > 4):
            return Checked(value)
    for value, words in spec.synonyms.items():
        if any(re.search(rf"(?<![\w-]){re.escape(w.lower())}(?![\w-])", lowered) for w in words):
            return Checked(value)  # "far right" is the form's "Extreme right-wing"
    if spec.free_text:
        return Checked(text)
    return Checked(problem=_say("choice", options=", ".join(spec.choices.values())))


def _check_yes_no(spec: FieldSpec, text: str, today: date) -> Checked:
    if _UNSURE_YES_NO.match(text):
        # stored as "no", the form would go on as if danger had been ruled out
        return Checked(problem=_say("yes_no_unsure", question=spec.question(None)))
    if _YES.match(text):
        return Checked("yes")
    if _NO.match(text):
        return Checked("no")
    return Checked(problem=_say("yes_no"))


def _check_area(spec: FieldSpec, text: str, today: date) -> Checked:
    """The area named by any of its places ("Basildon" is Essex; "Southend, Essex" is
    Southend), when the form goes there (contacts.yml, read by bot/guidance/areas.py)."""
    from bot.guidance import get_guidance
    from bot.guidance.areas import named_area

    area = named_area(text, get_guidance())
    if area is not None and area in form_areas():
        return Checked(area)
    return Checked(problem=_say("area"))


_CHECKERS = {
    "text": _check_text,
    "long_text": _check_text,
    "date_or_age": _check_date_or_age,
    "postcode": _check_postcode,
    "phone": _check_phone,
    "email": _check_email,
    "choice": _check_choice,
    "yes_no": _check_yes_no,
    "area": _check_area,
}


def parse_spec(data: dict[str, Any]) -> FormSpec:
    try:
        sections = []
        seen: set[str] = set()
        for raw_section in data["sections"]:
            fields = []
            for raw in raw_section["fields"]:
                if raw["id"] in seen:
                    raise FormSpecError(f"field {raw['id']!r} is defined twice")
                seen.add(raw["id"])
                if raw["type"] not in FIELD_TYPES:
                    raise FormSpecError(f"field {raw['id']!r}: unknown type {raw['type']!r}")
                fields.append(
                    FieldSpec(
                        id=raw["id"],
                        label=raw["label"],
                        type=raw["type"],
                        section=raw_section["id"],
                        ask=raw.get("ask", ""),
                        ask_child=raw.get("ask_child", ""),
                        ask_adult=raw.get("ask_adult", ""),
                        aliases=tuple(raw.get("aliases") or ()),
                        required=raw.get("required", False),
                        unknown=bool(raw.get("unknown", False)),
                        max=int(raw.get("max", 500)),
                        choices=dict(raw.get("choices") or {}),
                        button_titles=dict(raw.get("button_titles") or {}),
                        synonyms={
                            k: tuple(str(w) for w in v)
                            for k, v in (raw.get("synonyms") or {}).items()
                        },
                        free_text=bool(raw.get("free_text", False)),
                        when=raw.get("when", ""),
                        ask_in_chat=bool(raw.get("ask_in_chat", True)),
                        part_of=str(raw.get("part_of") or ""),
                        help=raw.get("help", ""),
                        citations=tuple(raw.get("citations") or ()),
                    )
                )
            sections.append(Section(raw_section["id"], raw_section["title"], tuple(fields)))
        for spec in (f for s in sections for f in s.fields if f.part_of):
            if spec.part_of not in seen:
                raise FormSpecError(f"field {spec.id!r} is part of unknown {spec.part_of!r}")
        return FormSpec(data["id"], data["title"], str(data.get("version", "")), tuple(sections))
    except (KeyError, TypeError) as exc:
        raise FormSpecError(f"referral form is missing {exc}") from exc


@functools.lru_cache(maxsize=4)
def load_form(path: Path) -> FormSpec:
    with path.open(encoding="utf-8") as fh:
        return parse_spec(yaml.safe_load(fh))


def get_form() -> FormSpec:
    from bot.config import get_config

    return load_form(get_config().referral_forms_dir / "vtr.yml")
