"""Does a message to the referrer name the person referred, or their family?

Why: messages reach the referrer in a chat app (Telegram, Teams, the web chat), outside the
secure inbox. SET's rule is that referral content stays in the secure route, and a name is the
most identifying part of it. A reviewer writing "Has Zephyrine's mother been told?" means
well; the app stops and asks before such a message goes.

The names come from the decrypted referral: every word of the first name(s) and surname, and
capitalised words of the family field that are not relationship or everyday words (so
"Mother knows; Mr Oyelaran abroad" gives "Oyelaran"). Matching is on whole words, ignoring
case and accents, so "zephyrine" and "Zéphyrine" are both caught.

Plain Python, tested directly and through the app.
"""

from __future__ import annotations

import re
import unicodedata

from bot.review.cases import OpenedReferral

NAME_FIELDS = ("forename", "surname")
FAMILY_FIELD = "family"
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)  # O'Brien: O, Brien; Zoe's: Zoe, s
#: Capitalised words in a family field that are not names.
_NOT_NAMES = frozenset(
    """
    mother father mum mom dad mummy daddy parent parents carer carers guardian guardians
    step stepmother stepfather stepmum stepdad grandmother grandfather grandma grandad granny
    grandparents nan nana brother brothers sister sisters sibling siblings aunt uncle cousin
    son daughter child children family foster adoptive birth mr mrs ms miss dr the a an and
    or but they she he his her their both neither not no yes unknown none lives living with
    knows know agreed agrees told aware abroad away at home in of to is are was were has have
    social worker care local authority school police
    """.split()
)


def _fold(word: str) -> str:
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def referral_names(referral: OpenedReferral) -> set[str]:
    """The words of the referral that name the person or their family (as written)."""
    values = {f.id: f.value for s in referral.sections for f in s.fields}
    names: set[str] = set()
    for field_id in NAME_FIELDS:
        for word in _WORD.findall(values.get(field_id, "")):
            if len(word) >= 2 and _fold(word) not in ("unknown", "not", "known"):
                names.add(word)
    for word in _WORD.findall(values.get(FAMILY_FIELD, "")):
        if len(word) >= 2 and word[0].isupper() and _fold(word) not in _NOT_NAMES:
            names.add(word)
    return names


def names_in(text: str, names: set[str]) -> list[str]:
    """The referral's names that appear in `text` as whole words, in a stable order."""
    folded = {_fold(name): name for name in names}
    found = {folded[_fold(w)] for w in _WORD.findall(text) if _fold(w) in folded}
    return sorted(found, key=str.casefold)
