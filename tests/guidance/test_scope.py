"""Off-topic messages get the kind decline; real questions, unclear ones and anything that
might be a concern never do."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest
import yaml

from bot.guidance import GuidanceService, load_guidance

HERE = Path(__file__).parent
ROOT = HERE.parents[1]
FLOOR = 0.45


def _questions(name: str) -> list[dict]:
    data = yaml.safe_load((HERE / name).read_text(encoding="utf-8"))
    return data["questions"] if isinstance(data, dict) else data


@pytest.fixture(scope="module")
def service() -> GuidanceService:
    return GuidanceService(load_guidance(ROOT / "guidance"), FLOOR)


def test_off_topic_questions_are_declined(service):
    off_topic = [q["text"] for q in _questions("off_topic_questions.yml")]
    kept = [text for text in off_topic if not service.declines(text)]
    # Safety first (review 6): a question that names a person ("my daughter needs help with
    # her fractions homework") is never declined, since a message about a child may be a
    # concern; it gets "not sure" with topics instead. Two of the 20 do; one more may miss.
    about_a_person = [t for t in kept if re.search(r"\b(my daughter|my son|her|his)\b", t)]
    assert len(kept) - len(about_a_person) <= 1, kept


def test_real_questions_are_never_declined(service):
    real = [
        str(q.get("question") or q.get("text"))
        for name in ("dev_paraphrases.yml", "holdout_paraphrases.yml", "heldout_questions.yml")
        for q in _questions(name)
        if q.get("topic") != "none"
    ]
    examples = [e for t in service.base.topics.values() for e in t.examples]
    declined = [text for text in real + examples if service.declines(text)]
    assert not declined


@pytest.mark.parametrize(
    "text",
    [
        "is it bad",
        "what about the other thing",
        "hmm",
        "a kid in my class made a joke about bombing the school",
        "my pupil keeps drawing swastikas in his homework",
        "one of my students says the football lads are recruiting him online",
        "I'm in Lewisham",
        # a payload ("/nlu_fallback", a button's "/intent{...}") is the assistant's own
        # vocabulary, never a user's question about something else
        "/nlu_fallback",
        '/ask_guidance{"guidance_topic": "what_is_channel"}',
    ],
)
def test_unclear_messages_and_possible_concerns_are_not_declined(service, text):
    assert not service.declines(text)


@pytest.mark.parametrize(
    "text",
    [
        "he keeps watching beheading videos",
        "my student says the jews control the banks and the media",
        "my nephew's been sharing videos of the christchurch shooter",
        "write me a poem about my student who wants to stab his teacher",
        "he said he would poison the school dinners",
        "she keeps going on about the race war online",
    ],
)
def test_a_message_about_a_person_or_a_harm_is_never_declined(service, text):
    # review 6: these were declined as off topic ("I can only help with Prevent ...")
    assert not service.declines(text)


@pytest.mark.parametrize(
    "text",
    [
        # a subject word inside another word is not the subject ("referee", "mashed",
        # "stable", "countertop", "reference")
        "who was the referee in the cup final",
        "mashed potato recipe for thirty people",
        "what's a stable way to stack the hall chairs",
        "best cleaner for a granite countertop",
        "can you write a reference letter for my neighbour's new job",
        # everyday words the guidance happens to use do not make it a question for it
        "what's the quickest way to get chewing gum off a carpet",
        "which team won the rugby league grand final",
        "can you explain long multiplication with the grid method",
    ],
)
def test_off_topic_with_a_subject_inside_another_word_or_everyday_words_is_declined(
    service, text
):
    assert service.declines(text), text


@pytest.mark.parametrize(
    "word_form",
    [
        "is radicalisation always online?",
        "what counts as extremist material",
        "are referrals recorded anywhere",
        "explain the counter-terrorism strategy",
        "what do jihadists believe",
        "is misogynistic content covered",
        "who safeguards adults",
    ],
)
def test_subject_word_forms_still_count_as_the_subject(service, word_form):
    assert not service.declines(word_form), word_form


# Off-topic questions whose everyday words ("percentage", "statistics", "process", "book")
# the guidance knows, so the word rules alone answer them; the off-topic classifier
# (scope/off_topic_examples.yml) reads them as other subjects. Written for this test, not
# taken from the pool or any evaluation set.
_KNOWN_WORDS_OFF_TOPIC = [
    "what percentage of the budget goes on supply cover",
    "where do I find the statistics for last year's attendance",
    "what is the process for booking the main hall for a concert",
    "recommend a good novel for a book club of retired teachers",
]


def test_off_topic_with_the_guidance_s_everyday_words_is_declined_by_the_classifier(service):
    assert [t for t in _KNOWN_WORDS_OFF_TOPIC if not service.declines(t)] == []
    # The classifier does the work: without it the word rules keep most of them.
    rules_only = GuidanceService(
        dataclasses.replace(service.base, off_topic_examples=(), beyond=()), FLOOR
    )
    assert sum(not rules_only.declines(t) for t in _KNOWN_WORDS_OFF_TOPIC) >= 3


def test_the_classifier_never_declines_a_message_naming_a_subject(service):
    # It only adds declines among messages that name no subject: a concern phrased in
    # everyday words, or a question about a person, still gets through.
    for text in (
        "what percentage of referrals are about pupils like mine",
        "my student keeps talking about booking a trip to join his cousin's group",
        "where do I find the statistics on prevent referrals from schools",
    ):
        assert not service.declines(text), text


# Issue 13 (g20): another safeguarding procedure or school business, named with only the
# subject words it shares with Prevent (a referral, a duty, consent), is that
# subject's question; naming Prevent, a person, a harm or the DSL keeps a message in scope.
# Written for this test, not taken from any evaluation set.
@pytest.mark.parametrize(
    "text",
    [
        "what's the timescale for a LADO referral after an allegation",
        "is there a duty to report upskirting to the head",
        "does the fire drill need consent forms signed",
        "plan an icebreaker with year 8 for the first lesson",
    ],
)
def test_another_subject_with_only_shared_subject_words_is_declined(service, text):
    assert service.declines(text), text


@pytest.mark.parametrize(
    "text",
    [
        "is a LADO referral the same as a Prevent referral?",
        "does the Prevent duty say anything about sexting?",
        "my pupil has been sexting a man who sends him extremist videos",
        "our DSL is off on maternity leave, who handles referrals?",
        "a lesson with a pupil who keeps praising a terrorist",
        "is attendance at the panel compulsory for the referrer?",
    ],
)
def test_prevent_a_person_or_the_dsl_keep_another_subject_in_scope(service, text):
    assert not service.declines(text), text


@pytest.mark.parametrize(
    "text",
    [
        # session 10: another subject's own name, with only shared subject words
        "is the flu vaccination at school a consent thing for the nurse to sort",
        "what's the deadline for answering a subject access request",
        # another country's system, the facts of a past attack, content for a lesson or club,
        # though they name terrorism or extremism
        "how do the Americans deal with terrorism in schools",
        "how does the FBI decide which groups it investigates",
        "how many people were killed in the Omagh bombing",
        "what year was the Oklahoma City bombing in America",
        "who carried out the Hyde Park bombing",
        "can you recommend a documentary about terrorism for our film club",
        "give me a debate motion on whether terrorism can ever be justified",
    ],
)
def test_other_procedures_and_questions_beyond_the_seeds_are_declined(service, text):
    assert service.declines(text), text


@pytest.mark.parametrize(
    "text",
    [
        "what does the FGM duty say teachers must do",
        "female genital mutilation reporting - who do I tell?",
        "can you draft a letter about the school uniform policy for year 7 families",
    ],
)
def test_another_safeguarding_procedure_or_school_business_is_declined(service, text):
    # Issue 13 (g21): FGM is `elsewhere` in subjects.yml, but the triage reads it as a sign
    # (other_safeguarding), and "a sign is never another subject" kept it in scope; only a
    # sign of radicalisation does now. Uniform policy is school business.
    assert service.declines(text), text


@pytest.mark.parametrize(
    "text",
    [
        # the same subjects asked about the Prevent process, or about a person, stay in scope
        "is there anything like Prevent in America?",
        "should I refer a pupil who keeps praising the Oklahoma City bomber?",
        "how many terrorist attacks have there been in the UK since 2017?",
        "what does the Terrorism Act 2000 say terrorism is?",
        "my student keeps asking how many people died in terror attacks and seems excited by it",
        "do I need a parent's consent before a Prevent referral for her son?",
        "where can I find resources for a lesson on extremism?",
        # cold review (session 10): a person beside another subject's name, a department or
        # a country's adjective, a letter, the process's own meetings: never declined
        "a boy in detention drew the school on fire with people inside",
        "a student refused the HPV vaccine because his dad says it's a government plot",
        "racist graffiti in the German department toilets",
        "someone wrote the word terrorist on the French teacher's car",
        "the video of the New Zealand mosque attack is circulating among year 11s",
        "can a visiting speaker from Canada with hateful views talk at assembly?",
        "the terrorist attack in France has scared my class, how do I talk about it?",
        "do I need to write a letter to parents after the terror threat?",
        "what happened at the WRAP session last week?",
        "which year did the duty come in for schools?",
        "what year was the counter terrorism and security act",
        "our safeguarding lead wants to know what year the terrorism act changed",
    ],
)
def test_the_prevent_process_or_a_person_keeps_such_questions_in_scope(service, text):
    assert not service.declines(text), text


@pytest.mark.parametrize(
    "text",
    [
        "a pupil has told me her aunt is taking her abroad to be cut - FGM?",
        "national action stickers on the school printer",
        "he's drawn swastikas all over his school uniform",
    ],
)
def test_a_person_or_a_sign_of_radicalisation_is_never_declined(service, text):
    assert not service.declines(text), text


# Issue 13 (g22): a person named in school business ("a nursery outing", "an EHC needs
# assessment for a girl") does not make it a concern: the classifier reads it clearly as
# another subject (above `PEOPLE_MARGIN`). Written for this test, not from any eval set.
@pytest.mark.parametrize(
    "text",
    [
        "what's the adult to child ratio for a nursery outing to the zoo",
        "how do I request an EHC needs assessment for a girl with dyslexia",
        "the kids keep losing their PE kit, any ideas for a lost property system",
        "how many hours of PE should year 10 get a week",
    ],
)
def test_school_business_naming_only_a_pupil_is_declined(service, text):
    assert service.declines(text), text


@pytest.mark.parametrize(
    "text",
    [
        "he keeps saying the teachers are all traitors who deserve what's coming",
        "a boy in year 9 has started wearing a badge I don't recognise",
        "she says her brother is going to fight abroad",
        "their kids are scared after the news, what do I say",
        "my son has a nosebleed at school, can staff give him paracetamol",
    ],
)
def test_a_person_told_of_in_everyday_words_is_still_not_declined(service, text):
    assert not service.declines(text), text


@pytest.mark.parametrize(
    "text",
    [
        # Session 11 review: handling a pupil's questions or views on a contested subject in
        # a lesson is Prevent duty territory (resources_for_teaching), never declined.
        "a year 10 girl keeps asking about Palestine in RE, how do I handle the lesson?",
        "a boy in year 8 keeps bringing up immigration in PSHE, how should I deal with it in "
        "class?",
        "how do I handle a class discussion when a year 9 pupil asks about the war in Gaza",
        "my year 11s keep asking about Israel in history lessons, how do I respond?",
    ],
)
def test_handling_a_pupil_s_questions_on_a_contested_subject_in_a_lesson_is_in_scope(
    service, text
):
    assert not service.declines(text), text


@pytest.mark.parametrize(
    "text",
    [
        # ... while lesson business naming a pupil is still another subject.
        "how many hours of PE should year 10 get a week in lessons",
        "a year 7 boy keeps asking about his maths homework in class, how do I handle the "
        "marking?",
    ],
)
def test_lesson_business_without_a_contested_subject_is_still_declined(service, text):
    assert service.declines(text), text


def test_handling_a_contested_subject_in_a_lesson_is_answered_with_teaching_resources(service):
    routing = service.routing(
        "a year 10 girl keeps asking about Palestine in RE, how do I handle the lesson?"
    )
    assert not routing.start_triage
    assert routing.result.best is not None
    assert routing.result.best.topic.id == "resources_for_teaching"
