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
