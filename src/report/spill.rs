//! The span catalogue on disk, under a memory cap.
//!
//! Kept in memory, the catalogue holds an entry per distinct span template with its sample
//! text, fillers, variants and sites: about a kilobyte each, and nearly one template per page
//! of a generated crawl. Under `--max-memory` the mark pass writes each span part instead, to
//! one of [`PARTS`] files by its template id, in input order; at the end each file is replayed
//! through the same [`add_part`] into a catalogue of its templates alone, and only the best
//! rows are kept. Every template's parts come back in input order, so each entry is the one
//! the in-memory catalogue would have built.
//!
//! A failure to make, write or read these files is an [`Error::Spill`] naming the file.

use std::fs::File;
use std::io::{self, BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use rustc_hash::FxHashMap;

use super::catalogue::{add_part, catalogue_order, CatalogueEntry, CataloguePart};
use crate::count::SiteKey;
use crate::doc::DocId;
use crate::error::{Error, Result};
use crate::spill::temp_folder;
use crate::text::hash::BlockHash;
use crate::text::template::TemplateId;

/// Files the parts are spread over (by the top bits of the template id).
const PARTS: usize = 64;

pub(super) struct CatalogueSpill {
    dir: tempfile::TempDir,
    files: Vec<BufWriter<File>>,
}

fn path(dir: &Path, i: usize) -> PathBuf {
    dir.join(format!("spans-{i:02}.bin"))
}

const WRITING: &str = "writing the span catalogue to";

impl CatalogueSpill {
    pub(super) fn new(temp_dir: Option<&Path>) -> Result<CatalogueSpill> {
        let dir =
            temp_folder(temp_dir, "chaff-spans-", "creating a folder for the span catalogue in")?;
        let files = (0..PARTS)
            .map(|i| {
                let p = path(dir.path(), i);
                let f = File::create(&p).map_err(Error::spill(WRITING, &p))?;
                Ok(BufWriter::with_capacity(1 << 16, f))
            })
            .collect::<Result<_>>()?;
        Ok(CatalogueSpill { dir, files })
    }

    pub(super) fn write(&mut self, part: &CataloguePart) -> Result<()> {
        let i = (part.template.0 >> 58) as usize % PARTS;
        write_part(&mut self.files[i], part).map_err(|source| Error::Spill {
            path: path(self.dir.path(), i),
            what: WRITING,
            source,
        })
    }

    /// Replays every file: the number of distinct templates, and the first `top` rows in
    /// catalogue order.
    pub(super) fn finish(self, top: usize) -> Result<(u64, Vec<(TemplateId, CatalogueEntry)>)> {
        let mut distinct = 0u64;
        let mut best: Vec<(TemplateId, CatalogueEntry)> = Vec::new();
        for (i, file) in self.files.into_iter().enumerate() {
            let p = path(self.dir.path(), i);
            file.into_inner().map_err(|e| Error::spill(WRITING, &p)(e.into_error()))?;
            let mut catalogue = FxHashMap::default();
            replay(&p, &mut catalogue)
                .map_err(Error::spill("reading the span catalogue from", &p))?;
            let _ = std::fs::remove_file(&p);
            distinct += catalogue.len() as u64;
            best.extend(catalogue);
            best.sort_by(catalogue_order);
            best.truncate(top);
        }
        Ok((distinct, best))
    }
}

fn write_part(w: &mut impl Write, part: &CataloguePart) -> io::Result<()> {
    let kind = serde_json::to_vec(&part.kind).map_err(io::Error::other)?;
    let class = serde_json::to_vec(&part.class).map_err(io::Error::other)?;
    w.write_all(&part.template.0.to_le_bytes())?;
    w.write_all(&part.lines.to_le_bytes())?;
    w.write_all(&part.key.0.to_le_bytes())?;
    w.write_all(&part.doc.0.to_le_bytes())?;
    w.write_all(&part.site.0.to_le_bytes())?;
    for bytes in [&kind[..], &class[..], part.id.as_bytes(), part.text] {
        w.write_all(&(bytes.len() as u32).to_le_bytes())?;
        w.write_all(bytes)?;
    }
    Ok(())
}

fn replay(path: &Path, catalogue: &mut FxHashMap<TemplateId, CatalogueEntry>) -> io::Result<()> {
    let mut r = BufReader::with_capacity(1 << 16, File::open(path)?);
    let mut fields: [Vec<u8>; 4] = Default::default();
    let mut fixed = [0u8; 36];
    loop {
        match r.read_exact(&mut fixed) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => return Ok(()),
            Err(e) => return Err(e),
        }
        for f in &mut fields {
            let mut len = [0u8; 4];
            r.read_exact(&mut len)?;
            f.resize(u32::from_le_bytes(len) as usize, 0);
            r.read_exact(f)?;
        }
        let u64_at = |i: usize| u64::from_le_bytes(fixed[i..i + 8].try_into().expect("8 bytes"));
        let bad = |e: serde_json::Error| io::Error::new(io::ErrorKind::InvalidData, e);
        let id = std::str::from_utf8(&fields[2])
            .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))?;
        let part = CataloguePart {
            template: TemplateId(u64_at(0)),
            lines: u32::from_le_bytes(fixed[8..12].try_into().expect("4 bytes")),
            key: BlockHash(u64_at(12)),
            doc: DocId(u64_at(20)),
            site: SiteKey(u64_at(28)),
            kind: serde_json::from_slice(&fields[0]).map_err(bad)?,
            class: serde_json::from_slice(&fields[1]).map_err(bad)?,
            id,
            text: &fields[3],
            masked: None,
        };
        add_part(catalogue, &part);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::spill_message;
    use crate::span::{Class, PartKind};

    fn part(template: u64, text: &[u8]) -> CataloguePart<'_> {
        CataloguePart {
            template: TemplateId(template),
            kind: PartKind::CrossPage,
            class: Class::Share,
            lines: 1,
            key: BlockHash(template),
            doc: DocId(0),
            site: SiteKey(1),
            id: "doc-0",
            text,
            masked: None,
        }
    }

    #[test]
    fn spilled_parts_replay_into_the_catalogue() {
        let dir = tempfile::tempdir().unwrap();
        let mut spill = CatalogueSpill::new(Some(dir.path())).unwrap();
        for t in [1u64, 1 << 60, 1] {
            spill.write(&part(t, b"Share this | Tweet")).unwrap();
        }
        let (distinct, rows) = spill.finish(10).unwrap();
        assert_eq!((distinct, rows.len()), (2, 2));
        assert_eq!(rows[0].1.docs, 1);
        // The folder goes with the spill.
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    #[test]
    fn a_temp_dir_under_a_file_is_an_error_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("file"), "x").unwrap();
        let bad = dir.path().join("file").join("sub");
        let message = spill_message(CatalogueSpill::new(Some(&bad)));
        assert_eq!(
            message,
            format!("creating a folder for the span catalogue in {}", bad.display())
        );
    }

    #[test]
    fn a_temp_dir_removed_before_the_replay_is_an_error_naming_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let temp = dir.path().join("spill");
        std::fs::create_dir(&temp).unwrap();
        let mut spill = CatalogueSpill::new(Some(&temp)).unwrap();
        spill.write(&part(1, b"Share this | Tweet")).unwrap();
        let spans = spill.dir.path().to_path_buf();
        std::fs::remove_dir_all(&temp).unwrap();
        let message = spill_message(spill.finish(10));
        assert_eq!(
            message,
            format!("reading the span catalogue from {}", spans.join("spans-00.bin").display())
        );
    }

    /// A full disk: the part's file is swapped for `/dev/full`, where every write fails.
    #[cfg(target_os = "linux")]
    #[test]
    fn a_full_disk_is_an_error_naming_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let mut spill = CatalogueSpill::new(Some(dir.path())).unwrap();
        let full = File::options().write(true).open("/dev/full").unwrap();
        spill.files[0] = BufWriter::with_capacity(16, full);
        let name = path(spill.dir.path(), 0);
        let message = spill_message(spill.write(&part(1, b"Share this | Tweet")));
        assert_eq!(message, format!("writing the span catalogue to {}", name.display()));
        // Through the buffer, the failure shows when the buffer is flushed.
        spill.files[0] = BufWriter::new(File::options().write(true).open("/dev/full").unwrap());
        spill.write(&part(1, b"Share this | Tweet")).unwrap();
        let message = spill_message(spill.finish(10));
        assert_eq!(message, format!("writing the span catalogue to {}", name.display()));
    }
}
