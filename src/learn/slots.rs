//! Where a Bayes or capped learner keeps each entity's record: one look-up
//! per sentence, so it is an array read for the entities most sentences are
//! about, and a hash look-up for the rest.
//!
//! Entity ids are dense where sentences fall: an id's low bits are its zipf
//! rank (minus one) or its pycrp order of first appearance, and the first
//! universe's ids are those indices themselves. So ids below [`HEAD`] index
//! a fixed table, and the others go to a hash map. The table costs 16 KiB
//! whatever the learner stores.

use rustc_hash::FxHashMap;

use crate::sk::EntityId;

/// Ids kept in the table: the 4096 most frequent entities of the first
/// universe (in the `data-scaling` preset, all but 2 sentences in 10^4).
pub const HEAD: usize = 4096;

/// The table's mark of an id without a record.
const NONE: u32 = u32::MAX;

/// A map from entity ids to record indices (`u32`).
#[derive(Clone, Debug)]
pub struct Slots {
    head: Vec<u32>,
    rest: FxHashMap<EntityId, u32>,
}

impl Default for Slots {
    fn default() -> Self {
        Slots { head: vec![NONE; HEAD], rest: FxHashMap::default() }
    }
}

impl Slots {
    /// The record of `e`, if it has one.
    #[inline(always)]
    pub fn get(&self, e: EntityId) -> Option<usize> {
        match self.head.get(e as usize) {
            Some(&i) => (i != NONE).then_some(i as usize),
            None => self.rest.get(&e).map(|&i| i as usize),
        }
    }

    /// Gives `e` the record `i`, replacing any it had.
    pub fn insert(&mut self, e: EntityId, i: usize) {
        match self.head.get_mut(e as usize) {
            Some(slot) => *slot = i as u32,
            None => {
                self.rest.insert(e, i as u32);
            }
        }
    }

    /// Removes `e`'s record, if it has one.
    pub fn remove(&mut self, e: EntityId) {
        match self.head.get_mut(e as usize) {
            Some(slot) => *slot = NONE,
            None => {
                self.rest.remove(&e);
            }
        }
    }

    /// Every id with a record: the table's in id order, then the map's.
    pub fn ids(&self) -> impl Iterator<Item = EntityId> + '_ {
        let head = self.head.iter().enumerate().filter(|&(_, &i)| i != NONE).map(|(e, _)| e as EntityId);
        head.chain(self.rest.keys().copied())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sk::knowledge::entity_id;
    use crate::sk::rng::SkRng;
    use std::collections::HashMap;

    /// Random inserts, moves and removals of ids in the table's range, past
    /// it and of another universe give what a plain hash map gives.
    #[test]
    fn slots_behave_as_a_map() {
        let mut rng = SkRng::new(1, 2);
        let mut slots = Slots::default();
        let mut want: HashMap<EntityId, usize> = HashMap::new();
        let ids: Vec<EntityId> = (0..200)
            .map(|k| match k % 3 {
                0 => rng.below(HEAD as u64),
                1 => HEAD as u64 + rng.below(1 << 30),
                _ => entity_id(1, rng.below(HEAD as u64)),
            })
            .chain([0, HEAD as u64 - 1, HEAD as u64])
            .collect();
        for step in 0..20_000 {
            let e = ids[rng.below(ids.len() as u64) as usize];
            if rng.below(3) == 0 {
                slots.remove(e);
                want.remove(&e);
            } else {
                slots.insert(e, step);
                want.insert(e, step);
            }
            assert_eq!(slots.get(e), want.get(&e).copied(), "id {e} after step {step}");
        }
        for &e in &ids {
            assert_eq!(slots.get(e), want.get(&e).copied(), "id {e}");
        }
        let mut listed: Vec<EntityId> = slots.ids().collect();
        let mut expected: Vec<EntityId> = want.keys().copied().collect();
        listed.sort();
        expected.sort();
        assert_eq!(listed, expected);
    }
}
