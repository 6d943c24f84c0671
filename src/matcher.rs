//! A compiled NO_PROXY: first-match lookups in time proportional to the host's length, not to
//! the number of entries, without heap allocation.
//!
//! The index is **flavor-neutral**: it knows nothing about any tool. A flavor reads each NO_PROXY
//! entry its own way and tells the [`MatcherBuilder`] what the entry *means*, under the entry's
//! index in the parsed list:
//!
//! | meaning                         | builder call                                   |
//! |---------------------------------|------------------------------------------------|
//! | every host                      | [`all`](MatcherBuilder::all)                   |
//! | exactly `name`                  | [`name`](MatcherBuilder::name) `(apex: true, subdomains: false)` |
//! | `name` and its subdomains       | [`name`](MatcherBuilder::name) `(true, true)`  |
//! | subdomains of `name` only       | [`name`](MatcherBuilder::name) `(false, true)` |
//! | one IP address                  | [`ip`](MatcherBuilder::ip)                     |
//! | an address prefix (CIDR)        | [`cidr`](MatcherBuilder::cidr)                 |
//! | an inclusive address range      | [`range`](MatcherBuilder::range) (as its CIDR cover) |
//! | hosts ending with some text     | [`suffix`](MatcherBuilder::suffix) (no label boundary) |
//! | hosts starting with some text   | [`prefix`](MatcherBuilder::prefix)             |
//! | anything else (infix globs…)    | [`fallback`](MatcherBuilder::fallback)         |
//!
//! Each meaning may carry a port the entry is restricted to (compared as text: the flavor
//! writes it the way its tool compares it). One entry may have several meanings (curl reads
//! the same token as a name for name hosts and as an address for IP hosts) or none (an entry
//! that never matches simply is not added).
//!
//! Lookups return the **smallest entry index** among the matching meanings, i.e. the entry a
//! linear scan in list order would stop at, so explanations keep naming the original entry
//! and its byte span:
//!
//! - [`Matcher::match_name`]: `all` entries, names equal to the host (apex), names the host
//!   ends with after a `.` (subdomains), and texts the host ends or starts with (suffix,
//!   prefix: plain string comparison, no label boundary). Names are compared byte for byte, or ignoring ASCII
//!   case when built with [`Case::AsciiInsensitive`]; any other normalisation (Unicode case
//!   folding, trailing dots, IDNA, brackets) is the flavor's job, on both sides.
//! - [`Matcher::match_ip`]: `all` entries, IP and CIDR entries containing the address, per
//!   family. Mapping IPv4-mapped IPv6 to IPv4 (or not) is again the flavor's choice: it inserts
//!   and looks up canonical addresses if its tool does.
//! - [`Matcher::first`]: the fallback entries, which the index cannot decide, are checked by
//!   the flavor's own predicate in list order, and only those before the indexed result.
//!
//! A flavor keeps its linear scan as the *reference* evaluator: `Prepared::decide_reference`
//! runs it, and `tests/matcher.rs` checks on generated hostile lists and hosts that both give
//! the same decision for every flavor.
//!
//! ```
//! use noproxy::matcher::{Case, MatcherBuilder};
//! // NO_PROXY=.example.com,10.0.0.0/8,docker:2376 read Go's way (≥ 1.11)
//! let mut b = MatcherBuilder::new(Case::Sensitive);
//! b.name(0, "example.com", false, true, None);
//! b.cidr(1, "10.0.0.0".parse().unwrap(), 8, None);
//! b.name(2, "docker", true, false, Some("2376"));
//! let m = b.build().expect("few entries");
//! assert_eq!(m.match_name("a.example.com", Some("443")), Some(0));
//! assert_eq!(m.match_name("example.com", Some("443")), None);
//! assert_eq!(m.match_name("docker", Some("2376")), Some(2));
//! assert_eq!(m.match_name("docker", Some("2375")), None);
//! assert_eq!(m.match_ip("10.1.2.3".parse().unwrap(), None), Some(1));
//! ```
//!
//! Cost: [`MatcherBuilder::build`] is linear in the total size of the entries. `match_name`
//! hashes the host once, label by label from the right (a polynomial hash modulo 2⁶¹ − 1 over
//! 7-byte chunks with a random base, so crafted entries cannot force collisions), stops after
//! as many labels as the longest key has, and probes the table only for suffixes whose number
//! of dots some key has; suffix and prefix texts are hashed byte by byte from their end (or
//! start) and probed only at the lengths some text has; `match_ip` probes a table of (masked address, length)
//! once per prefix length present in the family (IPv4 /32 and /24 entries: two probes). Port
//! filters are sorted per key and binary-searched.

use std::fmt;
use std::hash::{BuildHasher, Hasher};
use std::net::IpAddr;

/// No entry.
const NONE: u32 = u32::MAX;

/// How names are compared.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub enum Case {
    /// Byte for byte (the flavor has already folded case on both sides).
    Sensitive,
    /// ASCII letters compare case-insensitively; other bytes exactly.
    AsciiInsensitive,
}

/// The entries matching one key: the first without a port filter (`any`), and the first per
/// port (`ports`: an index into `Matcher::ports`, `NONE` if no entry of this key has a port).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Hit {
    any: u32,
    ports: u32,
}

const NO_HIT: Hit = Hit { any: NONE, ports: NONE };

/// Port-restricted entries of one key: `(port, first entry)`, sorted by port, only the ports
/// whose first entry comes before the key's first port-less entry.
#[derive(Clone, Debug, Default)]
struct Ports(Vec<(Box<str>, u32)>);

impl Ports {
    fn finish(&mut self, any: u32) {
        self.0.retain(|(_, i)| *i < any);
        self.0.sort_unstable();
        self.0.dedup_by(|later, first| later.0 == first.0);
        self.0.shrink_to_fit();
    }

    fn get(&self, port: &str) -> u32 {
        match self.0.binary_search_by(|(q, _)| (**q).cmp(port)) {
            Ok(i) => self.0[i].1,
            Err(_) => NONE,
        }
    }
}

/// 2⁶¹ − 1.
const P: u64 = (1 << 61) - 1;

fn mulmod(a: u64, b: u64) -> u64 {
    let x = u128::from(a) * u128::from(b);
    let s = (x as u64 & P) + (x >> 61) as u64;
    if s >= P {
        s - P
    } else {
        s
    }
}

/// A random base in [2³², P): it makes collisions unpredictable (results never depend on it).
fn random_base() -> u64 {
    let seed = std::collections::hash_map::RandomState::new().build_hasher().finish();
    (seed % (P - (1 << 32))) + (1 << 32)
}

/// One name in the table.
#[derive(Clone, Copy, Debug)]
struct NameKey {
    hash: u64,
    start: u32,
    len: u32,
    apex: Hit,
    sub: Hit,
}

/// Open-addressing table of names, keyed by a hash that is computed right to left, so that
/// every suffix of a host gets its hash in one pass.
#[derive(Clone)]
struct NameTable {
    case: Case,
    base: u64,
    /// All key bytes, back to back (normalised if case-insensitive).
    arena: String,
    /// Power-of-two sized; `start == NONE` marks an empty cell.
    table: Vec<NameKey>,
    used: usize,
    /// Bit `k` (`k` < 63): some key with `k` dots has apex / subdomain entries; bit 63: ≥ 63 dots.
    apex_dots: u64,
    sub_dots: u64,
    /// The most dots in any key: longer suffixes of a host cannot match.
    max_dots: usize,
}

/// Up to 7 bytes, little-endian (overlapping loads, no loop).
#[inline]
fn load(p: &[u8]) -> u64 {
    let n = p.len();
    let u32_at = |i: usize| u64::from(u32::from_le_bytes([p[i], p[i + 1], p[i + 2], p[i + 3]]));
    match n {
        0 => 0,
        1..=3 => u64::from(p[0]) | u64::from(p[n / 2]) << (8 * (n / 2)) | u64::from(p[n - 1]) << (8 * (n - 1)),
        _ => u32_at(0) | u32_at(n - 4) << (8 * (n - 4)),
    }
}

/// ASCII upper-case letters to lower case in each byte of `x` (SWAR).
#[inline]
fn ascii_lower(x: u64) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let low7 = x & !HIGH;
    let ge_a = low7 + (0x80 - u64::from(b'A')) * ONES;
    let gt_z = low7 + (0x7f - u64::from(b'Z')) * ONES;
    let upper = (ge_a ^ gt_z) & !x & HIGH;
    x | (upper >> 2)
}

/// The position of the last `.` in `b` (eight bytes at a time: most labels are found in one step).
#[inline]
fn rfind_dot(b: &[u8]) -> Option<usize> {
    const DOTS: u64 = 0x2e2e_2e2e_2e2e_2e2e;
    const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    let mut end = b.len();
    while let Some(chunk) = end.checked_sub(8).and_then(|start| b.get(start..end)) {
        let mut w = [0u8; 8];
        w.copy_from_slice(chunk);
        let x = u64::from_le_bytes(w) ^ DOTS;
        // The high bit of each byte that is zero in `x`, without carries between bytes.
        let zero = !(((x & LOW7) + LOW7) | x | LOW7);
        if zero != 0 {
            return Some(end - 8 + (63 - zero.leading_zeros() as usize) / 8);
        }
        end -= 8;
    }
    b[..end].iter().rposition(|&c| c == b'.')
}

fn dot_bit(dots: usize) -> u64 {
    1 << dots.min(63)
}

impl NameTable {
    fn new(case: Case) -> Self {
        let base = random_base();
        NameTable {
            case,
            base,
            arena: String::new(),
            table: Vec::new(),
            used: 0,
            apex_dots: 0,
            sub_dots: 0,
            max_dots: 0,
        }
    }

    /// Add one digit (< 2⁶¹) to the hash: `h · base + digit (mod P)`.
    #[inline]
    fn step(&self, h: u64, digit: u64) -> u64 {
        let s = mulmod(h, self.base) + digit;
        if s >= P {
            s - P
        } else {
            s
        }
    }

    /// Extend the hash of a suffix by the label in front of it (the suffix's hash grows to the
    /// left). A label is cut into chunks of 7 bytes from its start; each chunk is one digit:
    /// its bytes (little-endian, ASCII-folded if case-insensitive), a 1 bit above them (so the
    /// length is encoded), and bit 60 on the label's first chunk (so label boundaries are).
    /// An empty label is one digit too. This encoding is injective, so the hash is a
    /// polynomial in `base` of the string: distinct strings collide with probability
    /// ≤ digits / P for a random base.
    #[inline(always)]
    fn push_label(&self, mut h: u64, label: &[u8]) -> u64 {
        // The first (or only) chunk of the label is the common case: handle it without a loop.
        let mut rest = label.len();
        while rest > 7 {
            // The last chunk starts at a multiple of 7.
            let at = (rest - 1) / 7 * 7;
            h = self.step(h, self.digit(&label[at..rest], false));
            rest = at;
        }
        self.step(h, self.digit(&label[..rest], true))
    }

    /// One chunk of at most 7 bytes as a digit (see `push_label`).
    #[inline(always)]
    fn digit(&self, part: &[u8], first: bool) -> u64 {
        let mut d = load(part);
        if self.case == Case::AsciiInsensitive {
            d = ascii_lower(d);
        }
        d | 1 << (8 * part.len()) | u64::from(first) << 60
    }

    /// The hash of `key` and its number of dots (labels from the right, as `match_name` hashes).
    fn hash(&self, key: &[u8]) -> (u64, usize) {
        let (mut h, mut end, mut dots) = (0u64, key.len(), 0usize);
        loop {
            match rfind_dot(&key[..end]) {
                Some(p) => {
                    h = self.push_label(h, &key[p + 1..end]);
                    dots += 1;
                    end = p;
                }
                None => return (self.push_label(h, &key[..end]), dots),
            }
        }
    }

    #[inline]
    fn bucket(&self, hash: u64) -> usize {
        // Fibonacci hashing on the (already uniform) 61-bit value.
        let bits = self.table.len().trailing_zeros();
        (hash.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> (64 - bits)) as usize
    }

    fn key_eq(&self, k: &NameKey, key: &[u8]) -> bool {
        let stored = &self.arena.as_bytes()[k.start as usize..(k.start + k.len) as usize];
        match self.case {
            Case::Sensitive => stored == key,
            Case::AsciiInsensitive => stored.eq_ignore_ascii_case(key),
        }
    }

    /// Position in `table` of `key`, or of the empty slot where it would go.
    #[inline]
    fn find(&self, hash: u64, key: &[u8]) -> (usize, bool) {
        let mask = self.table.len() - 1;
        let mut i = self.bucket(hash);
        loop {
            let k = &self.table[i];
            if k.start == NONE {
                return (i, false);
            }
            if k.hash == hash && k.len as usize == key.len() && self.key_eq(k, key) {
                return (i, true);
            }
            i = (i + 1) & mask;
        }
    }

    fn grow(&mut self) {
        self.resize((self.table.len() * 2).max(16));
    }

    fn resize(&mut self, cap: usize) {
        let empty = NameKey { hash: 0, start: NONE, len: 0, apex: NO_HIT, sub: NO_HIT };
        let old = std::mem::replace(&mut self.table, vec![empty; cap]);
        for k in old.into_iter().filter(|k| k.start != NONE) {
            let mask = cap - 1;
            let mut i = self.bucket(k.hash);
            while self.table[i].start != NONE {
                i = (i + 1) & mask;
            }
            self.table[i] = k;
        }
    }

    /// Position in `table` of `key` (inserted if new) and its number of dots. `None` when the
    /// arena would exceed 4 GiB.
    fn entry(&mut self, key: &str) -> Option<(usize, usize)> {
        if (self.used + 1) * 2 > self.table.len() {
            self.grow();
        }
        let (hash, dots) = self.hash(key.as_bytes());
        let (i, found) = self.find(hash, key.as_bytes());
        if !found {
            let start = u32::try_from(self.arena.len()).ok().filter(|s| *s != NONE)?;
            let len = u32::try_from(key.len()).ok().filter(|l| start.checked_add(*l).is_some())?;
            self.arena.push_str(key);
            if self.case == Case::AsciiInsensitive {
                self.arena[start as usize..].make_ascii_lowercase();
            }
            self.table[i] = NameKey { hash, start, len, apex: NO_HIT, sub: NO_HIT };
            self.used += 1;
        }
        Some((i, dots))
    }

    #[inline]
    fn get(&self, hash: u64, key: &[u8]) -> Option<&NameKey> {
        if self.used == 0 {
            return None;
        }
        match self.find(hash, key) {
            (i, true) => Some(&self.table[i]),
            _ => None,
        }
    }
}

/// One suffix or prefix text in an [`AffixTable`].
#[derive(Clone, Copy, Debug)]
struct AffixKey {
    hash: u64,
    start: u32,
    len: u32,
    hit: Hit,
}

/// Texts a host must end (or start) with, compared as strings: a hash table keyed by a hash
/// computed byte by byte from the text's far end, and the distinct text lengths present. A
/// lookup walks the host once from that end and probes at each length present.
#[derive(Clone)]
struct AffixTable {
    case: Case,
    /// `true`: texts the host starts with; `false`: texts it ends with.
    prefix: bool,
    base: u64,
    arena: Vec<u8>,
    /// Power-of-two sized; `start == NONE` marks an empty cell.
    table: Vec<AffixKey>,
    used: usize,
    /// Distinct text lengths present, ascending.
    lens: Vec<u32>,
}

impl AffixTable {
    fn new(case: Case, prefix: bool) -> Self {
        AffixTable {
            case,
            prefix,
            base: random_base(),
            arena: Vec::new(),
            table: Vec::new(),
            used: 0,
            lens: Vec::new(),
        }
    }

    #[inline]
    fn step(&self, h: u64, c: u8) -> u64 {
        let c = if self.case == Case::AsciiInsensitive { c.to_ascii_lowercase() } else { c };
        let s = mulmod(h, self.base) + u64::from(c) + 1;
        if s >= P {
            s - P
        } else {
            s
        }
    }

    /// The hash of `text`, from its far end inwards (so that all suffixes, or all prefixes,
    /// of a host are hashed in one pass).
    fn hash(&self, text: &[u8]) -> u64 {
        if self.prefix {
            text.iter().fold(0, |h, &c| self.step(h, c))
        } else {
            text.iter().rev().fold(0, |h, &c| self.step(h, c))
        }
    }

    #[inline]
    fn find(&self, hash: u64, text: &[u8]) -> (usize, bool) {
        let mask = self.table.len() - 1;
        let bits = self.table.len().trailing_zeros();
        let mut i = (hash.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> (64 - bits)) as usize;
        loop {
            let k = &self.table[i];
            if k.start == NONE {
                return (i, false);
            }
            if k.hash == hash && k.len as usize == text.len() {
                let stored = &self.arena[k.start as usize..(k.start + k.len) as usize];
                let eq = match self.case {
                    Case::Sensitive => stored == text,
                    Case::AsciiInsensitive => stored.eq_ignore_ascii_case(text),
                };
                if eq {
                    return (i, true);
                }
            }
            i = (i + 1) & mask;
        }
    }

    /// Position in `table` of `text`, inserted if new. `None` when the arena would exceed 4 GiB.
    fn entry(&mut self, text: &str) -> Option<usize> {
        if (self.used + 1) * 2 > self.table.len() {
            let cap = (self.table.len() * 2).max(16);
            let empty = AffixKey { hash: 0, start: NONE, len: 0, hit: NO_HIT };
            let old = std::mem::replace(&mut self.table, vec![empty; cap]);
            for k in old.into_iter().filter(|k| k.start != NONE) {
                let mask = cap - 1;
                let mut i = (k.hash.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> (64 - cap.trailing_zeros())) as usize;
                while self.table[i].start != NONE {
                    i = (i + 1) & mask;
                }
                self.table[i] = k;
            }
        }
        let t = text.as_bytes();
        let hash = self.hash(t);
        let (i, found) = self.find(hash, t);
        if !found {
            let start = u32::try_from(self.arena.len()).ok().filter(|s| *s != NONE)?;
            let len = u32::try_from(t.len()).ok().filter(|l| start.checked_add(*l).is_some())?;
            match self.case {
                Case::Sensitive => self.arena.extend_from_slice(t),
                Case::AsciiInsensitive => self.arena.extend(t.iter().map(u8::to_ascii_lowercase)),
            }
            self.table[i] = AffixKey { hash, start, len, hit: NO_HIT };
            self.used += 1;
            if let Err(at) = self.lens.binary_search(&len) {
                self.lens.insert(at, len);
            }
        }
        Some(i)
    }

    /// The best hit among the texts `host` ends (starts) with: one pass over at most as many
    /// bytes as the longest text, one probe per length present.
    #[inline]
    fn lookup(&self, host: &[u8], mut eval: impl FnMut(Hit) -> u32) -> u32 {
        let mut best = NONE;
        if self.used == 0 {
            return best;
        }
        let (mut h, mut n) = (0u64, 0usize);
        for &len in &self.lens {
            let len = len as usize;
            if len > host.len() {
                break;
            }
            let part = if self.prefix { &host[..len] } else { &host[host.len() - len..] };
            if self.prefix {
                h = part[n..].iter().fold(h, |h, &c| self.step(h, c));
            } else {
                h = part[..len - n].iter().rev().fold(h, |h, &c| self.step(h, c));
            }
            n = len;
            if let (i, true) = self.find(h, part) {
                best = best.min(eval(self.table[i].hit));
            }
        }
        best
    }
}

/// One address prefix in a [`PrefixTable`].
#[derive(Clone, Copy, Debug)]
struct PrefixKey {
    hash: u64,
    /// The address with the bits after `len` cleared.
    key: u128,
    len: u8,
    hit: Hit,
}

/// `PrefixKey::hash` of an empty cell (real hashes are < P).
const EMPTY: u64 = u64::MAX;

/// The prefixes of one address family: a hash table keyed by (masked address, length), and
/// the distinct lengths present. A lookup probes once per length present (at most 33 for
/// IPv4, 129 for IPv6; usually two or three).
#[derive(Clone, Debug)]
struct PrefixTable {
    width: u32,
    base: u64,
    table: Vec<PrefixKey>,
    used: usize,
    /// Distinct prefix lengths present, ascending.
    lens: Vec<u8>,
}

impl PrefixTable {
    fn new(width: u32, base: u64) -> Self {
        PrefixTable { width, base, table: Vec::new(), used: 0, lens: Vec::new() }
    }

    #[inline]
    fn mask(&self, key: u128, len: u8) -> u128 {
        let len = u32::from(len).min(self.width);
        if len == 0 {
            0
        } else {
            key & (u128::MAX >> (128 - self.width)) & (u128::MAX << (self.width - len))
        }
    }

    #[inline]
    fn hash(&self, key: u128, len: u8) -> u64 {
        let step = |h: u64, d: u64| {
            let s = mulmod(h, self.base) + d;
            if s >= P {
                s - P
            } else {
                s
            }
        };
        const M60: u128 = (1 << 60) - 1;
        let h = step(0, u64::from(len) + 1);
        let h = step(h, (key & M60) as u64);
        if self.width <= 60 {
            return h;
        }
        step(step(h, ((key >> 60) & M60) as u64), (key >> 120) as u64)
    }

    #[inline]
    fn find(&self, hash: u64, key: u128, len: u8) -> (usize, bool) {
        let mask = self.table.len() - 1;
        let bits = self.table.len().trailing_zeros();
        let mut i = (hash.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> (64 - bits)) as usize;
        loop {
            let k = &self.table[i];
            if k.hash == EMPTY {
                return (i, false);
            }
            if k.hash == hash && k.key == key && k.len == len {
                return (i, true);
            }
            i = (i + 1) & mask;
        }
    }

    /// The position of the cell of `addr/len`, created if new.
    fn cell(&mut self, addr: u128, len: u8) -> usize {
        let len = len.min(self.width as u8);
        if (self.used + 1) * 2 > self.table.len() {
            let cap = (self.table.len() * 2).max(16);
            let empty = PrefixKey { hash: EMPTY, key: 0, len: 0, hit: NO_HIT };
            let old = std::mem::replace(&mut self.table, vec![empty; cap]);
            for k in old.into_iter().filter(|k| k.hash != EMPTY) {
                let (i, _) = self.find(k.hash, k.key, k.len);
                self.table[i] = k;
            }
        }
        let key = self.mask(addr, len);
        let hash = self.hash(key, len);
        let (i, found) = self.find(hash, key, len);
        if !found {
            self.table[i] = PrefixKey { hash, key, len, hit: NO_HIT };
            self.used += 1;
            if let Err(at) = self.lens.binary_search(&len) {
                self.lens.insert(at, len);
            }
        }
        i
    }
}

/// Accumulates meanings, then [`build`](MatcherBuilder::build)s a [`Matcher`].
#[derive(Clone)]
pub struct MatcherBuilder {
    m: Matcher,
    overflow: bool,
}

impl fmt::Debug for MatcherBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MatcherBuilder").field("matcher", &self.m).field("overflow", &self.overflow).finish()
    }
}

impl MatcherBuilder {
    /// An empty index comparing names as `case` says.
    pub fn new(case: Case) -> Self {
        MatcherBuilder {
            m: Matcher {
                all: NONE,
                names: NameTable::new(case),
                v4: PrefixTable::new(32, random_base()),
                v6: PrefixTable::new(128, random_base()),
                suffixes: AffixTable::new(case, false),
                prefixes: AffixTable::new(case, true),
                ports: Vec::new(),
                fallback: Vec::new(),
            },
            overflow: false,
        }
    }

    fn idx(&mut self, entry: usize) -> Option<u32> {
        let i = u32::try_from(entry).ok().filter(|i| *i != NONE);
        self.overflow |= i.is_none();
        i
    }

    /// `hit` with entry `i` (on `port`) added.
    fn add_hit(&mut self, mut hit: Hit, i: u32, port: Option<&str>) -> Hit {
        match port {
            None => hit.any = hit.any.min(i),
            Some(_) if i > hit.any => {}
            Some(p) => {
                if hit.ports == NONE {
                    match u32::try_from(self.m.ports.len()).ok().filter(|s| *s != NONE) {
                        Some(id) => {
                            self.m.ports.push(Ports::default());
                            hit.ports = id;
                        }
                        None => {
                            self.overflow = true;
                            return hit;
                        }
                    }
                }
                self.m.ports[hit.ports as usize].0.push((p.into(), i));
            }
        }
        hit
    }

    /// Make room for about `names` name keys and `bytes` bytes of them (a hint: building
    /// works without it, with a few more reallocations).
    pub fn reserve(&mut self, names: usize, bytes: usize) {
        let t = &mut self.m.names;
        let cap = (t.used + names).saturating_mul(2).checked_next_power_of_two().unwrap_or(0).max(16);
        if cap > t.table.len() && cap <= u32::MAX as usize {
            t.resize(cap);
        }
        t.arena.reserve(bytes);
    }

    /// Entry `entry` matches every host.
    pub fn all(&mut self, entry: usize) {
        if let Some(i) = self.idx(entry) {
            self.m.all = self.m.all.min(i);
        }
    }

    /// Entry `entry` matches the host `name` itself (`apex`) and/or the hosts that end with
    /// `.name` (`subdomains`), on `port` only if given.
    pub fn name(&mut self, entry: usize, name: &str, apex: bool, subdomains: bool, port: Option<&str>) {
        let Some(i) = self.idx(entry) else { return };
        if !apex && !subdomains {
            return;
        }
        let Some((pos, dots)) = self.m.names.entry(name) else {
            self.overflow = true;
            return;
        };
        let t = &mut self.m.names;
        t.max_dots = t.max_dots.max(dots);
        if apex {
            t.apex_dots |= dot_bit(dots);
        }
        if subdomains {
            t.sub_dots |= dot_bit(dots);
        }
        let k = self.m.names.table[pos];
        if apex {
            self.m.names.table[pos].apex = self.add_hit(k.apex, i, port);
        }
        if subdomains {
            self.m.names.table[pos].sub = self.add_hit(k.sub, i, port);
        }
    }

    /// Entry `entry` matches the address `addr` (in its own family), on `port` only if given.
    pub fn ip(&mut self, entry: usize, addr: IpAddr, port: Option<&str>) {
        let len = if addr.is_ipv4() { 32 } else { 128 };
        self.cidr(entry, addr, len, port);
    }

    /// Entry `entry` matches the addresses whose first `prefix` bits equal those of `addr`
    /// (host bits are ignored; a prefix longer than the family's width counts as the full
    /// width), on `port` only if given.
    pub fn cidr(&mut self, entry: usize, addr: IpAddr, prefix: u8, port: Option<&str>) {
        let Some(i) = self.idx(entry) else { return };
        let (table, key) = match addr {
            IpAddr::V4(a) => (&mut self.m.v4, u128::from(u32::from(a))),
            IpAddr::V6(a) => (&mut self.m.v6, u128::from(a)),
        };
        let at = table.cell(key, prefix);
        let old = table.table[at].hit;
        let hit = self.add_hit(old, i, port);
        let table = if addr.is_ipv4() { &mut self.m.v4 } else { &mut self.m.v6 };
        table.table[at].hit = hit;
    }

    /// Entry `entry` matches every address from `start` to `end` inclusive (both of one
    /// family; nothing if `start > end` or the families differ), on `port` only if given.
    /// Indexed as the smallest set of prefixes covering the range (at most 2 per bit).
    pub fn range(&mut self, entry: usize, start: IpAddr, end: IpAddr, port: Option<&str>) {
        let (lo, hi, width) = match (start, end) {
            (IpAddr::V4(a), IpAddr::V4(b)) => (u128::from(u32::from(a)), u128::from(u32::from(b)), 32u32),
            (IpAddr::V6(a), IpAddr::V6(b)) => (u128::from(a), u128::from(b), 128),
            _ => return,
        };
        let addr = |x: u128| match width {
            32 => IpAddr::V4(std::net::Ipv4Addr::from(x as u32)),
            _ => IpAddr::V6(std::net::Ipv6Addr::from(x)),
        };
        let mut at = lo;
        while at <= hi {
            // The largest aligned block starting at `at` that stays within `hi`.
            let mut size = if at == 0 { width } else { at.trailing_zeros().min(width) };
            while size > 0 && (size >= 128 || at.checked_add((1u128 << size) - 1).is_none_or(|last| last > hi)) {
                size -= 1;
            }
            self.cidr(entry, addr(at), (width - size) as u8, port);
            match (size < 128).then(|| at.checked_add(1u128 << size)).flatten() {
                Some(next) if size < width => at = next,
                _ => break,
            }
        }
    }

    /// Entry `entry` matches the hosts that end with `text` (compared as strings: `x.com`
    /// matches `notx.com`), on `port` only if given.
    pub fn suffix(&mut self, entry: usize, text: &str, port: Option<&str>) {
        self.affix(entry, text, false, port);
    }

    /// Entry `entry` matches the hosts that start with `text`, on `port` only if given.
    pub fn prefix(&mut self, entry: usize, text: &str, port: Option<&str>) {
        self.affix(entry, text, true, port);
    }

    fn affix(&mut self, entry: usize, text: &str, prefix: bool, port: Option<&str>) {
        let Some(i) = self.idx(entry) else { return };
        let t = if prefix { &mut self.m.prefixes } else { &mut self.m.suffixes };
        let Some(pos) = t.entry(text) else {
            self.overflow = true;
            return;
        };
        let old = t.table[pos].hit;
        let hit = self.add_hit(old, i, port);
        let t = if prefix { &mut self.m.prefixes } else { &mut self.m.suffixes };
        t.table[pos].hit = hit;
    }

    /// Entry `entry` cannot be indexed: [`Matcher::first`] asks the flavor about it.
    pub fn fallback(&mut self, entry: usize) {
        self.m.fallback.push(entry);
    }

    /// The finished index, or `None` if some entry index or the total size did not fit in
    /// 32 bits (the flavor then scans linearly).
    pub fn build(mut self) -> Option<Matcher> {
        if self.overflow {
            return None;
        }
        let m = &mut self.m;
        let hits = m.names.table.iter().flat_map(|k| [k.apex, k.sub]);
        let hits = hits.chain(m.v4.table.iter().chain(&m.v6.table).map(|k| k.hit));
        let hits = hits.chain(m.suffixes.table.iter().chain(&m.prefixes.table).map(|k| k.hit));
        for h in hits.filter(|h| h.ports != NONE) {
            m.ports[h.ports as usize].finish(h.any);
        }
        self.m.fallback.sort_unstable();
        self.m.fallback.dedup();
        Some(self.m)
    }
}

/// A compiled NO_PROXY (see the [module docs](self)).
#[derive(Clone)]
pub struct Matcher {
    all: u32,
    names: NameTable,
    v4: PrefixTable,
    v6: PrefixTable,
    suffixes: AffixTable,
    prefixes: AffixTable,
    ports: Vec<Ports>,
    fallback: Vec<usize>,
}

impl fmt::Debug for Matcher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Matcher")
            .field("all", &(self.all != NONE).then_some(self.all))
            .field("names", &self.names.used)
            .field("v4_prefixes", &self.v4.used)
            .field("v6_prefixes", &self.v6.used)
            .field("suffixes", &self.suffixes.used)
            .field("prefixes", &self.prefixes.used)
            .field("fallback", &self.fallback.len())
            .finish()
    }
}

fn some(i: u32) -> Option<usize> {
    (i != NONE).then_some(i as usize)
}

impl Matcher {
    #[inline]
    fn eval(&self, hit: Hit, port: Option<&str>) -> u32 {
        match port {
            Some(p) if hit.ports != NONE => hit.any.min(self.ports[hit.ports as usize].get(p)),
            _ => hit.any,
        }
    }

    /// The first entry matching host name `host` on `port` (see the [module docs](self)).
    /// No allocation; one hash pass over `host` and one probe per `.` in it (plus, if suffix
    /// or prefix texts were added, one pass over at most the longest text's length and a
    /// probe per text length present).
    pub fn match_name(&self, host: &str, port: Option<&str>) -> Option<usize> {
        let affix = |t: &AffixTable| t.lookup(host.as_bytes(), |hit| self.eval(hit, port));
        let mut best = self.all.min(affix(&self.suffixes)).min(affix(&self.prefixes));
        let t = &self.names;
        if t.used == 0 {
            return some(best);
        }
        // Suffixes from the right, one label at a time: `b[start..]` with `dots` dots.
        let b = host.as_bytes();
        let (mut h, mut end, mut dots) = (0u64, b.len(), 0usize);
        loop {
            let start = rfind_dot(&b[..end]).map_or(0, |p| p + 1);
            h = t.push_label(h, &b[start..end]);
            if start == 0 {
                if t.apex_dots & dot_bit(dots) != 0 {
                    if let Some(k) = t.get(h, b) {
                        best = best.min(self.eval(k.apex, port));
                    }
                }
                break;
            }
            // `b[start - 1]` is a dot: the host is a subdomain of `b[start..]`.
            if t.sub_dots & dot_bit(dots) != 0 {
                if let Some(k) = t.get(h, &b[start..]) {
                    best = best.min(self.eval(k.sub, port));
                }
            }
            dots += 1;
            if dots > t.max_dots {
                break;
            }
            end = start - 1;
        }
        some(best)
    }

    /// The first entry matching `host` on `port`, read the way hyper-util (and most Rust code)
    /// reads a host string: an IP address if [`IpAddr`]'s `FromStr` accepts it (then
    /// [`match_ip`](Matcher::match_ip)), a name otherwise ([`match_name`](Matcher::match_name)).
    /// A host whose first byte cannot start an address skips the address parser.
    ///
    /// ```
    /// use noproxy::matcher::{Case, MatcherBuilder};
    /// let mut b = MatcherBuilder::new(Case::AsciiInsensitive);
    /// b.name(0, "example.com", true, true, None);
    /// b.cidr(1, "10.0.0.0".parse().unwrap(), 8, None);
    /// let m = b.build().expect("few entries");
    /// assert_eq!(m.match_host("WWW.example.com", None), Some(0));
    /// assert_eq!(m.match_host("10.1.2.3", None), Some(1));
    /// assert_eq!(m.match_host("10.1.2.3.example.com", None), Some(0));
    /// ```
    pub fn match_host(&self, host: &str, port: Option<&str>) -> Option<usize> {
        let may_be_ip = host.as_bytes().first().is_some_and(|&c| c.is_ascii_hexdigit() || c == b':');
        match may_be_ip.then(|| host.parse::<IpAddr>().ok()).flatten() {
            Some(ip) => self.match_ip(ip, port),
            None => self.match_name(host, port),
        }
    }

    /// The first entry matching address `ip` on `port` (see the [module docs](self)).
    /// No allocation; one probe per prefix length present in the address's family.
    pub fn match_ip(&self, ip: IpAddr, port: Option<&str>) -> Option<usize> {
        let (table, key) = match ip {
            IpAddr::V4(a) => (&self.v4, u128::from(u32::from(a))),
            IpAddr::V6(a) => (&self.v6, u128::from(a)),
        };
        let mut best = self.all;
        for &len in &table.lens {
            let k = table.mask(key, len);
            if let (i, true) = table.find(table.hash(k, len), k, len) {
                best = best.min(self.eval(table.table[i].hit, port));
            }
        }
        some(best)
    }

    /// Combine an indexed result with the fallback entries: the first fallback entry before
    /// `indexed` that `matches` accepts, else `indexed`. `matches` is only called for fallback
    /// entries, in list order.
    pub fn first(&self, indexed: Option<usize>, mut matches: impl FnMut(usize) -> bool) -> Option<usize> {
        let bound = indexed.unwrap_or(usize::MAX);
        self.fallback.iter().copied().take_while(|&i| i < bound).find(|&i| matches(i)).or(indexed)
    }

    /// Entries the index cannot decide, in list order.
    pub fn fallback_entries(&self) -> &[usize] {
        &self.fallback
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn first_match_wins_across_kinds() {
        let mut b = MatcherBuilder::new(Case::AsciiInsensitive);
        b.name(0, "b.example", true, false, None);
        b.name(1, "example", false, true, Some("80"));
        b.name(2, "Example", true, true, None);
        b.all(5);
        b.cidr(3, ip("10.0.0.0"), 8, None);
        b.ip(4, ip("10.1.2.3"), Some("443"));
        let m = b.build().unwrap();
        assert_eq!(m.match_name("B.EXAMPLE", Some("80")), Some(0));
        assert_eq!(m.match_name("a.example", Some("80")), Some(1));
        assert_eq!(m.match_name("a.example", Some("81")), Some(2));
        assert_eq!(m.match_name("example", None), Some(2));
        assert_eq!(m.match_name("other", None), Some(5));
        assert_eq!(m.match_ip(ip("10.1.2.3"), Some("443")), Some(3));
        assert_eq!(m.match_ip(ip("11.1.2.3"), Some("443")), Some(5));
        assert_eq!(m.match_ip(ip("::1"), None), Some(5));
    }

    #[test]
    fn odd_names_and_ports() {
        let mut b = MatcherBuilder::new(Case::Sensitive);
        b.name(0, "", false, true, None);
        b.name(1, ".x", false, true, None);
        b.name(2, "h", true, false, Some("2"));
        b.name(3, "h", true, false, Some("1"));
        b.name(4, "h", true, false, Some("2"));
        let m = b.build().unwrap();
        assert_eq!(m.match_name("a.", None), Some(0));
        assert_eq!(m.match_name("a..x", None), Some(1));
        assert_eq!(m.match_name(".x", None), None);
        assert_eq!(m.match_name("h", Some("2")), Some(2));
        assert_eq!(m.match_name("h", Some("1")), Some(3));
        assert_eq!(m.match_name("h", None), None);
        assert_eq!(m.match_name("", None), None);
    }

    #[test]
    fn tries_pick_the_smallest_index() {
        let mut b = MatcherBuilder::new(Case::Sensitive);
        b.ip(0, ip("2001:db8::1"), None);
        b.cidr(1, ip("2001:db8::"), 32, None);
        b.cidr(2, ip("0.0.0.0"), 0, None);
        b.cidr(3, ip("192.168.1.7"), 24, None);
        b.cidr(4, ip("::"), 0, None);
        let m = b.build().unwrap();
        assert_eq!(m.match_ip(ip("2001:db8::1"), None), Some(0));
        assert_eq!(m.match_ip(ip("2001:db8::2"), None), Some(1));
        assert_eq!(m.match_ip(ip("192.168.1.1"), None), Some(2));
        assert_eq!(m.match_ip(ip("fe80::1"), None), Some(4));
    }

    #[test]
    fn chunk_loads_and_case_folding() {
        for n in 0..=7 {
            let bytes: Vec<u8> = (0..n as u8).map(|i| b'A' + i * 3).collect();
            let want = bytes.iter().enumerate().fold(0u64, |d, (k, &c)| d | u64::from(c) << (8 * k));
            assert_eq!(load(&bytes), want);
            let lower: Vec<u8> = bytes.iter().map(u8::to_ascii_lowercase).collect();
            assert_eq!(ascii_lower(want), load(&lower));
        }
        for c in 0..=255u8 {
            assert_eq!(ascii_lower(u64::from(c) << 16), u64::from(c.to_ascii_lowercase()) << 16, "{c}");
        }
    }

    #[test]
    fn suffixes_prefixes_and_ranges() {
        let mut b = MatcherBuilder::new(Case::AsciiInsensitive);
        b.suffix(0, "x.COM", None);
        b.suffix(1, "om", Some("80"));
        b.prefix(2, "10.0.", None);
        b.suffix(3, "", None);
        b.range(4, ip("10.0.0.3"), ip("10.0.1.0"), None);
        b.range(5, ip("::"), ip("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"), Some("1"));
        b.range(6, ip("0.0.0.0"), ip("255.255.255.255"), Some("2"));
        b.range(7, ip("10.0.0.5"), ip("10.0.0.4"), None);
        let m = b.build().unwrap();
        assert_eq!(m.match_name("notx.com", None), Some(0));
        assert_eq!(m.match_name("a.OM", Some("80")), Some(1));
        assert_eq!(m.match_name("a.om", Some("81")), Some(3));
        assert_eq!(m.match_name("10.0.1", None), Some(2));
        assert_eq!(m.match_name("", None), Some(3));
        for (a, want) in [("10.0.0.2", None), ("10.0.0.3", Some(4)), ("10.0.0.255", Some(4)), ("10.0.1.0", Some(4))] {
            assert_eq!(m.match_ip(ip(a), None), want, "{a}");
        }
        assert_eq!(m.match_ip(ip("10.0.1.1"), Some("2")), Some(6));
        assert_eq!(m.match_ip(ip("fe80::1"), Some("1")), Some(5));
        assert_eq!(m.match_ip(ip("fe80::1"), Some("2")), None);
        let mut b = MatcherBuilder::new(Case::Sensitive);
        b.range(0, ip("255.255.255.254"), ip("255.255.255.255"), None);
        b.range(1, ip("::fffe"), ip("::1:0"), None);
        let m = b.build().unwrap();
        assert_eq!(m.match_ip(ip("255.255.255.255"), None), Some(0));
        assert_eq!(m.match_ip(ip("::ffff"), None), Some(1));
        assert_eq!(m.match_ip(ip("::1:1"), None), None);
    }

    #[test]
    fn dots_found_from_the_right() {
        for s in [
            "",
            ".",
            "a",
            "a.",
            ".a",
            "abcdefgh",
            "abcdefgh.",
            ".abcdefgh",
            "abcdefg.hijklmnop",
            "a.b.c",
            "\u{e9}.\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}",
        ] {
            let b = s.as_bytes();
            assert_eq!(rfind_dot(b), b.iter().rposition(|&c| c == b'.'), "{s:?}");
        }
        for c in 0..=255u8 {
            let mut b = [b'a'; 20];
            b[3] = c;
            b[13] = c;
            assert_eq!(rfind_dot(&b), b.iter().rposition(|&x| x == b'.'), "{c}");
        }
    }

    #[test]
    fn fallback_entries_in_order() {
        let mut b = MatcherBuilder::new(Case::Sensitive);
        b.name(3, "x", true, false, None);
        b.fallback(1);
        b.fallback(5);
        let m = b.build().unwrap();
        assert_eq!(m.first(m.match_name("x", None), |_| true), Some(1));
        assert_eq!(m.first(m.match_name("x", None), |i| i == 5), Some(3));
        assert_eq!(m.first(m.match_name("y", None), |i| i == 5), Some(5));
    }
}
