//! A bounded cache of encoded tiles, first in first out: the base map is static, so the
//! tiles a region's users look at stay warm, and memory stays capped by a byte budget.

use super::TileId;
use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};

type Key = (&'static str, TileId);

#[derive(Debug, Default)]
struct Entries {
    tiles: HashMap<Key, Arc<Vec<u8>>>,
    /// Keys in insertion order.
    order: VecDeque<Key>,
    bytes: usize,
}

/// At most `max_bytes` of encoded tiles.
#[derive(Debug)]
pub struct TileCache {
    max_bytes: usize,
    inner: Mutex<Entries>,
}

impl TileCache {
    pub fn new(max_bytes: usize) -> Self {
        Self {
            max_bytes,
            inner: Mutex::new(Entries::default()),
        }
    }

    pub fn get(&self, layer: &'static str, id: TileId) -> Option<Arc<Vec<u8>>> {
        let inner = self.inner.lock().expect("tile cache lock");
        inner.tiles.get(&(layer, id)).cloned()
    }

    pub fn put(&self, layer: &'static str, id: TileId, tile: Arc<Vec<u8>>) {
        let mut inner = self.inner.lock().expect("tile cache lock");
        let size = tile.len();
        match inner.tiles.insert((layer, id), tile) {
            Some(old) => inner.bytes -= old.len(),
            None => inner.order.push_back((layer, id)),
        }
        inner.bytes += size;
        while inner.bytes > self.max_bytes {
            let Some(old) = inner.order.pop_front() else {
                break;
            };
            if let Some(t) = inner.tiles.remove(&old) {
                inner.bytes -= t.len();
            }
        }
    }

    pub fn len(&self) -> usize {
        self.inner.lock().expect("tile cache lock").tiles.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
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
            cache.put("qpv", t(x), Arc::new(vec![x as u8; 10]));
        }
        assert_eq!(cache.len(), 2);
        assert!(cache.get("qpv", t(0)).is_none());
        assert_eq!(cache.get("qpv", t(2)).unwrap()[0], 2);
    }
}
