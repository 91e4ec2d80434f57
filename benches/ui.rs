//! Benchmarks of the dashboard (figures go in the README):
//! 1. `view` of the whole screen at 200x60 into a `TestBackend`: median
//!    time per frame (target <= 1 ms).
//! 2. Bytes a real backend writes per frame at 120x40 in steady state while
//!    training: a `CrosstermBackend` over a counting sink, drawing successive
//!    frames as progress, checkpoints and samples arrive (target <= 10 KB).
//!
//! `cargo bench --bench ui`

use std::cell::Cell;
use std::io::{self, Write};
use std::rc::Rc;
use std::time::{Duration, Instant};

use ratatui::backend::{CrosstermBackend, TestBackend};
use ratatui::layout::Rect;
use ratatui::{Terminal, TerminalOptions, Viewport};
use sk_tui::engine::{Progress, Update};
use sk_tui::ui::fixture;
use sk_tui::ui::model::{Msg, update};

/// A sink that counts what is written to it (the count is shared, since the
/// backend owns the sink).
#[derive(Clone, Default)]
struct Counting {
    bytes: Rc<Cell<usize>>,
}

impl Write for Counting {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.bytes.set(self.bytes.get() + buf.len());
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

fn percentile<T: Copy + Ord>(v: &mut [T], p: f64) -> T {
    v.sort_unstable();
    v[((v.len() - 1) as f64 * p).round() as usize]
}

fn bench_view() {
    for theme in ["dark", "mono"] {
        let model = fixture::model("default", 20_000_000, theme, true);
        let mut terminal = Terminal::new(TestBackend::new(200, 60)).unwrap();
        let mut times = Vec::with_capacity(500);
        let mut draws = Vec::with_capacity(500);
        for i in 0..600 {
            // `view` alone, into the terminal's frame.
            let t = Instant::now();
            {
                let mut frame = terminal.get_frame();
                sk_tui::ui::view(&model, &mut frame);
            }
            let dt = t.elapsed();
            // A whole `draw`: view, diff against the last frame, flush.
            let t = Instant::now();
            terminal.draw(|f| sk_tui::ui::view(&model, f)).unwrap();
            let dd = t.elapsed();
            if i >= 100 {
                times.push(dt);
                draws.push(dd);
            }
        }
        let draw_median = percentile(&mut draws, 0.5);
        println!(
            "draw 200x60 ({theme}): median {:.3} ms (view + diff + TestBackend)",
            draw_median.as_secs_f64() * 1e3
        );
        let median = percentile(&mut times, 0.5);
        let p95 = percentile(&mut times, 0.95);
        println!(
            "view 200x60 ({theme}): median {:.3} ms, p95 {:.3} ms over {} frames (target <= 1 ms)",
            median.as_secs_f64() * 1e3,
            p95.as_secs_f64() * 1e3,
            times.len()
        );
    }
}

fn bench_bytes() {
    let mut model = fixture::model("default", 100_000, "dark", true);
    // Checkpoints of a longer run, fed one by one as training goes on.
    let checkpoints: Vec<Update> = fixture::updates("default", 20_000_000, 3)
        .into_iter()
        .filter(|u| matches!(u, Update::Checkpoint(_) | Update::Samples(_)))
        .collect();
    let samples: Vec<Update> =
        checkpoints.iter().filter(|u| matches!(u, Update::Samples(_))).cloned().collect();
    let checkpoints: Vec<Update> =
        checkpoints.into_iter().filter(|u| matches!(u, Update::Checkpoint(_))).collect();
    let sink = Counting::default();
    let backend = CrosstermBackend::new(sink.clone());
    let options = TerminalOptions { viewport: Viewport::Fixed(Rect::new(0, 0, 120, 40)) };
    let mut terminal = Terminal::with_options(backend, options).unwrap();
    let mut per_frame = Vec::new();
    let mut sentences = 100_000u64;
    let frames = 600;
    for frame in 0..frames {
        // The live driver: progress every 200 ms, a timed checkpoint every
        // 500 ms, samples with each checkpoint; the UI draws what changed.
        sentences += 80_000;
        update(
            &mut model,
            Msg::Engine(Update::Progress(Progress {
                sentences,
                sentences_per_second: 400_000.0 + (frame % 7) as f64 * 1_000.0,
                paused: false,
                dropped: 0,
            })),
        );
        if frame % 2 == 0 {
            let c = &checkpoints[(frame / 2) % checkpoints.len()];
            if let Update::Checkpoint(c) = c {
                let mut c = c.clone();
                c.sentences = sentences;
                for l in &mut c.learners {
                    l.sentences_seen = sentences;
                }
                update(&mut model, Msg::Engine(Update::Checkpoint(c)));
            }
            if let Some(s) = samples.first() {
                update(&mut model, Msg::Engine(s.clone()));
            }
        }
        update(&mut model, Msg::Tick(Duration::from_millis(84_000 + frame as u64 * 200)));
        let before = sink.bytes.get();
        terminal.draw(|f| sk_tui::ui::view(&model, f)).unwrap();
        let after = sink.bytes.get();
        if frame >= 50 {
            per_frame.push(after - before);
        }
    }
    let median = percentile(&mut per_frame, 0.5);
    let p95 = percentile(&mut per_frame, 0.95);
    let max = *per_frame.iter().max().unwrap();
    println!(
        "bytes per frame 120x40 while training: median {median} B, p95 {p95} B, max {max} B over {} frames (target <= 10 KB; a full repaint is about {} B)",
        per_frame.len(),
        full_repaint()
    );
}

/// Bytes of the first frame (everything drawn), for scale.
fn full_repaint() -> usize {
    let model = fixture::model("default", 2_000_000, "dark", true);
    let sink = Counting::default();
    let backend = CrosstermBackend::new(sink.clone());
    let options = TerminalOptions { viewport: Viewport::Fixed(Rect::new(0, 0, 120, 40)) };
    let mut terminal = Terminal::with_options(backend, options).unwrap();
    terminal.draw(|f| sk_tui::ui::view(&model, f)).unwrap();
    sink.bytes.get()
}

fn main() {
    bench_view();
    bench_bytes();
}
