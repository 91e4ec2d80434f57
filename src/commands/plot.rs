//! `sk-tui plot FILE_OR_DIR... --out FIG.svg|FIG.png`: a figure of recorded
//! runs. Every line of every file must parse: a bad or truncated line is an
//! error at its file:line:column (exit 2).

use std::path::PathBuf;

use sk_tui::plot::{Figure, PlotError, PlotTarget, plot};
use sk_tui::record::reader::ReadError;
use sk_tui::record::{read_run_file, run_files_in};

use super::Failure;
use crate::cli::Size;

impl From<PlotError> for Failure {
    fn from(e: PlotError) -> Self {
        match e {
            PlotError::Usage(m) => Failure::input(m),
            PlotError::Draw(m) => Failure::runtime(m),
        }
    }
}

impl From<ReadError> for Failure {
    fn from(e: ReadError) -> Self {
        Failure::input(e.to_string())
    }
}

pub fn run(paths: &[PathBuf], out: PathBuf, figure: Figure, size: Size) -> Result<(), Failure> {
    let (width, height) = (size.width, size.height);
    // Said before the runs are read and drawn, not as the drawing
    // backend's failure to create the file.
    if let Some(dir) = out.parent().filter(|d| !d.as_os_str().is_empty())
        && !dir.is_dir()
    {
        return Err(Failure::input(format!(
            "--out {}: the directory {} does not exist",
            out.display(),
            dir.display()
        )));
    }
    let files = run_files_in(paths)?;
    let runs = files.iter().map(|f| read_run_file(f)).collect::<Result<Vec<_>, _>>()?;
    plot(&runs, figure, &PlotTarget { out: out.clone(), width, height })?;
    eprintln!("wrote {} ({} run{})", out.display(), runs.len(), if runs.len() == 1 { "" } else { "s" });
    Ok(())
}
