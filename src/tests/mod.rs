//! Cross-module tests: the fast path against obvious slow twins.

mod capped;
mod naive;
mod naive_dedup;
