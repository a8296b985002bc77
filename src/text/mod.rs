//! A document's text as the counting sees it: lines split and normalized ([`normalize`],
//! [`block`]), hashed ([`hash`]) and windowed into blocks ([`shingle`]); the shapes of lines that
//! the rules read ([`shape`]); and recurring lines masked into templates ([`template`]).

pub mod block;
pub mod hash;
pub mod normalize;
pub mod shape;
pub mod shingle;
pub mod template;
