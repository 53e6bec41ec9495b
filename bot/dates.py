"""Dates of birth and ages as people type them: one reader for the referral form and the triage.

"05/11" is the 5th of November without its year, never an age range; "about 15, born 5th
November" is an age given with a birthday; "3rd March 2011" and "2011-03-03" are dates of
birth. The referral form (bot/referral/form.py) stores what these read; the triage
(bot/triage/extract.py) turns them into whole years. Plain Python, no other imports.
"""

from __future__ import annotations

import re
from datetime import date

_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sept", "sep"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
_MONTH = "(" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"

_UNITS = (
    "first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth "
    "thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth"
).split()
#: "fifth" -> 5, "twenty-first" -> 21, "thirtieth" -> 30: a day of the month in words.
_DAY_WORDS = {word: n for n, word in enumerate(_UNITS, start=1)}
_DAY_WORDS.update({"twentieth": 20, "thirtieth": 30})
_DAY_WORDS.update({f"twenty {w}": 20 + n for n, w in enumerate(_UNITS[:9], start=1)})
_DAY_WORDS.update({"thirty first": 31})
_DAY_WORD = "(" + "|".join(
    sorted((w.replace(" ", r"[\s-]+") for w in _DAY_WORDS), key=len, reverse=True)
) + ")"
#: A day in words next to a month ("the fifth of March", "March the fifth") or "the" between a
#: month and its day in digits ("March the 5th"); away from a month, "first" is just a word.
_DAY_WORD_BEFORE = re.compile(rf"\b(?:the\s+)?{_DAY_WORD}(?=(?:\s+of)?[\s,-]+{_MONTH}(?![a-z]))")
_DAY_AFTER_MONTH = re.compile(
    rf"(?<![a-z]){_MONTH}(?P<gap>[\s,-]+)(?:the\s+)?(?P<day>{_DAY_WORD}|\d{{1,2}}(?:st|nd|rd|th)?)\b"
)


def _day_number(words: str) -> int:
    return _DAY_WORDS[re.sub(r"[\s-]+", " ", words.lower())]


def day_words_as_digits(text: str) -> str:
    """ "the fifth of March 2009" -> "5th of march 2009", "March the 5th" -> "march 5th"."""
    t = text.lower()
    t = _DAY_WORD_BEFORE.sub(lambda m: f"{_day_number(m.group(1))}th", t)

    def after(m: re.Match[str]) -> str:
        day = m.group("day")
        if not day[0].isdigit():
            day = f"{_day_number(day)}th"
        return f"{m.group(1)}{m.group('gap')}{day}"

    return _DAY_AFTER_MONTH.sub(after, t)


#: A full stop after the date ends the sentence ("d.o.b 05.06.2010."), it is not more date.
_NUMERIC_DMY = re.compile(
    r"(?<![\d/.\-])(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4}|\d{2})(?![\d/\-]|\.\d)"
)
_NUMERIC_YMD = re.compile(
    r"(?<![\d/.\-])(\d{4})[/.\-](\d{1,2})[/.\-](\d{1,2})(?![\d/\-]|\.\d)"
)
_WORDS_DMY = re.compile(
    rf"\b(\d{{1,2}})(?:st|nd|rd|th)?(?:\s+of)?[\s\-,]+{_MONTH}[\s\-,]+(\d{{4}})\b"
)
_WORDS_MDY = re.compile(rf"\b{_MONTH}[\s\-]+(\d{{1,2}})(?:st|nd|rd|th)?[\s,]+(\d{{4}})\b")


#: A day and a month with no year: "05/11", "11-05", "05.11" (a range is "15-16", "15 or 16").
_NUMERIC_DM = re.compile(r"(?<![\d/.\-])(\d{1,2})([/.\-–])(\d{1,2})(?![\d/.\-–]|\s*(?:or|to)\b)")
_WORDS_DM = re.compile(
    rf"\b(\d{{1,2}})(?:st|nd|rd|th)?(?:\s+of)?[\s\-]+{_MONTH}(?![a-z])(?!\s+be\b)"
)
_WORDS_MD = re.compile(rf"\b{_MONTH}[\s\-]+(\d{{1,2}})(?:st|nd|rd|th)?\b(?!\s*(?:years?|yrs?))")


#: Words that introduce a birthday ("born", "birthday is", "dob") once its date is taken out.
BIRTHDAY_WORDS = re.compile(
    r"\b(?:born(?: on)?|birthday(?: is| on|'s)?|b'?day(?: is)?|d\.?o\.?b\.?|"
    r"date of birth(?: is)?)\b",
    re.I,
)


def without_day_month(text: str) -> str:
    """The reply without its day-and-month birthday and the words naming it ("about 15,
    born 5th November" -> "about 15"), so an age given alongside can still be read."""
    rest = text.lower()
    for pattern in (_NUMERIC_DM, _WORDS_DM, _WORDS_MD):
        rest = pattern.sub(" ", rest)
    rest = BIRTHDAY_WORDS.sub(" ", rest)
    rest = _without_trailing_links(rest)
    return re.sub(r"\s+", " ", rest).strip(" ,;.-")


#: One trailing separator or linking word, with the spaces before it. Anchored and with no
#: nested repetition, so it is linear on any input (the old `(?:\s*X\s*)+$` backtracked 2^n).
_TRAILING_LINK = re.compile(r"(?:[\s,;\-–().]|\b(?:and|but))$")


def _without_trailing_links(text: str) -> str:
    """The text without the separators and "and"/"but" left dangling at its end once a
    birthday was taken out ("15 and born on 05/11 -" -> "15")."""
    rest = text.rstrip()
    while True:
        shorter = _TRAILING_LINK.sub("", rest).rstrip()
        if shorter == rest:
            return rest
        rest = shorter


def day_month_without_year(text: str) -> str:
    """ "05/11", "11-05", "5th November": a birthday with no year, as DD/MM ("" if none).

    Why: "05/11" read as an age range ("about 5-11") stored a wrong age without a word. A
    pair with "/" or "." that can be a day and a month is a date; with a dash it is a date
    when written like one (a leading zero, "05-11", or the larger number first, "11-5"),
    and a range otherwise ("15-16", "12-13").
    """
    t = text.lower()
    parts: tuple[int, int] | None = None
    for pair in _NUMERIC_DM.finditer(t):
        first, sep, second = pair.group(1), pair.group(2), pair.group(3)
        if sep in "-–" and not (
            first.startswith("0") or second.startswith("0") or int(first) >= int(second)
        ):
            continue
        parts = (int(first), int(second))
        break
    if parts is None and (m := _WORDS_DM.search(t)):
        parts = (int(m.group(1)), _MONTHS[m.group(2)])
    if parts is None and (m := _WORDS_MD.search(t)):
        parts = (int(m.group(2)), _MONTHS[m.group(1)])
    if parts is None or not (1 <= parts[0] <= 31 and 1 <= parts[1] <= 12):
        return ""
    return f"{parts[0]:02d}/{parts[1]:02d}"


def _year(value: str, today: date) -> int:
    """A two-digit year is this century unless that would be in the future ("01/02/88")."""
    year = int(value)
    if len(value) == 2:
        year += 2000 if 2000 + year <= today.year else 1900
    return year


def find_date(text: str, today: date) -> date | str | None:
    """The date a reply gives ("3rd March 2010", "2001-11-05", "his DOB is 17/09/2009"),
    "invalid" for a date that does not exist (31/02), None when it gives none."""
    t = text.lower()
    parts: tuple[int, int, int] | None = None
    if m := _NUMERIC_YMD.search(t):
        parts = (int(m.group(3)), int(m.group(2)), int(m.group(1)))
    elif m := _NUMERIC_DMY.search(t):
        parts = (int(m.group(1)), int(m.group(2)), _year(m.group(3), today))
    elif m := _WORDS_DMY.search(t):
        parts = (int(m.group(1)), _MONTHS[m.group(2)], int(m.group(3)))
    elif m := _WORDS_MDY.search(t):
        parts = (int(m.group(2)), _MONTHS[m.group(1)], int(m.group(3)))
    if parts is None:
        return None
    try:
        return date(parts[2], parts[1], parts[0])
    except ValueError:
        return "invalid"


_AGE_RANGE = re.compile(r"(?<![\d/])(\d{1,3})\s*(?:or|-|–|to|/)\s*(\d{1,3})(?![\d/])")
_DECADE = re.compile(
    r"\b(early|mid|late)?[\s-]*(teens|twenties|thirties|forties|fifties|sixties|seventies|"
    r"eighties|nineties|[2-9]0'?s)\b"
)
_DECADE_WORDS = {
    "teens": 10,
    "twenties": 20,
    "thirties": 30,
    "forties": 40,
    "fifties": 50,
    "sixties": 60,
    "seventies": 70,
    "eighties": 80,
    "nineties": 90,
}
_SCHOOL_YEAR = re.compile(r"\b(?:year|yr|y)\s*(\d{1,2})\b")
_LONE_NUMBER = re.compile(r"(?<![\d/.:£$])(\d{1,3})(?![\d/.:%])")
#: Words that make a reply something other than an age ("I'm worried about 3 pupils").
_NOT_AN_AGE = re.compile(
    r"\b(pupils?|students?|children|kids|people|times|days|weeks|months|"
    r"o'?clock|percent|minutes|hours)\b|\d\s*(am|pm)\b"
)


def approximate_age(text: str) -> str | None:
    """An approximate age in a short reply: "she's about 15", "12 or 13", "in his forties",
    "year 8" (a school year), "19 (born 2007)". A range is kept as "about 12-13"."""
    t = text.lower()
    if len(t) > 80 or _NOT_AN_AGE.search(t):
        return None
    if m := _AGE_RANGE.search(t):
        low, high = int(m.group(1)), int(m.group(2))
        if 0 < low < high <= 120 and high - low <= 10:
            return f"about {low}-{high}"
    if m := _DECADE.search(t):
        word = m.group(2).replace("'", "")
        base = _DECADE_WORDS.get(word) or int(word[:2])
        spans = {"early": (0, 3), "mid": (4, 6), "late": (7, 9), None: (0, 9)}
        if base == 10:
            spans = {"early": (13, 14), "mid": (14, 16), "late": (17, 19), None: (13, 19)}
            base = 0
        low, high = (base + n for n in spans[m.group(1)])
        return f"about {low}-{high}"
    without_years = _SCHOOL_YEAR.sub(" ", t)
    numbers = [int(n) for n in _LONE_NUMBER.findall(without_years)]
    if numbers and 0 < numbers[0] <= 120:
        return f"about {numbers[0]}"
    if m := _SCHOOL_YEAR.search(t):
        school_year = int(m.group(1))
        if 1 <= school_year <= 13:  # UK school year N: pupils are N+4 to N+5
            return f"about {school_year + 4}-{school_year + 5}"
    return None


def age_on(born: date, today: date) -> int:
    """Whole years of age on `today` for someone born on `born`."""
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))
