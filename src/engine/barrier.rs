//! A barrier for the learner threads' steps (`engine/parallel.rs`): a step
//! lasts a few hundred microseconds, and `std::sync::Barrier` puts every
//! thread but the last to sleep, so each step paid the kernel's wake-up
//! (tens of microseconds on a virtual machine) on its critical path. This
//! one waits a short while awake first, then sleeps as `std`'s does, so a
//! machine with fewer free cores than threads is not kept busy.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex};
use std::time::{Duration, Instant};

/// How long a thread waits awake before it sleeps: longer than a step's
/// usual imbalance, short beside a step.
const AWAKE: Duration = Duration::from_micros(50);

pub struct Barrier {
    threads: usize,
    arrived: AtomicUsize,
    /// Steps completed: a waiter leaves when it changes.
    generation: AtomicUsize,
    lock: Mutex<()>,
    wake: Condvar,
}

impl Barrier {
    pub fn new(threads: usize) -> Self {
        Barrier {
            threads: threads.max(1),
            arrived: AtomicUsize::new(0),
            generation: AtomicUsize::new(0),
            lock: Mutex::new(()),
            wake: Condvar::new(),
        }
    }

    /// Returns once all `threads` threads have called it for this step.
    pub fn wait(&self) {
        let generation = self.generation.load(Ordering::Acquire);
        if self.arrived.fetch_add(1, Ordering::AcqRel) + 1 == self.threads {
            self.arrived.store(0, Ordering::Relaxed);
            self.generation.store(generation.wrapping_add(1), Ordering::Release);
            // Taking the lock orders the wake after any sleeper's check.
            drop(self.lock.lock().unwrap_or_else(|e| e.into_inner()));
            self.wake.notify_all();
            return;
        }
        let passed = || self.generation.load(Ordering::Acquire) != generation;
        let start = Instant::now();
        while start.elapsed() < AWAKE {
            for _ in 0..64 {
                if passed() {
                    return;
                }
                std::hint::spin_loop();
            }
        }
        let mut guard = self.lock.lock().unwrap_or_else(|e| e.into_inner());
        while !passed() {
            guard = self.wake.wait(guard).unwrap_or_else(|e| e.into_inner());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicU64;

    /// No thread passes step `k` before every thread has finished step
    /// `k - 1`'s work: each adds to step k's counter, then waits, then
    /// checks that the counter holds all threads' additions. With threads
    /// that sleep (a long step) and with threads that do not.
    #[test]
    fn no_thread_leaves_a_step_early() {
        for (threads, pause) in [(2, 0), (3, 0), (4, 200), (2, 300)] {
            let barrier = Barrier::new(threads);
            let steps = 200;
            let counts: Vec<AtomicU64> = (0..steps).map(|_| AtomicU64::new(0)).collect();
            std::thread::scope(|scope| {
                for t in 0..threads {
                    let (barrier, counts) = (&barrier, &counts);
                    scope.spawn(move || {
                        for (k, count) in counts.iter().enumerate() {
                            if pause > 0 && (k + t) % 7 == 0 {
                                std::thread::sleep(Duration::from_micros(pause));
                            }
                            count.fetch_add(1, Ordering::SeqCst);
                            barrier.wait();
                            assert_eq!(count.load(Ordering::SeqCst), threads as u64, "step {k}");
                        }
                    });
                }
            });
        }
    }
}
