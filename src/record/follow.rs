//! Following run files that may still grow, tail -f style, on a thread of
//! its own: every 250 ms it reads each unfinished file from where it left
//! off (a `read` that finds nothing new is one cheap system call; no busy
//! polling, no file-watching dependency, and it works on network file
//! systems and over SSH mounts where inotify does not). Complete lines are
//! parsed and sent on; a line is complete at its newline, so a line being
//! written is never mistaken for a bad one — unless the file stops growing
//! with it unfinished, which is reported once as a truncated line.
//!
//! The file stays open: a run writing `FILE.partial` renames it to `FILE`
//! when it finishes, and the open handle reads on through the rename. A file
//! is done at its `summary` or `interrupted` line.
//!
//! A run that did not finish can be run again into the same path (a sweep's
//! rerun of an interrupted or killed point): the new run writes a new file
//! there. So on each tick, while a file has not reached its `summary`, the
//! follower checks whether its path now names another file than the one it
//! has open; if so it announces the restart (`Followed::Restarted`) and reads
//! the new file from its start.
//!
//! Files that appear later (a sweep's points starting after the viewer
//! opened) are found by a `discover` function the thread calls on the same
//! tick; each new file is announced (`Followed::Added`) before its lines.

use std::fs::File;
use std::io::Read;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use crossbeam_channel::{Receiver, Sender, unbounded};

use super::line::{BadLine, Record};
use super::reader::{LineSplitter, finished_path, parse_line};

/// How often unfinished files are read.
pub const POLL: Duration = Duration::from_millis(250);
/// How long a file may end in an unfinished line before it is reported as truncated.
const STALE_AFTER: Duration = Duration::from_secs(1);

/// What the follower reads.
#[derive(Clone, Debug, PartialEq)]
pub enum Followed {
    /// A good line of run `run` (index into the paths followed).
    Line { run: usize, record: Record },
    /// A line that is not a record; it is skipped.
    Bad { run: usize, error: BadLine },
    /// A file found after following began (by `follow_discovering`'s
    /// `discover`): it is run `run`, and its lines follow this event.
    Added { run: usize, path: PathBuf },
    /// Run `run` was started again: what was read of it is void, and the
    /// lines of the new file, at `path`, follow.
    Restarted { run: usize, path: PathBuf },
}

/// Finds files to follow that were not there before; called every tick.
pub type Discover = Box<dyn FnMut() -> Vec<PathBuf> + Send>;

/// The reading end of a follower thread; dropping it stops the thread.
pub struct Follower {
    pub events: Receiver<Followed>,
    stop: Arc<AtomicBool>,
}

impl Drop for Follower {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

struct Tail {
    path: PathBuf,
    file: Option<File>,
    /// Which file `file` is, to tell when `path` names another.
    identity: Option<FileIdentity>,
    split: LineSplitter,
    header: bool,
    done: bool,
    /// Its `summary` line was read: the run finished and is never rewritten.
    finished: bool,
    last_growth: std::time::Instant,
    reported_rest: Option<usize>,
}

impl Tail {
    /// Reads what is new; sends its complete lines. False when the reader left.
    fn poll(&mut self, run: usize, tx: &Sender<Followed>, buf: &mut Vec<u8>) -> bool {
        let name = self.path.display().to_string();
        if self.file.is_none() {
            match File::open(&self.path) {
                Ok(f) => {
                    self.identity = FileIdentity::of_file(&f);
                    self.file = Some(f);
                }
                Err(e) => {
                    self.done = true;
                    let error =
                        BadLine { file: name, line: 0, column: 0, message: format!("cannot read: {e}") };
                    return tx.send(Followed::Bad { run, error }).is_ok();
                }
            }
        }
        buf.clear();
        let Some(file) = self.file.as_mut() else { return true };
        if let Err(e) = file.read_to_end(buf) {
            self.done = true;
            let error = BadLine {
                file: name,
                line: self.split.line + 1,
                column: 0,
                message: format!("read failed: {e}"),
            };
            return tx.send(Followed::Bad { run, error }).is_ok();
        }
        let grew = !buf.is_empty();
        for (n, text) in self.split.push(buf) {
            if text.trim().is_empty() {
                continue;
            }
            let event = match parse_line(&name, n, &text) {
                Ok(Record::Run(_)) if self.header => Followed::Bad {
                    run,
                    error: BadLine {
                        file: name.clone(),
                        line: n,
                        column: 1,
                        message: "a second run header".into(),
                    },
                },
                Ok(record) if !self.header && !matches!(record, Record::Run(_)) => Followed::Bad {
                    run,
                    error: BadLine {
                        file: name.clone(),
                        line: n,
                        column: 1,
                        message: format!("{}; line skipped", super::reader::NO_HEADER),
                    },
                },
                Ok(record) => {
                    self.header = true;
                    self.done |= record.ends_run();
                    self.finished |= matches!(record, Record::Summary(_));
                    Followed::Line { run, record }
                }
                Err(error) => Followed::Bad { run, error },
            };
            if tx.send(event).is_err() {
                return false;
            }
        }
        // An unfinished last line that stays unfinished: report it once.
        if grew {
            self.last_growth = std::time::Instant::now();
        }
        if let Some((n, _)) = self.split.rest()
            && self.last_growth.elapsed() >= STALE_AFTER
            && self.reported_rest != Some(n)
        {
            self.reported_rest = Some(n);
            let message = "truncated line: no newline, and the file has stopped growing".into();
            let error = BadLine { file: name, line: n, column: 1, message };
            return tx.send(Followed::Bad { run, error }).is_ok();
        }
        true
    }
}

/// Starts following `paths` (run `i` is `paths[i]`).
pub fn follow(paths: Vec<PathBuf>) -> Follower {
    follow_every(paths, POLL)
}

/// `follow` with another poll interval (tests).
pub fn follow_every(paths: Vec<PathBuf>, every: Duration) -> Follower {
    follow_discovering(paths, None, every)
}

impl Tail {
    fn new(path: PathBuf) -> Tail {
        Tail {
            path,
            file: None,
            identity: None,
            split: LineSplitter::default(),
            header: false,
            done: false,
            finished: false,
            last_growth: std::time::Instant::now(),
            reported_rest: None,
        }
    }

    /// Where the run is now written, if that is another file than the one
    /// open (the run was started again): its path, or for `FILE.partial`
    /// also `FILE`, where a run that finished within one tick already is.
    /// A path that is gone, or names the open file (renamed when the run
    /// finished), is no replacement.
    fn replacement(&self) -> Option<PathBuf> {
        let open = self.identity?;
        std::iter::once(self.path.clone()).chain(finished_path(&self.path)).find(|p| {
            std::fs::metadata(p).ok().as_ref().and_then(FileIdentity::of).is_some_and(|now| now != open)
        })
    }
}

/// A file's device and inode: the same while it is renamed, another for a
/// new file at the same path.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct FileIdentity(u64, u64);

impl FileIdentity {
    fn of_file(f: &File) -> Option<FileIdentity> {
        f.metadata().ok().as_ref().and_then(FileIdentity::of)
    }

    #[cfg(unix)]
    fn of(m: &std::fs::Metadata) -> Option<FileIdentity> {
        use std::os::unix::fs::MetadataExt;
        Some(FileIdentity(m.dev(), m.ino()))
    }

    #[cfg(not(unix))]
    fn of(_: &std::fs::Metadata) -> Option<FileIdentity> {
        None
    }
}

/// Follows `paths`, and with `discover`, every file it finds later (run
/// numbers go on from `paths.len()`). Without `discover` the thread ends
/// when every file has ended; with it, when the `Follower` is dropped.
pub fn follow_discovering(paths: Vec<PathBuf>, mut discover: Option<Discover>, every: Duration) -> Follower {
    let (tx, rx) = unbounded();
    let stop = Arc::new(AtomicBool::new(false));
    let flag = stop.clone();
    let mut tails: Vec<Tail> = paths.into_iter().map(Tail::new).collect();
    let spawned = std::thread::Builder::new().name("sk-tui-follow".into()).spawn(move || {
        let mut buf = Vec::with_capacity(1 << 16);
        while !flag.load(Ordering::Relaxed) {
            for path in discover.as_mut().map(|d| d()).unwrap_or_default() {
                let run = tails.len();
                if tx.send(Followed::Added { run, path: path.clone() }).is_err() {
                    return;
                }
                tails.push(Tail::new(path));
            }
            for (run, t) in tails.iter_mut().enumerate() {
                if !t.finished
                    && let Some(path) = t.replacement()
                {
                    *t = Tail::new(path.clone());
                    if tx.send(Followed::Restarted { run, path }).is_err() {
                        return;
                    }
                }
                if !t.done && !t.poll(run, &tx, &mut buf) {
                    return;
                }
            }
            if discover.is_none() && tails.iter().all(|t| t.done) {
                return;
            }
            std::thread::sleep(every);
        }
    });
    if let Err(e) = spawned {
        let (tx2, rx2) = unbounded();
        let error = BadLine {
            file: String::new(),
            line: 0,
            column: 0,
            message: format!("cannot start the reader: {e}"),
        };
        let _ = tx2.send(Followed::Bad { run: 0, error });
        return Follower { events: rx2, stop };
    }
    Follower { events: rx, stop }
}
