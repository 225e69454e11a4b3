//! Reading JSON objects field by field against a standard, collecting every problem with its
//! JSON path.

use super::Problem;
use chrono::{DateTime, Datelike, Utc};
use serde_json::{Map, Value};

/// Reads the fields of one object, collecting every problem.
pub struct Fields<'a> {
    pub path: &'a str,
    pub object: &'a Map<String, Value>,
    pub problems: Vec<Problem>,
}

impl<'a> Fields<'a> {
    pub fn new(path: &'a str, object: &'a Map<String, Value>) -> Self {
        Fields {
            path,
            object,
            problems: Vec::new(),
        }
    }

    pub fn problem(&mut self, field: &str, message: impl Into<String>) {
        self.problems
            .push(Problem::new(format!("{}.{field}", self.path), message));
    }

    pub fn text(&mut self, field: &str, max: usize, required: bool) -> Option<String> {
        match self.object.get(field) {
            None | Some(Value::Null) if required => {
                self.problem(field, "required");
                None
            }
            None | Some(Value::Null) => None,
            Some(Value::String(s)) if s.trim().is_empty() && required => {
                self.problem(field, "required, not empty");
                None
            }
            Some(Value::String(s)) if s.chars().count() > max => {
                self.problem(field, format!("at most {max} characters"));
                None
            }
            Some(Value::String(s)) => Some(s.trim().to_owned()).filter(|s| !s.is_empty()),
            Some(_) => {
                self.problem(field, "expected a string");
                None
            }
        }
    }

    pub fn code<T>(
        &mut self,
        field: &str,
        parse: fn(&str) -> Option<T>,
        allowed: &[&str],
    ) -> Option<T> {
        let raw = self.text(field, 4, true)?;
        let parsed = parse(&raw);
        if parsed.is_none() {
            self.problem(
                field,
                format!("'{raw}' is not one of {}", allowed.join(", ")),
            );
        }
        parsed
    }

    pub fn date_time(&mut self, field: &str, required: bool) -> Option<DateTime<Utc>> {
        let raw = self.text(field, 40, required)?;
        match DateTime::parse_from_rfc3339(&raw) {
            Ok(t) if (1990..=2100).contains(&t.year()) => Some(t.with_timezone(&Utc)),
            Ok(_) => {
                self.problem(field, format!("'{raw}' is outside 1990-2100"));
                None
            }
            Err(_) => {
                self.problem(field, format!("'{raw}' is not a date-time with an offset (ISO 8601, e.g. 2026-12-01T14:00:00-08:00)"));
                None
            }
        }
    }
}
