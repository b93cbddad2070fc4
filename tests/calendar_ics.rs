//! Every calendar object we produce, read back by an independent parser: Python's
//! `icalendar` (installed by scripts/install-test-deps). Without it these tests fail.

use std::io::Write;
use std::process::{Command, Stdio};

use chrono::{DateTime, Duration, TimeZone, Utc};
use matchtour::calendar::{
    render_feed, render_invitation, Attendee, CalEvent, Method, Person, Role, PRODID,
};
use rand::{rngs::StdRng, Rng, SeedableRng};
use serde_json::Value;

/// Runs `scripts/ics_to_json.py` on the object and returns what Python understood.
fn python_parse(ics: &str) -> Value {
    let root = env!("CARGO_MANIFEST_DIR");
    let probe = Command::new("python3")
        .args(["-c", "import icalendar"])
        .output()
        .expect("python3 is required by the calendar tests");
    assert!(
        probe.status.success(),
        "Python's icalendar is missing (run scripts/install-test-deps): {}",
        String::from_utf8_lossy(&probe.stderr)
    );
    let mut child = Command::new("python3")
        .arg(format!("{root}/scripts/ics_to_json.py"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python3 starts");
    child
        .stdin
        .take()
        .expect("stdin is piped")
        .write_all(ics.as_bytes())
        .expect("python reads the object");
    let output = child.wait_with_output().expect("python finishes");
    assert!(
        output.status.success(),
        "Python's icalendar rejects the object: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("the script prints JSON")
}

/// No line longer than 75 octets, CRLF only, and every physical line valid UTF-8 on its
/// own: folding never cut a character in two.
fn assert_folded_correctly(ics: &str) {
    let bytes = ics.as_bytes();
    assert!(bytes.ends_with(b"\r\n"), "CRLF at the end");
    let body = &bytes[..bytes.len() - 2];
    let mut start = 0;
    // Physical lines are separated by CRLF; neither CR nor LF may appear alone.
    while start <= body.len() {
        let end = body[start..]
            .windows(2)
            .position(|w| w == b"\r\n")
            .map_or(body.len(), |p| start + p);
        let line = &body[start..end];
        let shown = String::from_utf8_lossy(line);
        assert!(
            !line.contains(&b'\r') && !line.contains(&b'\n'),
            "bare CR/LF: {shown:?}"
        );
        assert!(line.len() <= 75, "{} octets: {shown:?}", line.len());
        assert!(
            std::str::from_utf8(line).is_ok(),
            "a fold split a character: {shown:?}"
        );
        start = end + 2;
    }
}

fn utc(s: &str) -> DateTime<Utc> {
    s.parse().expect("a test instant")
}

fn iso(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

fn person(name: &str, email: &str) -> Person {
    Person {
        name: name.into(),
        email: email.into(),
    }
}

/// A meeting across the European DST switch of 28 March 2021: booked in UTC.
fn meeting() -> CalEvent {
    CalEvent {
        uid: "meeting-4711@matchtour.example".into(),
        sequence: 0,
        dtstamp: utc("2021-03-20T10:00:00Z"),
        start: utc("2021-03-29T07:00:00Z"),
        end: utc("2021-03-29T07:30:00Z"),
        summary: "Gespräch: Müller; Zhang, Wei\nzweite Zeile 🎉".into(),
        description: "Agenda:\n1. Genomics, AI; data\\privacy\n2. 合作 🤝".into(),
        local_times: vec![
            "Berlin: Mo 29.03.2021, 09:00–09:30 MESZ".into(),
            "北京：2021年3月29日 15:00–15:30 CST".into(),
        ],
        location: None,
        url: Some("https://meet.example/r/4711?pwd=a;b,c".into()),
        organizer: person("Team, Matchtour", "events@matchtour.example"),
        attendees: vec![
            Attendee {
                person: person("Anna Müller", "anna.mueller@example.de"),
                role: Role::Required,
            },
            Attendee {
                person: person("张伟 (Zhang Wei) 🧬", "zhang.wei@example.cn"),
                role: Role::Required,
            },
            Attendee {
                person: person("Line\nBreak; Semi, Colon: \"Quote\"", "tricky@example.org"),
                role: Role::Optional,
            },
        ],
    }
}

#[test]
fn invitation_parses_and_its_instants_are_the_booked_utc_times() {
    let event = meeting();
    let ics = render_invitation(Method::Request, &event).unwrap();
    assert_folded_correctly(&ics.text);
    let parsed = python_parse(&ics.text);
    assert_eq!(parsed["method"], "REQUEST");
    assert_eq!(parsed["version"], "2.0");
    assert_eq!(parsed["prodid"], PRODID);
    let events = parsed["events"].as_array().unwrap();
    assert_eq!(events.len(), 1);
    let e = &events[0];
    assert_eq!(e["method_inside"], false);
    assert_eq!(e["uid"], event.uid);
    assert_eq!(e["sequence"], 0);
    assert_eq!(e["status"], "CONFIRMED");
    assert_eq!(e["dtstart"], iso(event.start));
    assert_eq!(e["dtend"], iso(event.end));
    assert_eq!(e["dtstamp"], iso(event.dtstamp));
    assert_eq!(e["summary"], event.summary);
    assert_eq!(
        e["description"],
        format!(
            "{}\n\n{}\n{}\n{}",
            event.description,
            event.local_times[0],
            event.local_times[1],
            event.url.as_deref().unwrap()
        )
    );
    assert_eq!(e["url"], "https://meet.example/r/4711?pwd=a;b,c");
    assert_eq!(e["location"], "https://meet.example/r/4711?pwd=a;b,c");
    assert_eq!(e["organizer"]["value"], "mailto:events@matchtour.example");
    assert_eq!(e["organizer"]["CN"], "Team, Matchtour");

    let attendees = e["attendees"].as_array().unwrap();
    assert_eq!(attendees.len(), 3);
    assert_eq!(attendees[1]["value"], "mailto:zhang.wei@example.cn");
    assert_eq!(attendees[1]["CN"], "张伟 (Zhang Wei) 🧬");
    assert_eq!(attendees[1]["ROLE"], "REQ-PARTICIPANT");
    assert_eq!(attendees[1]["PARTSTAT"], "NEEDS-ACTION");
    assert_eq!(attendees[1]["RSVP"], "TRUE");
    // A parameter cannot hold a line break or DQUOTE (RFC 5545 §3.2): they become a space
    // and an apostrophe; the comma, semicolon and colon survive inside quotes.
    assert_eq!(attendees[2]["CN"], "Line Break; Semi, Colon: 'Quote'");
    assert_eq!(attendees[2]["ROLE"], "OPT-PARTICIPANT");
}

#[test]
fn an_update_and_a_cancellation_keep_the_uid_and_raise_the_sequence() {
    let mut event = meeting();
    event.sequence = 1;
    event.dtstamp = utc("2021-03-25T09:00:00Z");
    event.start += Duration::hours(1);
    event.end += Duration::hours(1);
    let update = python_parse(&render_invitation(Method::Request, &event).unwrap().text);
    assert_eq!(update["method"], "REQUEST");
    assert_eq!(update["events"][0]["uid"], "meeting-4711@matchtour.example");
    assert_eq!(update["events"][0]["sequence"], 1);
    assert_eq!(update["events"][0]["dtstart"], "2021-03-29T08:00:00Z");

    event.sequence = 2;
    let ics = render_invitation(Method::Cancel, &event).unwrap();
    assert_folded_correctly(&ics.text);
    let cancel = python_parse(&ics.text);
    assert_eq!(cancel["method"], "CANCEL");
    let e = &cancel["events"][0];
    assert_eq!(e["uid"], "meeting-4711@matchtour.example");
    assert_eq!(e["sequence"], 2);
    assert_eq!(e["status"], "CANCELLED");
    assert_eq!(e["attendees"].as_array().unwrap().len(), 3);
}

#[test]
fn a_long_chinese_and_emoji_text_folds_on_character_boundaries() {
    let mut event = meeting();
    // Every offset of 1-, 2-, 3- and 4-octet characters against the 75-octet limit.
    for prefix in 0..4 {
        event.summary = format!("{}{}", "x".repeat(prefix), "中文🎉é,;\\".repeat(40));
        event.description = "数字健康合作与投资者会面。".repeat(30);
        let ics = render_invitation(Method::Request, &event).unwrap();
        assert_folded_correctly(&ics.text);
        let parsed = python_parse(&ics.text);
        assert_eq!(parsed["events"][0]["summary"], event.summary);
        assert!(parsed["events"][0]["description"]
            .as_str()
            .unwrap()
            .starts_with(&event.description));
    }
}

#[test]
fn a_feed_of_sessions_and_meetings_round_trips_random_text() {
    // Random text from a pool with every character class that needs care; one feed, one
    // Python run, many events. No backslash here: Python's icalendar unescapes with chained
    // `str.replace` calls, so it misreads `\\` next to `n`, `;` or `,` (our escaping is
    // exact; the unit property test checks backslashes with the Rust parser, and the
    // invitation test above has one where Python reads it right).
    let pool: Vec<char> = "aZ09 ,;:\"'\n\r\téüß中文张伟王芳🎉🤝🧬\u{301}<>&"
        .chars()
        .collect();
    let mut rng = StdRng::seed_from_u64(20210322);
    let mut random_text = |len: usize| -> String {
        (0..len)
            .map(|_| pool[rng.gen_range(0..pool.len())])
            .collect()
    };
    let base = Utc.with_ymd_and_hms(2021, 11, 29, 8, 0, 0).unwrap();
    let events: Vec<CalEvent> = (0..150)
        .map(|i| {
            let mut event = meeting();
            event.uid = format!("item-{i}@matchtour.example");
            event.sequence = i % 4;
            event.start = base + Duration::minutes(30 * i64::from(i));
            event.end = event.start + Duration::minutes(25);
            event.summary = random_text(1 + (i as usize * 7) % 90);
            event.description = random_text((i as usize * 13) % 200);
            event.location = (i % 3 == 0).then(|| random_text(20));
            if i % 2 == 0 {
                // Sessions have no attendee list; meetings do, but a feed leaves it out.
                event.attendees.clear();
            }
            event
        })
        .collect();
    let feed = render_feed("Collaboration Week — 张伟", &events).unwrap();
    assert_folded_correctly(&feed.text);
    let parsed = python_parse(&feed.text);
    assert_eq!(parsed["method"], "PUBLISH");
    assert_eq!(parsed["calname"], "Collaboration Week — 张伟");
    let parsed_events = parsed["events"].as_array().unwrap();
    assert_eq!(parsed_events.len(), events.len());
    let normalise = |s: &str| s.replace("\r\n", "\n").replace('\r', "\n");
    for (ours, theirs) in events.iter().zip(parsed_events) {
        assert_eq!(theirs["uid"], ours.uid);
        assert_eq!(theirs["sequence"], ours.sequence);
        assert_eq!(theirs["dtstart"], iso(ours.start));
        assert_eq!(theirs["dtend"], iso(ours.end));
        assert_eq!(theirs["status"], "CONFIRMED");
        assert_eq!(theirs["attendees"], serde_json::json!([]));
        assert_eq!(
            theirs["organizer"]["value"],
            "mailto:events@matchtour.example"
        );
        assert_eq!(theirs["summary"], normalise(&ours.summary));
        let description = theirs["description"].as_str().unwrap();
        assert!(description.starts_with(normalise(ours.description.trim_end()).as_str()));
        if let Some(location) = &ours.location {
            assert_eq!(theirs["location"], normalise(location));
        }
    }
}
