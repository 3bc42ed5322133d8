//! A bounded cache of encoded tiles, first in first out: the base map is static, so the
//! tiles a region's users look at stay warm, and memory stays capped.

use super::TileId;
use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};

type Key = (&'static str, TileId);
/// The tiles, and their keys in insertion order.
type Entries = (HashMap<Key, Arc<Vec<u8>>>, VecDeque<Key>);

/// At most `capacity` tiles.
#[derive(Debug)]
pub struct TileCache {
    capacity: usize,
    inner: Mutex<Entries>,
}

impl TileCache {
    pub fn new(capacity: usize) -> Self {
        Self {
            capacity,
            inner: Mutex::new((HashMap::new(), VecDeque::new())),
        }
    }

    pub fn get(&self, layer: &'static str, id: TileId) -> Option<Arc<Vec<u8>>> {
        let inner = self.inner.lock().expect("tile cache lock");
        inner.0.get(&(layer, id)).cloned()
    }

    pub fn put(&self, layer: &'static str, id: TileId, tile: Arc<Vec<u8>>) {
        let mut inner = self.inner.lock().expect("tile cache lock");
        let (map, order) = &mut *inner;
        if map.insert((layer, id), tile).is_none() {
            order.push_back((layer, id));
        }
        while order.len() > self.capacity {
            if let Some(old) = order.pop_front() {
                map.remove(&old);
            }
        }
    }

    pub fn len(&self) -> usize {
        self.inner.lock().expect("tile cache lock").0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_oldest_tile_leaves_first() {
        let cache = TileCache::new(2);
        let t = |x| TileId::new(2, x, 0).unwrap();
        for x in 0..3 {
            cache.put("qpv", t(x), Arc::new(vec![x as u8]));
        }
        assert_eq!(cache.len(), 2);
        assert!(cache.get("qpv", t(0)).is_none());
        assert_eq!(*cache.get("qpv", t(2)).unwrap(), vec![2]);
    }
}
