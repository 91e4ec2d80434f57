//! Running the `sk-tui` binary the way a user does, and showing what it
//! printed in assertion messages.

use std::process::{Command, Output};

/// The binary Cargo built for these tests.
pub const BIN: &str = env!("CARGO_BIN_EXE_sk-tui");

/// The binary, to be given arguments (assert_cmd's command).
pub fn command() -> assert_cmd::Command {
    assert_cmd::Command::cargo_bin("sk-tui").unwrap()
}

/// `sk-tui ARGS...`, run to its end.
pub fn sk(args: &[&str]) -> Output {
    Command::new(BIN).args(args).output().expect("running sk-tui")
}

/// Exit status, stdout and stderr, for assertion messages.
pub fn text(o: &Output) -> String {
    format!(
        "status {:?}\nstdout:\n{}\nstderr:\n{}",
        o.status,
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}
