"""One home for interface wording: `guidance/interface.yml`, looked up by dotted key.

Why: a sentence written in code drifts from its copies on other channels (the emergency
headline once lived in four places and said different things). Channels and actions ask for
a sentence by id and fill in named fields; contacts are never typed into wording, they are
referenced as ``{contact.<name>}`` and filled from `guidance/contacts.yml`, the one home for
numbers. A missing key or an unfilled field is a programming error and raises at once
(`WordingError`), so a test that renders every key finds it before a user does.
"""

from __future__ import annotations

import functools
import re
import string
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from bot.config import PROJECT_ROOT

INTERFACE_FILE = PROJECT_ROOT / "guidance" / "interface.yml"
CONTACTS_FILE = PROJECT_ROOT / "guidance" / "contacts.yml"


class WordingError(LookupError):
    """A sentence id that does not exist, or a field the caller did not supply."""


@functools.lru_cache(maxsize=4)
def _load(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8") as fh:
        data = yaml.safe_load(fh) or {}
    if not isinstance(data, dict):
        raise WordingError(f"{path.name} must be a mapping of sections")
    return data


def contacts(path: Path = CONTACTS_FILE) -> dict[str, Any]:
    """Every contact by name (nested: `{contact.police_prevent_team.phone}`)."""
    return _load(path)


def _lookup(key: str, path: Path) -> Any:
    node: Any = _load(path)
    for part in key.split("."):
        if not isinstance(node, Mapping) or part not in node:
            raise WordingError(f"no interface wording {key!r} in {path.name}")
        node = node[part]
    return node


def fields_of(template: str) -> set[str]:
    """The named fields a template needs (`{limit}` -> "limit"; `{contact.x}` -> "contact")."""
    names = set()
    for _, name, _, _ in string.Formatter().parse(template):
        if name:
            names.add(name.split(".")[0].split("[")[0])
    return names


def phrase(key: str, *, path: Path = INTERFACE_FILE, **values: object) -> str:
    """The sentence with id `key` (e.g. "common.rate_limited"), its fields filled in."""
    template = _lookup(key, path)
    if not isinstance(template, str):
        raise WordingError(f"interface wording {key!r} is a section, not a sentence")
    needed = fields_of(template) - {"contact"}
    missing = needed - set(values)
    if missing:
        raise WordingError(f"{key!r} needs {sorted(missing)}")
    return fill_contacts(template, contacts()).format(**values).strip()


def section(key: str, *, path: Path = INTERFACE_FILE) -> dict[str, str]:
    """Every sentence of a section, unformatted (for a client that renders them itself)."""
    node = _lookup(key, path)
    if not isinstance(node, Mapping):
        raise WordingError(f"interface wording {key!r} is a sentence, not a section")
    return {k: v for k, v in node.items() if isinstance(v, str)}


_CONTACT_REFERENCE = re.compile(r"\{contact\.([a-z0-9_]+(?:\.[a-z0-9_]+)*)\}")


def fill_contacts(text: str, contacts_data: Mapping[str, Any]) -> str:
    """Replace every ``{contact.x.y}`` in `text` from `contacts_data`, leaving other braces.

    Used for policy text (guidance topics and replies), which may hold other placeholders
    such as ``{risk_reason}`` that are filled later.
    """

    def one(match: re.Match[str]) -> str:
        node: Any = contacts_data
        for part in match.group(1).split("."):
            if not isinstance(node, Mapping) or part not in node:
                raise WordingError(f"no contact {match.group(1)!r} in contacts.yml")
            node = node[part]
        if isinstance(node, Mapping):
            raise WordingError(f"contact {match.group(1)!r} is a group, not one contact")
        return str(node)

    return _CONTACT_REFERENCE.sub(one, text)


def fill_contacts_in(node: Any, contacts_data: Mapping[str, Any]) -> Any:
    """`fill_contacts` over every string of a loaded YAML document (lists and mappings)."""
    if isinstance(node, str):
        return fill_contacts(node, contacts_data)
    if isinstance(node, list):
        return [fill_contacts_in(item, contacts_data) for item in node]
    if isinstance(node, dict):
        return {key: fill_contacts_in(value, contacts_data) for key, value in node.items()}
    return node
