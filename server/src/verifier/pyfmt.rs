//! How v2's Python 2 printed the values that end up in a `fail_reason`, so our texts are
//! byte-for-byte v2's: `str(datetime.utcnow())`, a `DecimalField(decimal_places=6)` value as
//! `str()` and `repr()` print it, a unicode string's `repr()` (`u'…'`, as Django returns text
//! columns), and Python's `re.match(…$)` and `int()` acceptance rules.

use app::model::{format_micros, Micros};

const MICROS_PER_SECOND: i64 = 1_000_000;

/// `str(datetime)`: `YYYY-MM-DD HH:MM:SS`, plus `.ffffff` only when the microseconds are not 0.
pub(crate) fn py_datetime(t: i64) -> String {
    let mut text = format_micros(Micros(t));
    if t.rem_euclid(MICROS_PER_SECOND) == 0 {
        text.truncate(text.len() - ".000000".len());
    }
    text
}

/// `str(Decimal)` of a stored time: v2's columns are `DECIMAL(20, 6)`, so the database hands
/// back six decimal places (`1393963200.000000`).
pub(crate) fn py_decimal(us: i64) -> String {
    let sign = if us < 0 { "-" } else { "" };
    let abs = us.unsigned_abs();
    let per_second = MICROS_PER_SECOND.unsigned_abs();
    format!("{sign}{}.{:06}", abs / per_second, abs % per_second)
}

/// `repr(Decimal)`: `Decimal('1393963200.000000')`.
pub(crate) fn py_decimal_repr(us: i64) -> String {
    format!("Decimal('{}')", py_decimal(us))
}

/// `repr()` of a Python 2 unicode string: `u'…'`, double quotes when the text holds a single
/// quote and no double quote, and `\t \n \r \\ \xNN \uNNNN \UNNNNNNNN` escapes.
pub(crate) fn py_unicode_repr(s: &str) -> String {
    let quote = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::with_capacity(s.len() + 3);
    out.push('u');
    out.push(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            ' '..='~' => out.push(c),
            c if u32::from(c) < 0x100 => out.push_str(&format!("\\x{:02x}", u32::from(c))),
            c if u32::from(c) < 0x1_0000 => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push_str(&format!("\\U{:08x}", u32::from(c))),
        }
    }
    out.push(quote);
    out
}

/// `repr()` of an optional unicode value: `None` or `u'…'`.
pub(crate) fn py_opt_repr(s: Option<&str>) -> String {
    s.map_or_else(|| "None".to_owned(), py_unicode_repr)
}

/// `re.match("<class>+$", s)` where every character must satisfy `allowed`: anchored at the
/// start by `match`, and Python's `$` also matches just before one final newline.
pub(crate) fn py_full_match(s: &str, allowed: impl Fn(char) -> bool) -> bool {
    let body = s.strip_suffix('\n').unwrap_or(s);
    !body.is_empty() && body.chars().all(allowed)
}

/// v2's uuid regex, `[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$`
/// under `re.match` (so one trailing newline is accepted, as Python's `$` does).
pub(crate) fn py_is_uuid_like(s: &str) -> bool {
    let body = s.strip_suffix('\n').unwrap_or(s);
    let groups: Vec<&str> = body.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(g, len)| g.len() == len && g.chars().all(|c| c.is_ascii_hexdigit()))
}

/// Whether Python's `int(s)` accepts `s`: surrounding whitespace, an optional sign, then
/// decimal digits. (Python also accepts non-ASCII decimal digits; tenants' options never hold
/// them, and they are refused here.)
pub(crate) fn py_int_parses(s: &str) -> bool {
    let trimmed = s.trim();
    let digits = trimmed.strip_prefix(['+', '-']).unwrap_or(trimmed);
    !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn datetimes_print_as_python_does() {
        // 2014-01-02 03:04:05 UTC.
        let t = 1_388_631_845 * MICROS_PER_SECOND;
        assert_eq!(py_datetime(t), "2014-01-02 03:04:05");
        assert_eq!(py_datetime(t + 12), "2014-01-02 03:04:05.000012");
    }

    #[test]
    fn decimals_keep_six_places() {
        assert_eq!(py_decimal(1_100_000), "1.100000");
        assert_eq!(py_decimal(1_393_963_200_000_000), "1393963200.000000");
        assert_eq!(py_decimal(-1_500_000), "-1.500000");
        assert_eq!(py_decimal_repr(1_100_000), "Decimal('1.100000')");
    }

    #[test]
    fn unicode_reprs_match_python_2() {
        // Checked against Python 2.7.18.
        assert_eq!(py_unicode_repr("x"), "u'x'");
        assert_eq!(
            py_unicode_repr("ab'c\u{e9}\n\u{7f}\u{1F600}"),
            "u\"ab'c\\xe9\\n\\x7f\\U0001f600\""
        );
        assert_eq!(py_unicode_repr("a\tb\0\\"), "u'a\\tb\\x00\\\\'");
        assert_eq!(py_unicode_repr("'\""), "u'\\'\"'");
        assert_eq!(py_opt_repr(None), "None");
    }

    #[test]
    fn regex_and_int_rules_match_python() {
        let hex = |c: char| c.is_ascii_hexdigit();
        assert!(py_full_match("ab\n", hex));
        assert!(!py_full_match("ab\n\n", hex));
        assert!(!py_full_match("", hex));
        assert!(!py_full_match("\n", hex));
        assert!(py_is_uuid_like("58fb036d-5ef8-47a8-b503-7571276c400a"));
        assert!(py_is_uuid_like("58fb036d-5ef8-47a8-b503-7571276c400a\n"));
        assert!(!py_is_uuid_like("asdfe-fgh"));
        assert!(!py_is_uuid_like("58fb036d-5ef8-47a8-b503-7571276c400ab"));
        assert!(py_int_parses(" +12 \n"));
        assert!(py_int_parses("-3"));
        assert!(!py_int_parses("a"));
        assert!(!py_int_parses("1.0"));
        assert!(!py_int_parses(""));
        assert!(!py_int_parses("+"));
    }
}
