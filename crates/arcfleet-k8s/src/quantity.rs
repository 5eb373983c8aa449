//! Kubernetes resource quantities (`250m`, `1.5Gi`, `2e3`), exact to the nano-unit.

use std::fmt;
use std::str::FromStr;

const NANO: i128 = 1_000_000_000;

/// A resource quantity, stored exactly as nano-units and printed back as written.
///
/// Parsing follows the API server's grammar: a signed decimal number, then one of the binary
/// suffixes `Ki Mi Gi Ti Pi Ei`, the decimal suffixes `n u m k M G T P E`, or an exponent
/// `e<n>`/`E<n>`. Values finer than a nano-unit round up, as the API server rounds them.
///
/// ```
/// use arcfleet_k8s::Quantity;
/// let cpu: Quantity = "250m".parse().unwrap();
/// let total = cpu.checked_mul(4).unwrap();
/// assert_eq!(total, "1".parse().unwrap());
/// assert!("1.5.5Gi".parse::<Quantity>().is_err());
/// ```
#[derive(Clone, Debug)]
pub struct Quantity {
    nanos: i128,
    text: String,
}

/// Why a string is not a quantity.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "`{text}` is not a Kubernetes quantity ({reason}); expected a number with an optional suffix such as 250m, 1.5Gi or 2e3"
)]
pub struct QuantityError {
    text: String,
    reason: &'static str,
}

impl PartialEq for Quantity {
    fn eq(&self, other: &Self) -> bool {
        self.nanos == other.nanos
    }
}
impl Eq for Quantity {}
impl PartialOrd for Quantity {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Quantity {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.nanos.cmp(&other.nanos)
    }
}

impl Quantity {
    /// Zero.
    pub fn zero() -> Self {
        Quantity::from_nanos(0)
    }

    /// A whole number of units (pods, devices).
    pub fn from_units(units: i64) -> Self {
        Quantity::from_nanos(i128::from(units) * NANO)
    }

    fn from_nanos(nanos: i128) -> Self {
        Quantity {
            nanos,
            text: format_nanos(nanos, Style::Decimal),
        }
    }

    /// The value in nano-units.
    pub fn nanos(&self) -> i128 {
        self.nanos
    }

    /// The text as written (or as computed, for sums).
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// `self + other`, `None` on overflow.
    pub fn checked_add(&self, other: &Quantity) -> Option<Quantity> {
        self.nanos
            .checked_add(other.nanos)
            .map(Quantity::from_nanos)
    }

    /// `self × factor`, `None` on overflow.
    pub fn checked_mul(&self, factor: i64) -> Option<Quantity> {
        self.nanos
            .checked_mul(i128::from(factor))
            .map(Quantity::from_nanos)
    }

    /// The same value printed in the style that suits resource `name`: binary suffixes for
    /// memory and storage, whole numbers or millis otherwise.
    pub fn canonical_for(&self, name: &str) -> Quantity {
        let style = if name.contains("memory") || name.contains("storage") {
            Style::Binary
        } else {
            Style::Decimal
        };
        Quantity {
            nanos: self.nanos,
            text: format_nanos(self.nanos, style),
        }
    }
    /// The value as a person writes it for resource `name`: memory and storage in the largest
    /// binary unit that keeps at most two decimals (`22.5Gi`, not the canonical `23040Mi`);
    /// other resources as [`Quantity::canonical_for`] prints them. For messages, not manifests.
    ///
    /// ```
    /// let q: arcfleet_k8s::Quantity = "23040Mi".parse().unwrap();
    /// assert_eq!(q.human_for("requests.memory"), "22.5Gi");
    /// let cpu: arcfleet_k8s::Quantity = "5250m".parse().unwrap();
    /// assert_eq!(cpu.human_for("requests.cpu"), "5.25");
    /// assert_eq!(cpu.canonical_for("requests.cpu").as_str(), "5250m");
    /// ```
    pub fn human_for(&self, name: &str) -> String {
        let canonical = self.canonical_for(name);
        let binary = name.contains("memory") || name.contains("storage");
        if !binary {
            // `4.2` cores rather than `4200m`, where that is exact.
            let millis = self.nanos / 1_000_000;
            if self.nanos % 1_000_000 == 0 && millis.abs() >= 1000 && millis % 1000 != 0 {
                let text = format!("{}.{:03}", millis / 1000, (millis % 1000).abs());
                return text.trim_end_matches('0').to_string();
            }
            return canonical.text;
        }
        if self.nanos % NANO != 0 || self.nanos == 0 {
            return canonical.text;
        }
        let units = self.nanos / NANO;
        for (suffix, shift) in BINARY_SUFFIXES {
            let unit = 1i128 << shift;
            if units.abs() >= unit && (units * 100) % unit == 0 {
                let hundredths = units * 100 / unit;
                let whole = hundredths / 100;
                let fraction = (hundredths % 100).abs();
                return match fraction {
                    0 => format!("{whole}{suffix}"),
                    f if f % 10 == 0 => format!("{whole}.{}{suffix}", f / 10),
                    f => format!("{whole}.{f:02}{suffix}"),
                };
            }
        }
        canonical.text
    }
}

/// Binary suffixes, largest first, with their power of two.
const BINARY_SUFFIXES: [(&str, u32); 6] = [
    ("Ei", 60),
    ("Pi", 50),
    ("Ti", 40),
    ("Gi", 30),
    ("Mi", 20),
    ("Ki", 10),
];

#[derive(Clone, Copy)]
enum Style {
    Binary,
    Decimal,
}

fn format_nanos(nanos: i128, style: Style) -> String {
    if nanos % NANO == 0 {
        let units = nanos / NANO;
        if let Style::Binary = style {
            for (suffix, shift) in BINARY_SUFFIXES {
                let unit = 1i128 << shift;
                if units != 0 && units % unit == 0 {
                    return format!("{}{suffix}", units / unit);
                }
            }
        }
        return units.to_string();
    }
    // Round up to millis: a quota computed from these must never come out short.
    let millis = nanos.div_euclid(1_000_000) + i128::from(nanos.rem_euclid(1_000_000) != 0);
    if millis % 1000 == 0 {
        (millis / 1000).to_string()
    } else {
        format!("{millis}m")
    }
}

impl FromStr for Quantity {
    type Err = QuantityError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let fail = |reason| QuantityError {
            text: text.to_owned(),
            reason,
        };
        let split = text
            .find(|c: char| !(c.is_ascii_digit() || matches!(c, '.' | '+' | '-')))
            .unwrap_or(text.len());
        let (number, suffix) = text.split_at(split);
        let (negative, digits) = match number.as_bytes().first() {
            Some(b'-') => (true, &number[1..]),
            Some(b'+') => (false, &number[1..]),
            Some(_) => (false, number),
            None => return Err(fail("no number")),
        };
        let (whole, frac) = digits.split_once('.').unwrap_or((digits, ""));
        if (whole.is_empty() && frac.is_empty())
            || !whole.bytes().all(|b| b.is_ascii_digit())
            || !frac.bytes().all(|b| b.is_ascii_digit())
        {
            return Err(fail("malformed number"));
        }
        if whole.len() + frac.len() > 30 {
            return Err(fail("too many digits"));
        }
        let mantissa: i128 = format!("{whole}{frac}")
            .parse()
            .map_err(|_| fail("malformed number"))?;
        // value = mantissa / 10^frac × 2^shift × 10^exp10
        let frac_digits = i32::try_from(frac.len()).map_err(|_| fail("too many digits"))?;
        let (shift, exp10): (u32, i32) = match suffix {
            "" => (0, 0),
            "Ki" => (10, 0),
            "Mi" => (20, 0),
            "Gi" => (30, 0),
            "Ti" => (40, 0),
            "Pi" => (50, 0),
            "Ei" => (60, 0),
            "n" => (0, -9),
            "u" => (0, -6),
            "m" => (0, -3),
            "k" => (0, 3),
            "M" => (0, 6),
            "G" => (0, 9),
            "T" => (0, 12),
            "P" => (0, 15),
            "E" => (0, 18),
            s if s.starts_with(['e', 'E']) => {
                let exp: i32 = s[1..].parse().map_err(|_| fail("bad exponent"))?;
                if !(-30..=30).contains(&exp) {
                    return Err(fail("exponent out of range"));
                }
                (0, exp)
            }
            _ => return Err(fail("unknown suffix")),
        };
        let scale = 9 + exp10 - frac_digits;
        let scaled = mantissa
            .checked_mul(1i128 << shift)
            .ok_or_else(|| fail("too large"))?;
        let nanos = if scale >= 0 {
            10i128
                .checked_pow(scale.unsigned_abs())
                .and_then(|p| scaled.checked_mul(p))
                .ok_or_else(|| fail("too large"))?
        } else {
            let divisor = 10i128
                .checked_pow(scale.unsigned_abs())
                .ok_or_else(|| fail("too small"))?;
            scaled / divisor + i128::from(scaled % divisor != 0)
        };
        if nanos > i128::from(i64::MAX) * NANO {
            return Err(fail("too large"));
        }
        Ok(Quantity {
            nanos: if negative { -nanos } else { nanos },
            text: text.to_owned(),
        })
    }
}

impl fmt::Display for Quantity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl serde::Serialize for Quantity {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.text)
    }
}

impl<'de> serde::Deserialize<'de> for Quantity {
    /// Accepts a string or a number (`cpu: 4` is as common as `cpu: "4"`).
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = Quantity;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a quantity such as 250m, 1.5Gi or 4")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Quantity, E> {
                v.parse().map_err(E::custom)
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Quantity, E> {
                self.visit_str(&v.to_string())
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Quantity, E> {
                self.visit_str(&v.to_string())
            }
            fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Quantity, E> {
                self.visit_str(&v.to_string())
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

impl schemars::JsonSchema for Quantity {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Quantity".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "A Kubernetes quantity such as 250m, 1.5Gi or 4.",
            "anyOf": [
                {"type": "string", "pattern": "^[+-]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)(([KMGTPE]i)|[numkMGTPE]|([eE][+-]?[0-9]+))?$"},
                {"type": "number"}
            ]
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(s: &str) -> Quantity {
        s.parse().unwrap()
    }

    #[test]
    fn parses_every_suffix_exactly() {
        assert_eq!(q("250m").nanos(), 250_000_000);
        assert_eq!(q("1").nanos(), NANO);
        assert_eq!(q("1.5Gi").nanos(), 3 * (1i128 << 29) * NANO);
        assert_eq!(q("1Ki").nanos(), 1024 * NANO);
        assert_eq!(q("2e3").nanos(), 2000 * NANO);
        assert_eq!(q("2E-3").nanos(), q("2m").nanos());
        assert_eq!(q("1k"), q("1000"));
        assert_eq!(q("100n").nanos(), 100);
        assert_eq!(q("0.1n").nanos(), 1, "sub-nano rounds up");
        assert_eq!(q(".5").nanos(), NANO / 2);
        assert_eq!(q("-1").nanos(), -NANO);
    }

    #[test]
    fn rejects_malformed_quantities() {
        for bad in [
            "",
            "Gi",
            "1.5.5Gi",
            "1GB",
            "abc",
            "1e",
            "1e99",
            "1 Gi",
            "--1",
            "9999999999999999999999999999999999",
        ] {
            assert!(bad.parse::<Quantity>().is_err(), "{bad}");
        }
    }

    #[test]
    fn arithmetic_and_formatting() {
        let sum = q("250m").checked_add(&q("100m")).unwrap();
        assert_eq!(sum.as_str(), "350m");
        assert_eq!(sum.checked_mul(15).unwrap().as_str(), "5250m");
        let mem = q("1Gi")
            .checked_add(&q("512Mi"))
            .unwrap()
            .checked_mul(15)
            .unwrap();
        assert_eq!(mem.canonical_for("requests.memory").as_str(), "23040Mi");
        assert_eq!(
            q("4Gi")
                .checked_mul(3)
                .unwrap()
                .canonical_for("memory")
                .as_str(),
            "12Gi"
        );
        assert_eq!(Quantity::from_units(25).as_str(), "25");
        assert_eq!(
            q("1n").canonical_for("cpu").as_str(),
            "1m",
            "rounds up to millis"
        );
    }
}
