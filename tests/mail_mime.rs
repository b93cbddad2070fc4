//! The MIME structure of our messages, read back by an independent parser (Python's `email`
//! package), and the calendar part read back by Python's `icalendar`.

use std::io::Write;
use std::process::{Command, Stdio};

use chrono::{DateTime, Utc};
use matchtour::calendar::{render_invitation, Attendee, CalEvent, Method, Person, Role};
use matchtour::mail::{
    message_id_for, render, render_itinerary, render_meeting_notice, ItineraryItem, ItineraryView,
    Letter, Locale, MeetingNoticeView, NoticeKind,
};
use serde_json::Value;

fn python(script: &str, module: &str, input: &[u8]) -> Value {
    let probe = Command::new("python3")
        .args(["-c", &format!("import {module}")])
        .output()
        .expect("python3 is required by the mail tests");
    assert!(
        probe.status.success(),
        "Python module {module} is missing (run scripts/install-test-deps): {}",
        String::from_utf8_lossy(&probe.stderr)
    );
    let mut child = Command::new("python3")
        .arg(format!("{}/scripts/{script}", env!("CARGO_MANIFEST_DIR")))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python3 starts");
    child
        .stdin
        .take()
        .expect("stdin is piped")
        .write_all(input)
        .expect("python reads the input");
    let output = child.wait_with_output().expect("python finishes");
    assert!(
        output.status.success(),
        "{script} fails: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("the script prints JSON")
}

fn utc(s: &str) -> DateTime<Utc> {
    s.parse().expect("a test instant")
}

const FROM: &str = "matchtour <noreply@matchtour.example>";

fn zhang() -> Person {
    Person {
        name: "张伟".into(),
        email: "zhang.wei@example.cn".into(),
    }
}

fn organiser() -> Person {
    Person {
        name: "Organisationsteam Müller".into(),
        email: "events@matchtour.example".into(),
    }
}

fn meeting(sequence: u32) -> CalEvent {
    CalEvent {
        uid: "meeting-9@matchtour.example".into(),
        sequence,
        dtstamp: utc("2021-11-20T08:00:00Z"),
        start: utc("2021-11-29T08:00:00Z"),
        end: utc("2021-11-29T08:30:00Z"),
        summary: "双边会谈：Anna Müller / 张伟".into(),
        description: "Personalisierte Medizin".into(),
        local_times: vec![
            "北京：11月29日 16:00–16:30".into(),
            "Berlin: 29.11., 09:00–09:30".into(),
        ],
        location: None,
        url: Some("https://meet.example/r/9".into()),
        organizer: organiser(),
        attendees: vec![
            Attendee {
                person: zhang(),
                role: Role::Required,
            },
            Attendee {
                person: Person {
                    name: "Anna Müller".into(),
                    email: "anna@example.de".into(),
                },
                role: Role::Required,
            },
        ],
    }
}

fn notice(kind: NoticeKind) -> MeetingNoticeView {
    MeetingNoticeView {
        locale: Locale::Zh,
        kind,
        recipient_name: "张伟".into(),
        event_name: "Collaboration Week".into(),
        title: "与 Anna Müller 的双边会谈".into(),
        when_own: "11月29日 16:00–16:30 (北京)".into(),
        when_counterpart: Some("09:00–09:30 (Berlin)".into()),
        previous_when_own: None,
        counterpart: Some("Anna Müller".into()),
        organisation: Some("Charité <Berlin>".into()),
        interpreter: Some("Li Na".into()),
        video_link: Some("https://meet.example/r/9".into()),
        personal_link: "https://matchtour.example/p/zw".into(),
    }
}

fn letter(method: Method, kind: NoticeKind, sequence: u32) -> (Letter, String) {
    let ics = render_invitation(method, &meeting(sequence)).unwrap();
    let text = ics.text.clone();
    let letter = Letter {
        message_id: message_id_for(&format!("outbox-{sequence}"), FROM).unwrap(),
        date: utc("2021-11-20T08:00:05Z"),
        from: FROM.into(),
        reply_to: Some(organiser()),
        to: zhang(),
        content: render_meeting_notice(&notice(kind)).unwrap(),
        calendar: Some(ics),
    };
    (letter, text)
}

fn content_types(node: &Value) -> Vec<String> {
    node["parts"]
        .as_array()
        .expect("a multipart node")
        .iter()
        .map(|p| p["content_type"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn an_invitation_is_alternative_text_html_calendar_inside_mixed_with_the_ics_attached() {
    let (letter, ics) = letter(Method::Request, NoticeKind::New, 0);
    let mail = render(&letter).unwrap();
    let parsed = python("mime_to_json.py", "email", &mail.bytes);

    assert_eq!(parsed["subject"], "邀请：与 Anna Müller 的双边会谈");
    assert_eq!(parsed["to"], "张伟 <zhang.wei@example.cn>");
    assert_eq!(parsed["from"], FROM);
    assert_eq!(
        parsed["reply_to"],
        "Organisationsteam Müller <events@matchtour.example>"
    );
    assert_eq!(parsed["message_id"], "<outbox-0@matchtour.example>");
    assert_eq!(parsed["mime_version"], "1.0");
    let raw = String::from_utf8_lossy(&mail.bytes);
    assert!(raw.contains("Content-Type: text/calendar; charset=UTF-8; method=REQUEST\r\n"));
    // The raw header is ASCII (RFC 2047 encoded words), as SMTP without SMTPUTF8 needs.
    let raw_headers = mail
        .bytes
        .split(|&b| b == b'\n')
        .take_while(|l| l.len() > 1);
    for line in raw_headers {
        assert!(line.is_ascii(), "{}", String::from_utf8_lossy(line));
    }

    let root = &parsed["root"];
    assert_eq!(root["content_type"], "multipart/mixed");
    assert_eq!(
        content_types(root),
        ["multipart/alternative", "application/ics"]
    );
    let alternative = &root["parts"][0];
    assert_eq!(
        content_types(alternative),
        ["text/plain", "text/html", "text/calendar"]
    );
    let plain = &alternative["parts"][0];
    assert!(plain["body"].as_str().unwrap().contains("张伟，您好："));
    assert!(plain["body"]
        .as_str()
        .unwrap()
        .contains("加入会议：https://meet.example/r/9"));
    let html = alternative["parts"][1]["body"].as_str().unwrap();
    assert!(html.contains("Charité &lt;Berlin&gt;"));
    assert!(html.contains("<a href=\"https:"));

    let calendar = &alternative["parts"][2];
    assert_eq!(calendar["params"]["method"], "REQUEST");
    assert_eq!(calendar["params"]["charset"], "UTF-8");
    assert_eq!(calendar["disposition"], Value::Null);
    assert_eq!(calendar["body"], ics.as_str());

    let attachment = &root["parts"][1];
    assert_eq!(attachment["disposition"], "attachment");
    assert_eq!(attachment["filename"], "invite.ics");
    assert_eq!(attachment["body"], ics.as_str());

    // The calendar as the recipient's client sees it.
    let event = python(
        "ics_to_json.py",
        "icalendar",
        calendar["body"].as_str().unwrap().as_bytes(),
    );
    assert_eq!(event["method"], "REQUEST");
    assert_eq!(event["events"][0]["dtstart"], "2021-11-29T08:00:00Z");
    assert_eq!(
        event["events"][0]["summary"],
        "双边会谈：Anna Müller / 张伟"
    );
}

#[test]
fn a_cancellation_says_cancel_in_the_mime_type_too() {
    let (letter, ics) = letter(Method::Cancel, NoticeKind::Cancelled, 3);
    let parsed = python("mime_to_json.py", "email", &render(&letter).unwrap().bytes);
    assert_eq!(parsed["subject"], "取消：与 Anna Müller 的双边会谈");
    let calendar = &parsed["root"]["parts"][0]["parts"][2];
    assert_eq!(calendar["content_type"], "text/calendar");
    assert_eq!(calendar["params"]["method"], "CANCEL");
    assert_eq!(calendar["body"], ics.as_str());
    let event = python("ics_to_json.py", "icalendar", ics.as_bytes());
    assert_eq!(event["method"], "CANCEL");
    assert_eq!(event["events"][0]["status"], "CANCELLED");
    assert_eq!(event["events"][0]["sequence"], 3);
}

#[test]
fn the_itinerary_is_text_and_html_without_a_calendar() {
    let view = ItineraryView {
        locale: Locale::De,
        recipient_name: "Anna Müller".into(),
        event_name: "Matchmaking-Tour China 2021".into(),
        items: vec![ItineraryItem {
            when_own: "Mo 29.03., 09:00–09:30 MESZ".into(),
            when_counterpart: Some("15:00–15:30 CST".into()),
            title: "Bilaterales Gespräch".into(),
            counterpart: Some("张伟".into()),
            organisation: Some("Shanghai Genomics".into()),
            interpreter: Some("Li Na".into()),
            video_link: Some("https://meet.example/r/9".into()),
        }],
        personal_link: "https://matchtour.example/p/am".into(),
        feed_url: "https://matchtour.example/feed/am.ics".into(),
    };
    let letter = Letter {
        message_id: message_id_for("itinerary-am", FROM).unwrap(),
        date: utc("2021-03-20T08:00:00Z"),
        from: FROM.into(),
        reply_to: None,
        to: Person {
            // A comma and quotes in a display name must not split the address list.
            name: "Müller, Anna \"Doc\"".into(),
            email: "anna@example.de".into(),
        },
        content: render_itinerary(&view).unwrap(),
        calendar: None,
    };
    let parsed = python("mime_to_json.py", "email", &render(&letter).unwrap().bytes);
    assert_eq!(
        parsed["subject"],
        "Ihr Programm: Matchmaking-Tour China 2021"
    );
    assert_eq!(
        parsed["to_addresses"],
        serde_json::json!([["Müller, Anna \"Doc\"", "anna@example.de"]])
    );
    assert_eq!(parsed["root"]["content_type"], "multipart/alternative");
    assert_eq!(content_types(&parsed["root"]), ["text/plain", "text/html"]);
    let plain = parsed["root"]["parts"][0]["body"].as_str().unwrap();
    assert!(plain.contains("Mo 29.03., 09:00–09:30 MESZ (Ortszeit Gegenseite: 15:00–15:30 CST)"));
    assert!(plain.contains("Mit: 张伟, Shanghai Genomics"));
    assert!(plain.contains("https://matchtour.example/feed/am.ics"));
}
