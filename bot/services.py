"""The one place that builds a process's dependencies from its settings.

Why: stores, key material and the updates key used to arrive through a dozen `get_x()`
functions, each importing what it needed inside itself, some cached and some not, so a
test that changed a setting had to know which caches to clear. Here a `Services` is made
from one `Config` and builds each dependency once, on first use (key files are read or
created then, never at import). The process's own is `services()`, built from
`get_config()`; a test makes its own with its own settings and installs it for the test:

    with use_services(Services(Config.from_env({...}))):
        ...

Installing a `Config` with `bot.config.use_config` is enough as well: `services()`
follows the process's settings (a new `Services` when they change).

The domain core never imports this module; adapters (actions, channels) and the command
line entry points do, and hand the core what it needs.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cached_property
from typing import TYPE_CHECKING

from bot.config import Config, get_config, use_config
from bot.store.crypto import KeyRing, load_keyring, load_pepper

if TYPE_CHECKING:
    from bot.concerns.orgs import Orgs
    from bot.concerns.store import Concerns
    from bot.delivery.pickup import PickupStore
    from bot.enrolment import Enrolment
    from bot.referral.draft_store import DraftStore
    from bot.referral.updates import ReferrerUpdates
    from bot.store.conversations import ConversationVault


class Services:
    """A process's dependencies, each built from `config` at first use and then kept.

    Imports happen inside the properties on purpose: a process takes only what it uses
    (the delivery worker never loads the concerns, the review app never the tracker).
    """

    def __init__(self, config: Config) -> None:
        self.config = config

    def __repr__(self) -> str:
        return f"Services({self.config!r})"

    # --- key material ---------------------------------------------------------------------

    @cached_property
    def keyring(self) -> KeyRing:
        """The master keys (`PREVENT_MASTER_KEYS`, else the master key file)."""
        config = self.config
        return load_keyring(config.master_keys, config.master_key_file, config.var_dir)

    @cached_property
    def pepper(self) -> bytes:
        """The secret of owner hashes (`PREVENT_OWNER_PEPPER`, else var/keys/owner.pepper)."""
        return load_pepper(self.config.owner_pepper, self.config.var_dir)

    @cached_property
    def updates_key(self) -> bytes:
        """The key news for referrers is sealed with, shared with the review app."""
        from bot.referral.updates import load_updates_key

        return load_updates_key(
            self.config.var_dir,
            {
                "PREVENT_UPDATES_KEY": self.config.updates_key,
                "PREVENT_UPDATES_KEY_FILE": self.config.updates_key_file,
            },
        )

    # --- stores ---------------------------------------------------------------------------

    @cached_property
    def drafts(self) -> DraftStore:
        from bot.referral.draft_store import DraftStore

        return DraftStore(self.config.database_url, self.keyring, self.pepper)

    @cached_property
    def pickups(self) -> PickupStore:
        from bot.delivery.pickup import PickupStore

        return PickupStore(self.config.database_url, self.keyring)

    @cached_property
    def updates(self) -> ReferrerUpdates:
        from bot.referral.updates import ReferrerUpdates

        return ReferrerUpdates(
            self.config.database_url, self.keyring, self.pepper, self.updates_key
        )

    @cached_property
    def vault(self) -> ConversationVault:
        """Conversations in the tracker database (`Config.tracker_database_url`)."""
        from bot.store.conversations import ConversationVault

        return ConversationVault(self.config.tracker_database_url, self.keyring, self.pepper)

    @cached_property
    def enrolment(self) -> Enrolment:
        from bot.enrolment import Enrolment

        return Enrolment(self.config.database_url, self.pepper, self.keyring)

    @cached_property
    def orgs(self) -> Orgs:
        from bot.concerns.orgs import Orgs

        self.config.var_dir.mkdir(parents=True, exist_ok=True)  # `make org` before `make run`
        return Orgs(self.config.database_url)

    @cached_property
    def concerns(self) -> Concerns:
        from bot.concerns.store import Concerns

        return Concerns(self.config.database_url, self.keyring, self.pepper)


#: Services built so far, newest last: one per settings object (a test's settings get their
#: own; the process's own are found again when the test's are taken away).
_built: list[Services] = []
_installed: Services | None = None
_guard = threading.Lock()


def services() -> Services:
    """This process's services: built once from its settings (`bot.config.get_config`)."""
    config = get_config()
    with _guard:
        if _installed is not None and _installed.config is config:
            return _installed
        for built in reversed(_built):
            if built.config is config:
                return built
        built = Services(config)
        _built.append(built)
        del _built[:-4]
        return built


@contextmanager
def use_services(installed: Services) -> Iterator[Services]:
    """Run with `installed` (and its settings) as the process's own (tests; restored after)."""
    global _installed
    with _guard:
        previous, _installed = _installed, installed
    try:
        with use_config(installed.config):
            yield installed
    finally:
        with _guard:
            _installed = previous
