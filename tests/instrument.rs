//! What the numbers measure: window means of the exact theory, knowledge
//! beyond chance and in bits, fine-tuning on changed facts, and legends
//! whose exponents are fits of exactly the plotted series.

mod support;

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use sk_tui::config::theme::Theme;
use sk_tui::config::{LearnerConfig, PhaseConfig, PhaseGenerator, Preset, RunConfig, resolve_preset};
use sk_tui::engine::{Checkpoint, Control, Engine, Step, Update};
use sk_tui::sk::GeneratorParams;
use sk_tui::sk::zipf::ZipfLaw;
use sk_tui::ui::MarkerChoice;
use sk_tui::ui::model::{Command, DataY, Model, ModelView, Msg, Pane, update};
use sk_tui::ui::snapshot::{buffer_to_text, render};
use support::engine::checkpoints;

fn preset(g: GeneratorParams, sentences: u64, probes: u32) -> Preset {
    Preset {
        generator: g,
        run: RunConfig { sentences, seed: 11, probe_facts_per_bin: probes, ..Default::default() },
        learners: vec![LearnerConfig::bayes("bayes")],
        phases: vec![],
    }
}

/// `theory.expected_fact_excess` is the mean of the exact expectation over
/// the checkpoint's window of sentences, computed here rank by rank; the
/// measured Bayes fact excess stays within 4 standard errors of it.
#[test]
fn expected_fact_excess_is_the_window_mean_and_bayes_follows_it() {
    let g = GeneratorParams { alpha: 0.6, entities: 1_000_000, ..Default::default() };
    let cps = checkpoints(&preset(g.clone(), 3_000_000, 16));
    let law = ZipfLaw::new(g.entities, g.zipf_offset, g.zipf_s());
    let f = g.attributes as f64;
    let h = (g.values as f64).log2();
    let mut checked = 0;
    for c in &cps {
        let (n1, w) = (c.sentences as f64, c.window_sentences as f64);
        let n0 = n1 - w;
        // Per rank: P(the fact of sentence i is unseen), summed over i in the window.
        let (mut mean, mut var_new) = (0.0, 0.0);
        for r in 1..=g.entities {
            let p = law.prob(r);
            let q = 1.0 - p / f;
            let first_in_window = q.powf(n0) * (1.0 - q.powf(w));
            mean += p * q.powf(n0) * (1.0 - q.powf(w)) / (1.0 - q) / w;
            var_new += f * first_in_window * (1.0 - first_in_window);
        }
        mean *= h;
        let engine = c.theory.expected_fact_excess.unwrap();
        assert!((engine / mean - 1.0).abs() < 1e-6, "n {n1}: engine {engine} vs window mean {mean}");
        let at_n = c.theory.expected_fact_excess_at_n.unwrap();
        assert!(at_n < engine, "the point value at n lies below the window mean");
        // New facts in the window: a sum of independent-per-fact indicators
        // (negatively correlated across facts), variance at most Σ P(1-P).
        let new_facts = mean * w / h;
        if new_facts < 1000.0 {
            continue;
        }
        let se = h * var_new.sqrt() / w;
        let m = c.learners[0].excess_by_part.fact;
        // The learned marginal (Dirichlet(1) over V values, `facts` learned)
        // costs at most (V-1)/(facts ln 2) bits more per unknown fact.
        let facts = (c.learners[0].params - c.distinct_entities) as f64;
        let bias = (m / h) * (g.values as f64 - 1.0) / (facts * std::f64::consts::LN_2);
        assert!(
            m - mean < 4.0 * se + bias && mean - m < 4.0 * se,
            "n {n1}: measured {m}, window mean {mean}, se {se}"
        );
        checked += 1;
    }
    assert!(checked >= 5, "only {checked} windows with 1000 new facts");
}

/// Under `value_skew = 1.5` the marginal's mode answers many never-seen
/// facts right: raw accuracy there is the mode's probability, knowledge
/// beyond chance is zero; and the facts the Bayes learner stores, in bits,
/// are what its probes estimate.
#[test]
fn knowledge_beyond_chance_and_in_bits_under_skewed_values() {
    // The probe-based estimate cuts at the first bin whose knowledge is not
    // significant (2 se); what lies beyond is about sqrt(2 se) / Γ(1 - alpha)
    // of the stored facts (docs/theory.md, "Knowledge in bits"): 65536 probes
    // per bin at alpha 0.4 keep that near 3%.
    let g = GeneratorParams {
        alpha: 0.4,
        value_skew: 1.5,
        entities: 1_000_000_000,
        name_length: 6,
        ..Default::default()
    };
    let n = 3_000_000u64;
    let mut p = preset(g.clone(), n, 65_536);
    p.run.checkpoints_per_decade = 1;
    let cps = checkpoints(&p);
    let c = cps.last().unwrap();
    let law = ZipfLaw::new(g.entities, g.zipf_offset, g.zipf_s());
    let chance = c.theory.chance_accuracy;
    let weights: Vec<f64> = (1..=g.values).map(|v| (v as f64).powf(-g.value_skew)).collect();
    assert!((chance - weights[0] / weights.iter().sum::<f64>()).abs() < 1e-12);
    let bayes = &c.learners[0];
    // Bins whose every rank is seen with probability below 1e-3.
    let unseen: Vec<usize> =
        (0..c.rank_bins.len()).filter(|&b| n as f64 * law.prob(c.rank_bins[b].lo) < 1e-3).collect();
    assert!(unseen.len() >= 5);
    let probes = 65_536.0 * unseen.len() as f64;
    let pooled = |v: &[f64]| unseen.iter().map(|&b| v[b]).sum::<f64>() / unseen.len() as f64;
    let (known, raw) = (pooled(&bayes.known), pooled(&bayes.memorized));
    // Raw accuracy there is chance: within 4 binomial standard errors.
    let se_raw = (chance * (1.0 - chance) / probes).sqrt();
    assert!((raw - chance).abs() < 4.0 * se_raw, "raw {raw} vs chance {chance} (se {se_raw})");
    assert!(raw > 0.3, "raw accuracy {raw} should be near the mode's probability");
    assert!(known.abs() < 0.05, "known beyond chance {known} in never-seen bins");
    // Knowledge in bits: the stored facts times H(H_a).
    let h: f64 = {
        let z: f64 = weights.iter().sum();
        -weights.iter().map(|w| w / z * (w / z).log2()).sum::<f64>()
    };
    let stored = (bayes.params - c.distinct_entities) as f64 * h;
    let rel = bayes.knowledge_bits / stored - 1.0;
    assert!(
        rel.abs() < 0.05,
        "knowledge_bits {} vs stored fact bits {stored} ({rel:+.3})",
        bayes.knowledge_bits
    );
}

fn phase_preset(change: PhaseGenerator) -> Preset {
    let mut p = preset(GeneratorParams { alpha: 0.6, entities: 50_000, ..Default::default() }, 200_000, 64);
    p.phases.push(PhaseConfig {
        name: "changed".into(),
        sentences: 400_000,
        generator: change,
        ..Default::default()
    });
    p
}

/// A phase that changes `value_skew` changes facts: every loss stays finite,
/// the changed facts are reported, and the Bayes learner's stale answers
/// fall as the new values are stated. A change of `fact_noise` keeps every
/// loss finite.
#[test]
fn fine_tuning_on_changed_facts_keeps_losses_finite_and_edits_knowledge() {
    let cps = checkpoints(&phase_preset(PhaseGenerator { value_skew: Some(1.5), ..Default::default() }));
    for c in &cps {
        for l in &c.learners {
            assert!(l.loss_bits_per_token.is_finite(), "n {}: loss {}", c.sentences, l.loss_bits_per_token);
        }
    }
    let phase: Vec<&Checkpoint> = cps.iter().filter(|c| c.phase == 1).collect();
    let changed = phase[0].changed_facts.unwrap();
    assert!(changed > 0.2, "value_skew 0 -> 1.5 changes most facts, reported {changed}");
    let stale: Vec<f64> = phase.iter().map(|c| c.learners[0].stale_answers.unwrap()).collect();
    assert!(stale[0] > 0.3, "right after the change many changed facts are stale: {stale:?}");
    assert!(*stale.last().unwrap() < stale[0] / 2.0, "stale answers must fall during the phase: {stale:?}");
    let noisy = checkpoints(&phase_preset(PhaseGenerator { fact_noise: Some(0.2), ..Default::default() }));
    for c in &noisy {
        assert!(c.learners.iter().all(|l| l.loss_bits_per_token.is_finite()));
    }
}

fn model_of(preset_name: &str, sentences: u64) -> Model {
    let loaded = resolve_preset(preset_name).unwrap();
    let mut p = loaded.preset.clone();
    p.run.sentences = sentences;
    let mut m = Model::new(preset_name, p.clone(), Theme::default(), false, MarkerChoice::Theme);
    for c in checkpoints(&p) {
        update(&mut m, Msg::Engine(Update::Checkpoint(Box::new(c))));
    }
    m
}

fn frame(m: &Model, w: u16, h: u16) -> String {
    buffer_to_text(&render(m, w, h).unwrap())
}

/// Least squares of ln y on ln x, written out here.
fn lsq_exponent(points: &[(f64, f64)]) -> (f64, f64) {
    let pts: Vec<(f64, f64)> = points.iter().map(|&(x, y)| (x.ln(), y.ln())).collect();
    let k = pts.len() as f64;
    let (mx, my) = (pts.iter().map(|p| p.0).sum::<f64>() / k, pts.iter().map(|p| p.1).sum::<f64>() / k);
    let sxx: f64 = pts.iter().map(|p| (p.0 - mx).powi(2)).sum();
    let slope = pts.iter().map(|p| (p.0 - mx) * (p.1 - my)).sum::<f64>() / sxx;
    let rss: f64 = pts.iter().map(|p| (p.1 - my - slope * (p.0 - mx)).powi(2)).sum();
    (-slope, (rss / (k - 2.0) / sxx).sqrt())
}

/// For every y of the data pane: each learner's legend exponent is a
/// least-squares fit of its plotted series over the last 1.5 decades of
/// windows at least a tenth of their n.
#[test]
fn data_legend_fits_the_plotted_series() {
    let mut m = model_of("data-scaling", 1_000_000);
    m.focus = Pane::DataScaling;
    m.zoom = true;
    for y in [DataY::Fact, DataY::Identity, DataY::Excess, DataY::Syntax, DataY::Loss] {
        m.data_y = y;
        let text = frame(&m, 160, 50);
        assert!(text.contains(y.label()), "{y:?}: axis title missing");
        let c = m.latest().unwrap();
        for (i, l) in c.learners.iter().enumerate() {
            let pts: Vec<(f64, f64)> = m
                .history
                .iter()
                .map(|c| &c.learners[i])
                .filter(|l| l.window_sentences * 10 >= l.sentences_seen)
                .map(|l| (l.sentences_seen as f64, sk_tui::ui::panes::data_scaling::quantity(l, y)))
                .collect();
            let n_now = pts.last().unwrap().0;
            let window: Vec<(f64, f64)> =
                pts.into_iter().filter(|&(n, v)| n >= n_now / 10f64.powf(1.5) && v > 0.0).collect();
            let (e, se) = lsq_exponent(&window);
            let want = format!("{e:.2}±{se:.2}");
            let row = text.lines().find(|r| r.contains(&format!(" {} ", l.name)) && r.contains(&want));
            assert!(row.is_some(), "{y:?}: no legend row with {} and {want:?}\n{text}", l.name);
        }
    }
}

/// The model pane fits the plotted oracle ladder (x = knowledge bits) and
/// draws the exact expectation's local exponent beside it.
#[test]
fn model_legend_fits_the_plotted_oracle_ladder() {
    let mut m = model_of("model-scaling", 3_000_000);
    m.focus = Pane::ModelScaling;
    m.zoom = true;
    for view in [ModelView::Scaling(DataY::Fact), ModelView::Scaling(DataY::Excess), ModelView::TwoPart] {
        m.model_view = view;
        let text = frame(&m, 160, 50);
        let c = m.latest().unwrap();
        let ladder = sk_tui::ui::panes::model_scaling::ladder(&m, c, view);
        assert!(ladder.len() >= 3, "{view:?}: the model-scaling preset has a full oracle ladder");
        let pts: Vec<(f64, f64)> = ladder.iter().map(|p| (p.1, p.2)).collect();
        let (e, se) = lsq_exponent(&pts);
        let want = format!("oracle fit {e:.2}±{se:.2}");
        assert!(text.contains(&want), "{view:?}: legend lacks {want:?}\n{text}");
        assert!(text.contains("knowledge bits"));
        if view == ModelView::Scaling(DataY::Fact) {
            assert!(text.contains("exact "), "the exact oracle expectation's exponent is shown");
        }
    }
}

/// `e` asks the run loop to export the focused pane once there is a
/// checkpoint, and says why not otherwise.
#[test]
fn e_exports_the_focused_pane() {
    let p = resolve_preset("default").unwrap().preset;
    let mut m = Model::new("default", p, Theme::default(), false, MarkerChoice::Theme);
    let key = |c: KeyCode| Msg::Key(KeyEvent::new(c, KeyModifiers::NONE));
    update(&mut m, key(KeyCode::Char('3')));
    assert!(update(&mut m, key(KeyCode::Char('e'))).is_none());
    assert!(m.note.as_deref().is_some_and(|n| n.contains("once there is a checkpoint")));
    let mut small = m.preset.clone();
    small.run.sentences = 2_000;
    for c in checkpoints(&small) {
        update(&mut m, Msg::Engine(Update::Checkpoint(Box::new(c))));
    }
    assert!(matches!(update(&mut m, key(KeyCode::Char('e'))), Some(Command::Export(Pane::Heatmap))));
}

/// Editing `value_skew` and pressing `f` asks the engine for a fine-tuning
/// phase on the changed facts, which it accepts and trains with finite losses.
#[test]
fn fine_tune_after_an_edit_of_value_skew() {
    let p = resolve_preset("default").unwrap().preset;
    let mut m = Model::new("default", p.clone(), Theme::default(), false, MarkerChoice::Theme);
    let key = |c: KeyCode| Msg::Key(KeyEvent::new(c, KeyModifiers::NONE));
    update(&mut m, key(KeyCode::Char('4')));
    let at = sk_tui::ui::fields::FIELDS.iter().position(|f| f.key == "value_skew").unwrap();
    for _ in 0..at {
        update(&mut m, key(KeyCode::Down));
    }
    update(&mut m, key(KeyCode::Char('+')));
    let Some(Command::Engine(Control::FineTune(ft))) = update(&mut m, key(KeyCode::Char('f'))) else {
        panic!("f must start a fine-tuning phase");
    };
    assert!(ft.generator.value_skew > 0.0);
    let mut small = p.clone();
    small.run.sentences = 20_000;
    let mut e = Engine::new(&small, None, None);
    while !matches!(e.advance(1 << 20), Step::Finished) {}
    e.fine_tune(ft.generator.clone(), PhaseConfig { sentences: 20_000, ..ft.phase.clone() }).unwrap();
    let mut last = None;
    loop {
        match e.advance(1 << 20) {
            Step::Checkpoint(c) => last = Some(c),
            Step::Finished => break,
            _ => {}
        }
    }
    let c = last.unwrap();
    assert_eq!(c.phase, 1);
    assert!(c.learners.iter().all(|l| l.loss_bits_per_token.is_finite()));
    assert!(c.changed_facts.unwrap() > 0.0);
}
