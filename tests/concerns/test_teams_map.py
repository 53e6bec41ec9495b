"""Teams users to school and role from the tenant mapping (no invite code on Teams)."""

from __future__ import annotations

from bot.concerns.teams_map import teams_role

TENANTS = ("11111111-aaaa-4bbb-8ccc-000000000001=st-marys", "2222-B=harbour-college", "bad")
DSLS = ("AAD-DSL-1",)


def test_a_tenant_maps_to_its_school_and_listed_dsls_are_dsls():
    tenant = "11111111-AAAA-4bbb-8ccc-000000000001"
    assert teams_role(tenant, "aad-dsl-1", TENANTS, DSLS) == ("st-marys", "dsl")
    assert teams_role(tenant, "aad-teacher-9", TENANTS, DSLS) == ("st-marys", "teacher")
    assert teams_role("2222-b", "aad-dsl-1", TENANTS, DSLS) == ("harbour-college", "dsl")


def test_another_tenant_or_no_user_id_is_nobody():
    assert teams_role("3333-c", "aad-teacher-9", TENANTS, DSLS) is None
    assert teams_role("", "aad-teacher-9", TENANTS, DSLS) is None
    assert teams_role("2222-b", "", TENANTS, DSLS) is None
