//! Errors for what a caller got wrong (an unknown flavor ID, a bad version).

use std::fmt;

/// What kind of mistake.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub enum ErrorKind {
    /// No flavor family has this name.
    UnknownFlavor,
    /// The version part of a flavor ID is not a dotted number.
    BadVersion,
    /// The version is older than the oldest release modelled.
    VersionNotModelled,
    /// Not a lint severity (`note`, `warning`, `error`).
    BadSeverity,
}

/// An error with the input it concerns.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Error {
    kind: ErrorKind,
    input: String,
}

impl Error {
    pub(crate) fn new(kind: ErrorKind, input: &str) -> Self {
        Error { kind, input: input.chars().take(200).collect() }
    }
    /// The kind.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }
    /// The offending input (truncated to 200 characters).
    pub fn input(&self) -> &str {
        &self.input
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            ErrorKind::UnknownFlavor => {
                write!(f, "unknown flavor {:?} (see `noproxy-check flavors`)", self.input)
            }
            ErrorKind::BadVersion => write!(f, "bad version in {:?}: expected digits and dots like 7.88.1", self.input),
            ErrorKind::VersionNotModelled => {
                write!(f, "{:?} is older than the oldest release modelled (see `noproxy-check flavors`)", self.input)
            }
            ErrorKind::BadSeverity => write!(f, "bad severity {:?}: expected note, warning or error", self.input),
        }
    }
}

impl std::error::Error for Error {}
