use super::*;

fn gradient(width: u32, height: u32) -> RgbImage {
    RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([
            (x * 255 / width) as u8,
            (y * 255 / height) as u8,
            ((x + y) % 256) as u8,
        ])
    })
}

/// The backdrop with a few "text" rectangles painted over it.
fn with_marks(backdrop: &RgbImage, marks: &[(u32, u32, u32, u32)]) -> RgbImage {
    let mut img = backdrop.clone();
    for &(x, y, w, h) in marks {
        for yy in y..(y + h).min(img.height()) {
            for xx in x..(x + w).min(img.width()) {
                img.put_pixel(xx, yy, image::Rgb([250, (xx * 7 % 256) as u8, 30]));
            }
        }
    }
    img
}

fn whole(img: &RgbImage, grid: &Grid, quality: u8) -> Vec<u8> {
    match crate::render::turbo::encode_image(img, quality, grid.mcus as u16) {
        Ok(bytes) => bytes,
        Err(e) => panic!("{e}"),
    }
}

fn assembled(img: &RgbImage, backdrop: &RgbImage, quality: u8) -> Vec<u8> {
    let grid = Grid::new(img.width(), img.height());
    let changed = changed_tiles(&grid, img, backdrop);
    let clean: Vec<bool> = changed.iter().map(|c| !c).collect();
    let own = encode_tiles(&grid, img, &changed, quality);
    let under = encode_tiles(&grid, backdrop, &clean, quality);
    match (own, under) {
        (Ok(own), Ok(under)) => match assemble(&grid, &own, &under) {
            Ok(bytes) => bytes,
            Err(e) => panic!("{e}"),
        },
        (own, under) => panic!("{:?} {:?}", own.err(), under.err()),
    }
}

#[test]
fn a_slide_assembled_from_backdrop_tiles_is_byte_for_byte_the_whole_encoding() {
    for (width, height) in [(200, 60), (1080, 1350), (203, 37), (40, 8)] {
        let backdrop = gradient(width, height);
        let slide = with_marks(
            &backdrop,
            &[(10, 5, 30, 9), (120, 30, 70, 20), (0, 52, 3, 2)],
        );
        let grid = Grid::new(width, height);
        for quality in [60, 90] {
            let bytes = assembled(&slide, &backdrop, quality);
            assert!(
                bytes == whole(&slide, &grid, quality),
                "{width}×{height} q{quality}"
            );
            let decoded = image::load_from_memory(&bytes).map(|i| i.to_rgb8());
            assert!(matches!(&decoded, Ok(d) if d.dimensions() == (width, height)));
        }
    }
}

#[test]
fn an_unchanged_slide_is_all_backdrop_and_a_repainted_one_all_its_own() {
    let backdrop = gradient(120, 40);
    let grid = Grid::new(120, 40);
    assert!(changed_tiles(&grid, &backdrop, &backdrop)
        .iter()
        .all(|c| !c));
    assert_eq!(
        assembled(&backdrop, &backdrop, 90),
        whole(&backdrop, &grid, 90)
    );
    let other = with_marks(&backdrop, &[(0, 0, 120, 40)]);
    assert!(changed_tiles(&grid, &other, &backdrop).iter().all(|c| *c));
    assert_eq!(assembled(&other, &backdrop, 90), whole(&other, &grid, 90));
}

#[test]
fn a_changed_pixel_marks_exactly_its_tile() {
    let backdrop = gradient(1080, 1350);
    let grid = Grid::new(1080, 1350);
    assert_eq!((grid.mcus, grid.cols, grid.rows), (9, 15, 169));
    let slide = with_marks(&backdrop, &[(45, 17, 1, 1), (1079, 1349, 1, 1)]);
    let changed: Vec<usize> = changed_tiles(&grid, &slide, &backdrop)
        .iter()
        .enumerate()
        .filter_map(|(i, c)| c.then_some(i))
        .collect();
    assert_eq!(changed, vec![2 * 15, 168 * 15 + 14]);
}

#[test]
fn patches_cover_the_wanted_tiles_exactly_once() {
    let grid = Grid::new(200, 64); // 25 MCUs a row: tiles of 5, 5 × 8 tiles
    let wanted: Vec<bool> = (0..grid.tiles())
        .map(|i| (i * 7) % 3 != 0 || i % 5 == 2)
        .collect();
    let mut covered = vec![0; grid.tiles()];
    let found = patches(&grid, &wanted);
    for p in &found {
        for r in p.r0..p.r1 {
            for c in p.c0..p.c1 {
                covered[r * grid.cols + c] += 1;
            }
        }
    }
    for (i, (&w, &n)) in wanted.iter().zip(&covered).enumerate() {
        assert_eq!(n, usize::from(w), "tile {i}");
    }
    // a block of identical runs is one patch
    let block: Vec<bool> = (0..grid.tiles())
        .map(|i| (1..4).contains(&(i % 5)) && i / 5 < 6)
        .collect();
    assert_eq!(
        patches(&grid, &block),
        vec![Patch {
            r0: 0,
            r1: 6,
            c0: 1,
            c1: 4
        }]
    );
}

#[test]
fn a_missing_tile_is_an_error_not_a_broken_image() {
    let img = gradient(80, 16);
    let grid = Grid::new(80, 16);
    let some: Vec<bool> = (0..grid.tiles()).map(|i| i != 1).collect();
    let none = vec![false; grid.tiles()];
    let (Ok(own), Ok(under)) = (
        encode_tiles(&grid, &img, &some, 90),
        encode_tiles(&grid, &img, &none, 90),
    ) else {
        panic!("encoding failed")
    };
    assert!(matches!(assemble(&grid, &own, &under), Err(e) if e.contains("tile 1")));
}

#[test]
fn tiles_encoded_in_bands_assemble_to_the_same_file() {
    let backdrop = gradient(200, 100);
    let slide = with_marks(&backdrop, &[(30, 20, 50, 40)]);
    let grid = Grid::new(200, 100);
    let changed = changed_tiles(&grid, &slide, &backdrop);
    let clean: Vec<bool> = changed.iter().map(|c| !c).collect();
    let masks = bands(&grid, &clean, 3);
    assert_eq!(masks.len(), grid.rows.div_ceil(3));
    let mut under = Tiles::none(&grid);
    for mask in &masks {
        match encode_tiles(&grid, &backdrop, mask, 90) {
            Ok(t) => under.merge(t),
            Err(e) => panic!("{e}"),
        }
    }
    let own = encode_tiles(&grid, &slide, &changed, 90);
    let bytes = own.and_then(|own| assemble(&grid, &own, &under));
    assert!(matches!(bytes, Ok(b) if b == whole(&slide, &grid, 90)));
    assert!(bands(&grid, &vec![false; grid.tiles()], 3).is_empty());
}
