//! The span catalogue on disk, under a memory cap.
//!
//! Kept in memory, the catalogue holds an entry per distinct span template with its sample
//! text, fillers, variants and sites: about a kilobyte each, and nearly one template per page
//! of a generated crawl. Under `--max-memory` the mark pass writes each span part instead, to
//! one of [`PARTS`] files by its template id, in input order; at the end each file is replayed
//! through the same [`add_part`] into a catalogue of its templates alone, and only the best
//! rows are kept. Every template's parts come back in input order, so each entry is the one
//! the in-memory catalogue would have built.

use std::fs::File;
use std::io::{self, BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use rustc_hash::FxHashMap;

use super::{add_part, catalogue_order, CatalogueEntry, CataloguePart};
use crate::count::SiteKey;
use crate::doc::DocId;
use crate::hash::BlockHash;
use crate::template::TemplateId;

/// Files the parts are spread over (by the top bits of the template id).
const PARTS: usize = 64;

pub(super) struct CatalogueSpill {
    dir: tempfile::TempDir,
    files: Vec<BufWriter<File>>,
}

fn path(dir: &Path, i: usize) -> PathBuf {
    dir.join(format!("spans-{i:02}.bin"))
}

fn fail(what: &str, e: io::Error) -> ! {
    panic!("{what} the span catalogue in a temporary folder: {e}")
}

impl CatalogueSpill {
    pub(super) fn new(temp_dir: Option<&Path>) -> io::Result<CatalogueSpill> {
        let mut b = tempfile::Builder::new();
        b.prefix("chaff-spans-");
        let dir = match temp_dir {
            Some(t) => b.tempdir_in(t)?,
            None => b.tempdir()?,
        };
        let files = (0..PARTS)
            .map(|i| {
                File::create(path(dir.path(), i)).map(|f| BufWriter::with_capacity(1 << 16, f))
            })
            .collect::<io::Result<_>>()?;
        Ok(CatalogueSpill { dir, files })
    }

    pub(super) fn write(&mut self, part: &CataloguePart) {
        let file = &mut self.files[(part.template.0 >> 58) as usize % PARTS];
        write_part(file, part).unwrap_or_else(|e| fail("writing", e));
    }

    /// Replays every file: the number of distinct templates, and the first `top` rows in
    /// catalogue order.
    pub(super) fn finish(self, top: usize) -> (u64, Vec<(TemplateId, CatalogueEntry)>) {
        let mut distinct = 0u64;
        let mut best: Vec<(TemplateId, CatalogueEntry)> = Vec::new();
        for (i, file) in self.files.into_iter().enumerate() {
            file.into_inner().map_err(|e| e.into_error()).unwrap_or_else(|e| fail("writing", e));
            let p = path(self.dir.path(), i);
            let mut catalogue = FxHashMap::default();
            replay(&p, &mut catalogue).unwrap_or_else(|e| fail("reading", e));
            let _ = std::fs::remove_file(&p);
            distinct += catalogue.len() as u64;
            best.extend(catalogue);
            best.sort_by(catalogue_order);
            best.truncate(top);
        }
        (distinct, best)
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
