//! The mail a publication causes, delivered through the outbox to a real SMTP server on
//! loopback (`scripts/smtp_sink.py`): one itinerary per participant, then updates and
//! cancellations only to the people concerned; an SMTP outage and a dead worker lose and
//! duplicate nothing.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use matchtour::config::{MailSettings, MailTransportKind, SmtpSecurity, SmtpSettings};
use matchtour::domain::BookingSource;
use matchtour::mail::Mailer;
use matchtour::outbox::worker::claim;
use matchtour::outbox::{RenderSettings, Worker, WorkerConfig};
use matchtour::service::schedule::{self, BookingInput};
use matchtour::service::{events, programme};
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::on_both_backends;
use crate::support::TestApp;

const FROM: &str = "matchtour <noreply@matchtour.example>";

/// The sink process; killed when the test ends, however it ends.
struct Sink {
    child: Child,
    dir: tempfile::TempDir,
}

impl Drop for Sink {
    fn drop(&mut self) {
        // Only the child this test started, by its handle.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free loopback port")
        .port()
}

fn start_sink(port: u16) -> Sink {
    let dir = tempfile::tempdir().expect("a temporary folder");
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
    let sink = Sink { child, dir };
    assert_eq!(
        line.trim(),
        "ready",
        "the SMTP sink did not start (aiosmtpd missing? run scripts/install-test-deps)"
    );
    sink
}

fn worker(app: &TestApp, port: u16, config: WorkerConfig) -> Worker {
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
            pool_size: 4,
        },
    })
    .expect("an SMTP mailer");
    let render = RenderSettings {
        from: FROM.into(),
        public_url: "https://matchtour.example".into(),
    };
    Worker::new(app.pool.clone(), mailer, render, config)
}

/// What arrived, parsed by Python's email package (an independent MIME parser), in the
/// order the sink accepted it.
#[derive(Debug, Clone)]
struct Received {
    message_id: String,
    rcpt: String,
    method: Option<String>,
    uid: Option<String>,
    sequence: Option<u32>,
    dtstart: Option<String>,
    /// The personal link in the text part.
    link: Option<String>,
}

const SUMMARY_PY: &str = r#"
import email, email.policy, json, os, sys
d = sys.argv[1]
out = []
names = sorted((f for f in os.listdir(d) if f.endswith('.eml')), key=lambda f: int(f[:-4]))
for f in names:
    m = email.message_from_bytes(open(os.path.join(d, f), 'rb').read(), policy=email.policy.default)
    env = json.load(open(os.path.join(d, f[:-4] + '.json')))
    info = {'message_id': str(m['Message-ID']), 'rcpt': env['rcpt_tos']}
    for p in m.walk():
        if p.get_content_type() == 'text/plain' and 'link' not in info:
            text = p.get_payload(decode=True).decode('utf-8')
            at = text.find('/api/v1/auth/participant/')
            if at >= 0:
                info['link'] = text[at:].split()[0]
        if p.get_content_type() == 'text/calendar':
            text = p.get_payload(decode=True).decode('utf-8').replace('\r\n ', '')
            for line in text.split('\r\n'):
                key, _, value = line.partition(':')
                if key in ('METHOD', 'UID', 'SEQUENCE', 'DTSTART'):
                    info[key.lower()] = value
            break
    out.append(info)
print(json.dumps(out))
"#;

fn received(dir: &Path) -> Vec<Received> {
    let output = Command::new("python3")
        .args(["-c", SUMMARY_PY])
        .arg(dir)
        .output()
        .expect("python3 runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let list: Vec<Value> = serde_json::from_slice(&output.stdout).expect("JSON");
    list.into_iter()
        .map(|v| {
            let rcpts = v["rcpt"].as_array().expect("recipients");
            assert_eq!(rcpts.len(), 1, "one recipient per message: {v}");
            let text = |k: &str| v[k].as_str().map(str::to_owned);
            Received {
                message_id: text("message_id").expect("a Message-ID"),
                rcpt: rcpts[0].as_str().expect("address").to_owned(),
                method: text("method"),
                uid: text("uid"),
                sequence: text("sequence").map(|s| s.parse().expect("a number")),
                dtstart: text("dtstart"),
                link: text("link"),
            }
        })
        .collect()
}

/// "2021-03-22T08:00:00Z" -> "20210322T080000Z", as DTSTART writes it.
fn ics_time(rfc3339: &str) -> String {
    rfc3339.replace(['-', ':'], "")
}

fn assert_each_once(messages: &[Received]) {
    let mut seen = BTreeSet::new();
    for m in messages {
        assert!(seen.insert(&m.message_id), "{} arrived twice", m.message_id);
    }
}

/// Seeds the demo tour, solves it and publishes the draft; returns (event, version).
async fn publish_demo(app: &TestApp) -> (i64, i64) {
    let mut conn = app.pool.get().expect("a connection");
    let event = matchtour::cli::demo::seed(&mut conn).expect("demo seeds");
    drop(conn);
    let id = event.id;
    let (status, draft) = call(
        app,
        &format!("/api/v1/events/{id}/schedule/solve"),
        Some(&json!({"time_limit_seconds": 1, "seed": 7})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{draft}");
    let v = draft["version"]["id"].as_i64().unwrap();
    publish(app, id, v).await;
    (id, v)
}

async fn publish(app: &TestApp, event: i64, version: i64) {
    let (status, body) = call(
        app,
        &format!("/api/v1/events/{event}/schedule/versions/{version}/publish"),
        Some(&json!({})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

/// Requests on a new connection each: the test's pauses outlast the server's keep-alive,
/// and a pooled connection closed meanwhile would fail the request.
async fn call(app: &TestApp, path: &str, body: Option<&Value>) -> (StatusCode, Value) {
    let client = reqwest::Client::new();
    let request = match body {
        Some(body) => client.post(app.url(path)).json(body),
        None => client.get(app.url(path)),
    }
    .bearer_auth(&app.token);
    let response = request.send().await.expect("request sent");
    let status = response.status();
    (status, response.json().await.expect("a JSON answer"))
}

async fn outbox(app: &TestApp, event: i64) -> Vec<Value> {
    let (status, jobs) = call(app, &format!("/api/v1/events/{event}/outbox"), None).await;
    assert_eq!(status, StatusCode::OK, "{jobs}");
    jobs.as_array().expect("a list").clone()
}

fn emails(app: &TestApp, event: i64) -> BTreeMap<i64, String> {
    let mut conn = app.pool.get().expect("a connection");
    matchtour::service::participants::rows(&mut conn, event)
        .expect("participants")
        .into_iter()
        .map(|p| (p.id, p.email))
        .collect()
}

fn token_of(app: &TestApp, participant: i64) -> String {
    use diesel::prelude::*;
    use matchtour::db::schema::calendar_feeds;
    let mut conn = app.pool.get().expect("a connection");
    matchtour::with_conn!(&mut conn, |c| calendar_feeds::table
        .find(participant)
        .select(calendar_feeds::token)
        .first(c))
    .expect("publishing gave every participant a feed token")
}

async fn feed(app: &TestApp, token: &str) -> String {
    let response = reqwest::get(app.url(&format!("/feeds/{token}.ics")))
        .await
        .expect("request sent");
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.headers()["content-type"],
        "text/calendar; charset=utf-8"
    );
    response.text().await.expect("a body")
}

fn quick() -> WorkerConfig {
    WorkerConfig {
        batch: 25,
        lease: Duration::from_secs(60),
        backoff_base: Duration::from_millis(500),
        backoff_max: Duration::from_secs(1),
        max_attempts: 50,
        idle_poll: Duration::from_millis(50),
    }
}

async fn publication_sends_itineraries_then_only_the_changes(app: TestApp) {
    let sink = start_sink_any();
    let worker = worker(&app, sink.1, quick());
    let sink = sink.0;
    let (event, v1) = publish_demo(&app).await;
    let stats = worker.drain().await.expect("the worker runs");
    assert_eq!((stats.retried, stats.failed), (0, 0), "{stats:?}");

    let first = received(sink.dir.path());
    assert_eq!(first.len(), stats.sent);
    assert_each_once(&first);
    let people = emails(&app, event);
    let itineraries: Vec<&Received> = first
        .iter()
        .filter(|m| m.message_id.starts_with("<itinerary-"))
        .collect();
    let itinerary_to: BTreeSet<&str> = itineraries.iter().map(|m| m.rcpt.as_str()).collect();
    assert_eq!(itineraries.len(), people.len(), "one itinerary each");
    assert_eq!(
        itinerary_to,
        people.values().map(String::as_str).collect::<BTreeSet<_>>()
    );
    assert!(itineraries.iter().all(|m| m.method.is_none()));

    // Every message carries a personal link of its own, and the earlier ones keep working.
    let to_one: Vec<&Received> = first.iter().filter(|m| m.rcpt == first[0].rcpt).collect();
    assert!(to_one.len() >= 2, "an itinerary and an invitation");
    let (&pid, _) = people
        .iter()
        .find(|(_, email)| **email == first[0].rcpt)
        .expect("the recipient is a participant");
    // A client of its own: the harness's idle connection may have timed out during the drain.
    let client = reqwest::Client::new();
    let mut tokens = BTreeSet::new();
    for m in &to_one {
        let link = m.link.as_deref().expect("a personal link in every message");
        let token = link.rsplit('/').next().unwrap().to_string();
        let response = client
            .get(app.url(&format!("/api/v1/events/{event}/participants/{pid}")))
            .header("authorization", format!("Participant {token}"))
            .send()
            .await
            .expect("request sent");
        assert_eq!(response.status(), StatusCode::OK);
        let me: Value = response.json().await.expect("the participant");
        assert_eq!(me["id"], pid, "{me}");
        tokens.insert(token);
    }
    assert_eq!(tokens.len(), to_one.len(), "a fresh token per message");

    let (_, published) = call(&app, &format!("/api/v1/events/{event}/schedule"), None).await;
    let bookings = published["bookings"].as_array().unwrap().clone();
    assert_eq!(published["version"]["id"], v1);
    let invitations: Vec<&Received> = first.iter().filter(|m| m.method.is_some()).collect();
    let attendances: usize = bookings
        .iter()
        .map(|b| b["participant_ids"].as_array().unwrap().len())
        .sum();
    assert_eq!(
        invitations.len(),
        attendances,
        "one invitation per meeting and attendee"
    );
    assert!(invitations
        .iter()
        .all(|m| m.method.as_deref() == Some("REQUEST") && m.sequence == Some(0)));
    // Both sides of a meeting hold the same UID.
    let uid_of = |b: &Value, messages: &[&Received]| -> BTreeSet<String> {
        let start = ics_time(b["starts_at"].as_str().unwrap());
        b["participant_ids"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| {
                let email = &people[&p.as_i64().unwrap()];
                messages
                    .iter()
                    .find(|m| &m.rcpt == email && m.dtstart.as_deref() == Some(&start))
                    .and_then(|m| m.uid.clone())
                    .expect("an invitation for each attendee")
            })
            .collect()
    };
    for b in &bookings {
        assert_eq!(uid_of(b, &invitations).len(), 1, "one UID per meeting");
    }
    assert!(outbox(&app, event)
        .await
        .iter()
        .all(|j| j["status"] == "sent" && j["last_error"].is_null()));

    // The calendar feed of an attendee holds the same UIDs as the invitations.
    let attendee = bookings[0]["participant_ids"][0].as_i64().unwrap();
    let feed = feed(&app, &token_of(&app, attendee)).await;
    assert!(feed.contains("METHOD:PUBLISH"), "{feed}");
    let unfolded = feed.replace("\r\n ", "");
    let feed_uids: BTreeSet<&str> = unfolded
        .split("\r\n")
        .filter_map(|l| l.strip_prefix("UID:"))
        .collect();
    let invited: BTreeSet<&str> = invitations
        .iter()
        .filter(|m| m.rcpt == people[&attendee])
        .filter_map(|m| m.uid.as_deref())
        .collect();
    assert!(!invited.is_empty());
    assert!(
        invited.is_subset(&feed_uids),
        "{invited:?} in {feed_uids:?}"
    );
    let response = reqwest::get(app.url("/feeds/not-a-token.ics"))
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);

    // A new version: everything as before except one meeting dropped and one moved.
    let dropped = bookings[0].clone();
    let moved = bookings
        .iter()
        .skip(1)
        .find(|b| {
            let length = chrono::DateTime::parse_from_rfc3339(b["ends_at"].as_str().unwrap())
                .unwrap()
                - chrono::DateTime::parse_from_rfc3339(b["starts_at"].as_str().unwrap()).unwrap();
            length.num_minutes() <= 30
        })
        .expect("a short meeting")
        .clone();
    let v2 = copy_with_changes(&app, event, &bookings, &dropped, &moved);
    publish(&app, event, v2).await;
    let stats = worker.drain().await.expect("the worker runs");
    assert_eq!((stats.retried, stats.failed), (0, 0), "{stats:?}");
    let all = received(sink.dir.path());
    assert_each_once(&all);
    let second: Vec<Received> = all[first.len()..].to_vec();
    assert_eq!(second.len(), stats.sent);

    let people_of = |b: &Value| -> BTreeSet<String> {
        b["participant_ids"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| people[&p.as_i64().unwrap()].clone())
            .collect()
    };
    let updates: Vec<&Received> = second
        .iter()
        .filter(|m| m.method.as_deref() == Some("REQUEST"))
        .collect();
    let cancels: Vec<&Received> = second
        .iter()
        .filter(|m| m.method.as_deref() == Some("CANCEL"))
        .collect();
    assert_eq!(
        updates.len() + cancels.len(),
        second.len(),
        "no itinerary the second time: {second:?}"
    );
    assert_eq!(
        updates
            .iter()
            .map(|m| m.rcpt.clone())
            .collect::<BTreeSet<_>>(),
        people_of(&moved),
        "updates go to the moved meeting's people only"
    );
    assert_eq!(updates.len(), people_of(&moved).len());
    assert_eq!(
        cancels
            .iter()
            .map(|m| m.rcpt.clone())
            .collect::<BTreeSet<_>>(),
        people_of(&dropped)
    );
    assert_eq!(cancels.len(), people_of(&dropped).len());
    let old_uid = uid_of(&moved, &invitations);
    assert!(updates
        .iter()
        .all(|m| m.sequence == Some(1) && old_uid.contains(m.uid.as_ref().unwrap())));
    assert!(updates
        .iter()
        .all(|m| m.dtstart.as_deref() != Some(&ics_time(moved["starts_at"].as_str().unwrap()))));
    let dropped_uid = uid_of(&dropped, &invitations);
    assert!(cancels
        .iter()
        .all(|m| m.sequence == Some(1) && dropped_uid.contains(m.uid.as_ref().unwrap())));
}
on_both_backends!(publication_sends_itineraries_then_only_the_changes);

/// A sink on a fresh port: (sink, port).
fn start_sink_any() -> (Sink, u16) {
    let port = free_port();
    (start_sink(port), port)
}

/// A draft holding `bookings` minus `dropped`, with `moved` at another free slot.
fn copy_with_changes(
    app: &TestApp,
    event: i64,
    bookings: &[Value],
    dropped: &Value,
    moved: &Value,
) -> i64 {
    let mut conn = app.pool.get().expect("a connection");
    let zone = events::zone_of(&events::row(&mut conn, event).unwrap()).unwrap();
    let slots: Vec<programme::Slot> = programme::event_slots(&mut conn, event, zone)
        .unwrap()
        .into_iter()
        .map(|(_, s)| s)
        .collect();
    let draft = schedule::new_draft(&mut conn, event, &json!({"note": "moved by hand"})).unwrap();
    let input = |b: &Value, start: chrono::DateTime<chrono::Utc>| {
        let (s, e) = (
            b["starts_at"]
                .as_str()
                .unwrap()
                .parse::<chrono::DateTime<chrono::Utc>>()
                .unwrap(),
            b["ends_at"]
                .as_str()
                .unwrap()
                .parse::<chrono::DateTime<chrono::Utc>>()
                .unwrap(),
        );
        let length = slots.iter().filter(|x| x.start >= s && x.start < e).count();
        BookingInput {
            request_id: b["request_id"].as_i64(),
            participant_ids: b["participant_ids"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| p.as_i64().unwrap())
                .collect(),
            start,
            length_slots: Some(length as i32),
            interpreter_id: b["interpreter_id"].as_i64(),
            video_link: b["video_link"].as_str().unwrap_or_default().to_owned(),
            pinned: false,
        }
    };
    let start_of = |b: &Value| b["starts_at"].as_str().unwrap().parse().unwrap();
    for b in bookings.iter().filter(|b| *b != dropped && *b != moved) {
        schedule::book(
            &mut conn,
            event,
            draft.id,
            &input(b, start_of(b)),
            BookingSource::Organiser,
        )
        .expect("a copy fits where it was");
    }
    let from: chrono::DateTime<chrono::Utc> = start_of(moved);
    let placed = slots.iter().filter(|s| s.start != from).any(|s| {
        schedule::book(
            &mut conn,
            event,
            draft.id,
            &input(moved, s.start),
            BookingSource::Organiser,
        )
        .is_ok()
    });
    assert!(placed, "the moved meeting fits somewhere else");
    draft.id
}

/// Long enough for the live worker to send everything else first, even on a busy machine.
const DEAD_LEASE: Duration = Duration::from_secs(8);

async fn an_outage_and_a_dead_worker_lose_and_duplicate_nothing(app: TestApp) {
    let port = free_port();
    // While nothing listens, one round takes every job and each fails transiently.
    let down = worker(
        &app,
        port,
        WorkerConfig {
            batch: 10_000,
            ..quick()
        },
    );
    let (event, _) = publish_demo(&app).await;
    let total = outbox(&app, event).await.len();
    assert!(total > 0);
    let round = down.run_once().await.expect("the worker runs");
    assert_eq!(
        (round.claimed, round.retried, round.sent),
        (total, total, 0)
    );
    let jobs = outbox(&app, event).await;
    assert!(jobs
        .iter()
        .all(|j| j["status"] == "queued" && j["attempts"] == 1 && j["last_error"].is_string()));

    let sink = start_sink(port);
    tokio::time::sleep(Duration::from_millis(600)).await;
    // A worker claims five jobs and dies before sending them.
    let dead = {
        let mut conn = app.pool.get().expect("a connection");
        claim(&mut conn, "dead-worker", 5, DEAD_LEASE).expect("a claim")
    };
    let claimed_at = std::time::Instant::now();
    assert_eq!(dead.len(), 5);
    let live = worker(&app, port, quick());
    let stats = live.drain().await.expect("the worker runs");
    assert_eq!(
        stats.sent,
        total - 5,
        "the dead worker's jobs wait for its lease"
    );
    tokio::time::sleep(
        (DEAD_LEASE + Duration::from_millis(200)).saturating_sub(claimed_at.elapsed()),
    )
    .await;
    let stats = live.drain().await.expect("the worker runs");
    assert_eq!(stats.sent, 5, "the lease ran out: the jobs are taken over");

    let messages = received(sink.dir.path());
    assert_eq!(messages.len(), total, "every message exactly once");
    assert_each_once(&messages);
    let jobs = outbox(&app, event).await;
    assert!(jobs.iter().all(|j| j["status"] == "sent"));
    let retaken: Vec<&Value> = jobs
        .iter()
        .filter(|j| dead.iter().any(|d| j["id"] == d.id))
        .collect();
    assert!(retaken.iter().all(|j| j["attempts"] == 3), "{retaken:?}");
}
on_both_backends!(an_outage_and_a_dead_worker_lose_and_duplicate_nothing);

async fn a_permanent_failure_is_listed_with_its_error(app: TestApp) {
    let (sink, port) = start_sink_any();
    let (event, _) = publish_demo(&app).await;
    // The sink refuses "nobody@…" with 550: give one participant that address.
    let victim = {
        use diesel::prelude::*;
        use matchtour::db::schema::outbox_jobs;
        let jobs = outbox(&app, event).await;
        let id = jobs[0]["id"].as_i64().unwrap();
        let mut conn = app.pool.get().expect("a connection");
        let payload: String = matchtour::with_conn!(&mut conn, |c| outbox_jobs::table
            .find(id)
            .select(outbox_jobs::payload)
            .first(c))
        .unwrap();
        let email = jobs[0]["recipient"].as_str().unwrap().to_owned();
        let changed = payload.replace(&email, "nobody@example.org");
        matchtour::with_conn!(&mut conn, |c| diesel::update(outbox_jobs::table.find(id))
            .set(outbox_jobs::payload.eq(changed))
            .execute(c))
        .unwrap();
        id
    };
    let stats = worker(&app, port, quick()).drain().await.unwrap();
    assert_eq!(stats.failed, 1);
    let (status, failed) = call(
        &app,
        &format!("/api/v1/events/{event}/outbox?status=failed"),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(failed.as_array().unwrap().len(), 1, "{failed}");
    assert_eq!(failed[0]["id"], victim);
    assert!(failed[0]["last_error"].as_str().unwrap().contains("550"));
    assert_eq!(received(sink.dir.path()).len(), stats.sent);
}
on_both_backends!(a_permanent_failure_is_listed_with_its_error);

async fn concurrent_workers_claim_disjoint_jobs(app: TestApp) {
    let (event, _) = publish_demo(&app).await;
    let total = outbox(&app, event).await.len();
    let claimed: Vec<Vec<i64>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..4)
            .map(|w| {
                let pool = app.pool.clone();
                scope.spawn(move || {
                    let mut conn = pool.get().expect("a connection");
                    let mut mine = Vec::new();
                    loop {
                        let batch = claim(&mut conn, &format!("w{w}"), 7, Duration::from_secs(60))
                            .expect("a claim");
                        if batch.is_empty() {
                            return mine;
                        }
                        mine.extend(batch.iter().map(|j| j.id));
                    }
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("a claiming thread"))
            .collect()
    });
    let all: Vec<i64> = claimed.iter().flatten().copied().collect();
    let distinct: BTreeSet<i64> = all.iter().copied().collect();
    assert_eq!(all.len(), distinct.len(), "a job was claimed twice");
    assert_eq!(distinct.len(), total, "every job was claimed");
    assert!(outbox(&app, event)
        .await
        .iter()
        .all(|j| j["status"] == "sending" && j["attempts"] == 1));
}
on_both_backends!(concurrent_workers_claim_disjoint_jobs);

async fn digests_wait_for_eight_in_each_zone(app: TestApp) {
    let (status, event) = call(
        &app,
        "/api/v1/events",
        Some(&json!({
            "name": "Future tour",
            "kind": "matchmaking_tour",
            "time_zone": "Europe/Berlin",
            "start_date": "2030-06-03",
            "end_date": "2030-06-04",
            "days": ["2030-06-03", "2030-06-04"],
            "rooms": 4
        })),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{event}");
    let id = event["id"].as_i64().unwrap();
    let base = format!("/api/v1/events/{id}");
    let window =
        json!({"date": "2030-06-03", "start": "09:00", "end": "10:00", "slot_minutes": 20});
    assert_eq!(
        call(&app, &format!("{base}/windows"), Some(&window))
            .await
            .0,
        StatusCode::CREATED
    );
    let mut people = Vec::new();
    for (name, zone) in [("Anna", "Europe/Berlin"), ("Wang", "Asia/Shanghai")] {
        let body = json!({"name": name, "email": format!("{}@example.org", name.to_lowercase()), "time_zone": zone});
        let (status, p) = call(&app, &format!("{base}/participants"), Some(&body)).await;
        assert_eq!(status, StatusCode::CREATED, "{p}");
        people.push(p["id"].as_i64().unwrap());
    }
    let book = |start: &str| json!({"participant_ids": people, "start": start});
    let mut versions = Vec::new();
    for start in ["2030-06-03T07:00:00Z", "2030-06-03T07:20:00Z"] {
        let (_, draft) = call(&app, &format!("{base}/schedule/versions"), Some(&json!({}))).await;
        let v = draft["version"]["id"].as_i64().unwrap();
        let (status, b) = call(
            &app,
            &format!("{base}/schedule/versions/{v}/bookings"),
            Some(&book(start)),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED, "{b}");
        publish(&app, id, v).await;
        versions.push(v);
    }
    let jobs = outbox(&app, id).await;
    let digests: Vec<&Value> = jobs.iter().filter(|j| j["kind"] == "digest").collect();
    // The first version's digests were withdrawn when the second was published.
    assert_eq!(digests.len(), 2, "{digests:?}");
    let due: BTreeMap<i64, &str> = digests
        .iter()
        .map(|j| {
            assert!(j["message_id"]
                .as_str()
                .unwrap()
                .contains(&format!("-v{}-", versions[1])));
            (
                j["participant_id"].as_i64().unwrap(),
                j["next_attempt_at"].as_str().unwrap(),
            )
        })
        .collect();
    // 08:00 CEST is 06:00 UTC; 08:00 in Beijing is 00:00 UTC.
    assert_eq!(due[&people[0]], "2030-06-03T06:00:00Z");
    assert_eq!(due[&people[1]], "2030-06-03T00:00:00Z");

    // What is due goes now; the digests wait for their morning.
    let mailbox = matchtour::mail::MemoryMailbox::default();
    let worker = Worker::new(
        app.pool.clone(),
        Mailer::Memory(mailbox.clone()),
        RenderSettings {
            from: FROM.into(),
            public_url: "https://matchtour.example".into(),
        },
        quick(),
    );
    let stats = worker.drain().await.expect("the worker runs");
    assert_eq!(stats.sent, jobs.len() - 2);
    assert!(mailbox
        .messages()
        .iter()
        .all(|m| !m.message_id.starts_with("<digest-")));
    let waiting = outbox(&app, id).await;
    assert!(waiting
        .iter()
        .all(|j| (j["kind"] == "digest") == (j["status"] == "queued")));
}
on_both_backends!(digests_wait_for_eight_in_each_zone);
