"""Interface wording comes from guidance/interface.yml, contacts from contacts.yml."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from bot import wording
from bot.config import PROJECT_ROOT


def _write(tmp_path: Path, data: dict) -> Path:
    path = tmp_path / "interface.yml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def test_a_sentence_is_filled_with_its_fields_and_contacts(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        {"common": {"call": "Ring {contact.anti_terrorist_hotline} about {who}."}},
    )
    hotline = yaml.safe_load(wording.CONTACTS_FILE.read_text())["anti_terrorist_hotline"]
    assert wording.phrase("common.call", path=path, who="it") == f"Ring {hotline} about it."


def test_nested_contacts_are_reachable() -> None:
    data = yaml.safe_load(wording.CONTACTS_FILE.read_text())
    template_path = PROJECT_ROOT / "var" / "test_wording_nested.yml"
    template_path.parent.mkdir(exist_ok=True)
    template_path.write_text("a:\n  b: 'Phone {contact.police_prevent_team.phone}'\n")
    try:
        assert wording.phrase("a.b", path=template_path) == (
            f"Phone {data['police_prevent_team']['phone']}"
        )
    finally:
        template_path.unlink()


@pytest.mark.parametrize(
    "key, values",
    [("common.nope", {}), ("common.call", {}), ("common", {})],
)
def test_a_missing_sentence_or_field_is_an_error(tmp_path: Path, key: str, values: dict) -> None:
    path = _write(tmp_path, {"common": {"call": "Ring {contact.nobody} about {who}."}})
    with pytest.raises(wording.WordingError):
        wording.phrase(key, path=path, **values)


def test_an_unknown_contact_is_an_error(tmp_path: Path) -> None:
    path = _write(tmp_path, {"common": {"call": "Ring {contact.nobody}."}})
    with pytest.raises(wording.WordingError):
        wording.phrase("common.call", path=path)


def _keys_used_in_code() -> set[str]:
    used = set()
    for source in (PROJECT_ROOT / "bot").rglob("*.py"):
        text = source.read_text(encoding="utf-8")
        used |= set(re.findall(r"""\bphrase\(\s*["']([a-z0-9_.]+)["']""", text))
    return used


def test_every_sentence_the_code_asks_for_exists_and_renders() -> None:
    """A key typed in code but missing from interface.yml fails here, not in front of a user."""
    for key in sorted(_keys_used_in_code()):
        template = wording._lookup(key, wording.INTERFACE_FILE)
        assert isinstance(template, str), key
        fields = {name: "x" for name in wording.fields_of(template) - {"contact"}}
        assert wording.phrase(key, **fields)


def test_every_contact_referenced_in_interface_wording_exists() -> None:
    def sentences(node: object):
        if isinstance(node, dict):
            for value in node.values():
                yield from sentences(value)
        elif isinstance(node, str):
            yield node

    data = yaml.safe_load(wording.INTERFACE_FILE.read_text(encoding="utf-8"))
    for template in sentences(data):
        for reference in re.findall(r"\{contact\.([a-z0-9_.]+)\}", template):
            node = yaml.safe_load(wording.CONTACTS_FILE.read_text(encoding="utf-8"))
            for part in reference.split("."):
                assert part in node, f"{reference} is not in contacts.yml"
                node = node[part]
