//! Transactional email: a [`Mailer`] over SMTP (production) or `.eml` files in
//! `<data_dir>/outbox` (embedded default), and the [`SendEmail`] job that delivers every message.
//!
//! Features render a message ([`Rendered`], French or English after the recipient), then
//! [`enqueue`] it on their own connection, in the transaction of the change that causes it.
//! The recipient is parsed at that moment, so a malformed address is the caller's error, not a
//! dead job later. Each message's `Message-ID` derives from its job, so a retry after an
//! uncertain delivery (connection lost after the data was sent) is recognisable as the same
//! message.
//!
//! Errors: [`MailError`] at start-up; during delivery, SMTP answers become [`JobError`]s —
//! 4xx, timeouts and lost connections are transient, 5xx permanent.

pub mod templates;

use std::path::PathBuf;
use std::time::Duration;

use lettre::message::header::ContentType;
use lettre::message::{Attachment as LettreAttachment, Mailbox, MultiPart, SinglePart};
use lettre::transport::smtp::PoolConfig;
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use serde::{Deserialize, Serialize};

use crate::config::Settings;
use crate::db::DbConnection;
use crate::error::AppError;
use crate::jobs::{self, EnqueueOptions, Job, JobContext, JobError, JobRun};

#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("invalid setting `smtp_url` (QUAI_SMTP_URL): {0}")]
    SmtpUrl(String),
    #[error("invalid setting `mail_from` (QUAI_MAIL_FROM): {0}")]
    From(String),
    #[error("cannot create the outbox `{0}`: {1}")]
    Outbox(PathBuf, std::io::Error),
}

enum Transport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    File(AsyncFileTransport<Tokio1Executor>, PathBuf),
}

/// Sends built messages; one per process, shared by the jobs.
pub struct Mailer {
    transport: Transport,
    from: Mailbox,
    /// Right-hand side of Message-IDs.
    domain: String,
}

impl Mailer {
    pub fn from_settings(settings: &Settings) -> Result<Self, MailError> {
        let from: Mailbox = settings
            .mail_from
            .parse()
            .map_err(|e| MailError::From(format!("{e}")))?;
        let domain = settings
            .base_url
            .host_str()
            .unwrap_or("localhost")
            .to_owned();
        let transport = match &settings.smtp_url {
            Some(url) => {
                let builder = AsyncSmtpTransport::<Tokio1Executor>::from_url(url.expose())
                    .map_err(|e| MailError::SmtpUrl(e.to_string()))?;
                Transport::Smtp(
                    builder
                        .timeout(Some(Duration::from_secs(20)))
                        // Servers close idle connections; keep ours shorter-lived (lettre#743).
                        .pool_config(
                            PoolConfig::new()
                                .max_size(4)
                                .idle_timeout(Duration::from_secs(5)),
                        )
                        .build(),
                )
            }
            None => {
                let dir = settings.data_dir.join("outbox");
                std::fs::create_dir_all(&dir).map_err(|e| MailError::Outbox(dir.clone(), e))?;
                Transport::File(AsyncFileTransport::new(&dir), dir)
            }
        };
        Ok(Self {
            transport,
            from,
            domain,
        })
    }

    /// `smtp` or `file`, for logs and `/readyz`.
    pub fn kind(&self) -> &'static str {
        match self.transport {
            Transport::Smtp(_) => "smtp",
            Transport::File(..) => "file",
        }
    }

    /// Whether the transport answers now (SMTP: a NOOP on a connection; file: a writable folder).
    pub async fn check(&self) -> Result<(), String> {
        match &self.transport {
            Transport::Smtp(t) => {
                match tokio::time::timeout(Duration::from_secs(2), t.test_connection()).await {
                    Ok(Ok(true)) => Ok(()),
                    Ok(Ok(false)) => Err("the SMTP server did not answer NOOP".into()),
                    Ok(Err(e)) => Err(e.to_string()),
                    Err(_) => Err("the SMTP server did not answer within 2 s".into()),
                }
            }
            Transport::File(_, dir) => {
                let probe = dir.join(".probe");
                tokio::fs::write(&probe, b"ok")
                    .await
                    .map_err(|e| e.to_string())?;
                tokio::fs::remove_file(&probe)
                    .await
                    .map_err(|e| e.to_string())
            }
        }
    }

    /// The stable Message-ID of the message a job sends.
    pub fn message_id(&self, run: &JobRun) -> String {
        format!(
            "<quai.{}.{}@{}>",
            run.id,
            run.created_at.and_utc().timestamp(),
            self.domain
        )
    }

    /// Delivers one message; a server that stops answering counts as a transient failure.
    async fn send(&self, message: Message) -> Result<(), JobError> {
        const LIMIT: Duration = Duration::from_secs(60);
        match tokio::time::timeout(LIMIT, self.deliver(message)).await {
            Ok(result) => result,
            Err(_) => Err(JobError::Transient(format!(
                "no answer from the mail transport within {LIMIT:?}"
            ))),
        }
    }

    async fn deliver(&self, message: Message) -> Result<(), JobError> {
        match &self.transport {
            Transport::Smtp(t) => match t.send(message.clone()).await {
                Ok(_) => Ok(()),
                // A pooled connection the server had closed: once more, on a fresh one.
                Err(e) if !e.is_permanent() && !e.is_transient() && !e.is_timeout() => {
                    tracing::debug!(error = %e, "SMTP connection lost; retrying once");
                    t.send(message).await.map(|_| ()).map_err(classify)
                }
                Err(e) => Err(classify(e)),
            },
            Transport::File(t, _) => t
                .send(message)
                .await
                .map(|_| ())
                .map_err(|e| JobError::Transient(format!("cannot write to the outbox: {e}"))),
        }
    }
}

fn classify(e: lettre::transport::smtp::Error) -> JobError {
    // Servers often quote the recipient in their answer: mask it before it is logged or stored.
    let text = mask_addresses(&e.to_string());
    if e.is_permanent() {
        JobError::Permanent(format!("refused by the SMTP server: {text}"))
    } else {
        JobError::Transient(format!("SMTP: {text}"))
    }
}

/// Masks every email address in a text.
pub fn mask_addresses(text: &str) -> String {
    text.split(' ')
        .map(|word| {
            let trimmed = word.trim_matches(|c: char| {
                matches!(c, '<' | '>' | ',' | ';' | ':' | '"' | '\'' | '(' | ')')
            });
            if trimmed.contains('@') && trimmed.len() > 2 {
                word.replace(trimmed, &mask(trimmed))
            } else {
                word.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// `alice@example.org` → `a…@example.org`: enough to follow a message in the logs.
pub fn mask(address: &str) -> String {
    let address = match (address.rfind('<'), address.rfind('>')) {
        (Some(start), Some(end)) if start < end => &address[start + 1..end],
        _ => address,
    };
    match address.rsplit_once('@') {
        Some((local, domain)) => {
            let first: String = local.chars().take(1).collect();
            format!("{first}…@{domain}")
        }
        None => "…".to_owned(),
    }
}

/// Parses a recipient at enqueue time: a precise 422 for the caller, never a dead job later.
pub fn parse_recipient(field: &str, address: &str) -> Result<Mailbox, AppError> {
    let address = address.trim();
    match address.parse::<Mailbox>() {
        Ok(mailbox)
            if mailbox.email.domain().contains('.') || mailbox.email.domain() == "localhost" =>
        {
            Ok(mailbox)
        }
        _ => Err(AppError::validation(field, "not a valid email address")),
    }
}

/// Subject, plain text and HTML of one message, already in the recipient's language.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Rendered {
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// A file sent with a message (calendar invitations are text).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Attachment {
    pub filename: String,
    pub content_type: String,
    pub content: String,
}

/// The job that delivers one message; its payload is the whole message.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SendEmail {
    pub to: String,
    #[serde(flatten)]
    pub content: Rendered,
    #[serde(default)]
    pub attachments: Vec<Attachment>,
}

/// Enqueues a message to `to` on the caller's connection. Returns the job id (`None` when a job
/// with the same dedup key exists).
pub fn enqueue(
    conn: &mut DbConnection,
    to: &Mailbox,
    content: Rendered,
    attachments: Vec<Attachment>,
    options: EnqueueOptions,
) -> Result<Option<i64>, AppError> {
    let job = SendEmail {
        to: to.to_string(),
        content,
        attachments,
    };
    Ok(jobs::enqueue(conn, &job, options)?)
}

impl SendEmail {
    fn build(&self, mailer: &Mailer, run: &JobRun) -> Result<Message, JobError> {
        let to: Mailbox = self
            .to
            .parse()
            .map_err(|e| JobError::Permanent(format!("unreadable recipient: {e}")))?;
        let alternative = MultiPart::alternative()
            .singlepart(SinglePart::plain(self.content.text.clone()))
            .singlepart(SinglePart::html(self.content.html.clone()));
        let body = if self.attachments.is_empty() {
            alternative
        } else {
            let mut mixed = MultiPart::mixed().multipart(alternative);
            for a in &self.attachments {
                let content_type = ContentType::parse(&a.content_type)
                    .map_err(|e| JobError::Permanent(format!("attachment type: {e}")))?;
                mixed = mixed.singlepart(
                    LettreAttachment::new(a.filename.clone()).body(a.content.clone(), content_type),
                );
            }
            mixed
        };
        Message::builder()
            .from(mailer.from.clone())
            .to(to)
            .subject(self.content.subject.clone())
            .message_id(Some(mailer.message_id(run)))
            .multipart(body)
            .map_err(|e| JobError::Permanent(format!("cannot build the message: {e}")))
    }
}

impl Job for SendEmail {
    const KIND: &'static str = "send_email";
    const MAX_ATTEMPTS: i32 = 12;

    async fn run(self, ctx: JobContext, run: JobRun) -> Result<(), JobError> {
        let message = self.build(&ctx.mailer, &run)?;
        ctx.mailer.send(message).await?;
        ctx.metrics.emails_sent.inc();
        tracing::info!(job = run.id, to = %mask(&self.to), transport = ctx.mailer.kind(), "email sent");
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_addresses() {
        assert_eq!(mask("alice@example.org"), "a…@example.org");
        assert_eq!(mask("Élodie <e@x.fr>"), "e…@x.fr");
        assert_eq!(mask("nonsense"), "…");
        assert_eq!(
            mask_addresses("550 5.1.1 <lea@startup.fr>: Recipient unknown"),
            "550 5.1.1 <l…@startup.fr>: Recipient unknown"
        );
    }

    #[test]
    fn recipients_are_parsed() {
        assert!(parse_recipient("to", "startup@amiens.fr").is_ok());
        assert!(parse_recipient("to", "Léa Martin <lea@amiens.fr>").is_ok());
        for bad in ["", "not-an-address", "a@", "@b.fr", "a b@c.fr", "x@nodot"] {
            assert!(parse_recipient("to", bad).is_err(), "{bad}");
        }
    }
}
