//! Bounded caches of encoded answers, first in first out, capped by a byte budget.
//!
//! - [`FifoCache`]: the mechanism, for any key and any bytes.
//! - [`TileCache`]: the base map's tiles (static: kept for the life of the server).
//! - [`PageCache`]: pages that depend on the store only (territory pages), kept for one
//!   [`generation`](crate::store::ActorStore::generation) of the store's data and emptied
//!   when it changes (a new snapshot), so that no page outlives the data it shows.

use crate::store::TerritoryLevel;
use crate::tiles::TileId;
use std::collections::{HashMap, VecDeque};
use std::hash::Hash;
use std::ops::Deref;
use std::sync::{Arc, Mutex};

#[derive(Debug)]
struct Entries<K, V> {
    values: HashMap<K, V>,
    /// Keys in insertion order.
    order: VecDeque<K>,
    bytes: usize,
}

/// At most `max_bytes` of values (their length); the oldest leave first.
#[derive(Debug)]
pub struct FifoCache<K, V> {
    max_bytes: usize,
    inner: Mutex<Entries<K, V>>,
}

/// A value's weight in the budget: its length in bytes.
fn size<V: Deref<Target: AsRef<[u8]>>>(v: &V) -> usize {
    (**v).as_ref().len()
}

impl<K: Eq + Hash + Clone, V: Clone + Deref<Target: AsRef<[u8]>>> FifoCache<K, V> {
    pub fn new(max_bytes: usize) -> Self {
        Self {
            max_bytes,
            inner: Mutex::new(Entries {
                values: HashMap::new(),
                order: VecDeque::new(),
                bytes: 0,
            }),
        }
    }

    pub fn get(&self, key: &K) -> Option<V> {
        let inner = self.inner.lock().expect("cache lock");
        inner.values.get(key).cloned()
    }

    pub fn put(&self, key: K, value: V) {
        let mut inner = self.inner.lock().expect("cache lock");
        let weight = size(&value);
        match inner.values.insert(key.clone(), value) {
            Some(old) => inner.bytes -= size(&old),
            None => inner.order.push_back(key),
        }
        inner.bytes += weight;
        while inner.bytes > self.max_bytes {
            let Some(old) = inner.order.pop_front() else {
                break;
            };
            if let Some(v) = inner.values.remove(&old) {
                inner.bytes -= size(&v);
            }
        }
    }

    pub fn clear(&self) {
        let mut inner = self.inner.lock().expect("cache lock");
        inner.values.clear();
        inner.order.clear();
        inner.bytes = 0;
    }

    pub fn len(&self) -> usize {
        self.inner.lock().expect("cache lock").values.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Encoded tiles by layer and address.
pub type TileCache = FifoCache<(&'static str, TileId), Arc<Vec<u8>>>;

/// Rendered pages by territory, for one generation of the store's data.
#[derive(Debug)]
pub struct PageCache {
    generation: Mutex<Option<u64>>,
    pages: FifoCache<(TerritoryLevel, String), axum::body::Bytes>,
}

impl PageCache {
    pub fn new(max_bytes: usize) -> Self {
        Self {
            generation: Mutex::new(None),
            pages: FifoCache::new(max_bytes),
        }
    }

    /// The page of a territory rendered from data of `generation`; a page of another
    /// generation is never given (the first call with a new generation empties the cache).
    /// `None` as generation: the store cannot tell, nothing is cached.
    pub fn get(
        &self,
        generation: Option<u64>,
        level: TerritoryLevel,
        code: &str,
    ) -> Option<axum::body::Bytes> {
        let generation = generation?;
        self.turn(generation);
        self.pages.get(&(level, code.to_owned()))
    }

    /// Keeps a page rendered from data of `generation`.
    pub fn put(
        &self,
        generation: Option<u64>,
        level: TerritoryLevel,
        code: &str,
        page: axum::body::Bytes,
    ) {
        let Some(generation) = generation else {
            return;
        };
        let current = *self.generation.lock().expect("generation lock");
        if current == Some(generation) {
            self.pages.put((level, code.to_owned()), page);
        }
    }

    /// Empties the cache when the data changed.
    fn turn(&self, generation: u64) {
        let mut current = self.generation.lock().expect("generation lock");
        if *current != Some(generation) {
            self.pages.clear();
            *current = Some(generation);
        }
    }

    pub fn len(&self) -> usize {
        self.pages.len()
    }

    pub fn is_empty(&self) -> bool {
        self.pages.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_oldest_tile_leaves_first_when_the_budget_is_spent() {
        let cache = TileCache::new(20);
        let t = |x| TileId::new(2, x, 0).unwrap();
        for x in 0..3 {
            cache.put(("qpv", t(x)), Arc::new(vec![x as u8; 10]));
        }
        assert_eq!(cache.len(), 2);
        assert!(cache.get(&("qpv", t(0))).is_none());
        assert_eq!(cache.get(&("qpv", t(2))).unwrap()[0], 2);
    }

    #[test]
    fn a_page_of_older_data_is_never_given() {
        let cache = PageCache::new(1 << 20);
        let page = |s: &'static str| axum::body::Bytes::from_static(s.as_bytes());
        assert!(
            cache
                .get(Some(1), TerritoryLevel::Commune, "93066")
                .is_none()
        );
        cache.put(Some(1), TerritoryLevel::Commune, "93066", page("un"));
        assert_eq!(
            cache.get(Some(1), TerritoryLevel::Commune, "93066"),
            Some(page("un"))
        );
        assert!(cache.get(Some(1), TerritoryLevel::Qpv, "93066").is_none());
        // A new snapshot: the old page is gone, and one rendered before the swap but kept
        // after it is refused.
        assert!(
            cache
                .get(Some(2), TerritoryLevel::Commune, "93066")
                .is_none()
        );
        cache.put(Some(1), TerritoryLevel::Commune, "93066", page("un"));
        assert!(
            cache
                .get(Some(2), TerritoryLevel::Commune, "93066")
                .is_none()
        );
        cache.put(Some(2), TerritoryLevel::Commune, "93066", page("deux"));
        assert_eq!(
            cache.get(Some(2), TerritoryLevel::Commune, "93066"),
            Some(page("deux"))
        );
        // A store that cannot tell its generation: nothing is kept.
        cache.put(None, TerritoryLevel::Commune, "1", page("x"));
        assert!(cache.get(None, TerritoryLevel::Commune, "1").is_none());
        assert_eq!(cache.len(), 1);
    }
}
