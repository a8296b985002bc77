//! Union-find over confirmed pairs, and the rule that picks each cluster's representative.

use crate::doc::DocId;

/// Disjoint sets over `0..n` with path halving and union by size.
#[derive(Clone, Debug)]
pub struct UnionFind {
    parent: Vec<u32>,
    size: Vec<u32>,
}

impl UnionFind {
    pub fn new(n: usize) -> UnionFind {
        UnionFind { parent: (0..n as u32).collect(), size: vec![1; n] }
    }

    pub fn find(&mut self, mut x: u32) -> u32 {
        while self.parent[x as usize] != x {
            let grand = self.parent[self.parent[x as usize] as usize];
            self.parent[x as usize] = grand;
            x = grand;
        }
        x
    }

    /// Joins the sets of `a` and `b`; true when they were apart.
    pub fn union(&mut self, a: u32, b: u32) -> bool {
        let (mut ra, mut rb) = (self.find(a), self.find(b));
        if ra == rb {
            return false;
        }
        if self.size[ra as usize] < self.size[rb as usize] {
            std::mem::swap(&mut ra, &mut rb);
        }
        self.parent[rb as usize] = ra;
        self.size[ra as usize] += self.size[rb as usize];
        true
    }

    /// The sets of two or more members, each sorted, ordered by their first member. The
    /// result does not depend on the order of the unions.
    pub fn groups(&mut self) -> Vec<Vec<u32>> {
        let n = self.parent.len();
        let mut by_root: Vec<(u32, u32)> = (0..n as u32).map(|x| (self.find(x), x)).collect();
        by_root.sort_unstable();
        let mut groups: Vec<Vec<u32>> = Vec::new();
        let mut i = 0;
        while i < by_root.len() {
            let mut j = i + 1;
            while j < by_root.len() && by_root[j].0 == by_root[i].0 {
                j += 1;
            }
            if j - i >= 2 {
                groups.push(by_root[i..j].iter().map(|&(_, x)| x).collect());
            }
            i = j;
        }
        groups.sort_unstable_by_key(|g| g[0]);
        groups
    }
}

/// The representative of a cluster: the member with the longest content (in bytes), then the
/// earliest in input order. The longest copy is the one that loses nothing (the full text
/// rather than its teaser, the page with the most of the article); input order breaks ties so
/// that the choice is the same on every run.
pub fn representative(members: &[(DocId, u64)]) -> DocId {
    members
        .iter()
        .copied()
        .max_by(|(da, la), (db, lb)| la.cmp(lb).then(db.cmp(da)))
        .map(|(d, _)| d)
        .expect("a cluster has members")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_are_independent_of_union_order() {
        let pairs = [(0, 3), (3, 5), (1, 2), (6, 6)];
        let mut a = UnionFind::new(7);
        for &(x, y) in &pairs {
            a.union(x, y);
        }
        let mut b = UnionFind::new(7);
        for &(x, y) in pairs.iter().rev() {
            b.union(y, x);
        }
        assert_eq!(a.groups(), vec![vec![0, 3, 5], vec![1, 2]]);
        assert_eq!(a.groups(), b.groups());
    }

    #[test]
    fn longest_then_earliest() {
        assert_eq!(representative(&[(DocId(4), 10), (DocId(2), 30), (DocId(9), 30)]), DocId(2));
        assert_eq!(representative(&[(DocId(7), 1)]), DocId(7));
    }
}
