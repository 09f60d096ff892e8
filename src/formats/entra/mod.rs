//! Microsoft Entra ID exports (`shared/formats/entra.md`): sign-in logs (portal CSV, Graph JSON,
//! Log Analytics NDJSON), users, MFA registration details, Conditional Access policies, applications
//! and service principals, directory roles. Each parser turns one file into the types of `model`;
//! several files of a kind are merged in `crate::entra`.

pub(crate) mod directory;
pub(crate) mod model;
pub(crate) mod signins;
