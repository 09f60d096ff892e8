//! Evidence intake, in pipeline order: finding every file and archive member under the roots
//! (`discover`), telling its kind from its content (`sniff` looks, the `kinds` registry decides and
//! reads), and settling what becomes of each input (`intake`).

pub(crate) mod discover;
pub(crate) mod intake;
pub(crate) mod kinds;
pub(crate) mod sniff;
mod zipread;

pub(crate) use discover::{DiscoverError, Input, discover};
