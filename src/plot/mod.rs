//! Figures of recorded runs (`sk-tui plot`): the dashboard's quantities as
//! SVG or PNG through plotters, for a paper or a notebook.
//!
//! - `font`: the TrueType font the text is laid out with.
//! - `figures`: the four figures (data scaling, model scaling, knowledge
//!   heatmap, exponents against the generator key that varies), drawn on any
//!   plotters backend.

pub mod figures;
pub mod font;

use std::path::{Path, PathBuf};

use plotters::prelude::*;

use crate::record::RunFile;

/// Which figure.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Figure {
    /// Excess bits/token against sentences seen, every run's learners, theory slope.
    Data,
    /// Excess bits/token against model bits at the last checkpoint, theory slope.
    Model,
    /// Fraction memorized by rank bin and checkpoint (first run), frontier, colour bar.
    Heatmap,
    /// Fitted exponents against the generator key that varies across runs, theory curves.
    Exponents,
}

/// Why a figure could not be made.
#[derive(Debug, thiserror::Error)]
pub enum PlotError {
    /// Bad arguments or runs that do not make this figure (exit 2).
    #[error("{0}")]
    Usage(String),
    /// No font, or the backend failed (exit 1).
    #[error("{0}")]
    Draw(String),
}

/// `--out` and `--size`.
#[derive(Clone, Debug)]
pub struct PlotTarget {
    pub out: PathBuf,
    pub width: u32,
    pub height: u32,
}

fn extension(out: &Path) -> Option<String> {
    out.extension().map(|e| e.to_string_lossy().to_ascii_lowercase())
}

/// Draws `figure` of `runs` into `target.out` (`.svg` or `.png`).
pub fn plot(runs: &[RunFile], figure: Figure, target: &PlotTarget) -> Result<(), PlotError> {
    if runs.is_empty() {
        return Err(PlotError::Usage("no run files given".into()));
    }
    let ext = extension(&target.out);
    if !matches!(ext.as_deref(), Some("svg" | "png")) {
        return Err(PlotError::Usage(format!(
            "--out {}: the figure's format comes from its extension, .svg or .png",
            target.out.display()
        )));
    }
    font::ensure_font().map_err(PlotError::Draw)?;
    let size = (target.width, target.height);
    let out = &target.out;
    if ext.as_deref() == Some("svg") {
        let root = SVGBackend::new(out, size).into_drawing_area();
        figures::draw(&root, runs, figure)?;
        root.present().map_err(|e| PlotError::Draw(format!("writing {}: {e}", out.display())))
    } else {
        let root = BitMapBackend::new(out, size).into_drawing_area();
        figures::draw(&root, runs, figure)?;
        root.present().map_err(|e| PlotError::Draw(format!("writing {}: {e}", out.display())))
    }
}
