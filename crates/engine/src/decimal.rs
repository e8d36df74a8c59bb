//! Decimal numbers read and written with integer arithmetic only.
//!
//! The page's few fractional numbers (probabilities such as `drop=0.2`, the speed in a link)
//! are read and written here instead of by `str::parse::<f64>` and `{}`: the standard
//! library's float parsing and printing carry a table of powers of five and two printing
//! algorithms, about 30 KB of the browser build that compresses badly (README, Performance).
//!
//! [`parse`] reads numbers of up to 15 significant digits exactly as `str::parse` does (the
//! nearest double: both the digits and the power of ten are exact doubles, and one IEEE
//! division rounds once); longer ones to within a few units in the last place. [`show`]
//! writes the shortest decimal that [`parse`] reads back as the same double, which for every
//! number of up to 15 significant digits is what `{}` writes.

/// 10^k for k in 0..=22: every one is an exact double.
const POW10: [f64; 23] =
    [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22];

/// `m · 10^e`, exact when m < 2^53 and |e| <= 22.
fn scale(m: u64, e: i32) -> f64 {
    let mut x = m as f64;
    let mut e = e;
    while e > 22 {
        x *= 1e22;
        e -= 22;
    }
    while e < -22 {
        x /= 1e22;
        e += 22;
    }
    if e >= 0 {
        x * POW10[e as usize]
    } else {
        x / POW10[(-e) as usize]
    }
}

/// A decimal number: optional sign, digits with an optional point, an optional exponent
/// (`-1.5`, `.25`, `3.`, `2e-3`). No `inf` or `NaN`. `None` for anything else.
pub fn parse(s: &str) -> Option<f64> {
    let b = s.as_bytes();
    let mut i = 0;
    let negative = match b.first() {
        Some(b'-') => {
            i = 1;
            true
        }
        Some(b'+') => {
            i = 1;
            false
        }
        _ => false,
    };
    let (mut m, mut digits, mut e, mut seen, mut point) = (0u64, 0u32, 0i32, false, false);
    while i < b.len() {
        match b[i] {
            c @ b'0'..=b'9' => {
                seen = true;
                if digits < 19 {
                    m = m * 10 + u64::from(c - b'0');
                    if m > 0 {
                        digits += 1;
                    }
                    if point {
                        e -= 1;
                    }
                } else if !point {
                    // Digits beyond 19 only scale the number.
                    e += 1;
                }
            }
            b'.' if !point => point = true,
            b'e' | b'E' if seen => break,
            _ => return None,
        }
        i += 1;
    }
    if !seen {
        return None;
    }
    if i < b.len() {
        // The exponent: `e`, an optional sign, at least one digit.
        i += 1;
        let sign = match b.get(i) {
            Some(b'-') => {
                i += 1;
                -1
            }
            Some(b'+') => {
                i += 1;
                1
            }
            _ => 1,
        };
        let start = i;
        let mut x: i32 = 0;
        while let Some(c @ b'0'..=b'9') = b.get(i).copied() {
            x = (x * 10 + i32::from(c - b'0')).min(100_000);
            i += 1;
        }
        if i == start || i < b.len() {
            return None;
        }
        e = e.saturating_add(sign * x);
    }
    let x = if m == 0 { 0.0 } else { scale(m, e.clamp(-400, 400)) };
    Some(if negative { -x } else { x })
}

/// The shortest decimal that [`parse`] reads back as `x` (plain notation, like `{}`:
/// `0.1`, `2`, `0.001`, `-1.5`). Numbers that need more than 17 significant digits to round
/// trip are written with 17.
pub fn show(x: f64) -> String {
    if x.is_nan() {
        return "NaN".into();
    }
    if x.is_infinite() {
        return if x > 0.0 { "inf".into() } else { "-inf".into() };
    }
    let sign = if x.is_sign_negative() && x != 0.0 { "-" } else { "" };
    let a = x.abs();
    if a >= 1e15 || a == 0.0 {
        // Whole numbers this large print as integers (exact below 2^128, far beyond what the
        // page shows; a fraction this far out is below the page's precision).
        return format!("{sign}{}", a as u128);
    }
    // The exponent of the leading digit, so that 17 significant digits fit in a u64.
    let mut lead = 0i32;
    while lead < 15 && POW10[(lead + 1) as usize] <= a {
        lead += 1;
    }
    let mut low = a;
    while lead > -300 && low < 1.0 {
        low *= 10.0;
        lead -= 1;
    }
    let mut best = (0u64, 0i32);
    for sig in 1..=17 {
        let k = sig - 1 - lead; // decimals
        let m = if k >= 0 { (a * scale(1, k)).round() } else { (a / scale(1, -k)).round() };
        let m = m as u64;
        best = (m, k);
        if scale(m, -k) == a {
            break;
        }
    }
    let (m, k) = best;
    if k <= 0 {
        let zeros = "0".repeat((-k) as usize);
        return format!("{sign}{m}{zeros}");
    }
    let text = m.to_string();
    let k = k as usize;
    let (whole, frac) = if text.len() > k {
        (text[..text.len() - k].to_string(), text[text.len() - k..].to_string())
    } else {
        ("0".to_string(), format!("{}{text}", "0".repeat(k - text.len())))
    };
    let frac = frac.trim_end_matches('0');
    if frac.is_empty() {
        format!("{sign}{whole}")
    } else {
        format!("{sign}{whole}.{frac}")
    }
}

/// `x` with exactly `decimals` digits after the point (`fixed(0.25, 2)` is `0.25`,
/// `fixed(0.1, 2)` is `0.10`). It rounds `x · 10^decimals` half to even, so it writes what
/// `{:.N}` writes except when that product lies within a unit in the last place of a half
/// (`{:.2}` of 0.005, a double just above 0.005, is `0.01`; this writes `0.00`).
pub fn fixed(x: f64, decimals: u32) -> String {
    let p = POW10[decimals.min(15) as usize];
    let v = (x * p).round_ties_even();
    let sign = if v < 0.0 { "-" } else { "" };
    let v = v.abs() as u64;
    let p = p as u64;
    if decimals == 0 {
        format!("{sign}{v}")
    } else {
        format!("{sign}{}.{:0width$}", v / p, v % p, width = decimals as usize)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_agrees_with_the_standard_library_up_to_15_digits() {
        let texts = [
            "0",
            "1",
            "-1",
            "+2",
            "0.1",
            "0.2",
            "0.3",
            ".5",
            "3.",
            "1e3",
            "2E-3",
            "1.5e+2",
            "0.001",
            "50",
            "0.05",
            "0.03",
            "123456789012345",
            "0.000000000000001",
            "99.99",
            "1e22",
            "1e-22",
            "7.25e-5",
        ];
        for t in texts {
            assert_eq!(parse(t), Some(t.parse::<f64>().unwrap()), "{t}");
        }
        let mut rng = 0x2545_f491_4f6c_dd1d_u64;
        for _ in 0..200_000 {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            let digits = 1 + rng % 15;
            let m = rng % 10u64.pow(digits as u32);
            let point = (rng >> 40) % (digits + 3);
            let text = format!("{m}");
            let text = if (point as usize) < text.len() {
                format!("{}.{}", &text[..text.len() - point as usize], &text[text.len() - point as usize..])
            } else {
                format!("0.{}{text}", "0".repeat(point as usize - text.len()))
            };
            assert_eq!(parse(&text), Some(text.parse::<f64>().unwrap()), "{text}");
        }
    }

    #[test]
    fn parse_reads_long_numbers_nearly_and_refuses_what_is_not_a_number() {
        for t in ["0.30000000000000004", "3.141592653589793238462643", "123456789012345678901234"] {
            let (ours, std) = (parse(t).unwrap(), t.parse::<f64>().unwrap());
            assert!((ours - std).abs() <= std.abs() * 1e-15, "{t}: {ours} vs {std}");
        }
        for t in ["", "-", ".", "e3", "1e", "1e+", "1.2.3", "abc", "1x", "inf", "NaN", " 1", "1 ", "--1", "0x10"] {
            assert_eq!(parse(t), None, "{t:?}");
        }
    }

    #[test]
    fn show_writes_what_display_writes_and_reads_back() {
        let texts = ["0", "1", "-1", "0.1", "0.2", "0.3", "0.5", "1.5", "0.001", "50", "0.05", "0.25", "12.5", "1000", "0.0001", "99.99"];
        for t in texts {
            let x = t.parse::<f64>().unwrap();
            assert_eq!(show(x), format!("{x}"), "{t}");
        }
        let mut rng = 0x9e37_79b9_7f4a_7c15_u64;
        for _ in 0..200_000 {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            // Numbers of up to 15 significant digits: exactly as `{}`.
            let m = rng % 1_000_000_000_000_000;
            let x = m as f64 / POW10[((rng >> 50) % 18) as usize];
            assert_eq!(show(x), format!("{x}"), "{x}");
            // Any double in the page's range reads back as itself (or within an ulp where
            // 17 digits do not suffice).
            let y = f64::from_bits((rng >> 12) | 0x3f00_0000_0000_0000) * 50.0;
            let back = parse(&show(y)).unwrap();
            assert!((back - y).abs() <= y * 2.3e-16, "{y}: {}", show(y));
        }
        assert_eq!(show(-0.0), "0");
        assert_eq!(show(f64::NAN), "NaN");
        assert_eq!(show(1e20), "100000000000000000000");
    }

    #[test]
    fn fixed_rounds_as_precision_formatting_does() {
        for x in [0.0, 0.1, 0.25, 0.125, 0.375, 1.0, 2.5, 3.0625, 0.999, 12.3456, 0.1 + 0.2, 49.99, 0.07] {
            for d in 0..4 {
                assert_eq!(fixed(x, d), format!("{x:.d$}", d = d as usize), "{x} {d}");
            }
        }
        let mut rng = 0x1234_5678_9abc_def1_u64;
        let mut compared = 0;
        for _ in 0..100_000 {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            let x = (rng >> 11) as f64 / (1u64 << 53) as f64 * 60.0;
            let d = (rng % 4) as u32;
            let scaled = x * 10f64.powi(d as i32);
            if (scaled - scaled.floor() - 0.5).abs() < 1e-9 {
                continue; // within reach of a tie: see the doc comment
            }
            compared += 1;
            assert_eq!(fixed(x, d), format!("{x:.d$}", d = d as usize), "{x} {d}");
        }
        assert!(compared > 99_000);
    }
}
