"""The review app's queue page with many sealed referrals: latency and memory (figures only).

`python -m tests.bench.review_bench [--n 1000] [--requests 20] [--postgres | --database-url URL]`

Fills a fresh database (SQLite in a temporary folder unless a URL is given) with `n` sealed
referrals, each a real S/MIME envelope (PDF + DOCX + JSON, sealed to a throwaway inbox
certificate) with review statuses spread along the workflow, runs the review app as its own
process on loopback (as `make review` does), signs in, and times the queue page (the first page
of 50, newest first, with the counts per status), a filtered queue page and opening one
referral (decrypting it). Prints p50/p95 in milliseconds and the server's resident memory.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.helpers.servers import ROOT, free_port

SCREENED_EVERY = 3  # every third referral is moved to screening, every ninth further on


def _percentile(samples: list[float], pct: float) -> float:
    ordered = sorted(samples)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _fill(url: str, n: int, sealer, form) -> float:  # type: ignore[no-untyped-def]
    """Seal and queue n referrals; returns the seconds it took."""
    from bot.referral import render
    from bot.referral.progress import Draft
    from bot.referral.render import RenderMeta
    from bot.review.workflow import ReviewStatuses, load_workflow
    from bot.sealing import Attachment, sealed_documents
    from bot.sealing.attachment import JSON
    from tests.review.factories import queue_referral, referral_values

    started = time.perf_counter()
    values = referral_values()
    draft = Draft(id="bench-draft", status="sealed", values=values)
    # PDF and DOCX are rendered once (ReportLab takes ~0.2 s a document); each referral gets
    # its own JSON and its own envelope.
    documents = sealed_documents(form, draft, RenderMeta("VTR-BENCH000", "14/03/2025", "Southend"))
    pdf, docx = documents[0], documents[1]
    workflow = load_workflow(ROOT / "guidance" / "review" / "workflow.yml")
    statuses = ReviewStatuses(url, workflow)
    for number in range(n):
        reference = f"VTR-{number:08X}"
        meta = RenderMeta(reference, "14/03/2025", "Southend")
        data = json.dumps(render.to_json(form, draft, meta), ensure_ascii=False).encode()
        attachments = [
            Attachment(f"{reference}.pdf", pdf.content_type, pdf.data),
            Attachment(f"{reference}.docx", docx.content_type, docx.data),
            Attachment(f"{reference}.json", JSON, data),
        ]
        envelope = sealer.seal(attachments, f"VTR referral {reference}", reference)
        queue_referral(url, envelope, reference)
        if number % SCREENED_EVERY == 0:
            statuses.change(reference, "received", "screening", "bench")
        if number % (SCREENED_EVERY * 3) == 0:
            statuses.change(reference, "screening", "information_gathering", "bench")
    return time.perf_counter() - started


def _time_get(http, url: str, count: int) -> list[float]:  # type: ignore[no-untyped-def]
    samples = []
    for _ in range(count):
        started = time.perf_counter()
        response = http.get(url, timeout=60, allow_redirects=False)
        samples.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise RuntimeError(f"GET {url}: {response.status_code}")
    return samples


def bench_review_queue(
    n: int = 1000, requests: int = 20, database_url: str | None = None
) -> dict[str, float]:
    """Fill a database with n sealed referrals and time the review app's pages; print figures."""
    from bot.review.accounts import ADMIN, Accounts
    from tests.review.factories import (
        CHEAP_SCRYPT,
        PASSWORD,
        TEST_APP_KEY,
        StaffClient,
        assistant_cert_file,
        form,
        make_inbox,
        signed_sealer,
    )

    with tempfile.TemporaryDirectory(prefix="review-bench-") as folder:
        tmp = Path(folder)
        inbox = make_inbox(tmp / "keys")
        database = tmp / "var" / "prevent.db"
        database.parent.mkdir(parents=True)
        url = database_url or f"sqlite:///{database}"
        fill_seconds = _fill(url, n, signed_sealer(inbox.cert), form())
        Accounts(url, CHEAP_SCRYPT, app_key=TEST_APP_KEY).create(
            "bench", PASSWORD, ADMIN, "Bench Admin"
        )
        port = free_port()
        env = {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "PREVENT_DATABASE_URL": url,
            "PREVENT_VAR_DIR": str(tmp / "var"),
            "PREVENT_REVIEW_SECRET_KEY": base64.b64encode(TEST_APP_KEY).decode(),
            "PREVENT_REVIEW_CERT_FILE": str(inbox.cert_file),
            "PREVENT_REVIEW_KEY_FILE": str(inbox.key_file),
            "PREVENT_REVIEW_KEY_PASSPHRASE": inbox.passphrase,
            "PREVENT_REVIEW_PORT": str(port),
            "PREVENT_REVIEW_SECURE_COOKIES": "false",
            "PREVENT_REVIEW_SCRYPT_LOG2_N": str(CHEAP_SCRYPT),
            "PREVENT_REVIEW_ASSISTANT_CERT_FILE": str(assistant_cert_file()),
            "PREVENT_UPDATES_KEY": base64.b64encode(os.urandom(32)).decode(),
            "PREVENT_REVIEW_SIGN_IN_RATE": "1000/60",
        }
        log = (tmp / "review.log").open("w")
        proc = subprocess.Popen(
            [sys.executable, "-m", "bot.review"], cwd=ROOT, env=env, stdout=log, stderr=log
        )
        try:
            base = f"http://127.0.0.1:{port}"
            client = StaffClient(base)
            deadline = time.monotonic() + 30
            while True:
                try:
                    client.get("/sign-in")
                    break
                except OSError:
                    if time.monotonic() > deadline or proc.poll() is not None:
                        raise RuntimeError((tmp / "review.log").read_text()[-2000:]) from None
                    time.sleep(0.2)
            if client.sign_in("bench").status_code != 303:
                raise RuntimeError("could not sign in")
            started = time.perf_counter()
            client.get("/queue")  # the first load records the 1,000 arrivals (`sync_queue`)
            first_ms = (time.perf_counter() - started) * 1000
            queue = _time_get(client.http, base + "/queue", requests)
            filtered = _time_get(client.http, base + "/queue?status=screening&page=3", requests)
            opening = _time_get(client.http, base + f"/referrals/VTR-{n // 2:08X}", requests)
            rss = _rss_mb(proc.pid)
        finally:
            proc.terminate()
            proc.wait(timeout=15)
            log.close()
        size_mb = (
            sum(p.stat().st_size for p in database.parent.glob("prevent.db*")) / 2**20
            if database_url is None
            else 0.0
        )
    figures = {
        "referrals": n,
        "fill_s": fill_seconds,
        "first_queue_ms": first_ms,
        "queue_p50_ms": statistics.median(queue),
        "queue_p95_ms": _percentile(queue, 95),
        "filtered_p50_ms": statistics.median(filtered),
        "filtered_p95_ms": _percentile(filtered, 95),
        "open_p50_ms": statistics.median(opening),
        "open_p95_ms": _percentile(opening, 95),
        "server_rss_mb": rss,
        "database_mb": size_mb,
    }
    where = "PostgreSQL" if database_url else "SQLite"
    print(f"Review app, {n:,} sealed referrals ({where}; filled in {fill_seconds:.1f} s)")
    print(f"  first queue page (records {n:,} new arrivals): {first_ms:.0f} ms")
    print(
        f"  queue page (50 rows + counts), {requests} requests: "
        f"p50 {figures['queue_p50_ms']:.1f} ms, p95 {figures['queue_p95_ms']:.1f} ms"
    )
    print(
        f"  filtered queue page (status=screening, page 3): "
        f"p50 {figures['filtered_p50_ms']:.1f} ms, p95 {figures['filtered_p95_ms']:.1f} ms"
    )
    print(
        f"  open one referral (decrypt + lay out + notes + history): "
        f"p50 {figures['open_p50_ms']:.1f} ms, p95 {figures['open_p95_ms']:.1f} ms"
    )
    print(f"  review server resident memory afterwards: {rss:.0f} MB")
    if size_mb:
        print(f"  database size: {size_mb:.1f} MB ({size_mb * 1024 / n:.0f} KB a referral)")
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--database-url", default=None, help="an empty database to fill")
    parser.add_argument(
        "--postgres", action="store_true", help="start a throwaway PostgreSQL server and use it"
    )
    args = parser.parse_args()
    if args.postgres:
        from tests.helpers.postgres import running_postgres

        with running_postgres() as url:
            bench_review_queue(args.n, args.requests, url)
    else:
        bench_review_queue(args.n, args.requests, args.database_url)


if __name__ == "__main__":
    main()
