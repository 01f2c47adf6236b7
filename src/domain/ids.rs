//! Typed ids. A workflow id is a UUID everywhere (button data, outbox rows, the store's text
//! column); reading a malformed one is an error that says so, never the all-zero id.
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// An id that does not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{given}' is not a {what} (a UUID)")]
pub struct IdError {
    pub what: &'static str,
    pub given: String,
}

/// One carousel workflow (and the carousel it made): derived from the Telegram update that
/// asked for it, so a redelivered update finds the same one.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    diesel::expression::AsExpression,
    diesel::deserialize::FromSqlRow,
)]
#[diesel(sql_type = diesel::sql_types::Text)]
#[serde(transparent)]
pub struct WorkflowId(pub Uuid);

impl WorkflowId {
    /// The id as written in button data and text columns: only the canonical hyphenated form,
    /// so one workflow has exactly one spelling.
    pub fn parse(text: &str) -> Result<WorkflowId, IdError> {
        Uuid::parse_str(text)
            .ok()
            .filter(|id| id.hyphenated().to_string() == text)
            .map(WorkflowId)
            .ok_or_else(|| IdError {
                what: "workflow id",
                given: text.chars().take(64).collect(),
            })
    }
}

impl std::fmt::Display for WorkflowId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.hyphenated().fmt(f)
    }
}

impl std::str::FromStr for WorkflowId {
    type Err = IdError;
    fn from_str(text: &str) -> Result<WorkflowId, IdError> {
        WorkflowId::parse(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_workflow_id_has_one_spelling_and_a_bad_one_is_an_error_not_the_nil_id() {
        let id = WorkflowId(Uuid::now_v7());
        assert_eq!(WorkflowId::parse(&id.to_string()), Ok(id));
        for bad in [
            "",
            "not-a-uuid",
            &id.0.simple().to_string(),
            &id.to_string().to_uppercase(),
        ] {
            let error = WorkflowId::parse(bad).expect_err(bad);
            assert!(error.to_string().contains("workflow id"), "{error}");
        }
    }
}
