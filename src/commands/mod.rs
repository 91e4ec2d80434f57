//! The subcommands: each turns parsed arguments into output on stdout/stderr.

pub mod dashboard;
pub mod library;
pub mod plot;
pub mod run;
pub mod sample;
pub mod stats;
pub mod sweep;
pub mod view;

use std::fmt;

use sk_tui::config::ConfigError;

/// A failure with its exit code: 2 for bad input, 1 for runtime failures.
#[derive(Debug)]
pub struct Failure {
    pub message: String,
    pub code: i32,
}

impl Failure {
    pub fn input(message: impl Into<String>) -> Self {
        Failure { message: message.into(), code: 2 }
    }

    pub fn runtime(message: impl Into<String>) -> Self {
        Failure { message: message.into(), code: 1 }
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl From<ConfigError> for Failure {
    fn from(e: ConfigError) -> Self {
        match e {
            ConfigError::Io { .. } | ConfigError::Invalid(_) | ConfigError::Unknown { .. } => {
                Failure::input(e.to_string())
            }
        }
    }
}

impl From<std::io::Error> for Failure {
    fn from(e: std::io::Error) -> Self {
        Failure::runtime(e.to_string())
    }
}

/// Whether to colour stdout: a terminal, and NO_COLOR unset or empty.
pub fn stdout_wants_color() -> bool {
    use std::io::IsTerminal;
    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}
