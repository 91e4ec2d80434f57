//! A tmux server of a test's own, for the end-to-end terminal tests: its
//! own socket (never the default server), one detached session running a
//! script, what the pane shows, keys sent to it, and waiting for the screen.
//! The server is killed when the value is dropped.

use std::process::Command;
use std::time::{Duration, Instant};

pub struct Tmux {
    pub socket: String,
    pub session: String,
    /// How long `wait_for` waits.
    pub wait: Duration,
}

impl Tmux {
    /// Starts `script` in a detached session `session`, `width` x `height`,
    /// on a server of its own at `socket`.
    pub fn start(
        socket: String,
        session: &str,
        (width, height): (u16, u16),
        script: &str,
        wait: Duration,
    ) -> Tmux {
        let t = Tmux { socket, session: session.into(), wait };
        let (w, h) = (width.to_string(), height.to_string());
        let out = Command::new("tmux")
            .args(["-L", &t.socket, "new-session", "-d", "-s", &t.session, "-x", &w, "-y", &h, script])
            .output()
            .expect("starting tmux");
        assert!(out.status.success(), "tmux new-session failed: {}", String::from_utf8_lossy(&out.stderr));
        t
    }

    /// `tmux ARGS...` on this server; its stdout.
    pub fn cmd(&self, args: &[&str]) -> String {
        let out = Command::new("tmux").arg("-L").arg(&self.socket).args(args).output().expect("running tmux");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// The pane's text.
    pub fn screen(&self) -> String {
        self.cmd(&["capture-pane", "-p", "-t", &self.session])
    }

    /// The pane's text with its colour and attribute escapes.
    pub fn screen_with_escapes(&self) -> String {
        self.cmd(&["capture-pane", "-p", "-e", "-t", &self.session])
    }

    /// Sends tmux key names (`Enter`, `q`, `C-c`), then lets the program draw.
    pub fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", &self.session];
        args.extend_from_slice(keys);
        self.cmd(&args);
        std::thread::sleep(Duration::from_millis(150));
    }

    /// Types `text` as it is, then lets the program draw.
    pub fn literal(&self, text: &str) {
        self.cmd(&["send-keys", "-t", &self.session, "-l", text]);
        std::thread::sleep(Duration::from_millis(150));
    }

    /// Waits until the screen satisfies `ok` and returns it; fails with the
    /// screen after `self.wait`.
    pub fn wait_for(&self, what: &str, ok: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + self.wait;
        loop {
            let s = self.screen();
            if ok(&s) {
                return s;
            }
            assert!(Instant::now() < deadline, "timed out waiting for {what}; screen:\n{s}");
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Whether the program has switched the pane to the alternate screen.
    pub fn alternate_on(&self) -> bool {
        self.cmd(&["display-message", "-p", "-t", &self.session, "#{alternate_on}"]).trim() == "1"
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux").args(["-L", &self.socket, "kill-server"]).status();
    }
}
