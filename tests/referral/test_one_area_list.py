"""One list of areas: guidance/contacts.yml, read through bot/guidance/areas.py.

The VTR form's area field, its buttons and the rendered referral used to keep a list of
their own ({"southend": "Southend", ...}); a second list drifts from the contacts (a new
area, a renamed one) without anyone noticing. These tests fail when a list of area names
appears in the code again, and show the form taking its areas from the contacts.
"""

from __future__ import annotations

import ast
from pathlib import Path

import yaml

from bot.guidance import get_guidance
from bot.guidance.areas import set_areas
from bot.referral import get_form, validate
from bot.referral.form import form_areas
from bot.referral.render import display_value

ROOT = Path(__file__).resolve().parents[2]
CONTACTS = yaml.safe_load((ROOT / "guidance" / "contacts.yml").read_text(encoding="utf-8"))


def _area_words() -> set[str]:
    areas = CONTACTS["areas"]
    return {k.lower() for k in areas} | {str(v["name"]).lower() for v in areas.values()}


def _literal_lists_of_areas(source: str) -> list[tuple[int, set[str]]]:
    """Collection literals (list, tuple, set, dict) holding two or more area names."""
    words = _area_words()
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
            elements = list(node.elts)
        elif isinstance(node, ast.Dict):
            elements = [k for k in node.keys if k is not None] + list(node.values)
        else:
            continue
        named = {
            e.value.lower()
            for e in elements
            if isinstance(e, ast.Constant) and isinstance(e.value, str)
        } & words
        if len(named) >= 2:
            found.append((node.lineno, named))
    return found


def test_the_scan_finds_a_list_of_areas():
    assert _literal_lists_of_areas('AREAS = {"southend": "Southend", "essex": "Essex"}')
    assert _literal_lists_of_areas('x = ("Thurrock", "Lewisham")')
    assert not _literal_lists_of_areas('x = ("Thurrock", "police")')


def test_no_second_list_of_areas_in_the_code():
    offenders = {
        str(path.relative_to(ROOT)): hits
        for path in sorted((ROOT / "bot").rglob("*.py"))
        if (hits := _literal_lists_of_areas(path.read_text(encoding="utf-8")))
    }
    assert offenders == {}, "area names belong in guidance/contacts.yml only"


def test_the_form_areas_are_the_set_areas_of_the_contacts():
    expected = {k: v["name"] for k, v in CONTACTS["areas"].items() if v.get("set_policy", True)}
    assert form_areas() == expected == set_areas(get_guidance())


def test_the_area_field_reads_places_from_the_contacts():
    spec = get_form().field("area")
    assert validate(spec, "Basildon").value == "essex"  # a place of the Essex area
    assert validate(spec, "Southend, Essex").value == "southend"  # the smaller area
    assert validate(spec, "we're in Grays").value == "thurrock"
    assert validate(spec, "Essex").value == "essex"
    assert not validate(spec, "Kent").ok
    assert not validate(spec, "Lewisham").ok  # its own route, not the SET form (contacts.yml)
    assert display_value(spec, "southend") == "Southend"


def test_the_area_question_names_every_form_area():
    ask = get_form().field("area").ask
    assert all(name in ask for name in form_areas().values())
