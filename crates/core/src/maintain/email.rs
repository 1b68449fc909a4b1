//! Sending one plain-text email through the administrator's mail server,
//! always over TLS (STARTTLS or TLS from the start): the account's
//! password never crosses the network in the clear.

use super::notify::{Email, Security};
use crate::vault::Secret;
use crate::{Error, ErrorCode, Result};
use lettre::message::header::ContentType;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::{Message, SmtpTransport, Transport};
use std::time::Duration;

/// How long a silent server is waited for.
const TIMEOUT: Duration = Duration::from_secs(20);

/// The I/O error under `e`, when a network read or write failed.
fn io_kind(e: &lettre::transport::smtp::Error) -> Option<std::io::ErrorKind> {
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        if let Some(io) = s.downcast_ref::<std::io::Error>() {
            return Some(io.kind());
        }
        source = s.source();
    }
    None
}

fn failed(settings: &Email, e: &lettre::transport::smtp::Error) -> Error {
    use std::io::ErrorKind;
    let server = format!("{}:{}", settings.server, settings.port);
    let said = e.to_string();
    let (message, hint) = if e.is_tls() || said.contains("certificate") || said.contains("SSL") {
        (
            format!(
                "The mail server {server} could not be reached securely: its certificate was not accepted, or it does not use the chosen security ({said})."
            ),
            "Check the server name (it must match the server's certificate) and that the security matches the port: STARTTLS on 587, TLS on 465.",
        )
    } else if e.is_timeout()
        || matches!(
            io_kind(e),
            Some(ErrorKind::WouldBlock | ErrorKind::TimedOut)
        )
    {
        (
            format!("The mail server {server} did not answer in time."),
            "Check the server name and port, and that this computer is connected to the network.",
        )
    } else if e.status().is_some_and(|c| c.to_string().starts_with("535")) {
        (
            format!("The mail server {server} refused the user name or password."),
            "Check the account's user name, and save its password again in the notice settings.",
        )
    } else if e.is_permanent() {
        (
            format!("The mail server {server} refused the message: {said}."),
            "Check the addresses; some providers only send from the account's own address.",
        )
    } else if e.is_transient() {
        (
            format!("The mail server {server} could not take the message now: {said}."),
            "Shipshape tries again at the next notice; nothing needs doing unless it keeps failing.",
        )
    } else {
        (
            format!("The mail server {server} could not be reached: {said}."),
            "Check the server name and port, and that this computer is connected to the network.",
        )
    };
    Error::new(ErrorCode::Io, message, hint)
}

fn bad_address(what: &str, e: impl std::fmt::Display) -> Error {
    Error::invalid_input(
        format!("The {what} address could not be used: {e}."),
        "Check the addresses in the notice settings.",
    )
}

/// TLS settings for `server`; a build made for tests also trusts the
/// certificate named by SHIPSHAPE_SMTP_CA (its own mail server's).
fn tls(server: &str) -> Result<TlsParameters> {
    let mut builder = TlsParameters::builder(server.to_string());
    if let Some(path) = crate::test_settings::path("SHIPSHAPE_SMTP_CA") {
        let pem = std::fs::read(&path).map_err(|e| Error::internal(e.to_string()))?;
        let cert = Certificate::from_pem(&pem).map_err(|e| Error::internal(e.to_string()))?;
        builder = builder.add_root_certificate(cert);
    }
    builder.build().map_err(|e| {
        Error::new(
            ErrorCode::Io,
            format!("Secure connections cannot be set up on this computer: {e}."),
            "Check that OpenSSL and the ca-certificates package are installed.",
        )
    })
}

/// Sends `subject` and `body` to everyone in `settings.to`.
pub fn send(settings: &Email, password: &Secret, subject: &str, body: &str) -> Result<()> {
    let mut message = Message::builder()
        .from(
            settings
                .from
                .parse()
                .map_err(|e| bad_address("sender", e))?,
        )
        .subject(subject)
        .header(ContentType::TEXT_PLAIN);
    for to in &settings.to {
        message = message.to(to.parse().map_err(|e| bad_address("recipient", e))?);
    }
    let message = message
        .body(body.to_string())
        .map_err(|e| bad_address("message", e))?;
    let params = tls(&settings.server)?;
    let tls = match settings.security {
        Security::StartTls => Tls::Required(params),
        Security::Tls => Tls::Wrapper(params),
    };
    let transport = SmtpTransport::builder_dangerous(&settings.server)
        .port(settings.port)
        .tls(tls)
        .timeout(Some(TIMEOUT))
        .credentials(Credentials::new(
            settings.username.clone(),
            password.expose().to_string(),
        ))
        .build();
    transport
        .send(&message)
        .map(|_| ())
        .map_err(|e| failed(settings, &e))
}
