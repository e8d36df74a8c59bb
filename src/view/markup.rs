//! Text escaped for markup, free of browser APIs so that it is tested natively; the page's
//! markup code (`ui/`) escapes the texts it writes into markup with [`esc`].

/// Text escaped for use in markup (content or a quoted attribute), written where it is
/// formatted (`format!("<b>{}</b>", esc(name))`) without a string of its own.
pub fn esc(s: &str) -> Esc<'_> {
    Esc(s)
}

/// See [`esc`].
#[derive(Clone, Copy)]
pub struct Esc<'a>(&'a str);

impl std::fmt::Display for Esc<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut rest = self.0;
        while let Some(i) = rest.find(['&', '<', '>', '"', '\'']) {
            f.write_str(&rest[..i])?;
            f.write_str(match rest.as_bytes()[i] {
                b'&' => "&amp;",
                b'<' => "&lt;",
                b'>' => "&gt;",
                b'"' => "&quot;",
                _ => "&#39;",
            })?;
            rest = &rest[i + 1..];
        }
        f.write_str(rest)
    }
}

#[cfg(test)]
mod tests {
    use super::esc;

    #[test]
    fn escapes_the_five_markup_characters_and_nothing_else() {
        assert_eq!(esc("a<b & \"c\" 'd'>").to_string(), "a&lt;b &amp; &quot;c&quot; &#39;d&#39;&gt;");
        assert_eq!(esc("").to_string(), "");
        assert_eq!(esc("节点 1 → 2 <&>").to_string(), "节点 1 → 2 &lt;&amp;&gt;");
        assert_eq!(format!("[{}]", esc("&&")), "[&amp;&amp;]");
        assert_eq!(esc("plain text").to_string(), "plain text");
    }
}
