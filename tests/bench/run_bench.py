"""`make bench`: latency, throughput and memory, printed as figures (nothing is asserted).

Measures, on this machine and in one run:
- the risk detector's time per message (both labelled sets);
- training time of this assistant;
- REST turn latency and turns/s at 1, 5 and 50 concurrent conversations (the shared
  load generator), with the action server, risk rules and encrypted SQL tracker in the
  loop; resident memory of the Rasa server and the action server afterwards;
- per-turn latency inside the VTR form with 50 concurrent drafts, and database size
  per draft;
- DOCX + PDF rendering of a full draft;
- optionally (`--stock`), the same load against a stock `rasa init` assistant built with
  the same Rasa (trained once, cached), running next to ours and loaded in turn with it
  at each level, with the ratio of turns/s and each side's CPU time per turn (turns/s on
  a shared machine depend on its other load; CPU per turn much less);
- optionally (`--prod`), the production profile with 1 and 2 replicas, and their ratio;
  (`--session`) latency against session length (one 150-turn conversation).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

from tests.helpers.servers import ROOT, free_port, running_assistant, trained_model

# the shared load generator: next to the repository (/work/main) or to the worktrees
LOAD = next(
    (p for p in (ROOT.parent / "shared" / "eval" / "load.py",
                 ROOT.parent.parent / "shared" / "eval" / "load.py") if p.exists()),
    ROOT.parent / "shared" / "eval" / "load.py",
)
FORM_ANSWERS = [
    "start a referral",
    "no",
    "Callum",
    "Brennan",
    "14/02/2011",
    "male",
    "12 Mill Lane CM1 1AA",
    "British",
    "don't know",
    "English",
    "don't know",
    "Moulsham Park Academy",
    "Mum knows",
    "He shares videos from a far-right group and drew their symbol.",
    "that's all",
    "not sure",
    "none known",
    "His mother knows and agrees",
    "Yes, we agreed to refer",
    "none",
    "spoke to him",
    "Dana Whitfield",
    "Head of Year 10",
    "Moulsham Park Academy",
    "Head of year",
    "07700 900123",
    "d.whitfield@example.org",
    "Essex",
]


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def detector_timing() -> str:
    from bot.risk import assess, get_detector
    from bot.risk.combined import assess as combined
    from bot.risk.evaluation import load_labelled

    detector = get_detector()
    assess("warm up")
    messages = load_labelled(ROOT / "data/risk/labelled_messages.yml")
    messages += load_labelled(ROOT / "data/risk/holdout_messages.yml")
    times = []
    for _ in range(5):
        for m in messages:
            t0 = time.perf_counter()
            detector.assess(m.text)
            times.append(time.perf_counter() - t0)
    times.sort()
    long_text = "I am worried about a pupil who keeps talking about the group. " * 330
    t0 = time.perf_counter()
    detector.assess(long_text)
    long_ms = (time.perf_counter() - t0) * 1000
    both = []
    for m in messages:
        t0 = time.perf_counter()
        combined.__wrapped__(m.text)  # uncached: rules + model
        both.append(time.perf_counter() - t0)
    both.sort()
    return (
        f"risk rules: mean {statistics.mean(times) * 1000:.2f} ms, p95 "
        f"{times[int(0.95 * len(times))] * 1000:.2f} ms per message over {len(times)} "
        f"assessments; a 20,000-character message {long_ms:.1f} ms; rules + model: mean "
        f"{statistics.mean(both) * 1000:.2f} ms, p95 {both[int(0.95 * len(both))] * 1000:.2f} ms"
    )


def training_time() -> str:
    with tempfile.TemporaryDirectory() as out:
        t0 = time.perf_counter()
        subprocess.run(
            [
                sys.executable,
                "-m",
                "rasa",
                "train",
                "--out",
                out,
                "--fixed-model-name",
                "bench",
                "--domain",
                "domain",
                "--data",
                "data",
                "--config",
                "config.yml",
                "--quiet",
                "--force",
            ],
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
        return f"training (forced, from scratch): {time.perf_counter() - t0:.1f} s"


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time these processes have used so far."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:  # a backend that has exited meanwhile
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime (clock ticks)
    return total / os.sysconf("SC_CLK_TCK")


def run_load(
    url: str,
    conversations: int,
    turns: int = 10,
    pids: list[int] | None = None,
    groups: dict[str, list[int]] | None = None,
) -> str:
    """One run of the shared load generator; its one-line summary, plus the servers' CPU
    time per turn when their `pids` are given (a figure the machine's other load barely
    moves, unlike turns/s), and, with `groups` (name: pids), that CPU per turn process by
    process, the load generator's own, and how busy the whole machine was meanwhile."""
    import resource

    before = cpu_seconds(pids) if pids else 0.0
    parts = {name: cpu_seconds(group) for name, group in (groups or {}).items()}
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    machine = _machine_ticks()
    t0 = time.perf_counter()
    line = _load(url, conversations, turns)
    wall = time.perf_counter() - t0
    n = conversations * turns
    if pids:
        per_turn = (cpu_seconds(pids) - before) / n
        line += f", {per_turn * 1000:.0f} ms CPU per turn"
    if groups:
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        load_cpu = (after.ru_utime + after.ru_stime) - (children.ru_utime + children.ru_stime)
        each = [f"{name} {(cpu_seconds(group) - parts[name]) / n * 1000:.1f}"
                for name, group in groups.items()]
        busy, total = (b - a for a, b in zip(machine, _machine_ticks(), strict=True))
        cores = os.cpu_count() or 1
        ours = sum(cpu_seconds(g) - parts[k] for k, g in groups.items()) + load_cpu
        line += (
            f"; CPU ms per turn by process: {', '.join(each)}, load generator "
            f"{load_cpu / n * 1000:.1f}; the whole machine was {busy / total * 100:.0f} % busy "
            f"over {cores} cores during the run, these processes used "
            f"{ours / (wall * cores) * 100:.0f} % of it"
        )
    return line


def _machine_ticks() -> tuple[int, int]:
    """(busy, total) CPU ticks of the whole machine so far (/proc/stat)."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle + iowait
    return sum(fields) - idle, sum(fields)


def postgres_pids(data_dir: Path) -> list[int]:
    """The PostgreSQL server of `data_dir` and its backends (children of the postmaster)."""
    try:
        main = int((data_dir / "postmaster.pid").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return []
    found = [main]
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == main:
                found.append(int(stat.parent.name))
        except (OSError, ValueError, IndexError):
            continue
    return found


def _load(url: str, conversations: int, turns: int) -> str:
    out = subprocess.run(
        [
            sys.executable,
            str(LOAD),
            "--url",
            url,
            "--conversations",
            str(conversations),
            "--turns",
            str(turns),
            "--deadline",
            "300",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    return out.stdout.strip() or out.stderr.strip()[-300:]


def say(url: str, sender: str, message: str) -> float:
    body = json.dumps({"sender": sender, "message": message}).encode()
    req = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"})
    t0 = time.perf_counter()
    with urllib.request.urlopen(req, timeout=120) as r:  # noqa: S310 - loopback
        r.read()
    return time.perf_counter() - t0


def form_load(url: str, drafts: int) -> str:
    latencies: list[float] = []
    lock = threading.Lock()

    def one() -> None:
        sender = f"bench-{uuid.uuid4().hex[:8]}"
        for answer in FORM_ANSWERS:
            dt = say(url, sender, answer)
            with lock:
                latencies.append(dt)

    t0 = time.perf_counter()
    threads = [threading.Thread(target=one) for _ in range(drafts)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    s = sorted(latencies)
    return (
        f"VTR form, {drafts} concurrent drafts x {len(FORM_ANSWERS)} turns: p50 "
        f"{statistics.median(s) * 1000:.0f} ms, p95 {s[int(0.95 * len(s))] * 1000:.0f} ms, "
        f"{len(s) / wall:.0f} turns/s"
    )


def render_timing() -> str:
    from datetime import date

    from bot.referral import Draft, get_form
    from bot.referral.render import RenderMeta, to_docx, to_pdf

    form = get_form()
    draft = Draft(values={f.id: "Zoë Łukasz Wójcik" for f in form.fields})
    draft.values.update(
        concern="He said the group would look after him.\n" * 250,
        date_of_birth="14/02/2011",
        area="essex",
        imminent_risk="no",
    )
    meta = RenderMeta.for_draft(draft, today=date(2026, 11, 23))
    to_docx(form, draft, meta), to_pdf(form, draft, meta)  # warm up fonts and imports
    t0 = time.perf_counter()
    runs = 5
    for _ in range(runs):
        docx, pdf = to_docx(form, draft, meta), to_pdf(form, draft, meta)
    per = (time.perf_counter() - t0) / runs
    return f"render DOCX + PDF of a full draft: {per * 1000:.0f} ms ({len(docx) // 1024} KB + {len(pdf) // 1024} KB)"


def seal_and_queue_timing(runs: int = 10) -> str:
    """Seal + queue one full referral (render PDF/DOCX/JSON, S/MIME to one certificate, outbox
    row), and the SET 2.5 fallback (render PDF, AES-256 protect, one-time link row)."""
    import base64
    import secrets
    from datetime import datetime, timezone

    from bot.delivery.pickup import PickupStore
    from bot.delivery.submit import InboxSettings, protect_for_pickup, seal_and_queue
    from bot.referral import Draft, get_form
    from bot.sealing import Sealer
    from bot.store.crypto import KeyRing
    from tests.helpers.pki import make_inbox

    form = get_form()
    with tempfile.TemporaryDirectory() as tmp:
        sealer = Sealer.from_pem_files([make_inbox(Path(tmp) / "keys").cert_file])
        url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        inbox = InboxSettings("prevent@essex.pnn.police.uk", "bot@localhost")
        pickups = PickupStore(
            url, KeyRing.parse("v1:" + base64.b64encode(secrets.token_bytes(32)).decode())
        )

        def draft() -> Draft:
            d = Draft(values={f.id: "Zoë Łukasz Wójcik" for f in form.fields})
            d.values.update(
                concern="He said the group would look after him.\n" * 40,
                date_of_birth="14/02/2011",
                area="essex",
                imminent_risk="no",
            )
            return d

        seal_and_queue(form, draft(), sealer, inbox, url, datetime(2026, 11, 23, 10, 0, tzinfo=timezone.utc))  # warm up
        sealed, protected = [], []
        for _ in range(runs):
            t0 = time.perf_counter()
            seal_and_queue(form, draft(), sealer, inbox, url, datetime(2026, 11, 23, 10, 0, tzinfo=timezone.utc))
            sealed.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            protect_for_pickup(form, draft(), pickups, datetime(2026, 11, 23, 10, 0, tzinfo=timezone.utc))
            protected.append(time.perf_counter() - t0)
    return (
        f"seal + queue one referral (2048-bit RSA inbox): median "
        f"{statistics.median(sealed) * 1000:.0f} ms, max {max(sealed) * 1000:.0f} ms; "
        f"SET 2.5 protected PDF + one-time link: median {statistics.median(protected) * 1000:.0f} ms"
    )


STOCK_CACHE = (
    Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "prevent-assistant" / "stock"
)


def stock_model(results: list[str]) -> Path:
    """A stock `rasa init` assistant (DIET + TED) with this Rasa, trained once and kept
    (per Rasa version) in the user's cache, so each bench run measures, not trains."""
    import rasa

    project = STOCK_CACHE / rasa.__version__
    found = sorted((project / "models").glob("*.tar.gz")) if project.exists() else []
    if found:
        return found[-1]
    project.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "rasa", "init", "--no-prompt", "--init-dir", str(project)],
        cwd=project,
        check=True,
        capture_output=True,
    )
    results.append(f"stock rasa init: trained in {time.perf_counter() - t0:.0f} s")
    return next((project / "models").glob("*.tar.gz"))


@contextmanager
def stock_assistant(results: list[str]) -> Iterator[tuple[str, int]]:
    """The stock assistant served like ours (REST, in-memory tracker): (url, pid)."""
    model = stock_model(results)
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "rasa", "run", "-m", str(model), "--port", str(port),
         "-i", "127.0.0.1"],
        cwd=model.parent.parent,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2)  # noqa: S310
                break
            except OSError:
                time.sleep(1)
        yield f"http://127.0.0.1:{port}/webhooks/rest/webhook", proc.pid
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def turns_per_second(line: str) -> float:
    found = re.search(r"([\d.]+) turns/s", line)
    return float(found.group(1)) if found else 0.0


def ratio(ours: str, theirs: str) -> str:
    a, b = turns_per_second(ours), turns_per_second(theirs)
    return f"{a / b:.2f}x" if b else "n/a"


SESSION_MESSAGES = [
    "what is prevent?", "what is channel?", "where do I send the referral form?",
    "who is the prevent lead in essex?", "what happens after a referral?",
]


def session_length(url: str, turns: int = 150, pids: list[int] | None = None) -> str:
    """One conversation of `turns` turns: is latency flat in session length? With the
    servers' `pids`, also their CPU time per turn over the first and the last ten turns
    (what the machine's other load does not move)."""
    sender = f"session-{uuid.uuid4().hex[:6]}"
    took, cpu = [], []
    for t in range(turns):
        before = cpu_seconds(pids) if pids else 0.0
        took.append(say(url, sender, SESSION_MESSAGES[t % len(SESSION_MESSAGES)]))
        cpu.append(cpu_seconds(pids) - before if pids else 0.0)
    first, last = statistics.median(took[:10]), statistics.median(took[-10:])
    line = (
        f"session length: median turns 1-10 {first * 1000:.0f} ms, "
        f"turns {turns - 9}-{turns} {last * 1000:.0f} ms ({last / first:.2f}x)"
    )
    if pids:
        early, late = sum(cpu[:10]) / 10, sum(cpu[-10:]) / 10
        line += (
            f"; CPU per turn turns 1-10 {early * 1000:.1f} ms, turns {turns - 9}-{turns} "
            f"{late * 1000:.1f} ms ({late / early if early else 0:.2f}x)"
        )
    return line


def prod_profile(
    model: Path, replicas: int, results: list[str], session: bool, levels: list[int]
) -> dict[int, float]:
    """The production profile (scripts/prod.py) on loopback: PostgreSQL, Redis, haproxy.
    Returns turns/s by number of conversations."""
    sys.path.insert(0, str(ROOT / "scripts"))
    from prod import Profile

    var = Path(tempfile.mkdtemp(prefix="prevent-bench-"))
    os.chmod(var, 0o711)  # noqa: S103 - the PostgreSQL server user passes through
    profile = Profile(
        model=str(model), replicas=replicas, var_dir=var, rasa_port=free_port(),
        action_port=free_port(), pg_port=free_port(), redis_port=free_port(),
        metrics_base_port=free_port(), jobs=False, extras=False,
        movable_ports=True,  # replicas on free ports, moved if one is taken at start-up
        extra_env={"PREVENT_MIGRATE_ON_START": ""},
    )
    label = f"prod profile, {replicas} replica{'s' if replicas > 1 else ''}"
    served: dict[int, float] = {}
    try:
        profile.start(timeout=600)
        pids = [p.proc.pid for p in profile.all() if p.alive()]
        run_load(profile.url, 2, 2)  # first turns load lazily: not part of the figures
        groups = {
            "rasa": [p.proc.pid for p in profile.rasa],
            "actions": [p.proc.pid for p in profile.actions],
            "haproxy": [profile.haproxy.proc.pid] if profile.haproxy else [],
            "redis": [profile.redis.proc.pid] if profile.redis else [],
        }
        for n in levels:
            groups["postgres"] = postgres_pids(profile.postgres.data)
            line = run_load(profile.url, n, pids=pids, groups=groups if n == max(levels) else None)
            served[n] = turns_per_second(line)
            results.append(f"{label}, {line}")
        if session:
            server_pids = [p.proc.pid for p in (*profile.rasa, *profile.actions)]
            results.append(f"{label}, {session_length(profile.url, pids=server_pids)}")
        rss = [f"{p.name} {rss_mb(p.proc.pid):.0f}" for p in profile.all() if p.alive()]
        results.append(f"{label}: RSS MB " + ", ".join(rss))
    finally:
        profile.stop()
        import shutil

        shutil.rmtree(var, ignore_errors=True)
    return served


class _Shown(list):
    """The results, each also printed as soon as it is known (a long run that fails
    late keeps what it measured)."""

    def append(self, line: str) -> None:
        print(line, flush=True)
        super().append(line)


def main() -> None:
    # throwaway databases, migrated at first use (bot/store/schema.py), as in the tests
    os.environ.setdefault("PREVENT_MIGRATE_ON_START", "1")
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--stock", action="store_true",
        help="also a stock rasa init assistant, loaded in turn with ours in the same run",
    )
    parser.add_argument("--skip-training", action="store_true")
    parser.add_argument(
        "--prod", action="store_true", help="also the production profile, 1 and 2 replicas"
    )
    parser.add_argument(
        "--session", action="store_true", help="latency against session length (150 turns)"
    )
    parser.add_argument("--only-load", action="store_true", help="skip the non-load figures")
    parser.add_argument(
        "--conversations", default="1,5,50", help="concurrent conversations, comma-separated"
    )
    parser.add_argument("--model", type=Path, help="this model instead of the current one")
    args = parser.parse_args()
    levels = [int(n) for n in args.conversations.split(",") if n.strip()]
    results: list[str] = _Shown() if args.only_load else _Shown([
        detector_timing(), render_timing(), seal_and_queue_timing()
    ])
    if not args.skip_training and not args.only_load:
        results.append(training_time())
    model = args.model or trained_model()
    with tempfile.TemporaryDirectory() as tmp, ExitStack() as stack:
        bot = stack.enter_context(running_assistant(model, Path(tmp) / "var"))
        stock = stack.enter_context(stock_assistant(results)) if args.stock else None
        for url in [bot.rest_url] + ([stock[0]] if stock else []):
            run_load(url, 2, 2)  # first turns load lazily: not part of the figures
        # Ours and stock take turns at each level, so both see the same machine load.
        for n in levels:
            ours = run_load(bot.rest_url, n, pids=list(bot.pids.values()))
            results.append(f"this assistant, {ours}")
            if stock is not None:
                theirs = run_load(stock[0], n, pids=[stock[1]])
                results.append(f"stock rasa init, {theirs}")
                results.append(
                    f"this assistant / stock rasa init at {n} conversations: "
                    f"{ratio(ours, theirs)} turns/s"
                )
        if args.session:
            results.append(
                f"this assistant, {session_length(bot.rest_url, pids=list(bot.pids.values()))}"
            )
        if not args.only_load:
            results.append(form_load(bot.rest_url, 50))
        drafts_db = Path(tmp) / "var" / "prevent.db"
        tracker_db = Path(tmp) / "var" / "tracker.db"
        size = lambda p: sum(f.stat().st_size for f in p.parent.glob(p.name + "*"))  # noqa: E731
        if not args.only_load:
            results.append(
                f"storage after 50 full drafts: drafts DB {size(drafts_db) / 1024:.0f} KB "
                f"({size(drafts_db) / 50 / 1024:.1f} KB per draft incl. WAL), tracker DB "
                f"{size(tracker_db) / 1024 / 1024:.1f} MB"
            )
        for name, key in (("Rasa server", "rasa"), ("action server", "actions")):
            results.append(f"{name} RSS after the load: {rss_mb(bot.pids[key]):.0f} MB")
        if stock is not None:
            results.append(f"stock rasa init: Rasa server RSS {rss_mb(stock[1]):.0f} MB")
    if args.prod:
        served = {}
        for replicas in (1, 2):
            served[replicas] = prod_profile(model, replicas, results, args.session, levels)
        for n in levels:
            one, two = served[1].get(n, 0.0), served[2].get(n, 0.0)
            if one:
                results.append(
                    f"prod profile, 2 replicas / 1 replica at {n} conversations: "
                    f"{two / one:.2f}x turns/s"
                )
    print("\n".join(["", "== benchmark results =="] + results))


if __name__ == "__main__":
    main()
