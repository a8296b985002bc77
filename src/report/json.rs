//! The report as pretty JSON (`--report FILE`).

use super::{Render, Report};

/// Pretty-printed JSON, a final newline included.
pub struct Json;

impl Render for Json {
    fn render(&self, report: &Report) -> String {
        let mut s =
            serde_json::to_string_pretty(report).expect("the report model always serializes");
        s.push('\n');
        s
    }
}
