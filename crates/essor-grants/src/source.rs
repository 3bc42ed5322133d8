//! A grant file's encoding and delimiter, decided once from its first bytes. Publishers use
//! UTF-8 (with or without BOM) or Windows' CP1252 (spreadsheets saved « CSV » on Windows), and
//! `;` (French spreadsheets) or `,`. CP1252 text is never valid UTF-8 as soon as it holds an
//! accented letter, and plain ASCII reads the same in both, so "valid UTF-8 in the first
//! 64 KiB" decides. The records are then parsed as bytes (the delimiter and quote are ASCII in
//! both encodings) and each cell decoded on its own.

use std::borrow::Cow;

/// How many bytes are read to decide.
pub const SNIFF_BYTES: usize = 64 << 10;

/// The text encoding of a grant file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Cp1252,
}

impl Encoding {
    /// The encoding of a file that starts with `head` (its BOM, if any, included): UTF-8 when
    /// `head` is valid UTF-8 (a character cut by the end of `head` allowed), else CP1252.
    pub fn sniff(head: &[u8]) -> Encoding {
        match std::str::from_utf8(head) {
            Ok(_) => Encoding::Utf8,
            // `error_len() == None`: the bytes end inside a character, cut by the sniff.
            Err(e) if e.error_len().is_none() && head.len() - e.valid_up_to() < 4 => Encoding::Utf8,
            Err(_) => Encoding::Cp1252,
        }
    }

    /// The text of one cell, or `None` when it is not valid in this encoding (a UTF-8 file
    /// with stray CP1252 bytes further down). CP1252 decodes every byte.
    pub fn decode(self, bytes: &[u8]) -> Option<Cow<'_, str>> {
        match self {
            Encoding::Utf8 => std::str::from_utf8(bytes).ok().map(Cow::Borrowed),
            Encoding::Cp1252 => Some(
                encoding_rs::WINDOWS_1252
                    .decode_without_bom_handling(bytes)
                    .0,
            ),
        }
    }

    /// The encoding's name in messages.
    pub fn label(self) -> &'static str {
        match self {
            Encoding::Utf8 => "UTF-8",
            Encoding::Cp1252 => "CP1252 (Windows-1252)",
        }
    }
}

/// The UTF-8 byte order mark.
pub const BOM: &[u8] = b"\xEF\xBB\xBF";

/// The delimiter of the header line: the most frequent of `;`, `,` and tab outside quotes,
/// `,` when there is none.
pub fn sniff_delimiter(head: &[u8]) -> u8 {
    let mut counts = [0usize; 3];
    let mut quoted = false;
    for &b in head {
        match b {
            b'"' => quoted = !quoted,
            b'\n' if !quoted => break,
            b';' if !quoted => counts[0] += 1,
            b',' if !quoted => counts[1] += 1,
            b'\t' if !quoted => counts[2] += 1,
            _ => {}
        }
    }
    let best = (0..3)
        .max_by_key(|&i| (counts[i], i == 1))
        .expect("three delimiters");
    if counts[best] == 0 {
        b','
    } else {
        [b';', b',', b'\t'][best]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodings_are_told_apart_by_their_bytes() {
        // Issue 16, point 7: « Numéraire » in UTF-8 and in CP1252 (é = 0xE9).
        assert_eq!(
            Encoding::sniff("Aide en numéraire".as_bytes()),
            Encoding::Utf8
        );
        assert_eq!(Encoding::sniff(b"Aide en num\xE9raire"), Encoding::Cp1252);
        assert_eq!(Encoding::sniff(b"plain ascii"), Encoding::Utf8);
        // A two-byte character cut by the end of the sniffed bytes is still UTF-8.
        let cut = &"numé".as_bytes()[..4];
        assert_eq!(Encoding::sniff(cut), Encoding::Utf8);
        assert_eq!(
            Encoding::Cp1252.decode(b"\x80 \x92 \xE9").unwrap(),
            "€ \u{2019} é"
        );
        assert_eq!(Encoding::Utf8.decode(b"num\xE9raire"), None);
    }

    #[test]
    fn the_delimiter_is_the_header_lines_most_frequent() {
        assert_eq!(sniff_delimiter(b"a;b;c\n1,5;2;3"), b';');
        assert_eq!(sniff_delimiter(b"a,b,c\n1;2;3;4;5"), b',');
        assert_eq!(sniff_delimiter(b"\"a;b\",c\n"), b',');
        assert_eq!(sniff_delimiter(b"a\tb\n"), b'\t');
        assert_eq!(sniff_delimiter(b"montant\n"), b',');
    }
}
