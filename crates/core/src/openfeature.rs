//! An [OpenFeature](https://openfeature.dev) provider for the community flag set (cargo
//! feature `openfeature`, issue 20): application code asks through the `open-feature` SDK's
//! client and gets the flags the community controls, resolved by [`crate::resolution`] —
//! booleans are a flag's enabled state (with its percentage rollout on the evaluation's
//! targeting key), numbers its intensity (`get_float_value`); reasons and error codes are
//! OpenFeature's, and each result carries the flag's kind and the decision that last changed
//! it as metadata (`kind`, `decision`).
//!
//! With [`Provider::with_toggles`] it also serves an Unleash toggle state ([`crate::unleash`])
//! under the same votes: booleans are decided by the toggles' strategies for the evaluation's
//! context.
//!
//! The provider shares the [`FlagSet`] with the code that applies votes, so a verified
//! community decision changes what the next evaluation returns:
//!
//! ```
//! # tokio_test_block(async {
//! use liberation_gates::flags::FlagSet;
//! use liberation_gates::openfeature::Provider;
//! use open_feature::OpenFeature;
//! let provider = Provider::new(FlagSet::builtin());
//! let flags = provider.flags(); // Arc<RwLock<FlagSet>>: apply decisions through it
//! let mut api = OpenFeature::singleton_mut().await;
//! api.set_named_provider("community", provider).await;
//! let client = api.create_named_client("community");
//! drop(api);
//! let on = client.get_bool_value("creator_sovereignty_enforcement", None, None).await;
//! assert_eq!(on, Ok(true));
//! assert!(flags.read().is_enabled("creator_sovereignty_enforcement").unwrap());
//! # });
//! # fn tokio_test_block(f: impl std::future::Future<Output = ()>) {
//! #     tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(f)
//! # }
//! ```

use crate::flags::FlagSet;
use crate::resolution::{Reason, Resolution, ResolveError};
use crate::unleash::{Context, Toggles};
use open_feature::provider::{FeatureProvider, ProviderMetadata, ResolutionDetails};
use open_feature::{
    async_trait, EvaluationContext, EvaluationError, EvaluationErrorCode, EvaluationReason,
    EvaluationResult, FlagMetadata, StructValue,
};
use parking_lot::RwLock;
use std::sync::Arc;

/// The community flag set as an OpenFeature provider (named `liberation-gates`).
#[derive(Debug)]
pub struct Provider {
    flags: Arc<RwLock<FlagSet>>,
    toggles: Option<Arc<RwLock<Toggles>>>,
    metadata: ProviderMetadata,
}

impl Provider {
    /// A provider over `flags`.
    pub fn new(flags: FlagSet) -> Self {
        Provider::shared(Arc::new(RwLock::new(flags)))
    }

    /// A provider over a flag set shared with the code that applies community decisions.
    pub fn shared(flags: Arc<RwLock<FlagSet>>) -> Self {
        Provider {
            flags,
            toggles: None,
            metadata: ProviderMetadata::new("liberation-gates"),
        }
    }

    /// A provider that also serves Unleash toggles ([`Toggles`]), under the community's votes
    /// in `flags`: booleans are decided by the toggles' strategies for the evaluation's context
    /// (targeting key = `userId`, Unleash's field names as attributes, others as properties),
    /// as [`Toggles::resolve_bool`] says. Replace the state through [`toggles`](Self::toggles).
    pub fn with_toggles(flags: Arc<RwLock<FlagSet>>, toggles: Arc<RwLock<Toggles>>) -> Self {
        Provider {
            toggles: Some(toggles),
            ..Provider::shared(flags)
        }
    }

    /// The Unleash toggles the provider serves, if any.
    pub fn toggles(&self) -> Option<Arc<RwLock<Toggles>>> {
        self.toggles.clone()
    }

    /// The flag set the provider reads (apply verified decisions through it).
    pub fn flags(&self) -> Arc<RwLock<FlagSet>> {
        Arc::clone(&self.flags)
    }
}

/// A core resolution in the SDK's terms: its value with reason and metadata, or its error.
/// OpenFeature's evaluation context as Unleash's.
fn unleash_context(context: &EvaluationContext) -> Context {
    use open_feature::EvaluationContextFieldValue as F;
    let attributes = context
        .custom_fields
        .iter()
        .filter_map(|(k, v)| {
            let v = match v {
                F::Bool(b) => serde_json::Value::from(*b),
                F::Int(i) => serde_json::Value::from(*i),
                F::Float(f) => serde_json::Value::from(*f),
                F::String(s) => serde_json::Value::from(s.as_str()),
                _ => return None,
            };
            Some((k.clone(), v))
        })
        .collect();
    Context::from_evaluation(context.targeting_key.as_deref(), &attributes)
}

fn details<T>(r: Resolution<T>) -> EvaluationResult<ResolutionDetails<T>> {
    let (Some(value), None) = (r.value, r.error) else {
        let code = match r.error {
            Some(ResolveError::FlagNotFound) => EvaluationErrorCode::FlagNotFound,
            Some(ResolveError::TypeMismatch) => EvaluationErrorCode::TypeMismatch,
            Some(ResolveError::TargetingKeyMissing) => EvaluationErrorCode::TargetingKeyMissing,
            None => EvaluationErrorCode::General("no value".into()),
        };
        return Err(EvaluationError {
            code,
            message: r.message,
        });
    };
    let reason = match r.reason {
        Reason::Static => EvaluationReason::Static,
        Reason::TargetingMatch => EvaluationReason::TargetingMatch,
        Reason::Split => EvaluationReason::Split,
        Reason::Disabled => EvaluationReason::Disabled,
        Reason::Default => EvaluationReason::Default,
        Reason::Error => EvaluationReason::Error,
    };
    let mut metadata = FlagMetadata::default();
    if let Some(m) = r.metadata {
        metadata = metadata.with_value("kind", m.kind.as_str());
        if let Some(d) = m.decision {
            metadata = metadata.with_value("decision", d);
        }
    }
    Ok(ResolutionDetails {
        value,
        variant: None,
        reason: Some(reason),
        flag_metadata: Some(metadata),
    })
}

#[async_trait]
impl FeatureProvider for Provider {
    fn metadata(&self) -> &ProviderMetadata {
        &self.metadata
    }

    async fn resolve_bool_value(
        &self,
        flag_key: &str,
        context: &EvaluationContext,
    ) -> EvaluationResult<ResolutionDetails<bool>> {
        let key = context.targeting_key.as_deref();
        let flags = self.flags.read();
        match &self.toggles {
            Some(t) => details(
                t.read()
                    .resolve_bool(flag_key, &unleash_context(context), &flags),
            ),
            None => details(flags.resolve_bool(flag_key, key)),
        }
    }

    async fn resolve_int_value(
        &self,
        flag_key: &str,
        _context: &EvaluationContext,
    ) -> EvaluationResult<ResolutionDetails<i64>> {
        details(self.flags.read().resolve_other(flag_key, "an integer"))
    }

    async fn resolve_float_value(
        &self,
        flag_key: &str,
        _context: &EvaluationContext,
    ) -> EvaluationResult<ResolutionDetails<f64>> {
        details(self.flags.read().resolve_number(flag_key))
    }

    async fn resolve_string_value(
        &self,
        flag_key: &str,
        _context: &EvaluationContext,
    ) -> EvaluationResult<ResolutionDetails<String>> {
        details(self.flags.read().resolve_other(flag_key, "a string"))
    }

    async fn resolve_struct_value(
        &self,
        flag_key: &str,
        _context: &EvaluationContext,
    ) -> EvaluationResult<ResolutionDetails<StructValue>> {
        details(self.flags.read().resolve_other(flag_key, "an object"))
    }
}
