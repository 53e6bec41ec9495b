"""Issue 13 (g17): neighbouring topics told apart on fresh paraphrases, answers for gaps the
seeds cover (Lewisham's own procedure beside 999, Middlesbrough's mate-crime work, what SET
2.12 says about WRAP's replacement), and off-topic requests declined while no real question
is."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.guidance import GuidanceService, load_guidance
from bot.guidance.evaluate import evaluate, load_questions, report
from bot.guidance.service import GuidanceAnswer

HERE = Path(__file__).parent
ROOT = HERE.parents[1]
FLOOR = 0.45


@pytest.fixture(scope="module")
def service() -> GuidanceService:
    return GuidanceService(load_guidance(ROOT / "guidance"), FLOOR)


def _answer(service: GuidanceService, text: str) -> GuidanceAnswer:
    answer = service.answer(text)
    assert isinstance(answer, GuidanceAnswer), text
    return answer


def test_neighbouring_topics_are_told_apart_on_fresh_paraphrases(service):
    # Written before the examples were changed; never copied into examples.
    questions = load_questions(HERE / "neighbour_paraphrases.yml")
    assert len(questions) >= 60
    figures = report(evaluate(service, questions), hints_only=False)
    assert figures["top1"] >= 0.95
    assert figures["facts"] >= 0.95


@pytest.mark.parametrize(
    "text",
    [
        "I'm the DSL at a Lewisham primary - at what point do we phone 999?",
        "Lewisham school here: a child is at immediate risk, is it 999 or the referral form?",
    ],
)
def test_a_lewisham_999_question_puts_lewishams_own_procedure_first(service, text):
    # Lewisham's page: worried about a child -> your own organisation's child protection
    # procedures without delay; a child at immediate risk -> 999.
    answer = _answer(service, text)
    first = answer.answer.split(". ")[0].lower()
    assert "child protection procedure" in first, answer.answer
    assert "999" in first, answer.answer
    assert "Lewisham" in answer.citations


@pytest.mark.parametrize(
    "text",
    [
        "when is it a 999 call rather than a prevent referral? we're in Chelmsford",
        "Birmingham school: someone could be hurt today, who do I ring?",
        "when do I ring 999?",
    ],
)
def test_other_areas_keep_the_999_answer(service, text):
    answer = _answer(service, text)
    assert answer.topic_id == "emergency_999", (text, answer.topic_id)


@pytest.mark.parametrize(
    "text",
    [
        "what has Middlesbrough put in place to tackle mate crime?",
        "any Middlesbrough resources on mate crime for learning-disabled adults?",
    ],
)
def test_middlesbroughs_mate_crime_work_is_answered(service, text):
    answer = _answer(service, text)
    text_shown = answer.answer.lower()
    assert answer.topic_id == "mate_crime", answer.topic_id
    assert "leaflet" in text_shown
    assert "digital resilience" in text_shown and "mencap" in text_shown
    assert "awareness session" in text_shown


@pytest.mark.parametrize(
    "text",
    [
        "which e-learning course replaced WRAP?",
        "is WRAP gone now, what online training took its place?",
    ],
)
def test_what_replaced_wrap_says_what_set_2_12_says_and_flags_the_date(service, text):
    answer = _answer(service, text)
    body = answer.answer.lower()
    assert answer.topic_id == "wrap_training", answer.topic_id
    assert "new supplier" in body  # SET 2.12's own words: a replacement to be publicised
    assert "elearning.prevent.homeoffice.gov.uk" in body  # the 2019 packages it linked
    assert "support" in body and "e-learning" in body  # Thurrock toolkit: built to support WRAP
    assert "2019" in answer.dated and "SET 2.12" in answer.citations


def test_no_answer_says_the_e_learning_links_were_replaced():
    # No seed says the 2019 e-learning links or WRAP "have been replaced" by a named course:
    # SET 2.12 says a replacement would be publicised; Lewisham's page lists today's courses.
    base = load_guidance(ROOT / "guidance")
    claims = [
        t.id
        for t in base.topics.values()
        if "have been replaced" in f"{t.answer} {t.dated}" and "e-learning" in t.answer + t.dated
    ]
    assert not claims


@pytest.mark.parametrize(
    "text",
    [
        # a task for an audience ("for year 9") does not make the message about a person
        "Could you summarise the plot of Of Mice and Men for year 11?",
        "give me a quick explanation of the water cycle for year 8",
        "please translate these homework instructions into Urdu for a new pupil",
        # pay, leave, IT and travel questions are another subject, however confident the
        # closest topic is on their everyday words
        "how much sick leave can a teaching assistant take",
        "when is the deadline for claiming travel expenses",
        "how do I change my login for the staff laptop",
        "what time does the last bus to Basildon leave",
    ],
)
def test_everyday_requests_are_declined(service, text):
    assert service.declines(text), text


@pytest.mark.parametrize(
    "text",
    [
        "is there prevent material I could use with year 9",
        "a pupil in year 8 keeps saying he'll go abroad over the holidays to fight",
        "how do I password protect the VTR before sending it",
        "I've forgotten the password I put on the referral, what now?",
        "write me a poem about my student who wants to stab his teacher",
        "what are constructive pursuits in a channel support plan",
        "what was the walk online roadshow in thurrock",
    ],
)
def test_real_questions_near_the_new_rules_are_not_declined(service, text):
    routing = service.routing(text)
    assert routing.describes_concern or not service.declines(text, routing.result), text


def test_no_question_of_the_dev_sets_is_declined(service):
    files = [
        HERE / "dev_paraphrases.yml",
        HERE / "heldout_questions.yml",
        HERE / "neighbour_paraphrases.yml",
        ROOT / "eval" / "set_e" / "guidance.yml",
        ROOT / "eval" / "set_g" / "guidance.yml",
    ]
    questions = [q for f in files for q in load_questions(f)]
    results = evaluate(service, questions)
    declined = [r.question for r in results if not r.off_topic and r.route == "declined"]
    assert not declined


def test_an_area_replacing_an_unknown_topic_stops_loading(tmp_path):
    import shutil

    from bot.guidance.loader import GuidanceError

    copy = tmp_path / "guidance"
    shutil.copytree(ROOT / "guidance", copy)
    contacts = copy / "contacts.yml"
    contacts.write_text(
        contacts.read_text(encoding="utf-8").replace(
            "replaces: [emergency_999]", "replaces: [no_such_topic]"
        ),
        encoding="utf-8",
    )
    with pytest.raises(GuidanceError, match="no_such_topic"):
        load_guidance(copy)


@pytest.mark.parametrize(
    ("text", "topics"),
    [
        ("how do people get taken off channel support?", {"channel_case_review"}),
        ("at what point does a young person finish channel", {"channel_case_review"}),
        (
            "she's supported by Channel and her home life has changed - what now?",
            {"channel_case_review", "panel_information_requests"},
        ),
        (
            "is an adult or child referral looked at by the same person at the council?",
            {"families_lead_child_referral", "referral_flowchart"},
        ),
    ],
)
def test_retrieval_rewrites_for_the_neighbours(service, text, topics):
    # Leaving Channel is its exit (case review); a change for someone on Channel is what the
    # panel must be told of; child or adult decides who reviews the referral (SET 2.7-2.9).
    answer = _answer(service, text)
    assert answer.topic_id in topics, (text, answer.topic_id)


def test_the_evaluator_answers_as_the_action_does_with_the_named_area(service):
    # The guidance action answers with answer_from (an area named in the message brings its
    # own topic); the evaluator must score that answer, not the bare retrieval's.
    question = {
        "question": "We're a Lewisham school and a pupil is in immediate danger - what first?",
        "key_facts": [["child protection procedures"], ["999"]],
    }
    (result,) = evaluate(service, [question])
    assert result.topic == "emergency_999"  # top-1 scores the retrieval
    assert result.facts_ok  # the facts, the answer shown (Lewisham's own procedure)


@pytest.mark.parametrize(
    ("topic", "facts"),
    [
        # Lewisham: grooming by family members or friends with influence over the child
        ("family_implicated", ["family members or friends", "influence"]),
        # Middlesbrough: isolation and disempowerment are what extremists target
        ("how_children_are_radicalised", ["isolation", "disempowerment"]),
        # SET 2.10: each local authority makes sure a panel exists and chairs it
        ("lewisham_route", ["chair", "bespoke"]),
        # SET 2.12's own links, named where the later changes are listed
        ("guidance_updates", ["preventreferrals", "channelawareness"]),
    ],
)
def test_answers_carry_the_seed_facts_of_their_neighbours(service, topic, facts):
    answer = service.topic_answer(topic)
    text = f"{answer.answer} {answer.dated}"
    assert all(f in text for f in facts), (topic, text)


def test_the_new_rewrites_stay_linear_on_hostile_text():
    import time

    from bot.guidance.retrieval import tokens

    for text in ("on channel " * 2000, "in channel and " * 2000, "child or " * 3000):
        start = time.perf_counter()
        tokens(text)
        assert time.perf_counter() - start < 0.5, text[:30]


@pytest.mark.parametrize(
    "text",
    [
        "someone printed national action stickers on the school printer",
        "one of the parents at parents evening was wearing a national action badge",
        "someone left a britain first leaflet in the staffroom printer",
    ],
)
def test_a_sign_of_concern_is_never_declined_as_another_subject(service, text):
    """Second review: an 'elsewhere' word (printer, parents evening) beside a sign of
    concern declined the message as off topic."""
    assert not service.declines(text)


@pytest.mark.parametrize("text", ["how do I fix the staffroom printer", "can you book the minibus"])
def test_other_subjects_are_still_declined(service, text):
    assert service.declines(text)
