//! Every CSV line essor writes — `locate`, `coverage`, `indicators.csv`, the actors export —
//! comes from here, through the `csv` crate: RFC 4180 quoting (a field holding a comma, a
//! quote, a carriage return or a line feed is quoted, quotes doubled), `\n` line ends.
//!
//! Files meant for spreadsheets also protect their **text** cells against formula injection
//! ([`spreadsheet_text`]): a cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage
//! return is read by Excel or LibreOffice as a formula (`=HYPERLINK(…)` in an establishment's
//! name), so it gets a leading apostrophe, as the OWASP guidance on CSV injection says.
//! Numbers are never touched: `-0.5` stays a number.

use std::borrow::Cow;

/// Many CSV lines into one buffer (a block of rows written by one thread).
#[derive(Debug)]
pub struct Lines {
    w: csv::Writer<Vec<u8>>,
}

impl Lines {
    /// An empty block, with room for about `bytes`.
    pub fn with_capacity(bytes: usize) -> Self {
        Self {
            w: csv::WriterBuilder::new()
                .has_headers(false)
                .terminator(csv::Terminator::Any(b'\n'))
                // The writer's own buffer, flushed into the block: small for one line.
                .buffer_capacity(bytes.clamp(64, 64 << 10))
                .from_writer(Vec::with_capacity(bytes)),
        }
    }

    /// Appends one record, each field quoted when needed.
    pub fn push<I, F>(&mut self, fields: I)
    where
        I: IntoIterator<Item = F>,
        F: AsRef<[u8]>,
    {
        // Writing to memory cannot fail.
        self.w.write_record(fields).expect("a CSV record in memory");
    }

    /// The bytes of every record pushed.
    pub fn into_bytes(self) -> Vec<u8> {
        self.w.into_inner().expect("a CSV buffer in memory")
    }
}

/// One CSV record with its `\n`, each field quoted when needed.
pub fn line<I, F>(fields: I) -> String
where
    I: IntoIterator<Item = F>,
    F: AsRef<[u8]>,
{
    let mut lines = Lines::with_capacity(128);
    lines.push(fields);
    String::from_utf8(lines.into_bytes())
        .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// A text cell safe to open in a spreadsheet: prefixed with `'` when it would be read as a
/// formula (it starts with `=`, `+`, `-`, `@`, a tab or a carriage return).
pub fn spreadsheet_text(text: &str) -> Cow<'_, str> {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        Cow::Owned(format!("'{text}"))
    } else {
        Cow::Borrowed(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_quoted_only_when_they_need_it() {
        assert_eq!(line(["a", "b c", ""]), "a,b c,\n");
        assert_eq!(
            line(["Saint-Denis, Plaine", "dit \"le Lien\"", "x\ry", "x\ny"]),
            "\"Saint-Denis, Plaine\",\"dit \"\"le Lien\"\"\",\"x\ry\",\"x\ny\"\n"
        );
    }

    #[test]
    fn formulas_are_neutralised_and_other_text_is_kept() {
        // Issue 11, point 8: `=HYPERLINK(…)` was written verbatim in actor exports.
        for cell in [
            "=HYPERLINK(\"http://x\")",
            "+1",
            "-2+3",
            "@SUM(A1)",
            "\tx",
            "\rx",
        ] {
            assert_eq!(spreadsheet_text(cell), format!("'{cell}"));
        }
        for cell in ["Régie de quartier", "", "1er mai", "'déjà"] {
            assert_eq!(spreadsheet_text(cell), cell);
        }
    }
}
