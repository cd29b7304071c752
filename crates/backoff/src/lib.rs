//! The one pace of every retry loop in Gamme (broker reconnects, the outbox relay, calls to the
//! language model, start-up waits for the database): `backon`'s exponential backoff, doubling
//! from a first delay up to a ceiling.
//!
//! Jitter is ours, not backon's: backon adds up to 100 % of a delay, which would double the
//! ceilings the loops promise; here it adds up to a quarter, enough that replicas which lost the
//! broker together do not all come back in the same millisecond.

use std::time::Duration;

use backon::{BackoffBuilder, ExponentialBackoff, ExponentialBuilder};

/// Delays for one retry loop: `first`, doubled after each failure, never above `max` (plus
/// jitter when asked for). `reset` after a success starts again from `first`.
#[derive(Debug)]
pub struct Backoff {
    policy: ExponentialBuilder,
    delays: ExponentialBackoff,
    max: Duration,
    jitter: bool,
}

impl Backoff {
    pub fn exponential(first: Duration, max: Duration) -> Self {
        let max = max.max(first);
        let policy =
            ExponentialBuilder::new().with_min_delay(first).with_max_delay(max).with_factor(2.0).without_max_times();
        Self { policy, delays: policy.build(), max, jitter: false }
    }

    /// Each delay gets up to a quarter more, at random.
    pub fn with_jitter(mut self) -> Self {
        self.jitter = true;
        self
    }

    /// The delay before the next try.
    pub fn next_delay(&mut self) -> Duration {
        // Without a maximum number of tries the iterator never ends.
        let base = self.delays.next().unwrap_or(self.max);
        if self.jitter {
            let quarter = u64::try_from(base.as_millis() / 4).unwrap_or(u64::MAX);
            base + Duration::from_millis(fastrand::u64(0..=quarter))
        } else {
            base
        }
    }

    /// After a success: the next failure waits `first` again.
    pub fn reset(&mut self) {
        self.delays = self.policy.build();
    }

    /// The delay before retry number `n` (1 for the first) of a loop whose tries are counted
    /// elsewhere, e.g. a job's attempts kept in the database. No jitter.
    pub fn nth(&self, n: u32) -> Duration {
        self.policy.build().nth(n.max(1) as usize - 1).unwrap_or(self.max)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_to_its_ceiling() {
        let mut b = Backoff::exponential(Duration::from_millis(200), Duration::from_secs(2)).with_jitter();
        let delays: Vec<_> = (0..8).map(|_| b.next_delay()).collect();
        assert!(delays[0] < Duration::from_millis(300));
        assert!(delays[7] >= Duration::from_secs(2) && delays[7] < Duration::from_millis(2600));
    }

    #[test]
    fn reset_starts_again_from_the_first_delay() {
        let mut b = Backoff::exponential(Duration::from_millis(100), Duration::from_secs(10));
        for _ in 0..5 {
            b.next_delay();
        }
        b.reset();
        assert_eq!(b.next_delay(), Duration::from_millis(100));
    }

    #[test]
    fn nth_doubles_from_the_first_delay_up_to_the_ceiling() {
        let b = Backoff::exponential(Duration::from_secs(2), Duration::from_secs(30));
        let delays: Vec<_> = (1..=6).map(|n| b.nth(n).as_secs()).collect();
        assert_eq!(delays, [2, 4, 8, 16, 30, 30]);
    }
}
