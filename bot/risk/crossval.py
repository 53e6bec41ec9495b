"""Choose the model's thresholds by principle: out-of-fold figures of the whole risk check.

Why: the evaluation sets under eval/ are judged data, so thresholds must not be squeezed on
them. Instead the training texts (data/risk + the NLU examples as calm) are split in five;
for each fold a model is trained on the other four, and the whole check (rules + model +
guards, `bot.risk.combined.assess`) reads the held-back fifth. Printed per threshold pair:
emergency and police recall, how many calm texts were flagged, how many were asked "is
anyone in danger right now?". Pick the point past which one more caught emergency costs
more than about two false 999s on calm texts (r12rules, issue 12).

    python -m bot.risk.crossval            # about two minutes per threshold pair on 2 cores
    python -m bot.risk.crossval 0.6,0.7 0.65,0.7
"""

from __future__ import annotations

import argparse
from collections import Counter

from sklearn.model_selection import StratifiedKFold

import bot.risk.combined as combined
import bot.risk.model as model
from bot.config import PROJECT_ROOT


def out_of_fold(
    pairs: list[tuple[float, float]], folds: int = 5
) -> dict[tuple[float, float], Counter[tuple[str, str]]]:
    """Confusion counts (true, predicted) per (emergency, police) threshold pair."""
    texts, labels = model._labelled(model.training_files())
    calm = model._ordinary_examples(PROJECT_ROOT / "data" / "nlu")
    texts, labels = texts + calm, labels + ["calm"] * len(calm)
    counts: dict[tuple[float, float], Counter[tuple[str, str]]] = {p: Counter() for p in pairs}
    saved_model, saved_thresholds = combined.get_model, dict(model.THRESHOLDS)
    try:
        splitter = StratifiedKFold(folds, shuffle=True, random_state=0)
        for train, test in splitter.split(texts, labels):
            fold_model = model.RiskModel([texts[i] for i in train], [labels[i] for i in train])
            combined.get_model = lambda m=fold_model: m  # type: ignore[assignment]
            for pair in pairs:
                model.THRESHOLDS.update({"emergency": pair[0], "police": pair[1]})
                combined.assess.cache_clear()
                for i in test:
                    found = combined.assess(texts[i])
                    predicted = "calm" if found.level == "none" else found.level
                    counts[pair][(labels[i], predicted)] += 1
                    if found.ask_if_in_danger:
                        counts[pair][(labels[i], "asked")] += 1
    finally:
        combined.get_model = saved_model
        model.THRESHOLDS.update(saved_thresholds)
        combined.assess.cache_clear()
    return counts


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pairs", nargs="*", default=["0.6,0.7", "0.65,0.7", "0.7,0.7", "0.7,0.6"])
    args = parser.parse_args(argv)
    pairs = [tuple(float(x) for x in p.split(",")) for p in args.pairs]
    for pair, c in out_of_fold(pairs).items():  # type: ignore[arg-type]
        n = Counter(t for (t, p), v in c.items() for _ in range(v) if p != "asked")
        flagged = c[("calm", "emergency")] + c[("calm", "police")]
        print(
            f"emergency {pair[0]:.2f} police {pair[1]:.2f}: "
            f"emergency R {c[('emergency', 'emergency')] / n['emergency']:.3f}, "
            f"police R {c[('police', 'police')] / n['police']:.3f}, "
            f"calm flagged {flagged}/{n['calm']}, asked on calm {c[('calm', 'asked')]}"
        )


if __name__ == "__main__":
    main()
