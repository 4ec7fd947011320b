use std::fmt;

/// One field that failed validation, named so the caller can point at it
/// (an HTTP problem, a CSV line and column, a form field).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FieldError {
    pub field: String,
    pub reason: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, reason: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            reason: reason.into(),
        }
    }

    /// The same error seen from an enclosing value, e.g. `materials[2].name`.
    pub fn within(mut self, prefix: &str) -> Self {
        self.field = if prefix.is_empty() {
            self.field
        } else if self.field.is_empty() {
            prefix.to_string()
        } else if self.field.starts_with('[') {
            format!("{prefix}{}", self.field)
        } else {
            format!("{prefix}.{}", self.field)
        };
        self
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.reason)
    }
}

/// Every field error found in a value: rules report all problems at once, so a
/// department fixing a spreadsheet does not discover them one per upload.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Invalid(pub Vec<FieldError>);

impl Invalid {
    pub fn one(field: impl Into<String>, reason: impl Into<String>) -> Self {
        Self(vec![FieldError::new(field, reason)])
    }

    pub fn push(&mut self, field: impl Into<String>, reason: impl Into<String>) {
        self.0.push(FieldError::new(field, reason));
    }

    /// Collects the result of a nested parse, prefixing its field names.
    pub fn take<T>(&mut self, prefix: &str, r: Result<T, Invalid>) -> Option<T> {
        match r {
            Ok(v) => Some(v),
            Err(e) => {
                self.0.extend(e.0.into_iter().map(|f| f.within(prefix)));
                None
            }
        }
    }

    /// The same errors under another field name (a code parsed as part of a
    /// query parameter or cursor reports under that parameter).
    pub fn relabel(mut self, field: &str) -> Self {
        for f in &mut self.0 {
            f.field = field.to_string();
        }
        self
    }

    pub fn into_result<T>(self, value: impl FnOnce() -> T) -> Result<T, Invalid> {
        if self.0.is_empty() {
            Ok(value())
        } else {
            Err(self)
        }
    }
}

impl fmt::Display for Invalid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = self.0.iter().map(ToString::to_string).collect();
        f.write_str(&parts.join("; "))
    }
}

impl std::error::Error for Invalid {}

impl From<FieldError> for Invalid {
    fn from(e: FieldError) -> Self {
        Self(vec![e])
    }
}
