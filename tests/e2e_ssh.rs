//! End to end over real SSH: the dashboard run through `ssh -tt` inside a
//! tmux session, as a person on a remote machine would. It must render,
//! follow a resize of the local terminal, quit with exit code 0 (remote and
//! ssh), and leave no sk-tui process behind when the ssh client is killed.
//!
//! The server: the one `.ci/run` starts (`SK_TUI_SSH_PORT`, `SK_TUI_SSH_KEY`),
//! else a throwaway `sshd` this test starts on a free loopback port with
//! fresh keys. Fails, saying why, when sshd, ssh or tmux is missing.

mod support;

use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use support::binary::BIN;
use support::tmux::Tmux;

/// Where sshd lives on the usual systems.
const SSHD: [&str; 3] = ["/usr/sbin/sshd", "/usr/bin/sshd", "/usr/local/sbin/sshd"];

fn installed(tool: &str) -> bool {
    Command::new("sh").args(["-c", &format!("command -v {tool}")]).output().is_ok_and(|o| o.status.success())
}

fn run(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap_or_else(|e| panic!("running {cmd:?}: {e}"));
    assert!(out.status.success(), "{cmd:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// An SSH server to log in to: port, client key, user.
struct Server {
    port: u16,
    key: PathBuf,
    user: String,
    /// The sshd this test started, if it started one.
    child: Option<Child>,
    dir: tempfile::TempDir,
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(c) = &mut self.child {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

fn user() -> String {
    run(Command::new("id").arg("-un")).trim().to_string()
}

fn wait_for_port(port: u16) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "sshd is not listening on 127.0.0.1:{port}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// The server `.ci/run` started, or a throwaway one.
fn server() -> Server {
    assert!(installed("ssh"), "the ssh client is not installed (.ci/run installs openssh)");
    assert!(installed("tmux"), "tmux is not installed (.ci/run installs it)");
    let dir = tempfile::tempdir().unwrap();
    if let (Ok(port), Ok(key)) = (std::env::var("SK_TUI_SSH_PORT"), std::env::var("SK_TUI_SSH_KEY")) {
        let port: u16 = port.parse().expect("SK_TUI_SSH_PORT is a port");
        wait_for_port(port);
        return Server { port, key: key.into(), user: user(), child: None, dir };
    }
    let sshd = SSHD.iter().find(|p| Path::new(p).is_file()).unwrap_or_else(|| {
        panic!("sshd is not installed (looked in {SSHD:?}); install openssh-server (.ci/run does)")
    });
    let d = dir.path();
    for name in ["host", "client"] {
        run(Command::new("ssh-keygen").args(["-q", "-t", "ed25519", "-N", ""]).arg("-f").arg(d.join(name)));
    }
    std::fs::copy(d.join("client.pub"), d.join("authorized_keys")).unwrap();
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let config = format!(
        "Port {port}\nListenAddress 127.0.0.1\nHostKey {d}/host\nAuthorizedKeysFile {d}/authorized_keys\n\
         PidFile {d}/sshd.pid\nPasswordAuthentication no\nKbdInteractiveAuthentication no\nUsePAM no\n\
         StrictModes no\nPermitRootLogin prohibit-password\n",
        d = d.display()
    );
    std::fs::write(d.join("sshd_config"), config).unwrap();
    // sshd run as root wants its privilege-separation directory.
    let _ = std::fs::create_dir_all("/run/sshd");
    let child = Command::new(sshd)
        .args(["-D", "-e", "-f"])
        .arg(d.join("sshd_config"))
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(d.join("sshd.log")).unwrap())
        .spawn()
        .unwrap_or_else(|e| panic!("starting {sshd}: {e}"));
    wait_for_port(port);
    Server { port, key: d.join("client"), user: user(), child: Some(child), dir }
}

/// The local terminal: a tmux session of its own running `script`.
fn tmux(name: &str, width: u16, height: u16, script: &str) -> Tmux {
    let socket = format!("sk-tui-ssh-{}-{name}", std::process::id());
    Tmux::start(socket, "ssh", (width, height), script, Duration::from_secs(40))
}

/// The ssh command that runs `remote` on the server with a terminal.
fn ssh(s: &Server, remote: &str) -> String {
    format!(
        "ssh -tt -p {} -i {} -o BatchMode=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null \
         -o LogLevel=ERROR {}@127.0.0.1 '{remote}'",
        s.port,
        s.key.display(),
        s.user
    )
}

/// The remote command: sk-tui with a config home of its own (which also
/// tells its process from any other sk-tui), its exit code after.
fn dashboard(s: &Server) -> String {
    let d = s.dir.path().display();
    format!("env XDG_CONFIG_HOME={d}/config {BIN} --preset default; echo $? > {d}/remote_rc")
}

/// The pids of sk-tui processes started with this test's config home.
fn sk_tui_pids(s: &Server) -> Vec<String> {
    let marker = format!("XDG_CONFIG_HOME={}/config", s.dir.path().display());
    let Ok(entries) = std::fs::read_dir("/proc") else { return Vec::new() };
    entries
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|pid| pid.bytes().all(|b| b.is_ascii_digit()))
        .filter(|pid| {
            let cmdline = std::fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
            let environ = std::fs::read(format!("/proc/{pid}/environ")).unwrap_or_default();
            String::from_utf8_lossy(&cmdline).starts_with(BIN)
                && environ.split(|b| *b == 0).any(|v| v == marker.as_bytes())
                && alive(pid)
        })
        .collect()
}

fn wait_for_file(path: &Path, what: &str, t: &Tmux) -> String {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Ok(text) = std::fs::read_to_string(path)
            && text.ends_with('\n')
        {
            return text.trim().to_string();
        }
        assert!(Instant::now() < deadline, "no {what}; screen:\n{}", t.screen());
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Whether the frame is drawn at `width` columns: the status bar's help hint
/// ends at the right edge and the samples pane's border spans the width.
fn drawn_at(screen: &str, width: usize) -> bool {
    screen.contains("Data scaling")
        && screen.lines().any(|l| l.contains("Samples") && l.trim_end().chars().count() == width)
}

fn alive(pid: &str) -> bool {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // Gone, or a zombie waiting for its parent, is not running.
    !stat.is_empty() && !stat.split(") ").nth(1).is_some_and(|rest| rest.starts_with('Z'))
}

#[test]
fn the_dashboard_over_ssh_renders_resizes_and_quits_cleanly() {
    let s = server();
    let d = s.dir.path().to_path_buf();
    let script = format!("{}; echo $? > {}/ssh_rc; sleep 30", ssh(&s, &dashboard(&s)), d.display());
    let t = tmux("quit", 100, 30, &script);
    t.wait_for("the dashboard over ssh at 100x30", |sc| drawn_at(sc, 100) && sc.contains(" sentences ("));
    t.cmd(&["resize-window", "-t", "ssh", "-x", "140", "-y", "40"]);
    t.wait_for("the dashboard redrawn at 140x40", |sc| drawn_at(sc, 140));
    t.cmd(&["send-keys", "-t", "ssh", "q"]);
    assert_eq!(wait_for_file(&d.join("remote_rc"), "remote exit code", &t), "0");
    assert_eq!(wait_for_file(&d.join("ssh_rc"), "ssh exit code", &t), "0");
}

#[test]
fn killing_the_ssh_client_leaves_no_sk_tui_process() {
    let s = server();
    // `exec`: the pane's process is the ssh client itself.
    let t = tmux("kill", 100, 30, &format!("exec {}", ssh(&s, &dashboard(&s))));
    t.wait_for("the dashboard over ssh", |sc| drawn_at(sc, 100));
    let pids = sk_tui_pids(&s);
    assert_eq!(pids.len(), 1, "one sk-tui process while drawn, found {pids:?}");
    let client = t.cmd(&["display-message", "-p", "-t", "ssh", "#{pane_pid}"]).trim().to_string();
    assert!(!client.is_empty());
    run(Command::new("kill").args(["-KILL", &client]));
    let deadline = Instant::now() + Duration::from_secs(15);
    while !sk_tui_pids(&s).is_empty() {
        assert!(Instant::now() < deadline, "sk-tui {pids:?} still runs 15 s after the ssh client was killed");
        std::thread::sleep(Duration::from_millis(100));
    }
}
