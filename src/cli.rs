//! Command-line arguments (clap). `sk-tui` alone opens the dashboard.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use sk_tui::plot::Figure;
use sk_tui::ui::{ColorChoice, MarkerChoice};

#[derive(Debug, Parser)]
#[command(
    name = "sk-tui",
    version,
    about = "A terminal laboratory for the Syntax-Knowledge model of language-model scaling",
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub dashboard: DashboardArgs,
}

#[derive(Debug, Args)]
pub struct DashboardArgs {
    /// Preset: an embedded name, a user preset name, or a path.
    #[arg(long, default_value = "default")]
    pub preset: String,
    /// Theme: an embedded name, a user theme name, or a path.
    #[arg(long)]
    pub theme: Option<String>,
    /// Colour: auto honours NO_COLOR; always and never override it.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// Most frames per second (lower it over a slow SSH link).
    #[arg(long, default_value_t = 30, value_parser = clap::value_parser!(u32).range(1..=60))]
    pub fps: u32,
    /// How chart points are drawn (half-block and dot need no braille font).
    #[arg(long, value_enum, default_value_t = MarkerChoice::Theme)]
    pub marker: MarkerChoice,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Jsonl,
    Csv,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Train headless: one JSON line per checkpoint, then a summary.
    Run {
        /// A preset name or file, or a run file to rerun.
        #[arg(long, default_value = "default")]
        preset: String,
        /// Sentences of pre-training (overrides [run] sentences).
        #[arg(long)]
        sentences: Option<u64>,
        #[arg(long)]
        seed: Option<u64>,
        /// Write here instead of stdout: FILE.partial grows as the run goes
        /// and becomes FILE when it finishes.
        #[arg(long)]
        out: Option<PathBuf>,
        #[arg(long, value_enum, default_value_t = Format::Jsonl)]
        format: Format,
    },
    /// Watch recorded runs in the dashboard (files still growing are followed).
    View {
        /// Run files, or directories of them.
        #[arg(required = true)]
        runs: Vec<PathBuf>,
        #[arg(long)]
        theme: Option<String>,
        #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
        color: ColorChoice,
        #[arg(long, default_value_t = 30, value_parser = clap::value_parser!(u32).range(1..=60))]
        fps: u32,
        #[arg(long, value_enum, default_value_t = MarkerChoice::Theme)]
        marker: MarkerChoice,
    },
    /// Draw a figure of recorded runs as SVG or PNG.
    Plot {
        /// Run files, or directories of them.
        #[arg(required = true)]
        runs: Vec<PathBuf>,
        /// FIG.svg or FIG.png.
        #[arg(long)]
        out: PathBuf,
        #[arg(long, value_enum, default_value_t = Figure::Data)]
        pane: Figure,
        /// WIDTHxHEIGHT in pixels.
        #[arg(long, default_value = "1200x800")]
        size: String,
    },
    /// Print readable sentences with their facts and oracle bits.
    Sample {
        #[arg(long, default_value = "default")]
        preset: String,
        #[arg(short = 'n', long = "count", default_value_t = 20)]
        count: u64,
        #[arg(long)]
        seed: Option<u64>,
    },
    /// Run the generator alone and compare it with the theory.
    Stats {
        #[arg(long, default_value = "default")]
        preset: String,
        #[arg(long, default_value_t = 1_000_000)]
        sentences: u64,
        #[arg(long)]
        seed: Option<u64>,
        /// One JSON object instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Run headless, then print the dashboard's frame as text.
    Snapshot {
        #[arg(long, default_value = "default")]
        preset: String,
        #[arg(long)]
        sentences: Option<u64>,
        /// WIDTHxHEIGHT, e.g. 120x40.
        #[arg(long, default_value = "120x40")]
        size: String,
        #[arg(long)]
        theme: Option<String>,
        /// Keep colours (ANSI escapes).
        #[arg(long)]
        ansi: bool,
    },
    /// List the presets (embedded and user).
    Presets,
    /// List the themes (embedded and user).
    Themes,
    /// Validate a preset or theme file.
    Check { file: PathBuf },
}
