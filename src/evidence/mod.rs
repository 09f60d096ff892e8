//! Evidence intake: finding every file and archive member under the roots (`discover`) and telling
//! what kind of export each one is from its content (`recognise`).

pub(crate) mod discover;
pub(crate) mod intake;
pub(crate) mod kinds;
pub(crate) mod recognise;

pub(crate) use discover::{DiscoverError, Input, discover};
