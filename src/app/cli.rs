//! Command line: `serve`, `migrate`, `carousel`, `set-webhook`, `poll`, `trace`.
use crate::actors::link::Link;
use crate::app::config::Settings;
use crate::app::error::{AppError, AppResult};
use crate::app::startup::{prepare_store, start_services, Application};
use crate::domain::{
    ContentLanguage, ImageFormat, Lang, SlideSize, Style, DEFAULT_SLIDES, MAX_SLIDES, MIN_SLIDES,
};
use crate::messages::carousel::{CarouselSpec, GenerateCarousel};
use crate::messages::Envelope;
use crate::observability::metrics::Metrics;
use clap::{Parser, Subcommand};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, Parser)]
#[command(
    name = "bible-vibecoder",
    version,
    about = "Turns a topic into an Instagram carousel, by Telegram bot or from the command line."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the HTTP front (webhook, /health, /ready, /stats, /metrics) and the actors.
    Serve,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Write a carousel to image files: no accounts needed (offline writer without OPENAI_API_KEY).
    Carousel(CarouselArgs),
    /// Register the webhook with Telegram: the URL, TELEGRAM_WEBHOOK_SECRET as the secret token,
    /// the update kinds the bot handles, and the number of parallel connections.
    SetWebhook(SetWebhookArgs),
    /// Local development without a public URL: delete the webhook, then long-poll getUpdates and
    /// feed every update through the same pipeline as the webhook (while serving the same HTTP front).
    Poll,
    /// Print the causal tree of one request from the event log: by Telegram update id,
    /// correlation id, or user id (their latest requests).
    Trace(TraceArgs),
}

#[derive(Debug, clap::Args)]
pub struct TraceArgs {
    /// An update_id, a correlation id (UUID) or a Telegram user id.
    pub key: String,
    /// Machine-readable output: one JSON object per request.
    #[arg(long)]
    pub json: bool,
    /// How many of a user's requests to show, the most recently active first.
    #[arg(long, default_value_t = 3)]
    pub last: usize,
}

#[derive(Debug, clap::Args)]
pub struct SetWebhookArgs {
    /// Public HTTPS URL of POST /telegram/webhook, e.g. https://bot.example.com/telegram/webhook.
    #[arg(long)]
    pub url: url::Url,
    /// Simultaneous connections Telegram may open to the webhook (1-100).
    #[arg(long, default_value_t = 40, value_parser = clap::value_parser!(u8).range(1..=100))]
    pub max_connections: u8,
    /// Drop the updates Telegram has queued for the bot.
    #[arg(long)]
    pub drop_pending_updates: bool,
}

#[derive(Debug, clap::Args)]
pub struct CarouselArgs {
    /// What the carousel is about.
    pub topic: String,
    /// Number of slides (Instagram allows up to 20).
    #[arg(long, default_value_t = DEFAULT_SLIDES, value_parser = parse_slide_count)]
    pub slides: usize,
    /// Visual style: galaxy, vibrant or minimal.
    #[arg(long, default_value = "galaxy")]
    pub style: Style,
    /// Image size: 1080x1350 (4:5, default) or 1080x1080.
    #[arg(long, default_value = "1080x1350")]
    pub size: SlideSize,
    /// Language of the slides, an ISO 639-1 code: en, ru, uk, es, ar, fa, hi, zh, ja… (default:
    /// the topic's, detected). Without a model, slides are written in Russian or English.
    #[arg(long)]
    pub lang: Option<ContentLanguage>,
    /// Image format: png or jpeg.
    #[arg(long, default_value = "png")]
    pub format: ImageFormat,
    /// Also write carousel.pdf (LinkedIn's document carousel format).
    #[arg(long)]
    pub pdf: bool,
    /// The name on every slide's footer, e.g. "@my_channel" (default: none, or `render.handle`).
    #[arg(long)]
    pub handle: Option<String>,
    /// Directory for the files (created if missing).
    #[arg(long, default_value = "carousel")]
    pub out: PathBuf,
}

fn parse_slide_count(s: &str) -> Result<usize, String> {
    let n: usize = s.parse().map_err(|_| format!("'{s}' is not a number"))?;
    if (MIN_SLIDES..=MAX_SLIDES).contains(&n) {
        Ok(n)
    } else {
        Err(format!("must be between {MIN_SLIDES} and {MAX_SLIDES}"))
    }
}

/// The language of a topic given on the command line, detected as the bot detects it (with
/// English as the reader's language when the topic alone cannot tell).
pub fn guess_lang(text: &str) -> ContentLanguage {
    crate::ai::language::content_language(text, Lang::En)
}

/// Parses arguments, loads settings and runs the command. Exit codes: 0 done, 1 failed,
/// 2 bad settings or arguments.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let settings = match Settings::load() {
        Ok(settings) => settings,
        Err(e) => {
            let _ = writeln!(std::io::stderr(), "error: {e}");
            return ExitCode::from(2);
        }
    };
    let outcome = actix_rt::System::new().block_on(async move {
        // Inside the runtime: a gRPC span exporter keeps a task on it until the flush at the end.
        let telemetry = crate::observability::telemetry::init(settings.log.format)?;
        if matches!(cli.command, Command::Carousel(_)) {
            crate::app::startup::configure_fonts(&settings);
        }
        let outcome = run(cli.command, settings).await;
        telemetry.shutdown().await;
        outcome
    });
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        // A wrong setting or argument gets one clear line; anything else is also logged.
        Err(e @ (AppError::Config { .. } | AppError::BadRequest(_))) => {
            let _ = writeln!(std::io::stderr(), "error: {e}");
            ExitCode::from(2)
        }
        Err(e) => {
            tracing::error!(error = %e, "stopped with an error");
            let _ = writeln!(std::io::stderr(), "error: {e}");
            ExitCode::from(1)
        }
    }
}

async fn run(command: Command, settings: Settings) -> AppResult<()> {
    match command {
        Command::Serve => {
            Application::build(settings)
                .await?
                .run_until_stopped()
                .await
        }
        Command::Migrate => {
            let store = crate::store::Store::connect(&settings.database)?;
            let applied = store.migrate().await?;
            let _ = writeln!(
                std::io::stdout(),
                "{applied} migration(s) applied on {}",
                store.backend().as_str()
            );
            Ok(())
        }
        Command::Carousel(args) => carousel(args, settings).await,
        Command::SetWebhook(args) => set_webhook(args, settings).await,
        Command::Poll => poll(settings).await,
        Command::Trace(args) => trace(args, settings).await,
    }
}

/// Which correlations a `trace` key names: a UUID is one; a number is an update (when the log
/// has events for it) or else a user, whose latest requests are shown.
async fn trace(args: TraceArgs, settings: Settings) -> AppResult<()> {
    let store = crate::store::Store::connect(&settings.database)?;
    let key = args.key.trim();
    let correlations = if let Ok(id) = uuid::Uuid::parse_str(key) {
        vec![id.to_string()]
    } else if let Ok(number) = key.parse::<i64>() {
        let update = crate::messages::correlation_for_update(number).to_string();
        if crate::observability::trace::trail_of(&store, &update)
            .await?
            .is_empty()
        {
            store
                .events
                .correlations_of_user(number, args.last.max(1))
                .await?
        } else {
            vec![update]
        }
    } else {
        return Err(AppError::BadRequest(format!(
            "'{key}' is neither an update id, a user id nor a correlation id"
        )));
    };
    if correlations.is_empty() {
        return Err(AppError::BadRequest(format!(
            "nothing is recorded for '{key}'"
        )));
    }
    let mut out = std::io::stdout();
    for correlation in correlations {
        let tree = crate::observability::trace::build_tree(
            &crate::observability::trace::trail_of(&store, &correlation).await?,
        );
        let written = if args.json {
            let json = serde_json::json!({ "correlation_id": correlation, "events": tree });
            writeln!(out, "{json}")
        } else {
            write!(
                out,
                "correlation {correlation}\n{}\n",
                crate::observability::trace::render_text(&tree)
            )
        };
        written.map_err(|e| AppError::io("writing the trace", e))?;
    }
    Ok(())
}

/// The Bot API client for `TELEGRAM_BOT_TOKEN` at `TELEGRAM_API_URL`; `purpose` says why it is needed.
fn bot_for(settings: &Settings, purpose: &str) -> AppResult<teloxide::Bot> {
    crate::telegram::bot_from(settings)
        .ok_or_else(|| AppError::config("TELEGRAM_BOT_TOKEN", format!("is required to {purpose}")))
}

async fn poll(settings: Settings) -> AppResult<()> {
    use teloxide::requests::Requester;
    let bot = bot_for(&settings, "poll for updates")?;
    // getUpdates is refused while a webhook is set.
    bot.delete_webhook()
        .await
        .map_err(|e| AppError::internal("deleting the webhook before polling", e))?;
    let secret = settings.telegram.webhook_secret.clone();
    let app = Application::build(settings).await?;
    let webhook = format!("http://127.0.0.1:{}/telegram/webhook", app.port());
    tracing::info!(%webhook, "polling Telegram for updates");
    actix_rt::spawn(crate::intake::poll::feed_webhook(bot, webhook, secret));
    app.run_until_stopped().await
}

async fn set_webhook(args: SetWebhookArgs, settings: Settings) -> AppResult<()> {
    use secrecy::ExposeSecret;
    use teloxide::payloads::SetWebhookSetters;
    use teloxide::requests::Requester;
    let bot = bot_for(&settings, "register a webhook")?;
    if args.url.scheme() != "https" {
        tracing::warn!(url = %args.url, "Telegram only delivers to https:// webhooks");
    }
    let mut request = bot
        .set_webhook(args.url.clone())
        .allowed_updates(crate::telegram::ALLOWED_UPDATES)
        .max_connections(args.max_connections)
        .drop_pending_updates(args.drop_pending_updates);
    let secret = settings.telegram.webhook_secret.as_ref();
    if let Some(secret) = secret {
        request = request.secret_token(secret.expose_secret().to_string());
    }
    request
        .await
        .map_err(|e| AppError::internal("registering the webhook with Telegram", e))?;
    let mut out = std::io::stdout();
    let _ = writeln!(
        out,
        "webhook set: {} (secret token: {}, max {} connections, updates: message, callback_query, my_chat_member)",
        args.url,
        if secret.is_some() { "yes" } else { "no — set TELEGRAM_WEBHOOK_SECRET" },
        args.max_connections
    );
    Ok(())
}

async fn carousel(args: CarouselArgs, settings: Settings) -> AppResult<()> {
    let topic = args.topic.trim().to_string();
    if topic.is_empty() {
        return Err(AppError::BadRequest(
            "the topic is empty: say what the carousel is about".into(),
        ));
    }
    let metrics = Metrics::new();
    let store = prepare_store(&settings, &metrics).await?;
    let services = start_services(&settings, store, metrics);
    let orchestrator = Link::new(
        "orchestrator",
        services.orchestrator.clone().recipient(),
        services.event_log.clone(),
    );
    let content = args.lang.unwrap_or_else(|| guess_lang(&topic));
    let spec = CarouselSpec {
        // The reader of a command line reads the slides' language when it is a locale.
        lang: Lang::from_language_code(Some(content.code())),
        content,
        topic,
        slides: args.slides,
        style: args.style,
        size: args.size,
        format: args.format,
        pdf: args.pdf,
        handle: args
            .handle
            .as_deref()
            .map(|handle| crate::domain::SlideHandle::Name.text_for(None, Some(handle))),
    };
    let spec_lang = spec.lang;
    let request = Envelope::new(
        "cli",
        GenerateCarousel {
            request_id: uuid::Uuid::now_v7(),
            user_id: None,
            spec,
        },
    );
    let output = orchestrator.ask(request).await??;
    std::fs::create_dir_all(&args.out)
        .map_err(|e| AppError::io(format!("creating {}", args.out.display()), e))?;
    let mut stdout = std::io::stdout();
    for image in &output.images {
        let path = args.out.join(&image.file_name);
        std::fs::write(&path, &image.bytes)
            .map_err(|e| AppError::io(format!("writing {}", path.display()), e))?;
        let _ = writeln!(stdout, "{}", path.display());
    }
    // The post to publish the carousel with, beside its slides.
    let path = args.out.join("post.txt");
    let post = crate::workflow::post::post_file(spec_lang, &output.post, &output.slides);
    std::fs::write(&path, post)
        .map_err(|e| AppError::io(format!("writing {}", path.display()), e))?;
    let _ = writeln!(stdout, "{}", path.display());
    if let Some(pdf) = &output.pdf {
        let path = args.out.join("carousel.pdf");
        std::fs::write(&path, pdf)
            .map_err(|e| AppError::io(format!("writing {}", path.display()), e))?;
        let _ = writeln!(stdout, "{}", path.display());
    }
    let _ = writeln!(
        stdout,
        "{} slides written by {} in {} ms, rendered in {} ms",
        output.images.len(),
        output.content_source,
        output.writing_ms,
        output.rendering_ms
    );
    services.event_log.flush().await;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_topics_language_is_detected_as_the_bot_detects_it() {
        assert_eq!(guess_lang("Вера и сомнение 🙏"), ContentLanguage::Ru);
        assert_eq!(guess_lang("Faith and doubt"), ContentLanguage::En);
        assert_eq!(guess_lang("🙏"), ContentLanguage::En);
        assert_eq!(guess_lang("ایمان و امید"), ContentLanguage::Fa);
    }

    #[test]
    fn slide_counts_outside_three_to_twenty_are_refused() {
        assert!(parse_slide_count("2").is_err());
        assert!(parse_slide_count("21").is_err());
        assert!(parse_slide_count("ten").is_err());
        assert_eq!(parse_slide_count("20"), Ok(20));
    }
}
