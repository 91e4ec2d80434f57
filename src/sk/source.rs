//! The knowledge source: which entity the next sentence is about.

use super::params::{GeneratorParams, SourceKind};
use super::pycrp::PitmanYor;
use super::rng::SkRng;
use super::zipf::ZipfLaw;

#[derive(Clone, Debug)]
pub enum Source {
    Zipf(ZipfLaw),
    Pycrp(PitmanYor),
}

/// One draw: the entity's index in its universe (0-based), whether the source
/// knows it to be new, and the oracle's identity bits `-log2 P(e)`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Draw {
    pub index: u64,
    pub new: bool,
    pub bits: f64,
}

impl Source {
    pub fn new(p: &GeneratorParams) -> Self {
        match p.source {
            SourceKind::Zipf => Source::Zipf(ZipfLaw::new(p.entities, p.zipf_offset, p.zipf_s())),
            SourceKind::Pycrp => Source::Pycrp(PitmanYor::new(p.alpha, p.beta)),
        }
    }

    #[inline]
    pub fn draw(&mut self, rng: &mut SkRng) -> Draw {
        match self {
            Source::Zipf(z) => {
                let rank = z.sample(rng);
                Draw { index: rank - 1, new: false, bits: z.bits(rank) }
            }
            Source::Pycrp(py) => {
                let s = py.seat(rng);
                Draw { index: s.index, new: s.new, bits: s.bits }
            }
        }
    }
}
