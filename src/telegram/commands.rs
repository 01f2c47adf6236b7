//! The bot's commands and the replies that need nothing but the update itself: `/start`, `/help`,
//! `/myid`, and the hint for plain text in a private chat. Pure functions; the gateway sends.
use super::{Inbound, Route};
use crate::domain::Lang;
use crate::i18n::{text, text_with, Value};
use teloxide::types::BotCommand;
use teloxide::utils::command::BotCommands;
use teloxide::utils::html::escape as escape_html;

/// Every command the bot understands. The doc comments are teloxide's (and equal the English
/// menu, `command-<name>` in `locales/en/main.ftl`: a test compares them).
#[derive(BotCommands, Clone, Debug, PartialEq, Eq)]
#[command(rename_rule = "lowercase")]
pub enum Command {
    /// Start: a greeting, and you are registered.
    Start,
    /// The list of commands.
    Help,
    /// Make a carousel: /carousel <topic>.
    Carousel(String),
    /// A short wisdom of the day.
    Wisdom,
    /// Your Telegram id and this chat's id.
    Myid,
    /// Ask a question: /ask <question>.
    Ask(String),
    /// Your recent carousels, each ready to make again.
    History,
    /// Default style, slide count, size, language, photos or files.
    Settings,
    /// Cancel your running carousel.
    Cancel,
    /// Your brand kit: handle, name, photo, colour and fonts on your slides.
    Brand(String),
}

impl Command {
    /// The command a user typed: `name` as after the slash (lower case), `args` the rest of
    /// the text; `None` for a name the bot does not know. teloxide's derived parser knows the
    /// names; a command that takes no argument is parsed without them, since teloxide refuses
    /// arguments there and a `/start` deep-link payload must still start.
    pub fn from_parts(name: &str, args: &str) -> Option<Command> {
        let bare = format!("/{name}");
        Command::parse(&format!("{bare} {args}"), "")
            .or_else(|_| Command::parse(&bare, ""))
            .ok()
    }
}

/// True for the bot's own commands (a bounded set of labels for counters).
pub fn is_command(name: &str) -> bool {
    Command::from_parts(name, "").is_some()
}

/// The command menu for `setMyCommands` in one language: each command's description is its
/// `command-<name>` message.
pub fn menu(lang: Lang) -> Vec<BotCommand> {
    Command::bot_commands()
        .into_iter()
        .map(|mut c| {
            c.command = c.command.trim_start_matches('/').to_string();
            c.description = text(lang, &format!("command-{}", c.command));
            c
        })
        .collect()
}

/// The user's language from their Telegram language code (their `/settings` choice is applied
/// where the store is at hand: the orchestrator).
pub fn lang_of(inbound: &Inbound) -> Lang {
    Lang::from_language_code(
        inbound
            .user
            .as_ref()
            .and_then(|u| u.language_code.as_deref()),
    )
}

/// The command list in `lang`, built once per language: every `/start` and `/help` shows it, and
/// building it from the `Command` enum was a visible share of a reply's cost under load.
fn help(lang: Lang) -> &'static str {
    static HELP: std::sync::LazyLock<Vec<(Lang, String)>> = std::sync::LazyLock::new(|| {
        Lang::ALL
            .iter()
            .map(|lang| (*lang, build_help(*lang)))
            .collect()
    });
    HELP.iter()
        .find(|(l, _)| *l == lang)
        .map_or("", |(_, help)| help.as_str())
}

fn build_help(lang: Lang) -> String {
    let header = text(lang, "help-header");
    let lines: Vec<String> = menu(lang)
        .into_iter()
        .map(|c| format!("/{} — {}", c.command, escape_html(&c.description)))
        .collect();
    format!("{header}\n\n{}", lines.join("\n"))
}

/// The gateway's own reply: the hint for plain text in a private chat. Commands are answered by
/// the orchestrator, which knows the user's language setting.
pub fn immediate_reply(inbound: &Inbound) -> Option<String> {
    matches!(inbound.route, Route::PrivateText).then(|| hint(lang_of(inbound)))
}

/// The reply to a command that needs nothing but the command, in HTML; `None` for the commands
/// the workflow answers (carousels, questions, settings…).
pub fn command_reply(
    command: Option<&Command>,
    lang: Lang,
    first_name: &str,
    user_id: Option<i64>,
    chat_id: Option<i64>,
) -> Option<String> {
    let Some(command) = command else {
        return Some(hint(lang));
    };
    match command {
        Command::Start => {
            let name = Value::from(escape_html(first_name));
            let greeting = text_with(lang, "start-greeting", &[("name", name)]);
            Some(format!("{greeting}\n\n{}", help(lang)))
        }
        Command::Help => Some(help(lang).to_string()),
        Command::Myid => {
            let user = user_id.map_or_else(|| "—".to_string(), |id| id.to_string());
            let chat = chat_id.map_or_else(|| "—".to_string(), |id| id.to_string());
            let ids = [("user", Value::from(user)), ("chat", Value::from(chat))];
            Some(text_with(lang, "myid", &ids))
        }
        Command::Carousel(_)
        | Command::Wisdom
        | Command::Ask(_)
        | Command::History
        | Command::Settings
        | Command::Cancel
        | Command::Brand(_) => None,
    }
}

fn hint(lang: Lang) -> String {
    text(lang, "hint")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_command_of_the_menu_parses_to_its_own_variant_and_nothing_else_does() {
        let names: Vec<String> = menu(Lang::En).into_iter().map(|c| c.command).collect();
        assert_eq!(names.len(), 10);
        for name in &names {
            let command = Command::from_parts(name, "x").expect(name);
            let text = format!("/{name} x");
            let parsed = Command::parse(&text, "vibe_test_bot")
                .or_else(|_| Command::parse(&format!("/{name}"), "vibe_test_bot"))
                .expect("teloxide parses its own menu");
            assert_eq!(command, parsed, "{name}");
        }
        assert!(is_command("carousel") && !is_command("zz12345678"));
        assert_eq!(
            Command::from_parts("carousel", "Вера"),
            Some(Command::Carousel("Вера".into()))
        );
        assert_eq!(
            Command::from_parts("carousel", ""),
            Some(Command::Carousel(String::new()))
        );
        assert_eq!(
            Command::from_parts("start", "ref-42"),
            Some(Command::Start),
            "a deep-link payload still starts"
        );
        assert_eq!(Command::from_parts("start@other_bot", ""), None);
    }
    use crate::messages::data::UserProfile;

    fn inbound(route: Route, language: &str, first_name: &str) -> Inbound {
        Inbound {
            kind: crate::telegram::UpdateType::Message,
            user: Some(UserProfile {
                id: 424242,
                first_name: first_name.into(),
                last_name: None,
                username: None,
                language_code: Some(language.into()),
            }),
            chat_id: Some(-100),
            message_id: Some(5),
            route,
        }
    }

    fn command(name: &str) -> Route {
        Route::Command {
            name: name.into(),
            args: String::new(),
        }
    }

    #[test]
    fn start_greets_by_first_name_escaped_in_the_users_language() {
        let ru =
            command_reply(Some(&Command::Start), Lang::Ru, "Ада <b>", None, None).expect("reply");
        assert!(ru.starts_with("Привет, Ада &lt;b&gt;!"), "{ru}");
        let en = command_reply(Some(&Command::Start), Lang::En, "Ada", None, None).expect("reply");
        assert!(en.starts_with("Hi, Ada!"), "{en}");
    }

    #[test]
    fn help_lists_every_command_from_the_enum_in_both_languages() {
        let en = command_reply(Some(&Command::Help), Lang::En, "A", None, None).expect("reply");
        let ru = command_reply(Some(&Command::Help), Lang::Ru, "A", None, None).expect("reply");
        for c in Command::bot_commands() {
            assert!(
                en.contains(&format!("{} — ", c.command)),
                "{} missing: {en}",
                c.command
            );
            assert!(en.contains(&escape_html(&c.description)));
            assert!(ru.contains(&format!("{} — ", c.command)));
        }
        assert!(ru.contains("Сделать карусель"));
        assert_eq!(menu(Lang::Ru).len(), 10);
        assert!(menu(Lang::Ru)
            .iter()
            .all(|c| !c.description.is_empty() && !c.command.starts_with('/')));
    }

    #[test]
    fn the_english_menu_is_the_commands_doc_comments_and_every_locale_has_its_own() {
        let docs: Vec<String> = Command::bot_commands()
            .into_iter()
            .map(|c| c.description)
            .collect();
        let english: Vec<String> = menu(Lang::En).into_iter().map(|c| c.description).collect();
        assert_eq!(english, docs);
        for lang in Lang::ALL {
            let theirs = menu(*lang);
            assert_eq!(theirs.len(), Command::bot_commands().len(), "{lang}");
            assert!(
                theirs
                    .iter()
                    .all(|c| !c.description.starts_with("command-")),
                "{lang}"
            );
            if *lang != Lang::En {
                assert_ne!(
                    theirs
                        .iter()
                        .map(|c| c.description.clone())
                        .collect::<Vec<_>>(),
                    english,
                    "{lang} is translated"
                );
            }
            let help = command_reply(Some(&Command::Help), *lang, "A", None, None).expect("help");
            assert!(help.contains("/carousel — "), "{lang}: {help}");
        }
    }

    #[test]
    fn start_greets_in_the_locale_of_the_user() {
        let es = command_reply(Some(&Command::Start), Lang::Es, "Ana", None, None).expect("reply");
        assert!(es.starts_with("¡Hola, Ana!"), "{es}");
        let uk = command_reply(Some(&Command::Start), Lang::Uk, "Оля", None, None).expect("reply");
        assert!(uk.starts_with("Привіт, Оля!"), "{uk}");
        let reply =
            command_reply(Some(&Command::Myid), Lang::Ru, "A", Some(7), None).expect("reply");
        assert_eq!(reply, "Ваш id: <code>7</code>\nId чата: <code>—</code>");
    }

    #[test]
    fn myid_names_the_user_and_the_chat() {
        let reply = command_reply(
            Some(&Command::Myid),
            Lang::En,
            "A",
            Some(424242),
            Some(-100),
        )
        .expect("reply");
        assert!(reply.contains("<code>424242</code>") && reply.contains("<code>-100</code>"));
    }

    #[test]
    fn plain_text_and_unknown_commands_get_a_hint_and_workflow_commands_wait() {
        assert!(immediate_reply(&inbound(Route::PrivateText, "ru", "A"))
            .expect("hint")
            .contains("/carousel"));
        assert_eq!(immediate_reply(&inbound(command("start"), "ru", "A")), None);
        assert!(command_reply(
            Command::from_parts("frobnicate", "").as_ref(),
            Lang::En,
            "A",
            None,
            None
        )
        .expect("hint")
        .contains("/help"));
        assert_eq!(
            command_reply(
                Some(&Command::Carousel(String::new())),
                Lang::En,
                "A",
                None,
                None
            ),
            None
        );
        assert_eq!(
            immediate_reply(&inbound(Route::Ignored("edited"), "en", "A")),
            None
        );
    }
}
