//! Dating evidence into snapshots.
