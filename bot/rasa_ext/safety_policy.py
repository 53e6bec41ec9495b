"""The safety-net policy: immediate risk pre-empts everything, and failures are never silent.

Two jobs, both before any other policy gets a say (highest priority, full confidence,
and marked as a no-user prediction so it also outranks an active form's happy path):

1. **Immediate risk always wins.** After every user message the text is assessed by the
   risk rules (`bot.risk`). Imminent harm → `utter_emergency` (call 999 now, SET 2.5);
   terrorism-related but not imminent → `utter_police` (Anti-Terrorist Hotline; Thurrock
   pathway). Both are plain domain responses, rendered by the Rasa server itself, so the
   reply goes out even if the action server is down. An emergency pauses any active form
   (its name is kept in `paused_form`, so "continue" resumes it); after the police
   advice a form goes on and takes the message as its answer, so nothing typed is lost.
   A reply is read as an answer to what was asked (the form's requested slot, the danger
   check): a denial of danger or a negated echo of the question is no alarm, while new
   evidence in the same reply still is (`bot.risk.in_context`, ctx12).
   **When in doubt, ask** (issue 12): a weak sign of danger below every threshold gets
   `utter_check_danger` ("Is anyone in danger right now? If so, call 999 now.") first;
   then `action_resume_after_check` takes both out of the dialogue state, so the usual
   answer to the same message follows in the same reply (inside a form, the form goes on
   and takes the message as its answer).
2. **A failed custom action is made visible.** Rasa logs a custom action that raised and
   carries on as if nothing happened, leaving the user with silence. When the latest
   event is one of our actions or forms with nothing after it, the action produced no
   events at all, which ours never do on success: the policy predicts
   `utter_action_failed`, which says so kindly and gives the way to a person.
"""

from __future__ import annotations

from typing import Any

from rasa.core.policies.policy import Policy, PolicyPrediction
from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.core.constants import ACTION_LISTEN_NAME, REQUESTED_SLOT
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, ActiveLoop, SlotSet, UserUttered
from rasa.shared.core.generator import TrackerWithCachedStates
from rasa.shared.core.trackers import DialogueStateTracker

from bot.rasa_ext.nlu_components import EMERGENCY_INTENT, POLICE_INTENT
from bot.risk import RiskAssessment
from bot.risk.in_context import AskedQuestion, assess_reply

EMERGENCY_RESPONSE = "utter_emergency"
CHECK_RESPONSE = "utter_check_danger"
RESUME_AFTER_CHECK = "action_resume_after_check"
POLICE_RESPONSE = "utter_police"
FAILURE_RESPONSE = "utter_action_failed"
RISK_REASON_SLOT = "risk_reason"
PAUSED_FORM_SLOT = "paused_form"
#: Slightly above RulePolicy (6): ties in confidence go to the safety net.
SAFETY_PRIORITY = 7


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=False
)
class ImmediateRiskPolicy(Policy):
    """Forces the emergency / police replies and surfaces failed actions (see module doc)."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"priority": SAFETY_PRIORITY}

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> ImmediateRiskPolicy:
        return cls(config, model_storage, resource, execution_context)

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> ImmediateRiskPolicy:
        return cls(config, model_storage, resource, execution_context)

    def train(
        self,
        training_trackers: list[TrackerWithCachedStates],
        domain: Domain,
        **kwargs: Any,
    ) -> Resource:
        return self._resource

    def predict_action_probabilities(
        self,
        tracker: DialogueStateTracker,
        domain: Domain,
        rule_only_data: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> PolicyPrediction:
        latest_action = tracker.latest_action_name
        if latest_action == ACTION_LISTEN_NAME and tracker.latest_message is not None:
            response, events = self._risk_response(tracker)
            if response:
                return self._force(response, domain, events)
            if tracker.active_loop_name and _already_asked(tracker):
                # Back from the danger question inside a form: the form takes the message
                # as its answer (it validates only right after the user spoke, as now).
                return self._force(tracker.active_loop_name, domain)
        elif latest_action == CHECK_RESPONSE:
            # Asked whether anyone is in danger; now step back so the usual answer follows.
            return self._force(RESUME_AFTER_CHECK, domain)
        elif latest_action == POLICE_RESPONSE and tracker.active_loop_name:
            # Not imminent: the form goes on and takes the message as its answer.
            return self._force(tracker.active_loop_name, domain)
        elif latest_action in (EMERGENCY_RESPONSE, POLICE_RESPONSE, FAILURE_RESPONSE):
            return self._force(ACTION_LISTEN_NAME, domain)
        elif self._latest_action_failed(tracker, domain):
            return self._force(FAILURE_RESPONSE, domain)
        return self._prediction(self._default_predictions(domain))

    # -- helpers ----------------------------------------------------------------------------

    def _risk_response(self, tracker: DialogueStateTracker) -> tuple[str | None, list[Any]]:
        message = tracker.latest_message
        # Read as an answer to what the assistant just asked (bot/risk/in_context.py): "Not
        # right now, she's at school today" answers the danger question; it is no 999.
        assessment: RiskAssessment = assess_reply(message.text or "", asked_before(tracker))
        intent = (message.intent or {}).get("name")
        if assessment.is_emergency or intent == EMERGENCY_INTENT:
            response = EMERGENCY_RESPONSE
        elif assessment.is_police or intent == POLICE_INTENT:
            response = POLICE_RESPONSE
        elif assessment.ask_if_in_danger and not _already_asked(tracker):
            # When in doubt, ask: before anything else, then the usual answer.
            return CHECK_RESPONSE, [SlotSet(RISK_REASON_SLOT, _doubt_text(assessment))]
        else:
            return None, []
        events: list[Any] = [SlotSet(RISK_REASON_SLOT, _reason_text(assessment))]
        if tracker.active_loop_name and response == EMERGENCY_RESPONSE:
            events += [
                SlotSet(PAUSED_FORM_SLOT, tracker.active_loop_name),
                ActiveLoop(None),
                SlotSet(REQUESTED_SLOT, None),
            ]
        return response, events

    @staticmethod
    def _latest_action_failed(tracker: DialogueStateTracker, domain: Domain) -> bool:
        """True when our latest custom action or form left no events behind (it raised)."""
        if not tracker.events:
            return False
        last = tracker.events[-1]
        if not isinstance(last, ActionExecuted) or not last.action_name:
            return False
        if last.policy is None:
            # Replayed from training or test stories (no policy ran it, so no events
            # could follow): only actions this server really executed can have failed.
            return False
        name = last.action_name
        ours = name in domain.form_names or (
            name in domain.user_actions and not name.startswith("utter_")
        )
        return ours

    def _force(
        self, action: str, domain: Domain, events: list[Any] | None = None
    ) -> PolicyPrediction:
        probabilities = self._default_predictions(domain)
        probabilities[domain.index_for_action(action)] = 1.0
        return PolicyPrediction(
            probabilities,
            self.__class__.__name__,
            self.priority,
            events=events or [],
            is_no_user_prediction=True,
        )


def asked_before(tracker: DialogueStateTracker) -> AskedQuestion | None:
    """The question the latest user message answers: the active form's requested slot and
    the bot's actions since the user's previous message (the danger check among them)."""
    names: list[str | None] = []
    if tracker.active_loop_name:
        names.append(tracker.get_slot(REQUESTED_SLOT))
    seen_latest = False
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            if seen_latest:
                break
            seen_latest = True
        elif seen_latest and isinstance(event, ActionExecuted):
            names.append(event.action_name)
    return AskedQuestion.from_names(names)


def _already_asked(tracker: DialogueStateTracker) -> bool:
    """True when this very message has already been answered with the danger question."""
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            return False
        if isinstance(event, ActionExecuted) and event.action_name == CHECK_RESPONSE:
            return True
    return False


def _doubt_text(assessment: RiskAssessment) -> str:
    """Why the assistant asked: the weak signs, by word and rule."""
    return "; ".join(m.reason for m in assessment.doubts)


def _reason_text(assessment: RiskAssessment) -> str:
    """The matched reasons in one line, for the `reasons` of the outcome payload."""
    reasons = assessment.reasons
    return "; ".join(reasons) if reasons else "you asked for the emergency route"
