//! The `sk-tui` binary: parses arguments and dispatches to a command.
//! Exit codes: 0 ok, 1 runtime failure, 2 bad input.

mod cli;
mod commands;

use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches};

use cli::{Cli, Command};
use commands::Failure;

fn main() -> ExitCode {
    let matches = Cli::command().after_help(after_help()).get_matches();
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(e) => e.exit(),
    };
    match dispatch(cli) {
        Ok(()) => ExitCode::SUCCESS,
        // The reader went away (`| head`): the one place a broken pipe ends.
        Err(Failure::BrokenPipe) => ExitCode::SUCCESS,
        Err(failure) => {
            eprintln!("error: {failure}");
            failure.exit_code()
        }
    }
}

/// The end of `--help`: where the config lives, and the keys.
fn after_help() -> String {
    let dir = sk_tui::config::library::user_config_dir()
        .map_or_else(|| "(none: set XDG_CONFIG_HOME or HOME)".to_string(), |d| d.display().to_string());
    let mut out = format!(
        "Config directory: {dir}\n  config.toml  defaults: theme, preset, fps, marker, mouse (flags override them)\n  presets/     your presets (NAME.toml), listed by `sk-tui presets`\n  themes/      your themes (NAME.toml), listed by `sk-tui themes`\n\nKeys in the dashboard (? shows them all, with the mouse):\n"
    );
    for b in sk_tui::ui::keys::KEYS.iter().filter(|b| b.scope == sk_tui::ui::keys::Scope::Global) {
        out.push_str(&format!("  {:<12}{}\n", b.label, b.help));
    }
    out.push_str("  4 then a, f  apply / fine-tune edited generator parameters (see ? for the rest)");
    out
}

fn dispatch(cli: Cli) -> Result<(), Failure> {
    match cli.command {
        None => commands::dashboard::run(cli.dashboard),
        Some(Command::Sample { preset, count, seed }) => commands::sample::run(&preset, count, seed),
        Some(Command::Stats { preset, sentences, seed, json }) => {
            commands::stats::run(&preset, sentences, seed, json)
        }
        Some(Command::Presets { show: None }) => commands::library::list_presets(),
        Some(Command::Presets { show: Some(name) }) => commands::library::show_preset(&name),
        Some(Command::Check { file }) => commands::library::check(&file),
        Some(Command::Run { preset, sentences, seed, threads, out, format }) => {
            commands::run::run(&preset, sentences, seed, threads, out.as_deref(), format)
        }
        Some(Command::Snapshot { preset, sentences, size, theme, ansi }) => {
            commands::dashboard::snapshot(&preset, sentences, size, theme, ansi)
        }
        Some(Command::Plot { runs, out, pane, size }) => commands::plot::run(&runs, out, pane, size),
        Some(Command::View { runs, theme, color, fps, marker }) => {
            commands::view::run(&runs, theme, color, fps, marker)
        }
        Some(Command::Themes { show: None }) => commands::library::list_themes(),
        Some(Command::Themes { show: Some(name) }) => commands::library::show_theme(&name),
        Some(Command::Sweep(args)) => commands::sweep::run(args),
    }
}
