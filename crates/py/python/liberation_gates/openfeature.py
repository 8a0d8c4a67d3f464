"""An OpenFeature provider of the community flags (``pip install liberation-gates[openfeature]``).

Application code asks OpenFeature's client as for any flag; the answers are the flags the
community controls, resolved by the core (``FlagSet.resolve``): a boolean is the flag's
enabled state, with its percentage rollout decided on the evaluation context's targeting key
(reason ``SPLIT``; ``TARGETING_KEY_MISSING`` without one); a float is its intensity (``0.0``
while it is disabled, reason ``DISABLED``); any other type is ``TYPE_MISMATCH`` and an unknown
key ``FLAG_NOT_FOUND``. Each result's metadata names the flag's ``kind`` and the ``decision``
that last changed it. A change made through :meth:`LiberationGatesProvider.apply` (a verified
community decision, as ``FlagSet.apply`` takes it) emits OpenFeature's configuration-changed
event.

Given ``toggles`` (a ``Toggles`` of an Unleash server's state), the provider serves them too,
under the community's votes (``Toggles.resolve``): a boolean is decided by the toggle's
strategies for the evaluation context (targeting key = ``userId``; attributes with Unleash's
field names fill those fields, the others are properties).

>>> from openfeature import api
>>> from liberation_gates.openfeature import LiberationGatesProvider
>>> api.set_provider(LiberationGatesProvider(), domain="community")
>>> api.get_client("community").get_boolean_value("creator_sovereignty_enforcement", False)
True
"""

from __future__ import annotations

from typing import Any, Mapping, Optional, Sequence, Union

from openfeature.evaluation_context import EvaluationContext
from openfeature.event import ProviderEventDetails
from openfeature.exception import ErrorCode
from openfeature.flag_evaluation import FlagMetadata, FlagResolutionDetails, FlagValueType, Reason
from openfeature.provider import AbstractProvider, Metadata

from ._native import Decision, FlagSet, Toggles

__all__ = ["LiberationGatesProvider"]


class LiberationGatesProvider(AbstractProvider):
    """The community flag set (``flags``, default ``FlagSet.builtin()``), and optionally an
    Unleash toggle state (``toggles``), as an OpenFeature provider named ``liberation-gates``."""

    def __init__(self, flags: Optional[FlagSet] = None, toggles: Optional[Toggles] = None) -> None:
        super().__init__()
        self.flags = flags if flags is not None else FlagSet.builtin()
        self.toggles = toggles

    def get_metadata(self) -> Metadata:
        return Metadata(name="liberation-gates")

    def apply(
        self,
        key: str,
        op: str,
        value: Optional[float] = None,
        decision: Optional[Decision] = None,
        actor: str = "",
        t: float = 0.0,
    ) -> tuple[bool, float]:
        """``FlagSet.apply``, then OpenFeature's configuration-changed event naming ``key``.
        A refused change raises ``FlagError`` and emits nothing."""
        state = self.flags.apply(key, op, value, decision, actor, t)
        self.emit_provider_configuration_changed(ProviderEventDetails(flags_changed=[key]))
        return state

    def _resolve(self, key: str, default: Any, context: Optional[EvaluationContext], as_type: str) -> FlagResolutionDetails[Any]:
        targeting_key = context.targeting_key if context is not None else None
        if self.toggles is None:
            r = self.flags.resolve(key, targeting_key, as_type)
        else:
            # The attributes Unleash can read: text, numbers and booleans.
            attributes = {k: v for k, v in (context.attributes if context is not None else {}).items() if isinstance(v, (str, int, float, bool))}
            r = self.toggles.resolve(key, self.flags, as_type, targeting_key, attributes)
        metadata: FlagMetadata = dict(r.get("metadata") or {})
        if r.get("error"):
            return FlagResolutionDetails(
                value=default,
                error_code=ErrorCode(r["error"]),
                error_message=r.get("message"),
                reason=Reason.ERROR,
                flag_metadata=metadata,
            )
        return FlagResolutionDetails(value=r["value"], reason=Reason(r["reason"]), flag_metadata=metadata)

    def resolve_boolean_details(
        self, flag_key: str, default_value: bool, evaluation_context: Optional[EvaluationContext] = None
    ) -> FlagResolutionDetails[bool]:
        return self._resolve(flag_key, default_value, evaluation_context, "boolean")

    def resolve_float_details(
        self, flag_key: str, default_value: float, evaluation_context: Optional[EvaluationContext] = None
    ) -> FlagResolutionDetails[float]:
        return self._resolve(flag_key, default_value, evaluation_context, "number")

    def resolve_integer_details(
        self, flag_key: str, default_value: int, evaluation_context: Optional[EvaluationContext] = None
    ) -> FlagResolutionDetails[int]:
        return self._resolve(flag_key, default_value, evaluation_context, "integer")

    def resolve_string_details(
        self, flag_key: str, default_value: str, evaluation_context: Optional[EvaluationContext] = None
    ) -> FlagResolutionDetails[str]:
        return self._resolve(flag_key, default_value, evaluation_context, "string")

    def resolve_object_details(
        self,
        flag_key: str,
        default_value: Union[Sequence[FlagValueType], Mapping[str, FlagValueType]],
        evaluation_context: Optional[EvaluationContext] = None,
    ) -> FlagResolutionDetails[Union[Sequence[FlagValueType], Mapping[str, FlagValueType]]]:
        return self._resolve(flag_key, default_value, evaluation_context, "object")
