//! The Autom definition language: a small JSON document of steps that runners execute in
//! order, stopping at the first that fails. The README documents it; [`SCHEMA`] publishes it
//! as a JSON Schema (`GET /api/v1/schemas/autom-definition.json`).
//!
//! ```json
//! { "steps": [
//!     { "kind": "http", "name": "Ping the backup host", "method": "GET",
//!       "url": "https://backup.example/health", "headers": { "Accept": "application/json" },
//!       "expect_status": 200, "timeout_secs": 10 },
//!     { "kind": "wait", "seconds": 5 },
//!     { "kind": "log", "message": "Checked {{input.host}}" },
//!     { "kind": "fail", "message": "Not implemented yet" } ] }
//! ```
//!
//! Text values (URL, headers, body, messages) may refer to the run's input with
//! `{{input.path.to.value}}`; a missing value fails the step when it runs. Checking a
//! definition reads it into these types, and every error names the path of the bad value
//! (`steps[2].url`), so the editor can point at it. Unknown fields are errors too: a typo
//! never silently does nothing.

use hub_model::{HubError, HubResult};
use serde_json::{Map, Value};

/// At most this many steps.
pub const MAX_STEPS: usize = 50;
/// The longest `wait`, in seconds.
pub const MAX_WAIT_SECS: u64 = 300;
/// The longest `http` timeout, in seconds (and the default).
pub const MAX_HTTP_TIMEOUT_SECS: u64 = 120;
pub const DEFAULT_HTTP_TIMEOUT_SECS: u64 = 30;
/// The longest text value (a body, a message), in bytes.
pub const MAX_TEXT_BYTES: usize = 16 * 1024;
/// HTTP methods an `http` step may use.
pub const METHODS: [&str; 6] = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"];

/// A checked definition.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Definition {
    pub steps: Vec<Step>,
}

/// One step, with the name the log shows for it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step {
    pub name: Option<String>,
    pub action: StepAction,
}

/// What a step does.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StepAction {
    Http(HttpStep),
    /// Waits this many seconds.
    Wait {
        seconds: u64,
    },
    /// Writes a line to the run's log.
    Log {
        message: String,
    },
    /// Ends the run as failed with this message.
    Fail {
        message: String,
    },
}

/// An HTTP request and what must come back.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HttpStep {
    pub method: String,
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body: Option<String>,
    /// The status that counts as success; none: any 2xx.
    pub expect_status: Option<u16>,
    pub timeout_secs: u64,
}

impl Step {
    /// What the log calls the step: its name, else its kind.
    pub fn label(&self, index: usize) -> String {
        let kind = match &self.action {
            StepAction::Http(_) => "http",
            StepAction::Wait { .. } => "wait",
            StepAction::Log { .. } => "log",
            StepAction::Fail { .. } => "fail",
        };
        match &self.name {
            Some(name) => format!("step {} ({name})", index + 1),
            None => format!("step {} ({kind})", index + 1),
        }
    }
}

fn bad(path: &str, message: impl std::fmt::Display) -> HubError {
    HubError::invalid("definition", format!("{path}: {message}"))
}

/// Reads and checks a definition from its JSON text.
pub fn parse(text: &str) -> HubResult<Definition> {
    if text.len() > hub_model::automs::DEFINITION_MAX_BYTES {
        return Err(HubError::invalid(
            "definition",
            format!(
                "The definition is larger than {} KB.",
                hub_model::automs::DEFINITION_MAX_BYTES / 1024
            ),
        ));
    }
    let value: Value = serde_json::from_str(text).map_err(|e| {
        HubError::invalid(
            "definition",
            format!(
                "The definition is not valid JSON (line {}, column {}): {}.",
                e.line(),
                e.column(),
                json_problem(&e)
            ),
        )
    })?;
    from_value(&value)
}

/// serde_json's message without its own position suffix.
fn json_problem(error: &serde_json::Error) -> String {
    let text = error.to_string();
    match text.find(" at line ") {
        Some(at) => text[..at].to_owned(),
        None => text,
    }
}

/// Checks a definition already read as JSON.
pub fn from_value(value: &Value) -> HubResult<Definition> {
    let root = object(value, "(the definition)")?;
    only_fields(root, "(the definition)", &["steps"])?;
    let steps = match root.get("steps") {
        Some(Value::Array(steps)) => steps,
        Some(_) => return Err(bad("steps", "must be a list of steps")),
        None => return Err(bad("steps", "is missing: a definition is a list of steps")),
    };
    if steps.is_empty() {
        return Err(bad("steps", "must hold at least one step"));
    }
    if steps.len() > MAX_STEPS {
        return Err(bad("steps", format!("holds more than {MAX_STEPS} steps")));
    }
    let steps = steps
        .iter()
        .enumerate()
        .map(|(i, step)| parse_step(step, &format!("steps[{i}]")))
        .collect::<HubResult<_>>()?;
    Ok(Definition { steps })
}

fn object<'a>(value: &'a Value, path: &str) -> HubResult<&'a Map<String, Value>> {
    value
        .as_object()
        .ok_or_else(|| bad(path, "must be an object"))
}

fn only_fields(map: &Map<String, Value>, path: &str, allowed: &[&str]) -> HubResult<()> {
    match map.keys().find(|key| !allowed.contains(&key.as_str())) {
        Some(key) => Err(bad(
            &join(path, key),
            format!(
                "is not a field here (expected one of: {})",
                allowed.join(", ")
            ),
        )),
        None => Ok(()),
    }
}

fn join(path: &str, key: &str) -> String {
    if path.starts_with('(') {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

fn text(
    map: &Map<String, Value>,
    path: &str,
    key: &str,
    required: bool,
) -> HubResult<Option<String>> {
    let at = join(path, key);
    match map.get(key) {
        None | Some(Value::Null) if !required => Ok(None),
        None | Some(Value::Null) => Err(bad(&at, "is missing")),
        Some(Value::String(s)) => {
            if s.len() > MAX_TEXT_BYTES {
                return Err(bad(
                    &at,
                    format!("is longer than {} KB", MAX_TEXT_BYTES / 1024),
                ));
            }
            check_template(s, &at)?;
            Ok(Some(s.clone()))
        }
        Some(_) => Err(bad(&at, "must be text")),
    }
}

fn whole(map: &Map<String, Value>, path: &str, key: &str) -> HubResult<Option<u64>> {
    let at = join(path, key);
    match map.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => n
            .as_u64()
            .map(Some)
            .ok_or_else(|| bad(&at, "must be a whole number of zero or more")),
        Some(_) => Err(bad(&at, "must be a number")),
    }
}

fn parse_step(value: &Value, path: &str) -> HubResult<Step> {
    let map = object(value, path)?;
    let kind = match map.get("kind") {
        Some(Value::String(kind)) => kind.as_str(),
        Some(_) => return Err(bad(&join(path, "kind"), "must be text")),
        None => {
            return Err(bad(
                &join(path, "kind"),
                "is missing (one of: http, wait, log, fail)",
            ))
        }
    };
    let name = match map.get("name") {
        None | Some(Value::Null) => None,
        Some(Value::String(name)) if name.trim().is_empty() => None,
        Some(Value::String(name)) if name.chars().count() <= 120 => Some(name.trim().to_owned()),
        Some(Value::String(_)) => {
            return Err(bad(&join(path, "name"), "is longer than 120 characters"))
        }
        Some(_) => return Err(bad(&join(path, "name"), "must be text")),
    };
    let action = match kind {
        "http" => {
            only_fields(
                map,
                path,
                &[
                    "kind",
                    "name",
                    "method",
                    "url",
                    "headers",
                    "body",
                    "expect_status",
                    "timeout_secs",
                ],
            )?;
            StepAction::Http(parse_http(map, path)?)
        }
        "wait" => {
            only_fields(map, path, &["kind", "name", "seconds"])?;
            let at = join(path, "seconds");
            let seconds = whole(map, path, "seconds")?.ok_or_else(|| bad(&at, "is missing"))?;
            if !(1..=MAX_WAIT_SECS).contains(&seconds) {
                return Err(bad(&at, format!("must be between 1 and {MAX_WAIT_SECS}")));
            }
            StepAction::Wait { seconds }
        }
        "log" | "fail" => {
            only_fields(map, path, &["kind", "name", "message"])?;
            let message = text(map, path, "message", true)?.unwrap_or_default();
            if message.trim().is_empty() {
                return Err(bad(&join(path, "message"), "must not be empty"));
            }
            if kind == "log" {
                StepAction::Log { message }
            } else {
                StepAction::Fail { message }
            }
        }
        other => {
            return Err(bad(
                &join(path, "kind"),
                format!("\"{other}\" is not a step kind (one of: http, wait, log, fail)"),
            ))
        }
    };
    Ok(Step { name, action })
}

fn parse_http(map: &Map<String, Value>, path: &str) -> HubResult<HttpStep> {
    let method = text(map, path, "method", false)?
        .unwrap_or_else(|| "GET".to_owned())
        .to_ascii_uppercase();
    if !METHODS.contains(&method.as_str()) {
        return Err(bad(
            &join(path, "method"),
            format!("must be one of {}", METHODS.join(", ")),
        ));
    }
    let url_at = join(path, "url");
    let url = text(map, path, "url", true)?.unwrap_or_default();
    check_url(&url, &url_at)?;
    let headers = match map.get("headers") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Object(headers)) => headers
            .iter()
            .map(|(name, value)| {
                let at = format!("{}.{name}", join(path, "headers"));
                let valid_name = !name.is_empty()
                    && name
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b));
                if !valid_name {
                    return Err(bad(&at, "is not a valid header name"));
                }
                match value {
                    Value::String(v) if v.contains(['\r', '\n']) => {
                        Err(bad(&at, "must not contain line breaks"))
                    }
                    Value::String(v) => {
                        check_template(v, &at)?;
                        Ok((name.clone(), v.clone()))
                    }
                    _ => Err(bad(&at, "must be text")),
                }
            })
            .collect::<HubResult<_>>()?,
        Some(_) => {
            return Err(bad(
                &join(path, "headers"),
                "must be an object of name: value",
            ))
        }
    };
    let body = text(map, path, "body", false)?;
    let expect_status = match whole(map, path, "expect_status")? {
        None => None,
        Some(code @ 100..=599) => Some(u16::try_from(code).unwrap_or(200)),
        Some(_) => {
            return Err(bad(
                &join(path, "expect_status"),
                "must be an HTTP status between 100 and 599",
            ))
        }
    };
    let timeout_secs = whole(map, path, "timeout_secs")?.unwrap_or(DEFAULT_HTTP_TIMEOUT_SECS);
    if !(1..=MAX_HTTP_TIMEOUT_SECS).contains(&timeout_secs) {
        return Err(bad(
            &join(path, "timeout_secs"),
            format!("must be between 1 and {MAX_HTTP_TIMEOUT_SECS}"),
        ));
    }
    Ok(HttpStep {
        method,
        url,
        headers,
        body,
        expect_status,
        timeout_secs,
    })
}

/// An absolute http(s) URL; with a placeholder in it, at least its scheme is checked now
/// (the runner checks the whole address once the input is filled in).
fn check_url(url: &str, at: &str) -> HubResult<()> {
    let lower = url.to_ascii_lowercase();
    if !(lower.starts_with("http://") || lower.starts_with("https://")) {
        return Err(bad(at, "must start with http:// or https://"));
    }
    if url.contains("{{") {
        return Ok(());
    }
    match url::Url::parse(url) {
        Ok(parsed) if parsed.host_str().is_some_and(|h| !h.is_empty()) => Ok(()),
        Ok(_) => Err(bad(at, "has no host")),
        Err(e) => Err(bad(at, format!("is not a valid URL ({e})"))),
    }
}

/// Every `{{…}}` in `text` is a reference this language knows: `input` or `input.a.b`.
fn check_template(text: &str, at: &str) -> HubResult<()> {
    for reference in references(text) {
        let reference =
            reference.map_err(|()| bad(at, "has a \"{{\" without its closing \"}}\""))?;
        let mut parts = reference.split('.');
        let root = parts.next().unwrap_or_default();
        if root != "input" {
            return Err(bad(
                at,
                format!("refers to \"{{{{{reference}}}}}\"; only {{{{input}}}} and {{{{input.name}}}} are known"),
            ));
        }
        if parts.any(|segment| {
            segment.is_empty()
                || !segment
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
        }) {
            return Err(bad(
                at,
                format!("\"{{{{{reference}}}}}\" is not a valid reference (letters, digits, _ and - between dots)"),
            ));
        }
    }
    Ok(())
}

/// The trimmed contents of each `{{…}}` in `text`; `Err(())` for one left open.
fn references(text: &str) -> impl Iterator<Item = Result<&str, ()>> {
    let mut rest = text;
    std::iter::from_fn(move || {
        let start = rest.find("{{")?;
        let after = &rest[start + 2..];
        match after.find("}}") {
            Some(end) => {
                rest = &after[end + 2..];
                Some(Ok(after[..end].trim()))
            }
            None => {
                rest = "";
                Some(Err(()))
            }
        }
    })
}

/// Fills the `{{input…}}` references of `text` from the run's `input`: text as it is, other
/// values as JSON. A reference to a value the input lacks is an error naming it.
pub fn render(text: &str, input: &Value) -> Result<String, String> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let end = after
            .find("}}")
            .ok_or_else(|| "a \"{{\" without its closing \"}}\"".to_owned())?;
        let reference = after[..end].trim();
        let mut value = input;
        for segment in reference.split('.').skip(1) {
            value = value
                .get(segment)
                .ok_or_else(|| format!("the input has no value at {reference}"))?;
        }
        match value {
            Value::String(s) => out.push_str(s),
            other => out.push_str(&other.to_string()),
        }
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    Ok(out)
}

/// The published JSON Schema of a definition (`GET /api/v1/schemas/autom-definition.json`).
/// A test checks that it names every step kind and field the checker accepts.
pub const SCHEMA: &str = include_str!("definition.schema.json");

#[cfg(test)]
mod tests {
    use super::*;

    fn error_of(text: &str) -> String {
        match parse(text) {
            Err(HubError::InvalidInput { field, message }) => {
                assert_eq!(field, "definition");
                message
            }
            other => panic!("expected an invalid-input error, got {other:?}"),
        }
    }

    #[test]
    fn a_full_definition_reads_into_steps() {
        let definition = parse(
            r#"{"steps":[
                {"kind":"http","name":"Ping","method":"post","url":"https://example.com/x?y=1",
                 "headers":{"X-Token":"{{input.token}}"},"body":"{\"a\":1}","expect_status":201,"timeout_secs":5},
                {"kind":"wait","seconds":2},
                {"kind":"log","message":"Hello {{input.who}}"},
                {"kind":"fail","message":"Stop"}]}"#,
        )
        .expect("valid");
        assert_eq!(definition.steps.len(), 4);
        let StepAction::Http(http) = &definition.steps[0].action else {
            panic!("first step is http")
        };
        assert_eq!(http.method, "POST");
        assert_eq!(http.expect_status, Some(201));
        assert_eq!(
            http.headers,
            vec![("X-Token".to_owned(), "{{input.token}}".to_owned())]
        );
        assert_eq!(definition.steps[0].label(0), "step 1 (Ping)");
        assert_eq!(definition.steps[1].action, StepAction::Wait { seconds: 2 });
        assert_eq!(definition.steps[1].label(1), "step 2 (wait)");
    }

    #[test]
    fn errors_name_the_path_of_the_bad_value() {
        let cases = [
            (
                r#"{"steps":[{"kind":"log","message":"ok"},{"kind":"http","url":"ftp://x"}]}"#,
                "steps[1].url: must start with http:// or https://",
            ),
            (
                r#"{"steps":[{"kind":"wait","seconds":0}]}"#,
                "steps[0].seconds: must be between 1 and 300",
            ),
            (
                r#"{"steps":[{"kind":"wait","seconds":"5"}]}"#,
                "steps[0].seconds: must be a number",
            ),
            (
                r#"{"steps":[{"kind":"teleport"}]}"#,
                "steps[0].kind: \"teleport\" is not a step kind",
            ),
            (
                r#"{"steps":[{"kind":"log","mesage":"typo"}]}"#,
                "steps[0].mesage: is not a field here",
            ),
            (
                r#"{"steps":[{"kind":"http","url":"https://x","headers":{"Bad Name":"v"}}]}"#,
                "steps[0].headers.Bad Name: is not a valid header name",
            ),
            (
                r#"{"steps":[{"kind":"http","url":"https://x","expect_status":700}]}"#,
                "steps[0].expect_status: must be an HTTP status",
            ),
            (
                r#"{"steps":[{"kind":"log","message":"{{vault.x.secret}}"}]}"#,
                "steps[0].message: refers to \"{{vault.x.secret}}\"",
            ),
            (
                r#"{"steps":[{"kind":"log","message":"{{input.a"}]}"#,
                "steps[0].message: has a \"{{\" without its closing",
            ),
            (r#"{"steps":[]}"#, "steps: must hold at least one step"),
            (r#"{"stepz":[]}"#, "stepz: is not a field here"),
            (r#"[1]"#, "(the definition): must be an object"),
        ];
        for (text, expected) in cases {
            let message = error_of(text);
            assert!(message.starts_with(expected), "{text}: {message}");
        }
    }

    #[test]
    fn malformed_json_says_where() {
        let message = error_of("{\"steps\": [\n  {\"kind\": \"log\",}\n]}");
        assert!(message.contains("line 2"), "{message}");
    }

    #[test]
    fn references_are_filled_from_the_input() {
        let input = serde_json::json!({"host": "db1", "port": 5432, "nested": {"a": true}});
        assert_eq!(
            render("{{input.host}}:{{ input.port }} {{input.nested.a}}", &input).as_deref(),
            Ok("db1:5432 true")
        );
        assert_eq!(
            render("{{input.missing}}", &input),
            Err("the input has no value at input.missing".to_owned())
        );
    }

    #[test]
    fn the_schema_names_every_kind_and_field() {
        let schema: Value = serde_json::from_str(SCHEMA).expect("the schema is JSON");
        let text = schema.to_string();
        for word in [
            "http",
            "wait",
            "log",
            "fail",
            "method",
            "url",
            "headers",
            "body",
            "expect_status",
            "timeout_secs",
            "seconds",
            "message",
            "name",
            "steps",
        ] {
            assert!(
                text.contains(&format!("\"{word}\"")),
                "the schema lacks {word}"
            );
        }
        for method in METHODS {
            assert!(
                text.contains(&format!("\"{method}\"")),
                "the schema lacks {method}"
            );
        }
    }
}
