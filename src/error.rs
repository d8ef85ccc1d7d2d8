//! The one error type of the core. Messages are lowercase and name the offending part;
//! tests pin them exactly.

use std::fmt;

/// Input that claims to be something (a launch link, a hub URL, a settings file) and
/// cannot be understood. Expected outcomes ("not a launch link") are values, not errors.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// A link that looks like a launch link but cannot be read; the message says why.
    InvalidLink(String),
    /// A hub URL that cannot be used as a target.
    InvalidHub(String),
    /// A settings value that fails validation or migration.
    InvalidSettings(String),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::InvalidLink(m) => write!(f, "invalid launch link: {m}"),
            Error::InvalidHub(m) => write!(f, "invalid hub url: {m}"),
            Error::InvalidSettings(m) => write!(f, "invalid settings: {m}"),
        }
    }
}

impl std::error::Error for Error {}
