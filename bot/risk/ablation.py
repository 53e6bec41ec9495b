"""Ablation of the model's guards: what each one earns and costs (issue 12, r12gen).

Every guard in `bot.risk.combined.GUARDS` lowers the model's verdict in some context (an
idiom, a lesson, an everyday event...). A guard earns its place when switching it off adds
more false alarms than it wins back in recall; this prints, per set, the figures with all
guards on, with each one off, and with the old message-wide scope of the calm frames.

Figures only (precision, recall, counts): held-out sets must stay aggregate.

    python -m bot.risk.ablation eval/risk/blind_set.yml eval/risk/blind_set_b.yml
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import bot.risk.combined as combined
from bot.risk.evaluate import evaluate, load_set


def _row(name: str, sets: dict[str, list]) -> str:
    cells = []
    for set_name, examples in sets.items():
        combined.assess.cache_clear()
        report = evaluate(set_name, examples, combined.assess)
        asked = sum(report.asked.values())
        cells.append(
            f"E {report.recall('emergency'):.3f} P {report.recall('police'):.3f}"
            f" calmP {report.precision('calm'):.3f} calmR {report.recall('calm'):.3f}"
            f" asked {asked:3d}"
        )
    return f"{name:28} | " + " | ".join(cells)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--only-added", action="store_true", help="skip the one-off rows")
    parser.add_argument("--frames", action="store_true", help="also each frame of the rules")
    args = parser.parse_args(argv)
    sets = {str(p): load_set(p) for p in args.files}
    print(" | ".join(["configuration".ljust(28), *(p.name for p in args.files)]))
    print(_row("all guards (in use)", sets))
    if not args.only_added:
        combined.SCOPE = "message"
        print(_row("frames cover whole message", sets))
        combined.SCOPE = "sentence"
        for guard in combined.GUARDS:
            combined.DISABLED = {guard}
            print(_row(f"without {guard}", sets))
    combined.DISABLED = set(combined.GUARDS)
    print(_row("no guards at all", sets))
    for guard in combined.GUARDS:  # the guards overlap: what each adds on its own
        combined.DISABLED = set(combined.GUARDS) - {guard}
        print(_row(f"only {guard}", sets))
    combined.DISABLED = set()
    if args.frames:
        _frame_rows(sets)
    return 0


def _frame_rows(sets: dict[str, list]) -> None:
    """The rules' own guards: each calm frame taken out of every rule's `blocked_by`."""
    import copy

    from bot.risk.detector import RiskDetector, load_lexicon

    lexicon = load_lexicon()
    frames = sorted({f for rule in lexicon["rules"] for f in rule.get("blocked_by", ())})
    original = combined.get_detector
    try:
        for frame in frames:
            changed = copy.deepcopy(lexicon)
            for rule in changed["rules"]:
                rule["blocked_by"] = [f for f in rule.get("blocked_by", ()) if f != frame]
            detector = RiskDetector(changed)
            combined.get_detector = lambda d=detector: d  # type: ignore[assignment]
            print(_row(f"rules without frame {frame}", sets))
    finally:
        combined.get_detector = original


if __name__ == "__main__":
    sys.exit(main())
