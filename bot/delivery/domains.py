"""Which inboxes count as secure for a referral (SET 2.5), and the retired `.gsi` route."""

from __future__ import annotations

import re

#: SET 2.5 names nhs.net, .pnn, cjsm (and a secure system such as Egress).
SECURE_SUFFIXES = ("pnn.police.uk", "nhs.net", "cjsm.net")
_ADDRESS = re.compile(r"^[^@\s<>]+@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)$")


class InsecureAddress(ValueError):
    """Not an address a referral may be sent to."""


def check_secure_address(address: str, extra_suffixes: tuple[str, ...] = ()) -> str:
    """Return the lower-cased domain of a secure address, or raise `InsecureAddress`."""
    match = _ADDRESS.match((address or "").strip())
    if not match:
        raise InsecureAddress(f"{address!r} is not an email address")
    domain = match.group(1).lower()
    if domain.endswith(".gsi.gov.uk") or domain == "gsi.gov.uk" or ".gsi." in f".{domain}.":
        raise InsecureAddress(
            f"{domain} is a .gsi address: the .gsi secure network was retired in 2019, so it "
            "is no longer a secure route"
        )
    for suffix in (*SECURE_SUFFIXES, *extra_suffixes):
        suffix = suffix.lower().lstrip(".")
        if domain == suffix or domain.endswith("." + suffix):
            return domain
    raise InsecureAddress(
        f"{domain} is not a secure domain for referrals (allowed: "
        f"{', '.join((*SECURE_SUFFIXES, *extra_suffixes))})"
    )
