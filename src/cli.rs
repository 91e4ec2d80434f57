//! Command-line arguments (clap). `sk-tui` alone opens the dashboard.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use sk_tui::config::count::parse_count;
use sk_tui::config::preset::MAX_SENTENCES;
use sk_tui::plot::Figure;
use sk_tui::ui::terminal::{DepthChoice, GlyphChoice};
use sk_tui::ui::{ColorChoice, MarkerChoice};

/// A count as people write it: `100000000`, `100_000_000` or `1e8`.
fn count(text: &str) -> Result<u64, String> {
    parse_count(text)
}

/// Sentences to run (`--sentences`): a count in [1, 4e9].
fn sentences(text: &str) -> Result<u64, String> {
    let n = parse_count(text)?;
    if (1..=MAX_SENTENCES).contains(&n) { Ok(n) } else { Err(format!("{n} is outside [1, 4e9]")) }
}

/// A `WIDTHxHEIGHT` size (`--size`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Size {
    pub width: u32,
    pub height: u32,
}

/// `WIDTHxHEIGHT` with each side in its range, `unit` naming what is counted.
fn size_within(
    text: &str,
    width: std::ops::RangeInclusive<u32>,
    height: std::ops::RangeInclusive<u32>,
    unit: &str,
    example: &str,
) -> Result<Size, String> {
    let not = || format!("{text:?} is not WIDTHxHEIGHT, e.g. {example}");
    let (w, h) = text.split_once(['x', 'X']).ok_or_else(not)?;
    let w: u32 = w.trim().parse().map_err(|_| not())?;
    let h: u32 = h.trim().parse().map_err(|_| not())?;
    let side = |name: &str, v: u32, r: &std::ops::RangeInclusive<u32>| {
        if r.contains(&v) {
            Ok(v)
        } else {
            Err(format!("{name} {v} is outside [{}, {}] {unit}", r.start(), r.end()))
        }
    };
    Ok(Size { width: side("width", w, &width)?, height: side("height", h, &height)? })
}

/// A terminal frame (`snapshot --size`): 40 to 1000 columns by 10 to 500 rows.
fn frame_size(text: &str) -> Result<Size, String> {
    size_within(text, 40..=1000, 10..=500, "cells", "120x40")
}

/// A figure (`plot --size`): 100 to 10000 pixels each way.
fn figure_size(text: &str) -> Result<Size, String> {
    size_within(text, 100..=10_000, 100..=10_000, "pixels", "1200x800")
}

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
    /// Preset: an embedded name, a user preset name, or a path [default: the
    /// config file's, else "default"].
    #[arg(long)]
    pub preset: Option<String>,
    /// Theme: an embedded name, a user theme name, or a path [default: the
    /// config file's, else "dark"].
    #[arg(long)]
    pub theme: Option<String>,
    /// Colour: auto honours NO_COLOR; always and never override it.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// Colour depth: auto detects it from COLORTERM, TERM and terminfo.
    #[arg(long, value_enum, default_value_t = DepthChoice::Auto)]
    pub color_depth: DepthChoice,
    /// Glyphs: auto picks Unicode (braille, box drawing) when the locale is UTF-8
    /// and the terminal can draw lines, ASCII otherwise.
    #[arg(long, value_enum, default_value_t = GlyphChoice::Auto)]
    pub glyphs: GlyphChoice,
    /// Most frames per second, 1 to 60 (lower it over a slow SSH link) [default:
    /// the config file's, else 30].
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=60))]
    pub fps: Option<u32>,
    /// How chart points are drawn (half-block and dot need no braille font)
    /// [default: the config file's, else theme].
    #[arg(long, value_enum)]
    pub marker: Option<MarkerChoice>,
    /// Ignore the mouse (clicks and the wheel), so the terminal's own text
    /// selection works.
    #[arg(long)]
    pub no_mouse: bool,
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
        /// Sentences of pre-training (overrides [run] sentences), in [1, 4e9];
        /// 1e8 and 100_000_000 are accepted.
        #[arg(long, value_parser = sentences)]
        sentences: Option<u64>,
        #[arg(long, value_parser = count)]
        seed: Option<u64>,
        /// Threads for the Bayes and capped learners (default: every core);
        /// the output is the same for any count.
        #[arg(long)]
        threads: Option<usize>,
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
        /// Theme [default: the config file's, else dark].
        #[arg(long)]
        theme: Option<String>,
        #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
        color: ColorChoice,
        /// Most frames per second, 1 to 60 [default: the config file's, else 30].
        #[arg(long, value_parser = clap::value_parser!(u32).range(1..=60))]
        fps: Option<u32>,
        /// Chart points [default: the config file's, else theme].
        #[arg(long, value_enum)]
        marker: Option<MarkerChoice>,
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
        /// WIDTHxHEIGHT in pixels, each in [100, 10000].
        #[arg(long, default_value = "1200x800", value_parser = figure_size)]
        size: Size,
    },
    /// Print readable sentences with their facts and oracle bits.
    Sample {
        #[arg(long, default_value = "default")]
        preset: String,
        #[arg(short = 'n', long = "count", default_value = "20", value_parser = count)]
        count: u64,
        #[arg(long, value_parser = count)]
        seed: Option<u64>,
    },
    /// Run the generator alone and compare it with the theory.
    Stats {
        #[arg(long, default_value = "default")]
        preset: String,
        #[arg(long, default_value = "1e6", value_parser = sentences)]
        sentences: u64,
        #[arg(long, value_parser = count)]
        seed: Option<u64>,
        /// One JSON object instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Run headless, then print the dashboard's frame as text.
    Snapshot {
        #[arg(long, default_value = "default")]
        preset: String,
        #[arg(long, value_parser = sentences)]
        sentences: Option<u64>,
        /// WIDTHxHEIGHT in cells, 40 to 1000 columns by 10 to 500 rows.
        #[arg(long, default_value = "120x40", value_parser = frame_size)]
        size: Size,
        #[arg(long)]
        theme: Option<String>,
        /// Keep colours (ANSI escapes).
        #[arg(long)]
        ansi: bool,
    },
    /// List the presets (embedded and user), or print one's TOML.
    Presets {
        /// Print this preset's TOML (a starting point to copy and edit).
        #[arg(long, value_name = "NAME")]
        show: Option<String>,
    },
    /// List the themes (embedded and user), or print one's TOML.
    Themes {
        /// Print this theme's TOML (a starting point to copy and edit).
        #[arg(long, value_name = "NAME")]
        show: Option<String>,
    },
    /// Validate a preset or theme file.
    Check { file: PathBuf },
    /// Run a grid of presets on local workers or as a Slurm job array;
    /// `sweep status DIR`, `sweep summary DIR` read a sweep directory.
    Sweep(SweepArgs),
}

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub struct SweepArgs {
    #[command(subcommand)]
    pub action: Option<SweepAction>,
    #[command(flatten)]
    pub start: SweepStart,
}

#[derive(Debug, Args)]
pub struct SweepStart {
    /// The grid file: a base preset and a [sweep] table of axes.
    #[arg(required = true)]
    pub grid: Option<PathBuf>,
    /// The sweep directory (created; a rerun into it resumes).
    #[arg(long, required = true)]
    pub out: Option<PathBuf>,
    /// Local workers, one point each (default: the machine's cores).
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=4096), conflicts_with_all = ["slurm", "point"])]
    pub jobs: Option<u32>,
    /// Run this one point in the foreground (what each Slurm array task does).
    #[arg(long, conflicts_with = "slurm")]
    pub point: Option<usize>,
    /// Submit the points as a Slurm job array instead of running them here.
    #[arg(long)]
    pub slurm: bool,
    /// Slurm partition of the array tasks (sbatch --partition).
    #[arg(long, requires = "slurm")]
    pub partition: Option<String>,
    /// Time limit of each array task (sbatch --time).
    #[arg(long, requires = "slurm")]
    pub time: Option<String>,
    /// Memory of each array task (sbatch --mem).
    #[arg(long, requires = "slurm")]
    pub mem: Option<String>,
    /// Most array tasks running at once (the %K of --array).
    #[arg(long, requires = "slurm", value_parser = clap::value_parser!(u32).range(1..))]
    pub max_parallel: Option<u32>,
    /// One more sbatch argument (repeatable), e.g. --sbatch-arg=--account=lab.
    #[arg(long = "sbatch-arg", requires = "slurm", allow_hyphen_values = true)]
    pub sbatch_args: Vec<String>,
}

#[derive(Debug, Subcommand)]
pub enum SweepAction {
    /// Each point's state, from the files and the Slurm queue.
    Status {
        dir: PathBuf,
        /// Wait until no point is queued or running.
        #[arg(long)]
        wait: bool,
    },
    /// One row per point: fitted exponents, the theory's, within tolerance or not.
    Summary {
        dir: PathBuf,
        /// One JSON object instead of a table.
        #[arg(long)]
        json: bool,
    },
}
