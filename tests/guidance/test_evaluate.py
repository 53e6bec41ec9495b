"""The guidance evaluator: top-1 and key facts are counted as documented, and the dev set
stays out of the training data."""

from __future__ import annotations

from pathlib import Path

import yaml

from bot.build_data import nlu_document
from bot.guidance import GuidanceService, load_guidance
from bot.guidance.evaluate import evaluate, load_questions, report

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).parent
DEV = HERE / "dev_paraphrases.yml"


def test_top1_and_key_facts_are_counted_per_question(capsys):
    service = GuidanceService(load_guidance(ROOT / "guidance"), 0.45)
    questions = [
        {
            "question": "where do I email the VTR form?",
            "topic": "where_to_send",
            "key_facts": [["prevent@essex.pnn.police.uk"], ["pnn", "egress"]],
        },
        {
            "question": "where do I email the VTR form?",
            "topic": "contest",
            "key_facts": [["a sentence no answer holds"]],
        },
        {"question": "zzzz qqqq", "topic_hint": "gibberish"},
    ]
    figures = report(evaluate(service, questions), hints_only=True)
    assert figures["top1"] == 0.5
    assert figures["facts"] == 0.5
    assert "gibberish" not in capsys.readouterr().out  # no label, no key facts: no failure


def test_dev_paraphrases_are_not_training_data():
    examples = nlu_document(ROOT / "guidance")["nlu"][0]["examples"].lower()
    questions = [str(q["question"]).lower() for q in load_questions(DEV)]
    assert len(questions) >= 150
    questions += [
        str(q["question"]).lower() for q in load_questions(DEV.with_name("holdout_paraphrases.yml"))
    ]
    assert not [q for q in questions if f"- {q}\n" in examples]


def test_no_example_is_a_near_copy_of_an_evaluation_question():
    # Issue 13: retrieval is measured on paraphrases not derived from the examples. A topic
    # example that copies a dev, holdout or eval question (character n-gram cosine >= 0.9)
    # would inflate the figure; write your own wording instead.
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.metrics.pairwise import cosine_similarity

    files = [
        DEV,
        DEV.with_name("holdout_paraphrases.yml"),
        DEV.with_name("neighbour_paraphrases.yml"),
        *sorted(ROOT.glob("eval/guidance/*.yml")),
        *sorted(ROOT.glob("eval/*/guidance.yml")),  # every set's: dev, blind and held out
    ]
    questions = [str(q.get("question") or q.get("text")) for f in files for q in load_questions(f)]
    base = load_guidance(ROOT / "guidance")
    examples = [e for t in base.topics.values() for e in t.examples]
    vectors = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True)
    vectors.fit(questions + examples)
    similarity = cosine_similarity(vectors.transform(examples), vectors.transform(questions))
    twins = set(yaml.safe_load((HERE / "independent_twins_of_set_c.yml").read_text())["examples"])
    twins |= set(yaml.safe_load((HERE / "near_copies_before_s11.yml").read_text())["examples"])
    copies = [
        (examples[i], questions[int(row.argmax())])
        for i, row in enumerate(similarity)
        if row.max() >= 0.9 and examples[i] not in twins
    ]
    assert not copies


def test_also_ok_topics_count_as_top1_and_none_means_decline(capsys):
    # Set D names one `topic` per question and may list other right topics in `also_ok`;
    # `topic: none` is an off-topic message, right only when the guidance declines it.
    service = GuidanceService(load_guidance(ROOT / "guidance"), 0.45)
    answered = evaluate(service, [{"question": "where do I email the VTR form?"}])[0].topic
    questions = [
        {"question": "where do I email the VTR form?", "topic": "contest", "also_ok": [answered]},
        {
            "question": "where do I email the VTR form?",
            "topic": "contest",
            "also_ok": ["recording"],
        },
        {"question": "where do I email the VTR form?", "topic": "contest", "also_ok": answered},
        {"question": "what's the capital of australia", "topic": "none"},
        {"question": "where do I email the VTR form?", "topic": "none"},
        # sets J and later write the same as `topic: off_topic`
        {"question": "what's the capital of australia", "topic": "off_topic"},
        {"question": "where do I email the VTR form?", "topic": "off_topic"},
    ]
    results = evaluate(service, questions)
    assert [r.top1_ok for r in results] == [True, False, True, True, False, True, False]
    assert [r.off_topic for r in results] == [False] * 3 + [True] * 4
    assert abs(report(results, hints_only=False)["top1"] - 4 / 7) < 1e-9


def test_several_files_end_with_a_per_file_summary(tmp_path, capsys):
    from bot.guidance.evaluate import main

    first, second = tmp_path / "first.yml", tmp_path / "second.yml"
    first.write_text(yaml.safe_dump([{"question": "what is channel?", "topic": "what_is_channel"}]))
    second.write_text(
        yaml.safe_dump([{"question": "what is channel?", "key_facts": [["no answer has this"]]}])
    )
    assert main([str(first), str(second)]) == 0
    out = capsys.readouterr().out
    table = out[out.index("== summary") :].splitlines()
    assert "first.yml" in table[2] and table[2].split()[-3:] == ["1.000", "-", "-"]
    assert "second.yml" in table[3] and table[3].split()[-3:] == ["-", "0.000", "0.000"]


def test_lenient_key_facts_forgive_spelling_form_not_content():
    """Case, punctuation, hyphens, British/US spelling and plurals are the same fact; a
    different word is not. The strict figure is reported beside the lenient one."""
    from bot.guidance.evaluate import fact_found

    answer = (
        "Channel panels are multi-agency. Staff don\u2019t need to know the Counter-Terrorism "
        "and Security Act 2015; radicalisation and behaviour are what they look for."
    )
    for fact in [
        "multi agency",
        "channel panel",
        "counter terrorism and security act 2015",
        "radicalization",
        "behavior",
        "don't need",
        "staff don't need to know",
        "panels are multi-agency.",
    ]:
        assert fact_found(fact, answer, lenient=True), fact
    assert not fact_found("multi agency", answer, lenient=False)
    assert not fact_found("radicalization", answer, lenient=False)
    for other in ["consent", "single agency", "security act 2016", "radical right"]:
        assert not fact_found(other, answer, lenient=True), other


def test_both_key_fact_figures_are_reported(capsys):
    service = GuidanceService(load_guidance(ROOT / "guidance"), 0.45)
    questions = [
        {"question": "where do I email the VTR form?", "key_facts": [["prevent essex pnn"]]},
    ]
    figures = report(evaluate(service, questions), hints_only=True)
    assert figures["facts"] == 0.0 and figures["facts_lenient"] == 1.0
    out = capsys.readouterr().out
    assert "key facts (strict)" in out and "key facts (lenient)" in out


def test_off_topic_messages_declined_are_counted(capsys):
    """`topic: none` or `topic_hint: off_topic` marks a message the guidance should decline:
    the figure is how many of those it declined (not merely left unanswered)."""
    service = GuidanceService(load_guidance(ROOT / "guidance"), 0.45)
    questions = [
        {"question": "how do I convert fahrenheit to celsius for the oven", "topic": "none"},
        {"question": "what's the capital of australia", "topic_hint": "off_topic"},
        {"question": "what is channel?", "topic_hint": "off_topic"},
        {"question": "what is channel?", "topic_hint": "what_is_channel"},
    ]
    figures = report(evaluate(service, questions), hints_only=True)
    assert abs(figures["off_topic_declined"] - 2 / 3) < 1e-9
    assert "off-topic declined: 2/3" in capsys.readouterr().out
