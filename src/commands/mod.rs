//! The subcommands: each turns parsed arguments into output on stdout/stderr.

pub mod dashboard;
pub mod library;
pub mod plot;
pub mod run;
pub mod sample;
pub mod stats;
pub mod sweep;
pub mod view;

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use sk_tui::config::{ConfigError, LoadedPreset, resolve_preset};
use sk_tui::record::line::Record;

/// Why a command did not finish, and so the exit code: 2 for bad input,
/// 1 for runtime failures, 128 + n for signal n, 0 when the reader of
/// stdout went away.
#[derive(Debug, thiserror::Error)]
pub enum Failure {
    /// Bad input: arguments, presets, themes, run files (exit 2).
    #[error("{0}")]
    Input(String),
    /// The work itself failed: writing, drawing, a worker (exit 1).
    #[error("{0}")]
    Runtime(String),
    /// Stopped by signal `signal` (exit `128 + signal`).
    #[error("{message}")]
    Interrupted { message: String, signal: i32 },
    /// The reader of stdout went away (`sk-tui run | head`): not an error,
    /// the command ends quietly with exit 0.
    #[error("the reader of the output went away")]
    BrokenPipe,
}

impl Failure {
    pub fn input(message: impl Into<String>) -> Self {
        Failure::Input(message.into())
    }

    pub fn runtime(message: impl Into<String>) -> Self {
        Failure::Runtime(message.into())
    }

    /// A failed write to the output: a closed pipe is the reader going
    /// away, anything else a runtime failure.
    pub fn writing(e: std::io::Error) -> Self {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            Failure::BrokenPipe
        } else {
            Failure::Runtime(format!("writing output: {e}"))
        }
    }

    pub fn exit_code(&self) -> ExitCode {
        match self {
            Failure::Input(_) => ExitCode::from(2),
            Failure::Runtime(_) => ExitCode::from(1),
            Failure::Interrupted { signal, .. } => ExitCode::from(u8::try_from(128 + signal).unwrap_or(1)),
            Failure::BrokenPipe => ExitCode::SUCCESS,
        }
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
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            Failure::BrokenPipe
        } else {
            Failure::runtime(e.to_string())
        }
    }
}

/// Writes to stdout and flushes; a reader that went away (`| head`) is
/// `Failure::BrokenPipe`, which `main` turns into a quiet exit 0.
pub fn print_out(text: &str) -> Result<(), Failure> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes()).and_then(|_| out.flush()).map_err(Failure::writing)
}

/// `println!` through `print_out`: evaluates to its `Result`.
macro_rules! outln {
    ($($arg:tt)*) => {
        $crate::commands::print_out(&format!("{}\n", format_args!($($arg)*)))
    };
}
pub(crate) use outln;

/// Whether to colour stdout: a terminal, and NO_COLOR unset or empty.
pub fn stdout_wants_color() -> bool {
    use std::io::IsTerminal;
    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// `--preset`: a preset name or file, or a run file (`.jsonl`/`.csv` whose
/// first line is a `run` header), whose preset and seed are rerun; for every
/// command that takes `--preset`.
pub fn load_preset(spec: &str) -> Result<LoadedPreset, Failure> {
    let path = Path::new(spec);
    if path.is_file() && !spec.ends_with(".toml") {
        let (first, _) = sk_tui::record::reader::first_line(path)
            .map_err(|e| Failure::input(format!("cannot read {spec}: {e}")))?;
        let json = first.strip_prefix("# ").unwrap_or(&first);
        if json.starts_with('{') {
            let header = match sk_tui::record::parse_record(json) {
                Ok(Record::Run(h)) => h,
                Ok(_) => {
                    return Err(Failure::input(format!("{spec}:1:1: {}", sk_tui::record::reader::NO_HEADER)));
                }
                Err((col, message)) => return Err(Failure::input(format!("{spec}:1:{col}: {message}"))),
            };
            if let Err(list) = header.preset.checked() {
                return Err(Failure::input(format!("{spec}:1: the header's preset: {list}")));
            }
            return Ok(LoadedPreset {
                name: header.preset_name.clone(),
                origin: spec.into(),
                description: format!("rerun of {spec}"),
                preset: header.preset,
            });
        }
    }
    Ok(resolve_preset(spec)?)
}
