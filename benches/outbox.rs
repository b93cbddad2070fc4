//! The outbox under load, on SQLite: queueing 10,000 itinerary jobs in one transaction (what
//! publishing a large event writes), and the delivery rate of one worker to a real SMTP
//! server on loopback (`scripts/smtp_sink.py`), rendering included.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use matchtour::config::{MailSettings, MailTransportKind, SmtpSecurity, SmtpSettings};
use matchtour::db::DbPool;
use matchtour::mail::{ItineraryItem, ItineraryView, Locale, Mailer};
use matchtour::outbox::{enqueue, Payload, Recipient, RenderSettings, Worker, WorkerConfig};

const FROM: &str = "matchtour <noreply@matchtour.example>";
const ITINERARIES: usize = 10_000;
const DELIVERIES: usize = 500;

fn payload(i: usize) -> Payload {
    let locale = [Locale::En, Locale::De, Locale::Zh][i % 3];
    Payload::Itinerary {
        to: Recipient {
            name: format!("Participant {i}"),
            email: format!("p{i}@example.org"),
        },
        view: ItineraryView {
            locale,
            recipient_name: format!("Participant {i}"),
            event_name: "Matchmaking Tour 2021".into(),
            items: (0..8)
                .map(|j| ItineraryItem {
                    when_own: format!("Thu 25 Mar, {:02}:00–{:02}:20 CET", 9 + j, 9 + j),
                    when_counterpart: Some(format!("{:02}:00–{:02}:20 Beijing", 16 + j, 16 + j)),
                    title: format!("Meeting with 王芳 {j}"),
                    counterpart: Some("王芳".into()),
                    organisation: Some("Shanghai Genomics".into()),
                    interpreter: None,
                    video_link: Some(format!("https://meet.example/r/{j}")),
                })
                .collect(),
            personal_link: format!("/p/token{i}"),
            feed_url: format!("/feeds/token{i}.ics"),
        },
    }
}

fn database() -> (tempfile::TempDir, DbPool, i64) {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let url = format!("sqlite://{}", dir.path().join("bench.sqlite3").display());
    let pool = DbPool::connect(&url, 4).expect("the database opens");
    pool.migrate().expect("migrations apply");
    let mut conn = pool.get().expect("a connection");
    let event = matchtour::cli::demo::seed(&mut conn).expect("the demo event");
    (dir, pool, event.id)
}

fn queue(pool: &DbPool, event: i64, prefix: &str, count: usize) {
    let mut conn = pool.get().expect("a connection");
    let now = chrono::Utc::now().naive_utc();
    conn.transaction(|conn| {
        for i in 0..count {
            enqueue(
                conn,
                event,
                None,
                &format!("{prefix}-{i}"),
                &payload(i),
                now,
            )?;
        }
        Ok::<_, matchtour::error::AppError>(())
    })
    .expect("jobs queue");
}

fn queueing(c: &mut Criterion) {
    let (_dir, pool, event) = database();
    let mut group = c.benchmark_group("outbox");
    group.sample_size(10);
    group.throughput(Throughput::Elements(ITINERARIES as u64));
    let mut round = 0;
    group.bench_function("queue_10000_itineraries", |b| {
        b.iter(|| {
            round += 1;
            queue(&pool, event, &format!("q{round}"), ITINERARIES);
        })
    });
    group.finish();
}

struct Sink(Child, tempfile::TempDir);

impl Drop for Sink {
    fn drop(&mut self) {
        // Only the child this bench started, by its handle.
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn sink() -> (Sink, u16) {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let dir = tempfile::tempdir().expect("a temporary folder");
    let mut child = Command::new("python3")
        .arg(format!(
            "{}/scripts/smtp_sink.py",
            env!("CARGO_MANIFEST_DIR")
        ))
        .arg(port.to_string())
        .arg(dir.path())
        .stdout(Stdio::piped())
        .spawn()
        .expect("python3 starts");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("piped"))
        .read_line(&mut line)
        .expect("the sink reports");
    assert_eq!(
        line.trim(),
        "ready",
        "the SMTP sink (aiosmtpd) did not start"
    );
    (Sink(child, dir), port)
}

fn delivery(c: &mut Criterion) {
    let (_dir, pool, event) = database();
    let (sink_guard, port) = sink();
    let runtime = tokio::runtime::Runtime::new().expect("a runtime");
    let _entered = runtime.enter();
    let mailer = Mailer::from_settings(&MailSettings {
        transport: MailTransportKind::Smtp,
        from: FROM.into(),
        file_dir: PathBuf::from("unused"),
        smtp: SmtpSettings {
            host: "127.0.0.1".into(),
            port,
            security: SmtpSecurity::None,
            username: String::new(),
            password: String::new(),
            pool_size: 8,
        },
    })
    .expect("an SMTP mailer");
    let worker = Worker::new(
        pool.clone(),
        mailer,
        RenderSettings {
            from: FROM.into(),
            public_url: "https://matchtour.example".into(),
        },
        WorkerConfig::default(),
    );
    let mut group = c.benchmark_group("outbox");
    group.sample_size(10);
    group.throughput(Throughput::Elements(DELIVERIES as u64));
    let mut round = 0;
    group.bench_function("deliver_500_to_smtp_sink", |b| {
        b.iter_custom(|iterations| {
            let mut spent = Duration::ZERO;
            for _ in 0..iterations {
                round += 1;
                queue(&pool, event, &format!("d{round}"), DELIVERIES);
                let started = Instant::now();
                let stats = runtime.block_on(worker.drain()).expect("the worker runs");
                spent += started.elapsed();
                assert_eq!(stats.sent, DELIVERIES, "{stats:?}");
            }
            spent
        })
    });
    group.finish();
    // Every message reached the server once: one file per delivery.
    let files = std::fs::read_dir(sink_guard.1.path())
        .expect("the sink folder")
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "eml"))
        .count();
    assert_eq!(files, round * DELIVERIES);
}

criterion_group!(benches, queueing, delivery);
criterion_main!(benches);
