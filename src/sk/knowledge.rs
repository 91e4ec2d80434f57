//! Entities and their facts (docs/theory.md, "Knowledge: entities, names, attributes, values"), derived on demand from the seed
//! and the entity's index, so memory never grows with the universe.
//!
//! - Names: a seeded bijection (a Feistel network with cycle-walking) maps the
//!   entity index onto `0..V_name^L_name`, whose base-`V_name` digits are the
//!   name's tokens: distinct names by construction.
//! - Facts: `v(e, a)` is drawn once from `H_a(v) ∝ v^-sigma` by an alias table
//!   indexed with a keyed hash of `(e, a)`: fixed for the whole run.
//! - Noise: with probability `epsilon` a sentence states a value drawn afresh
//!   from `H_a`.

use super::alias::AliasTable;
use super::params::GeneratorParams;
use super::rng::{SkRng, mix};
use super::vocab::{Token, Vocab};

/// An entity: its universe (0 for pre-training, 1, 2, … for the new entities
/// of fine-tuning phases) in the top 16 bits, its index below.
pub type EntityId = u64;

const INDEX_BITS: u32 = 48;
/// Entity indices whose name position is cached.
const NAME_CACHE: u64 = 4096;

/// `H_a`'s weights: value `v` (from 1) has weight `v^-value_skew`.
fn value_weights(p: &GeneratorParams) -> Vec<f64> {
    (1..=p.values).map(|v| (v as f64).powf(-p.value_skew)).collect()
}

/// `H(H_a)`, the entropy of the value base measure in bits: the same table,
/// so the same bits, as `Knowledge::value_law().entropy_bits()`.
pub fn value_entropy_bits(p: &GeneratorParams) -> f64 {
    AliasTable::new(&value_weights(p)).entropy_bits()
}

pub fn entity_id(universe: u32, index: u64) -> EntityId {
    ((universe as u64) << INDEX_BITS) | index
}

pub fn universe_of(e: EntityId) -> u32 {
    (e >> INDEX_BITS) as u32
}

pub fn index_of(e: EntityId) -> u64 {
    e & ((1 << INDEX_BITS) - 1)
}

#[derive(Clone, Debug)]
pub struct Knowledge {
    /// Keys the facts (per universe).
    key: u64,
    /// Keys the name bijection (one for all universes).
    name_key: u64,
    /// Where this universe's entities start in the name space: universes
    /// occupy disjoint ranges, so every name of a run is distinct.
    name_offset: u64,
    name_length: u32,
    name_alphabet: u64,
    /// Size of the name space, capped at 2^62.
    name_space: u64,
    /// Half-width in bits of the Feistel network's domain.
    half_bits: u32,
    /// `name_index` of the first `NAME_CACHE` entity indices (the most
    /// frequent ones), computed once.
    head_names: Vec<u64>,
    attributes: u32,
    /// `H_a`, the same law for every attribute.
    base: AliasTable,
    noise: f64,
    /// `fact_bits(v, v)` and `fact_bits(t, v)` for `t != v`, by value `v`:
    /// the oracle's fact bits, taken once.
    agree_bits: Vec<f64>,
    other_bits: Vec<f64>,
}

impl Knowledge {
    /// Knowledge of one universe; its names are the bijection's images of
    /// `name_offset + index`.
    pub fn new(p: &GeneratorParams, seed: u64, universe: u32, name_offset: u64) -> Self {
        let name_space = p.name_space().min(1 << 62);
        let bits = 64 - (name_space - 1).leading_zeros();
        let half_bits = bits.div_ceil(2).max(1);
        let mut k = Knowledge {
            key: mix(seed ^ ((universe as u64) << 40), 0x4b4e_4f57),
            name_key: mix(seed, 0x4e41_4d45),
            name_offset,
            name_length: p.name_length,
            name_alphabet: p.name_alphabet as u64,
            name_space,
            half_bits,
            head_names: Vec::new(),
            attributes: p.attributes,
            base: AliasTable::new(&value_weights(p)),
            noise: p.fact_noise,
            agree_bits: Vec::new(),
            other_bits: Vec::new(),
        };
        let values = p.values as usize;
        k.agree_bits = (0..values).map(|v| k.channel_bits(true, v)).collect();
        k.other_bits = (0..values).map(|v| k.channel_bits(false, v)).collect();
        k.head_names = (0..NAME_CACHE.min(name_space)).map(|i| k.walk_name(i)).collect();
        k
    }

    /// `H_a`, the value base measure.
    pub fn value_law(&self) -> &AliasTable {
        &self.base
    }

    pub fn noise(&self) -> f64 {
        self.noise
    }

    /// The entity's position in the name space (a bijection of its id).
    #[inline]
    pub fn name_index(&self, e: EntityId) -> u64 {
        let i = index_of(e);
        match self.head_names.get(i as usize) {
            Some(&x) => x,
            None => self.walk_name(i),
        }
    }

    /// The bijection by cycle-walking the Feistel network.
    fn walk_name(&self, index: u64) -> u64 {
        let key = self.name_key;
        let mut x = (index + self.name_offset) % self.name_space;
        loop {
            x = self.feistel(x, key);
            if x < self.name_space {
                return x;
            }
        }
    }

    fn feistel(&self, x: u64, key: u64) -> u64 {
        let mask = (1u64 << self.half_bits) - 1;
        let (mut left, mut right) = (x >> self.half_bits, x & mask);
        for round in 0..4u64 {
            let f = mix(key ^ round, right) & mask;
            (left, right) = (right, left ^ f);
        }
        (left << self.half_bits) | right
    }

    /// Writes the name's `L_name` tokens.
    pub fn name_tokens(&self, e: EntityId, vocab: &Vocab, out: &mut Vec<Token>) {
        let mut x = self.name_index(e);
        let start = out.len();
        if self.name_alphabet.is_power_of_two() {
            // Digits by shifts: the same digits as the division below.
            let shift = self.name_alphabet.trailing_zeros();
            for _ in 0..self.name_length {
                out.push(vocab.name_syllable((x & (self.name_alphabet - 1)) as u32));
                x >>= shift;
            }
        } else {
            for _ in 0..self.name_length {
                out.push(vocab.name_syllable((x % self.name_alphabet) as u32));
                x /= self.name_alphabet;
            }
        }
        out[start..].reverse();
    }

    /// The true value `v(e, a)`.
    #[inline]
    pub fn true_value(&self, e: EntityId, attribute: u32) -> u32 {
        let word = mix(self.key ^ 0xFAC7, e.wrapping_mul(self.attributes as u64) + attribute as u64);
        self.base.sample(word) as u32
    }

    /// The value a sentence states and the oracle's fact bits for it:
    /// `-log2((1-eps)[v = v*] + eps H_a(v))`.
    #[inline]
    pub fn stated_value(&self, truth: u32, rng: &mut SkRng) -> (u32, f64) {
        if self.noise == 0.0 {
            return (truth, 0.0);
        }
        let value = if rng.open01() < self.noise { self.base.sample(rng.next_u64()) as u32 } else { truth };
        (value, self.fact_bits(truth, value))
    }

    /// `-log2 P(stated = value | truth)` under the noise model.
    #[inline]
    pub fn fact_bits(&self, truth: u32, value: u32) -> f64 {
        let table = if value == truth { &self.agree_bits } else { &self.other_bits };
        table[value as usize]
    }

    fn channel_bits(&self, same: bool, value: usize) -> f64 {
        let agree = if same { 1.0 - self.noise } else { 0.0 };
        -(agree + self.noise * self.base.prob(value)).log2()
    }

    /// Entropy of the noise channel in bits for each true value `v*`:
    /// the expected fact bits of a sentence whose fact has that truth.
    pub fn channel_entropy_bits(&self) -> Vec<f64> {
        let n = self.base.len();
        (0..n)
            .map(|truth| {
                if self.noise == 0.0 {
                    return 0.0;
                }
                (0..n)
                    .map(|v| {
                        let bits = self.fact_bits(truth as u32, v as u32);
                        let p = (-bits).exp2();
                        if p > 0.0 { p * bits } else { 0.0 }
                    })
                    .sum()
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn names_are_distinct_even_when_the_space_is_full() {
        // 5^6 = 15625 names for 15625 entities: a bijection or a failure.
        let p = GeneratorParams { name_alphabet: 5, name_length: 6, entities: 15_625, ..Default::default() };
        let k = Knowledge::new(&p, 3, 0, 0);
        let v = Vocab::new(&p);
        let mut names = HashSet::new();
        for i in 0..15_625 {
            let mut t = Vec::new();
            k.name_tokens(entity_id(0, i), &v, &mut t);
            assert_eq!(t.len(), 6);
            assert!(names.insert(t), "duplicate name at {i}");
        }
    }

    #[test]
    fn universes_get_other_names_and_facts() {
        // Two universes side by side fill a small name space without a clash.
        let p = GeneratorParams { name_alphabet: 4, name_length: 6, entities: 3000, ..Default::default() };
        let old = Knowledge::new(&p, 3, 0, 0);
        let new = Knowledge::new(&p, 3, 1, 3000);
        let mut names: Vec<u64> = (0..3000).map(|i| old.name_index(entity_id(0, i))).collect();
        names.extend((0..1096).map(|i| new.name_index(entity_id(1, i))));
        names.sort();
        names.dedup();
        assert_eq!(names.len(), 4096);
        let p = GeneratorParams::default();
        let k = Knowledge::new(&p, 3, 0, 0);
        let k1 = Knowledge::new(&p, 3, 1, p.entities);
        let facts = (0..1000)
            .filter(|&i| k.true_value(entity_id(0, i), 0) == k1.true_value(entity_id(1, i), 0))
            .count();
        // Uniform over 64 values: about 1000/64 = 16 agree by chance.
        assert!(facts < 40, "{facts}");
    }

    #[test]
    fn noise_channel_is_a_distribution() {
        let p = GeneratorParams { fact_noise: 0.3, value_skew: 1.2, values: 10, ..Default::default() };
        let k = Knowledge::new(&p, 1, 0, 0);
        for truth in 0..10 {
            let total: f64 = (0..10).map(|v| (-k.fact_bits(truth, v)).exp2()).sum();
            assert!((total - 1.0).abs() < 1e-12);
        }
    }
}
