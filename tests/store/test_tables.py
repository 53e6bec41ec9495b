"""The schema has one home: every table the project owns is declared in `bot.store.tables`,
and nothing in bot/ makes a table at run time (migrations only; see test_migrations.py for
"the migrated databases match these declarations")."""

from __future__ import annotations

import ast
from pathlib import Path

from bot.store.tables import Base, KeyBase

ROOT = Path(__file__).resolve().parents[2]
TABLES = ROOT / "bot" / "store" / "tables"


def _declares_a_table(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef):
            for item in node.body:
                targets = item.targets if isinstance(item, ast.Assign) else []
                if any(isinstance(t, ast.Name) and t.id == "__tablename__" for t in targets):
                    found.append(node.name)
        elif isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name in ("create_all", "declarative_base"):
                found.append(name)
    return found


def test_tables_are_declared_only_in_the_tables_package():
    elsewhere = {
        str(path.relative_to(ROOT)): found
        for path in (ROOT / "bot").rglob("*.py")
        if TABLES not in path.parents and (found := _declares_a_table(path))
    }
    assert elsewhere == {}


def test_the_package_declares_every_table_of_both_databases():
    app = set(Base.metadata.tables)
    assert {"drafts", "outbox", "pickups", "referral_routes", "concerns", "review_audit"} <= app
    assert len(app) == 26
    assert set(KeyBase.metadata.tables) == {"conversation_keys"}
