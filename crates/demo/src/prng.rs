//! The demo's only source of randomness: splitmix64 seeded with a constant, so
//! every run on every machine produces the same catalog. A label (a division
//! code, a stage name) derives an independent stream, which keeps one choice
//! from shifting all the others when the data changes elsewhere.

/// The one seed of all demo randomness.
const SEED: u64 = 0x4855_4E41_4E20_2017;

pub(crate) struct Rng(u64);

impl Rng {
    /// A stream of its own for `label`.
    pub(crate) fn for_label(label: &str) -> Rng {
        Rng(SEED ^ fnv1a(label.as_bytes()))
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n`; 0 when `n` is 0.
    pub(crate) fn below(&mut self, n: usize) -> usize {
        ((u128::from(self.next_u64()) * n as u128) >> 64) as usize
    }

    /// Uniform in `lo..=hi`.
    pub(crate) fn between(&mut self, lo: i64, hi: i64) -> i64 {
        lo + self.below((hi - lo + 1) as usize) as i64
    }

    /// One of `items`, which must not be empty.
    pub(crate) fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }

    pub(crate) fn percent(&mut self, p: usize) -> bool {
        self.below(100) < p
    }

    /// Fisher–Yates.
    pub(crate) fn shuffle<T>(&mut self, v: &mut [T]) {
        for i in (1..v.len()).rev() {
            let j = self.below(i + 1);
            v.swap(i, j);
        }
    }
}

/// FNV-1a, 64 bits: a stable hash (std's hashers are randomly keyed per process).
pub(crate) fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_are_stable_and_distinct() {
        let a: Vec<u64> = (0..4)
            .map({
                let mut r = Rng::for_label("430100");
                move |_| r.next_u64()
            })
            .collect();
        let b: Vec<u64> = (0..4)
            .map({
                let mut r = Rng::for_label("430100");
                move |_| r.next_u64()
            })
            .collect();
        let mut c = Rng::for_label("430200");
        assert_eq!(a, b);
        assert_ne!(a[0], c.next_u64());
    }

    #[test]
    fn below_stays_in_range() {
        let mut r = Rng::for_label("range");
        for n in 1..50 {
            for _ in 0..20 {
                assert!(r.below(n) < n);
            }
        }
        assert_eq!(r.below(0), 0);
        for _ in 0..100 {
            let v = r.between(3, 5);
            assert!((3..=5).contains(&v));
        }
    }
}
