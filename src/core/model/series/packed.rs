//! The samples of one series, packed: the oldest and the newest sample as they are, and
//! every later one as the change from the one before, in a few bytes.
//!
//! Each packed sample is its timestamp's delta-of-delta (the change of the interval since
//! the previous sample, zigzag LEB128: scrapes a few ms off their tick take 1 byte) then
//! its value: a tag byte 0 for an unchanged value; `0x80 | zigzag(step)` for a whole
//! number that moved by a step of -63..=63 from a whole number (a counter's or a bucket's
//! usual change), `0xff` then the zigzag LEB128 step for a larger one; otherwise the value
//! XORed with the previous value's bits, as in Gorilla (Pelkonen et al., VLDB 2015) but
//! byte-aligned: `trailing_zero_bytes << 4 | meaningful_bytes`, then those bytes. A
//! constant series and a counter growing by small steps cost 2 bytes a sample instead of
//! 16. Values are kept bit for bit (NaN payloads and -0 included).
//!
//! Reading decodes from the oldest sample: a range walks the series once. A window that
//! ends at or after the newest sample needs only its ends ([`Series::window_ends`]): the
//! walk stops at the window's first sample (the store keeps the rate window and a little
//! more, so a few samples in), and the counter resets inside it are kept aside as they are
//! pushed ([`Series::resets_between`]), so `rate` and `increase` do not decode the rest.

use super::Sample;

/// Samples of one series, timestamps strictly increasing, packed (see the module docs).
#[derive(Debug, Clone, Default)]
pub struct Series {
    /// Oldest sample, and the interval from the sample before it (0 when none): the
    /// state the first packed sample is decoded from.
    first: Option<(Sample, i64)>,
    /// Newest sample and the interval before it: the state the next one is packed from.
    last: Option<(Sample, i64)>,
    /// Every sample after the first, packed, from `start` on. The bytes before `start` are
    /// samples already dropped ([`Series::trim_before`]); they are let go when a push
    /// needs their room, so dropping the oldest sample at every scrape moves the buffer
    /// once in many scrapes, not every time, and never grows it.
    bytes: Vec<u8>,
    start: usize,
    len: usize,
    /// Each drop of the value (`v < previous v`, a counter reset) among the stored samples
    /// after the first: the dropped sample's time and the previous value, oldest first.
    resets: Vec<(i64, f64)>,
}

/// The ends of a left-open window of a series and how many samples it holds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WindowEnds {
    pub first: Sample,
    pub last: Sample,
    /// Samples in the window, `first` and `last` included (1 when they are the same).
    pub n: usize,
}

impl Series {
    /// An empty series with room for `bytes` bytes of packed samples before it
    /// reallocates (2 a sample for a constant series).
    #[must_use]
    pub fn with_capacity(bytes: usize) -> Self {
        Self {
            bytes: Vec::with_capacity(bytes),
            ..Self::default()
        }
    }

    /// Bytes of packed samples the buffer holds before it reallocates.
    #[must_use]
    pub fn capacity(&self) -> usize {
        self.bytes.capacity()
    }

    /// Number of stored samples.
    #[must_use]
    pub fn len(&self) -> usize {
        self.len
    }

    /// True when no sample is stored.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Oldest sample.
    #[must_use]
    pub fn first(&self) -> Option<Sample> {
        self.first.map(|(s, _)| s)
    }

    /// Newest sample.
    #[must_use]
    pub fn last(&self) -> Option<Sample> {
        self.last.map(|(s, _)| s)
    }

    /// Bytes of dropped samples still in the buffer (see `bytes`), for tests.
    #[cfg(test)]
    pub(crate) fn dropped_bytes(&self) -> usize {
        self.start
    }

    /// The packed bytes of the samples after the first.
    fn live(&self) -> &[u8] {
        self.bytes.get(self.start..).unwrap_or_default()
    }

    /// Every sample, oldest first.
    pub fn iter(&self) -> Iter<'_> {
        Iter {
            bytes: self.live(),
            at: self.first,
            left: self.len,
        }
    }

    /// Samples with `start_excl_ms < t_ms <= end_incl_ms`, oldest first: the left-open
    /// window PromQL range selectors use (Prometheus >= 3.0). Decodes from the oldest
    /// sample, no allocation.
    pub fn range(
        &self,
        start_excl_ms: i64,
        end_incl_ms: i64,
    ) -> impl Iterator<Item = Sample> + Clone + '_ {
        self.iter()
            .skip_while(move |s| s.t_ms <= start_excl_ms)
            .take_while(move |s| s.t_ms <= end_incl_ms)
    }

    /// The first and newest samples of the left-open window `(start_excl_ms, end_incl_ms]`
    /// and how many it holds, decoding only the samples up to the first; `None` when the
    /// window holds no sample, or ends before the newest sample (walk it with
    /// [`Series::range`] then).
    pub fn window_ends(&self, start_excl_ms: i64, end_incl_ms: i64) -> Option<WindowEnds> {
        let last = self.last()?;
        if last.t_ms > end_incl_ms || last.t_ms <= start_excl_ms {
            return None;
        }
        let mut it = self.iter();
        let mut skipped = 0;
        let first = loop {
            let s = it.next()?;
            if s.t_ms > start_excl_ms {
                break s;
            }
            skipped += 1;
        };
        Some(WindowEnds {
            first,
            last,
            n: self.len - skipped,
        })
    }

    /// The newest sample with `start_excl_ms < t_ms <= end_incl_ms`: the newest sample
    /// itself when it is at or before `end_incl_ms` (no decoding), else found by walking.
    pub fn last_in(&self, start_excl_ms: i64, end_incl_ms: i64) -> Option<Sample> {
        let last = self.last()?;
        if last.t_ms <= end_incl_ms {
            return (last.t_ms > start_excl_ms).then_some(last);
        }
        self.range(start_excl_ms, end_incl_ms).last()
    }

    /// The previous values of the drops (counter resets) at samples with
    /// `after_excl_ms < t_ms <= to_incl_ms`, oldest first: what `rate` adds back between
    /// a window's first and last samples.
    pub fn resets_between(
        &self,
        after_excl_ms: i64,
        to_incl_ms: i64,
    ) -> impl Iterator<Item = f64> + '_ {
        let from = self.resets.partition_point(|r| r.0 <= after_excl_ms);
        self.resets[from..]
            .iter()
            .take_while(move |r| r.0 <= to_incl_ms)
            .map(|r| r.1)
    }

    /// Appends if `s` is newer than the last sample; false (and nothing stored)
    /// otherwise, as Prometheus rejects out-of-order samples.
    pub fn push(&mut self, s: Sample) -> bool {
        let Some((prev, prev_delta)) = self.last else {
            self.first = Some((s, 0));
            self.last = Some((s, 0));
            self.len = 1;
            return true;
        };
        if s.t_ms <= prev.t_ms {
            return false;
        }
        let delta = s.t_ms.wrapping_sub(prev.t_ms);
        let mut out = Packed::default();
        put_varint(&mut out, zigzag(delta.wrapping_sub(prev_delta)));
        let x = prev.v.to_bits() ^ s.v.to_bits();
        if x == 0 {
            out.push(0);
        } else if let Some(z) = int_delta(prev.v, s.v).map(zigzag) {
            if z < 0x7f {
                out.push(0x80 | z as u8);
            } else {
                out.push(0xff);
                put_varint(&mut out, z);
            }
        } else {
            let trail = x.trailing_zeros() / 8;
            let n = 8 - x.leading_zeros() / 8 - trail;
            out.push(((trail as u8) << 4) | n as u8);
            let le = (x >> (trail * 8)).to_le_bytes();
            for b in &le[..n as usize] {
                out.push(*b);
            }
        }
        let packed = out.bytes();
        if self.bytes.capacity() - self.bytes.len() < packed.len() {
            // The dropped samples' room first; then grow by a quarter rather than
            // doubling, so a series settles near its window's size (still geometric, so
            // pushes stay amortised O(1)).
            self.bytes.drain(..self.start);
            self.start = 0;
            if self.bytes.capacity() - self.bytes.len() < packed.len() {
                self.bytes
                    .reserve_exact((self.bytes.len() / 4).max(2 * MAX_PACKED));
            }
        }
        self.bytes.extend_from_slice(packed);
        if s.v < prev.v {
            self.resets.push((s.t_ms, prev.v));
        }
        self.last = Some((s, delta));
        self.len += 1;
        true
    }

    /// Drops samples with `t_ms < cutoff_ms`; returns how many were dropped.
    pub(crate) fn trim_before(&mut self, cutoff_ms: i64) -> usize {
        let Some(mut at) = self.first else {
            return 0;
        };
        if at.0.t_ms >= cutoff_ms {
            return 0;
        }
        if self.last.is_some_and(|(l, _)| l.t_ms < cutoff_ms) {
            let n = self.len;
            *self = Series::default();
            return n;
        }
        // The first kept sample becomes the unpacked first one: decode up to it and drop
        // the bytes before and of it; the samples after it were packed against it.
        let (mut pos, mut dropped) = (self.start, 0);
        while at.0.t_ms < cutoff_ms {
            match unpack(&self.bytes, pos, at) {
                Some((next, end)) => (at, pos, dropped) = (next, end, dropped + 1),
                None => break,
            }
        }
        self.start = pos;
        self.first = Some(at);
        self.len -= dropped;
        let first_t = at.0.t_ms;
        let gone = self.resets.partition_point(|r| r.0 <= first_t);
        self.resets.drain(..gone);
        dropped
    }
}

/// The most bytes one packed sample takes: a 10-byte varint, a tag and 8 value bytes.
const MAX_PACKED: usize = 19;

/// One sample's bytes as [`Series::push`] packs them, before they are appended.
#[derive(Default)]
struct Packed {
    buf: [u8; MAX_PACKED],
    n: usize,
}

impl Packed {
    fn push(&mut self, b: u8) {
        if let Some(slot) = self.buf.get_mut(self.n) {
            *slot = b;
            self.n += 1;
        }
    }

    fn bytes(&self) -> &[u8] {
        self.buf.get(..self.n).unwrap_or_default()
    }
}

/// Oldest-first iterator over a [`Series`].
#[derive(Debug, Clone)]
pub struct Iter<'a> {
    bytes: &'a [u8],
    /// The next sample to yield, its interval, and (in `bytes`) where the one after starts.
    at: Option<(Sample, i64)>,
    left: usize,
}

impl Iterator for Iter<'_> {
    type Item = Sample;

    fn next(&mut self) -> Option<Sample> {
        let (cur, delta) = self.at?;
        self.left = self.left.saturating_sub(1);
        self.at = if self.left == 0 {
            None
        } else {
            unpack(self.bytes, 0, (cur, delta)).map(|(next, end)| {
                self.bytes = &self.bytes[end..];
                next
            })
        };
        Some(cur)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.left, Some(self.left))
    }
}

/// Decodes the sample packed at `pos` after `prev` (with its interval); returns it with
/// its interval and the position after it. `None` at the end of the bytes.
fn unpack(bytes: &[u8], pos: usize, prev: (Sample, i64)) -> Option<((Sample, i64), usize)> {
    let (dod, mut pos) = get_varint(bytes, pos)?;
    let delta = prev.1.wrapping_add(unzigzag(dod));
    let tag = *bytes.get(pos)?;
    pos += 1;
    let mut bits = prev.0.v.to_bits();
    if tag & 0x80 != 0 {
        let z = if tag == 0xff {
            let (z, end) = get_varint(bytes, pos)?;
            pos = end;
            z
        } else {
            u64::from(tag & 0x7f)
        };
        bits = (prev.0.v + unzigzag(z) as f64).to_bits();
    } else if tag != 0 {
        let (trail, n) = (u32::from(tag >> 4), usize::from(tag & 0x0f));
        let mut le = [0u8; 8];
        le[..n].copy_from_slice(bytes.get(pos..pos + n)?);
        pos += n;
        bits ^= u64::from_le_bytes(le) << (trail * 8);
    }
    let s = Sample {
        t_ms: prev.0.t_ms.wrapping_add(delta),
        v: f64::from_bits(bits),
    };
    Some(((s, delta), pos))
}

/// `b - a` when both are whole numbers below 2^52 in magnitude and `a` plus it gives
/// `b` bit for bit (not so for `-0`): a counter's step, packed as an integer.
fn int_delta(a: f64, b: f64) -> Option<i64> {
    const LIMIT: f64 = 4_503_599_627_370_496.0; // 2^52
    let whole = |v: f64| v.abs() < LIMIT && v.fract() == 0.0;
    if !(whole(a) && whole(b)) {
        return None;
    }
    let d = (b - a) as i64;
    ((a + d as f64).to_bits() == b.to_bits()).then_some(d)
}

fn zigzag(v: i64) -> u64 {
    ((v << 1) ^ (v >> 63)) as u64
}

fn unzigzag(u: u64) -> i64 {
    ((u >> 1) as i64) ^ -((u & 1) as i64)
}

fn put_varint(out: &mut Packed, mut u: u64) {
    while u >= 0x80 {
        out.push((u as u8) | 0x80);
        u >>= 7;
    }
    out.push(u as u8);
}

fn get_varint(bytes: &[u8], mut pos: usize) -> Option<(u64, usize)> {
    let mut u = 0u64;
    let mut shift = 0;
    loop {
        let b = *bytes.get(pos)?;
        pos += 1;
        u |= u64::from(b & 0x7f).checked_shl(shift)?;
        if b < 0x80 {
            return Some((u, pos));
        }
        shift += 7;
    }
}
