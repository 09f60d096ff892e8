//! Evidence intake: finding every file and archive member under the roots (`discover`) and telling
//! what kind of export each one is from its content (`recognise`).

pub mod discover;
pub mod intake;
pub mod kinds;
pub mod recognise;

pub use discover::{DiscoverError, Input, discover};
pub use recognise::{Recognised, recognise};
