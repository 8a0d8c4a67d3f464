"""liberation-gates: the platform's shared rules, from the one Rust core.

Deployment gates (:class:`Policy`, :class:`Rollout`, :class:`Threshold`, :class:`WindowRate`,
:class:`DeploymentPlan`, :class:`HealthModel`), the 75% creator split (:func:`split`,
:func:`audit`, :class:`Ledger`), circuit breakers (:class:`CircuitBreaker`, :class:`FallbackCache`), and
community control (:class:`Proposal`, :class:`Decision`, :class:`FlagSet`, :func:`bucket`).
The rules are the Rust core's, so they mean exactly what they mean in every other language.

Money goes in as ``str``, :class:`decimal.Decimal` or ``int`` minor units, and comes out as
:class:`decimal.Decimal`; a ``float`` amount is refused with ``TypeError``. Errors are
subclasses of :class:`LiberationGatesError` with ``.kind`` equal to the core's error kind.

>>> import liberation_gates as lg
>>> s = lg.split("99.99", "EUR", [("amara", "1")])
>>> s.creators["amara"], s.platform
(Decimal('75.00'), Decimal('24.99'))
"""

from __future__ import annotations

from decimal import Decimal
from typing import Mapping, Sequence, Tuple, Union

from . import _native
from ._native import (
    BlueGreen,
    BurnRate,
    BreakerMachine,
    Decision,
    Deployment,
    DeploymentPlan,
    Evaluator,
    FlagSet,
    HealthModel,
    Ledger,
    Metrics,
    Participation,
    Policy,
    PolicyDecision,
    Proposal,
    RedeployGuard,
    Refundable,
    Rollout,
    RolloutPlan,
    Split,
    SplitTerms,
    Store,
    Threshold,
    Toggles,
    WindowRate,
    audit,
    audit_files,
    bucket,
    degradation,
    error_kinds,
    health,
    json_schema,
    read_proposal,
    run_policy_test,
    simulate,
)
from .breaker import Attribution, BreakerRegistry, CircuitBreaker, FallbackCache, Served
from .errors import (
    BreakerError,
    BucketError,
    CircuitOpenError,
    DeploymentError,
    FlagError,
    GovernanceError,
    HealthError,
    LiberationGatesError,
    PolicyError,
    RolloutError,
    SplitError,
    StoreError,
    ThresholdError,
    WindowError,
)

__version__: str = _native.__version__

#: An amount of money: a decimal string in major units ("12.50"), a Decimal, or int minor units.
Money = Union[str, Decimal, int]
#: An exact ratio or weight: a decimal string, a Decimal, or an int.
Exact = Union[str, Decimal, int]
#: Creators and their weights: ``[(id, weight)]``, ``[{"id": .., "weight": ..}]`` or ``{id: weight}``.
Creators = Union[Sequence[Tuple[str, Exact]], Sequence[Mapping[str, Exact]], Mapping[str, Exact]]


# The native function itself (no Python frame in between: issue 19); its docstring is the
# one `help(split)` shows, written in crates/py/src/money.rs.
split = _native.split

__all__ = [
    "split",
    "audit",
    "audit_files",
    "Split",
    "SplitTerms",
    "Refundable",
    "Ledger",
    "Store",
    "StoreError",
    "Threshold",
    "WindowRate",
    "BurnRate",
    "degradation",
    "json_schema",
    "Policy",
    "PolicyDecision",
    "Evaluator",
    "RolloutPlan",
    "Rollout",
    "DeploymentPlan",
    "BlueGreen",
    "RedeployGuard",
    "Deployment",
    "Metrics",
    "health",
    "HealthModel",
    "read_proposal",
    "run_policy_test",
    "simulate",
    "Decision",
    "Proposal",
    "Participation",
    "FlagSet",
    "Toggles",
    "bucket",
    "BreakerMachine",
    "CircuitBreaker",
    "BreakerRegistry",
    "FallbackCache",
    "Attribution",
    "Served",
    "error_kinds",
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
    "DeploymentError",
    "Money",
    "Exact",
    "Creators",
]
