//! End to end in a real terminal: the built `sk-tui` in a detached tmux
//! session (120x40). Waits for data, checks that sentences advance, pauses,
//! opens help and the preset picker, edits alpha to an invalid then a valid
//! value and applies, switches theme, quits, and checks that the terminal
//! left the alternate screen and the process exited 0. Run twice: as is, and
//! with TERM=xterm NO_COLOR=1 (then no colour may reach the screen). Then
//! terminal detection for real: TERM=dumb, and LANG=C, send no 24-bit colour
//! and only ASCII, while COLORTERM=truecolor in a UTF-8 locale does send
//! 24-bit colour and braille. Fails when tmux is absent (.ci/run installs it).

mod support;

use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

use support::binary::BIN;
use support::tmux::Tmux;

/// The dashboard in a tmux session of its own, with the scratch directory
/// its script uses (an empty config home, and `rc`, the exit code).
struct Dashboard {
    tmux: Tmux,
    dir: PathBuf,
}

impl Dashboard {
    fn start(variant: &str, env: &[(&str, &str)]) -> Dashboard {
        Dashboard::start_with(variant, env, |_| "--preset default".into())
    }

    /// sk-tui with the arguments `args` gives for the scratch directory.
    fn start_with(
        variant: &str,
        env: &[(&str, &str)],
        args: impl Fn(&std::path::Path) -> String,
    ) -> Dashboard {
        let socket = format!("sk-tui-e2e-{}-{variant}", std::process::id());
        let dir = std::env::temp_dir().join(&socket);
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let envs: Vec<String> = env.iter().map(|(k, v)| format!("{k}={v}")).collect();
        // An empty config home: only embedded presets and themes are listed.
        let script = format!(
            "env XDG_CONFIG_HOME={dir} {envs} '{BIN}' {args}; echo $? > {dir}/rc; sleep 30",
            dir = dir.display(),
            envs = envs.join(" "),
            args = args(&dir),
        );
        let tmux = Tmux::start(socket, "e2e", (120, 40), &script, Duration::from_secs(30));
        Dashboard { tmux, dir }
    }
}

impl Dashboard {
    /// Waits until sk-tui has exited (its script wrote `rc`), after `what`.
    fn wait_for_exit(&self, what: &str) {
        let rc_path = self.dir.join("rc");
        let deadline = Instant::now() + Duration::from_secs(20);
        while !rc_path.exists() {
            assert!(Instant::now() < deadline, "sk-tui did not exit on {what}");
            std::thread::sleep(Duration::from_millis(100));
        }
        // The terminal's last bytes reach tmux after the exit code.
        std::thread::sleep(Duration::from_millis(200));
    }
}

impl std::ops::Deref for Dashboard {
    type Target = Tmux;
    fn deref(&self) -> &Tmux {
        &self.tmux
    }
}

impl Drop for Dashboard {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// The sentence count in the status bar.
fn sentences(screen: &str) -> Option<u64> {
    let line = screen.lines().rev().find(|l| l.contains(" sentences ("))?;
    let before = line.split(" sentences (").next()?;
    let n = before.rsplit('|').next()?.trim().replace(',', "");
    n.parse().ok()
}

/// Whether any SGR sequence sets a colour.
fn has_colour(escaped: &str) -> bool {
    escaped.split("\x1b[").skip(1).any(|seq| {
        let Some(end) = seq.find(|c: char| c.is_ascii_alphabetic()) else { return false };
        if &seq[end..end + 1] != "m" {
            return false;
        }
        seq[..end]
            .split(';')
            .filter_map(|p| p.parse::<u32>().ok())
            .any(|p| matches!(p, 30..=37 | 38 | 40..=47 | 48 | 90..=97 | 100..=107))
    })
}

/// Panics, saying how to get it, when tmux is not installed: these tests
/// need a real terminal and must not pass without one.
fn require_tmux() {
    let ok = Command::new("tmux").arg("-V").output().is_ok_and(|o| o.status.success());
    assert!(ok, "tmux is not installed; the end-to-end terminal tests need it (.ci/run installs it)");
}

/// Whether any SGR sequence sets a 24-bit colour (`38;2;…` or `48;2;…`, `;` or `:`).
fn has_truecolour(escaped: &str) -> bool {
    escaped.split("\x1b[").skip(1).any(|seq| {
        let Some(end) = seq.find(|c: char| c.is_ascii_alphabetic()) else { return false };
        if &seq[end..end + 1] != "m" {
            return false;
        }
        let params: Vec<&str> = seq[..end].split([';', ':']).collect();
        params.windows(2).any(|w| matches!(w[0], "38" | "48") && w[1] == "2")
    })
}

fn session(variant: &str, env: &[(&str, &str)], expect_colour: bool) {
    let t = Dashboard::start(variant, env);
    let first = t.wait_for("the first checkpoint and progress", |s| {
        t.alternate_on() && sentences(s).is_some_and(|n| n > 0) && s.contains("Data scaling")
    });
    let n0 = sentences(&first).unwrap();
    t.wait_for("sentences to advance", |s| sentences(s).is_some_and(|n| n > n0));
    assert_eq!(has_colour(&t.screen_with_escapes()), expect_colour, "colour on screen");

    // Pause and resume.
    t.keys(&["Space"]);
    t.wait_for("paused", |s| s.contains("paused"));
    t.keys(&["Space"]);
    t.wait_for("running again", |s| s.contains("running"));

    // Help, then the preset picker.
    t.keys(&["?"]);
    t.wait_for("help", |s| s.contains("Help:") && s.contains("Generator parameters pane"));
    t.keys(&["Escape"]);
    t.wait_for("help closed", |s| !s.contains("Help:"));
    t.keys(&["p"]);
    t.wait_for("preset picker", |s| s.contains("Presets:") && s.contains("knowledge-acquisition"));
    t.keys(&["Escape"]);
    t.wait_for("picker closed", |s| !s.contains("Presets:"));

    // alpha: invalid, refused; then valid, applied.
    t.keys(&["4", "Down", "Enter", "C-u"]);
    t.literal("1.5");
    t.keys(&["Enter"]);
    t.wait_for("alpha marked invalid", |s| s.contains("alpha = 1.5 is outside [0, 1)"));
    t.keys(&["a"]);
    t.wait_for("apply refused", |s| s.contains("not applied"));
    t.keys(&["Enter", "C-u"]);
    t.literal("0.5");
    t.keys(&["Enter", "a"]);
    // After 30 s of training, apply asks before throwing the run away.
    std::thread::sleep(Duration::from_millis(300));
    if t.screen().contains("Throw away this run?") {
        t.keys(&["y"]);
    }
    t.wait_for("applied", |s| {
        s.contains("applied: restarting") || s.lines().any(|l| l.contains("alpha") && l.contains("0.5"))
    });
    t.wait_for("the restarted run to report", |s| sentences(s).is_some_and(|n| n > 0));

    // Theme picker: choose light.
    t.keys(&["t"]);
    t.wait_for("theme picker", |s| s.contains("Themes:") && s.contains("high-contrast"));
    t.keys(&["Down", "Enter"]);
    // A theme switch redraws the whole screen: wait until the status bar,
    // the last line drawn, is back, or a half-drawn screen is checked.
    t.wait_for("theme picker closed and the screen redrawn", |s| {
        !s.contains("Themes:") && s.contains("? help")
    });
    assert_eq!(
        has_colour(&t.screen_with_escapes()),
        expect_colour,
        "colour after the theme switch; screen:\n{}",
        t.screen()
    );

    // Quit: the alternate screen is left and the exit code is 0.
    t.keys(&["q"]);
    let rc_path = t.dir.join("rc");
    let deadline = Instant::now() + Duration::from_secs(20);
    while !rc_path.exists() {
        assert!(Instant::now() < deadline, "sk-tui did not exit; screen:\n{}", t.screen());
        std::thread::sleep(Duration::from_millis(100));
    }
    std::thread::sleep(Duration::from_millis(100));
    let rc = std::fs::read_to_string(&rc_path).unwrap();
    assert_eq!(rc.trim(), "0", "exit code; screen:\n{}", t.screen());
    assert!(!t.alternate_on(), "the terminal is still in the alternate screen");
}

#[test]
fn dashboard_in_tmux() {
    require_tmux();
    session("colour", &[], true);
}

#[test]
fn dashboard_in_tmux_xterm_no_color() {
    require_tmux();
    session("nocolour", &[("TERM", "xterm"), ("NO_COLOR", "1")], false);
}

#[test]
fn sigterm_restores_the_terminal() {
    require_tmux();
    let t = Dashboard::start("sigterm", &[]);
    t.wait_for("the dashboard", |s| t.alternate_on() && s.contains("Data scaling"));
    let pid = t.cmd(&["list-panes", "-t", &t.session, "-F", "#{pane_pid}"]);
    // The pane runs sh; sk-tui is its child.
    let out = Command::new("pgrep").args(["-P", pid.trim(), "-f", "sk-tui"]).output().expect("pgrep");
    let child = String::from_utf8_lossy(&out.stdout).lines().next().unwrap_or("").trim().to_string();
    assert!(!child.is_empty(), "cannot find the sk-tui process under the pane's shell (pid {pid})");
    assert!(Command::new("kill").args(["-TERM", &child]).status().unwrap().success());
    t.wait_for_exit("SIGTERM");
    assert!(!t.alternate_on(), "SIGTERM left the alternate screen on");
}

/// A window that grew while the dashboard ran: quitting leaves the screen
/// as it was, not with the dashboard's top rows on it (tmux keeps rows of
/// the alternate screen that were not cleared before leaving it).
#[test]
fn quitting_after_the_window_grew_leaves_no_dashboard_behind() {
    require_tmux();
    let t = Dashboard::start("grown", &[]);
    t.wait_for("the dashboard", |s| t.alternate_on() && s.contains("Data scaling"));
    t.cmd(&["resize-window", "-t", &t.session, "-x", "160", "-y", "50"]);
    t.wait_for("the dashboard at 160x50", |s| {
        s.lines().count() >= 50 && s.lines().nth(45).is_some_and(|l| l.contains('│'))
    });
    t.keys(&["q"]);
    t.wait_for_exit("q");
    assert!(!t.alternate_on());
    let screen = t.screen();
    assert!(
        !screen.contains('│') && !screen.contains('╭'),
        "the dashboard was left on the screen:\n{screen}"
    );
}

/// `view` of a recorded run: the theme picker lists the themes, and `s`
/// saves the chosen one into the config file, as in the live dashboard
/// (it listed nothing and had no file to save into).
#[test]
fn view_saves_a_theme_from_its_picker() {
    require_tmux();
    let t = Dashboard::start_with("view-theme", &[], |dir| {
        let run = dir.join("run.jsonl");
        let out = Command::new(BIN)
            .args(["run", "--preset", "default", "--sentences", "20000", "--out"])
            .arg(&run)
            .output()
            .expect("sk-tui run");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        format!("view {}", run.display())
    });
    t.wait_for("the recorded run", |s| t.alternate_on() && s.contains("finished"));
    t.keys(&["t"]);
    t.wait_for("the theme picker", |s| s.contains("Themes:") && s.contains("high-contrast"));
    // The first entry is dark; the one below it is light.
    t.keys(&["Down", "s"]);
    t.wait_for("the saved note", |s| s.contains("theme light saved"));
    let config = std::fs::read_to_string(t.dir.join("sk-tui/config.toml")).expect("config.toml written");
    assert_eq!(config.trim(), "theme = \"light\"");
    t.keys(&["q"]);
    t.wait_for_exit("q");
    assert_eq!(std::fs::read_to_string(t.dir.join("rc")).unwrap().trim(), "0");
}

/// Starts the dashboard with `env`, waits for it, and returns the screen as
/// text and with escapes; quits it.
fn frame_with(variant: &str, env: &[(&str, &str)]) -> (String, String) {
    let t = Dashboard::start(variant, env);
    t.wait_for("the dashboard with data", |s| {
        t.alternate_on() && sentences(s).is_some_and(|n| n > 0) && s.contains("Data scaling")
    });
    // Let a few frames with data be drawn.
    std::thread::sleep(Duration::from_millis(800));
    let out = (t.screen(), t.screen_with_escapes());
    t.keys(&["q"]);
    out
}

#[test]
fn a_dumb_terminal_or_the_c_locale_gets_no_truecolour_and_only_ascii() {
    require_tmux();
    let (text, escaped) = frame_with("dumb", &[("TERM", "dumb"), ("COLORTERM", "truecolor")]);
    assert!(text.is_ascii(), "TERM=dumb drew non-ASCII:\n{text}");
    assert!(!has_truecolour(&escaped) && !has_colour(&escaped), "TERM=dumb got colour");
    let (text, escaped) = frame_with(
        "clocale",
        &[("TERM", "xterm-256color"), ("COLORTERM", ""), ("LANG", "C"), ("LC_ALL", "C")],
    );
    assert!(text.is_ascii(), "LANG=C drew non-ASCII:\n{text}");
    assert!(!has_truecolour(&escaped), "LANG=C with a 256-colour TERM got 24-bit colour");
    assert!(has_colour(&escaped), "a 256-colour terminal lost its colours");
    // The control: a truecolour UTF-8 terminal gets 24-bit colour and braille.
    let (text, escaped) = frame_with(
        "truecolour",
        &[("TERM", "xterm-256color"), ("COLORTERM", "truecolor"), ("LANG", "C.UTF-8"), ("LC_ALL", "C.UTF-8")],
    );
    assert!(has_truecolour(&escaped), "COLORTERM=truecolor got no 24-bit colour");
    assert!(text.chars().any(|c| ('\u{2800}'..='\u{28ff}').contains(&c)), "no braille:\n{text}");
}
