//! A real SMTP conversation: `scripts/smtp_sink.py` (aiosmtpd on loopback) receives what
//! the SMTP transport sends; failures are classified as transient or permanent.

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use matchtour::calendar::Person;
use matchtour::config::{MailSettings, MailTransportKind, SmtpSecurity, SmtpSettings};
use matchtour::mail::{message_id_for, render, Content, Letter, Mailer, RenderedMail};

const FROM: &str = "matchtour <noreply@matchtour.example>";

/// The sink process; killed when the test ends, however it ends.
struct Sink {
    child: Child,
    port: u16,
    dir: tempfile::TempDir,
}

impl Drop for Sink {
    fn drop(&mut self) {
        // Only the child this test started, by its handle.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A port that was free a moment ago: bind port 0, read the port, release it.
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free loopback port")
        .port()
}

fn start_sink() -> Sink {
    let probe = Command::new("python3")
        .args(["-c", "import aiosmtpd"])
        .output()
        .expect("python3 is required by the SMTP tests");
    assert!(
        probe.status.success(),
        "Python's aiosmtpd is missing (run scripts/install-test-deps): {}",
        String::from_utf8_lossy(&probe.stderr)
    );
    let dir = tempfile::tempdir().expect("a temporary folder");
    let port = free_port();
    let mut child = Command::new("python3")
        .arg(format!(
            "{}/scripts/smtp_sink.py",
            env!("CARGO_MANIFEST_DIR")
        ))
        .arg(port.to_string())
        .arg(dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("python3 starts");
    let stdout = child.stdout.take().expect("stdout is piped");
    let mut line = String::new();
    BufReader::new(stdout)
        .read_line(&mut line)
        .expect("the sink reports");
    let sink = Sink { child, port, dir };
    assert_eq!(line.trim(), "ready", "the SMTP sink did not start");
    sink
}

fn settings(port: u16) -> MailSettings {
    MailSettings {
        transport: MailTransportKind::Smtp,
        from: FROM.into(),
        file_dir: PathBuf::from("unused"),
        smtp: SmtpSettings {
            host: "127.0.0.1".into(),
            port,
            security: SmtpSecurity::None,
            username: String::new(),
            password: String::new(),
            pool_size: 2,
        },
    }
}

fn mail(key: &str, to: &str) -> RenderedMail {
    render(&Letter {
        message_id: message_id_for(key, FROM).unwrap(),
        date: "2021-03-22T08:00:00Z".parse().unwrap(),
        from: FROM.into(),
        reply_to: None,
        to: Person {
            name: "张伟".into(),
            email: to.into(),
        },
        content: Content {
            subject: "邀请：双边会谈 🎉".into(),
            text: "您好！\n.\n.leading dot line\n".into(),
            html: "<p>您好！</p>".into(),
        },
        calendar: None,
    })
    .unwrap()
}

/// Waits for the sink to write message number `n`.
fn received(dir: &Path, n: usize) -> (Vec<u8>, serde_json::Value) {
    let eml = dir.join(format!("{n}.eml"));
    let deadline = Instant::now() + Duration::from_secs(10);
    while !eml.exists() {
        assert!(Instant::now() < deadline, "message {n} did not arrive");
        std::thread::sleep(Duration::from_millis(20));
    }
    let envelope = std::fs::read(dir.join(format!("{n}.json"))).expect("the envelope file");
    (
        std::fs::read(eml).expect("the message file"),
        serde_json::from_slice(&envelope).expect("JSON envelope"),
    )
}

#[tokio::test]
async fn a_message_arrives_intact_over_smtp() {
    let sink = start_sink();
    let mailer = Mailer::from_settings(&settings(sink.port)).unwrap();
    let sent = mail("smtp-1", "zhang.wei@example.cn");
    mailer.send(&sent).await.expect("the sink accepts");

    let (bytes, envelope) = received(sink.dir.path(), 1);
    assert_eq!(envelope["mail_from"], "noreply@matchtour.example");
    assert_eq!(
        envelope["rcpt_tos"],
        serde_json::json!(["zhang.wei@example.cn"])
    );
    // DATA transparency (dot stuffing) is undone by the server: the bytes are ours.
    let trimmed = |b: &[u8]| {
        let mut v = b.to_vec();
        while v.ends_with(b"\r\n") {
            v.truncate(v.len() - 2);
        }
        v
    };
    assert_eq!(
        String::from_utf8_lossy(&trimmed(&bytes)),
        String::from_utf8_lossy(&trimmed(&sent.bytes))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_pool_delivers_concurrent_messages() {
    let sink = start_sink();
    let mailer = Mailer::from_settings(&settings(sink.port)).unwrap();
    let mails: Vec<_> = (0..6)
        .map(|i| mail(&format!("pool-{i}"), &format!("p{i}@example.de")))
        .collect();
    let tasks: Vec<_> = mails
        .into_iter()
        .map(|m| {
            let mailer = mailer.clone();
            tokio::spawn(async move { mailer.send(&m).await })
        })
        .collect();
    for task in tasks {
        task.await
            .expect("the send task")
            .expect("the sink accepts");
    }
    let mut recipients: Vec<String> = (1..=6)
        .map(|n| {
            received(sink.dir.path(), n).1["rcpt_tos"][0]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    recipients.sort();
    let mut expected: Vec<String> = (0..6).map(|i| format!("p{i}@example.de")).collect();
    expected.sort();
    assert_eq!(recipients, expected);
}

#[tokio::test]
async fn a_server_that_is_down_is_a_transient_failure() {
    // Nobody listens on a port that was just released.
    let mailer = Mailer::from_settings(&settings(free_port())).unwrap();
    let error = mailer
        .send(&mail("down-1", "zhang.wei@example.cn"))
        .await
        .expect_err("nothing listens");
    assert!(error.is_transient(), "{error}");
    assert_eq!(error.smtp_code, None);
}

#[tokio::test]
async fn a_4xx_reply_is_transient_and_a_5xx_reply_permanent() {
    let sink = start_sink();
    let mailer = Mailer::from_settings(&settings(sink.port)).unwrap();

    let busy = mailer
        .send(&mail("busy-1", "busy@example.cn"))
        .await
        .expect_err("the sink answers 451");
    assert!(busy.is_transient(), "{busy}");
    assert_eq!(busy.smtp_code, Some(451));

    let gone = mailer
        .send(&mail("gone-1", "nobody@example.cn"))
        .await
        .expect_err("the sink answers 550");
    assert!(!gone.is_transient(), "{gone}");
    assert_eq!(gone.smtp_code, Some(550));

    // The pool recovers: the next message goes through.
    mailer
        .send(&mail("after-1", "zhang.wei@example.cn"))
        .await
        .expect("the sink accepts");
    let (_, envelope) = received(sink.dir.path(), 1);
    assert_eq!(envelope["rcpt_tos"][0], "zhang.wei@example.cn");
}
