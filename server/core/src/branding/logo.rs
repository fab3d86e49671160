//! Logo uploads: recognise the format by content, refuse what is not a plain still image,
//! decode under dimension and memory limits, scale to at most 512×512 and re-encode.
//!
//! Re-encoding is the real defence: whatever else the file carried (metadata, a second
//! format glued on) is not in the bytes we store and serve. The checks before it exist to
//! give a clear message and to refuse polyglots outright rather than silently clean them.

use hub_model::{
    branding::{LOGO_MAX_SIDE, MAX_LOGO_BYTES},
    HubError, HubResult,
};
use image::{imageops::FilterType, DynamicImage, ImageFormat, ImageReader, Limits};
use std::io::Cursor;

/// Largest width or height we decode (a bigger logo is refused, not scaled).
pub const MAX_DECODE_SIDE: u32 = 4096;
/// Memory the decoder may allocate.
const MAX_DECODE_ALLOC: u64 = 64 * 1024 * 1024;

/// A logo ready to store.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProcessedLogo {
    pub bytes: Vec<u8>,
    pub content_type: &'static str,
    pub width: u32,
    pub height: u32,
}

fn refuse(message: impl Into<String>) -> HubError {
    HubError::invalid("logo", message)
}

/// Markers of other formats; a logo carrying one is a polyglot and is refused.
const FOREIGN_SIGNATURES: &[&[u8]] = &[
    b"<svg",
    b"<script",
    b"<html",
    b"<?xml",
    b"<?php",
    b"<!doctype",
    b"%pdf-",
    b"pk\x03\x04",
    b"javascript:",
];

fn has_foreign_signature(bytes: &[u8]) -> bool {
    let lower: Vec<u8> = bytes.iter().map(u8::to_ascii_lowercase).collect();
    FOREIGN_SIGNATURES
        .iter()
        .any(|sig| lower.windows(sig.len()).any(|w| w == *sig))
}

/// PNG: walk the chunks. Refuses APNG (`acTL`) and anything after `IEND`.
fn check_png(bytes: &[u8]) -> HubResult<()> {
    let mut at = 8;
    loop {
        let header = bytes
            .get(at..at + 8)
            .ok_or_else(|| refuse("This PNG file is truncated."))?;
        let len = u32::from_be_bytes([header[0], header[1], header[2], header[3]]) as usize;
        let kind = &header[4..8];
        let end = at
            .checked_add(12)
            .and_then(|n| n.checked_add(len))
            .filter(|&end| end <= bytes.len())
            .ok_or_else(|| refuse("This PNG file is truncated."))?;
        if kind == b"acTL" {
            return Err(refuse(
                "Animated images are not accepted. Upload a still PNG, JPEG or WebP logo.",
            ));
        }
        if kind == b"IEND" {
            if end != bytes.len() {
                return Err(polyglot());
            }
            return Ok(());
        }
        at = end;
    }
}

/// WebP: the RIFF size must cover the file exactly; animation chunks are refused.
fn check_webp(bytes: &[u8]) -> HubResult<()> {
    let riff = u32::from_le_bytes([bytes[4], bytes[5], bytes[6], bytes[7]]) as usize;
    if riff.checked_add(8) != Some(bytes.len()) {
        return Err(polyglot());
    }
    let mut at = 12;
    while let Some(header) = bytes.get(at..at + 8) {
        let kind = &header[0..4];
        let len = u32::from_le_bytes([header[4], header[5], header[6], header[7]]) as usize;
        if kind == b"ANIM" || kind == b"ANMF" {
            return Err(refuse(
                "Animated images are not accepted. Upload a still PNG, JPEG or WebP logo.",
            ));
        }
        if kind == b"VP8X" && bytes.get(at + 8).is_some_and(|flags| flags & 0x02 != 0) {
            return Err(refuse(
                "Animated images are not accepted. Upload a still PNG, JPEG or WebP logo.",
            ));
        }
        at = at.saturating_add(8).saturating_add(len + (len & 1));
    }
    Ok(())
}

/// JPEG: the file must end at the End Of Image marker.
fn check_jpeg(bytes: &[u8]) -> HubResult<()> {
    if !bytes.ends_with(&[0xFF, 0xD9]) {
        return Err(polyglot());
    }
    Ok(())
}

fn polyglot() -> HubError {
    refuse("This file carries data after the image or inside it that is not part of a logo, so it was refused. Export the logo again as a plain PNG, JPEG or WebP.")
}

/// Recognises the format from the first bytes.
fn sniff(bytes: &[u8]) -> HubResult<ImageFormat> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Ok(ImageFormat::Png);
    }
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return Ok(ImageFormat::Jpeg);
    }
    if bytes.len() >= 12 && &bytes[0..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        return Ok(ImageFormat::WebP);
    }
    let text = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let first = text.iter().find(|b| !b.is_ascii_whitespace());
    if first == Some(&b'<') {
        return Err(refuse("SVG and other markup files are not accepted, because they can carry scripts. Upload a PNG, JPEG or WebP logo."));
    }
    if bytes.starts_with(b"GIF8") {
        return Err(refuse(
            "GIF files are not accepted. Upload a PNG, JPEG or WebP logo.",
        ));
    }
    Err(refuse("This file is not a PNG, JPEG or WebP image."))
}

/// Validates, decodes, scales and re-encodes an uploaded logo.
pub fn process(bytes: &[u8]) -> HubResult<ProcessedLogo> {
    if bytes.is_empty() {
        return Err(refuse("The file is empty."));
    }
    if bytes.len() > MAX_LOGO_BYTES {
        return Err(refuse(format!(
            "The logo is larger than {} KiB. Upload a smaller file.",
            MAX_LOGO_BYTES / 1024
        )));
    }
    let format = sniff(bytes)?;
    match format {
        ImageFormat::Png => check_png(bytes)?,
        ImageFormat::WebP => check_webp(bytes)?,
        _ => check_jpeg(bytes)?,
    }
    if has_foreign_signature(bytes) {
        return Err(polyglot());
    }

    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_DECODE_SIDE);
    limits.max_image_height = Some(MAX_DECODE_SIDE);
    limits.max_alloc = Some(MAX_DECODE_ALLOC);
    reader.limits(limits);
    let image = reader.decode().map_err(|error| match error {
        image::ImageError::Limits(_) => refuse(format!(
            "This image is too large to process: at most {MAX_DECODE_SIDE}×{MAX_DECODE_SIDE} pixels."
        )),
        _ => refuse("This image could not be read: the file is damaged or not really an image."),
    })?;

    let image = if image.width() > LOGO_MAX_SIDE || image.height() > LOGO_MAX_SIDE {
        image.resize(LOGO_MAX_SIDE, LOGO_MAX_SIDE, FilterType::Lanczos3)
    } else {
        image
    };
    encode(&image)
}

/// PNG when the logo has transparency, JPEG otherwise.
fn encode(image: &DynamicImage) -> HubResult<ProcessedLogo> {
    let mut out = Cursor::new(Vec::new());
    let (content_type, result) = if image.color().has_alpha() {
        let rgba = DynamicImage::ImageRgba8(image.to_rgba8());
        ("image/png", rgba.write_to(&mut out, ImageFormat::Png))
    } else {
        let rgb = DynamicImage::ImageRgb8(image.to_rgb8());
        let encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 90);
        ("image/jpeg", rgb.write_with_encoder(encoder))
    };
    result.map_err(|e| crate::db::internal(&e))?;
    Ok(ProcessedLogo {
        bytes: out.into_inner(),
        content_type,
        width: image.width(),
        height: image.height(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{Rgb, RgbImage, Rgba, RgbaImage};

    fn png(width: u32, height: u32) -> Vec<u8> {
        let img = RgbaImage::from_pixel(width, height, Rgba([10, 80, 200, 255]));
        let mut out = Cursor::new(Vec::new());
        DynamicImage::ImageRgba8(img)
            .write_to(&mut out, ImageFormat::Png)
            .expect("encode png");
        out.into_inner()
    }

    fn jpeg(width: u32, height: u32) -> Vec<u8> {
        let img = RgbImage::from_pixel(width, height, Rgb([200, 30, 30]));
        let mut out = Cursor::new(Vec::new());
        DynamicImage::ImageRgb8(img)
            .write_to(&mut out, ImageFormat::Jpeg)
            .expect("encode jpeg");
        out.into_inner()
    }

    fn webp(width: u32, height: u32) -> Vec<u8> {
        let img = RgbaImage::from_pixel(width, height, Rgba([0, 150, 100, 128]));
        let mut out = Cursor::new(Vec::new());
        DynamicImage::ImageRgba8(img)
            .write_to(&mut out, ImageFormat::WebP)
            .expect("encode webp");
        out.into_inner()
    }

    /// A PNG whose header claims other dimensions (CRC fixed up), as a bomb would.
    fn png_claiming(width: u32, height: u32) -> Vec<u8> {
        let mut bytes = png(8, 8);
        // IHDR data starts at 16: width, height; its CRC covers type + data (12..29).
        bytes[16..20].copy_from_slice(&width.to_be_bytes());
        bytes[20..24].copy_from_slice(&height.to_be_bytes());
        let crc = crc32fast::hash(&bytes[12..29]);
        bytes[29..33].copy_from_slice(&crc.to_be_bytes());
        bytes
    }

    fn message(result: HubResult<ProcessedLogo>) -> String {
        match result {
            Err(HubError::InvalidInput { field, message }) if field == "logo" => message,
            other => panic!("expected a logo error, got {other:?}"),
        }
    }

    #[test]
    fn the_three_formats_are_accepted_and_scaled_to_512() {
        let big = process(&png(1024, 512)).expect("png");
        assert_eq!(
            (big.width, big.height, big.content_type),
            (512, 256, "image/png")
        );
        let photo = process(&jpeg(300, 900)).expect("jpeg");
        assert_eq!(
            (photo.width, photo.height, photo.content_type),
            (171, 512, "image/jpeg")
        );
        let small = process(&webp(64, 32)).expect("webp");
        assert_eq!(
            (small.width, small.height, small.content_type),
            (64, 32, "image/png")
        );
        // The stored bytes are a fresh encoding, readable as what the content type says.
        assert_eq!(
            image::guess_format(&photo.bytes).ok(),
            Some(ImageFormat::Jpeg)
        );
    }

    #[test]
    fn the_format_is_read_from_the_content_not_the_name() {
        let svg = b"  <?xml version=\"1.0\"?><svg xmlns=\"http://www.w3.org/2000/svg\"/>";
        assert!(message(process(svg)).contains("SVG"));
        assert!(message(process(b"GIF89a....")).contains("GIF"));
        assert!(message(process(b"hello world")).contains("not a PNG, JPEG or WebP"));
        assert!(message(process(&[])).contains("empty"));
    }

    #[test]
    fn polyglots_and_trailing_data_are_refused() {
        let mut trailing = png(16, 16);
        trailing.extend_from_slice(b"PK\x03\x04 a zip file follows");
        assert!(message(process(&trailing)).contains("not part of a logo"));

        let mut jpeg_with_tail = jpeg(16, 16);
        jpeg_with_tail.extend_from_slice(b"<script>alert(1)</script>");
        assert!(message(process(&jpeg_with_tail)).contains("not part of a logo"));

        // A script hidden inside a JPEG comment segment (the file still ends at EOI).
        let clean = jpeg(16, 16);
        let mut inside = clean[..2].to_vec();
        let comment = b"<script>alert(1)</script>";
        inside.extend_from_slice(&[0xFF, 0xFE, 0, (comment.len() + 2) as u8]);
        inside.extend_from_slice(comment);
        inside.extend_from_slice(&clean[2..]);
        assert!(message(process(&inside)).contains("not part of a logo"));
    }

    #[test]
    fn animated_images_are_refused() {
        // An APNG: an acTL chunk before the image data.
        let still = png(8, 8);
        let mut apng = still[..33].to_vec();
        let actl_data = [0, 0, 0, 2, 0, 0, 0, 0];
        apng.extend_from_slice(&8u32.to_be_bytes());
        apng.extend_from_slice(b"acTL");
        apng.extend_from_slice(&actl_data);
        let mut crc_input = b"acTL".to_vec();
        crc_input.extend_from_slice(&actl_data);
        apng.extend_from_slice(&crc32fast::hash(&crc_input).to_be_bytes());
        apng.extend_from_slice(&still[33..]);
        assert!(message(process(&apng)).contains("Animated"));
    }

    #[test]
    fn decompression_bombs_are_refused_before_decoding() {
        assert!(message(process(&png_claiming(100_000, 100_000))).contains("too large to process"));
        assert!(message(process(&png_claiming(5000, 10))).contains("too large to process"));
        let too_big = vec![0u8; MAX_LOGO_BYTES + 1];
        assert!(message(process(&too_big)).contains("larger than"));
    }
}
