//! Paced live runs (`[run] pace`): driven by the driver thread as the
//! dashboard drives it, a paced run trains every learner on every sentence and
//! measures what the headless run of the same preset and seed measures; a
//! sampled run says what share of the stream each learner saw; and pause,
//! restart and stop stay prompt while a network is the bottleneck.

mod support;

use std::ops::ControlFlow;
use std::time::{Duration, Instant};

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use sk_tui::config::library::embedded_preset;
use sk_tui::config::theme::embedded_theme;
use sk_tui::config::{LearnerConfig, LearnerKind, LoadedPreset, Pace};
use sk_tui::engine::driver::{DriverOptions, PACE_SLICE, run_headless, spawn};
use sk_tui::engine::worker::{BATCH, QUEUE};
use sk_tui::engine::{Checkpoint, Control, Engine, EngineHandle, Update};
use sk_tui::learn::Learner;
use sk_tui::learn::neural::NeuralLearner;
use sk_tui::sk::{Generator, Sentence};
use sk_tui::ui::MarkerChoice;
use sk_tui::ui::model::{Model, Msg, update};
use sk_tui::ui::{buffer_to_text, snapshot::render};
use support::binary::command;

/// How soon the engine must answer pause, restart and stop.
const PROMPT: Duration = Duration::from_millis(100);

/// The engine tests run one at a time: each has the two cores to itself (as
/// far as this binary goes), so a latency measured is the engine's own.
static ALONE: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn alone() -> std::sync::MutexGuard<'static, ()> {
    ALONE.lock().unwrap_or_else(|e| e.into_inner())
}

fn neural(pace: Pace) -> LoadedPreset {
    let mut p = embedded_preset("neural").unwrap();
    p.preset.run.pace = pace;
    p
}

fn headless(preset: &LoadedPreset, sentences: u64, seed: u64) -> Vec<Checkpoint> {
    let mut out = Vec::new();
    let options = DriverOptions { sentences: Some(sentences), seed: Some(seed), ..Default::default() };
    run_headless(preset, &options, &mut |u| {
        if let Update::Checkpoint(c) = u {
            out.push(*c);
        }
        ControlFlow::Continue(())
    });
    out
}

/// Every update of a live run to its end.
fn live(preset: &LoadedPreset, sentences: u64, seed: u64) -> Vec<Update> {
    let options =
        DriverOptions { live: true, sentences: Some(sentences), seed: Some(seed), ..Default::default() };
    let handle = spawn(preset.clone(), options);
    let mut out = Vec::new();
    loop {
        let u = handle.updates.recv_timeout(Duration::from_secs(120)).expect("the live run stalled");
        let done = matches!(u, Update::Finished { .. });
        assert!(!matches!(u, Update::Error(_)), "{u:?}");
        out.push(u);
        if done {
            break;
        }
    }
    handle.shutdown();
    out
}

fn checkpoints(updates: &[Update]) -> Vec<&Checkpoint> {
    updates
        .iter()
        .filter_map(|u| match u {
            Update::Checkpoint(c) => Some(c.as_ref()),
            _ => None,
        })
        .collect()
}

#[test]
fn a_paced_live_run_measures_what_the_headless_run_measures() {
    let _alone = alone();
    let preset = neural(Pace::All);
    let (n, seed) = (3_000, 7);
    let want = headless(&preset, n, seed);
    let updates = live(&preset, n, seed);
    let got = checkpoints(&updates);
    assert!(want.len() > 20, "{} log-spaced checkpoints", want.len());
    for w in &want {
        // Timed checkpoints come between log-spaced ones, never at one.
        let g = got
            .iter()
            .rfind(|g| g.sentences == w.sentences && g.phase == w.phase)
            .unwrap_or_else(|| panic!("no live checkpoint at {} sentences", w.sentences));
        assert_eq!(
            serde_json::to_string(g).unwrap(),
            serde_json::to_string(w).unwrap(),
            "live and headless differ at {} sentences",
            w.sentences
        );
        for l in &g.learners {
            assert_eq!((l.sentences_seen, l.sentences_dropped), (w.sentences, 0), "{}", l.name);
        }
    }
}

/// `4%` as the status bar writes a share: whole percents between 1% and 99%.
fn percent(share: f64) -> String {
    let pct = 100.0 * share;
    if (1.0..99.0).contains(&pct) { format!("{pct:.0}%") } else { format!("{pct:.1}%") }
}

#[test]
fn a_sampled_run_reports_what_each_learner_saw_and_the_status_shows_it() {
    let _alone = alone();
    let preset = neural(Pace::Sample);
    let n = 40_000;
    let updates = live(&preset, n, 3);
    let last = *checkpoints(&updates).last().unwrap();
    assert_eq!(last.sentences, n);
    let mut sampled = Vec::new();
    for l in &last.learners {
        let json = serde_json::to_value(l).unwrap();
        if l.kind != sk_tui::config::LearnerKind::Neural {
            assert_eq!((l.sentences_seen, l.sentences_dropped, l.stream_share()), (n, 0, 1.0), "{}", l.name);
            assert!(json.get("sentences_dropped").is_none(), "{}: {json}", l.name);
            continue;
        }
        // A network trains a few thousand sentences a second, the engine
        // draws far more: batches were dropped.
        assert!(l.sentences_dropped > 0, "{} dropped nothing", l.name);
        assert_eq!(json["sentences_dropped"], l.sentences_dropped, "{}", l.name);
        // Every sentence offered is trained on, dropped, or still waiting in
        // the learner's queue or the batch being filled.
        let (seen, dropped) = (l.sentences_seen, l.sentences_dropped);
        assert!(seen + dropped <= n, "{}: {seen} + {dropped} > {n}", l.name);
        assert!(seen + dropped + ((QUEUE + 1) * BATCH) as u64 >= n, "{}: {seen} + {dropped} lost", l.name);
        let share = seen as f64 / (seen + dropped) as f64;
        assert_eq!(l.stream_share(), share, "{}", l.name);
        sampled.push((l.name.clone(), share));
    }
    assert_eq!(sampled.len(), 3);

    // The dashboard, fed these updates: the status bar names each network's
    // share, the heatmap title the selected one's.
    let theme = embedded_theme("dark").unwrap();
    let mut model = Model::new(&preset.name, preset.preset.clone(), theme, false, MarkerChoice::Theme);
    for u in updates.iter().cloned() {
        update(&mut model, Msg::Engine(u));
    }
    let screen = buffer_to_text(&render(&model, 200, 60).unwrap());
    let status = screen.lines().last().unwrap();
    let listed: Vec<String> = sampled.iter().map(|(name, s)| format!("{name} · {}", percent(*s))).collect();
    let expected = format!("{} of sentences", listed.join(", "));
    assert!(status.contains(&expected), "status {status:?} lacks {expected:?}");
    let nn = last.learners.iter().position(|l| l.name == sampled[2].0).unwrap();
    for _ in 0..nn {
        update(&mut model, Msg::Key(KeyEvent::new(KeyCode::Char(']'), KeyModifiers::NONE)));
    }
    let screen = buffer_to_text(&render(&model, 200, 60).unwrap());
    let title = format!("{} · {} of sentences", sampled[2].0, percent(sampled[2].1));
    let heatmap = screen.lines().find(|l| l.contains("Knowledge ·")).unwrap();
    assert!(heatmap.contains(&title), "no {title:?} in the heatmap title {heatmap:?}");
}

/// Receives until `pick` accepts an update; the time that took.
fn time_until(handle: &EngineHandle, start: Instant, mut pick: impl FnMut(&Update) -> bool) -> Duration {
    loop {
        let u = handle.updates.recv_timeout(Duration::from_secs(10)).expect("no answer from the engine");
        assert!(!matches!(u, Update::Error(_)), "{u:?}");
        if pick(&u) {
            return start.elapsed();
        }
    }
}

/// Lets the engine run until it has been paced by the network for a while.
fn run_paced(handle: &EngineHandle, at_least: u64) {
    let mut last = 0;
    while last < at_least {
        if let Update::Progress(p) = handle.updates.recv_timeout(Duration::from_secs(30)).unwrap() {
            last = p.sentences;
        }
    }
}

#[test]
fn pause_restart_and_stop_stay_prompt_while_a_network_is_the_bottleneck() {
    let _alone = alone();
    let mut preset = neural(Pace::All);
    let wide = LearnerConfig {
        name: "nn-wide".into(),
        kind: LearnerKind::Neural,
        embedding: 64,
        hidden: 2048,
        ..Default::default()
    };
    preset.preset.learners = vec![LearnerConfig::bayes("bayes"), wide.clone()];
    // Few probes: what is timed here is waiting for training.
    preset.preset.run.probe_facts_per_bin = 4;
    preset.preset.run.sentences = 100_000_000;

    // The network's time per sentence, measured here, on this machine, now.
    let g = Generator::new(&preset.preset.generator, 1);
    let mut net = NeuralLearner::new("probe", &wide, g.vocab(), 1);
    let mut stream = Generator::new(&preset.preset.generator, 2);
    let mut s = Sentence::default();
    let mut times = Vec::new();
    for _ in 0..9 {
        let t = Instant::now();
        for _ in 0..8 {
            stream.next(&mut s);
            net.observe(&s);
        }
        times.push(t.elapsed() / 8);
    }
    times.sort();
    let per_sentence = times[times.len() / 2];
    // The network is the bottleneck, and a driver that blocked until its
    // queue drained would answer late: the test can tell the two apart.
    let drain = per_sentence * (QUEUE * BATCH) as u32;
    assert!(
        drain > 2 * PROMPT,
        "the network is too fast to be a bottleneck: a full queue drains in {drain:?}"
    );
    // The driver looks at its controls at least every `PACE_SLICE`, plus a
    // timed checkpoint and samples, each answered between two sentences:
    // these must fit within the bound with room to spare.
    let expected = PACE_SLICE + per_sentence * 2;
    assert!(expected * 2 < PROMPT, "the network is too slow: {per_sentence:?} per sentence");

    // A restart builds a new engine, whatever the pace: its network's
    // weights are drawn afresh. That time comes on top of the answer.
    let mut builds: Vec<Duration> = (0..3)
        .map(|_| {
            let t = Instant::now();
            drop(Engine::new(&preset.preset, None, None));
            t.elapsed()
        })
        .collect();
    builds.sort();
    let build = builds[1];
    let handle = spawn(preset.clone(), DriverOptions { live: true, ..Default::default() });
    run_paced(&handle, 2 * (QUEUE * BATCH) as u64);

    let mut pauses = Vec::new();
    for _ in 0..3 {
        while handle.updates.try_recv().is_ok() {}
        let t = Instant::now();
        handle.control.send(Control::Pause).unwrap();
        pauses.push(time_until(&handle, t, |u| matches!(u, Update::Progress(p) if p.paused)));
        handle.control.send(Control::Resume).unwrap();
        std::thread::sleep(Duration::from_millis(300));
    }
    while handle.updates.try_recv().is_ok() {}
    let t = Instant::now();
    handle.control.send(Control::Restart(Box::new(preset.preset.clone()))).unwrap();
    let restart = time_until(&handle, t, |u| matches!(u, Update::Started(_)));
    run_paced(&handle, 2 * (QUEUE * BATCH) as u64);
    while handle.updates.try_recv().is_ok() {}
    let t = Instant::now();
    handle.shutdown();
    let stop = t.elapsed();
    eprintln!(
        "per sentence {per_sentence:?}, full queue {drain:?}, expected answer within {expected:?}, \
         engine built in {build:?}; pause {pauses:?}, restart {restart:?}, stop {stop:?}"
    );
    for (i, took) in pauses.iter().enumerate() {
        assert!(*took <= PROMPT, "pause {i} took {took:?} (a sentence takes {per_sentence:?})");
    }
    assert!(restart <= PROMPT + build, "restart took {restart:?} (building the engine {build:?})");
    assert!(stop <= PROMPT, "stop took {stop:?} (a sentence takes {per_sentence:?})");
}

#[test]
fn the_pace_key_is_checked() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("fast.toml");
    std::fs::write(&path, "[run]\npace = \"fast\"\n").unwrap();
    let out = command().arg("check").arg(&path).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    for fragment in ["fast.toml:2:8", "run.pace", "\"all\" or \"sample\""] {
        assert!(err.contains(fragment), "{err:?} lacks {fragment:?}");
    }
    std::fs::write(&path, "[run]\npace = \"sample\"\n").unwrap();
    let out = command().arg("check").arg(&path).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}
