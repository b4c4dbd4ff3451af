//! PNG, JPEG and WebP: the headers are read, never the pixels. Enough to know that a file is
//! the image it claims to be and how large it is, without an image decoder in the binary.
//!
//! Each check answers the image's size, or one English sentence saying what is wrong.

/// The largest width or height accepted, in pixels.
pub const MAX_SIDE: u32 = 8192;

/// Width and height in pixels.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Size {
    pub width: u32,
    pub height: u32,
}

fn sized(kind: &str, width: u32, height: u32) -> Result<Size, String> {
    if width == 0 || height == 0 {
        return Err(format!("the {kind} image has no width or no height"));
    }
    if width > MAX_SIDE || height > MAX_SIDE {
        return Err(format!(
            "the {kind} image is {width}×{height} pixels; at most {MAX_SIDE} pixels a side"
        ));
    }
    Ok(Size { width, height })
}

fn be32(b: &[u8]) -> u32 {
    u32::from_be_bytes([b[0], b[1], b[2], b[3]])
}

fn le32(b: &[u8]) -> u32 {
    u32::from_le_bytes([b[0], b[1], b[2], b[3]])
}

pub const PNG_SIGNATURE: [u8; 8] = [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];

/// A PNG: the signature, then well-formed chunks with good CRCs, `IHDR` first (a known
/// colour type and bit depth, a size within [`MAX_SIDE`]), at least one `IDAT`, up to `IEND`.
pub fn png(bytes: &[u8]) -> Result<Size, String> {
    if !bytes.starts_with(&PNG_SIGNATURE) {
        return Err("the PNG signature is missing".into());
    }
    let mut pos = PNG_SIGNATURE.len();
    let mut size = None;
    let mut has_data = false;
    loop {
        let Some(head) = bytes.get(pos..pos + 8) else {
            return Err("the PNG file is truncated (no IEND chunk)".into());
        };
        let len = be32(&head[..4]) as usize;
        let kind = &head[4..8];
        if len > i32::MAX as usize || !kind.iter().all(u8::is_ascii_alphabetic) {
            return Err("the PNG file has a damaged chunk".into());
        }
        let Some(chunk) = bytes.get(pos + 4..pos + 8 + len + 4) else {
            return Err("the PNG file is truncated".into());
        };
        let (body, crc) = chunk.split_at(4 + len);
        if crc32fast::hash(body) != be32(crc) {
            return Err("the PNG file has a chunk with a wrong checksum".into());
        }
        let data = &body[4..];
        match (kind, size) {
            (b"IHDR", None) if len == 13 => {
                let (depth, colour) = (data[8], data[9]);
                let known = match colour {
                    0 => matches!(depth, 1 | 2 | 4 | 8 | 16),
                    3 => matches!(depth, 1 | 2 | 4 | 8),
                    2 | 4 | 6 => matches!(depth, 8 | 16),
                    _ => false,
                };
                if !known || data[10] != 0 || data[11] != 0 || data[12] > 1 {
                    return Err("the PNG header (IHDR) is not valid".into());
                }
                size = Some(sized("PNG", be32(&data[..4]), be32(&data[4..8]))?);
            }
            (_, None) => return Err("the PNG file does not start with its header (IHDR)".into()),
            (b"IHDR", Some(_)) => return Err("the PNG file has two headers".into()),
            (b"IDAT", Some(_)) => has_data = true,
            (b"IEND", Some(size)) if has_data => return Ok(size),
            (b"IEND", Some(_)) => return Err("the PNG file has no image data".into()),
            _ => {}
        }
        pos += 12 + len;
    }
}

/// A JPEG: SOI, then marker segments up to a frame header (SOF) giving the size.
pub fn jpeg(bytes: &[u8]) -> Result<Size, String> {
    if !bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return Err("the JPEG start marker is missing".into());
    }
    let mut pos = 2;
    loop {
        if bytes.get(pos) != Some(&0xFF) {
            return Err("the JPEG file has a damaged segment".into());
        }
        while bytes.get(pos) == Some(&0xFF) {
            pos += 1;
        }
        let Some(&marker) = bytes.get(pos) else {
            return Err("the JPEG file is truncated".into());
        };
        pos += 1;
        match marker {
            // Markers without a length.
            0x01 | 0xD0..=0xD7 => continue,
            0xD8 | 0xD9 | 0xDA | 0x00 => {
                return Err("the JPEG file has no frame header (SOF)".into());
            }
            _ => {}
        }
        let Some(len) = bytes.get(pos..pos + 2) else {
            return Err("the JPEG file is truncated".into());
        };
        let len = usize::from(u16::from_be_bytes([len[0], len[1]]));
        let Some(segment) = bytes.get(pos + 2..pos + len).filter(|_| len >= 2) else {
            return Err("the JPEG file is truncated".into());
        };
        let is_frame = matches!(marker, 0xC0..=0xCF) && !matches!(marker, 0xC4 | 0xC8 | 0xCC);
        if is_frame {
            let components = segment.get(5).copied().unwrap_or(0);
            if !(1..=4).contains(&components)
                || segment.len() != 6 + 3 * usize::from(components)
                || !matches!(segment[0], 8 | 12 | 16)
            {
                return Err("the JPEG frame header (SOF) is not valid".into());
            }
            let height = u16::from_be_bytes([segment[1], segment[2]]);
            let width = u16::from_be_bytes([segment[3], segment[4]]);
            return sized("JPEG", width.into(), height.into());
        }
        pos += len;
    }
}

/// A WebP: `RIFF` size `WEBP`, then a `VP8 ` (lossy), `VP8L` (lossless) or `VP8X` (extended)
/// chunk whose header gives the size.
pub fn webp(bytes: &[u8]) -> Result<Size, String> {
    if bytes.len() < 20 || &bytes[..4] != b"RIFF" || &bytes[8..12] != b"WEBP" {
        return Err("the WebP (RIFF) header is missing".into());
    }
    let riff = le32(&bytes[4..8]) as usize;
    if riff < 12 || riff.saturating_add(8) > bytes.len() {
        return Err("the WebP file is truncated".into());
    }
    let len = le32(&bytes[16..20]) as usize;
    let Some(data) = bytes.get(20..20usize.saturating_add(len)) else {
        return Err("the WebP file is truncated".into());
    };
    match &bytes[12..16] {
        b"VP8 " => {
            let key_frame = data.first().is_some_and(|b| b & 1 == 0);
            if data.len() < 10 || !key_frame || data[3..6] != [0x9D, 0x01, 0x2A] {
                return Err("the WebP (VP8) header is not valid".into());
            }
            let width = u16::from_le_bytes([data[6], data[7]]) & 0x3FFF;
            let height = u16::from_le_bytes([data[8], data[9]]) & 0x3FFF;
            sized("WebP", width.into(), height.into())
        }
        b"VP8L" => {
            if data.len() < 5 || data[0] != 0x2F {
                return Err("the WebP (VP8L) header is not valid".into());
            }
            let bits = le32(&data[1..5]);
            if bits >> 29 != 0 {
                return Err("the WebP (VP8L) version is unknown".into());
            }
            sized("WebP", (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1)
        }
        b"VP8X" => {
            if data.len() < 10 {
                return Err("the WebP (VP8X) header is not valid".into());
            }
            let u24 = |b: &[u8]| u32::from_le_bytes([b[0], b[1], b[2], 0]);
            sized("WebP", u24(&data[4..7]) + 1, u24(&data[7..10]) + 1)
        }
        _ => Err("the WebP file has no VP8, VP8L or VP8X chunk".into()),
    }
}

#[cfg(test)]
pub(crate) mod samples {
    //! Small valid images built byte by byte, for the tests.

    use super::PNG_SIGNATURE;

    fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        let start = out.len();
        out.extend_from_slice(kind);
        out.extend_from_slice(data);
        let crc = crc32fast::hash(&out[start..]);
        out.extend_from_slice(&crc.to_be_bytes());
    }

    /// A grey `width`×`height` PNG (8-bit greyscale, stored deflate blocks); the pixels stop
    /// at 16×16, which the header checks never see.
    pub fn png(width: u32, height: u32) -> Vec<u8> {
        let mut out = PNG_SIGNATURE.to_vec();
        let mut ihdr = Vec::new();
        ihdr.extend_from_slice(&width.to_be_bytes());
        ihdr.extend_from_slice(&height.to_be_bytes());
        ihdr.extend_from_slice(&[8, 0, 0, 0, 0]);
        chunk(&mut out, b"IHDR", &ihdr);
        let mut raw = Vec::new();
        for _ in 0..height.min(16) {
            raw.push(0);
            raw.extend(std::iter::repeat_n(0x80, width.min(16) as usize));
        }
        let mut zlib = vec![0x78, 0x01];
        let blocks: Vec<&[u8]> = raw.chunks(65_535).collect();
        for (i, block) in blocks.iter().enumerate() {
            zlib.push(u8::from(i + 1 == blocks.len()));
            zlib.extend_from_slice(&(block.len() as u16).to_le_bytes());
            zlib.extend_from_slice(&(!(block.len() as u16)).to_le_bytes());
            zlib.extend_from_slice(block);
        }
        let (mut a, mut b) = (1u32, 0u32);
        for byte in &raw {
            a = (a + u32::from(*byte)) % 65521;
            b = (b + a) % 65521;
        }
        zlib.extend_from_slice(&((b << 16) | a).to_be_bytes());
        chunk(&mut out, b"IDAT", &zlib);
        chunk(&mut out, b"IEND", &[]);
        out
    }

    /// A 1×1 greyscale baseline JPEG.
    pub fn jpeg() -> Vec<u8> {
        let mut out = vec![0xFF, 0xD8];
        // Quantisation table 0: all ones.
        out.extend_from_slice(&[0xFF, 0xDB, 0x00, 0x43, 0x00]);
        out.extend_from_slice(&[1; 64]);
        // Frame: 8-bit, 1×1, one component using table 0.
        out.extend_from_slice(&[
            0xFF, 0xC0, 0x00, 0x0B, 0x08, 0x00, 0x01, 0x00, 0x01, 0x01, 0x01, 0x11, 0x00,
        ]);
        // Huffman tables: one code of length 1 each (DC category 0, AC end of block).
        for class in [0x00, 0x10] {
            out.extend_from_slice(&[0xFF, 0xC4, 0x00, 0x14, class, 1]);
            out.extend_from_slice(&[0; 15]);
            out.push(0);
        }
        // Scan: the DC difference 0 and the end of block, padded with ones.
        out.extend_from_slice(&[
            0xFF, 0xDA, 0x00, 0x08, 0x01, 0x01, 0x00, 0x00, 0x3F, 0x00, 0x3F,
        ]);
        out.extend_from_slice(&[0xFF, 0xD9]);
        out
    }

    /// A 1×1 lossless WebP (one black pixel).
    pub fn webp() -> Vec<u8> {
        let vp8l = [0x2F, 0x00, 0x00, 0x00, 0x00, 0x88, 0x88, 0xFE, 0x07];
        let mut out = b"RIFF".to_vec();
        out.extend_from_slice(&(4 + 8 + vp8l.len() as u32 + 1).to_le_bytes());
        out.extend_from_slice(b"WEBPVP8L");
        out.extend_from_slice(&(vp8l.len() as u32).to_le_bytes());
        out.extend_from_slice(&vp8l);
        out.push(0);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn good_headers_give_the_size() {
        assert_eq!(
            png(&samples::png(3, 2)),
            Ok(Size {
                width: 3,
                height: 2
            })
        );
        assert_eq!(
            jpeg(&samples::jpeg()),
            Ok(Size {
                width: 1,
                height: 1
            })
        );
        assert_eq!(
            webp(&samples::webp()),
            Ok(Size {
                width: 1,
                height: 1
            })
        );
    }

    #[test]
    fn damaged_pngs_are_refused() {
        let good = samples::png(1, 1);
        // A flipped bit in the header: its checksum no longer matches.
        let mut bad = good.clone();
        bad[20] ^= 1;
        assert!(png(&bad).unwrap_err().contains("checksum"));
        // Cut before IEND.
        assert!(png(&good[..good.len() - 12]).is_err());
        assert!(png(&good[..10]).is_err());
        assert!(png(&samples::png(0, 5)).unwrap_err().contains("no width"));
        assert!(png(&samples::png(9000, 5)).unwrap_err().contains("8192"));
        assert!(png(b"\x89PNG\r\n\x1a\n").is_err());
    }

    #[test]
    fn damaged_jpegs_and_webps_are_refused() {
        let good = samples::jpeg();
        assert!(jpeg(&good[..30]).is_err());
        assert!(jpeg(&[0xFF, 0xD8, 0xFF, 0xD9]).is_err());
        assert!(jpeg(b"\xFF\xD8\xFF").is_err());
        let good = samples::webp();
        assert!(webp(&good[..good.len() - 4]).is_err());
        let mut bad = good.clone();
        bad[12..16].copy_from_slice(b"ABCD");
        assert!(webp(&bad).is_err());
        assert!(webp(b"RIFF\x04\x00\x00\x00WEBP").is_err());
    }
}
