"""Exceptions raised by liberation_gates.

Every error carries ``.kind``: the stable snake_case kind of the Rust core (the same string
JavaScript sees as ``.code``), so callers can branch on it. One subclass per family; all are
``ValueError`` subclasses too, since each reports an argument the caller got wrong — except
:class:`CircuitOpenError`, which is a breaker refusing a call, and :class:`StoreError`, which
is about a durable store (a tampered history, a database that cannot be reached).

>>> import liberation_gates as lg
>>> try:
...     lg.split("100.00", "GBP", [("alice", "1")], creator_share="0.7")
... except lg.SplitError as e:
...     print(e.kind)
sovereignty_violation
"""

from __future__ import annotations


class LiberationGatesError(Exception):
    """Base of every error of the library. ``kind`` is the core's stable error kind;
    ``line`` is the 1-based line of the file it was found at, or ``None``."""

    kind: str
    message: str
    line: int | None

    def __init__(self, kind: str, message: str = "", line: int | None = None) -> None:
        super().__init__(kind, message)
        self.kind = kind
        self.message = message
        self.line = line

    def __str__(self) -> str:
        return f"{self.kind}: {self.message}" if self.message else self.kind


class SplitError(LiberationGatesError, ValueError):
    """Money: splits, refunds, ledgers (``sovereignty_violation``, ``invalid_amount``, ...)."""


class ThresholdError(LiberationGatesError, ValueError):
    """Sustained-condition rules (``invalid_rule``, ``out_of_order``, ``invalid_sample``)."""


class WindowError(LiberationGatesError, ValueError):
    """Windowed error rates (``invalid_config``, ``out_of_order``, ``invalid_sample``)."""


class BreakerError(LiberationGatesError, ValueError):
    """Circuit-breaker configuration and operations (``invalid_config``, ``invalid_op``, ...)."""


class CircuitOpenError(LiberationGatesError):
    """The breaker refused the call (kind ``call_rejected``): the dependency is cut off."""


class GovernanceError(LiberationGatesError, ValueError):
    """Proposals and votes (``not_a_member``, ``already_voted``, ``invalid_quorum``, ...)."""


class FlagError(LiberationGatesError, ValueError):
    """Feature flags (``vote_required``, ``decision_mismatch``, ``always_on``, ...)."""


class PolicyError(LiberationGatesError, ValueError):
    """Policies, observations and plans (``invalid_policy``, ``out_of_order``, ...)."""


class HealthError(LiberationGatesError, ValueError):
    """Health models and statuses (``invalid_check``, ``duplicate_check``, ``unknown_check``,
    ``invalid_status``)."""


class RolloutError(LiberationGatesError, ValueError):
    """Progressive rollouts (``invalid_plan``, ``invalid_event``, ``redeploy_needs_approval``, ...)."""


class BucketError(LiberationGatesError, ValueError):
    """Bucketing (``invalid_id``, ``invalid_group``, ``invalid_modulus``)."""


class DeploymentError(LiberationGatesError, ValueError):
    """Deployments and the community decisions they take (``invalid_event``,
    ``out_of_order``, ``unverified_decision``, ``decision_mismatch``, ``decision_not_passed``,
    ``invalid_setup``)."""


class StoreError(LiberationGatesError):
    """Durable stores (``invalid_url``, ``invalid_record``, ``duplicate_id``, ``tampered``, ``corrupt``,
    ``unavailable``)."""


FAMILY_CLASSES: dict[str, type[LiberationGatesError]] = {
    "split": SplitError,
    "threshold": ThresholdError,
    "window_rate": WindowError,
    "breaker": BreakerError,
    "governance": GovernanceError,
    "flags": FlagError,
    "policy": PolicyError,
    "health": HealthError,
    "rollout": RolloutError,
    "bucket": BucketError,
    "store": StoreError,
    "deployment": DeploymentError,
}

__all__ = [
    "LiberationGatesError",
    "SplitError",
    "ThresholdError",
    "WindowError",
    "BreakerError",
    "CircuitOpenError",
    "GovernanceError",
    "FlagError",
    "PolicyError",
    "HealthError",
    "RolloutError",
    "BucketError",
    "StoreError",
    "DeploymentError",
    "FAMILY_CLASSES",
]
