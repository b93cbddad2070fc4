//! One mail backend switch: SMTP for production, `.eml` files for the demo, memory for tests.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use lettre::address::Envelope;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::PoolConfig;
use lettre::{Address, AsyncSmtpTransport, AsyncTransport, Tokio1Executor};

use super::{MailError, RenderedMail};
use crate::config::{MailSettings, MailTransportKind, SmtpSecurity, SmtpSettings};

/// How long one SMTP command may take before the attempt counts as failed (and transient).
const SMTP_TIMEOUT: Duration = Duration::from_secs(30);

/// Whether retrying a failed send later can succeed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SendErrorKind {
    /// Connection refused or reset, timeouts, TLS trouble, 4xx replies, full disk: retry.
    Transient,
    /// 5xx replies, an envelope that cannot be parsed: retrying sends the same thing again.
    Permanent,
}

#[derive(Debug, thiserror::Error)]
#[error("{kind:?} mail failure: {message}")]
pub struct SendError {
    pub kind: SendErrorKind,
    pub message: String,
    /// The SMTP reply code, when the server answered with an error.
    pub smtp_code: Option<u16>,
}

impl SendError {
    pub fn is_transient(&self) -> bool {
        self.kind == SendErrorKind::Transient
    }

    fn permanent(message: String) -> Self {
        SendError {
            kind: SendErrorKind::Permanent,
            message,
            smtp_code: None,
        }
    }

    fn transient(message: String) -> Self {
        SendError {
            kind: SendErrorKind::Transient,
            message,
            smtp_code: None,
        }
    }

    fn from_smtp(error: &lettre::transport::smtp::Error) -> Self {
        // 5xx replies and client-side errors (a malformed command from us) do not heal by
        // waiting; everything else (4xx, refused, timeout, TLS, a closed pool) may.
        let kind = if error.is_permanent() || error.is_client() {
            SendErrorKind::Permanent
        } else {
            SendErrorKind::Transient
        };
        SendError {
            kind,
            message: error.to_string(),
            smtp_code: error.status().map(|code| {
                let code = code.to_string();
                code.parse().unwrap_or_default()
            }),
        }
    }
}

/// Messages kept in memory; clones share the same list.
#[derive(Debug, Clone, Default)]
pub struct MemoryMailbox {
    messages: Arc<Mutex<Vec<RenderedMail>>>,
}

impl MemoryMailbox {
    /// Every message sent so far, oldest first.
    pub fn messages(&self) -> Vec<RenderedMail> {
        self.lock().clone()
    }

    /// Removes and returns every message sent so far.
    pub fn take(&self) -> Vec<RenderedMail> {
        std::mem::take(&mut *self.lock())
    }

    fn push(&self, mail: RenderedMail) {
        self.lock().push(mail);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<RenderedMail>> {
        // A panic elsewhere while holding the lock leaves a usable Vec; keep going.
        self.messages.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// The configured transport. Cheap to clone (the SMTP pool is shared).
#[derive(Clone)]
pub enum Mailer {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    /// Writes `<message-id>.eml` files into the folder; a retry overwrites the same file.
    File(PathBuf),
    Memory(MemoryMailbox),
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Mailer::Smtp(_) => f.write_str("Mailer::Smtp"),
            Mailer::File(dir) => write!(f, "Mailer::File({})", dir.display()),
            Mailer::Memory(_) => f.write_str("Mailer::Memory"),
        }
    }
}

impl Mailer {
    /// Builds the configured transport. The SMTP pool spawns its cleanup task on the
    /// current Tokio runtime, so call this from inside one (an error otherwise).
    pub fn from_settings(settings: &MailSettings) -> Result<Self, MailError> {
        Ok(match settings.transport {
            MailTransportKind::Smtp => Mailer::Smtp(smtp_transport(&settings.smtp)?),
            MailTransportKind::File => Mailer::File(settings.file_dir.clone()),
            MailTransportKind::Memory => Mailer::Memory(MemoryMailbox::default()),
        })
    }

    /// The in-memory mailbox, when this is the memory transport.
    pub fn memory(&self) -> Option<&MemoryMailbox> {
        match self {
            Mailer::Memory(mailbox) => Some(mailbox),
            _ => None,
        }
    }

    /// Sends one rendered message to its envelope recipients.
    pub async fn send(&self, mail: &RenderedMail) -> Result<(), SendError> {
        match self {
            Mailer::Smtp(transport) => {
                let envelope = envelope(mail)?;
                transport
                    .send_raw(&envelope, &mail.bytes)
                    .await
                    .map(drop)
                    .map_err(|e| SendError::from_smtp(&e))
            }
            Mailer::File(dir) => {
                envelope(mail)?;
                let dir = dir.clone();
                let mail = mail.clone();
                tokio::task::spawn_blocking(move || write_eml(&dir, &mail))
                    .await
                    .map_err(|e| SendError::transient(format!("file writer stopped: {e}")))?
            }
            Mailer::Memory(mailbox) => {
                envelope(mail)?;
                mailbox.push(mail.clone());
                Ok(())
            }
        }
    }
}

fn smtp_transport(
    settings: &SmtpSettings,
) -> Result<AsyncSmtpTransport<Tokio1Executor>, MailError> {
    // lettre would panic building the pool outside a runtime.
    if tokio::runtime::Handle::try_current().is_err() {
        return Err(MailError::NoRuntime);
    }
    let builder = match settings.security {
        SmtpSecurity::None => {
            AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(settings.host.as_str())
        }
        SmtpSecurity::Starttls => {
            AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&settings.host)?
        }
        SmtpSecurity::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(&settings.host)?,
    };
    let mut builder = builder
        .port(settings.port)
        .timeout(Some(SMTP_TIMEOUT))
        .pool_config(PoolConfig::new().max_size(settings.pool_size.max(1)));
    if !settings.username.is_empty() {
        builder = builder.credentials(Credentials::new(
            settings.username.clone(),
            settings.password.clone(),
        ));
    }
    Ok(builder.build())
}

/// A stored message whose addresses no longer parse will never go: permanent.
fn envelope(mail: &RenderedMail) -> Result<Envelope, SendError> {
    let parse = |value: &str| {
        value
            .parse::<Address>()
            .map_err(|_| SendError::permanent(format!("invalid envelope address {value:?}")))
    };
    let from = parse(&mail.from)?;
    let to = mail
        .to
        .iter()
        .map(|a| parse(a))
        .collect::<Result<Vec<_>, _>>()?;
    Envelope::new(Some(from), to).map_err(|e| SendError::permanent(format!("envelope: {e}")))
}

fn write_eml(dir: &Path, mail: &RenderedMail) -> Result<(), SendError> {
    let io = |e: std::io::Error| SendError::transient(format!("{}: {e}", dir.display()));
    std::fs::create_dir_all(dir).map_err(io)?;
    let path = dir.join(eml_file_name(&mail.message_id));
    // Write then rename, so a reader never sees half a message.
    let partial = path.with_extension("eml.partial");
    std::fs::write(&partial, &mail.bytes).map_err(io)?;
    std::fs::rename(&partial, &path).map_err(io)
}

/// `<job-7@matchtour.example>` -> `job-7@matchtour.example.eml`; nothing that could leave
/// the folder.
fn eml_file_name(message_id: &str) -> String {
    let stem: String = message_id
        .trim_matches(['<', '>'])
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '@' | '-' | '_' | '+' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let stem = stem.trim_start_matches('.');
    format!("{}.eml", if stem.is_empty() { "mail" } else { stem })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mail() -> RenderedMail {
        RenderedMail {
            message_id: "<job-1@matchtour.example>".into(),
            from: "noreply@matchtour.example".into(),
            to: vec!["anna@example.de".into()],
            bytes: b"Subject: hi\r\n\r\nhello\r\n".to_vec(),
        }
    }

    fn settings(kind: MailTransportKind, security: SmtpSecurity, username: &str) -> MailSettings {
        MailSettings {
            transport: kind,
            from: "matchtour <noreply@matchtour.example>".into(),
            file_dir: PathBuf::from("data/mail"),
            smtp: SmtpSettings {
                host: "smtp.example.org".into(),
                port: 587,
                security,
                username: username.into(),
                password: "secret".into(),
                pool_size: 0,
            },
        }
    }

    #[tokio::test]
    async fn every_configuration_builds_without_connecting() {
        for security in [
            SmtpSecurity::None,
            SmtpSecurity::Starttls,
            SmtpSecurity::Tls,
        ] {
            for username in ["", "mailer"] {
                let mailer =
                    Mailer::from_settings(&settings(MailTransportKind::Smtp, security, username))
                        .unwrap();
                assert!(matches!(mailer, Mailer::Smtp(_)));
            }
        }
        let file =
            Mailer::from_settings(&settings(MailTransportKind::File, SmtpSecurity::None, ""))
                .unwrap();
        assert!(matches!(file, Mailer::File(dir) if dir == Path::new("data/mail")));
        let memory =
            Mailer::from_settings(&settings(MailTransportKind::Memory, SmtpSecurity::None, ""))
                .unwrap();
        assert!(memory.memory().is_some());
    }

    #[test]
    fn smtp_outside_a_runtime_is_an_error_not_a_panic() {
        let result =
            Mailer::from_settings(&settings(MailTransportKind::Smtp, SmtpSecurity::None, ""));
        assert!(matches!(result, Err(MailError::NoRuntime)));
    }

    #[test]
    fn eml_names_stay_inside_the_folder() {
        assert_eq!(
            eml_file_name("<job-1@matchtour.example>"),
            "job-1@matchtour.example.eml"
        );
        assert_eq!(eml_file_name("<../../etc/passwd>"), "_.._etc_passwd.eml");
        assert_eq!(eml_file_name("<>"), "mail.eml");
    }

    #[tokio::test]
    async fn memory_keeps_messages_and_clones_share_them() {
        let mailer = Mailer::Memory(MemoryMailbox::default());
        let clone = mailer.clone();
        clone.send(&mail()).await.unwrap();
        let mailbox = mailer.memory().unwrap();
        assert_eq!(mailbox.messages(), [mail()]);
        assert_eq!(mailbox.take().len(), 1);
        assert!(mailbox.messages().is_empty());
    }

    #[tokio::test]
    async fn file_transport_writes_one_file_per_message_id() {
        let dir = tempfile::tempdir().unwrap();
        let mailer = Mailer::File(dir.path().join("mail"));
        mailer.send(&mail()).await.unwrap();
        // A retry of the same message replaces the file instead of adding a second.
        mailer.send(&mail()).await.unwrap();
        let files: Vec<_> = std::fs::read_dir(dir.path().join("mail"))
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(files, ["job-1@matchtour.example.eml"]);
        let written = std::fs::read(dir.path().join("mail/job-1@matchtour.example.eml")).unwrap();
        assert_eq!(written, mail().bytes);
    }

    #[tokio::test]
    async fn a_broken_envelope_is_permanent() {
        let mut bad = mail();
        bad.to = vec!["not an address".into()];
        let error = Mailer::Memory(MemoryMailbox::default())
            .send(&bad)
            .await
            .unwrap_err();
        assert!(!error.is_transient());
    }

    #[tokio::test]
    async fn an_unwritable_folder_is_transient() {
        let dir = tempfile::tempdir().unwrap();
        let blocker = dir.path().join("file");
        std::fs::write(&blocker, b"x").unwrap();
        let error = Mailer::File(blocker.join("mail"))
            .send(&mail())
            .await
            .unwrap_err();
        assert!(error.is_transient());
    }
}
