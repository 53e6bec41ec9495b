"""Loading guidance/: the real files are valid, broken files stop start-up by name."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml

from bot.guidance import GuidanceError, load_guidance

GUIDANCE = Path(__file__).resolve().parents[2] / "guidance"

REQUIRED_TOPICS = [
    "what_is_prevent",
    "what_is_channel",
    "contest",
    "radicalisation_extremism_definitions",
    "information_sharing",
    "three_dimensions",
    "indicators_engagement",
    "indicators_intent",
    "indicators_capability",
    "consent_children",
    "consent_adults",
    "capacity_16_plus",
    "how_to_refer",
    "where_to_send",
    "no_secure_email",
    "after_referral",
    "referral_flowchart",
    "transfers",
    "support_types",
    "channel_panel",
    "partner_agencies",
    "training",
    "contacts_essex",
    "contacts_southend",
    "contacts_thurrock",
    "emergency_999",
    "anti_terrorist_hotline",
    "run_hide_tell",
    "myth_criminal_record",
    "myth_spying",
    "myth_targets_muslims",
    "myth_free_speech",
    "policy_dates",
]


@pytest.fixture(scope="module")
def base():
    return load_guidance(GUIDANCE)


def test_every_required_topic_is_covered(base):
    assert [t for t in REQUIRED_TOPICS if t not in base.topics] == []


def test_every_topic_is_cited_with_known_sections(base):
    for topic in base.topics.values():
        assert topic.citations, topic.id
        assert all(c in base.sources for c in topic.citations), topic.id


def test_topics_have_enough_example_questions(base):
    assert min(len(t.examples) for t in base.topics.values()) >= 8


def test_contacts_cover_the_three_set_areas_with_the_secure_inbox(base):
    assert set(base.areas) >= {"essex", "southend", "thurrock"}
    set_areas = [a for a in base.areas.values() if a.set_policy]
    assert {a.id for a in set_areas} == {"essex", "southend", "thurrock"}
    assert all(a.prevent_inbox.lower() == "prevent@essex.pnn.police.uk" for a in set_areas)
    assert base.police.phone == "01245 452196"


def test_the_dated_facts_are_said(base):
    text = " ".join(t.answer + " " + t.dated for t in base.topics.values()).lower()
    assert ".gsi" in text and "2019" in text and "2023" in text


def test_emergency_and_police_replies_exist_with_citations(base):
    assert "999" in base.replies["emergency"].text
    assert "0800 789 321" in base.replies["police"].text
    assert "SET 2.5" in base.replies["emergency"].citations


def test_citation_labels_read_well(base):
    assert base.sources["SET 2.4"].label == "SET 2.4 Consent"
    assert base.sources["Lewisham"].label == "Lewisham"


@pytest.fixture()
def copy_of_guidance(tmp_path: Path) -> Path:
    target = tmp_path / "guidance"
    shutil.copytree(GUIDANCE, target)
    return target


def test_an_unknown_citation_names_the_file_and_entry(copy_of_guidance):
    path = copy_of_guidance / "consent.yml"
    path.write_text(path.read_text().replace('"SET 2.4"', '"SET 9.9"', 1))
    with pytest.raises(GuidanceError, match=r"consent\.yml, entry '\w+'.*SET 9\.9"):
        load_guidance(copy_of_guidance)


def test_an_uncited_entry_is_refused(copy_of_guidance):
    (copy_of_guidance / "extra.yml").write_text(
        "topics:\n  - id: x\n    title: X\n    answer: A\n    citations: []\n"
        "    examples: [a, b, c]\n"
    )
    with pytest.raises(GuidanceError, match=r"extra\.yml, entry 'x'.*cite"):
        load_guidance(copy_of_guidance)


def test_invalid_yaml_names_the_file(copy_of_guidance):
    (copy_of_guidance / "broken.yml").write_text("topics: [\n")
    with pytest.raises(GuidanceError, match=r"broken\.yml: not valid YAML"):
        load_guidance(copy_of_guidance)


def test_a_duplicate_topic_id_is_refused(copy_of_guidance):
    (copy_of_guidance / "dup.yml").write_text(
        "topics:\n  - id: contest\n    title: X\n    answer: A\n    citations: ['SET 1.1']\n"
        "    examples: [a, b, c]\n"
    )
    with pytest.raises(GuidanceError, match="already used"):
        load_guidance(copy_of_guidance)


def test_extra_examples_join_their_topic_without_duplicates(copy_of_guidance):
    base = load_guidance(copy_of_guidance)
    topic = next(iter(base.topics.values()))
    folder = copy_of_guidance / "examples"
    folder.mkdir(exist_ok=True)
    (folder / "zz_test.yml").write_text(
        f"examples:\n  {topic.id}:\n    - a brand new way to ask this\n    - {topic.examples[0]}\n"
    )
    merged = load_guidance(copy_of_guidance).topics[topic.id]
    assert "a brand new way to ask this" in merged.examples
    assert merged.examples.count(topic.examples[0]) == 1


def test_extra_examples_for_an_unknown_topic_are_refused(copy_of_guidance):
    folder = copy_of_guidance / "examples"
    folder.mkdir(exist_ok=True)
    (folder / "zz_test.yml").write_text("examples:\n  no_such_topic:\n    - hello\n")
    with pytest.raises(GuidanceError, match="no_such_topic"):
        load_guidance(copy_of_guidance)


def test_no_answer_has_a_word_or_link_broken_at_a_hyphen(base):
    # A folded YAML line that ends in "-" reads as "- " once folded: "Counter- Extremism",
    # or a gov.uk link that no longer opens.
    import re

    broken = [
        (t.id, m.group(0))
        for t in base.topics.values()
        for m in re.finditer(r"\w- \w+", f"{t.answer} {t.dated}")
    ]
    assert not broken


PHONE = re.compile(r"\b0\d{3,4}[ -]?\d{3}[ -]?\d{3,4}\b")


def test_numbers_live_only_in_contacts_yml():
    """Policy text refers to {contact.x}; a number typed anywhere else drifts from it."""
    root = Path(__file__).resolve().parents[2]
    typed = {
        str(path.relative_to(root)): [
            number
            for line in path.read_text(encoding="utf-8").splitlines()
            if not line.lstrip().startswith("#")  # a comment is for maintainers
            for number in PHONE.findall(line)
        ]
        for folder in ("guidance", "domain")
        for path in (root / folder).rglob("*.yml")
        if path.name != "contacts.yml" and not path.name.startswith("_generated")
    }
    assert {f: n for f, n in typed.items() if n} == {}


def test_contact_references_are_filled_when_loaded(base):
    hotline = yaml.safe_load(
        (Path(__file__).resolve().parents[2] / "guidance" / "contacts.yml").read_text()
    )["anti_terrorist_hotline"]
    texts = [t.answer for t in base.topics.values()] + [r.text for r in base.replies.values()]
    assert not any("{contact." in text for text in texts)
    assert any(hotline in text for text in texts)


def test_an_unknown_contact_reference_names_the_file(copy_of_guidance):
    path = copy_of_guidance / "emergency.yml"
    path.write_text(path.read_text().replace("{contact.anti_terrorist_hotline}", "{contact.nope}"))
    with pytest.raises(GuidanceError, match="emergency.yml"):
        load_guidance(copy_of_guidance)


#: The Lewisham route's addresses (cold review D4): written twice in referral.yml and not in
#: contacts.yml, so a change would have had to be made in several places.
LEWISHAM = re.compile(r"[\w.+-]+@(?:[\w-]+\.)*(?:lewisham\.gov\.uk|met\.pnn\.police\.uk)", re.I)


def test_lewishams_addresses_live_only_in_contacts_yml(base):
    root = Path(__file__).resolve().parents[2]
    typed = {
        str(path.relative_to(root)): LEWISHAM.findall(path.read_text(encoding="utf-8"))
        for path in (root / "guidance").rglob("*.yml")
        if path.name != "contacts.yml" and "examples" not in path.parts
    }
    assert {f: n for f, n in typed.items() if n} == {}
    contacts = (root / "guidance" / "contacts.yml").read_text(encoding="utf-8")
    for address in set(LEWISHAM.findall(contacts)):
        assert contacts.count(address) == 1, address  # one source per fact
    for topic in ("lewisham_route", "contacts_lewisham"):
        answer = base.topics[topic].answer
        assert "prevent@lewisham.gov.uk" in answer and "mashagency@lewisham.gov.uk" in answer
        assert answer.count("prevent@lewisham.gov.uk") == 1, topic
    assert [c.email for c in base.areas["lewisham"].contacts] == [
        "preventreferrals@met.pnn.police.uk",
        "mashagency@lewisham.gov.uk",
        "prevent@lewisham.gov.uk",
    ]
