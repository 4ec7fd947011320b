//! RFC 8785 JSON Canonicalization Scheme (JCS): one byte string per JSON
//! value, so that a leaf's hash does not depend on who serialised it.
//!
//! Numbers follow ECMAScript's `Number.prototype.toString` on IEEE 754
//! doubles, as RFC 8785 §3.2.2.3 requires: integers print exactly (an
//! integer that a double cannot hold exactly is an error, because another
//! implementation would print a different, rounded value); other finite
//! doubles print in ES shortest form, taking the shortest round-trip digits
//! from Rust's float formatter and laying them out by ES's rules. Leaves
//! only ever hold integers and strings; the float path is tested against
//! RFC 8785 Appendix B so that a verifier may rely on it too.

use serde_json::{Map, Number, Value};

use crate::error::{LedgerError, Result};

/// The canonical bytes of `value`.
pub fn canonicalize(value: &Value) -> Result<Vec<u8>> {
    let mut out = Vec::with_capacity(128);
    write_value(value, &mut out)?;
    Ok(out)
}

fn write_value(value: &Value, out: &mut Vec<u8>) -> Result<()> {
    match value {
        Value::Null => out.extend_from_slice(b"null"),
        Value::Bool(true) => out.extend_from_slice(b"true"),
        Value::Bool(false) => out.extend_from_slice(b"false"),
        Value::Number(n) => out.extend_from_slice(number(n)?.as_bytes()),
        Value::String(s) => write_string(s, out),
        Value::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_value(item, out)?;
            }
            out.push(b']');
        }
        Value::Object(map) => write_object(map, out)?,
    }
    Ok(())
}

/// RFC 8785 §3.2.3: members sorted by their names as arrays of UTF-16 code
/// units. This differs from UTF-8 byte order (serde_json's map order) once a
/// name holds a character above U+FFFF next to one in U+E000..U+FFFF: the
/// surrogate pair (0xD83D…) sorts before U+E000..U+FFFF in UTF-16 but after
/// it in UTF-8.
fn write_object(map: &Map<String, Value>, out: &mut Vec<u8>) -> Result<()> {
    let mut members: Vec<(Vec<u16>, &String, &Value)> = map
        .iter()
        .map(|(k, v)| (k.encode_utf16().collect(), k, v))
        .collect();
    members.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    out.push(b'{');
    for (i, (_, name, value)) in members.into_iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        write_string(name, out);
        out.push(b':');
        write_value(value, out)?;
    }
    out.push(b'}');
    Ok(())
}

/// RFC 8785 §3.2.2.2: only `"`, `\` and U+0000..U+001F are escaped; the five
/// with a short form use it, the rest are `\u00xx` in lower-case hex.
/// Everything else (including U+007F and U+2028) is written as UTF-8.
fn write_string(s: &str, out: &mut Vec<u8>) {
    out.push(b'"');
    let bytes = s.as_bytes();
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let escape: &[u8] = match b {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            0x08 => b"\\b",
            0x09 => b"\\t",
            0x0A => b"\\n",
            0x0C => b"\\f",
            0x0D => b"\\r",
            0x00..=0x1F => b"",
            _ => continue,
        };
        out.extend_from_slice(&bytes[start..i]);
        if escape.is_empty() {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            out.extend_from_slice(b"\\u00");
            out.push(HEX[usize::from(b >> 4)]);
            out.push(HEX[usize::from(b & 0x0F)]);
        } else {
            out.extend_from_slice(escape);
        }
        start = i + 1;
    }
    out.extend_from_slice(&bytes[start..]);
    out.push(b'"');
}

/// Largest magnitude up to which every integer is exactly a double.
const EXACT_INTEGER_LIMIT: u64 = 1 << 53;

fn number(n: &Number) -> Result<String> {
    if let Some(u) = n.as_u64() {
        return exact_integer(u, false, n);
    }
    if let Some(i) = n.as_i64() {
        return exact_integer(i.unsigned_abs(), true, n);
    }
    match n.as_f64() {
        Some(f) => format_double(f),
        None => Err(LedgerError::Number(n.to_string(), "not a double")),
    }
}

fn exact_integer(magnitude: u64, negative: bool, n: &Number) -> Result<String> {
    // Beyond 2^53 a double holds only some integers; for those it holds,
    // ES prints the same digits (all are below 1e21), for the others it
    // would print a rounded neighbour, silently changing the value.
    if magnitude > EXACT_INTEGER_LIMIT {
        let significant_bits = 64 - magnitude.leading_zeros() - magnitude.trailing_zeros();
        if significant_bits > f64::MANTISSA_DIGITS {
            return Err(LedgerError::Number(
                n.to_string(),
                "integer is not exactly representable as an IEEE 754 double",
            ));
        }
    }
    if negative && magnitude != 0 {
        Ok(format!("-{magnitude}"))
    } else {
        Ok(magnitude.to_string())
    }
}

/// ECMAScript `Number::toString(x)` (ECMA-262 §6.1.6.1.20) for a finite
/// double; NaN and the infinities are not JSON and are refused.
pub fn format_double(x: f64) -> Result<String> {
    if !x.is_finite() {
        return Err(LedgerError::Number(
            x.to_string(),
            "NaN and Infinity are not JSON",
        ));
    }
    if x == 0.0 {
        // Both zeros print as "0".
        return Ok("0".to_owned());
    }
    let sign = if x < 0.0 { "-" } else { "" };
    // Rust's `{:e}` gives the shortest digit string that round-trips, nearest
    // to the value: exactly ES's digits `s` (k of them) and exponent `n - 1`.
    let sci = format!("{:e}", x.abs());
    let (mantissa, exponent) = sci.split_once('e').ok_or(LedgerError::Number(
        sci.clone(),
        "unexpected float formatting",
    ))?;
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    let exp: i32 = exponent
        .parse()
        .map_err(|_| LedgerError::Number(sci.clone(), "unexpected float formatting"))?;
    let digits = ties_to_even(digits, exp, x.abs());
    let k = digits.len() as i32;
    let n = exp + 1;
    let body = if k <= n && n <= 21 {
        // An integer: the digits, then n - k zeros.
        format!("{digits}{}", "0".repeat((n - k) as usize))
    } else if 0 < n && n <= 21 {
        let (int, frac) = digits.split_at(n as usize);
        format!("{int}.{frac}")
    } else if -6 < n && n <= 0 {
        format!("0.{}{digits}", "0".repeat((-n) as usize))
    } else {
        let e = n - 1;
        let e_sign = if e < 0 { '-' } else { '+' };
        let (first, rest) = digits.split_at(1);
        if rest.is_empty() {
            format!("{first}e{e_sign}{}", e.abs())
        } else {
            format!("{first}.{rest}e{e_sign}{}", e.abs())
        }
    };
    Ok(format!("{sign}{body}"))
}

/// ES picks, among shortest digit strings that round-trip, the one nearest
/// the value and, when two are equally near, the even one (ECMA-262
/// §6.1.6.1.20 step 5). Rust's shortest formatting settles such ties the
/// other way at times (0x43143ff3c1cb0959 is exactly …206.25: ES prints
/// …206.2, Rust …206.3), so an odd last digit is checked against the exact
/// decimal expansion of the double.
fn ties_to_even(digits: String, exp: i32, x: f64) -> String {
    let k = digits.len();
    let last = digits.as_bytes()[k - 1] - b'0';
    if last.is_multiple_of(2) {
        return digits;
    }
    // A double has at most 767 significant decimal digits: this is exact.
    let exact = format!("{x:.800e}");
    let Some((mantissa, exact_exp)) = exact.split_once('e') else {
        return digits;
    };
    if exact_exp.parse::<i32>() != Ok(exp) {
        return digits;
    }
    let exact_digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    let exact_digits = exact_digits.trim_end_matches('0');
    let prefix = &digits[..k - 1];
    for neighbour in [last - 1, last + 1] {
        if neighbour > 9 {
            continue;
        }
        let midpoint = format!("{prefix}{}5", last.min(neighbour));
        let candidate = format!("{prefix}{neighbour}");
        let round_trips = format!("0.{candidate}e{}", exp + 1).parse::<f64>() == Ok(x);
        if exact_digits == midpoint && round_trips {
            return candidate;
        }
    }
    digits
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn canon(text: &str) -> String {
        let value: Value = serde_json::from_str(text).unwrap();
        String::from_utf8(canonicalize(&value).unwrap()).unwrap()
    }

    /// RFC 8785 §3.2.2 (and §3.2.4): the example with numbers, escapes and literals.
    #[test]
    fn rfc8785_section_3_2_2_example() {
        let input = r#"{
          "numbers": [333333333.33333329, 1E30, 4.50,
                      2e-3, 0.000000000000000000000000001],
          "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
          "literals": [null, true, false]
        }"#;
        assert_eq!(
            canon(input),
            "{\"literals\":[null,true,false],\"numbers\":[333333333.3333333,1e+30,4.5,0.002,1e-27],\
             \"string\":\"€$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\"}"
        );
    }

    /// RFC 8785 §3.2.3: sorting by UTF-16 code units.
    #[test]
    fn rfc8785_section_3_2_3_sorting() {
        let input = r#"{
          "\u20ac": "Euro Sign",
          "\r": "Carriage Return",
          "\ufb33": "Hebrew Letter Dalet With Dagesh",
          "1": "One",
          "\ud83d\ude00": "Emoji: Grinning Face",
          "\u0080": "Control",
          "\u00f6": "Latin Small Letter O With Diaeresis"
        }"#;
        let out = canon(input);
        let names: Vec<String> = serde_json::from_str::<Vec<(String, String)>>(&format!(
            "[{}]",
            out.trim_start_matches('{')
                .trim_end_matches('}')
                .split(',')
                .map(|member| {
                    let (k, v) = member.split_once(':').unwrap();
                    format!("[{k},{v}]")
                })
                .collect::<Vec<_>>()
                .join(",")
        ))
        .unwrap()
        .into_iter()
        .map(|(_, v)| v)
        .collect();
        // The order the RFC lists.
        assert_eq!(
            names,
            [
                "Carriage Return",
                "One",
                "Control",
                "Latin Small Letter O With Diaeresis",
                "Euro Sign",
                "Emoji: Grinning Face",
                "Hebrew Letter Dalet With Dagesh",
            ]
        );
        assert!(out.starts_with("{\"\\r\":\"Carriage Return\",\"1\":\"One\""));
    }

    /// Astral (surrogate pair) vs. CJK and private-use: UTF-16 order, not UTF-8.
    #[test]
    fn astral_sorts_before_upper_bmp_but_after_cjk() {
        let value = json!({"\u{E000}": 1, "\u{1F600}": 2, "中": 3, "a": 4});
        let out = String::from_utf8(canonicalize(&value).unwrap()).unwrap();
        assert_eq!(out, "{\"a\":4,\"中\":3,\"😀\":2,\"\u{E000}\":1}");
    }

    #[test]
    fn nested_structures_and_control_escapes() {
        let value = json!({"b": [{"z": 1, "y": "\u{1}\u{8}\u{7f}\u{2028}"}], "a": {}});
        let out = String::from_utf8(canonicalize(&value).unwrap()).unwrap();
        assert_eq!(
            out,
            "{\"a\":{},\"b\":[{\"y\":\"\\u0001\\b\u{7f}\u{2028}\",\"z\":1}]}"
        );
    }

    #[test]
    fn integers_exact_or_refused() {
        assert_eq!(
            canon("[0, -0, 42, -7, 9007199254740992]"),
            "[0,0,42,-7,9007199254740992]"
        );
        // 2^60 is a double exactly; 2^53 + 1 is not.
        assert_eq!(canon("1152921504606846976"), "1152921504606846976");
        let err = canonicalize(&json!(9_007_199_254_740_993u64)).unwrap_err();
        assert!(err.to_string().contains("9007199254740993"), "{err}");
        assert!(canonicalize(&json!(u64::MAX)).is_err());
        assert!(canonicalize(&json!(i64::MIN)).is_ok()); // -2^63 is a double
    }

    /// RFC 8785 Appendix B: IEEE 754 bit patterns and their ES serialisation.
    #[test]
    fn rfc8785_appendix_b_numbers() {
        let samples: &[(u64, &str)] = &[
            (0x0000000000000000, "0"),
            (0x8000000000000000, "0"),
            (0x0000000000000001, "5e-324"),
            (0x8000000000000001, "-5e-324"),
            (0x7fefffffffffffff, "1.7976931348623157e+308"),
            (0xffefffffffffffff, "-1.7976931348623157e+308"),
            (0x4340000000000000, "9007199254740992"),
            (0xc340000000000000, "-9007199254740992"),
            (0x4430000000000000, "295147905179352830000"),
            (0x44b52d02c7e14af5, "9.999999999999997e+22"),
            (0x44b52d02c7e14af6, "1e+23"),
            (0x44b52d02c7e14af7, "1.0000000000000001e+23"),
            (0x444b1ae4d6e2ef4e, "999999999999999700000"),
            (0x444b1ae4d6e2ef4f, "999999999999999900000"),
            (0x444b1ae4d6e2ef50, "1e+21"),
            (0x3eb0c6f7a0b5ed8c, "9.999999999999997e-7"),
            (0x3eb0c6f7a0b5ed8d, "0.000001"),
            (0x41b3de4355555553, "333333333.3333332"),
            (0x41b3de4355555554, "333333333.33333325"),
            (0x41b3de4355555555, "333333333.3333333"),
            (0x41b3de4355555556, "333333333.3333334"),
            (0x41b3de4355555557, "333333333.33333343"),
            (0xbecbf647612f3696, "-0.0000033333333333333333"),
            (0x43143ff3c1cb0959, "1424953923781206.2"),
        ];
        for &(bits, want) in samples {
            assert_eq!(
                format_double(f64::from_bits(bits)).unwrap(),
                want,
                "{bits:016x}"
            );
        }
        assert!(format_double(f64::from_bits(0x7fffffffffffffff)).is_err()); // NaN
        assert!(format_double(f64::from_bits(0x7ff0000000000000)).is_err()); // Infinity
    }
}
