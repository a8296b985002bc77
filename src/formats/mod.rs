//! The files chaff writes for itself and reads back: the counts of a shard (`chaff count`,
//! `merge`), the learned figures of a shard (`learn`) and the duplicate clusters of a whole
//! corpus (`cluster`). Each opens with a header that says which settings made it, so that a
//! pass refuses a file made under other settings, and carries a checksum, so that a damaged
//! file is an error, not a wrong result.

pub mod clusters;
pub mod counts;
pub(crate) mod frame;
pub mod learned;
