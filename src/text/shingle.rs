//! Blocks: windows of consecutive non-blank normalized lines.
//!
//! Every document yields two families of blocks: each single line (k = 1), so that a short
//! line repeated on every page ("Share this page") is caught, and each window of `k` lines,
//! which catches a recurring sequence even when each of its lines is common alone.

use crate::text::hash::{hash_window, BlockHash, LineHash};

/// One block of a document: where it sits among the non-blank lines and its hash.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Block {
    pub hash: BlockHash,
    /// Index of its first line among the document's non-blank lines.
    pub first: u32,
    /// Number of non-blank lines it covers (1 or k).
    pub len: u32,
}

/// The blocks of one document, single lines first, then the k-line windows.
///
/// With `k == 1` only single lines are made; a document shorter than `k` non-blank lines has
/// no windows.
pub fn blocks(hashes: &[LineHash], k: usize) -> Vec<Block> {
    let k = k.max(1);
    let windows = if k > 1 { hashes.len().saturating_sub(k - 1) } else { 0 };
    let mut out = Vec::with_capacity(hashes.len() + windows);
    for (i, h) in hashes.iter().enumerate() {
        out.push(Block { hash: hash_window(std::slice::from_ref(h)), first: i as u32, len: 1 });
    }
    if k > 1 {
        for (i, w) in hashes.windows(k).enumerate() {
            out.push(Block { hash: hash_window(w), first: i as u32, len: k as u32 });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_of_blocks() {
        let h: Vec<LineHash> = (0..5).map(LineHash).collect();
        assert_eq!(blocks(&h, 1).len(), 5);
        assert_eq!(blocks(&h, 3).len(), 5 + 3);
        assert_eq!(blocks(&h[..2], 3).len(), 2);
        assert_eq!(blocks(&[], 3).len(), 0);
    }

    #[test]
    fn same_lines_same_hash_wherever_they_stand() {
        let a: Vec<LineHash> = [1, 2, 3, 4].map(LineHash).to_vec();
        let b: Vec<LineHash> = [9, 2, 3, 4].map(LineHash).to_vec();
        let wa = blocks(&a, 3);
        let wb = blocks(&b, 3);
        assert_eq!(wa[5].hash, wb[5].hash); // [2,3,4]
        assert_ne!(wa[4].hash, wb[4].hash);
    }
}
