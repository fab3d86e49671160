//! The reference runner (`msp-hub runner --url URL --key KEY`): claims the runs of its key's
//! tenant over `/api/v1`, executes their steps, streams log lines and completes them.
//!
//! - One run at a time. The lease is renewed by a heartbeat every few seconds while the steps
//!   run; a stop request (Ctrl-C, SIGTERM) lets the current run finish, then exits.
//! - A run the hub takes back (cancelled by someone, or its lease lost) is stopped mid-step:
//!   the heartbeat's 409 ends the steps at once, and nothing is completed.
//! - `http` steps refuse loopback, private, link-local, shared (CGNAT), multicast and
//!   unspecified addresses unless `--allow-private-networks` is given, so an Autom cannot
//!   reach into the runner's own network by accident. The address is checked after DNS and
//!   the request goes to exactly that address (no second lookup to rebind), and redirects are
//!   not followed (a 3xx is the answer the step checks).
//! - Step semantics are the definition language's (`hub_core::automs::definition`): the
//!   runner reads the claimed definition with the same checker the hub used to save it.

use hub_core::automs::definition::{self, HttpStep, StepAction};
use serde::Deserialize;
use serde_json::{json, Value};
use std::{
    net::{IpAddr, SocketAddr},
    sync::{
        atomic::{AtomicBool, Ordering},
        Arc,
    },
    time::{Duration, Instant},
};

/// How long a claim waits on the hub for a run.
const CLAIM_WAIT_SECS: u64 = 20;
/// The longest between heartbeats (less when the lease is short): also how soon a cancelled
/// run stops.
const HEARTBEAT_MAX: Duration = Duration::from_secs(5);
/// The most of a response body a log line quotes.
const QUOTE_BYTES: usize = 300;

/// Where the runner works and what it may reach.
#[derive(Clone, Debug)]
pub struct RunnerConfig {
    /// The hub, e.g. `https://hub.example.com`.
    pub url: String,
    /// A tenant API key with `runs:write`.
    pub key: String,
    /// Let `http` steps reach private and loopback addresses.
    pub allow_private_networks: bool,
}

/// A claimed run, as `/api/v1/runs/claim` hands it out.
#[derive(Debug, Deserialize)]
struct Claim {
    run_id: String,
    autom_name: String,
    attempt: i64,
    lease_ms: i64,
    definition: Value,
    input: Value,
}

/// Why the runner stopped.
#[derive(Debug, thiserror::Error)]
pub enum RunnerError {
    #[error("the hub refused the key (401): it is wrong, revoked or expired")]
    KeyRefused,
    #[error("the key may not run Automs (403): it needs the runs:write scope")]
    MissingScope,
    #[error("could not reach the hub: {0}")]
    Hub(String),
}

/// What one pass of the loop did.
#[derive(Debug, PartialEq, Eq)]
pub enum Turn {
    /// A run was executed and reported (its id and how it ended).
    Ran { run: String, status: String },
    /// Nothing was queued within the wait.
    Idle,
    /// The hub took the run back while it ran (cancelled, or the lease lost): its steps were
    /// stopped and nothing was completed.
    Dropped { run: String, reason: String },
}

/// A runner: a client for the hub and the outbound client of `http` steps.
pub struct Runner {
    config: RunnerConfig,
    hub: reqwest::Client,
}

impl Runner {
    pub fn new(config: RunnerConfig) -> Result<Self, RunnerError> {
        let hub = reqwest::Client::builder()
            .timeout(Duration::from_secs(CLAIM_WAIT_SECS + 30))
            .build()
            .map_err(|e| RunnerError::Hub(e.to_string()))?;
        Ok(Self { config, hub })
    }

    fn endpoint(&self, path: &str) -> String {
        format!("{}/api/v1{path}", self.config.url.trim_end_matches('/'))
    }

    async fn post(
        &self,
        path: &str,
        body: Option<Value>,
    ) -> Result<reqwest::Response, RunnerError> {
        let request = self
            .hub
            .post(self.endpoint(path))
            .bearer_auth(&self.config.key);
        let request = match body {
            Some(body) => request.json(&body),
            None => request,
        };
        let response = request
            .send()
            .await
            .map_err(|e| RunnerError::Hub(e.to_string()))?;
        match response.status().as_u16() {
            401 => Err(RunnerError::KeyRefused),
            403 => Err(RunnerError::MissingScope),
            _ => Ok(response),
        }
    }

    /// Claims the next run (waiting up to `wait_secs`) and executes it.
    pub async fn turn(&self, wait_secs: u64) -> Result<Turn, RunnerError> {
        let response = self
            .post(&format!("/runs/claim?wait={wait_secs}"), None)
            .await?;
        if response.status() == reqwest::StatusCode::NO_CONTENT {
            return Ok(Turn::Idle);
        }
        if !response.status().is_success() {
            return Err(RunnerError::Hub(format!(
                "claim answered {}",
                response.status()
            )));
        }
        let claim: Claim = response
            .json()
            .await
            .map_err(|e| RunnerError::Hub(format!("an unreadable claim: {e}")))?;
        tracing::info!(run = %claim.run_id, autom = %claim.autom_name, attempt = claim.attempt, "running");
        let (status, error) = match self.execute(&claim).await {
            Ok(outcome) => outcome,
            Err(reason) => {
                tracing::warn!(run = %claim.run_id, %reason, "the hub took the run back; its steps were stopped");
                return Ok(Turn::Dropped {
                    run: claim.run_id,
                    reason,
                });
            }
        };
        let body = json!({ "status": status, "error": error });
        let done = self
            .post(&format!("/runs/{}/complete", claim.run_id), Some(body))
            .await?;
        if !done.status().is_success() {
            // Lost the lease or cancelled meanwhile: the hub says why; nothing to retry.
            let reason = done.text().await.unwrap_or_default();
            tracing::warn!(run = %claim.run_id, %reason, "the hub did not take the completion");
        }
        Ok(Turn::Ran {
            run: claim.run_id,
            status: status.to_owned(),
        })
    }

    /// Runs the steps with a heartbeat alongside; returns the outcome and the error, or why
    /// the hub took the run back (the heartbeat's 409: cancelled, or the lease lost), in which
    /// case the steps were stopped where they were.
    async fn execute(&self, claim: &Claim) -> Result<(&'static str, Option<String>), String> {
        let beating = Arc::new(AtomicBool::new(true));
        let heartbeat = {
            let (client, url, key, beating) = (
                self.hub.clone(),
                self.endpoint(&format!("/runs/{}/heartbeat", claim.run_id)),
                self.config.key.clone(),
                beating.clone(),
            );
            let every = Duration::from_millis(
                u64::try_from(claim.lease_ms / 3)
                    .unwrap_or(20_000)
                    .max(1_000),
            )
            .min(HEARTBEAT_MAX);
            tokio::spawn(async move {
                loop {
                    tokio::time::sleep(every).await;
                    if !beating.load(Ordering::Relaxed) {
                        return None;
                    }
                    // A failed request is retried on the next beat (the lease outlasts a few);
                    // a 409 is the hub's answer that the run is no longer this runner's.
                    let Ok(answer) = client.post(&url).bearer_auth(&key).send().await else {
                        continue;
                    };
                    if answer.status() == reqwest::StatusCode::CONFLICT {
                        let body: Value = answer.json().await.unwrap_or(Value::Null);
                        return Some(
                            body["detail"]
                                .as_str()
                                .unwrap_or("the hub no longer holds this run for this runner")
                                .to_owned(),
                        );
                    }
                }
            })
        };
        tokio::pin!(heartbeat);
        let steps = self.steps(claim);
        tokio::pin!(steps);
        let outcome = tokio::select! {
            outcome = &mut steps => Ok(outcome),
            taken = &mut heartbeat => match taken {
                Ok(Some(reason)) => Err(reason),
                // The heartbeat ended without an answer (it does not, but never hang on it):
                // the steps go on without it, and the lease decides.
                _ => Ok(steps.await),
            },
        };
        beating.store(false, Ordering::Relaxed);
        heartbeat.abort();
        outcome
    }

    async fn steps(&self, claim: &Claim) -> (&'static str, Option<String>) {
        let definition = match definition::from_value(&claim.definition) {
            Ok(definition) => definition,
            Err(error) => return ("failed", Some(format!("unreadable definition: {error}"))),
        };
        for (index, step) in definition.steps.iter().enumerate() {
            let label = step.label(index);
            let result = match &step.action {
                StepAction::Log { message } => definition::render(message, &claim.input)
                    .map(|text| vec![format!("{label}: {text}")]),
                StepAction::Wait { seconds } => {
                    tokio::time::sleep(Duration::from_secs(*seconds)).await;
                    Ok(vec![format!("{label}: waited {seconds} s")])
                }
                StepAction::Fail { message } => {
                    let text = definition::render(message, &claim.input).unwrap_or_else(|e| e);
                    self.log(&claim.run_id, vec![format!("{label}: {text}")])
                        .await;
                    return ("failed", Some(text));
                }
                StepAction::Http(http) => self.http(http, &claim.input, &label).await,
            };
            match result {
                Ok(lines) => self.log(&claim.run_id, lines).await,
                Err(error) => {
                    let line = format!("{label}: {error}");
                    self.log(&claim.run_id, vec![line.clone()]).await;
                    let status = if error.contains("timed out") {
                        "timed_out"
                    } else {
                        "failed"
                    };
                    return (status, Some(line));
                }
            }
        }
        ("succeeded", None)
    }

    async fn log(&self, run: &str, lines: Vec<String>) {
        if let Err(error) = self
            .post(&format!("/runs/{run}/log"), Some(json!({ "lines": lines })))
            .await
        {
            tracing::warn!(%run, %error, "could not send log lines");
        }
    }

    /// One `http` step: the request to the checked address, and the expected status.
    async fn http(
        &self,
        step: &HttpStep,
        input: &Value,
        label: &str,
    ) -> Result<Vec<String>, String> {
        let url = definition::render(&step.url, input)?;
        let parsed =
            url::Url::parse(&url).map_err(|e| format!("{url} is not a valid URL ({e})"))?;
        let host = parsed.host_str().ok_or("the URL has no host")?.to_owned();
        let port = parsed
            .port_or_known_default()
            .ok_or("the URL has no port")?;
        let address = self.checked_address(&host, port).await?;
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(step.timeout_secs))
            .resolve(&host, address)
            .build()
            .map_err(|e| e.to_string())?;
        let method =
            reqwest::Method::from_bytes(step.method.as_bytes()).map_err(|e| e.to_string())?;
        let mut request = client.request(method, parsed);
        for (name, value) in &step.headers {
            request = request.header(name, definition::render(value, input)?);
        }
        if let Some(body) = &step.body {
            request = request.body(definition::render(body, input)?);
        }
        let started = Instant::now();
        let response = request.send().await.map_err(|e| {
            if e.is_timeout() {
                format!(
                    "{} {url} timed out after {} s",
                    step.method, step.timeout_secs
                )
            } else {
                format!("{} {url} failed: {e}", step.method)
            }
        })?;
        let status = response.status().as_u16();
        let took = started.elapsed().as_millis();
        let text = response.text().await.unwrap_or_default();
        let quote: String = text.chars().take(QUOTE_BYTES).collect();
        let ok = match step.expect_status {
            Some(expected) => status == expected,
            None => (200..300).contains(&status),
        };
        let line = format!("{label}: {} {url} → {status} in {took} ms", step.method);
        if ok {
            Ok(vec![line])
        } else {
            let expected = step
                .expect_status
                .map_or_else(|| "a 2xx status".to_owned(), |s| s.to_string());
            Err(format!(
                "{} {url} answered {status}, expected {expected}: {quote}",
                step.method
            ))
        }
    }

    /// The address `host:port` resolves to, refused when it is in a network an Autom may not
    /// reach from here.
    async fn checked_address(&self, host: &str, port: u16) -> Result<SocketAddr, String> {
        let addresses: Vec<SocketAddr> = tokio::net::lookup_host((host, port))
            .await
            .map_err(|e| format!("could not resolve {host}: {e}"))?
            .collect();
        let first = *addresses
            .first()
            .ok_or_else(|| format!("{host} has no address"))?;
        if !self.config.allow_private_networks {
            if let Some(refused) = addresses.iter().find(|a| !is_public(a.ip())) {
                return Err(format!(
                    "{host} resolves to {}, a private or local address; runners reach those only with --allow-private-networks",
                    refused.ip()
                ));
            }
        }
        Ok(first)
    }
}

/// Whether `ip` is on the public internet (not loopback, private, link-local, shared address
/// space, multicast, documentation, or unspecified).
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, ..] = v4.octets();
            !(v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_multicast()
                || v4.is_broadcast()
                || v4.is_unspecified()
                || v4.is_documentation()
                || a == 0
                || (a == 100 && (64..128).contains(&b)))
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_public(IpAddr::V4(v4));
            }
            let first = v6.segments()[0];
            !(v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (first & 0xfe00) == 0xfc00
                || (first & 0xffc0) == 0xfe80)
        }
    }
}

/// Runs until `stop` is set (checked between runs: a run in progress finishes first) or the
/// hub refuses the key.
pub async fn run_until(config: RunnerConfig, stop: Arc<AtomicBool>) -> Result<(), RunnerError> {
    let runner = Runner::new(config)?;
    while !stop.load(Ordering::Relaxed) {
        match runner.turn(CLAIM_WAIT_SECS).await {
            Ok(Turn::Ran { run, status }) => tracing::info!(%run, %status, "run reported"),
            Ok(Turn::Idle) => {}
            Ok(Turn::Dropped { run, reason }) => tracing::info!(%run, %reason, "run dropped"),
            Err(error @ (RunnerError::KeyRefused | RunnerError::MissingScope)) => {
                return Err(error)
            }
            Err(RunnerError::Hub(error)) => {
                tracing::warn!(%error, "the hub is unreachable; retrying in 5 s");
                tokio::time::sleep(Duration::from_secs(5)).await;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::is_public;

    #[test]
    fn private_and_local_addresses_are_not_public() {
        for ip in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "224.0.0.1",
            "::1",
            "fe80::1",
            "fd00::1",
            "::ffff:127.0.0.1",
            "::",
        ] {
            assert!(!is_public(ip.parse().expect("ip")), "{ip}");
        }
        for ip in ["1.1.1.1", "93.184.216.34", "2606:4700:4700::1111"] {
            assert!(is_public(ip.parse().expect("ip")), "{ip}");
        }
    }
}
