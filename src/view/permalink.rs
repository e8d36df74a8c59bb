//! Permalinks: a session (its cluster line and every intervention with its virtual time, in
//! the scenario language) packed into a short, URL-safe token, and back.
//!
//! The token is `1` (the format version) followed by base64url (no padding) of the scenario
//! text in which the language's most frequent words are replaced by single bytes
//! 0x80..=0xFF. Scenario text is ASCII, so the substitution is unambiguous. Decoding checks
//! every step and reports what is wrong; it never panics.

use crate::script::{self, Scenario};

/// Frequent pieces of printed scenarios, longest first where one contains another.
const WORDS: [&str; 58] = [
    "cluster nodes=",
    " checkquorum=on",
    " checkquorum=off",
    " prevote=on",
    " prevote=off",
    " election=",
    " heartbeat=",
    " latency=",
    " seed=",
    "\nrun ",
    "\ncrash ",
    "\nrestart ",
    "\npartition ",
    "\nisolate ",
    "\nheal",
    "\ncut ",
    "\nuncut ",
    "\ndrop-message ",
    "\ndrop ",
    "\nlatency ",
    "\nduplicate ",
    "\nreorder ",
    "\nworkload off",
    "\nworkload ",
    "\nset ",
    "\ntimeout ",
    "\npropose ",
    "\nread ",
    "\ntransfer ",
    "\nadd-learner ",
    "\nadd ",
    "\npromote ",
    "\nremove ",
    "\ncompact ",
    "\npriority ",
    "\nbreak ",
    "\nlog ",
    "\nterm ",
    "\nexpect ",
    "leader",
    "000ms",
    "00ms",
    "0ms",
    "ms",
    " via ",
    " reads=",
    " rate=",
    " drop=",
    " snapshot=",
    " lease=on",
    " priority=on",
    "terms=",
    "=on",
    "=off",
    " | ",
    "..",
    "->",
    "\n",
];

const FORMAT: char = '1';

fn pack(text: &str) -> Vec<u8> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    'outer: while i < bytes.len() {
        for (k, w) in WORDS.iter().enumerate() {
            if bytes[i..].starts_with(w.as_bytes()) {
                out.push(0x80 + k as u8);
                i += w.len();
                continue 'outer;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    out
}

fn unpack(bytes: &[u8]) -> Result<String, String> {
    let mut out = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        if b < 0x80 {
            if !(b == b'\n' || (0x20..0x7f).contains(&b)) {
                return Err(format!("the link holds a byte that no scenario has ({b:#04x})"));
            }
            out.push(b as char);
        } else {
            let w = WORDS.get((b - 0x80) as usize).ok_or_else(|| format!("the link holds an unknown word code ({b:#04x})"))?;
            out.push_str(w);
        }
    }
    Ok(out)
}

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// Base64url without padding (RFC 4648 §5).
pub fn base64url(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().fold(0u32, |acc, &b| (acc << 8) | b as u32) << (8 * (3 - chunk.len()));
        for k in 0..=chunk.len() {
            out.push(ALPHABET[((n >> (18 - 6 * k)) & 63) as usize] as char);
        }
    }
    out
}

pub fn from_base64url(text: &str) -> Result<Vec<u8>, String> {
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0u32);
    for (i, c) in text.bytes().enumerate() {
        let v = ALPHABET
            .iter()
            .position(|&a| a == c)
            .ok_or_else(|| format!("the link has a character that is not base64url at position {}", i + 1))?;
        acc = (acc << 6) | v as u32;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    if bits >= 6 || acc != 0 {
        return Err("the link is cut short (its last characters are incomplete)".to_string());
    }
    Ok(out)
}

/// The token of a session's scenario.
pub fn encode(scenario: &Scenario) -> String {
    let text = script::print(scenario);
    let mut out = String::from(FORMAT);
    out.push_str(&base64url(&pack(text.trim_end())));
    out
}

/// The scenario a token holds, or what is wrong with it.
pub fn decode(token: &str) -> Result<Scenario, String> {
    let token = token.trim();
    let mut chars = token.chars();
    match chars.next() {
        Some(FORMAT) => {}
        Some(c) => return Err(format!("this link was made by another version of the playground (format `{c}`)")),
        None => return Err("the link holds no session".to_string()),
    }
    let bytes = from_base64url(chars.as_str())?;
    let text = unpack(&bytes)?;
    script::parse(&text).map_err(|e| format!("the session in the link does not parse: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64url_round_trips_every_length() {
        for n in 0..40u8 {
            let bytes: Vec<u8> = (0..n).map(|k| k.wrapping_mul(37).wrapping_add(n)).collect();
            let text = base64url(&bytes);
            assert!(text.bytes().all(|c| ALPHABET.contains(&c)));
            assert_eq!(from_base64url(&text).unwrap(), bytes);
        }
        assert!(from_base64url("A").is_err());
        assert!(from_base64url("AB*").is_err());
    }

    #[test]
    fn a_session_round_trips_and_is_shorter_than_its_text() {
        let text = "cluster nodes=5 seed=7 prevote=on checkquorum=off\nrun 2s\ncrash 3\nrun 500ms\npartition 1,2 | 3,4,5\nrun 1200ms\nheal\npropose x=1\nrun 300ms";
        let s = script::parse(text).unwrap();
        let token = encode(&s);
        assert_eq!(decode(&token).unwrap(), s);
        assert!(token.len() < script::print(&s).len(), "{} vs {}", token.len(), script::print(&s).len());
        assert!(token.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_'));
    }

    #[test]
    fn bad_tokens_say_what_is_wrong() {
        assert!(decode("").unwrap_err().contains("no session"));
        assert!(decode("9abc").unwrap_err().contains("another version"));
        assert!(decode("1***").unwrap_err().contains("base64url"));
        assert!(decode(&format!("1{}", base64url(&[0xff]))).unwrap_err().contains("unknown word"));
        assert!(decode(&format!("1{}", base64url(b"crash 99"))).unwrap_err().contains("does not parse"));
    }
}
