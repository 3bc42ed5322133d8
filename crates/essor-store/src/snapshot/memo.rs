//! [`Memo`]: answers kept for the life of one snapshot, within a budget, the oldest leaving
//! first.
//!
//! Why: the searches that cost are the common words (« association » matches 800,000 actors),
//! and the common words are the ones asked again and again; so are the counts and facets of
//! their selections. A snapshot never changes, so what was computed from it stays true until
//! the snapshot is dropped with its memo (a new ingest is a new snapshot).

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;

#[derive(Debug)]
struct Entries<V> {
    values: HashMap<String, (V, usize)>,
    /// Keys in insertion order.
    order: VecDeque<String>,
    used: usize,
}

/// Values by key, at most `budget` in total weight (what each costs to keep, in the caller's
/// unit).
#[derive(Debug)]
pub struct Memo<V> {
    budget: usize,
    inner: Mutex<Entries<V>>,
}

impl<V: Clone> Memo<V> {
    pub fn new(budget: usize) -> Self {
        Self {
            budget,
            inner: Mutex::new(Entries {
                values: HashMap::new(),
                order: VecDeque::new(),
                used: 0,
            }),
        }
    }

    pub fn get(&self, key: &str) -> Option<V> {
        let inner = self.inner.lock().expect("memo lock");
        inner.values.get(key).map(|(v, _)| v.clone())
    }

    /// Keeps `value`, unless it alone weighs more than the budget.
    pub fn put(&self, key: String, value: V, weight: usize) {
        if weight > self.budget {
            return;
        }
        let mut inner = self.inner.lock().expect("memo lock");
        match inner.values.insert(key.clone(), (value, weight)) {
            Some((_, old)) => inner.used -= old,
            None => inner.order.push_back(key),
        }
        inner.used += weight;
        while inner.used > self.budget {
            let Some(old) = inner.order.pop_front() else {
                break;
            };
            if let Some((_, w)) = inner.values.remove(&old) {
                inner.used -= w;
            }
        }
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.inner.lock().expect("memo lock").values.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_oldest_leave_first_and_the_budget_holds() {
        let memo = Memo::new(10);
        memo.put("a".into(), 1, 4);
        memo.put("b".into(), 2, 4);
        memo.put("c".into(), 3, 4);
        assert_eq!(
            (memo.get("a"), memo.get("b"), memo.get("c")),
            (None, Some(2), Some(3))
        );
        memo.put("big".into(), 4, 11);
        assert_eq!(memo.get("big"), None);
        memo.put("b".into(), 5, 6);
        assert_eq!(
            (memo.get("b"), memo.get("c"), memo.len()),
            (Some(5), Some(3), 2)
        );
    }
}
