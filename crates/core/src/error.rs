//! Errors: one enum per family, each variant with a stable snake_case [`kind`](Error::kind).
//!
//! Every binding exposes the kind unchanged: Rust as [`Error::kind`], Python as `.kind`,
//! JavaScript as `.code`. The kinds are part of the public contract (SPEC.md) and never change
//! spelling. Each variant carries a sentence for people that names what was wrong.

use std::fmt;

macro_rules! error_family {
    (
        $(#[$meta:meta])*
        $name:ident, $family:literal {
            $( $(#[$vmeta:meta])* $variant:ident => $kind:literal ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq)]
        #[non_exhaustive]
        pub enum $name {
            $( $(#[$vmeta])* #[doc = concat!("Kind `", $kind, "`.")] $variant(String), )+
        }

        impl $name {
            /// The family this error belongs to (also the module that raises it).
            pub const FAMILY: &'static str = $family;

            /// Every kind this family can report, in declaration order.
            pub const KINDS: &'static [&'static str] = &[$($kind),+];

            /// The stable snake_case kind, identical in every language.
            pub fn kind(&self) -> &'static str {
                match self { $( Self::$variant(_) => $kind, )+ }
            }

            /// Builds the error of `kind` with `message`; `None` for a kind not in this family.
            pub fn from_kind(kind: &str, message: impl Into<String>) -> Option<Self> {
                match kind {
                    $( $kind => Some(Self::$variant(message.into())), )+
                    _ => None,
                }
            }

            /// The sentence for people describing what was wrong.
            pub fn message(&self) -> &str {
                match self { $( Self::$variant(m) => m, )+ }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}: {}", self.kind(), self.message())
            }
        }

        impl std::error::Error for $name {}
    };
}

error_family! {
    /// Errors from [`crate::split`] and [`crate::money`].
    SplitError, "split" {
        UnknownCurrency => "unknown_currency",
        InvalidAmount => "invalid_amount",
        SovereigntyViolation => "sovereignty_violation",
        InvalidShare => "invalid_share",
        NoCreators => "no_creators",
        DuplicateCreator => "duplicate_creator",
        InvalidWeight => "invalid_weight",
        InvalidFeeMode => "invalid_fee_mode",
        FeeExceedsGross => "fee_exceeds_gross",
        FeeExceedsPlatformShare => "fee_exceeds_platform_share",
        RefundExceedsBalance => "refund_exceeds_balance",
        InvalidStep => "invalid_step",
        CurrencyMismatch => "currency_mismatch",
        InvalidRecord => "invalid_record",
        /// A payout to someone the split does not name (SPEC §10).
        UnknownCreator => "unknown_creator",
        /// A second payout entry for the same creator (SPEC §10).
        DuplicatePayout => "duplicate_payout",
    }
}

error_family! {
    /// Errors from [`crate::threshold`].
    ThresholdError, "threshold" {
        InvalidRule => "invalid_rule",
        OutOfOrder => "out_of_order",
        InvalidSample => "invalid_sample",
    }
}

error_family! {
    /// Errors from [`crate::window`].
    WindowError, "window_rate" {
        InvalidConfig => "invalid_config",
        OutOfOrder => "out_of_order",
        InvalidSample => "invalid_sample",
    }
}

error_family! {
    /// Errors from [`crate::breaker`].
    BreakerError, "breaker" {
        InvalidConfig => "invalid_config",
        InvalidOp => "invalid_op",
        OutOfOrder => "out_of_order",
        UnknownBreaker => "unknown_breaker",
        /// The breaker refused a call (for languages where a refusal is raised, not returned).
        CallRejected => "call_rejected",
    }
}

error_family! {
    /// Errors from [`crate::governance`]: whole-proposal errors and vote refusals.
    GovernanceError, "governance" {
        EmptyElectorate => "empty_electorate",
        DuplicateMember => "duplicate_member",
        InvalidQuorum => "invalid_quorum",
        InvalidThreshold => "invalid_threshold",
        InvalidPeriod => "invalid_period",
        InvalidChoice => "invalid_choice",
        NotAMember => "not_a_member",
        VotingClosed => "voting_closed",
        OutOfOrder => "out_of_order",
        AlreadyVoted => "already_voted",
        InvalidTime => "invalid_time",
        InvalidStatus => "invalid_status",
        /// A proposal file that cannot be read: not JSON, a missing or unknown field, a
        /// value of the wrong type.
        InvalidProposal => "invalid_proposal",
        /// A participation rate outside `[0, 1]`, or a baseline of no proposals.
        InvalidParticipation => "invalid_participation",
    }
}

error_family! {
    /// Errors from [`crate::flags`].
    FlagError, "flags" {
        InvalidFlag => "invalid_flag",
        UnknownFlag => "unknown_flag",
        InvalidOp => "invalid_op",
        InvalidIntensity => "invalid_intensity",
        AlwaysOn => "always_on",
        VoteRequired => "vote_required",
        DecisionMismatch => "decision_mismatch",
        DecisionNotPassed => "decision_not_passed",
        /// A decision that no proposal backs: a `{subject, action, status}` made by hand
        /// rather than by the core from a proposal and its votes.
        UnverifiedDecision => "unverified_decision",
        /// An Unleash toggle state that cannot be read ([`crate::unleash`]).
        InvalidToggleState => "invalid_toggle_state",
        /// An Unleash evaluation context that cannot be read.
        InvalidContext => "invalid_context",
    }
}

error_family! {
    /// Errors from [`crate::policy`], [`crate::health`] and [`crate::plan`].
    PolicyError, "policy" {
        InvalidPolicy => "invalid_policy",
        OutOfOrder => "out_of_order",
        InvalidObservation => "invalid_observation",
        InvalidPlan => "invalid_plan",
    }
}

error_family! {
    /// Errors from [`crate::health`] (SPEC §11).
    HealthError, "health" {
        /// A check whose level is not a whole number 1–5, or whose name is empty.
        InvalidCheck => "invalid_check",
        /// A check name declared twice.
        DuplicateCheck => "duplicate_check",
        /// A status for a check the model does not declare.
        UnknownCheck => "unknown_check",
        /// A status other than `up`, `degraded`, `down` or `null`.
        InvalidStatus => "invalid_status",
    }
}

error_family! {
    /// Errors from [`crate::rollout`].
    RolloutError, "rollout" {
        InvalidPlan => "invalid_plan",
        OutOfOrder => "out_of_order",
        InvalidEvent => "invalid_event",
        RedeployNeedsApproval => "redeploy_needs_approval",
        /// A redeploy decision that no proposal backs (made by hand).
        UnverifiedDecision => "unverified_decision",
    }
}

error_family! {
    /// Errors from [`crate::bucket`].
    BucketError, "bucket" {
        InvalidId => "invalid_id",
        InvalidGroup => "invalid_group",
        InvalidModulus => "invalid_modulus",
        /// A seed that is not a whole number in `0..=4294967295`.
        InvalidSeed => "invalid_seed",
    }
}

error_family! {
    /// Errors from [`crate::store`]: durable records and shared breaker state.
    StoreError, "store" {
        /// A store URL that is not `memory:`, `sqlite:PATH` or `postgres://…` (or a backend
        /// this build leaves out).
        InvalidUrl => "invalid_url",
        /// A record with an empty stream or id, or a stored body that no longer applies.
        InvalidRecord => "invalid_record",
        /// The stream already holds a record with this id.
        DuplicateId => "duplicate_id",
        /// The history does not match its checksum chain, or is shorter than its head says.
        Tampered => "tampered",
        /// The backend could not be reached or failed (I/O, connection, database error).
        Unavailable => "unavailable",
        /// The store's file is damaged: SQLite reads a malformed database image.
        Corrupt => "corrupt",
    }
}

error_family! {
    /// Errors from [`crate::deployment`]: events, and the community decisions they carry.
    DeploymentError, "deployment" {
        /// An event line or value that is not one of the deployment's events, or one that
        /// does not apply now (an approval with no canary running).
        InvalidEvent => "invalid_event",
        /// An event earlier than (or at the same time as) the one before it.
        OutOfOrder => "out_of_order",
        /// A decision that no proposal backs: a hand-made `{subject, action, status}`, or a
        /// proposal id the deployment never recorded.
        UnverifiedDecision => "unverified_decision",
        /// A decision about another subject or action than the one it is used for.
        DecisionMismatch => "decision_mismatch",
        /// A decision whose proposal, tallied when it is used, did not pass.
        DecisionNotPassed => "decision_not_passed",
        /// A deployment that cannot be set up: an empty service name, or a plan whose
        /// canary or launch phase does not fit its strategy.
        InvalidSetup => "invalid_setup",
    }
}

/// Every family with its kinds, in a fixed order: what bindings list and test their mapping
/// against.
pub const FAMILIES: &[(&str, &[&str])] = &[
    (SplitError::FAMILY, SplitError::KINDS),
    (ThresholdError::FAMILY, ThresholdError::KINDS),
    (WindowError::FAMILY, WindowError::KINDS),
    (BreakerError::FAMILY, BreakerError::KINDS),
    (GovernanceError::FAMILY, GovernanceError::KINDS),
    (FlagError::FAMILY, FlagError::KINDS),
    (PolicyError::FAMILY, PolicyError::KINDS),
    (HealthError::FAMILY, HealthError::KINDS),
    (RolloutError::FAMILY, RolloutError::KINDS),
    (BucketError::FAMILY, BucketError::KINDS),
    (StoreError::FAMILY, StoreError::KINDS),
    (DeploymentError::FAMILY, DeploymentError::KINDS),
];

/// Any error of the library. Bindings map each family to its own exception class.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Money: splits, refunds, ledgers, audits.
    #[error(transparent)]
    Split(#[from] SplitError),
    /// Sustained-condition rules.
    #[error(transparent)]
    Threshold(#[from] ThresholdError),
    /// Windowed error rates and burn rates.
    #[error(transparent)]
    Window(#[from] WindowError),
    /// Circuit breakers.
    #[error(transparent)]
    Breaker(#[from] BreakerError),
    /// Proposals, votes and participation.
    #[error(transparent)]
    Governance(#[from] GovernanceError),
    /// Feature flags.
    #[error(transparent)]
    Flag(#[from] FlagError),
    /// Policies, observations and deployment plans.
    #[error(transparent)]
    Policy(#[from] PolicyError),
    /// Health models and statuses.
    #[error(transparent)]
    Health(#[from] HealthError),
    /// Rollouts and their plans.
    #[error(transparent)]
    Rollout(#[from] RolloutError),
    /// Bucketing.
    #[error(transparent)]
    Bucket(#[from] BucketError),
    /// Durable stores and shared breakers.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Deployments and the community decisions they take.
    #[error(transparent)]
    Deployment(#[from] DeploymentError),
    /// An error found at one line of a file (observations, simulations, ledgers, decision
    /// records): its kind and family are the inner error's own, so a refund that exceeds the
    /// balance on line 7 is still `refund_exceeds_balance`, with [`Error::line`] = 7.
    #[error("{}: {message}", error.kind())]
    AtLine {
        /// The 1-based line number.
        line: usize,
        /// What was wrong there.
        error: Box<Error>,
        /// `"line {line}: "` and the inner error's message (what [`Error::message`] returns).
        message: String,
    },
}

impl Error {
    /// The stable snake_case kind (`"sovereignty_violation"`, `"out_of_order"`, …).
    pub fn kind(&self) -> &'static str {
        match self {
            Error::Split(e) => e.kind(),
            Error::Threshold(e) => e.kind(),
            Error::Window(e) => e.kind(),
            Error::Breaker(e) => e.kind(),
            Error::Governance(e) => e.kind(),
            Error::Flag(e) => e.kind(),
            Error::Policy(e) => e.kind(),
            Error::Health(e) => e.kind(),
            Error::Rollout(e) => e.kind(),
            Error::Bucket(e) => e.kind(),
            Error::Store(e) => e.kind(),
            Error::Deployment(e) => e.kind(),
            Error::AtLine { error, .. } => error.kind(),
        }
    }

    /// The family (`"split"`, `"threshold"`, …); bindings pick the exception class from it.
    pub fn family(&self) -> &'static str {
        match self {
            Error::Split(_) => SplitError::FAMILY,
            Error::Threshold(_) => ThresholdError::FAMILY,
            Error::Window(_) => WindowError::FAMILY,
            Error::Breaker(_) => BreakerError::FAMILY,
            Error::Governance(_) => GovernanceError::FAMILY,
            Error::Flag(_) => FlagError::FAMILY,
            Error::Policy(_) => PolicyError::FAMILY,
            Error::Health(_) => HealthError::FAMILY,
            Error::Rollout(_) => RolloutError::FAMILY,
            Error::Bucket(_) => BucketError::FAMILY,
            Error::Store(_) => StoreError::FAMILY,
            Error::Deployment(_) => DeploymentError::FAMILY,
            Error::AtLine { error, .. } => error.family(),
        }
    }

    /// The error at `line` of a file (an error that already names a line keeps it).
    pub fn at_line(self, line: usize) -> Error {
        match self {
            e @ Error::AtLine { .. } => e,
            e => Error::AtLine {
                line,
                message: format!("line {line}: {}", e.message()),
                error: Box::new(e),
            },
        }
    }

    /// The error itself, without the line it was found at.
    pub fn without_line(&self) -> &Error {
        match self {
            Error::AtLine { error, .. } => error,
            e => e,
        }
    }

    /// The 1-based line of the file the error was found at, when it came from a file.
    pub fn line(&self) -> Option<usize> {
        match self {
            Error::AtLine { line, .. } => Some(*line),
            _ => None,
        }
    }

    /// Builds the error of `family` and `kind` with `message` (`None` for an unknown pair);
    /// bindings use it to test that every kind reaches their language intact.
    pub fn from_family_kind(family: &str, kind: &str, message: impl Into<String>) -> Option<Error> {
        let m = message.into();
        match family {
            SplitError::FAMILY => SplitError::from_kind(kind, m).map(Error::from),
            ThresholdError::FAMILY => ThresholdError::from_kind(kind, m).map(Error::from),
            WindowError::FAMILY => WindowError::from_kind(kind, m).map(Error::from),
            BreakerError::FAMILY => BreakerError::from_kind(kind, m).map(Error::from),
            GovernanceError::FAMILY => GovernanceError::from_kind(kind, m).map(Error::from),
            FlagError::FAMILY => FlagError::from_kind(kind, m).map(Error::from),
            PolicyError::FAMILY => PolicyError::from_kind(kind, m).map(Error::from),
            HealthError::FAMILY => HealthError::from_kind(kind, m).map(Error::from),
            RolloutError::FAMILY => RolloutError::from_kind(kind, m).map(Error::from),
            BucketError::FAMILY => BucketError::from_kind(kind, m).map(Error::from),
            StoreError::FAMILY => StoreError::from_kind(kind, m).map(Error::from),
            DeploymentError::FAMILY => DeploymentError::from_kind(kind, m).map(Error::from),
            _ => None,
        }
    }

    /// The sentence for people.
    pub fn message(&self) -> &str {
        match self {
            Error::Split(e) => e.message(),
            Error::Threshold(e) => e.message(),
            Error::Window(e) => e.message(),
            Error::Breaker(e) => e.message(),
            Error::Governance(e) => e.message(),
            Error::Flag(e) => e.message(),
            Error::Policy(e) => e.message(),
            Error::Health(e) => e.message(),
            Error::Rollout(e) => e.message(),
            Error::Bucket(e) => e.message(),
            Error::Store(e) => e.message(),
            Error::Deployment(e) => e.message(),
            Error::AtLine { message, .. } => message,
        }
    }
}

/// Shorthand for results of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;
