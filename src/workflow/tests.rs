use super::*;

fn id() -> Uuid {
    Uuid::now_v7()
}

#[test]
fn every_callback_round_trips_and_fits_telegrams_64_bytes() {
    let workflow = id();
    let mut all = vec![
        Callback::Cancel { workflow },
        Callback::Pdf { workflow },
        Callback::Again { workflow },
    ];
    for style in Style::ALL {
        all.push(Callback::Style {
            style: *style,
            workflow,
        });
        all.push(Callback::Restyle {
            style: *style,
            workflow,
        });
    }
    for action in ReviewAction::ALL {
        all.push(Callback::Review {
            action: *action,
            workflow,
        });
    }
    for field in SettingField::ALL {
        for choice in field.choices() {
            assert_eq!(choice.field(), field);
            // The largest owner id Telegram can have, and a keyboard from before owners.
            for owner in [Some(i64::MAX), Some(-1_001_234_567_890), None] {
                all.push(Callback::Set { choice, owner });
            }
        }
    }
    for callback in all {
        let data = callback.data();
        assert!(data.len() <= MAX_CALLBACK_BYTES, "{data}");
        assert_eq!(Callback::parse(&data), Some(callback), "{data}");
    }
}

#[test]
fn the_settings_rows_offer_every_locale_and_every_slide_language_in_short_rows() {
    use crate::domain::{ContentChoice, ContentLanguage, Lang};
    let langs: Vec<SettingChoice> = SettingField::Lang.rows().concat();
    assert_eq!(
        langs,
        Lang::ALL
            .iter()
            .map(|l| SettingChoice::Lang(*l))
            .collect::<Vec<_>>()
    );
    let content = SettingField::Content.rows();
    assert_eq!(
        content[0],
        [
            SettingChoice::Content(ContentChoice::Auto),
            SettingChoice::Content(ContentChoice::Interface)
        ]
    );
    assert_eq!(content.concat().len(), ContentLanguage::ALL.len() + 2);
    for field in SettingField::ALL {
        assert!(field
            .rows()
            .iter()
            .all(|row| !row.is_empty() && row.len() <= SETTING_ROW));
        assert_eq!(field.rows().concat(), field.choices());
    }
    assert_eq!(
        Callback::parse("set:lang:uk"),
        Some(Callback::Set {
            choice: SettingChoice::Lang(Lang::Uk),
            owner: None
        })
    );
    assert_eq!(
        Callback::parse("set:content:fa:42"),
        Some(Callback::Set {
            choice: SettingChoice::Content(ContentChoice::Language(ContentLanguage::Fa)),
            owner: Some(42)
        })
    );
    assert_eq!(Callback::parse("set:content:xx"), None);
}

#[test]
fn tampered_or_foreign_callback_data_is_refused() {
    let workflow = id();
    for data in [
        String::new(),
        "style:galaxy:REPLACE_WITH_REQUEST_ID".to_string(),
        format!("style:neon:{workflow}"),
        format!("style:galaxy:{workflow}:extra"),
        format!("style:galaxy:{}", workflow.simple()),
        format!("STYLE:galaxy:{workflow}"),
        format!("pdf:{}", &workflow.to_string()[..30]),
        "set:slides:11".into(),
        "set:owner:me".into(),
        "set:slides:5:me".into(),
        "set:slides:5:007".into(),
        "set:slides:5:1:2".into(),
        format!("review:publish:{workflow}"),
        format!("review:render:{workflow}:2"),
        format!("restyle:neon:{workflow}"),
        "set:review:maybe".into(),
        "x".repeat(65),
    ] {
        assert_eq!(Callback::parse(&data), None, "{data}");
    }
}

#[test]
fn topics_lose_control_characters_and_are_checked_for_length() {
    assert_eq!(
        clean_topic(" <b>bold</b>\u{0}  \u{202E}RTL\u{202C} שלום\n你好 🐈 "),
        Ok("<b>bold</b> RTL שלום 你好 🐈".to_string())
    );
    assert_eq!(clean_topic("  \u{0} "), Err(TopicProblem::Empty));
    assert_eq!(
        clean_topic(&"я".repeat(201)),
        Err(TopicProblem::TooLong { chars: 201 })
    );
    assert!(clean_topic(&"я".repeat(200)).is_ok());
}

#[test]
fn a_topic_mostly_in_letters_no_font_has_is_undrawable_and_every_bundled_script_is_not() {
    // Gothic letters: no bundled face has them.
    assert_eq!(undrawable("𐌰𐌱𐌲 𐌳𐌴"), Some((5, 5)));
    assert_eq!(
        undrawable("Faith 𐌰𐌱"),
        None,
        "two boxes among five letters are drawn and counted"
    );
    for topic in [
        "الإيمان والأمل",
        "ایمان و امید",
        "אמונה",
        "आस्था",
        "ศรัทธา",
        "信仰と希望",
        "믿음",
        "Հավատ",
        "რწმენა",
        "እምነት",
        "বিশ্বাস",
        "நம்பிக்கை",
        "🙏 ✨",
    ] {
        assert_eq!(undrawable(topic), None, "{topic}");
    }
}

#[test]
fn albums_hold_two_to_ten_slides_and_a_single_slide_goes_alone() {
    for n in 2..=40 {
        let parts = album_parts(n);
        assert_eq!(parts.iter().map(|r| r.len()).sum::<usize>(), n);
        assert!(
            parts.iter().all(|r| (2..=10).contains(&r.len())),
            "{n}: {parts:?}"
        );
        assert!(parts.windows(2).all(|w| w[0].end == w[1].start));
    }
    assert_eq!(album_parts(10), vec![0..10]);
    assert_eq!(album_parts(11), vec![0..6, 6..11]);
    assert_eq!(album_parts(1), vec![0..1]);
    assert!(album_parts(0).is_empty());
}

#[test]
fn captions_stay_within_telegrams_limit_without_breaking_an_entity() {
    let caption = texts::caption(&"&".repeat(400));
    assert!(
        caption.chars().count() <= MAX_CAPTION_CHARS,
        "{}",
        caption.len()
    );
    assert!(!caption.trim_end_matches('…').ends_with("&am"));
    assert_eq!(texts::caption("a < b"), "<b>a &lt; b</b>");
    assert_eq!(fit_html("abc&amp;def", 6), "abc…");
}

#[test]
fn status_edits_wait_out_the_interval_since_the_last_one() {
    let interval = Duration::from_secs(1);
    let t0 = Instant::now();
    assert_eq!(edit_delay(None, t0, interval), Duration::ZERO);
    assert_eq!(
        edit_delay(Some(t0), t0 + Duration::from_millis(300), interval),
        Duration::from_millis(700)
    );
    assert_eq!(
        edit_delay(Some(t0), t0 + Duration::from_secs(2), interval),
        Duration::ZERO
    );
}

#[test]
fn render_batches_cover_every_slide_once_in_order() {
    assert_eq!(render_batches(5, 2), vec![0..2, 2..4, 4..5]);
    assert_eq!(render_batches(3, 0), vec![0..1, 1..2, 2..3]);
}

#[tokio::test]
async fn a_step_is_tried_five_times_then_fails_with_the_last_error() {
    let policy = RetryPolicy {
        attempts: 5,
        first_delay: Duration::from_millis(1),
        max_delay: Duration::from_millis(5),
    };
    let mut calls = 0;
    let result: Result<(), AppError> = retry_step("rendering", &policy, || {
        calls += 1;
        let n = calls;
        async move { Err(AppError::internal("rendering", format!("attempt {n}"))) }
    })
    .await;
    assert_eq!(calls, 5);
    assert!(result.expect_err("fails").to_string().contains("attempt 5"));
}

#[tokio::test]
async fn a_step_that_recovers_succeeds_and_bad_input_is_not_retried() {
    let policy = RetryPolicy {
        attempts: 5,
        first_delay: Duration::from_millis(1),
        max_delay: Duration::from_millis(5),
    };
    let mut calls = 0;
    let value = retry_step("writing", &policy, || {
        calls += 1;
        let n = calls;
        async move {
            if n < 3 {
                Err(AppError::internal("writing", "flaky"))
            } else {
                Ok(n)
            }
        }
    })
    .await
    .expect("recovers");
    assert_eq!(value, 3);

    let mut calls = 0;
    let _ = retry_step("sending", &policy, || {
        calls += 1;
        async { Err::<(), _>(AppError::BadRequest("chat not found".into())) }
    })
    .await;
    assert_eq!(calls, 1);
}
