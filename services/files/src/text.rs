//! Text from PDFs and text files, page by page, cut into chunks for full-text search and
//! for the AI worker's citations (file + page). PDF parsers can panic on hostile input: the
//! parse runs under `catch_unwind`, and a panic is recorded as a failure, not a crash.

use std::{
    io::Read,
    panic::{catch_unwind, AssertUnwindSafe},
    path::Path,
};

/// A chunk aims at this many bytes and never exceeds [`CHUNK_MAX`].
const CHUNK_TARGET: usize = 1500;
const CHUNK_MAX: usize = 2000;
/// Text kept from one file: past this, the rest is left out (and said so in the note). A
/// 1,000-page manual holds about 3 MiB of text.
const MAX_TEXT_BYTES: usize = 8 * 1024 * 1024;

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Chunk {
    pub page: i32,
    pub chunk: i32,
    pub body: String,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Extracted {
    Text {
        pages: i32,
        chunks: Vec<Chunk>,
        note: Option<String>,
    },
    /// A PDF of scanned pages: nothing to read without OCR.
    NoTextLayer {
        pages: i32,
    },
    NotApplicable,
    Failed(String),
}

/// Blocking and CPU-bound.
pub fn extract(path: &Path, media_type: &str) -> Extracted {
    match media_type {
        "application/pdf" => match catch_unwind(AssertUnwindSafe(|| pdf(path))) {
            Ok(extracted) => extracted,
            Err(_) => Extracted::Failed("the PDF reader gave up on this file (it may be damaged)".into()),
        },
        "text/plain" | "text/markdown" => text_file(path),
        _ => Extracted::NotApplicable,
    }
}

fn pdf(path: &Path) -> Extracted {
    let doc = match lopdf::Document::load(path) {
        Ok(d) => d,
        Err(e) => return Extracted::Failed(format!("the PDF cannot be read: {e}")),
    };
    if doc.is_encrypted() {
        return Extracted::Failed("the PDF is encrypted".into());
    }
    let pages = doc.get_pages();
    let page_count = i32::try_from(pages.len()).unwrap_or(i32::MAX);
    let mut texts = Vec::with_capacity(pages.len());
    let mut failed_pages = 0;
    for number in pages.keys() {
        match doc.extract_text(&[*number]) {
            Ok(text) => texts.push((i32::try_from(*number).unwrap_or(i32::MAX), text)),
            Err(_) => failed_pages += 1,
        }
    }
    if failed_pages > 0 && texts.is_empty() {
        return Extracted::Failed(format!("no page of the {page_count} could be read"));
    }
    let note = (failed_pages > 0).then(|| format!("{failed_pages} of {page_count} pages could not be read"));
    build(texts, page_count, note)
}

/// Text files have no pages, except where a form feed says so (as in text dumps of manuals).
fn text_file(path: &Path) -> Extracted {
    let mut content = Vec::new();
    let read = std::fs::File::open(path).and_then(|f| f.take(MAX_TEXT_BYTES as u64 + 1).read_to_end(&mut content));
    if let Err(e) = read {
        return Extracted::Failed(format!("the file cannot be read: {e}"));
    }
    let truncated = content.len() > MAX_TEXT_BYTES;
    content.truncate(MAX_TEXT_BYTES);
    let text = String::from_utf8_lossy(&content);
    let pages: Vec<(i32, String)> = text
        .split('\u{c}')
        .enumerate()
        .map(|(i, p)| (i32::try_from(i + 1).unwrap_or(i32::MAX), p.to_owned()))
        .collect();
    let count = i32::try_from(pages.len()).unwrap_or(i32::MAX);
    let note = truncated.then(|| format!("only the first {} MiB of text were kept", MAX_TEXT_BYTES / (1024 * 1024)));
    match build(pages, count, note) {
        // A text file of blanks is still a text file: it simply has nothing to search.
        Extracted::NoTextLayer { pages } => Extracted::Text { pages, chunks: Vec::new(), note: None },
        other => other,
    }
}

fn build(pages: Vec<(i32, String)>, page_count: i32, mut note: Option<String>) -> Extracted {
    let mut chunks = Vec::new();
    let mut kept = 0usize;
    for (page, text) in pages {
        let text = normalise(&text);
        for (i, body) in split(&text).into_iter().enumerate() {
            kept += body.len();
            if kept > MAX_TEXT_BYTES {
                note.get_or_insert_with(|| "the text was too long and was cut".into());
                break;
            }
            chunks.push(Chunk { page, chunk: i32::try_from(i).unwrap_or(i32::MAX), body });
        }
    }
    if chunks.is_empty() {
        return Extracted::NoTextLayer { pages: page_count };
    }
    Extracted::Text { pages: page_count, chunks, note }
}

/// Trailing spaces off every line, at most one blank line in a row, no NULs (Postgres
/// refuses them in text).
fn normalise(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut blank_run = 0;
    for line in text.replace("\r\n", "\n").replace('\r', "\n").lines() {
        let line = line.trim_end().replace('\0', "");
        if line.trim().is_empty() {
            blank_run += 1;
            if blank_run > 1 {
                continue;
            }
        } else {
            blank_run = 0;
        }
        out.push_str(&line);
        out.push('\n');
    }
    out.trim().to_owned()
}

fn floor_boundary(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Chunks of about [`CHUNK_TARGET`] bytes, cut at a paragraph, else a line, else a space.
fn split(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    while rest.len() > CHUNK_MAX {
        let window = &rest[..floor_boundary(rest, CHUNK_MAX)];
        let from = floor_boundary(window, CHUNK_TARGET / 2);
        let cut = ["\n\n", "\n", " "]
            .iter()
            .find_map(|sep| window[from..].rfind(sep).map(|i| from + i + sep.len()))
            .unwrap_or(window.len());
        let piece = rest[..cut].trim();
        if !piece.is_empty() {
            out.push(piece.to_owned());
        }
        rest = &rest[cut..];
    }
    let last = rest.trim();
    if !last.is_empty() {
        out.push(last.to_owned());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_text_is_cut_into_chunks_of_at_most_two_kilobytes_at_spaces() {
        let text = "Ouvrir la vanne de purge. ".repeat(400);
        let chunks = split(&text);
        assert!(chunks.len() >= 5);
        assert!(
            chunks.iter().all(|c| c.len() <= CHUNK_MAX) && chunks[..chunks.len() - 1].iter().all(|c| c.len() >= 1000),
            "{:?}",
            chunks.iter().map(String::len).collect::<Vec<_>>()
        );
        assert_eq!(chunks.join(" ").len(), text.trim().len());
    }

    #[test]
    fn form_feeds_number_the_pages_of_a_text_file() {
        let dir = std::env::temp_dir().join(format!("gamme-text-{}", uuid::Uuid::new_v4().simple()));
        std::fs::write(&dir, "page un\u{c}page deux\u{c}\u{c}page quatre").unwrap();
        let Extracted::Text { pages, chunks, .. } = extract(&dir, "text/plain") else { panic!("text expected") };
        std::fs::remove_file(&dir).unwrap();
        assert_eq!(pages, 4);
        let found: Vec<_> = chunks.iter().map(|c| (c.page, c.body.as_str())).collect();
        assert_eq!(found, [(1, "page un"), (2, "page deux"), (4, "page quatre")]);
    }

    #[test]
    fn a_damaged_pdf_is_a_recorded_failure() {
        let dir = std::env::temp_dir().join(format!("gamme-pdf-{}", uuid::Uuid::new_v4().simple()));
        std::fs::write(&dir, b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 9 0 R >>\ntrailer << /Root 1 0 R >>")
            .unwrap();
        let outcome = extract(&dir, "application/pdf");
        std::fs::remove_file(&dir).unwrap();
        assert!(matches!(outcome, Extracted::Failed(_) | Extracted::NoTextLayer { .. }), "{outcome:?}");
    }
}
