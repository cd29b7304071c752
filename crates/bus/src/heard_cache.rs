//! A cache kept true by events: what a replica keeps in memory between requests (a user's
//! row, a procedure as readers see it), forgotten as soon as a [`listen`](crate::consumer::listen)
//! hears that it changed.
//!
//! It is only as good as the events: while the listener is not hearing (the broker is away, or
//! it has not connected yet) nothing is kept and every request reads the database; when it hears
//! again the cache starts empty, since what happened in between was missed. An entry also dies
//! after `ttl`, so an event lost in flight costs at most that. A row read before a forgetting
//! is not kept (it may predate the change): [`HeardCache::begin`] before reading,
//! [`HeardCache::keep`] after.

use std::{
    borrow::Borrow,
    collections::HashMap,
    hash::Hash,
    sync::{
        atomic::{AtomicBool, AtomicU64, Ordering},
        Mutex, PoisonError,
    },
    time::{Duration, Instant},
};

use crate::{consumer::Heard, envelope::Envelope};

/// What an event means for a cache.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Forget<K> {
    One(K),
    All,
    Nothing,
}

struct Entries<K, V> {
    map: HashMap<K, (V, Instant, usize)>,
    weight: usize,
}

pub struct HeardCache<K, V> {
    entries: Mutex<Entries<K, V>>,
    hearing: AtomicBool,
    generation: AtomicU64,
    ttl: Duration,
    max_weight: usize,
}

/// What [`HeardCache::begin`] saw, for [`HeardCache::keep`].
#[derive(Debug, Clone, Copy)]
pub struct Generation(Option<u64>);

impl<K: Eq + Hash + Clone, V: Clone> HeardCache<K, V> {
    /// Entries live `ttl` at most; their weights (see [`HeardCache::keep`]) add up to
    /// `max_weight` at most.
    pub fn new(ttl: Duration, max_weight: usize) -> Self {
        Self {
            entries: Mutex::new(Entries { map: HashMap::new(), weight: 0 }),
            hearing: AtomicBool::new(false),
            generation: AtomicU64::new(0),
            ttl,
            max_weight,
        }
    }

    /// A cache no event can make wrong (what it keeps is true until it expires): it serves
    /// from the start and needs no listener.
    pub fn unheard(ttl: Duration, max_weight: usize) -> Self {
        let cache = Self::new(ttl, max_weight);
        cache.hearing.store(true, Ordering::Release);
        cache
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Entries<K, V>> {
        self.entries.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The kept value if it is fresh.
    pub fn get<Q>(&self, key: &Q) -> Option<V>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        if !self.hearing.load(Ordering::Acquire) {
            return None;
        }
        let entries = self.lock();
        entries.map.get(key).filter(|(_, at, _)| at.elapsed() < self.ttl).map(|(value, _, _)| value.clone())
    }

    /// Taken before reading what [`HeardCache::keep`] will keep.
    pub fn begin(&self) -> Generation {
        Generation(self.hearing.load(Ordering::Acquire).then(|| self.generation.load(Ordering::Acquire)))
    }

    /// Keeps `value` (read after `seen`) unless something was forgotten since or the listener
    /// was deaf. `weight` counts toward `max_weight` (1 for rows, the size for bodies); when
    /// full, expired entries go, then everything.
    pub fn keep(&self, seen: Generation, key: K, value: V, weight: usize) {
        if weight > self.max_weight {
            return;
        }
        let mut entries = self.lock();
        // Checked under the lock `forget` takes too, so no forgetting slips in between.
        if seen.0 != Some(self.generation.load(Ordering::Acquire)) || !self.hearing.load(Ordering::Acquire) {
            return;
        }
        if let Some((_, _, old)) = entries.map.remove(&key) {
            entries.weight -= old;
        }
        if entries.weight + weight > self.max_weight {
            let ttl = self.ttl;
            entries.map.retain(|_, (_, at, _)| at.elapsed() < ttl);
            entries.weight = entries.map.values().map(|(_, _, w)| w).sum();
            if entries.weight + weight > self.max_weight {
                entries.map.clear();
                entries.weight = 0;
            }
        }
        entries.map.insert(key, (value, Instant::now(), weight));
        entries.weight += weight;
    }

    /// Forgets at once, here: what this replica just wrote (others hear the event).
    pub fn forget(&self, what: Forget<K>) {
        if what == Forget::Nothing {
            return;
        }
        let mut entries = self.lock();
        self.generation.fetch_add(1, Ordering::AcqRel);
        match what {
            Forget::One(key) => {
                if let Some((_, _, weight)) = entries.map.remove(&key) {
                    entries.weight -= weight;
                }
            }
            _ => {
                entries.map.clear();
                entries.weight = 0;
            }
        }
    }

    /// What the listener heard; `meaning` says what an event forgets (an event that does not
    /// read as an envelope forgets everything).
    pub fn heard(&self, heard: Heard, meaning: impl Fn(&Envelope) -> Forget<K>) {
        match heard {
            Heard::Listening => {
                self.forget(Forget::All);
                self.hearing.store(true, Ordering::Release);
            }
            Heard::Deaf => {
                self.hearing.store(false, Ordering::Release);
                self.forget(Forget::All);
            }
            Heard::Event(incoming) => match serde_json::from_slice::<Envelope>(&incoming.body) {
                Ok(envelope) => self.forget(meaning(&envelope)),
                Err(_) => self.forget(Forget::All),
            },
        }
    }

    /// The entries kept and their total weight.
    pub fn size(&self) -> (usize, usize) {
        let entries = self.lock();
        (entries.map.len(), entries.weight)
    }
}

#[cfg(test)]
mod tests {
    use uuid::Uuid;

    use super::*;
    use crate::{consumer::Incoming, envelope::Event};

    fn user_updated(user_id: Uuid) -> Heard {
        let envelope = Envelope::new(Event::UserUpdated { user_id, role: "viewer".into(), is_active: false }, None);
        Heard::Event(Incoming {
            body: serde_json::to_vec(&envelope).unwrap(),
            message_id: None,
            correlation_id: None,
            message_type: Some("user.updated".into()),
            delivery_count: 0,
            death: None,
        })
    }

    fn by_user(envelope: &Envelope) -> Forget<Uuid> {
        match envelope.event {
            Event::UserUpdated { user_id, .. } => Forget::One(user_id),
            _ => Forget::Nothing,
        }
    }

    #[test]
    fn keeps_nothing_until_it_hears_events_nor_after_it_stops() {
        let cache = HeardCache::new(Duration::from_secs(60), 10);
        let id = Uuid::now_v7();
        cache.keep(cache.begin(), id, "row", 1);
        assert_eq!(cache.get(&id), None, "deaf: nothing is kept");

        cache.heard(Heard::Listening, by_user);
        cache.keep(cache.begin(), id, "row", 1);
        assert_eq!(cache.get(&id), Some("row"));

        cache.heard(Heard::Deaf, by_user);
        assert_eq!(cache.get(&id), None, "deaf again: nothing is served");
        cache.heard(Heard::Listening, by_user);
        assert_eq!(cache.get(&id), None, "hearing again starts empty");
    }

    #[test]
    fn an_event_forgets_its_key_and_a_value_read_before_it_is_not_kept() {
        let cache = HeardCache::new(Duration::from_secs(60), 10);
        cache.heard(Heard::Listening, by_user);
        let (a, b) = (Uuid::now_v7(), Uuid::now_v7());
        cache.keep(cache.begin(), a, "a", 1);
        cache.keep(cache.begin(), b, "b", 1);

        let read_before = cache.begin();
        cache.heard(user_updated(a), by_user);
        assert_eq!(cache.get(&a), None);
        assert_eq!(cache.get(&b), Some("b"), "another key stays");
        cache.keep(read_before, a, "stale a", 1);
        assert_eq!(cache.get(&a), None, "a value read before the event may be stale");

        let garbled = Incoming {
            body: b"not json".to_vec(),
            message_id: None,
            correlation_id: None,
            message_type: None,
            delivery_count: 0,
            death: None,
        };
        cache.heard(Heard::Event(garbled), by_user);
        assert_eq!(cache.size(), (0, 0), "an unreadable event forgets everything");
    }

    #[test]
    fn entries_expire_and_weights_are_bounded() {
        let cache = HeardCache::new(Duration::ZERO, 10);
        cache.heard(Heard::Listening, by_user);
        let id = Uuid::now_v7();
        cache.keep(cache.begin(), id, "row", 1);
        assert_eq!(cache.get(&id), None, "expired at once");

        let cache = HeardCache::new(Duration::from_secs(60), 10);
        cache.heard(Heard::Listening, by_user);
        for _ in 0..7 {
            cache.keep(cache.begin(), Uuid::now_v7(), "body", 4);
        }
        assert!(cache.size().1 <= 10, "{:?}", cache.size());
        cache.keep(cache.begin(), id, "too big", 11);
        assert_eq!(cache.get(&id), None, "heavier than the whole cache: not kept");
    }
}
