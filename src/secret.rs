//! Credentials never leave noproxy unredacted unless asked for.

use std::borrow::Cow;
use std::fmt;

/// A value that must not be printed: `Debug` and `Display` show `***`.
///
/// ```
/// let s = noproxy::Secret::new("user:hunter2".to_string());
/// assert_eq!(format!("{s} {s:?}"), "*** ***");
/// assert_eq!(s.expose(), "user:hunter2");
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Secret<T>(T);

impl<T> Secret<T> {
    /// Wrap a secret.
    pub fn new(value: T) -> Self {
        Secret(value)
    }
    /// The secret itself. Call this only to use it, never to print it.
    pub fn expose(&self) -> &T {
        &self.0
    }
}

impl<T> fmt::Debug for Secret<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl<T> fmt::Display for Secret<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

#[cfg(feature = "serde")]
impl<T> serde::Serialize for Secret<T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str("***")
    }
}

/// The marker that replaces credentials.
pub const REDACTED: &str = "***";

/// Redact the userinfo of anything that looks like a proxy value or URL, parsed or not:
/// `http://user:pass@h:1` → `http://***@h:1`, `user:pass@h:1` → `***@h:1`. Everything between
/// the scheme and the last `@` is redacted; strings without `@` are returned unchanged.
///
/// ```
/// use noproxy::redact_value;
/// assert_eq!(redact_value("http://u:p%40ss@proxy.invalid:3128/"), "http://***@proxy.invalid:3128/");
/// assert_eq!(redact_value("u:p@proxy.invalid"), "***@proxy.invalid");
/// assert_eq!(redact_value("  socks5h://tok@[::1]:1080"), "  socks5h://***@[::1]:1080");
/// assert_eq!(redact_value("http://u:s3cr#t/x@proxy.invalid"), "http://***@proxy.invalid");
/// assert_eq!(redact_value("docker:2375"), "docker:2375");
/// ```
pub fn redact_value(value: &str) -> Cow<'_, str> {
    // Userinfo ends at the last `@`. Passwords may hold unescaped `#`, `/` or `?`, which a
    // strict parser would read as the end of the authority, so take the last `@` anywhere:
    // redacting too much is harmless, too little is not.
    if !value.contains('@') {
        return Cow::Borrowed(value);
    }
    let start = value.find("://").map(|i| i + 3).unwrap_or(0);
    match value[start..].rfind('@') {
        None => Cow::Borrowed(value),
        Some(at) => {
            let authority = &value[start..start + at];
            let lead = authority.len() - authority.trim_start().len();
            let mut out = String::with_capacity(value.len());
            out.push_str(&value[..start + lead]);
            out.push_str(REDACTED);
            out.push_str(&value[start + at..]);
            Cow::Owned(out)
        }
    }
}
