"""Two per-turn costs of Rasa 3.6 removed without changing what it does (found with py-spy
under load; see the README's benchmark section).

* `RemoteAction._validate_action_result` calls `jsonschema.validate(result, spec)` for
  every action reply, which first re-checks the *schema itself* against the metaschema:
  about a quarter of the Rasa server's CPU under load. The schema is a constant, so it
  is checked once and one compiled validator is reused; replies are validated exactly as
  before (the same errors, with the same message).
* `Event.resolve_by_type` walks every subclass of `Event` for every event it rebuilds,
  on every turn, for the whole session. The classes do not change after import, so the
  name → class map is cached (rebuilt if a new subclass appears).

`apply()` is idempotent; it runs when the Rasa server loads the tracker store
(bot/runtime/tracker_store.py).
"""

from __future__ import annotations

from typing import Any

_applied = False


def apply() -> None:
    global _applied
    if _applied:
        return
    _fast_action_validation()
    _fast_event_types()
    _applied = True


def _fast_action_validation() -> None:
    from jsonschema import ValidationError
    from jsonschema.validators import validator_for
    from rasa.core.actions.action import RemoteAction
    from rasa.shared.constants import DOCS_BASE_URL

    spec = RemoteAction.action_response_format_spec()
    cls = validator_for(spec)
    cls.check_schema(spec)  # once, instead of on every reply
    validator = cls(spec)

    def _validate_action_result(self: Any, result: dict[str, Any]) -> bool:
        try:
            validator.validate(result)
            return True
        except ValidationError as e:
            e.message += (
                f". Failed to validate Action server response from API, "
                f"make sure your response from the Action endpoint is valid. "
                f"For more information about the format visit "
                f"{DOCS_BASE_URL}/custom-actions"
            )
            raise e

    RemoteAction._validate_action_result = _validate_action_result


def _fast_event_types() -> None:
    import rasa.shared.utils.common
    from rasa.shared.core.events import Event

    original = Event.resolve_by_type
    known: dict[str, type] = {}
    count = [0]

    def resolve_by_type(type_name: str, default: type | None = None) -> type | None:
        if not known or len(Event.__subclasses__()) != count[0]:
            known.clear()
            for cls in rasa.shared.utils.common.all_subclasses(Event):
                known.setdefault(cls.type_name, cls)
            count[0] = len(Event.__subclasses__())
        found = known.get(type_name)
        if found is not None:
            return found
        return original(type_name, default)

    Event.resolve_by_type = staticmethod(resolve_by_type)
