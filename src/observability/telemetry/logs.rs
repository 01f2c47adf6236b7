//! How log lines are written. Users control much of what reaches a log (button data, topics,
//! names, error texts quoting them), so no value may start a line of its own or move a terminal's
//! cursor: the pretty format escapes every control character in every field, and JSON lines are
//! escaped by JSON itself. JSON lines also carry the request's ids at the top level, where log
//! collectors index them.
use opentelemetry::trace::TraceContextExt;
use serde_json::{Map, Value};
use std::fmt::{self, Write as _};
use tracing::field::{Field, Visit};
use tracing::{Event, Subscriber};
use tracing_opentelemetry::OpenTelemetrySpanExt;
use tracing_subscriber::field::RecordFields;
use tracing_subscriber::fmt::format::{JsonFields, Writer};
use tracing_subscriber::fmt::{FmtContext, FormatEvent, FormatFields, FormattedFields};
use tracing_subscriber::registry::LookupSpan;

/// Unicode's bidirectional controls: invisible, they reorder what follows on screen.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// `text` with every control character (and every bidi control) written as an escape, so a value
/// stays on its own line and draws only itself.
pub struct Escaped<'a>(pub &'a str);

impl fmt::Display for Escaped<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for c in self.0.chars() {
            match c {
                '\n' => f.write_str("\\n")?,
                '\r' => f.write_str("\\r")?,
                '\t' => f.write_str("\\t")?,
                c if c.is_control() || is_bidi_control(c) => {
                    write!(f, "\\u{{{:x}}}", u32::from(c))?
                }
                c => f.write_char(c)?,
            }
        }
        Ok(())
    }
}

/// The pretty format's fields: `message key=value …` like tracing's default, every value escaped.
pub struct EscapedFields;

impl<'writer> FormatFields<'writer> for EscapedFields {
    fn format_fields<R: RecordFields>(&self, writer: Writer<'writer>, fields: R) -> fmt::Result {
        let mut visitor = EscapingVisitor {
            writer,
            empty: true,
            result: Ok(()),
        };
        fields.record(&mut visitor);
        visitor.result
    }
}

struct EscapingVisitor<'writer> {
    writer: Writer<'writer>,
    empty: bool,
    result: fmt::Result,
}

impl Visit for EscapingVisitor<'_> {
    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "message" {
            self.record_debug(field, &format_args!("{value}"));
        } else {
            // Quoted like tracing's own default, so a value's end is visible.
            self.record_debug(field, &value);
        }
    }

    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        let name = field.name();
        if self.result.is_err() || name.starts_with("log.") {
            return;
        }
        let text = format!("{value:?}");
        let separator = if self.empty { "" } else { " " };
        self.empty = false;
        self.result = if name == "message" {
            write!(self.writer, "{separator}{}", Escaped(&text))
        } else {
            let name = name.strip_prefix("r#").unwrap_or(name);
            write!(self.writer, "{separator}{name}={}", Escaped(&text))
        };
    }
}

/// One JSON object per line: time, level, target, the event's fields (its message among them),
/// then the request's `correlation_id` (from the nearest span that has one) and, when traces are
/// exported, the `trace_id` and `span_id` to find the line's span by; `span` and `spans` hold the
/// current span and the whole scope, as tracing's own JSON format has them.
pub struct JsonLines;

impl<S> FormatEvent<S, JsonFields> for JsonLines
where
    S: Subscriber + for<'a> LookupSpan<'a>,
{
    fn format_event(
        &self,
        ctx: &FmtContext<'_, S, JsonFields>,
        mut writer: Writer<'_>,
        event: &Event<'_>,
    ) -> fmt::Result {
        // Read before any span's extensions are borrowed below: the OpenTelemetry layer keeps
        // its data there too.
        let ids = trace_ids();
        let meta = event.metadata();
        let mut line = Map::new();
        line.insert(
            "timestamp".into(),
            Value::String(chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Micros, true)),
        );
        line.insert("level".into(), Value::String(meta.level().to_string()));
        event.record(&mut JsonVisitor(&mut line));
        line.insert("target".into(), Value::String(meta.target().to_string()));
        let mut spans = Vec::new();
        let mut correlation = None;
        if let Some(scope) = ctx.event_scope() {
            for span in scope {
                let extensions = span.extensions();
                let mut fields = extensions
                    .get::<FormattedFields<JsonFields>>()
                    .and_then(|f| serde_json::from_str::<Map<String, Value>>(&f.fields).ok())
                    .unwrap_or_default();
                if correlation.is_none() {
                    correlation = fields.get("correlation_id").cloned();
                }
                fields.insert("name".into(), Value::String(span.name().to_string()));
                spans.push(Value::Object(fields));
            }
        }
        if let Some(correlation) = correlation {
            line.insert("correlation_id".into(), correlation);
        }
        if let Some((trace_id, span_id)) = ids {
            line.insert("trace_id".into(), Value::String(trace_id));
            line.insert("span_id".into(), Value::String(span_id));
        }
        if let Some(current) = spans.first().cloned() {
            line.insert("span".into(), current);
            spans.reverse();
            line.insert("spans".into(), Value::Array(spans));
        }
        let text = serde_json::to_string(&line).map_err(|_| fmt::Error)?;
        writeln!(writer, "{text}")
    }
}

/// The current span's exported trace and span ids, when traces are on.
fn trace_ids() -> Option<(String, String)> {
    let context = tracing::Span::current().context();
    let span = context.span();
    let span = span.span_context();
    span.is_valid()
        .then(|| (span.trace_id().to_string(), span.span_id().to_string()))
}

/// Event fields as JSON values: numbers and booleans as such, everything else as text.
struct JsonVisitor<'a>(&'a mut Map<String, Value>);

impl JsonVisitor<'_> {
    fn put(&mut self, field: &Field, value: Value) {
        let name = field.name();
        if !name.starts_with("log.") {
            let name = name.strip_prefix("r#").unwrap_or(name);
            self.0.insert(name.to_string(), value);
        }
    }
}

impl Visit for JsonVisitor<'_> {
    fn record_i64(&mut self, field: &Field, value: i64) {
        self.put(field, Value::from(value));
    }
    fn record_u64(&mut self, field: &Field, value: u64) {
        self.put(field, Value::from(value));
    }
    fn record_bool(&mut self, field: &Field, value: bool) {
        self.put(field, Value::from(value));
    }
    fn record_f64(&mut self, field: &Field, value: f64) {
        self.put(field, Value::from(value));
    }
    fn record_str(&mut self, field: &Field, value: &str) {
        self.put(field, Value::String(without_bidi(value)));
    }
    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.put(field, Value::String(without_bidi(&format!("{value:?}"))));
    }
}

/// JSON escapes control characters itself but keeps bidi controls, which reorder a viewer's line.
fn without_bidi(text: &str) -> String {
    if !text.chars().any(is_bidi_control) {
        return text.to_string();
    }
    text.chars()
        .map(|c| {
            if is_bidi_control(c) {
                format!("\\u{{{:x}}}", u32::from(c))
            } else {
                c.to_string()
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_and_bidi_characters_are_written_as_escapes() {
        let forged = "\n2026-01-01T00:00:00Z ERROR admin: token rotated\x1b[2J\u{202e}";
        let text = Escaped(forged).to_string();
        assert!(!text.contains('\n') && !text.contains('\x1b') && !text.contains('\u{202e}'));
        assert_eq!(
            text,
            "\\n2026-01-01T00:00:00Z ERROR admin: token rotated\\u{1b}[2J\\u{202e}"
        );
        assert_eq!(
            Escaped("Вера и сомнение 🙏").to_string(),
            "Вера и сомнение 🙏"
        );
    }

    #[test]
    fn json_values_keep_text_and_lose_only_bidi_controls() {
        assert_eq!(without_bidi("abc\u{202e}d"), "abc\\u{202e}d");
        assert_eq!(without_bidi("line\nnext"), "line\nnext");
    }
}
