//! Reading run files: which files a list of paths names (a directory means
//! every run file in it), the line splitter shared with the follower, and a
//! whole finished file read at once.

use std::path::{Path, PathBuf};

use crate::engine::Checkpoint;

use super::line::{BadLine, Record, RunHeader, SamplesLine, parse_record};

/// Why run files could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("cannot read {path}: {source}")]
    Io { path: String, source: std::io::Error },
    #[error(transparent)]
    Bad(#[from] BadLine),
    #[error("{0}: no run file here (expected FILE.jsonl, FILE.jsonl.partial or a directory of them)")]
    Missing(String),
}

/// The file a run in progress writes for `--out FILE`.
pub fn partial_path(target: &Path) -> PathBuf {
    let mut name = target.file_name().unwrap_or_default().to_os_string();
    name.push(".partial");
    target.with_file_name(name)
}

/// The file a run in progress at `partial` (`FILE.partial`) becomes when it
/// finishes: `FILE`; `None` for a path that is no `.partial`.
pub fn finished_path(partial: &Path) -> Option<PathBuf> {
    let name = partial.file_name()?.to_str()?.strip_suffix(".partial")?;
    Some(partial.with_file_name(name))
}

/// The run files named by `paths`: a file as given (or its `.partial`
/// while its run is still going), a directory's `*.jsonl` files and the
/// `*.jsonl.partial` files of runs not yet finished, sorted by name.
pub fn run_files_in(paths: &[PathBuf]) -> Result<Vec<PathBuf>, ReadError> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            let entries = std::fs::read_dir(p)
                .map_err(|source| ReadError::Io { path: p.display().to_string(), source })?;
            let mut found: Vec<PathBuf> = entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|f| {
                    let jsonl =
                        |f: &Path| f.file_name().is_some_and(|n| n.to_string_lossy().ends_with(".jsonl"));
                    jsonl(f) || finished_path(f).is_some_and(|done| jsonl(&done) && !done.exists())
                })
                .collect();
            if found.is_empty() {
                return Err(ReadError::Missing(p.display().to_string()));
            }
            found.sort();
            out.extend(found);
        } else if p.is_file() {
            out.push(p.clone());
        } else if partial_path(p).is_file() {
            out.push(partial_path(p));
        } else {
            return Err(ReadError::Missing(p.display().to_string()));
        }
    }
    Ok(out)
}

/// Splits bytes into lines as they arrive; a line is complete at its `\n`.
#[derive(Debug, Default)]
pub struct LineSplitter {
    pending: Vec<u8>,
    /// Lines completed so far.
    pub line: usize,
}

impl LineSplitter {
    /// The complete lines in `bytes` (with what was pending), numbered from 1.
    pub fn push(&mut self, bytes: &[u8]) -> Vec<(usize, String)> {
        self.pending.extend_from_slice(bytes);
        let mut out = Vec::new();
        let mut start = 0;
        while let Some(i) = self.pending[start..].iter().position(|&b| b == b'\n') {
            self.line += 1;
            let text = String::from_utf8_lossy(&self.pending[start..start + i]);
            out.push((self.line, text.trim_end_matches('\r').to_string()));
            start += i + 1;
        }
        self.pending.drain(..start);
        out
    }

    /// The text after the last newline, if any (a line still being written,
    /// or a truncated one at the end of a file), with its line number.
    pub fn rest(&self) -> Option<(usize, String)> {
        (!self.pending.is_empty())
            .then(|| (self.line + 1, String::from_utf8_lossy(&self.pending).into_owned()))
    }
}

/// The first line of the file at `path`, without its line ending, and
/// whether it is complete (a line still being written has no newline yet).
/// Reads no further: a run file can be large.
pub fn first_line(path: &Path) -> std::io::Result<(String, bool)> {
    use std::io::BufRead;
    let mut first = Vec::new();
    std::io::BufReader::new(std::fs::File::open(path)?).read_until(b'\n', &mut first)?;
    let complete = first.ends_with(b"\n");
    let text = String::from_utf8_lossy(&first);
    Ok((text.trim_end_matches(['\n', '\r']).to_string(), complete))
}

/// What a file whose first line is not a run header is told.
pub const NO_HEADER: &str = "the first line of a run file is its {\"kind\":\"run\",…} header";

/// Parses a numbered line of `file`, locating any problem.
pub fn parse_line(file: &str, number: usize, text: &str) -> Result<Record, BadLine> {
    if number == 1 && text.starts_with("# {") {
        let message = "a CSV run file (its header is a `# ` comment): view and plot read the JSONL form (`sk-tui run --format jsonl`)";
        return Err(BadLine { file: file.into(), line: 1, column: 1, message: message.into() });
    }
    parse_record(text).map_err(|(column, message)| BadLine {
        file: file.into(),
        line: number,
        column,
        message,
    })
}

/// A run file read to its end.
#[derive(Clone, Debug)]
pub struct RunFile {
    pub path: PathBuf,
    pub header: RunHeader,
    pub checkpoints: Vec<Checkpoint>,
    pub samples: Vec<SamplesLine>,
    /// The summary or interrupted line, if the run ended.
    pub end: Option<Record>,
}

impl RunFile {
    /// The last checkpoint, if there is one.
    pub fn last(&self) -> Option<&Checkpoint> {
        self.checkpoints.last()
    }
}

/// Reads a whole run file; the first bad line (or a missing header) is an error.
pub fn read_run_file(path: &Path) -> Result<RunFile, ReadError> {
    let file = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|source| ReadError::Io { path: file.clone(), source })?;
    let mut split = LineSplitter::default();
    let mut lines = split.push(&bytes);
    lines.extend(split.rest());
    let mut header = None;
    let mut run = RunFile {
        path: path.into(),
        header: RunHeader::new("", &Default::default(), vec![]),
        checkpoints: vec![],
        samples: vec![],
        end: None,
    };
    for (n, text) in lines {
        if text.trim().is_empty() {
            continue;
        }
        let record = parse_line(&file, n, &text)?;
        match record {
            Record::Run(h) if header.is_none() && n == 1 => header = Some(*h),
            _ if header.is_none() => {
                return Err(BadLine { file, line: n, column: 1, message: NO_HEADER.into() }.into());
            }
            Record::Run(_) => {
                return Err(
                    BadLine { file, line: n, column: 1, message: "a second run header".into() }.into()
                );
            }
            Record::Checkpoint(c) => run.checkpoints.push(*c),
            Record::Samples(s) => run.samples.push(s),
            Record::Phase(_) => {}
            end @ (Record::Summary(_) | Record::Interrupted(_)) => run.end = Some(end),
        }
    }
    run.header = header.ok_or_else(|| BadLine {
        file,
        line: 1,
        column: 1,
        message: "empty file: no {\"kind\":\"run\",…} header".into(),
    })?;
    Ok(run)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_complete_at_their_newline() {
        let mut s = LineSplitter::default();
        assert_eq!(s.push(b"ab"), vec![]);
        assert_eq!(s.push(b"c\nde\r\nf"), vec![(1, "abc".to_string()), (2, "de".to_string())]);
        assert_eq!(s.rest(), Some((3, "f".to_string())));
        assert_eq!(s.push(b"\n"), vec![(3, "f".to_string())]);
        assert_eq!(s.rest(), None);
    }

    /// A bad line is placed once, at `file:line:column`, and a CSV run
    /// file is named as such.
    #[test]
    fn bad_lines_say_where_once_and_csv_says_what_it_is() {
        let e = parse_line("r.jsonl", 3, "{\"kind\":\"run\" \"x\"}").unwrap_err().to_string();
        assert!(e.starts_with("r.jsonl:3:15: not a run-file line: expected `,` or `}`"), "{e}");
        assert!(!e.contains(" at line "), "{e}");
        let e = parse_line("r.csv", 1, "# {\"kind\":\"run\"}").unwrap_err().to_string();
        assert!(e.contains("a CSV run file") && e.contains("--format jsonl"), "{e}");
    }
}
