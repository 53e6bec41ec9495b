"""A bound on how long a reader of untrusted text may take (not a speed figure).

An exponentially backtracking pattern never finishes on the sizes the tests use, a linear
one takes milliseconds; SIGALRM interrupts the regex engine, so a stuck call fails the test
instead of hanging the suite.
"""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def must_finish_within(seconds: int) -> Iterator[None]:
    """Raise TimeoutError if the block is still running after `seconds`."""

    def _stuck(*_: object) -> None:
        raise TimeoutError("did not finish: catastrophic backtracking?")

    previous = signal.signal(signal.SIGALRM, _stuck)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
