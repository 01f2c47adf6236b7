//! Tests of `parse`.
use super::*;
use proptest::prelude::*;
use serde_json::json;

fn slides_json(kinds: &[&str]) -> String {
    let slides: Vec<Value> = kinds
        .iter()
        .enumerate()
        .map(|(i, k)| {
            json!({"kind": k, "title": format!("🔥 Slide number {i}"), "body": format!("Body of slide {i}.")})
        })
        .collect();
    json!({ "slides": slides }).to_string()
}

const TEN: [&str; 10] = [
    "title", "problem", "problem", "idea", "idea", "example", "idea", "example", "quote", "cta",
];

fn kinds(slides: &[Slide]) -> Vec<SlideKind> {
    slides.iter().map(|s| s.kind).collect()
}

#[test]
fn good_json_is_taken_as_is() {
    let slides = parse_slides(&slides_json(&TEN), 10, OfflineLang::En).unwrap();
    assert_eq!(slides.len(), 10);
    assert_eq!(slides[0].title, "🔥 Slide number 0");
    assert_eq!(slides[0].body, "Body of slide 0.");
    assert_eq!(slides[9].kind, SlideKind::Cta);
    assert_eq!(slides[8].kind, SlideKind::Quote);
}

#[test]
fn fenced_json_with_prose_around_is_repaired() {
    let raw = format!(
        "Sure! Here is your carousel:\n```json\n{}\n```\nHope this helps!",
        slides_json(&TEN)
    );
    let slides = parse_slides(&raw, 10, OfflineLang::En).unwrap();
    assert_eq!(slides.len(), 10);
    assert_eq!(slides[3].title, "🔥 Slide number 3");
}

#[test]
fn prose_around_unfenced_json_is_ignored() {
    let raw = format!(
        "Of course {{happy}} to help: {} — enjoy [1]",
        slides_json(&TEN)
    );
    let slides = parse_slides(&raw, 10, OfflineLang::En).unwrap();
    assert_eq!(slides[1].title, "🔥 Slide number 1");
}

#[test]
fn top_level_array_is_accepted() {
    let obj: Value = serde_json::from_str(&slides_json(&TEN)).unwrap();
    let raw = obj["slides"].to_string();
    let slides = parse_slides(&raw, 10, OfflineLang::En).unwrap();
    assert_eq!(slides.len(), 10);
    assert_eq!(slides[5].kind, SlideKind::Example);
}

#[test]
fn nested_and_renamed_keys_are_found() {
    let raw = r#"{"carousel":{"Cards":[
        {"type":"hook","heading":"Why we rush","text":"We all do."},
        {"type":"insight","heading":"Slow is smooth","text":"Smooth is fast."},
        {"type":"call to action","heading":"Try it","text":"Today."}]}}"#;
    let slides = parse_slides(raw, 3, OfflineLang::En).unwrap();
    assert_eq!(
        kinds(&slides),
        vec![SlideKind::Title, SlideKind::Idea, SlideKind::Cta]
    );
    assert_eq!(slides[1].title, "💡 Slow is smooth");
    assert_eq!(slides[2].body, "Today.");
}

#[test]
fn missing_fields_get_defaults_and_extra_fields_are_ignored() {
    let raw = r#"{"slides":[
        {"kind":"title","title":"🌿 Rest well","extra":42},
        {"kind":"idea","body":"Sleep is worship too."},
        {"title":"Go rest","body":"Tonight, phone away.","image":"x.png"}]}"#;
    let slides = parse_slides(raw, 3, OfflineLang::En).unwrap();
    assert_eq!(slides[0].title, "🌿 Rest well");
    assert!(!slides[0].body.is_empty(), "empty body gets a default");
    assert_eq!(slides[1].title, "💡 One idea to keep");
    assert_eq!(
        slides[2].kind,
        SlideKind::Cta,
        "kind inferred from position"
    );
    assert_eq!(slides[2].title, "🚀 Go rest");
}

#[test]
fn unknown_kinds_map_synonyms_or_follow_position() {
    let raw = r#"[
        {"kind":"HOOK","title":"A","body":"a"},
        {"kind":"pain point","title":"B","body":"b"},
        {"kind":"Key idea #1","title":"C","body":"c"},
        {"kind":"zzz-unknown","title":"D","body":"d"},
        {"kind":"story","title":"E","body":"e"},
        {"kind":"Bible verse","title":"F","body":"f"},
        {"kind":"Призыв к действию","title":"G","body":"g"}]"#;
    let slides = parse_slides(raw, 7, OfflineLang::En).unwrap();
    use SlideKind::*;
    assert_eq!(
        kinds(&slides),
        vec![Title, Problem, Idea, Idea, Example, Quote, Cta]
    );
    assert_eq!(kind_from_text("SlideKind::Cta"), Some(Cta));
    assert_eq!(kind_from_text("call-to-action"), Some(Cta));
    assert_eq!(kind_from_text("???"), None);
}

#[test]
fn too_many_slides_are_trimmed_keeping_the_arc_and_ending_with_cta() {
    let mut many: Vec<&str> = vec!["title", "problem"];
    many.extend(["idea"; 8]);
    many.extend(["example", "quote", "cta"]);
    let slides = parse_slides(&slides_json(&many), 6, OfflineLang::En).unwrap();
    use SlideKind::*;
    assert_eq!(
        kinds(&slides),
        vec![Title, Problem, Idea, Example, Quote, Cta]
    );
    assert_eq!(slides[5].title, "🔥 Slide number 12");
}

#[test]
fn a_missing_cta_is_appended_and_then_the_count_fixed() {
    let slides = parse_slides(
        &slides_json(&["title", "idea", "idea", "quote"]),
        4,
        OfflineLang::Ru,
    )
    .unwrap();
    assert_eq!(slides.len(), 4);
    assert_eq!(slides[3].kind, SlideKind::Cta);
    assert_eq!(slides[2].kind, SlideKind::Quote);
}

#[test]
fn a_few_missing_slides_are_padded_from_the_offline_writer() {
    let slides = parse_slides(&slides_json(&TEN[..8]), 10, OfflineLang::Ru).unwrap();
    assert_eq!(slides.len(), 10);
    assert_eq!(slides[0].kind, SlideKind::Title);
    assert_eq!(slides[9].kind, SlideKind::Cta);
    let padded: Vec<&Slide> = slides
        .iter()
        .filter(|s| !s.title.contains("Slide number"))
        .collect();
    assert_eq!(padded.len(), 2, "a CTA appended + 1 filler: {slides:#?}");
    assert!(padded
        .iter()
        .all(|s| s.body.chars().any(|c| ('а'..='я').contains(&c))));
}

#[test]
fn far_too_few_slides_is_an_error() {
    let err =
        parse_slides(&slides_json(&["title", "idea", "cta"]), 10, OfflineLang::En).unwrap_err();
    assert_eq!(err, ParseError::TooFew { got: 3, wanted: 10 });
    assert!(parse_slides(&slides_json(&["title"]), 3, OfflineLang::En).is_err());
}

#[test]
fn over_long_text_is_trimmed_on_word_boundaries() {
    let long_title = "This is a very long title that goes on and on and on";
    let long_body = "First sentence here. Second one too! Third? Fourth is too many. Fifth.";
    let huge_body = "word ".repeat(200);
    let raw = json!({"slides":[
        {"kind":"title","title": long_title, "body": long_body},
        {"kind":"idea","title":"Ok title here","body": huge_body},
        {"kind":"cta","title":"Go now please","body":"Do it."}]})
    .to_string();
    let slides = parse_slides(&raw, 3, OfflineLang::En).unwrap();
    assert_eq!(slides[0].title, "✨ This is a very long title that…");
    assert_eq!(
        slides[0].body,
        "First sentence here. Second one too! Third?"
    );
    assert!(slides[1].body.chars().count() <= 280);
    assert!(slides[1].body.ends_with("word…"));
}

#[test]
fn titles_get_exactly_one_leading_emoji() {
    let raw = r#"{"slides":[{"kind":"title","title":"🔥🔥🔥 Fire","body":"x"},
        {"kind":"idea","title":"No emoji","body":"y"},{"kind":"cta","title":"  ","emoji":"🙌","body":"z"}]}"#;
    let slides = parse_slides(raw, 3, OfflineLang::En).unwrap();
    assert_eq!(slides[0].title, "🔥 Fire");
    assert_eq!(slides[1].title, "💡 No emoji");
    assert_eq!(slides[2].title, "🙌 Your next step");
}

#[test]
fn trailing_commas_and_truncated_output_are_salvaged() {
    let raw = r#"{"slides":[{"kind":"title","title":"A b c","body":"x",},
        {"kind":"idea","title":"D e f","body":"y"},],}"#;
    assert_eq!(parse_slides(raw, 3, OfflineLang::En).unwrap().len(), 3);
    let truncated = r#"{"slides":[{"kind":"title","title":"A b c","body":"x"},
        {"kind":"idea","title":"D e f","body":"y"},{"kind":"cta","title":"G h"#;
    let slides = parse_slides(truncated, 3, OfflineLang::En).unwrap();
    assert_eq!(slides[1].title, "💡 D e f");
    assert_eq!(slides[2].kind, SlideKind::Cta);
}

#[test]
fn double_encoded_json_is_unwrapped() {
    let inner = slides_json(&["title", "idea", "cta"]);
    let raw = Value::String(inner).to_string();
    assert_eq!(parse_slides(&raw, 3, OfflineLang::En).unwrap().len(), 3);
}

#[test]
fn garbage_is_an_error() {
    assert_eq!(
        parse_slides("I cannot help with that.", 5, OfflineLang::En),
        Err(ParseError::NoJson)
    );
    assert_eq!(
        parse_slides("", 5, OfflineLang::En),
        Err(ParseError::NoJson)
    );
    assert_eq!(
        parse_slides("{\"answer\": 42}", 3, OfflineLang::En),
        Err(ParseError::NoSlides)
    );
    assert_eq!(
        parse_slides("[1, 2, 3]", 3, OfflineLang::En),
        Err(ParseError::NoSlides)
    );
    assert!(parse_slides(r#"{"slides":[]}"#, 3, OfflineLang::En).is_err());
    assert!(parse_slides(
        r#"{"slides":[{"title":"","body":"  "}]}"#,
        3,
        OfflineLang::En
    )
    .is_err());
}

#[test]
fn markdown_and_control_characters_are_stripped_from_text() {
    let raw = "{\"slides\":[{\"kind\":\"title\",\"title\":\"**Bold** move\\u0000\",\"body\":\"## Heading\\nLine\"},\
        {\"kind\":\"idea\",\"title\":\"x y z\",\"body\":\"b\"},{\"kind\":\"cta\",\"title\":\"c d e\",\"body\":\"c\"}]}";
    let slides = parse_slides(raw, 3, OfflineLang::En).unwrap();
    assert_eq!(slides[0].title, "✨ Bold move");
    assert_eq!(slides[0].body, "Heading\nLine");
}

#[test]
fn slide_count_is_clamped_to_the_allowed_range() {
    let raw = slides_json(&["title", "idea", "cta"]);
    assert_eq!(parse_slides(&raw, 0, OfflineLang::En).unwrap().len(), 3);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn parse_never_panics_and_ok_means_exactly_wanted_well_formed_slides(
        raw in ".{0,400}",
        wanted in 3usize..=20,
        ru in any::<bool>(),
    ) {
        let lang = if ru { OfflineLang::Ru } else { OfflineLang::En };
        if let Ok(slides) = parse_slides(&raw, wanted, lang) {
            prop_assert_eq!(slides.len(), wanted);
            for s in &slides {
                prop_assert!(!s.title.trim().is_empty());
                prop_assert!(s.title.chars().count() <= 60);
            }
        }
    }

    #[test]
    fn parse_of_json_like_input_never_panics_and_ok_is_well_formed(
        items in proptest::collection::vec(
            (prop_oneof![
                Just("title".to_string()),
                Just("idea".to_string()),
                Just("cta".to_string()),
                Just("??".to_string()),
                ".{0,8}"
             ],
             ".{0,90}", ".{0,400}"),
            0..25),
        wanted in 3usize..=20,
        fenced in any::<bool>(),
    ) {
        let slides: Vec<Value> = items
            .iter()
            .map(|(k, t, b)| json!({"kind": k, "title": t, "body": b}))
            .collect();
        let mut raw = json!({ "slides": slides }).to_string();
        if fenced {
            raw = format!("Here you go:\n```json\n{raw}\n```");
        }
        if let Ok(out) = parse_slides(&raw, wanted, OfflineLang::Ru) {
            prop_assert_eq!(out.len(), wanted);
            prop_assert_eq!(out[0].kind, SlideKind::Title);
            prop_assert_eq!(out[wanted - 1].kind, SlideKind::Cta);
            for s in &out {
                prop_assert!(!s.title.trim().is_empty());
                prop_assert!(s.title.chars().count() <= 60);
                prop_assert!(s.body.chars().count() <= 280);
                prop_assert!(!s.body.trim().is_empty());
            }
        }
    }
}

// ---------------------------------------------------------------------------------
// The post and the alt texts.

fn with_post(post: Value) -> String {
    let mut answer: Value = serde_json::from_str(&slides_json(&["title", "idea", "cta"])).unwrap();
    answer["post"] = post;
    answer.to_string()
}

#[test]
fn a_models_post_and_alt_texts_are_taken() {
    let mut answer: Value = serde_json::from_str(&with_post(json!({
        "caption": "Habits outlast motivation.\n\nHere is how.",
        "hashtags": ["#habits", "faith", "#Growth"]
    })))
    .unwrap();
    answer["slides"][1]["alt"] = json!("A hand ticking a box on a calendar");
    let carousel = parse_carousel(&answer.to_string(), 3, OfflineLang::En, "Habits").unwrap();
    assert_eq!(
        carousel.post.caption(),
        "Habits outlast motivation.\n\nHere is how."
    );
    assert_eq!(carousel.post.hashtags(), ["#habits", "#faith", "#Growth"]);
    assert_eq!(carousel.slides[1].alt, "A hand ticking a box on a calendar");
    // The slides without one get the offline writer's.
    assert!(
        carousel.slides[0].alt.starts_with("Slide 1: "),
        "{:?}",
        carousel.slides[0]
    );
}

#[test]
fn a_model_that_omits_the_post_still_yields_its_slides_and_the_offline_post_of_them() {
    let raw = slides_json(&["title", "idea", "cta"]);
    let carousel = parse_carousel(&raw, 3, OfflineLang::En, "Why habits beat motivation").unwrap();
    assert_eq!(
        carousel.slides,
        parse_slides(&raw, 3, OfflineLang::En).unwrap()
    );
    assert_eq!(carousel.slides[0].title, "🔥 Slide number 0");
    let first_line = carousel.post.caption().lines().next().unwrap_or_default();
    assert_eq!(first_line, carousel.slides[0].title);
    assert_eq!(&carousel.post.hashtags()[..2], ["#habits", "#beat"]);
    assert_eq!(
        carousel.slides[1].alt,
        "Slide 2: Slide number 1 — Body of slide 1."
    );
    // A truncated answer loses its post, never its slides.
    let cut = &raw[..raw.len() - 3];
    assert!(parse_carousel(cut, 3, OfflineLang::En, "Habits").is_ok());
}

#[test]
fn hashtags_at_the_end_of_a_caption_become_hashtags_and_bad_ones_are_dropped() {
    let raw = with_post(json!({
        "caption": "Small steps.\n#steps #Faith",
        "hashtags": ["#two words", "#ok!", "#faith"]
    }));
    let post = parse_carousel(&raw, 3, OfflineLang::En, "Habits")
        .unwrap()
        .post;
    assert_eq!(post.caption(), "Small steps.");
    assert_eq!(&post.hashtags()[..2], ["#faith", "#steps"]);
    assert_eq!(
        post.hashtags().len(),
        3,
        "topped up from the topic: {:?}",
        post.hashtags()
    );
}

#[test]
fn a_models_post_is_bounded_to_instagrams_caption_and_ten_hashtags() {
    let tags: Vec<String> = (0..15).map(|i| format!("#tag{i}")).collect();
    let raw = with_post(json!({"caption": "word ".repeat(1000), "hashtags": tags}));
    let post = parse_carousel(&raw, 3, OfflineLang::En, "Habits")
        .unwrap()
        .post;
    assert!(post.caption().chars().count() <= post::MAX_CAPTION_CHARS);
    assert!(post.caption().ends_with('…'));
    assert_eq!(post.hashtags().len(), MAX_HASHTAGS);
    // One string of tags, and too few of them.
    let raw = with_post(json!({"caption": "Вера", "hashtags": "#вера, #الإيمان"}));
    let post = parse_carousel(&raw, 3, OfflineLang::Ru, "Вера и сомнение")
        .unwrap()
        .post;
    assert_eq!(&post.hashtags()[..2], ["#вера", "#الإيمان"]);
    assert_eq!(post.hashtags().len(), MIN_HASHTAGS);
    // Caption and hashtags next to the slides, not in a `post` object.
    let mut answer: Value = serde_json::from_str(&slides_json(&["title", "idea", "cta"])).unwrap();
    answer["caption"] = json!("Top level");
    answer["hashtags"] = json!(["#a1", "#b2", "#c3"]);
    let post = parse_carousel(&answer.to_string(), 3, OfflineLang::En, "x")
        .unwrap()
        .post;
    assert_eq!((post.caption(), post.hashtags().len()), ("Top level", 3));
}

#[test]
fn an_over_long_alt_text_from_the_model_is_cut_to_the_bound() {
    let mut answer: Value = serde_json::from_str(&slides_json(&["title", "idea", "cta"])).unwrap();
    answer["slides"][0]["alt_text"] = json!("long ".repeat(400));
    let carousel = parse_carousel(&answer.to_string(), 3, OfflineLang::En, "x").unwrap();
    let alt = &carousel.slides[0].alt;
    assert!(
        alt.chars().count() <= MAX_ALT_CHARS && alt.starts_with("long long"),
        "{alt}"
    );
}
