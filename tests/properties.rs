//! Property tests (proptest) over the generator's key table
//! (`sk::params::keys::PARAM_KEYS`): any generator table the checks accept
//! survives a TOML round trip unchanged and runs; the zipf law's normaliser
//! is the sum it names and its probabilities sum to one.

use proptest::prelude::*;
use sk_tui::config::Preset;
use sk_tui::config::library::parse_preset;
use sk_tui::sk::params::keys::{Domain, High, Low, PARAM_KEYS, ParamKey, Value};
use sk_tui::sk::zipf::ZipfLaw;
use sk_tui::sk::{Generator, GeneratorParams, Sentence, SourceKind};

/// A value of `k` drawn across its whole domain (counts log-uniformly, so
/// every decade is tried), with counts capped at `cap`.
fn value_of(k: &ParamKey, cap: u64) -> BoxedStrategy<Value> {
    match k.domain {
        Domain::Source => {
            prop_oneof![Just(SourceKind::Zipf), Just(SourceKind::Pycrp)].prop_map(Value::Source).boxed()
        }
        Domain::Count { lo, hi } => {
            let hi = hi.min(cap);
            let (a, b) = (((lo.max(1)) as f64).ln(), (hi as f64).ln());
            (a..=b, any::<bool>())
                .prop_map(move |(x, low)| {
                    Value::Count(if low { lo } else { (x.exp().round() as u64).clamp(lo, hi) })
                })
                .boxed()
        }
        Domain::Real { lo, hi, auto } => {
            let a = match lo {
                Low::Closed(x) | Low::Open(x) => x,
                Low::AboveMinusAlpha => -1.0,
            };
            let b = match hi {
                High::Closed(x) | High::Open(x) => x,
            };
            // Small values matter most; also draw near the low end.
            let b_small = b.min(a + 10.0);
            let real = prop_oneof![(a..=b_small), (a..=b)].prop_map(Value::Real);
            if auto { prop_oneof![Just(Value::Auto), real].boxed() } else { real.boxed() }
        }
    }
}

/// Generator tables built key by key from the table, counts capped at `cap`.
fn generator(cap: u64) -> impl Strategy<Value = GeneratorParams> {
    PARAM_KEYS.iter().map(|k| value_of(k, cap)).collect::<Vec<_>>().prop_map(|values| {
        let mut p = GeneratorParams::default();
        for (k, v) in PARAM_KEYS.iter().zip(values) {
            (k.set)(&mut p, v).expect("a value from the key's own domain");
        }
        p
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, max_global_rejects: 20_000, ..ProptestConfig::default() })]

    /// A preset whose generator table the checks accept serialises to TOML,
    /// parses back (through the loader, with its checks) to the same
    /// values, and serialises again to the same text.
    #[test]
    fn accepted_generator_tables_round_trip_through_toml(g in generator(u64::MAX)) {
        let preset = Preset { generator: g, ..Preset::default() };
        prop_assume!(preset.check().is_empty());
        let text = toml::to_string(&preset).unwrap();
        let back = parse_preset("p.toml", &text).map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
        prop_assert_eq!(&back, &preset);
        prop_assert_eq!(toml::to_string(&back).unwrap(), text);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, max_global_rejects: 20_000, ..ProptestConfig::default() })]

    /// Any accepted generator table (sizes capped so each case is quick)
    /// generates sentences without a panic, and what it states is in range:
    /// tokens in the vocabulary, values among the attribute's, zipf ranks
    /// in the universe.
    #[test]
    fn accepted_generator_tables_generate_sentences_in_range(g in generator(4096), seed in any::<u64>()) {
        prop_assume!(g.check_for_run(3_000).is_empty());
        let mut stream = Generator::new(&g, seed);
        let mut s = Sentence::default();
        for _ in 0..3_000 {
            stream.next(&mut s);
            let size = stream.vocab().size();
            prop_assert!(s.tokens.iter().all(|&t| t < size));
            prop_assert!(s.value < g.values && s.attribute < g.attributes);
            prop_assert!(s.oracle.total().is_finite() && s.oracle.total() >= 0.0);
            if g.source == SourceKind::Zipf {
                prop_assert!((1..=g.entities).contains(&s.rank));
            }
        }
    }

    /// `Z = Σ (r+q)^-s` is the normaliser the law reports, and the law's
    /// probabilities sum to one. `rank_sum` is exact to ~1e-12 relative; a
    /// direct sum of K <= 20000 terms adds at most K ε ≈ 4.4e-12.
    #[test]
    fn zipf_law_is_normalised(k in 1u64..20_000, q in 0.0f64..50.0, s in 0.2f64..4.0) {
        let law = ZipfLaw::new(k, q, s);
        let direct: f64 = (1..=k).map(|r| (r as f64 + q).powf(-s)).sum();
        prop_assert!((law.normaliser() / direct - 1.0).abs() < 1e-11, "{} vs {direct}", law.normaliser());
        let total: f64 = (1..=k).map(|r| law.prob(r)).sum();
        prop_assert!((total - 1.0).abs() < 1e-11, "sum of P(r) = {total}");
    }
}
