//! `sk-tui plot`: figures of recorded runs. The SVG is parsed (axes, one
//! line per series, legend text), the PNG's size read from its header, the
//! exponents figure checked for one point per run and the theory curve, and
//! bad lines give a located message and exit 2.

mod support;

use std::path::{Path, PathBuf};

use support::binary::command;

/// Records a short run at `alpha` into `dir/a{alpha}.jsonl`.
fn record(dir: &Path, alpha: &str) -> PathBuf {
    let preset = dir.join(format!("a{alpha}.toml"));
    std::fs::write(
        &preset,
        format!(
            "[generator]\nalpha = {alpha}\nentities = 20000\n[run]\nsentences = 60000\n\
             [[learner]]\nname = \"bayes\"\ntype = \"bayes\"\n\
             [[learner]]\nname = \"cap\"\ntype = \"capped\"\nbudget_bits = 1e4\n"
        ),
    )
    .unwrap();
    let out = dir.join(format!("runs/a{alpha}.jsonl"));
    std::fs::create_dir_all(out.parent().unwrap()).unwrap();
    let run = command().args(["run", "--preset"]).arg(&preset).arg("--out").arg(&out).output().unwrap();
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    out
}

fn svg(args: &[&str], paths: &[&Path], out: &Path) -> String {
    let o = command().arg("plot").args(paths).arg("--out").arg(out).args(args).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    std::fs::read_to_string(out).unwrap()
}

/// Polylines drawn with this stroke colour (plotters writes `stroke="#RRGGBB"`).
fn polylines_with(doc: &roxmltree::Document, colour: &str) -> usize {
    doc.descendants()
        .filter(|n| {
            n.has_tag_name("polyline")
                && n.attribute("stroke").is_some_and(|s| s.eq_ignore_ascii_case(colour))
        })
        .filter(|n| n.attribute("points").is_some_and(|p| p.split_whitespace().count() > 5))
        .count()
}

fn texts(doc: &roxmltree::Document) -> Vec<String> {
    doc.descendants()
        .filter(|n| n.has_tag_name("text"))
        .filter_map(|n| n.text())
        .map(|t| t.trim().to_string())
        .collect()
}

#[test]
fn the_data_figure_is_a_valid_svg_with_a_line_and_a_legend_per_series() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (record(dir.path(), "0.5"), record(dir.path(), "0.8"));
    let out = dir.path().join("data.svg");
    let text = svg(&[], &[&a, &b], &out);
    let doc = roxmltree::Document::parse(&text).expect("valid XML");
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "svg");
    assert_eq!(root.attribute("width"), Some("1200"));
    let t = texts(&doc);
    // Axes: decade labels and the axis names.
    for want in
        ["10¹", "10²", "10³", "10⁴", "sentences seen", "fact excess bits per sentence", "Data scaling"]
    {
        assert!(t.iter().any(|s| s == want), "no {want:?} in {t:?}");
    }
    // Legend: every series named by what differs between the runs.
    // (with the exponent fitted to the plotted series, when it has one).
    for want in ["alpha=0.5 · bayes", "alpha=0.5 · cap", "alpha=0.8 · bayes", "alpha=0.8 · cap"] {
        assert!(
            t.iter().any(|s| s == want || s.starts_with(&format!("{want}: exponent "))),
            "no legend {want:?} in {t:?}"
        );
    }
    assert!(t.iter().any(|s| s.starts_with("exact expectation (alpha=0.5")), "{t:?}");
    // One long line per series, in the first four palette colours.
    for colour in ["#1F77B4", "#FF7F0E", "#2CA02C", "#D62728"] {
        assert_eq!(polylines_with(&doc, colour), 1, "series in {colour}");
    }
}

/// Several runs: a series per run, each point labelled with its learners'
/// names; the title gives each run's last `n` as a range when they differ.
#[test]
fn the_model_figure_names_its_points_and_the_runs_lengths() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (record(dir.path(), "0.5"), record(dir.path(), "0.8"));
    let short = dir.path().join("short.jsonl");
    let run = command()
        .args(["run", "--sentences", "2e4", "--preset"])
        .arg(&b)
        .arg("--out")
        .arg(&short)
        .output()
        .unwrap();
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let text = svg(&["--pane", "model"], &[&a, &b], &dir.path().join("m.svg"));
    let t = texts(&roxmltree::Document::parse(&text).unwrap());
    assert!(t.iter().any(|s| s == "Model scaling at n = 6.0e4"), "{t:?}");
    for name in ["bayes", "cap"] {
        let labels = t.iter().filter(|s| s.split(", ").any(|n| n == name)).count();
        assert_eq!(labels, 2, "{name}: one label per run in {t:?}");
    }
    let text = svg(&["--pane", "model"], &[&a, &short], &dir.path().join("m2.svg"));
    let t = texts(&roxmltree::Document::parse(&text).unwrap());
    assert!(
        t.iter().any(|s| s == "Model scaling at each run's last checkpoint, n = 2.0e4 to 6.0e4"),
        "{t:?}"
    );
}

#[test]
fn a_png_has_the_requested_size() {
    let dir = tempfile::tempdir().unwrap();
    let a = record(dir.path(), "0.6");
    for (pane, size, (w, h)) in [("model", "640x480", (640u32, 480u32)), ("heatmap", "1000x700", (1000, 700))]
    {
        let out = dir.path().join(format!("{pane}.png"));
        let o = command()
            .arg("plot")
            .arg(&a)
            .args(["--pane", pane, "--size", size, "--out"])
            .arg(&out)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let bytes = std::fs::read(&out).unwrap();
        assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");
        assert_eq!(&bytes[12..16], b"IHDR");
        let be = |i: usize| u32::from_be_bytes(bytes[i..i + 4].try_into().unwrap());
        assert_eq!((be(16), be(20)), (w, h), "{pane}");
    }
}

#[test]
fn exponents_plot_one_point_per_run_and_the_theory_curve() {
    let dir = tempfile::tempdir().unwrap();
    for a in ["0.4", "0.6", "0.8"] {
        record(dir.path(), a);
    }
    let runs = dir.path().join("runs");
    let out = dir.path().join("exp.svg");
    let text = svg(&["--pane", "exponents"], &[&runs], &out);
    let doc = roxmltree::Document::parse(&text).unwrap();
    let t = texts(&doc);
    assert!(t.iter().any(|s| s == "alpha"), "x axis names the key: {t:?}");
    assert!(t.iter().any(|s| s == "theory 1 - alpha (data)"));
    // Fitted points: filled circles in the data colour, one per run (plus the legend's).
    let circles = doc
        .descendants()
        .filter(|n| {
            n.has_tag_name("circle") && n.attribute("fill").is_some_and(|f| f.eq_ignore_ascii_case("#1F77B4"))
        })
        .count();
    assert_eq!(circles, 3 + 1);
    // The theory curve: a long line in the data colour.
    assert_eq!(polylines_with(&doc, "#1F77B4"), 1);

    // The library agrees: one point per run, sorted by alpha, near 1 - alpha.
    let files = sk_tui::record::run_files_in(&[runs]).unwrap();
    let read: Vec<_> = files.iter().map(|f| sk_tui::record::read_run_file(f).unwrap()).collect();
    let (key, points) = sk_tui::plot::figures::exponent_points(&read).unwrap();
    assert_eq!(key, "generator.alpha");
    assert_eq!(points.iter().map(|p| p.x).collect::<Vec<_>>(), [0.4, 0.6, 0.8]);
    for p in &points {
        assert!((p.theory_data - (1.0 - p.x)).abs() < 1e-12);
    }
}

#[test]
fn exponents_need_runs_that_differ() {
    let dir = tempfile::tempdir().unwrap();
    let a = record(dir.path(), "0.5");
    let o = command()
        .arg("plot")
        .arg(&a)
        .args(["--pane", "exponents", "--out"])
        .arg(dir.path().join("e.svg"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("differ in a numeric [generator] key"));
}

#[test]
fn a_figure_into_a_missing_directory_is_refused_before_drawing() {
    let dir = tempfile::tempdir().unwrap();
    let a = record(dir.path(), "0.5");
    let missing = dir.path().join("nodir");
    let o = command().arg("plot").arg(&a).arg("--out").arg(missing.join("f.svg")).output().unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains(&format!("the directory {} does not exist", missing.display())), "{err}");
    assert!(!missing.exists());
}

#[test]
fn truncated_and_garbage_lines_are_located_and_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let a = record(dir.path(), "0.5");
    let text = std::fs::read_to_string(&a).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let cases = [
        // A line cut in the middle (a run killed while writing).
        (
            "truncated.jsonl",
            format!("{}\n{}\n{}", lines[0], lines[1], &lines[2][..lines[2].len() / 2]),
            ":3:",
            "truncated",
        ),
        (
            "garbage.jsonl",
            format!("{}\n{}\nnot json at all\n{}\n", lines[0], lines[1], lines[2]),
            ":3:",
            "not a run-file line",
        ),
        ("headless.jsonl", format!("{}\n", lines[1]), ":1:1:", "header"),
        ("unknown.jsonl", format!("{}\n{{\"kind\":\"mystery\"}}\n", lines[0]), ":2:", "unknown kind"),
    ];
    for (name, body, place, what) in cases {
        let path = dir.path().join(name);
        std::fs::write(&path, body).unwrap();
        let o = command().arg("plot").arg(&path).arg("--out").arg(dir.path().join("x.svg")).output().unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{name}: {err}");
        assert!(err.contains(&format!("{name}{place}")) && err.contains(what), "{name}: {err}");
        assert!(!err.contains("panicked"), "{err}");
    }
    let o = command().args(["plot", "--out", "x.txt"]).arg(&a).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    let o = command()
        .args(["plot", "--size", "5x5", "--out"])
        .arg(dir.path().join("x.svg"))
        .arg(&a)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
}
