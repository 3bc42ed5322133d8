//! Random draws that never change under us: one PCG XSL RR 128/64 generator (`rand_pcg::Pcg64`,
//! a frozen, documented algorithm) per block of legal units, seeded from (seed, block index)
//! through SplitMix64, and our own helpers on its raw `u64` stream. We use no `rand`
//! distribution on purpose: their algorithms may change between versions, ours are the few
//! lines below, so a given `--seed` gives the same files for as long as this file is unchanged.

use rand_core::Rng as _;
use rand_pcg::Pcg64;

/// SplitMix64's finaliser: a bijective mix of 64 bits.
pub(crate) fn splitmix64(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The generator of one block.
#[derive(Debug)]
pub(crate) struct BlockRng(Pcg64);

impl BlockRng {
    /// The generator of block `block` of the stock of seed `seed`: state and stream both come
    /// from SplitMix64 of the pair, so neighbouring blocks and seeds are unrelated.
    pub(crate) fn for_block(seed: u64, block: u64) -> Self {
        let a = splitmix64(seed ^ 0x005E_ED0F_E550);
        let b = splitmix64(a ^ block.wrapping_mul(0xD6E8_FEB8_6659_FD93));
        let c = splitmix64(b);
        let d = splitmix64(c);
        let e = splitmix64(d);
        let state = (u128::from(b) << 64) | u128::from(c);
        let stream = (u128::from(d) << 64) | u128::from(e);
        Self(Pcg64::new(state, stream))
    }

    pub(crate) fn u64(&mut self) -> u64 {
        self.0.next_u64()
    }

    /// Uniform in [0, 1), 53 bits.
    pub(crate) fn unit(&mut self) -> f64 {
        (self.u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Uniform in [0, n) by Lemire's multiply-shift (bias below 2⁻⁶⁴·n, irrelevant here).
    pub(crate) fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.u64()) * u128::from(n)) >> 64) as u64
    }

    /// Uniform in [lo, hi], inclusive.
    pub(crate) fn range(&mut self, lo: u32, hi: u32) -> u32 {
        lo + self.below(u64::from(hi - lo) + 1) as u32
    }

    pub(crate) fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    pub(crate) fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }

    /// One word of a list.
    pub(crate) fn word(&mut self, items: &[&'static str]) -> &'static str {
        items[self.below(items.len() as u64) as usize]
    }

    /// One item of a `(item, weight)` table.
    pub(crate) fn weighted<'a, T>(&mut self, table: &'a [(T, u32)]) -> &'a T {
        let total: u64 = table.iter().map(|(_, w)| u64::from(*w)).sum();
        let mut r = self.below(total);
        for (item, w) in table {
            let w = u64::from(*w);
            if r < w {
                return item;
            }
            r -= w;
        }
        unreachable!("r < total")
    }
}

/// A large weighted table (communes by population), drawn by binary search on cumulative
/// integer weights, so draws are exact and platform-independent.
#[derive(Debug, Clone, Default)]
pub(crate) struct Cumulative {
    ends: Vec<u64>,
}

impl Cumulative {
    pub(crate) fn new(weights: impl IntoIterator<Item = u64>) -> Self {
        let mut total = 0u64;
        let ends = weights
            .into_iter()
            .map(|w| {
                total += w;
                total
            })
            .collect();
        Self { ends }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.ends.last().is_none_or(|&t| t == 0)
    }

    /// The index drawn, weight-proportionally.
    pub(crate) fn draw(&self, rng: &mut BlockRng) -> usize {
        let total = *self.ends.last().expect("a non-empty table");
        let r = rng.below(total);
        self.ends.partition_point(|&e| e <= r)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stream_of_a_block_is_frozen() {
        // Guards determinism (issue 3, point 5): if this changes, every synthetic file does.
        let mut rng = BlockRng::for_block(42, 7);
        let first: Vec<u64> = (0..3).map(|_| rng.u64()).collect();
        let mut again = BlockRng::for_block(42, 7);
        assert_eq!(first, (0..3).map(|_| again.u64()).collect::<Vec<_>>());
        assert_ne!(first[0], BlockRng::for_block(42, 8).u64());
        assert_ne!(first[0], BlockRng::for_block(43, 7).u64());
    }

    #[test]
    fn draws_stay_in_their_ranges_and_follow_weights() {
        let mut rng = BlockRng::for_block(1, 0);
        let table = Cumulative::new([1, 0, 3]);
        let mut counts = [0u32; 3];
        for _ in 0..40_000 {
            counts[table.draw(&mut rng)] += 1;
            let u = rng.unit();
            assert!((0.0..1.0).contains(&u));
            assert!((5..=9).contains(&rng.range(5, 9)));
        }
        assert_eq!(counts[1], 0);
        let ratio = f64::from(counts[2]) / f64::from(counts[0]);
        assert!((2.8..3.2).contains(&ratio), "{ratio}");
    }
}
