"""Micro-benchmark of the risk check: ms per message of `bot.risk.assess` (rules + model).

A small bench for a shared machine (no servers, one process): every message of the dev
sets (eval/risk/*.yml, eval/set_e/risk.yml) through the uncached check, a few rounds,
the mean and p95 printed. `--dump FILE` also writes every assessment (as_dict) as JSON,
so two versions of the code can be compared for identical verdicts:

    python -m tests.bench.assess_bench --dump /tmp/before.json
    (change the code)
    python -m tests.bench.assess_bench --dump /tmp/after.json && cmp /tmp/before.json /tmp/after.json
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

from bot.config import PROJECT_ROOT


def dev_texts(root: Path = PROJECT_ROOT) -> list[str]:
    from bot.risk.evaluate import load_set

    files = sorted((root / "eval" / "risk").glob("*.yml")) + [root / "eval/set_e/risk.yml"]
    return [example.text for path in files if path.exists() for example in load_set(path)]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--limit", type=int, default=0, help="first N messages only")
    parser.add_argument("--dump", type=Path, help="write every assessment here (JSON)")
    args = parser.parse_args(argv)

    from bot.risk import assess, warm_up

    warm_up()
    texts = dev_texts()
    if args.limit:
        texts = texts[: args.limit]
    check = assess.__wrapped__  # type: ignore[attr-defined]  # uncached: the real cost
    times: list[float] = []
    for _ in range(args.rounds):
        for text in texts:
            t0 = time.perf_counter()
            check(text)
            times.append(time.perf_counter() - t0)
    times.sort()
    print(
        f"assess (rules + model, uncached): mean {statistics.mean(times) * 1000:.2f} ms, "
        f"median {statistics.median(times) * 1000:.2f} ms, "
        f"p95 {times[int(0.95 * len(times))] * 1000:.2f} ms per message "
        f"over {len(times)} assessments ({len(texts)} messages x {args.rounds})"
    )
    if args.dump:
        args.dump.write_text(
            json.dumps([check(t).as_dict() for t in texts], indent=0, sort_keys=True),
            encoding="utf-8",
        )


if __name__ == "__main__":
    main()
