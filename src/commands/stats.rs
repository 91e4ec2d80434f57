//! `sk-tui stats`: the generator alone, measured against docs/theory.md, "Predictions the tool checks".

use std::time::Instant;

use serde::Serialize;
use sk_tui::sk::{Generator, SourceKind, stats, theory};

use super::{Failure, outln};

/// The `--json` object: exactly these keys.
#[derive(Serialize)]
struct Report {
    sentences: u64,
    distinct_entities: u64,
    expected_distinct_entities: f64,
    /// `sd(K_n)` for pycrp (closed form); `null` for zipf.
    distinct_entities_sd: Option<f64>,
    heaps_exponent: Option<f64>,
    rank_frequency_slope: Option<f64>,
    oracle_bits_per_sentence: f64,
    oracle_bits_per_token: f64,
    entropy_bits_per_sentence: Option<f64>,
    sentences_per_second: f64,
    tokens_per_second: f64,
}

pub fn run(preset: &str, sentences: u64, seed: Option<u64>, json: bool) -> Result<(), Failure> {
    let mut loaded = super::load_preset(preset)?;
    loaded.preset = loaded.preset.with_sentences(sentences).map_err(Failure::input)?;
    let seed = seed.unwrap_or(loaded.preset.run.seed);
    let mut g = Generator::new(&loaded.preset.generator, seed);
    let start = Instant::now();
    let m = stats::measure(&mut g, sentences);
    let seconds = start.elapsed().as_secs_f64().max(1e-9);
    let r = Report {
        sentences: m.sentences,
        distinct_entities: m.distinct_entities,
        expected_distinct_entities: m.expected_distinct_entities,
        distinct_entities_sd: (loaded.preset.generator.source == SourceKind::Pycrp).then(|| {
            let g = &loaded.preset.generator;
            theory::variance_distinct_pycrp(g.alpha, g.beta, m.sentences as f64).sqrt()
        }),
        heaps_exponent: m.heaps_fit.map(|f| f.slope),
        rank_frequency_slope: m.rank_frequency_fit.map(|f| f.slope),
        oracle_bits_per_sentence: m.oracle_bits / m.sentences as f64,
        oracle_bits_per_token: m.oracle_bits / m.tokens as f64,
        entropy_bits_per_sentence: m.entropy_bits_per_sentence,
        sentences_per_second: m.sentences as f64 / seconds,
        tokens_per_second: m.tokens as f64 / seconds,
    };
    if json {
        let line = serde_json::to_string(&r).map_err(|e| Failure::runtime(e.to_string()))?;
        outln!("{line}")?;
        return Ok(());
    }
    let p = &loaded.preset.generator;
    let opt = |x: Option<f64>, digits: usize| x.map_or("n/a".to_string(), |v| format!("{v:.digits$}"));
    outln!("preset                      {} (seed {seed})", loaded.name)?;
    outln!("sentences                   {}", r.sentences)?;
    match r.distinct_entities_sd {
        // K_n of one pycrp run spreads widely around its mean: give the spread.
        Some(sd) => outln!(
            "distinct entities           {}   (E[K_n] = {:.1} ± {:.1} sd; this run is {:+.2} sd away)",
            r.distinct_entities,
            r.expected_distinct_entities,
            sd,
            (r.distinct_entities as f64 - r.expected_distinct_entities) / sd.max(f64::MIN_POSITIVE)
        )?,
        None => outln!(
            "distinct entities           {}   (E[K_n] = {:.1})",
            r.distinct_entities,
            r.expected_distinct_entities
        )?,
    }
    outln!("heaps exponent (fitted)     {}   (theory: alpha = {})", opt(r.heaps_exponent, 3), p.alpha)?;
    outln!(
        "rank-frequency slope        {}   (theory: -s = {:.3}; fitted on ranks seen >= {} times)",
        opt(r.rank_frequency_slope, 3),
        -p.zipf_s(),
        stats::WELL_SAMPLED
    )?;
    outln!("oracle bits / sentence      {:.4}", r.oracle_bits_per_sentence)?;
    outln!("oracle bits / token         {:.4}", r.oracle_bits_per_token)?;
    outln!("entropy bits / sentence     {}   (exact; zipf only)", opt(r.entropy_bits_per_sentence, 4))?;
    outln!("sentences / s               {:.0}", r.sentences_per_second)?;
    outln!("tokens / s                  {:.0}", r.tokens_per_second)?;
    Ok(())
}
