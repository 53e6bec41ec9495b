"""Schools and colleges as data: an id, a name and the SET area whose Prevent team serves it.

python -m bot.concerns.orgs add "St Mary's" --area southend
python -m bot.concerns.orgs list
python -m bot.concerns.orgs staff <AAD object id> --org st-marys --role dsl   (Teams)

Staff are linked to an organisation when they redeem an invite issued for it
(`python -m bot.enrolment invite --org st-marys --role dsl`); concerns never leave it.
"""

from __future__ import annotations

import argparse
import re

from bot.concerns.rows import Org
from bot.store.db import session_scope
from bot.store.tables.concerns import OrgRow


def slug(name: str) -> str:
    """ "St Mary's C of E" -> "st-marys-c-of-e": the id used in invites and exports."""
    text = re.sub(r"['’]", "", name.lower())
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:40]


class Orgs:
    """The organisation registry in the bot's database."""

    def __init__(self, url: str) -> None:
        self._url = url

    def add(
        self, name: str, area: str, org_id: str | None = None, retention_days: int | None = None
    ) -> Org:
        org = Org(
            org_id or slug(name), name.strip()[:120], area.strip().lower()[:40], retention_days
        )
        if not org.id or not org.name or not org.area:
            raise ValueError("an organisation needs a name and an area")
        with session_scope(self._url) as session:
            session.merge(
                OrgRow(id=org.id, name=org.name, area=org.area, retention_days=retention_days)
            )
        return org

    def get(self, org_id: str) -> Org | None:
        with session_scope(self._url) as session:
            row = session.get(OrgRow, org_id)
            return _org(row) if row else None

    def all(self) -> list[Org]:
        with session_scope(self._url) as session:
            rows = session.query(OrgRow).order_by(OrgRow.name).all()
            return [_org(r) for r in rows]


def _org(row: OrgRow) -> Org:
    return Org(row.id, row.name, row.area, row.retention_days)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bot.concerns.orgs", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    add = sub.add_parser("add", help="register a school or college")
    add.add_argument("name")
    add.add_argument("--area", required=True, help="SET area, e.g. essex, southend, thurrock")
    add.add_argument("--id", default=None, help="id for invites (default: from the name)")
    add.add_argument(
        "--retention-days", type=int, default=None, help="the school's retention policy"
    )
    sub.add_parser("list", help="the registered organisations")
    staff = sub.add_parser(
        "staff", help="link a Teams user (AAD object id) to a school and role, without a code"
    )
    staff.add_argument("sender", help="the channel's sender id (Teams: the AAD object id)")
    staff.add_argument("--org", required=True)
    staff.add_argument("--role", required=True, choices=["teacher", "dsl"])
    staff.add_argument("--channel", default="teams")
    args = parser.parse_args(argv)
    from bot.services import services  # the command line builds its dependencies

    orgs = services().orgs
    if args.command == "staff":
        if orgs.get(args.org) is None:
            parser.error(f"no organisation {args.org!r}")
        services().concerns.staff.enrol(args.sender, args.channel, args.org, args.role)
        print(f"linked to {args.org} as {args.role} on {args.channel}")
    elif args.command == "add":
        org = orgs.add(args.name, args.area, args.id, args.retention_days)
        print(f"{org.id}  {org.name} ({org.area})")
    else:
        for org in orgs.all():
            print(f"{org.id}  {org.name} ({org.area})")


if __name__ == "__main__":
    main()
