//! JSON Schemas of the files people write by hand — policies, deployment plans and rollout
//! plans — generated from the very types that read them (`schemars`), so an editor checks a
//! file against the same fields, defaults and names the library accepts. The CLI prints them
//! (`liberation-gates policy schema`, `plan schema`, `plan schema --rollout`); the Python and
//! npm packages ship them as files; every binding returns them.
//!
//! A schema says what a file may look like; the library still checks what a schema cannot
//! (a share ≥ 0.75, windows in order, ids unique). Field aliases the readers accept for
//! JavaScript callers (`openSeconds` for `open_seconds`) are not in the schemas: files use the
//! names shown.
//!
//! ```
//! use liberation_gates::schema::{json_schema, SchemaKind};
//! let s = json_schema(SchemaKind::Policy);
//! assert_eq!(s["title"], "liberation-gates policy");
//! assert!(s["properties"]["rules"].is_object());
//! ```

use crate::error::PolicyError;

string_enum! {
    /// The files a schema describes.
    pub enum SchemaKind {
        /// A deployment-safety policy (`policy check`): rules, breakers, flags.
        Policy = "policy",
        /// A deployment plan (`plan check`): the phases of a deployment.
        Plan = "plan",
        /// A rollout plan: a canary's steps (`simulate --plan`).
        RolloutPlan = "rollout_plan",
    }
    parse: "schema" => PolicyError::InvalidPolicy
}

/// The JSON Schema (draft 2020-12) of a `kind` file, with a title and an `$id` naming the
/// file the packages ship (`policy.schema.json`, `plan.schema.json`,
/// `rollout-plan.schema.json`).
pub fn json_schema(kind: SchemaKind) -> serde_json::Value {
    let (schema, title) = match kind {
        SchemaKind::Policy => (
            schemars::schema_for!(crate::policy::PolicySpec),
            "liberation-gates policy",
        ),
        SchemaKind::Plan => (
            schemars::schema_for!(crate::plan::DeploymentPlan),
            "liberation-gates deployment plan",
        ),
        SchemaKind::RolloutPlan => (
            schemars::schema_for!(crate::rollout::PlanFile),
            "liberation-gates rollout plan",
        ),
    };
    let mut v = schema.to_value();
    if let Some(o) = v.as_object_mut() {
        o.insert("$id".into(), file_name(kind).into());
        o.insert("title".into(), title.into());
    }
    v
}

/// The name of the file a `kind` schema is shipped as.
pub fn file_name(kind: SchemaKind) -> &'static str {
    match kind {
        SchemaKind::Policy => "policy.schema.json",
        SchemaKind::Plan => "plan.schema.json",
        SchemaKind::RolloutPlan => "rollout-plan.schema.json",
    }
}

/// The schema of a string-named value: `{"type": "string", "enum": [names]}`.
pub(crate) fn names_schema(names: &[&str]) -> schemars::Schema {
    schemars::json_schema!({ "type": "string", "enum": names })
}
