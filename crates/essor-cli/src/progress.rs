//! Progress bars on a terminal, nothing otherwise (indicatif hides itself when stderr is not
//! a terminal, so pipes, CI logs and tests stay clean).

use indicatif::{ProgressBar, ProgressStyle};
use std::io::Read;

/// A bar counting bytes of an input file.
pub fn bytes(len: u64, message: &str) -> ProgressBar {
    let bar = ProgressBar::new(len);
    bar.set_style(
        ProgressStyle::with_template("{msg} [{bar:40}] {bytes}/{total_bytes} ({eta})")
            .expect("static template")
            .progress_chars("=> "),
    );
    bar.set_message(message.to_owned());
    bar
}

/// A reader that advances a bar as bytes are read.
#[derive(Debug)]
pub struct Reading<R> {
    inner: R,
    bar: ProgressBar,
}

impl<R: Read> Reading<R> {
    pub fn new(inner: R, bar: ProgressBar) -> Self {
        Self { inner, bar }
    }
}

impl<R: Read> Read for Reading<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.bar.inc(n as u64);
        Ok(n)
    }
}

/// Progress of the SIRENE readers, as one bar per file.
#[derive(Debug, Default)]
pub struct SireneBar {
    bar: std::sync::Mutex<Option<ProgressBar>>,
}

impl essor_sirene::Progress for SireneBar {
    fn begin(
        &self,
        kind: essor_sirene::FileKind,
        _path: &std::path::Path,
        total: u64,
        unit: essor_sirene::ProgressUnit,
    ) {
        let bar = ProgressBar::new(total);
        let template = match unit {
            essor_sirene::ProgressUnit::Bytes => "{msg} [{bar:40}] {bytes}/{total_bytes} ({eta})",
            essor_sirene::ProgressUnit::Rows => "{msg} [{bar:40}] {pos}/{len} lignes ({eta})",
        };
        bar.set_style(
            ProgressStyle::with_template(template)
                .expect("static template")
                .progress_chars("=> "),
        );
        bar.set_message(format!("Lecture {kind}"));
        *self.bar.lock().expect("no panic") = Some(bar);
    }
    fn advance(&self, done: u64) {
        if let Some(b) = self.bar.lock().expect("no panic").as_ref() {
            b.inc(done);
        }
    }
    fn finish(&self) {
        if let Some(b) = self.bar.lock().expect("no panic").take() {
            b.finish_and_clear();
        }
    }
}
