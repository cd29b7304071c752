//! What a file is, decided from its first bytes against an allow-list; the name a user gave
//! it only picks between plain text and Markdown, which no byte can tell apart.

/// How many leading bytes [`sniff`] needs to decide.
pub const SNIFF_LEN: usize = 4096;

/// A type Gamme stores.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Allowed {
    Png,
    Jpeg,
    Webp,
    Gif,
    Heic,
    Pdf,
    Mp4,
    /// Valid UTF-8 without NULs: only known once the whole file has been read.
    Text,
}

impl Allowed {
    /// The stored media type; text becomes Markdown when its name says so.
    pub fn media_type(self, name: &str) -> &'static str {
        match self {
            Allowed::Png => "image/png",
            Allowed::Jpeg => "image/jpeg",
            Allowed::Webp => "image/webp",
            Allowed::Gif => "image/gif",
            Allowed::Heic => "image/heic",
            Allowed::Pdf => "application/pdf",
            Allowed::Mp4 => "video/mp4",
            Allowed::Text => {
                let lower = name.to_ascii_lowercase();
                if lower.ends_with(".md") || lower.ends_with(".markdown") {
                    "text/markdown"
                } else {
                    "text/plain"
                }
            }
        }
    }
}

/// The verdict on a file's first bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Sniffed {
    Allowed(Allowed),
    /// Refused, with what it looks like ("an ELF executable", "an SVG image", …).
    Refused(&'static str),
}

/// Every media type Gamme accepts, for the API's description and the UI's file picker.
pub const ALLOWED_MEDIA_TYPES: [&str; 9] = [
    "image/png",
    "image/jpeg",
    "image/webp",
    "image/gif",
    "image/heic",
    "application/pdf",
    "video/mp4",
    "text/plain",
    "text/markdown",
];

/// Decides from `head`, the first [`SNIFF_LEN`] bytes (fewer if the file is shorter).
pub fn sniff(head: &[u8]) -> Sniffed {
    use Sniffed::{Allowed as Ok, Refused as No};
    let starts = |magic: &[u8]| head.starts_with(magic);
    if starts(b"\x89PNG\r\n\x1a\n") {
        return Ok(Allowed::Png);
    }
    if starts(b"\xff\xd8\xff") {
        return Ok(Allowed::Jpeg);
    }
    if starts(b"GIF87a") || starts(b"GIF89a") {
        return Ok(Allowed::Gif);
    }
    if head.len() >= 12 && starts(b"RIFF") {
        return match &head[8..12] {
            b"WEBP" => Ok(Allowed::Webp),
            b"WAVE" => No("a WAV audio file"),
            b"AVI " => No("an AVI video"),
            _ => No("a RIFF container"),
        };
    }
    if head.len() >= 12 && &head[4..8] == b"ftyp" {
        return iso_media(head);
    }
    if starts(b"%PDF-") {
        return Ok(Allowed::Pdf);
    }
    if let Some(refused) = known_binary(head) {
        return No(refused);
    }
    if head.contains(&0) {
        return No("binary data of an unknown kind");
    }
    match markup(head) {
        Some(kind) => No(kind),
        None => Ok(Allowed::Text),
    }
}

/// ISO base media files (MP4, HEIC, AVIF, QuickTime) say what they are in the `ftyp` box:
/// a major brand, then compatible brands.
fn iso_media(head: &[u8]) -> Sniffed {
    let box_len = u32::from_be_bytes([head[0], head[1], head[2], head[3]]) as usize;
    let end = box_len.clamp(16, head.len().max(16)).min(head.len());
    let major = &head[8..12];
    let compatible: Vec<&[u8]> = head.get(16..end).unwrap_or(&[]).chunks_exact(4).collect();
    let has = |brands: &[&[u8]]| brands.contains(&major) || compatible.iter().any(|b| brands.contains(b));
    const HEIC: &[&[u8]] = &[b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx"];
    if HEIC.contains(&major) || (matches!(major, b"mif1" | b"msf1") && has(HEIC)) {
        return Sniffed::Allowed(Allowed::Heic);
    }
    if has(&[b"avif", b"avis"]) {
        return Sniffed::Refused("an AVIF image");
    }
    if major == b"qt  " {
        return Sniffed::Refused("a QuickTime video");
    }
    const MP4: &[&[u8]] =
        &[b"isom", b"iso2", b"iso4", b"iso5", b"iso6", b"mp41", b"mp42", b"avc1", b"M4V ", b"dash", b"mmp4", b"MSNV"];
    if has(MP4) {
        return Sniffed::Allowed(Allowed::Mp4);
    }
    if has(&[b"M4A ", b"M4B "]) {
        return Sniffed::Refused("an MPEG-4 audio file");
    }
    Sniffed::Refused("an ISO media file of an unsupported kind")
}

fn known_binary(head: &[u8]) -> Option<&'static str> {
    let starts = |magic: &[u8]| head.starts_with(magic);
    let found = if starts(b"\x7fELF") {
        "an ELF executable"
    } else if starts(b"MZ") {
        "a Windows executable (PE)"
    } else if starts(b"\xfe\xed\xfa\xce")
        || starts(b"\xfe\xed\xfa\xcf")
        || starts(b"\xce\xfa\xed\xfe")
        || starts(b"\xcf\xfa\xed\xfe")
        || starts(b"\xca\xfe\xba\xbe")
    {
        "a Mach-O executable"
    } else if starts(b"#!") {
        "a script"
    } else if starts(b"PK\x03\x04") || starts(b"PK\x05\x06") || starts(b"PK\x07\x08") {
        "a ZIP archive (or an Office document)"
    } else if starts(b"\x1f\x8b") {
        "a gzip archive"
    } else if starts(b"7z\xbc\xaf\x27\x1c") {
        "a 7-Zip archive"
    } else if starts(b"Rar!\x1a\x07") {
        "a RAR archive"
    } else if starts(b"\xfd7zXZ\x00") {
        "an XZ archive"
    } else if starts(b"BZh") {
        "a bzip2 archive"
    } else if starts(b"\x28\xb5\x2f\xfd") {
        "a Zstandard archive"
    } else if head.len() > 262 && &head[257..262] == b"ustar" {
        "a tar archive"
    } else if starts(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1") {
        "a legacy Office document"
    } else if starts(b"II*\x00") || starts(b"MM\x00*") {
        "a TIFF image"
    } else if starts(b"BM") && head.len() > 14 && head[6..10] == [0, 0, 0, 0] {
        "a BMP image"
    } else if starts(b"\x00\x00\x01\x00") {
        "an icon file"
    } else if starts(b"\x00asm") {
        "a WebAssembly module"
    } else if starts(b"SQLite format 3\x00") {
        "an SQLite database"
    } else {
        return None;
    };
    Some(found)
}

/// Text a browser would run or render as a document is not plain text.
fn markup(head: &[u8]) -> Option<&'static str> {
    let text = String::from_utf8_lossy(head);
    let trimmed = text.trim_start_matches('\u{feff}').trim_start().to_ascii_lowercase();
    let lead: String = trimmed.chars().take(1024).collect();
    if lead.contains("<svg") {
        return Some("an SVG image");
    }
    if lead.starts_with("<!doctype html")
        || lead.starts_with("<html")
        || ["<head", "<body", "<script", "<iframe", "<object", "<embed"].iter().any(|t| lead.contains(t))
    {
        return Some("an HTML document");
    }
    if lead.starts_with("<?xml") {
        return Some("an XML document");
    }
    None
}

/// Checks that a stream is UTF-8 without NULs, chunk by chunk, carrying an incomplete
/// character over from one chunk to the next.
#[derive(Debug, Default)]
pub struct TextCheck {
    carry: Vec<u8>,
    failed: bool,
}

impl TextCheck {
    pub fn feed(&mut self, chunk: &[u8]) {
        if self.failed {
            return;
        }
        if chunk.contains(&0) {
            self.failed = true;
            return;
        }
        let mut joined;
        let bytes = if self.carry.is_empty() {
            chunk
        } else {
            joined = std::mem::take(&mut self.carry);
            joined.extend_from_slice(chunk);
            &joined[..]
        };
        match std::str::from_utf8(bytes) {
            Ok(_) => self.carry.clear(),
            Err(e) if e.error_len().is_none() => self.carry = bytes[e.valid_up_to()..].to_vec(),
            Err(_) => self.failed = true,
        }
    }

    /// True when everything fed was valid UTF-8 without NULs.
    pub fn finish(&self) -> bool {
        !self.failed && self.carry.is_empty()
    }
}

/// The display name of an upload: its last path component, without control or
/// bidirectional-override characters, without leading dots, at most 200 characters.
pub fn clean_name(raw: &str) -> String {
    let last = raw.rsplit(['/', '\\']).next().unwrap_or_default();
    let kept: String = last
        .chars()
        .filter(|c| {
            !c.is_control() && !matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}')
        })
        .collect();
    let trimmed = kept.trim().trim_start_matches('.').trim();
    let capped: String = trimmed.chars().take(200).collect();
    let capped = capped.trim_end().to_owned();
    if capped.is_empty() {
        "file".to_owned()
    } else {
        capped
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn images_documents_and_video_are_recognised() {
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"), Sniffed::Allowed(Allowed::Png));
        assert_eq!(sniff(b"\xff\xd8\xff\xe0\0\x10JFIF"), Sniffed::Allowed(Allowed::Jpeg));
        assert_eq!(sniff(b"RIFF\0\0\0\0WEBPVP8 "), Sniffed::Allowed(Allowed::Webp));
        assert_eq!(sniff(b"GIF89a\x01\0"), Sniffed::Allowed(Allowed::Gif));
        assert_eq!(sniff(b"%PDF-1.7\n"), Sniffed::Allowed(Allowed::Pdf));
        assert_eq!(sniff(b"\0\0\0\x18ftypheic\0\0\0\0mif1heic"), Sniffed::Allowed(Allowed::Heic));
        assert_eq!(sniff(b"\0\0\0\x20ftypisom\0\0\x02\0isomiso2avc1mp41"), Sniffed::Allowed(Allowed::Mp4));
        assert_eq!(sniff("# Purge\n\nOuvrir la vanne.".as_bytes()), Sniffed::Allowed(Allowed::Text));
    }

    #[test]
    fn executables_archives_and_markup_are_refused_by_name() {
        assert_eq!(sniff(b"\x7fELF\x02\x01\x01\0"), Sniffed::Refused("an ELF executable"));
        assert_eq!(sniff(b"MZ\x90\0"), Sniffed::Refused("a Windows executable (PE)"));
        assert_eq!(sniff(b"PK\x03\x04\x14\0"), Sniffed::Refused("a ZIP archive (or an Office document)"));
        assert_eq!(sniff(b"<?xml version=\"1.0\"?>\n<svg xmlns=\"x\"/>"), Sniffed::Refused("an SVG image"));
        assert_eq!(sniff(b"  <!DOCTYPE html><p>hi"), Sniffed::Refused("an HTML document"));
        assert_eq!(sniff(b"\0\0\0\x14ftypqt  \0\0\0\0qt  "), Sniffed::Refused("a QuickTime video"));
        assert_eq!(sniff(b"\x01\x02\0\x04"), Sniffed::Refused("binary data of an unknown kind"));
    }

    #[test]
    fn text_check_carries_split_characters_and_catches_nuls() {
        let mut check = TextCheck::default();
        let bytes = "purgé".as_bytes();
        check.feed(&bytes[..5]);
        check.feed(&bytes[5..]);
        assert!(check.finish());
        let mut check = TextCheck::default();
        check.feed(b"abc\0");
        assert!(!check.finish());
        let mut check = TextCheck::default();
        check.feed(b"abc\xe9");
        assert!(!check.finish(), "a truncated character at the end is not text");
    }

    #[test]
    fn names_keep_only_their_last_component_without_control_characters() {
        assert_eq!(clean_name("../../etc/passwd"), "passwd");
        assert_eq!(clean_name("C:\\Users\\x\\photo.jpg"), "photo.jpg");
        assert_eq!(clean_name("..\u{0}.bashrc\n"), "bashrc");
        assert_eq!(clean_name("invoice\u{202e}fdp.exe"), "invoicefdp.exe");
        assert_eq!(clean_name("/"), "file");
        assert_eq!(clean_name(&"é".repeat(500)).chars().count(), 200);
    }
}
