//! Soft problems found while reading evidence: where (file and locator) and what, in words an
//! auditor can act on. They never stop a run; the outputs list them.

use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub(crate) struct Diagnostic {
    pub file: String,
    /// Line, record or field inside the file (`line 7`, `Content line 3`, `GeneratedTime`), if any.
    pub locator: Option<String>,
    pub message: String,
}

impl Diagnostic {
    pub(crate) fn new(file: &str, locator: Option<String>, message: impl Into<String>) -> Diagnostic {
        Diagnostic { file: file.to_string(), locator, message: message.into() }
    }
}
