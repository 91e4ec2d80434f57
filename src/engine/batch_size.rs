//! How many sentences the engine advances between two looks at the world
//! outside it (the live driver's controls, the headless recorder's stop
//! flag): sized by time, so that a fast run makes few calls (each fills and
//! drains the learner threads' pipeline) and a slow one still answers
//! promptly.

use std::time::Duration;

/// Bounds of the batch, in sentences.
const SMALLEST: u64 = 16;
const LARGEST: u64 = 1 << 20;

/// A batch size that doubles while a whole batch takes under half of
/// `target` and halves while a batch takes over twice `target`.
#[derive(Clone, Copy, Debug)]
pub struct BatchSize {
    sentences: u64,
    target: Duration,
}

impl BatchSize {
    pub fn new(first: u64, target: Duration) -> Self {
        BatchSize { sentences: first, target }
    }

    /// Sentences to advance by next.
    pub fn get(&self) -> u64 {
        self.sentences
    }

    /// After a batch that ran `done` sentences in `took`: only a whole
    /// batch (not one cut short by a checkpoint or a learner catching up)
    /// tells how long a whole one takes, so only it may grow the next.
    pub fn adapt(&mut self, done: u64, took: Duration) {
        let whole = done == self.sentences;
        if whole && took < self.target / 2 && self.sentences < LARGEST {
            self.sentences *= 2;
        } else if took > self.target * 2 && self.sentences > SMALLEST {
            self.sentences /= 2;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grows_on_fast_whole_batches_and_shrinks_on_slow_ones_within_bounds() {
        let ms = Duration::from_millis;
        let mut b = BatchSize::new(1024, ms(10));
        b.adapt(1024, ms(1));
        assert_eq!(b.get(), 2048, "a fast whole batch doubles");
        b.adapt(100, ms(1));
        assert_eq!(b.get(), 2048, "a batch cut short says nothing of a whole one");
        b.adapt(2048, ms(10));
        assert_eq!(b.get(), 2048, "on target: kept");
        b.adapt(2048, ms(30));
        assert_eq!(b.get(), 1024, "a slow batch halves");
        for _ in 0..20 {
            let n = b.get();
            b.adapt(n, ms(0));
        }
        assert_eq!(b.get(), LARGEST);
        for _ in 0..30 {
            let n = b.get();
            b.adapt(n, ms(100));
        }
        assert_eq!(b.get(), SMALLEST);
    }
}
