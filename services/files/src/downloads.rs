//! What a download is: which bytes, sent as which type, under which name. The service decides
//! this (and who may read, in `access`); nginx sends the bytes.

use crate::{
    error::FilesError,
    metadata::{StoredFile, ThumbnailStatus},
    storage::BlobKey,
};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Download {
    pub key: BlobKey,
    /// `Content-Type`: text is always UTF-8.
    pub content_type: String,
    /// `Content-Disposition`.
    pub disposition: String,
}

impl Download {
    /// The file's own bytes, under its display name.
    pub fn original(file: StoredFile) -> Self {
        Self {
            disposition: content_disposition(&file.name, &file.media_type),
            content_type: content_type(&file.media_type),
            key: BlobKey::Original(file.sha256),
        }
    }

    /// Its thumbnail, once made: `<name> (thumbnail).jpg`.
    pub fn thumbnail(file: StoredFile) -> Result<Self, FilesError> {
        if file.thumbnail_status != ThumbnailStatus::Ready {
            return Err(FilesError::NoThumbnail);
        }
        let stem = file.name.rsplit_once('.').map_or(file.name.as_str(), |(s, _)| s);
        Ok(Self {
            disposition: content_disposition(&format!("{stem} (thumbnail).jpg"), "image/jpeg"),
            content_type: content_type("image/jpeg"),
            key: BlobKey::Thumbnail(file.sha256),
        })
    }
}

/// The extensions a download's name may end with, the first being the one added otherwise.
fn extensions(media_type: &str) -> &'static [&'static str] {
    match media_type {
        "image/png" => &["png"],
        "image/jpeg" => &["jpg", "jpeg"],
        "image/webp" => &["webp"],
        "image/gif" => &["gif"],
        "image/heic" => &["heic", "heif"],
        "application/pdf" => &["pdf"],
        "video/mp4" => &["mp4", "m4v"],
        "text/markdown" => &["md", "markdown"],
        _ => &["txt"],
    }
}

/// The server's choice of name: the display name, with an extension that matches the type
/// (so a text file named `x.html` saves as `x.html.txt`).
fn download_name(name: &str, media_type: &str) -> String {
    let allowed = extensions(media_type);
    let ext = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
    if ext.as_deref().is_some_and(|e| allowed.contains(&e)) {
        name.to_owned()
    } else {
        format!("{name}.{}", allowed[0])
    }
}

/// RFC 6266: a plain-ASCII `filename` for old clients and the exact name in `filename*`.
fn content_disposition(name: &str, media_type: &str) -> String {
    let inline = media_type.starts_with("image/") || media_type == "application/pdf";
    let name = download_name(name, media_type);
    let ascii: String = name
        .chars()
        .map(|c| if (c.is_ascii_graphic() || c == ' ') && !matches!(c, '"' | '\\' | '%' | ';') { c } else { '_' })
        .collect();
    let mut encoded = String::new();
    for b in name.bytes() {
        if b.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&b) {
            encoded.push(char::from(b));
        } else {
            encoded.push_str(&format!("%{b:02X}"));
        }
    }
    let kind = if inline { "inline" } else { "attachment" };
    format!("{kind}; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

fn content_type(media_type: &str) -> String {
    if media_type.starts_with("text/") {
        format!("{media_type}; charset=utf-8")
    } else {
        media_type.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn downloads_are_named_by_the_server_with_a_matching_extension() {
        assert_eq!(
            content_disposition("Pompe P-101 été.pdf", "application/pdf"),
            "inline; filename=\"Pompe P-101 _t_.pdf\"; filename*=UTF-8''Pompe%20P-101%20%C3%A9t%C3%A9.pdf"
        );
        assert_eq!(
            content_disposition("passwd", "text/plain"),
            "attachment; filename=\"passwd.txt\"; filename*=UTF-8''passwd.txt"
        );
        assert!(content_disposition("x.html", "text/plain").starts_with("attachment; filename=\"x.html.txt\""));
        assert!(content_disposition("clip.MP4", "video/mp4").starts_with("attachment; filename=\"clip.MP4\""));
        assert!(content_disposition("a\"b;c.png", "image/png").starts_with("inline; filename=\"a_b_c.png\""));
    }
}
