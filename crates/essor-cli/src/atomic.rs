//! Output files that never exist half-written: written to a temporary file in the target's
//! folder, then renamed over the target on [`AtomicFile::commit`]. Dropping an uncommitted
//! file deletes the temporary one.

use anyhow::{Context, Result};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

#[derive(Debug)]
pub struct AtomicFile {
    dest: PathBuf,
    writer: BufWriter<tempfile::NamedTempFile>,
}

impl AtomicFile {
    pub fn create(dest: &Path) -> Result<Self> {
        let dir = match dest.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
            _ => PathBuf::from("."),
        };
        let tmp = tempfile::Builder::new()
            .prefix(".essor-")
            .suffix(".tmp")
            // Temporary files default to 0600; a result is as readable as any file the user
            // writes.
            .permissions(result_permissions())
            .tempfile_in(&dir)
            .with_context(|| {
                format!(
                    "{} : création impossible dans le dossier {}",
                    dest.display(),
                    dir.display()
                )
            })?;
        Ok(Self {
            dest: dest.to_owned(),
            writer: BufWriter::with_capacity(1 << 20, tmp),
        })
    }

    pub fn path(&self) -> &Path {
        &self.dest
    }

    /// Flushes, syncs and renames into place.
    pub fn commit(self) -> Result<()> {
        let dest = self.dest;
        let tmp = self
            .writer
            .into_inner()
            .map_err(|e| e.into_error())
            .with_context(|| format!("{} : écriture impossible", dest.display()))?;
        tmp.as_file()
            .sync_all()
            .with_context(|| format!("{} : écriture impossible", dest.display()))?;
        tmp.persist(&dest)
            .map_err(|e| e.error)
            .with_context(|| format!("{} : écriture impossible", dest.display()))?;
        Ok(())
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.writer.write(buf)
    }
    fn write_all(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.writer.write_all(buf)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.writer.flush()
    }
}

#[cfg(unix)]
fn result_permissions() -> std::fs::Permissions {
    use std::os::unix::fs::PermissionsExt;
    std::fs::Permissions::from_mode(0o644)
}

#[cfg(not(unix))]
fn result_permissions() -> std::fs::Permissions {
    // Outside Unix, a new file's permissions are those of a fresh empty file.
    tempfile::tempfile()
        .and_then(|f| f.metadata())
        .map(|m| m.permissions())
        .expect("a temporary file can be created")
}

/// Refuses a run whose output is one of its inputs (issue 11: `locate --input f.csv --output
/// f.csv` replaced its input with its result). Two paths are the same file when they lead,
/// through links, to the same file: same device and inode on Unix, same canonical path
/// elsewhere. An output that does not exist yet is no input.
pub fn refuse_input_as_output(inputs: &[&Path], outputs: &[(&str, &Path)]) -> Result<()> {
    for (option, output) in outputs {
        for input in inputs {
            if same_file(input, output) {
                anyhow::bail!(
                    "option {option} : {} est aussi un fichier d'entrée ({}) ; choisissez un autre fichier de sortie, l'entrée serait écrasée",
                    output.display(),
                    input.display()
                );
            }
        }
    }
    Ok(())
}

fn same_file(a: &Path, b: &Path) -> bool {
    let (Ok(ma), Ok(mb)) = (std::fs::metadata(a), std::fs::metadata(b)) else {
        return false;
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        ma.dev() == mb.dev() && ma.ino() == mb.ino()
    }
    #[cfg(not(unix))]
    {
        let _ = (ma, mb);
        matches!((a.canonicalize(), b.canonicalize()), (Ok(x), Ok(y)) if x == y)
    }
}
