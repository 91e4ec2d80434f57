//! The `sk-tui` binary: parses arguments and dispatches to a command.
//! Exit codes: 0 ok, 1 runtime failure, 2 bad input.

mod cli;
mod commands;

use clap::Parser;

use cli::{Cli, Command};
use commands::Failure;

fn main() {
    let cli = Cli::parse();
    if let Err(failure) = dispatch(cli) {
        eprintln!("error: {failure}");
        std::process::exit(failure.code);
    }
}

fn dispatch(cli: Cli) -> Result<(), Failure> {
    match cli.command {
        None => commands::dashboard::run(cli.dashboard),
        Some(Command::Sample { preset, count, seed }) => commands::sample::run(&preset, count, seed),
        Some(Command::Stats { preset, sentences, seed, json }) => {
            commands::stats::run(&preset, sentences, seed, json)
        }
        Some(Command::Presets) => commands::library::list_presets(),
        Some(Command::Check { file }) => commands::library::check(&file),
        Some(Command::Run { preset, sentences, seed, out, format }) => {
            commands::run::run(&preset, sentences, seed, out.as_deref(), format)
        }
        Some(Command::Snapshot { preset, sentences, size, theme, ansi }) => {
            commands::dashboard::snapshot(&preset, sentences, &size, theme, ansi)
        }
        Some(Command::Plot { runs, out, pane, size }) => commands::plot::run(&runs, out, pane, &size),
        Some(Command::View { runs, theme, color, fps, marker }) => {
            commands::view::run(&runs, theme, color, fps, marker)
        }
        Some(Command::Themes) => commands::library::list_themes(),
    }
}
