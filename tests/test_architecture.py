"""The domain core stays plain Python: it imports neither Rasa nor telegram."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORE_PACKAGES = [
    "risk", "guidance", "triage", "referral", "sealing", "delivery", "store", "review", "concerns",
]  # fmt: skip
#: Plain modules outside the core packages: enrolment, and the channels' framework-free parts.
CORE_MODULES = [
    "bot/config.py",
    "bot/enrolment.py",
    "bot/tfidf.py",
    "bot/channels/teams_auth.py",
    "bot/channels/telegram_auth.py",
    "bot/channels/webchat_auth.py",
    "bot/channels/adaptive_cards.py",
    "bot/channels/rendering.py",
]
FORBIDDEN = ("rasa", "rasa_sdk", "telegram")


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


CORE_FILES = [
    p
    for pkg in CORE_PACKAGES
    if (ROOT / "bot" / pkg).is_dir()
    for p in (ROOT / "bot" / pkg).rglob("*.py")
] + [ROOT / m for m in CORE_MODULES]


@pytest.mark.parametrize("path", CORE_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_core_module_imports_no_framework(path):
    assert not (_imports(path) & set(FORBIDDEN))


def test_every_named_core_package_and_module_exists_so_none_is_skipped_silently():
    """A renamed or misspelt package would drop out of the check above without a failure."""
    missing = [p for p in CORE_PACKAGES if not (ROOT / "bot" / p / "__init__.py").is_file()]
    missing += [m for m in CORE_MODULES if not (ROOT / m).is_file()]
    assert missing == []


def test_the_check_sees_a_framework_import_where_there_is_one():
    """The import reader itself: the action server and a channel do import Rasa."""
    assert "rasa_sdk" in _imports(ROOT / "bot" / "actions" / "referral.py")
    assert "rasa" in _imports(ROOT / "bot" / "channels" / "downloads.py")
