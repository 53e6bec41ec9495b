"""Teams staff to school and role, from configuration (Teams users redeem no invite code).

Teams admits a school's staff by tenant (`TEAMS_ALLOWED_TENANTS`). Here a tenant maps to a
school (`PREVENT_TEAMS_SCHOOL_TENANTS="<tenant id>=st-marys"`) and the DSLs are listed by
Azure AD object id (`PREVENT_TEAMS_DSL_USERS`); everyone else from that tenant is a
teacher. Reading Entra ID group membership (a staff group per school, a DSL group) needs
Microsoft Graph and is not implemented; a trust with several schools in one tenant links
its staff by hand (`python -m bot.concerns.orgs staff <object id> --org ... --role ...`).
"""

from __future__ import annotations

from collections.abc import Iterable

from bot.concerns.staff import DSL, TEACHER


def school_tenants(pairs: Iterable[str]) -> dict[str, str]:
    """ "tenant=org" items as {tenant id: org id} (tenant ids compared in lower case)."""
    mapping = {}
    for pair in pairs:
        tenant, _, org = pair.partition("=")
        if tenant.strip() and org.strip():
            mapping[tenant.strip().lower()] = org.strip()
    return mapping


def teams_role(
    tenant_id: str, aad_object_id: str, tenants: Iterable[str], dsl_users: Iterable[str]
) -> tuple[str, str] | None:
    """(org id, role) for a Teams user, or None when their tenant maps to no school."""
    org = school_tenants(tenants).get((tenant_id or "").strip().lower())
    if not org or not aad_object_id:
        return None
    dsls = {u.strip().lower() for u in dsl_users}
    return org, DSL if aad_object_id.strip().lower() in dsls else TEACHER
