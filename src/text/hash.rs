//! Block hashes: xxh3-64 under a fixed seed, so that counts from different runs, threads and
//! machines agree and can be merged. The seed is written into every output.

use xxhash_rust::xxh3::xxh3_64_with_seed;

/// The fixed seed of every hash chaff computes ("chaff_v1" in ASCII).
pub const SEED: u64 = 0x6368_6166_665f_7631;

/// The hash of one normalized line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LineHash(pub u64);

/// The hash of a block: a window of `k` consecutive non-blank normalized lines.
///
/// The window length is part of the hash, so a single line (k = 1) and a window never collide
/// by construction.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub struct BlockHash(pub u64);

/// Hashes one normalized line.
#[inline]
pub fn hash_line(normalized: &[u8]) -> LineHash {
    LineHash(xxh3_64_with_seed(normalized, SEED))
}

/// Hashes a window of line hashes. The seed depends on the window length.
#[inline]
pub fn hash_window(lines: &[LineHash]) -> BlockHash {
    // At most a few dozen lines: a stack buffer avoids an allocation per block.
    let mut buf = [0u8; 8 * 64];
    let seed = SEED ^ (lines.len() as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    if lines.len() <= 64 {
        for (i, l) in lines.iter().enumerate() {
            buf[i * 8..i * 8 + 8].copy_from_slice(&l.0.to_le_bytes());
        }
        BlockHash(xxh3_64_with_seed(&buf[..lines.len() * 8], seed))
    } else {
        let bytes: Vec<u8> = lines.iter().flat_map(|l| l.0.to_le_bytes()).collect();
        BlockHash(xxh3_64_with_seed(&bytes, seed))
    }
}

/// Hashes a site name into the key the count tables use.
#[inline]
pub fn hash_site(site: &str) -> u64 {
    xxh3_64_with_seed(site.as_bytes(), SEED ^ 0x5173_5173)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn window_length_is_part_of_the_hash() {
        let a = hash_line(b"home");
        assert_ne!(hash_window(&[a]), hash_window(&[a, a]));
    }

    #[test]
    fn long_windows_hash_like_short_ones_would() {
        let lines: Vec<LineHash> = (0..70).map(LineHash).collect();
        let bytes: Vec<u8> = lines.iter().flat_map(|l| l.0.to_le_bytes()).collect();
        let seed = SEED ^ 70u64.wrapping_mul(0x9E37_79B9_7F4A_7C15);
        assert_eq!(hash_window(&lines), BlockHash(xxh3_64_with_seed(&bytes, seed)));
    }

    #[test]
    fn hashes_are_stable_across_releases() {
        // Counts files and reports from other runs are merged: the hash must never change.
        assert_eq!(hash_line(b"share this page"), hash_line(b"share this page"));
        assert_ne!(hash_line(b"share this page"), hash_line(b"share this page "));
    }
}
