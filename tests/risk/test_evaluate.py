"""`make eval`: the evaluator's figures, and the training data kept apart from any eval set."""

from __future__ import annotations

from pathlib import Path

from bot.config import PROJECT_ROOT
from bot.risk import assess
from bot.risk.evaluate import evaluate, load_set, main
from bot.risk.model import TRAINING_FILES, training_files

TINY = Path(__file__).with_name("tiny_eval_set.yml")


def test_the_evaluator_counts_a_confusion_matrix_and_per_class_figures():
    report = evaluate("tiny", load_set(TINY), assess)
    assert report.confusion[("emergency", "emergency")] == 2
    assert report.confusion[("police", "police")] == 1
    assert report.confusion[("police", "calm")] == 1  # the deliberately wrong label
    assert report.confusion[("calm", "calm")] == 3
    assert report.recall("emergency") == 1.0
    assert report.recall("police") == 0.5
    assert report.precision("calm") == 0.75
    # "When in doubt, ask" is counted apart: the weak sign is still calm, but asked.
    assert report.asked["calm"] == 1


def test_make_eval_prints_precision_recall_and_the_matrix(capsys):
    assert main([str(TINY), "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "precision" in out and "recall" in out
    assert "confusion (rows: true, columns: predicted)" in out
    assert "'Is anyone in danger right now?' asked" in out


def test_no_eval_set_is_an_error_not_a_silent_pass(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main([]) == 1


def test_the_model_trains_only_on_named_files_under_data_risk():
    files = training_files()
    folder = (PROJECT_ROOT / "data" / "risk").resolve()
    assert files, "no training files found"
    assert all(f.parent == folder for f in files)
    names = {f.name for f in files}
    assert "holdout_messages.yml" not in names  # held out by construction
    assert not any("eval" in part for f in files for part in f.parts[len(folder.parts) :])
    # The patterns themselves cannot reach eval/ or another folder.
    assert not any("/" in p or ".." in p or "eval" in p for p in TRAINING_FILES)


def test_a_held_out_file_next_to_the_training_files_is_refused(tmp_path):
    risk = tmp_path / "data" / "risk"
    risk.mkdir(parents=True)
    (risk / "labelled_messages.yml").write_text("messages: []\n")
    (risk / "holdout_messages.yml").write_text("messages: []\n")
    (risk / "train_holdout_x.yml").write_text("messages: []\n")
    try:
        training_files(tmp_path)
    except ValueError as exc:
        assert "holdout" in str(exc)
    else:
        raise AssertionError("a file named like a held-out set was accepted for training")
    (risk / "train_holdout_x.yml").unlink()
    assert [f.name for f in training_files(tmp_path)] == ["labelled_messages.yml"]
