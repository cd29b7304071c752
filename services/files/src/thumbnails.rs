//! 320 px JPEG thumbnails of photos, made off the request path. Decoding is bounded (image
//! dimensions and allocation), so a decompression bomb is refused instead of eating memory;
//! the EXIF orientation is applied, and re-encoding leaves every EXIF field (GPS included) out.

use std::{fs::File, io::BufReader, path::Path};

use image::{codecs::jpeg::JpegEncoder, DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits, RgbImage};

use crate::metadata::ThumbnailStatus;

/// Longest side of a thumbnail.
pub const SIZE: u32 = 320;
/// Largest decoded image: 64 MiB is a 12-megapixel phone photo with room to spare; bigger
/// photos keep no thumbnail rather than risk the service's memory.
pub const MAX_DECODED_BYTES: u64 = 64 * 1024 * 1024;
const MAX_SIDE: u32 = 16_384;

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Thumbnail {
    /// The JPEG bytes.
    Ready(Vec<u8>),
    /// Not an image we make thumbnails of (PDF, video, text, HEIC).
    NotApplicable,
    /// Too large to decode safely: said why.
    Refused(String),
    /// The image could not be read.
    Failed(String),
}

impl Thumbnail {
    /// What the file's row records of it, and why there is none when there is none.
    pub fn verdict(self) -> (ThumbnailStatus, Option<String>) {
        match self {
            Thumbnail::Ready(_) => (ThumbnailStatus::Ready, None),
            Thumbnail::NotApplicable => (ThumbnailStatus::NotApplicable, None),
            Thumbnail::Refused(why) => (ThumbnailStatus::Refused, Some(why)),
            Thumbnail::Failed(why) => (ThumbnailStatus::Failed, Some(why)),
        }
    }
}

fn format_of(media_type: &str) -> Option<ImageFormat> {
    match media_type {
        "image/png" => Some(ImageFormat::Png),
        "image/jpeg" => Some(ImageFormat::Jpeg),
        "image/webp" => Some(ImageFormat::WebP),
        "image/gif" => Some(ImageFormat::Gif),
        _ => None,
    }
}

fn limits() -> Limits {
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_DECODED_BYTES);
    limits
}

/// Makes the thumbnail of the image at `path`. Blocking and CPU-bound.
pub fn make(path: &Path, media_type: &str) -> Thumbnail {
    let Some(format) = format_of(media_type) else { return Thumbnail::NotApplicable };
    let file = match File::open(path) {
        Ok(f) => f,
        Err(e) => return Thumbnail::Failed(format!("cannot open the image: {e}")),
    };
    let mut reader = ImageReader::with_format(BufReader::new(file), format);
    reader.limits(limits());
    let mut decoder = match reader.into_decoder() {
        Ok(d) => d,
        Err(image::ImageError::Limits(e)) => return Thumbnail::Refused(format!("the image is too large: {e}")),
        Err(e) => return Thumbnail::Failed(format!("the image cannot be read: {e}")),
    };
    let (width, height) = decoder.dimensions();
    if decoder.total_bytes() > MAX_DECODED_BYTES {
        return Thumbnail::Refused(format!(
            "{width}×{height} pixels would take {} MiB to decode, over the {} MiB limit",
            decoder.total_bytes() / (1024 * 1024),
            MAX_DECODED_BYTES / (1024 * 1024)
        ));
    }
    let orientation = decoder.orientation().unwrap_or(image::metadata::Orientation::NoTransforms);
    let image = match DynamicImage::from_decoder(decoder) {
        Ok(i) => i,
        Err(image::ImageError::Limits(e)) => return Thumbnail::Refused(format!("the image is too large: {e}")),
        Err(e) => return Thumbnail::Failed(format!("the image cannot be decoded: {e}")),
    };
    // Scaled first, turned after: rotating 320 px costs nothing, rotating the original would
    // need a second full-size buffer.
    let mut small = image.thumbnail(SIZE, SIZE);
    drop(image);
    small.apply_orientation(orientation);
    let rgb = flatten_on_white(small);
    let mut out = Vec::new();
    match JpegEncoder::new_with_quality(&mut out, 82).encode_image(&rgb) {
        Ok(()) => Thumbnail::Ready(out),
        Err(e) => Thumbnail::Failed(format!("the thumbnail cannot be encoded: {e}")),
    }
}

/// JPEG has no transparency: transparent pixels become white, as they look on a page.
fn flatten_on_white(image: DynamicImage) -> RgbImage {
    if !image.color().has_alpha() {
        return image.to_rgb8();
    }
    let rgba = image.to_rgba8();
    RgbImage::from_fn(rgba.width(), rgba.height(), |x, y| {
        let [r, g, b, a] = rgba.get_pixel(x, y).0;
        let blend = |c: u8| ((u16::from(c) * u16::from(a) + 255 * (255 - u16::from(a))) / 255) as u8;
        image::Rgb([blend(r), blend(g), blend(b)])
    })
}
