"""The statistical half of the risk check: a text classifier that catches what the rules miss.

Rules are explainable but only know the phrasings someone wrote down; a classifier trained
on labelled reports generalises to new wording. Neither decides alone (`bot.risk.assess`):
either can raise a message to 999 or the police, neither can lower what the other found.
On a blind set written independently of both, rules alone reached 82 % emergency recall;
rules or model (thresholds below) reached 100 % with no more calm messages flagged.

Training data: the files of `data/risk/` named in `TRAINING_FILES` (labelled emergency /
police / calm reports) plus every ordinary example of the NLU data as calm, so greetings,
answers and policy questions are known not to be emergencies. The list is explicit, so a
held-out file (`holdout_messages.yml`) or an evaluation set (`eval/`) can never be trained
on by being put next to the training files. Training takes a few seconds, once per process.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import yaml
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion, Pipeline

from bot.config import PROJECT_ROOT
from bot.tfidf import TfidfReader, linear_scores

LABELS = ("emergency", "police", "calm")
RISK_INTENTS = {"report_emergency", "report_terrorism"}
#: Above these probabilities the model alone raises a message. Emergency 0.7 was chosen on
#: tests/risk/blind_messages.yml. Police was 0.9 ("a concern for referral often reads like
#: it"); since issue 12 a police verdict of the model also needs means, an act, a plan,
#: travel or a group in the message (bot.risk.combined), and at 0.7 no more of the 1,925 calm
#: texts of the project (risk sets, NLU examples, dev.yml) were flagged than at 0.9.
#: Re-checked after the r12c training data (r12rules), by 5-fold cross-validation of the
#: whole check (rules + model + guards) over the 3,448 training texts, out of fold: emergency
#: 0.70 -> 0.65 catches 7 more of 712 emergencies for 4 more of 2,115 calm texts flagged
#: (0.60 adds 3 more emergencies for 7 more calm alarms: past the point where a false 999
#: costs less than a missed one). Police 0.70 -> 0.60 gains 4 of 621 for 3 calm alarms, a
#: wash, so police stays 0.70 (a false "tell the police now" costs the tool its users'
#: trust). Re-run with `python -m bot.risk.crossval`.
THRESHOLDS = {"emergency": 0.65, "police": 0.7}
#: Between this and the emergency threshold the model's lean is a doubt: the assistant asks
#: whether anyone is in danger right now (issue 12, "when in doubt, ask").
DOUBT_THRESHOLD = 0.5


#: The only files the model learns from, relative to `data/risk/` (glob patterns allowed).
#: Held-out and evaluation sets are excluded by construction: they are not named here,
#: and `training_files()` refuses anything outside `data/risk/` or named like a held-out set.
TRAINING_FILES = ("labelled_messages.yml", "police_dev_messages.yml", "train_*.yml")
_NEVER_TRAIN = ("holdout", "blind", "eval")


@dataclass(frozen=True)
class ModelVerdict:
    label: str
    probability: float
    words: tuple[str, ...]
    #: The probability of an emergency and the words behind it, whatever the label.
    emergency: float = 0.0
    emergency_words: tuple[str, ...] = ()


class RiskModel:
    """Word and character n-grams into a balanced logistic regression (fixed seed)."""

    def __init__(self, texts: list[str], labels: list[str]) -> None:
        self._words = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True)
        features = FeatureUnion(
            [
                (
                    "chars",
                    TfidfVectorizer(
                        analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=2
                    ),
                ),
                ("words", self._words),
            ]
        )
        self._pipeline = Pipeline(
            [
                ("features", features),
                (
                    "classifier",
                    LogisticRegression(C=8, max_iter=3000, class_weight="balanced", random_state=0),
                ),
            ]
        )
        self._pipeline.fit([_reading(t) for t in texts], labels)
        self._classes = list(self._pipeline.classes_)
        self._word_names = self._words.get_feature_names_out()
        n_chars = len(self._pipeline.named_steps["features"].transformer_list[0][1].vocabulary_)
        classifier = self._pipeline.named_steps["classifier"]
        self._word_coefficients = {
            label: classifier.coef_[self._classes.index(label)][n_chars:]
            for label in ("emergency", "police")
        }
        # The fitted parts, read directly per message (issue 16): the pipeline's
        # predict_proba spends more on validation and joblib than on the arithmetic.
        chars = self._pipeline.named_steps["features"].transformer_list[0][1]
        self._char_features = TfidfReader(chars)
        self._word_features = TfidfReader(self._words)
        self._coefficients = classifier.coef_
        self._intercept = classifier.intercept_
        self._n_chars = n_chars
        if not self._multinomial(classifier):  # it is, with 3 classes and lbfgs
            raise ValueError("RiskModel expects a multinomial logistic regression")

    @staticmethod
    def _multinomial(classifier: LogisticRegression) -> bool:
        multi = classifier.multi_class
        return multi == "multinomial" or (
            multi == "auto" and len(classifier.classes_) > 2 and classifier.solver != "liblinear"
        )

    def probabilities(self, text: str) -> np.ndarray:
        """`predict_proba` of the fitted pipeline for one text already read (`_reading`).

        The same tf-idf features (each block l2-normalised), the same linear scores and the
        same softmax, in the order of `self._classes`.
        """
        scores = linear_scores(
            self._coefficients,
            self._intercept,
            [
                (*self._char_features.transform(text), 0),
                (*self._word_features.transform(text), self._n_chars),
            ],
        )
        scores = np.exp(scores - scores.max())
        return scores / scores.sum()

    def verdict(self, text: str) -> ModelVerdict:
        """The most likely risky label and its probability ("calm" when neither is likely)."""
        text = _reading(text)
        probabilities = self.probabilities(text)
        for label in ("emergency", "police"):
            p = float(probabilities[self._classes.index(label)])
            if p >= THRESHOLDS[label]:
                return ModelVerdict(label, p, self._top_words(text, label))
        emergency = float(probabilities[self._classes.index("emergency")])
        words = self._top_words(text, "emergency") if emergency >= DOUBT_THRESHOLD else ()
        calm = float(probabilities[self._classes.index("calm")])
        return ModelVerdict("calm", calm, (), emergency, words)

    def _top_words(self, text: str, label: str, k: int = 3) -> tuple[str, ...]:
        """The word n-grams that pushed hardest towards `label` (for the explanation)."""
        cols, values = self._word_features.transform(text)
        weights = self._word_coefficients[label]
        scored = sorted(
            (
                (value * weights[col], col)
                for col, value in zip(cols.tolist(), values.tolist(), strict=True)
            ),
            reverse=True,
        )
        names = self._word_names
        telling = [
            names[col]
            for score, col in scored
            if score > 0 and not set(names[col].split()) <= ENGLISH_STOP_WORDS
        ]
        return tuple(telling[:k])


def _reading(text: str) -> str:
    """What the model reads: the message without the lexicon's idioms (r12eng).

    The same in training and in use, so "hanging around with" weighs nothing either way.
    """
    from bot.risk.detector import get_detector  # spaCy and the lexicon, built once

    return get_detector().model_reading(text)


def _labelled(paths: Iterable[Path]) -> tuple[list[str], list[str]]:
    texts, labels = [], []
    for path in paths:
        for message in yaml.safe_load(path.read_text(encoding="utf-8"))["messages"]:
            if message["label"] in LABELS:
                texts.append(message["text"])
                labels.append(message["label"])
    return texts, labels


def _ordinary_examples(nlu_dir: Path) -> list[str]:
    examples = []
    for path in sorted(nlu_dir.glob("*.yml")):
        for block in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("nlu", []):
            if "intent" in block and block["intent"] not in RISK_INTENTS:
                examples += [
                    line[2:].strip()
                    for line in str(block.get("examples", "")).splitlines()
                    if line.startswith("- ")
                ]
    return examples


def training_files(root: Path = PROJECT_ROOT) -> list[Path]:
    """The labelled files the model trains on: `TRAINING_FILES` under `data/risk/`, no others."""
    folder = (root / "data" / "risk").resolve()
    found: list[Path] = []
    for pattern in TRAINING_FILES:
        for path in sorted(folder.glob(pattern)):
            path = path.resolve()
            if path.parent != folder or any(w in path.name for w in _NEVER_TRAIN):
                raise ValueError(f"{path} may not be used to train the risk model")
            if path not in found:
                found.append(path)
    return found


def train_default(root: Path = PROJECT_ROOT) -> RiskModel:
    texts, labels = _labelled(training_files(root))
    calm = _ordinary_examples(root / "data" / "nlu")
    return RiskModel(texts + calm, labels + ["calm"] * len(calm))


@functools.lru_cache(maxsize=1)
def get_model() -> RiskModel:
    """The process-wide model (trained on first use, about a second)."""
    return train_default()
