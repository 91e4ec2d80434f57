//! Configuration errors that point at the file, line and column, and say
//! what was expected.

use std::fmt;
use std::path::PathBuf;

/// One problem in a configuration file.
#[derive(Clone, Debug, PartialEq)]
pub struct Located {
    /// The file's path or `<embedded NAME>`.
    pub file: String,
    /// 1-based line and column, when known.
    pub line: usize,
    pub column: usize,
    /// The key's path (`generator.alpha`), empty for syntax errors.
    pub key: String,
    pub message: String,
    /// The offending source line, for display.
    pub source_line: String,
}

impl fmt::Display for Located {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}: ", self.file, self.line, self.column)?;
        if !self.key.is_empty() {
            write!(f, "{}: ", self.key)?;
        }
        write!(f, "{}", self.message)?;
        if !self.source_line.is_empty() {
            let gutter = self.line.to_string().len();
            write!(
                f,
                "\n{:gutter$} |\n{} | {}\n{:gutter$} | {:>col$}",
                "",
                self.line,
                self.source_line,
                "",
                "^",
                col = self.column
            )?;
        }
        Ok(())
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{}", join(.0))]
    Invalid(Vec<Located>),
    #[error("cannot read {path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error("no {what} named {name:?}; {what}s: {known}")]
    Unknown { what: &'static str, name: String, known: String },
}

fn join(items: &[Located]) -> String {
    items.iter().map(|l| l.to_string()).collect::<Vec<_>>().join("\n")
}
