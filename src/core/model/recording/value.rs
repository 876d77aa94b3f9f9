//! A scrape's sample as a JSON array: `[id, value]` or `[id, value, timestamp_ms]`. JSON has
//! no NaN or infinity, so those values are the strings `"NaN"`, `"+Inf"` and `"-Inf"`, as
//! the exposition format writes them; every finite value is a JSON number, which serde_json
//! writes as the shortest text that reads back to the same `f64`.

use std::fmt;

use serde::de::{self, SeqAccess, Visitor};
use serde::ser::SerializeSeq;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// One sample of a scrape: the series ID, the value, the exposition's own timestamp (ms).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Point(pub u32, pub f64, pub Option<i64>);

impl Serialize for Point {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(if self.2.is_some() { 3 } else { 2 }))?;
        seq.serialize_element(&self.0)?;
        if self.1.is_finite() {
            seq.serialize_element(&self.1)?;
        } else if self.1.is_nan() {
            seq.serialize_element("NaN")?;
        } else if self.1 > 0.0 {
            seq.serialize_element("+Inf")?;
        } else {
            seq.serialize_element("-Inf")?;
        }
        if let Some(t) = self.2 {
            seq.serialize_element(&t)?;
        }
        seq.end()
    }
}

/// A value: a JSON number, or one of the strings for the non-finite ones.
struct Value(f64);

impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Value;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a number, \"NaN\", \"+Inf\" or \"-Inf\"")
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
                Ok(Value(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
                Ok(Value(v as f64))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Value, E> {
                Ok(Value(v as f64))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
                match v {
                    "NaN" => Ok(Value(f64::NAN)),
                    "+Inf" => Ok(Value(f64::INFINITY)),
                    "-Inf" => Ok(Value(f64::NEG_INFINITY)),
                    other => Err(E::invalid_value(de::Unexpected::Str(other), &self)),
                }
            }
        }
        d.deserialize_any(V)
    }
}

impl<'de> Deserialize<'de> for Point {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Point;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("[id, value] or [id, value, timestamp_ms]")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Point, A::Error> {
                let id: u32 = seq
                    .next_element()?
                    .ok_or_else(|| de::Error::invalid_length(0, &self))?;
                let value: Value = seq
                    .next_element()?
                    .ok_or_else(|| de::Error::invalid_length(1, &self))?;
                let t: Option<i64> = seq.next_element()?;
                if seq.next_element::<de::IgnoredAny>()?.is_some() {
                    return Err(de::Error::invalid_length(4, &self));
                }
                Ok(Point(id, value.0, t))
            }
        }
        d.deserialize_seq(V)
    }
}
