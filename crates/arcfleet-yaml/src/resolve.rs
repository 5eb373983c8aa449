//! Scalar resolution the way Kubernetes does it.
//!
//! The API server, kubectl, Argo CD and Flux all turn YAML into JSON with go-yaml v2, which
//! follows YAML 1.1: `yes`/`no`/`on`/`off`/`y`/`n` are booleans, `0755` is octal, `1_000` is an
//! integer. YAML 1.2 parsers disagree, so arcfleet resolves plain scalars itself, with go-yaml
//! v2's rules, and keeps the raw text for the rules that report the difference.

use serde_json::Value;

use crate::node::{Node, NodeValue, Scalar, ScalarStyle};

/// What a scalar means to Kubernetes.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Resolved<'a> {
    /// `~`, `null`, `Null`, `NULL` or nothing.
    Null,
    /// A YAML 1.1 boolean.
    Bool(bool),
    /// An integer (decimal, `0x` hex, `0o`/leading-zero octal, `0b` binary, `_` separators).
    Int(i64),
    /// A non-negative integer too large for `i64`.
    UInt(u64),
    /// A float (`1.5`, `1e3`, `.inf`, `.nan`).
    Float(f64),
    /// A string.
    Str(&'a str),
}

impl Resolved<'_> {
    /// A short name of the type, for messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            Resolved::Null => "null",
            Resolved::Bool(_) => "a boolean",
            Resolved::Int(_) | Resolved::UInt(_) => "an integer",
            Resolved::Float(_) => "a float",
            Resolved::Str(_) => "a string",
        }
    }
}

pub(crate) fn resolve(scalar: &Scalar) -> Resolved<'_> {
    let text = scalar.text();
    if let Some(tag) = scalar.tag() {
        return resolve_tagged(tag, text);
    }
    if scalar.style() != ScalarStyle::Plain {
        return Resolved::Str(text);
    }
    resolve_plain(text)
}

fn resolve_tagged<'a>(tag: &str, text: &'a str) -> Resolved<'a> {
    match tag
        .trim_start_matches("tag:yaml.org,2002:")
        .trim_start_matches("!!")
    {
        "null" => Resolved::Null,
        "bool" | "int" | "float" => match resolve_plain(text) {
            Resolved::Str(s) => Resolved::Str(s),
            other => other,
        },
        _ => Resolved::Str(text),
    }
}

/// go-yaml v2 `resolve()` for an untagged plain scalar.
fn resolve_plain(text: &str) -> Resolved<'_> {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Resolved::Null,
        "y" | "Y" | "yes" | "Yes" | "YES" | "on" | "On" | "ON" | "true" | "True" | "TRUE" => {
            return Resolved::Bool(true);
        }
        "n" | "N" | "no" | "No" | "NO" | "off" | "Off" | "OFF" | "false" | "False" | "FALSE" => {
            return Resolved::Bool(false);
        }
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => {
            return Resolved::Float(f64::INFINITY);
        }
        "-.inf" | "-.Inf" | "-.INF" => return Resolved::Float(f64::NEG_INFINITY),
        ".nan" | ".NaN" | ".NAN" => return Resolved::Float(f64::NAN),
        _ => {}
    }
    let first = text.as_bytes()[0];
    if !(first.is_ascii_digit() || matches!(first, b'-' | b'+' | b'.')) {
        return Resolved::Str(text);
    }
    let plain: String = text.chars().filter(|&c| c != '_').collect();
    if let Some(n) = parse_go_int(&plain) {
        return n;
    }
    if let Some(bits) = plain.strip_prefix("0b")
        && let Ok(v) = i64::from_str_radix(bits, 2)
    {
        return Resolved::Int(v);
    }
    if let Some(bits) = plain.strip_prefix("-0b")
        && let Ok(v) = i64::from_str_radix(bits, 2)
    {
        return Resolved::Int(-v);
    }
    if is_yaml_float(&plain)
        && let Ok(f) = plain.parse::<f64>()
    {
        return Resolved::Float(f);
    }
    Resolved::Str(text)
}

/// Go's `strconv.ParseInt(s, 0, 64)` / `ParseUint`: sign, then `0x`, `0o`, `0b` or leading `0`
/// (octal) prefixes.
fn parse_go_int(s: &str) -> Option<Resolved<'static>> {
    let (negative, digits) = match s.as_bytes().first()? {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    if digits.is_empty() {
        return None;
    }
    let (radix, body) = if let Some(rest) = digits.strip_prefix("0x").or(digits.strip_prefix("0X"))
    {
        (16, rest)
    } else if let Some(rest) = digits.strip_prefix("0o").or(digits.strip_prefix("0O")) {
        (8, rest)
    } else if let Some(rest) = digits.strip_prefix("0b").or(digits.strip_prefix("0B")) {
        (2, rest)
    } else if digits.len() > 1 && digits.starts_with('0') {
        (8, &digits[1..])
    } else {
        (10, digits)
    };
    if body.is_empty() || !body.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    let magnitude = u64::from_str_radix(body, radix).ok()?;
    if negative {
        if magnitude <= i64::MAX as u64 {
            Some(Resolved::Int(-(magnitude as i64)))
        } else if magnitude == i64::MAX as u64 + 1 {
            Some(Resolved::Int(i64::MIN))
        } else {
            None
        }
    } else if let Ok(v) = i64::try_from(magnitude) {
        Some(Resolved::Int(v))
    } else {
        Some(Resolved::UInt(magnitude))
    }
}

/// go-yaml v2's float pattern: `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`.
fn is_yaml_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    if matches!(b.first(), Some(b'-' | b'+')) {
        i += 1;
    }
    let int_start = i;
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
    }
    let int_digits = i - int_start;
    if i < b.len() && b[i] == b'.' {
        i += 1;
        let frac_start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if int_digits == 0 && i == frac_start {
            return false;
        }
    } else if int_digits == 0 {
        return false;
    }
    if i < b.len() && matches!(b[i], b'e' | b'E') {
        i += 1;
        if i < b.len() && matches!(b[i], b'-' | b'+') {
            i += 1;
        }
        let exp_start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == exp_start {
            return false;
        }
    }
    i == b.len()
}

/// The JSON value Kubernetes builds from this node (YAML 1.1 scalars, string keys).
pub fn to_json(node: &Node) -> Value {
    match &node.value {
        NodeValue::Scalar(s) => match s.resolve() {
            Resolved::Null => Value::Null,
            Resolved::Bool(b) => Value::Bool(b),
            Resolved::Int(i) => Value::from(i),
            Resolved::UInt(u) => Value::from(u),
            Resolved::Float(f) => serde_json::Number::from_f64(f)
                .map_or_else(|| Value::String(s.text().to_owned()), Value::Number),
            Resolved::Str(text) => Value::String(text.to_owned()),
        },
        NodeValue::Sequence(items) => Value::Array(items.iter().map(to_json).collect()),
        NodeValue::Mapping(entries) => Value::Object(
            entries
                .iter()
                .map(|e| (json_key(&e.key), to_json(&e.value)))
                .collect(),
        ),
    }
}

fn json_key(key: &Node) -> String {
    match &key.value {
        NodeValue::Scalar(s) => match s.resolve() {
            Resolved::Bool(b) => b.to_string(),
            _ => s.text().to_owned(),
        },
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(text: &str) -> Resolved<'_> {
        resolve_plain(text)
    }

    #[test]
    fn yaml_11_booleans_and_nulls() {
        for t in ["yes", "Yes", "YES", "on", "y", "Y", "true", "True"] {
            assert_eq!(plain(t), Resolved::Bool(true), "{t}");
        }
        for t in ["no", "NO", "off", "n", "N", "false", "FALSE"] {
            assert_eq!(plain(t), Resolved::Bool(false), "{t}");
        }
        for t in ["", "~", "null", "NULL"] {
            assert_eq!(plain(t), Resolved::Null, "{t}");
        }
        assert_eq!(plain("yess"), Resolved::Str("yess"));
        assert_eq!(plain("nO"), Resolved::Str("nO"));
    }

    #[test]
    fn go_integers() {
        assert_eq!(plain("0755"), Resolved::Int(493));
        assert_eq!(plain("0x1F"), Resolved::Int(31));
        assert_eq!(plain("0o17"), Resolved::Int(15));
        assert_eq!(plain("0b101"), Resolved::Int(5));
        assert_eq!(plain("1_000"), Resolved::Int(1000));
        assert_eq!(plain("-12"), Resolved::Int(-12));
        assert_eq!(plain("+7"), Resolved::Int(7));
        assert_eq!(plain("0"), Resolved::Int(0));
        assert_eq!(plain("18446744073709551615"), Resolved::UInt(u64::MAX));
        assert_eq!(plain("089"), Resolved::Float(89.0));
    }

    #[test]
    fn floats_and_strings() {
        assert_eq!(plain("1.10"), Resolved::Float(1.1));
        assert_eq!(plain("1e3"), Resolved::Float(1000.0));
        assert_eq!(plain(".5"), Resolved::Float(0.5));
        assert_eq!(plain("0.14.2"), Resolved::Str("0.14.2"));
        assert_eq!(plain("250m"), Resolved::Str("250m"));
        assert_eq!(plain("1.5Gi"), Resolved::Str("1.5Gi"));
        assert_eq!(plain("2024-01-02"), Resolved::Str("2024-01-02"));
        assert_eq!(plain("-"), Resolved::Str("-"));
        assert_eq!(plain("."), Resolved::Str("."));
        assert_eq!(plain("1e"), Resolved::Str("1e"));
    }

    #[test]
    fn quoted_and_tagged() {
        let quoted = Scalar::new("yes", ScalarStyle::DoubleQuoted);
        assert_eq!(quoted.resolve(), Resolved::Str("yes"));
        let tagged = Scalar::new("0755", ScalarStyle::Plain).with_tag("!!str");
        assert_eq!(tagged.resolve(), Resolved::Str("0755"));
    }
}
