//! The distinct entities a run has seen, in all and per universe: one test
//! per sentence, so it is a bit per entity index where indices are dense
//! (the head of zipf ranks, or a pycrp universe's creation order), not a
//! hash lookup of every id seen. Indices past [`DENSE`] (the far tail of a
//! large zipf universe, seen rarely and sparsely) go to a hash set, so the
//! bits take at most 2 MiB per universe.

use rustc_hash::FxHashSet;

use crate::sk::EntityId;
use crate::sk::knowledge::{index_of, universe_of};

/// Entity indices kept as bits (2 MiB of them).
pub const DENSE: u64 = 1 << 24;

#[derive(Clone, Debug, Default)]
pub struct DistinctEntities {
    /// The universes seen, in order of their first entity (a run has one,
    /// or two with fine-tuning on a fresh universe).
    universes: Vec<Universe>,
    /// Entities whose index is past [`DENSE`].
    sparse: FxHashSet<EntityId>,
    total: u64,
}

#[derive(Clone, Debug)]
struct Universe {
    id: u32,
    /// Bit `i` of the words: the entity of index `i` was seen.
    seen: Vec<u64>,
    distinct: u64,
}

impl DistinctEntities {
    /// Marks `e` seen; true if it was not before.
    #[inline]
    pub fn insert(&mut self, e: EntityId) -> bool {
        let id = universe_of(e);
        let u = match self.universes.iter().position(|u| u.id == id) {
            Some(u) => u,
            None => {
                self.universes.push(Universe { id, seen: Vec::new(), distinct: 0 });
                self.universes.len() - 1
            }
        };
        let universe = &mut self.universes[u];
        let i = index_of(e);
        let new = if i < DENSE {
            let word = (i / 64) as usize;
            if word >= universe.seen.len() {
                // Doubling: amortised O(1) growth.
                let len = (word + 1).max(2 * universe.seen.len());
                universe.seen.resize(len, 0);
            }
            let bit = 1 << (i % 64);
            let new = universe.seen[word] & bit == 0;
            universe.seen[word] |= bit;
            new
        } else {
            self.sparse.insert(e)
        };
        if new {
            universe.distinct += 1;
            self.total += 1;
        }
        new
    }

    /// Distinct entities seen.
    pub fn len(&self) -> u64 {
        self.total
    }

    pub fn is_empty(&self) -> bool {
        self.total == 0
    }

    /// Distinct entities seen of universe `id`.
    pub fn in_universe(&self, id: u32) -> u64 {
        self.universes.iter().find(|u| u.id == id).map_or(0, |u| u.distinct)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sk::knowledge::entity_id;
    use crate::sk::rng::SkRng;
    use std::collections::{HashMap, HashSet};

    /// The same answers as a hash set of ids over two universes, indices
    /// close together, spread out and past [`DENSE`], many seen many times.
    #[test]
    fn counts_what_a_set_of_ids_counts() {
        let mut rng = SkRng::new(3, 4);
        let mut distinct = DistinctEntities::default();
        let mut set = HashSet::new();
        let mut per_universe: HashMap<u32, u64> = HashMap::new();
        for _ in 0..200_000 {
            let universe = rng.below(2) as u32 * 5;
            let index = match rng.below(3) {
                0 => rng.below(1000),
                1 => rng.below(DENSE),
                _ => DENSE + rng.below(1000),
            };
            let e = entity_id(universe, index);
            let new = set.insert(e);
            assert_eq!(distinct.insert(e), new, "entity {e}");
            if new {
                *per_universe.entry(universe).or_default() += 1;
            }
        }
        assert_eq!(distinct.len(), set.len() as u64);
        for universe in [0, 5, 7] {
            assert_eq!(distinct.in_universe(universe), per_universe.get(&universe).copied().unwrap_or(0));
        }
    }
}
