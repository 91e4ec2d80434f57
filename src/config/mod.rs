//! Presets, themes and the user's config file: serde types, validation with messages a person can
//! act on (file, line, column, key, valid range), embedded defaults and the
//! user's config directory.

pub mod count;
pub mod error;
pub mod library;
pub mod preset;
pub mod settings;
pub mod source_map;
pub mod tables;
pub mod theme;

pub use error::{ConfigError, Located};
pub use library::{LoadedPreset, resolve_preset};
pub use preset::{LearnerConfig, LearnerKind, Pace, PhaseConfig, PhaseGenerator, Policy, Preset, RunConfig};
