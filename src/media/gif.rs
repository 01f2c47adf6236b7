//! The two facts about a GIF that are read before decoding it: its logical screen's size and
//! how many frames it holds. Both come from walking its blocks (GIF89a's layout), which skips
//! every frame's compressed data without decompressing it.

/// The logical screen's width and height (little-endian, right after the 6-byte signature).
pub(super) fn screen_dimensions(bytes: &[u8]) -> Option<(u32, u32)> {
    let le = |at: usize| {
        Some(u32::from(u16::from_le_bytes(
            bytes.get(at..at + 2)?.try_into().ok()?,
        )))
    };
    Some((le(6)?, le(8)?))
}

/// The number of image descriptors, counted up to `enough` (the caller only asks "more than
/// one?"). A file cut short counts the frames seen so far: the decoder then refuses it.
pub(super) fn frame_count(bytes: &[u8], enough: usize) -> usize {
    const EXTENSION: u8 = 0x21;
    const IMAGE: u8 = 0x2c;
    let Some(mut at) = after_colour_table(bytes, 10, 13) else {
        return 0;
    };
    let mut frames = 0;
    while frames < enough {
        let next = match bytes.get(at) {
            // Introducer, label, then data sub-blocks.
            Some(&EXTENSION) => skip_sub_blocks(bytes, at + 2),
            // Separator and 9 bytes of descriptor (its flags last), an optional local colour
            // table, the LZW code size, then data sub-blocks.
            Some(&IMAGE) => {
                frames += 1;
                after_colour_table(bytes, at + 9, at + 10)
                    .and_then(|data| skip_sub_blocks(bytes, data + 1))
            }
            // The trailer (0x3b), or anything else: nothing more to count.
            _ => None,
        };
        match next {
            Some(next) => at = next,
            None => break,
        }
    }
    frames
}

/// Where what follows a colour table starts: `flags_at` holds the "table present" bit (0x80)
/// and the table's size (3 · 2^(n+1) bytes); `table_at` is where the table would start.
fn after_colour_table(bytes: &[u8], flags_at: usize, table_at: usize) -> Option<usize> {
    let flags = *bytes.get(flags_at)?;
    let table = if flags & 0x80 != 0 {
        3 << ((flags & 0x07) + 1)
    } else {
        0
    };
    Some(table_at + table)
}

/// Past a run of data sub-blocks (each a length byte and that many bytes, ended by a zero
/// length); None when the file ends first.
fn skip_sub_blocks(bytes: &[u8], mut at: usize) -> Option<usize> {
    loop {
        let length = usize::from(*bytes.get(at)?);
        at += 1;
        if length == 0 {
            return Some(at);
        }
        at += length;
    }
}
