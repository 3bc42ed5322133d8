//! [`SearchIndex`]: the snapshot's full-text postings in memory, beside [`super::ActorIndex`].
//!
//! Why: a directory search matches up to most of the national actors (« association »: about
//! 800,000 of 1.5 M). SQLite's FTS5 handed those ids over one row at a time (tens of
//! milliseconds), then ranked them with bm25 at about 3 µs a match. Here every word (see
//! [`super::text`]) has its sorted list of actor ids in memory: a search intersects the lists
//! of its words, smallest first, by galloping through the longer ones, so its cost follows
//! the shortest list, not the longest. The word being typed is a union of the lists of every
//! word it begins, gathered in a bitset when they are long.
//!
//! Relevance is BM25 with FTS5's parameters and phrases (each word; the word being typed as
//! its stem and as a prefix), computed in Rust and only when the matches are few (see
//! [`SearchIndex::search`]): a long list is given in id order, as before.

use super::text;
use std::borrow::Cow;
use std::collections::HashMap;

/// BM25 parameters, those of FTS5's `bm25()`.
const K1: f64 = 1.2;
const B: f64 = 0.75;

/// A word being typed that begins more words than this is not ranked (its phrase's
/// frequencies would be gathered from every one of them).
const RANK_MAX_TERMS: usize = 64;

/// The words of every actor and, per word, the actors that hold it. Ids are 1-based.
#[derive(Debug, Default)]
pub struct SearchIndex {
    /// Every word, sorted (byte order: a prefix's words are one run).
    terms: Vec<Box<str>>,
    /// The ids of term `k` are `ids[starts[k]..starts[k + 1]]`, ascending; `tfs` beside them
    /// the times the word occurs in that actor's words (capped at 255).
    starts: Vec<u32>,
    ids: Vec<u32>,
    tfs: Vec<u8>,
    /// Words per actor (index: id − 1), for BM25's length normalisation.
    lengths: Vec<u16>,
    total_length: u64,
}

/// Builds a [`SearchIndex`] one actor at a time, in id order.
#[derive(Debug, Default)]
pub struct SearchIndexBuilder {
    postings: HashMap<Box<str>, (Vec<u32>, Vec<u8>)>,
    lengths: Vec<u16>,
}

impl SearchIndexBuilder {
    /// Adds the words of the actor with the next id (`1 + actors so far`); returns the id.
    pub fn add(&mut self, words: &[String]) -> u32 {
        let id = self.lengths.len() as u32 + 1;
        self.lengths
            .push(u16::try_from(words.len()).unwrap_or(u16::MAX));
        for w in words {
            let (ids, tfs) = match self.postings.get_mut(w.as_str()) {
                Some(p) => p,
                None => self.postings.entry(w.as_str().into()).or_default(),
            };
            if ids.last() == Some(&id) {
                let tf = tfs.last_mut().expect("same length");
                *tf = tf.saturating_add(1);
            } else {
                ids.push(id);
                tfs.push(1);
            }
        }
        id
    }

    pub fn finish(self) -> SearchIndex {
        let mut terms: Vec<_> = self.postings.into_iter().collect();
        terms.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        let mut index = SearchIndex::default();
        for (term, (ids, tfs)) in terms {
            index.push_term(term, &ids, &tfs);
        }
        index.set_lengths(self.lengths);
        index
    }
}

impl SearchIndex {
    /// Appends a word and its postings; words must come in increasing byte order, each
    /// posting list ascending (what the snapshot's `terms` table gives).
    pub fn push_term(&mut self, term: Box<str>, ids: &[u32], tfs: &[u8]) {
        debug_assert!(self.terms.last().is_none_or(|t| *t < term));
        debug_assert!(ids.windows(2).all(|w| w[0] < w[1]) && ids.len() == tfs.len());
        if self.starts.is_empty() {
            self.starts.push(0);
        }
        self.terms.push(term);
        self.ids.extend_from_slice(ids);
        self.tfs.extend_from_slice(tfs);
        self.starts.push(self.ids.len() as u32);
    }

    /// The number of words of every actor, in id order.
    pub fn set_lengths(&mut self, lengths: Vec<u16>) {
        self.total_length = lengths.iter().map(|&l| u64::from(l)).sum();
        self.lengths = lengths;
    }

    /// Every word with its postings (ids, occurrences), in byte order: what the writer stores.
    pub fn terms(&self) -> impl Iterator<Item = (&str, &[u32], &[u8])> {
        (0..self.terms.len()).map(|k| {
            let r = self.run(k);
            (&*self.terms[k], &self.ids[r.clone()], &self.tfs[r])
        })
    }

    /// The number of words of actor `id`.
    pub fn length(&self, id: u32) -> u16 {
        self.lengths
            .get((id as usize).wrapping_sub(1))
            .copied()
            .unwrap_or(0)
    }

    /// Bytes held, roughly.
    pub fn memory_bytes(&self) -> usize {
        self.ids.capacity() * 4
            + self.tfs.capacity()
            + self.starts.capacity() * 4
            + self.lengths.capacity() * 2
            + self.terms.iter().map(|t| t.len() + 16).sum::<usize>()
    }

    fn run(&self, k: usize) -> std::ops::Range<usize> {
        self.starts[k] as usize..self.starts[k + 1] as usize
    }

    fn postings(&self, k: usize) -> &[u32] {
        &self.ids[self.run(k)]
    }

    fn term(&self, word: &str) -> Option<usize> {
        self.terms.binary_search_by(|t| (**t).cmp(word)).ok()
    }

    /// The terms beginning with `prefix`: one run of the sorted terms.
    fn prefixed(&self, prefix: &str) -> std::ops::Range<usize> {
        let lo = self.terms.partition_point(|t| (**t) < *prefix);
        let hi = lo + self.terms[lo..].partition_point(|t| t.starts_with(prefix));
        lo..hi
    }

    /// The ids of the actors a search finds (same semantics as [`text::fts_query`]: every
    /// word; the last one, while typed, as its stem or as a prefix of what is typed).
    /// Ordered by relevance (BM25, ties by id) when they are at most `rank_limit` and the
    /// word being typed begins few words; otherwise in id order. Empty when the search has no
    /// searchable word.
    pub fn search(&self, search: &str, rank_limit: usize) -> Vec<u32> {
        let Some(q) = text::Query::parse(search) else {
            return Vec::new();
        };
        // Phrases as FTS5 has them: each required word, the last word's stem, the prefix.
        let mut required: Vec<usize> = Vec::with_capacity(q.words.len());
        for w in &q.words {
            match self.term(w) {
                Some(k) => required.push(k),
                None => return Vec::new(),
            }
        }
        let last = self.term(&q.last);
        let prefixed = q.prefix.as_deref().map_or(0..0, |p| self.prefixed(p));
        let mut alternatives: Vec<usize> = last.into_iter().chain(prefixed.clone()).collect();
        alternatives.sort_unstable();
        alternatives.dedup();
        let either = self.union(&alternatives);
        let mut lists: Vec<&[u32]> = required.iter().map(|&k| self.postings(k)).collect();
        lists.push(&either);
        let found = intersect_all(lists);
        if found.len() > rank_limit || prefixed.len() > RANK_MAX_TERMS {
            return found;
        }
        let mut phrases: Vec<Vec<usize>> = required.iter().map(|&k| vec![k]).collect();
        phrases.extend(last.map(|k| vec![k]));
        if q.prefix.is_some() {
            phrases.push(prefixed.collect());
        }
        self.rank(found, &phrases)
    }

    /// The ids of any of these terms, ascending.
    fn union(&self, terms: &[usize]) -> Cow<'_, [u32]> {
        match terms {
            [] => Cow::Borrowed(&[]),
            [k] => Cow::Borrowed(self.postings(*k)),
            _ => {
                let lists: Vec<&[u32]> = terms.iter().map(|&k| self.postings(k)).collect();
                Cow::Owned(union(&lists, self.lengths.len()))
            }
        }
    }

    /// `found` ordered by BM25 over `phrases` (each a set of terms whose occurrences count
    /// together), best first, ties by id.
    fn rank(&self, found: Vec<u32>, phrases: &[Vec<usize>]) -> Vec<u32> {
        let n = self.lengths.len().max(1) as f64;
        let average = (self.total_length as f64 / n).max(1.0);
        let mut scores = vec![0f64; found.len()];
        let mut tf = vec![0u32; found.len()];
        for phrase in phrases {
            tf.iter_mut().for_each(|t| *t = 0);
            let mut df = 0usize;
            for &k in phrase {
                let r = self.run(k);
                let (ids, tfs) = (&self.ids[r.clone()], &self.tfs[r]);
                df += ids.len();
                let mut from = 0;
                for (slot, id) in tf.iter_mut().zip(&found) {
                    from = gallop(ids, from, *id);
                    if ids.get(from) == Some(id) {
                        *slot += u32::from(tfs[from]);
                    }
                }
            }
            let df = (df as f64).min(n);
            let idf = ((n - df + 0.5) / (df + 0.5)).ln().max(1e-6);
            for ((score, &t), id) in scores.iter_mut().zip(&tf).zip(&found) {
                if t == 0 {
                    continue;
                }
                let t = f64::from(t);
                let length = f64::from(self.length(*id));
                *score += idf * t * (K1 + 1.0) / (t + K1 * (1.0 - B + B * length / average));
            }
        }
        let mut order: Vec<usize> = (0..found.len()).collect();
        order.sort_by(|&a, &b| {
            scores[b]
                .total_cmp(&scores[a])
                .then(found[a].cmp(&found[b]))
        });
        order.into_iter().map(|i| found[i]).collect()
    }
}

/// The first position of `ids[from..]` holding a value ≥ `id` (`ids.len()` when none):
/// exponential then binary search, so walking a long list for a short one's values costs
/// about the short list's length times the log of the gaps.
fn gallop(ids: &[u32], from: usize, id: u32) -> usize {
    let rest = &ids[from.min(ids.len())..];
    let mut step = 1;
    while step < rest.len() && rest[step] < id {
        step *= 2;
    }
    let hi = (step + 1).min(rest.len());
    let lo = step / 2;
    from + lo + rest[lo..hi].partition_point(|&x| x < id)
}

/// The values of `small` also in `large`, both ascending.
pub fn intersect(small: &[u32], large: &[u32]) -> Vec<u32> {
    let mut out = Vec::with_capacity(small.len().min(large.len()));
    let mut from = 0;
    for &id in small {
        from = gallop(large, from, id);
        if from == large.len() {
            break;
        }
        if large[from] == id {
            out.push(id);
        }
    }
    out
}

/// The values in every list, ascending: the shortest list against each of the others, in
/// order of length.
pub fn intersect_all(mut lists: Vec<&[u32]>) -> Vec<u32> {
    lists.sort_by_key(|l| l.len());
    let Some((first, rest)) = lists.split_first() else {
        return Vec::new();
    };
    let mut out = first.to_vec();
    for l in rest {
        if out.is_empty() {
            break;
        }
        out = intersect(&out, l);
    }
    out
}

/// The values in any list, ascending, each once; ids are below `universe + 1`. Short lists
/// are sorted together; long ones are set in a bitset of the universe and read back.
pub fn union(lists: &[&[u32]], universe: usize) -> Vec<u32> {
    let total: usize = lists.iter().map(|l| l.len()).sum();
    if total < universe / 16 {
        let mut out: Vec<u32> = lists.iter().flat_map(|l| l.iter().copied()).collect();
        out.sort_unstable();
        out.dedup();
        return out;
    }
    let mut bits = vec![0u64; (universe + 1).div_ceil(64)];
    for &id in lists.iter().flat_map(|l| l.iter()) {
        let i = id as usize;
        if i / 64 >= bits.len() {
            bits.resize(i / 64 + 1, 0);
        }
        bits[i / 64] |= 1 << (i % 64);
    }
    let mut out = Vec::with_capacity(total);
    for (w, &word) in bits.iter().enumerate() {
        let mut word = word;
        while word != 0 {
            out.push((w * 64) as u32 + word.trailing_zeros());
            word &= word - 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index(docs: &[&str]) -> SearchIndex {
        let mut b = SearchIndexBuilder::default();
        for d in docs {
            b.add(&text::words(d));
        }
        b.finish()
    }

    /// The ids a plain scan finds with [`text::matches`], the rule the memory store uses.
    fn scan(docs: &[&str], search: &str) -> Vec<u32> {
        docs.iter()
            .enumerate()
            .filter(|(_, d)| text::matches(&text::words(d), search))
            .map(|(i, _)| i as u32 + 1)
            .collect()
    }

    #[test]
    fn galloping_finds_the_first_value_not_below() {
        let ids = [2, 4, 6, 8, 10, 12, 14];
        assert_eq!(gallop(&ids, 0, 1), 0);
        assert_eq!(gallop(&ids, 0, 2), 0);
        assert_eq!(gallop(&ids, 0, 9), 4);
        assert_eq!(gallop(&ids, 3, 14), 6);
        assert_eq!(gallop(&ids, 2, 15), 7);
        assert_eq!(gallop(&ids, 7, 3), 7);
        assert_eq!(gallop(&[], 0, 3), 0);
    }

    #[test]
    fn intersections_and_unions_give_the_known_sets() {
        let a: &[u32] = &[1, 3, 5, 7, 9, 11];
        let b: &[u32] = &[2, 3, 4, 5, 11, 12, 13];
        let c: &[u32] = &[3, 11, 40];
        assert_eq!(intersect(a, b), vec![3, 5, 11]);
        assert_eq!(intersect(b, a), vec![3, 5, 11]);
        assert_eq!(intersect_all(vec![a, b, c]), vec![3, 11]);
        assert_eq!(intersect_all(vec![a, &[]]), Vec::<u32>::new());
        assert_eq!(intersect_all(vec![c]), vec![3, 11, 40]);
        // Both ways of a union: sorted together (short), and through the bitset (long).
        let expected = vec![1, 2, 3, 4, 5, 7, 9, 11, 12, 13, 40];
        assert_eq!(union(&[a, b, c], 1_000_000), expected);
        assert_eq!(union(&[a, b, c], 40), expected);
        // A long list against a short one, across word boundaries of the bitset.
        let evens: Vec<u32> = (1..=5000).map(|i| i * 2).collect();
        let threes: Vec<u32> = (1..=3000).map(|i| i * 3).collect();
        let sixes: Vec<u32> = (1..=1500).map(|i| i * 6).collect();
        assert_eq!(intersect(&threes, &evens), sixes);
        let both = union(&[&evens, &threes], 10_000);
        assert_eq!(both.len(), 5000 + 3000 - 1500);
        assert!(both.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn a_search_finds_what_the_plain_rule_finds() {
        let docs = [
            "Association des jardins partagés de Saint-Denis",
            "Jardin solidaire du quartier",
            "Régie de quartier Les Tilleuls",
            "Coopérative solidaire, jardinage et insertion",
            "Mutuelle d'assurance solidarité",
            "ASSOCIATION SPORTIVE DU QUARTIER",
            "Club de judo",
        ];
        let idx = index(&docs);
        for search in [
            "jardin",
            "jardins ",
            "jard",
            "jardin soli",
            "jardins solidaires",
            "quartier",
            "REGIE QUARTIER",
            "régie de quart",
            "assoc",
            "association sportive",
            "solidarite",
            "de la",
            "",
            "inconnu",
            "club inconnu",
            "saint-denis",
        ] {
            let mut found = idx.search(search, usize::MAX);
            found.sort_unstable();
            assert_eq!(found, scan(&docs, search), "« {search} »");
            // Unranked (over the limit): the same actors, in id order.
            assert_eq!(idx.search(search, 0), scan(&docs, search), "« {search} »");
        }
    }

    #[test]
    fn relevance_puts_the_denser_match_first() {
        // Both hold « jardin »; the short one is more about gardens.
        let idx = index(&[
            "Association culturelle sportive et jardin de la ville de Lyon",
            "Jardin des jardiniers",
            "Le jardin",
        ]);
        assert_eq!(idx.search("jardin ", usize::MAX), vec![3, 2, 1]);
        // A word found twice counts more than once.
        let idx = index(&["jardin de ville", "jardin du jardin"]);
        assert_eq!(idx.search("jardin ", usize::MAX), vec![2, 1]);
    }

    #[test]
    fn the_terms_round_trip_through_their_rows() {
        let idx = index(&["jardin jardin ville", "ville"]);
        let rows: Vec<(String, Vec<u32>, Vec<u8>)> = idx
            .terms()
            .map(|(t, i, f)| (t.to_owned(), i.to_vec(), f.to_vec()))
            .collect();
        assert_eq!(
            rows,
            vec![
                ("jardin".into(), vec![1], vec![2]),
                ("vill".into(), vec![1, 2], vec![1, 1]),
            ]
        );
        let mut again = SearchIndex::default();
        for (t, i, f) in &rows {
            again.push_term(t.as_str().into(), i, f);
        }
        again.set_lengths(vec![3, 1]);
        assert_eq!(again.search("ville", 10), idx.search("ville", 10));
        assert_eq!(again.length(1), 3);
    }
}
