"""The guidance is loaded once per process, however it is asked for (issue 16).

The service asked `get_guidance(folder)` and the triage's area reader `get_guidance()`:
two cache keys, so the action server parsed every guidance file twice (the second time
on the first message that named a place, ~1-2 s on a busy machine) and kept two copies.
"""

from __future__ import annotations

from bot.config import get_config
from bot.guidance import get_guidance, get_service


def test_one_guidance_base_per_folder() -> None:
    folder = get_config().guidance_dir
    assert get_guidance() is get_guidance(folder)
    assert get_service().base is get_guidance()
