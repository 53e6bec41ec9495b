"""Classes found by t22 (issue 13) with its own cases, in our own words.

- A soft "no" taken back by what follows ("not really, though he did say ...") is not a no.
- "I don't really know" is a doubt, never a no.
- Ages: "my son is 14", "one of our students, fifteen,", "tutees (15)", "year 9s", "in
  reception"; a parent as the answer to the age question is an adult; a number later in an
  age answer ("she's a college student, 17") is the age.
- Words of intent (SET 2.3): a group labelled or blamed as a whole ("all Muslims are
  terrorists"), harm wished on it ("should be bombed"), an attacker or an attack praised
  with its name in between ("admires the Manchester bomber", "praising October 7th").
- Terrorist material by what it shows (beheading videos); a relative showing it to a child
  is the family implicated (SET 2.4).
- Drawing guns is not having them; a named place promised an attack is a crime planned.
- The practitioner's "Nothing to do with extremism." counts even when another sentence gives
  the person's account; the practitioner's own question "is she being radicalised?" is no
  cause seen.
- Answers to the family and consent questions in plain words ("they're aware", "dad's the one
  who's into it", "he's fine with it").
"""

from __future__ import annotations

import pytest

from bot.triage.conversation import read_reply
from bot.triage.extract import mentioned_facts, yes_no


@pytest.mark.parametrize(
    ("asked", "text"),
    [
        ("intent", "not really, though he did say he'd like to see them all gone"),
        ("engagement", "not really, though he did say he'd been to a couple of their meetings"),
        ("capability", "no, but he has been excluded for fighting twice"),
        ("terrorism", "I don't think so but he did mention wanting to do something big"),
        ("ideology", "not really, though she did say some odd things about Jews"),
    ],
)
def test_a_soft_no_taken_back_by_what_follows_is_not_a_no(asked: str, text: str) -> None:
    reading = read_reply(asked, text)
    assert reading.how == "answer"
    assert reading.values[asked] in ("unsure", "yes"), reading.values


@pytest.mark.parametrize(
    ("asked", "text"),
    [
        ("intent", "no, though he is a lovely lad"),
        ("engagement", "no, nothing like that"),
        ("capability", "not really, no"),
    ],
)
def test_a_no_with_nothing_said_or_done_after_it_stays_a_no(asked: str, text: str) -> None:
    assert read_reply(asked, text).values[asked] == "no"


@pytest.mark.parametrize(
    "text",
    [
        "I don't really know, he just said something about Jews running everything",
        "i honestly don't know",
        "I really don't know tbh",
    ],
)
def test_not_really_knowing_is_a_doubt_never_a_no(text: str) -> None:
    assert yes_no(text) == "unsure"


@pytest.mark.parametrize(
    ("text", "age"),
    [
        ("My son is 14 and he spends all night on 4chan", 14),
        ("my daughter is 12 and she watches their videos", 12),
        ("One of our students, fifteen, has been looking up how to make thermite", 15),
        ("Should I refer one of my tutees (15) who has shaved his head?", 15),
        ("One of my year 9s has a Celtic cross on his pencil case", 13),
        ("a little boy in reception keeps repeating what his uncle says", 4),
    ],
)
def test_ages_in_the_opening(text: str, age: int) -> None:
    facts = mentioned_facts(text)
    assert facts.get("age") == age
    assert facts.get("age_group") == "child"


@pytest.mark.parametrize(
    "text", ["he was 15 minutes late to the lesson", "he is 5 foot tall and very quiet"]
)
def test_minutes_and_heights_are_no_age(text: str) -> None:
    assert "age" not in mentioned_facts(text)


@pytest.mark.parametrize(
    ("text", "group", "age"),
    [
        ("she's a college student, 17", "child", 17),
        ("in reception", "child", 4),
        ("she's a mum of two", "adult", None),
        ("he's a dad at the school", "adult", None),
    ],
)
def test_age_answers_in_the_persons_own_words(text: str, group: str, age: int | None) -> None:
    reading = read_reply("age_group", text)
    assert reading.how == "answer"
    assert reading.values["age_group"] == group
    assert reading.values.get("age") == age


def test_a_parent_in_the_opening_is_someone_else_not_the_person() -> None:
    assert mentioned_facts("A mum told me her son has been saying odd things").get(
        "age_group"
    ) == "child"


@pytest.mark.parametrize(
    "text",
    [
        "a year 8 said that all Muslims are terrorists",
        "he says immigrants should all be bombed",
        "she's been sharing posts about immigrants being criminals",
        "he said he admires the Manchester bomber",
        "a colleague keeps praising October 7th",
        "he says the Jews control the banks",
    ],
)
def test_a_group_labelled_blamed_or_harm_wished_on_it_is_intent(text: str) -> None:
    assert mentioned_facts(text).get("intent") == "yes"


@pytest.mark.parametrize(
    "text",
    [
        "he says not all immigrants are criminals",
        "she wrote an essay on why immigrants are not the problem",
    ],
)
def test_a_label_denied_is_not_intent(text: str) -> None:
    assert mentioned_facts(text).get("intent") != "yes"


def test_a_relative_showing_a_child_beheading_videos_is_material_and_the_family() -> None:
    facts = mentioned_facts("a 5 year old whose dad has been showing him beheading videos")
    assert facts.get("engagement") == "yes"
    assert facts.get("family_implicated") == "yes"


@pytest.mark.parametrize("text", ["he keeps drawing guns", "he has a water gun", "he has a nerf gun"])
def test_drawing_or_toy_guns_are_no_capability(text: str) -> None:
    assert mentioned_facts(text).get("capability") != "yes"


@pytest.mark.parametrize("text", ["his brother has a gun under his bed", "he keeps guns at home"])
def test_having_a_gun_is_capability(text: str) -> None:
    assert mentioned_facts(text).get("capability") == "yes"


def test_an_attack_on_a_named_place_promised_is_a_crime_planned() -> None:
    facts = mentioned_facts("her brother says he will sort out the mosque next week")
    assert facts.get("terrorism") == "yes"
    assert mentioned_facts("he said he will sort out the homework").get("terrorism") is None


def test_the_practitioners_own_not_extremism_counts_beside_the_persons_account() -> None:
    text = (
        "He's 16 and has been caught with a knife twice, he says it's for protection. "
        "Nothing to do with extremism."
    )
    assert mentioned_facts(text).get("ideology") == "no"


def test_the_practitioners_question_about_radicalisation_is_no_cause_seen() -> None:
    text = (
        "A year 11 girl has been organising a climate protest and a petition. "
        "Should I be worried she's being radicalised?"
    )
    assert mentioned_facts(text).get("ideology") != "yes"
    # ... while radicalisation told as what happens stays a cause named
    assert mentioned_facts("Should I refer a boy who is being radicalised by his uncle?").get(
        "ideology"
    ) == "yes"
    assert mentioned_facts("I'm worried he is being radicalised").get("ideology") == "yes"


@pytest.mark.parametrize(
    ("asked", "text", "fact", "value"),
    [
        ("family_aware", "they're aware", "family_aware", "yes"),
        ("family_aware", "dad's the one who's into it", "family_implicated", "yes"),
        ("adult_consent", "he said he's fine with it", "adult_consent", "given"),
    ],
)
def test_family_and_consent_answers_in_plain_words(
    asked: str, text: str, fact: str, value: str
) -> None:
    reading = read_reply(asked, text)
    assert reading.how == "answer"
    assert reading.values[fact] == value
