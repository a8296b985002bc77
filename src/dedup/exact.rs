//! Exact duplicates: documents whose normalized content hashes alike.

use rayon::prelude::*;

/// Groups of two or more documents with equal content hashes, each sorted by document index,
/// the groups ordered by their first member. `hashes` yields `(document index, content hash)`
/// for the documents taking part.
pub fn exact_groups(hashes: impl IntoIterator<Item = (u32, u64)>) -> Vec<Vec<u32>> {
    let mut keyed: Vec<(u64, u32)> = hashes.into_iter().map(|(d, h)| (h, d)).collect();
    keyed.par_sort_unstable();
    let mut groups = Vec::new();
    let mut i = 0;
    while i < keyed.len() {
        let mut j = i + 1;
        while j < keyed.len() && keyed[j].0 == keyed[i].0 {
            j += 1;
        }
        if j - i >= 2 {
            groups.push(keyed[i..j].iter().map(|&(_, d)| d).collect::<Vec<u32>>());
        }
        i = j;
    }
    groups.sort_unstable_by_key(|g| g[0]);
    groups
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_hashes_group() {
        let g = exact_groups([(0, 7), (1, 8), (2, 7), (3, 9), (4, 8), (5, 7)]);
        assert_eq!(g, vec![vec![0, 2, 5], vec![1, 4]]);
        assert!(exact_groups([(0, 1), (1, 2)]).is_empty());
    }
}
