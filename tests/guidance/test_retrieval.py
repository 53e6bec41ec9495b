"""Retrieval over guidance/: own examples, held-out phrasings, and knowing when not to answer."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.guidance import GuidanceAnswer, GuidanceService, NotSure, load_guidance

ROOT = Path(__file__).resolve().parents[2]
HELDOUT = yaml.safe_load((Path(__file__).parent / "heldout_questions.yml").read_text())["questions"]
FLOOR = 0.45


@pytest.fixture(scope="module")
def service() -> GuidanceService:
    return GuidanceService(load_guidance(ROOT / "guidance"), FLOOR)


def test_every_topic_is_found_from_its_own_examples(service):
    misses = [
        (topic.id, example)
        for topic in service.base.topics.values()
        for example in topic.examples
        if (best := service.search(example).best) is None or best.topic.id != topic.id
    ]
    assert len(misses) <= 0.02 * sum(len(t.examples) for t in service.base.topics.values()), misses


def test_held_out_phrasings_find_their_topic(service):
    answerable = [q for q in HELDOUT if q["topic"] != "none"]
    top3 = sum(
        q["topic"] in [s.topic.id for s in service.search(q["text"]).ranked] for q in answerable
    )
    top1 = sum(
        (b := service.search(q["text"]).best) is not None and b.topic.id == q["topic"]
        for q in answerable
    )
    assert top3 / len(answerable) >= 0.92
    assert top1 / len(answerable) >= 0.85


def test_most_off_topic_questions_are_declined(service):
    # Not answered: unsure, or declined by the off-topic check (bot.guidance.scope), which
    # came after this test and is how the assistant declines ("canteen" is outside scope).
    off_topic = [q["text"] for q in HELDOUT if q["topic"] == "none"]
    declined = sum(
        not service.search(text).confident or service.declines(text) for text in off_topic
    )
    assert declined / len(off_topic) >= 0.75


@pytest.mark.parametrize(
    ("question", "topic", "must_say"),
    [
        (
            "If we refer a pupil to Channel does it go on their criminal record?",
            "myth_criminal_record",
            "criminal record",
        ),
        (
            "Where do I email the completed VTR form in Essex?",
            "where_to_send",
            "prevent@essex.pnn.police.uk",
        ),
        ("we have no secure email, how do we send it", "no_secure_email", "01245 452196"),
        ("What are the four parts of CONTEST?", "contest", "pursue"),
        ("Who chairs the Southend Channel panel?", "contacts_southend", "alison crowe"),
    ],
)
def test_known_questions_are_answered_with_the_facts(service, question, topic, must_say):
    answer = service.answer(question)
    assert isinstance(answer, GuidanceAnswer)
    assert answer.topic_id == topic
    assert must_say in answer.answer.lower()
    assert answer.citation_labels


def test_gibberish_gets_not_sure_with_suggestions_and_a_contact(service):
    result = service.answer("zzzz qqqq")
    assert isinstance(result, NotSure)
    assert result.area.prevent_inbox


def test_a_button_topic_id_answers_that_topic_and_an_unknown_id_falls_back(service):
    assert service.answer("", topic_id="contest").topic_id == "contest"
    assert isinstance(service.answer("", topic_id="../../etc/passwd"), NotSure)


def test_a_percent_sign_asks_for_the_figures():
    # Issue 13 (g20): "what % of ..." asks for a number as "what percentage" does.
    from bot.guidance.retrieval import normalise

    assert "statistics" in normalise("what % of channel cases were about the far right")
    assert "statistics" not in normalise("what is channel")


def test_a_possessive_is_read_as_its_word():
    # Issue 13 (g20): "Middlesbrough's" and "Leon's" met nothing ("middlesbrough'"), so a
    # topic titled with a possessive lost its own name; "who's" is not a possessive.
    from bot.guidance.retrieval import tokens

    assert "middlesbrough" in tokens("Middlesbrough's Prevent work")
    assert "leon" in tokens("tell me about leon's case")
    assert "who" not in tokens("who's the lead for schools")


def test_under_18_and_a_minor_read_as_a_child():
    # Issue 13 (g21): the age pattern read only "N years old", so "under 18" and "a minor"
    # (how people say child) did not meet the child consent topic.
    from bot.guidance.retrieval import normalise

    assert "child" in normalise("consent rules for someone under-18")
    assert "child" in normalise("can a minor say no to this")
    assert "child" not in normalise("consent rules for someone over 18")


@pytest.mark.parametrize(
    "question",
    [
        "is anything offered to those who have been convicted of terror offences",
        "what help can individuals who have already engaged in terrorism get",
        "what support is there with ex-offenders from extremist groups",
        "can prevent still help after he's been released from prison",
    ],
)
def test_support_for_people_already_involved_is_the_desistance_programme(service, question):
    # Issue 13 (g21): support for people already involved in terrorism or convicted went to
    # what Prevent is or to the partner agencies; the SET policy's answer is the DDP.
    assert service.search(question).best.topic.id == "desistance_disengagement_programme"


@pytest.mark.parametrize(
    "question",
    [
        "do the school cleaners have to be trained in prevent like the teachers",
        "what level of prevent training do our receptionists need",
    ],
)
def test_a_non_teaching_role_asking_about_training_gets_the_tiered_approach(service, question):
    # Issue 13 (g21): caretakers, receptionists or governors asking about training met the
    # general training or DSL training topics, not who needs which level.
    assert service.search(question).best.topic.id == "training_levels"


def test_suspected_terrorist_activity_says_police_without_delay(service):
    # Issue 13 (g21): SET 2.4, "contact Essex Police without delay", was missing from the
    # topic that says Channel is not the route for someone already involved.
    answer = service.topic_answer("channel_not_criminal_justice")
    assert "without delay" in answer.answer and "SET 2.4" in answer.citations
    governors = service.topic_answer("training_levels")
    assert "governor" in governors.answer


def test_contractions_typed_without_the_apostrophe_are_read_as_contractions(service):
    # Issue 13 (g21): "we dont have egress" missed the no-secure-email pattern (it reads
    # "don't"), so the question went to where the form is sent.
    from bot.guidance.retrieval import normalise

    assert "don't" in normalise("we dont have it") and "can't" in normalise("i cant")
    assert "were" in normalise("they were there").split()
    best = service.search("our trust doesnt use egress or cjsm, so how can the form go safely?")
    assert best.best.topic.id == "no_secure_email"


@pytest.mark.parametrize(
    "question",
    [
        "she takes a mishmash of anti-government ideas and misogyny - does prevent cover that?",
        "he mixes together incel forums and anti-vax posts, is that a recognised ideology?",
    ],
)
def test_a_mix_of_causes_in_everyday_words_is_a_mixed_ideology(service, question):
    # Issue 13 (g21): "mixes up", "a mishmash of", "all over the place" were not read as the
    # mixed, unclear or unstable ideology the SET policy names.
    assert service.search(question).best.topic.id == "mixed_unclear_ideology"


@pytest.mark.parametrize(
    "question",
    [
        "just transferred from a Chelmsford school to a Lewisham one - does the referral "
        "process work the same?",
        "I used to teach in Basildon, now I'm at a Lewisham primary: is making a prevent "
        "referral the same here?",
        "I've moved from Essex to a Lewisham school. is the prevent referral process the same?",
    ],
)
def test_the_referral_process_in_a_named_area_answers_with_that_areas_route(service, question):
    # Issue 13 (g21): when-to-refer and how-to-refer tie without the place name; the second
    # is a route Lewisham has its own of, so the Lewisham contacts answer.
    answer = service.answer(question)
    assert isinstance(answer, GuidanceAnswer) and answer.topic_id == "contacts_lewisham"


@pytest.mark.parametrize(
    "question",
    [
        # Issue 13 (g22): an address named in the question asks where the form goes; its own
        # words (essex, police, gov) pulled it to the Essex contacts or the VTR form.
        "my head says to use prevent@essex.gov.uk for the VTR - right?",
        "is it ok to email the form to channel@thurrock.gov.uk",
        "does prevent@essex.pnn.police.uk take referrals from schools?",
    ],
)
def test_an_email_address_in_the_question_asks_where_to_send(service, question):
    best = service.search(question).best
    assert best is not None and best.topic.id == "where_to_send", question


@pytest.mark.parametrize(
    "question",
    [
        # Issue 13 (g22): a relative as the source of the extremism is the family-implicated
        # case (SET 2.4), not consent in general nor how children are radicalised.
        "my pupil's older cousin seems to be radicalising him, who do I speak to?",
        "I think it's his stepdad feeding him this stuff - do we tell home about the referral?",
        "can radicalisation come from a young person's own household?",
        "a grandparent is indoctrinating the kids, what's the procedure",
    ],
)
def test_a_relative_as_the_source_is_the_family_implicated_case(service, question):
    best = service.search(question).best
    assert best is not None and best.topic.id == "family_implicated", question


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        ("do I need the parents' consent to refer a child for radicalisation?", "consent_children"),
        ("parents are worried their son is being radicalised, who can help them?", "act_early"),
        ("is there a leaflet for parents about radicalisation online?", "resources_for_teaching"),
    ],
)
def test_parents_named_beside_radicalisation_are_not_always_the_source(service, question, topic):
    best = service.search(question).best
    assert best is not None and best.topic.id != "family_implicated", (question, topic)
