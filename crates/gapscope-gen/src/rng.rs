//! The generators' random numbers: SplitMix64, seeded from the command line.

use sha2::{Digest, Sha256};

/// SplitMix64 (Steele, Lea & Flood, 2014): tiny, fast, and its output is fixed by this code
/// alone, so a seed means the same output on every platform and toolchain.
pub(crate) struct Rng(pub(crate) u64);

impl Rng {
    /// A generator for one named part of the output (a file, an account's users…): the parts are
    /// independent of each other and of the order they are made in, so rayon may make them in any.
    pub(crate) fn derived(seed: u64, parts: &[&[u8]]) -> Rng {
        let mut hash = Sha256::new();
        hash.update(seed.to_le_bytes());
        for part in parts {
            // Length-prefixed so that ("ab", "c") and ("a", "bc") differ.
            hash.update((part.len() as u64).to_le_bytes());
            hash.update(part);
        }
        let digest = hash.finalize();
        let mut first = [0u8; 8];
        first.copy_from_slice(&digest[..8]);
        Rng(u64::from_le_bytes(first))
    }
    pub(crate) fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in `0..n` (multiply-shift; the bias is < n / 2^64).
    pub(crate) fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next()) * u128::from(n)) >> 64) as u64
    }
    /// Uniform in `lo..=hi`; `lo` when the range is empty.
    pub(crate) fn range(&mut self, lo: i64, hi: i64) -> i64 {
        if hi <= lo { lo } else { lo + self.below((hi - lo) as u64 + 1) as i64 }
    }
    pub(crate) fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
    /// One of `items`, which the callers' constant tables never leave empty.
    pub(crate) fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len() as u64) as usize]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derived_generators_depend_on_every_part_and_its_boundaries() {
        let a = Rng::derived(1, &[b"ab", b"c"]).next();
        assert_eq!(a, Rng::derived(1, &[b"ab", b"c"]).next());
        assert_ne!(a, Rng::derived(1, &[b"a", b"bc"]).next());
        assert_ne!(a, Rng::derived(2, &[b"ab", b"c"]).next());
    }

    #[test]
    fn ranges_stay_inside_their_bounds() {
        let mut rng = Rng(9);
        for _ in 0..10_000 {
            let v = rng.range(-3, 4);
            assert!((-3..=4).contains(&v));
        }
        assert_eq!(rng.range(5, 5), 5);
        assert_eq!(rng.range(5, 2), 5);
    }
}
