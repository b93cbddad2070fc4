use chrono::TimeZone;
use icalendar::{Calendar, CalendarComponent, Component, EventLike};
use proptest::prelude::*;

use super::*;

fn person(name: &str, email: &str) -> Person {
    Person {
        name: name.into(),
        email: email.into(),
    }
}

fn meeting() -> CalEvent {
    CalEvent {
        uid: "meeting-17@matchtour.example".into(),
        sequence: 0,
        dtstamp: Utc.with_ymd_and_hms(2021, 3, 10, 12, 0, 0).unwrap(),
        start: Utc.with_ymd_and_hms(2021, 3, 22, 8, 0, 0).unwrap(),
        end: Utc.with_ymd_and_hms(2021, 3, 22, 8, 30, 0).unwrap(),
        summary: "Bilateral talk: Müller / 张伟".into(),
        description: "Digital health cooperation".into(),
        local_times: vec![
            "Berlin: Mon 22 Mar 2021, 09:00 CET".into(),
            "Beijing: Mon 22 Mar 2021, 16:00 CST".into(),
        ],
        location: None,
        url: Some("https://meet.example/r/17".into()),
        organizer: person("Organiser, Team", "events@matchtour.example"),
        attendees: vec![
            Attendee {
                person: person("Anna Müller", "anna@example.de"),
                role: Role::Required,
            },
            Attendee {
                person: person("张伟", "zhang.wei@example.cn"),
                role: Role::Required,
            },
            Attendee {
                person: person("Interpreter", "interp@example.org"),
                role: Role::NonParticipant,
            },
        ],
    }
}

/// Content lines with folding undone (RFC 5545 §3.1).
fn unfolded(text: &str) -> Vec<String> {
    text.replace("\r\n ", "")
        .split("\r\n")
        .filter(|line| !line.is_empty())
        .map(str::to_owned)
        .collect()
}

fn assert_well_formed(text: &str) {
    assert!(text.ends_with("\r\n"), "CRLF at the end");
    let body = &text[..text.len() - 2];
    for line in body.split("\r\n") {
        assert!(line.len() <= 75, "line of {} octets: {line:?}", line.len());
        assert!(
            !line.contains(['\r', '\n']),
            "bare CR or LF inside {line:?}"
        );
    }
}

fn parse(text: &str) -> Calendar {
    text.parse::<Calendar>()
        .unwrap_or_else(|e| panic!("the icalendar parser rejects our output: {e}\n{text}"))
}

fn only_event(calendar: &Calendar) -> &icalendar::Event {
    let events: Vec<_> = calendar
        .components
        .iter()
        .filter_map(CalendarComponent::as_event)
        .collect();
    assert_eq!(events.len(), 1);
    events[0]
}

#[test]
fn invitation_has_method_at_calendar_level_and_all_itip_properties() {
    let ics = render_invitation(Method::Request, &meeting()).unwrap();
    assert_eq!(ics.method, Method::Request);
    assert_well_formed(&ics.text);
    let lines = unfolded(&ics.text);
    let begin_event = lines.iter().position(|l| l == "BEGIN:VEVENT").unwrap();
    let method = lines.iter().position(|l| l == "METHOD:REQUEST").unwrap();
    assert!(method < begin_event, "METHOD belongs to VCALENDAR");
    assert_eq!(lines.iter().filter(|l| l.starts_with("METHOD")).count(), 1);
    for expected in [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        &format!("PRODID:{PRODID}"),
        "UID:meeting-17@matchtour.example",
        "SEQUENCE:0",
        "DTSTAMP:20210310T120000Z",
        "DTSTART:20210322T080000Z",
        "DTEND:20210322T083000Z",
        "STATUS:CONFIRMED",
        "URL:https://meet.example/r/17",
        "LOCATION:https://meet.example/r/17",
        "ORGANIZER;CN=\"Organiser, Team\":mailto:events@matchtour.example",
        "END:VCALENDAR",
    ] {
        assert!(lines.iter().any(|l| l == expected), "missing {expected}");
    }
    let attendees: Vec<_> = lines.iter().filter(|l| l.starts_with("ATTENDEE")).collect();
    assert_eq!(attendees.len(), 3);
    assert!(attendees.iter().any(|l| l.contains("CN=张伟")
        && l.contains("ROLE=REQ-PARTICIPANT")
        && l.contains("PARTSTAT=NEEDS-ACTION")
        && l.contains("RSVP=TRUE")
        && l.ends_with(":mailto:zhang.wei@example.cn")));
    assert!(attendees
        .iter()
        .any(|l| l.contains("ROLE=NON-PARTICIPANT") && l.contains("RSVP=FALSE")));
}

#[test]
fn description_carries_both_local_times_and_the_join_link() {
    let ics = render_invitation(Method::Request, &meeting()).unwrap();
    let calendar = parse(&ics.text);
    let description = only_event(&calendar).get_description().unwrap().to_owned();
    assert_eq!(
        description,
        "Digital health cooperation\n\nBerlin: Mon 22 Mar 2021, 09:00 CET\n\
         Beijing: Mon 22 Mar 2021, 16:00 CST\nhttps://meet.example/r/17"
    );
}

#[test]
fn a_physical_location_wins_over_the_link_in_location() {
    let mut event = meeting();
    event.location = Some("Hall 3, Stand B12".into());
    let ics = render_invitation(Method::Request, &event).unwrap();
    let calendar = parse(&ics.text);
    let vevent = only_event(&calendar);
    assert_eq!(vevent.get_location(), Some("Hall 3, Stand B12"));
    assert_eq!(vevent.get_url(), Some("https://meet.example/r/17"));
}

#[test]
fn cancellation_keeps_the_uid_raises_nothing_itself_and_asks_no_answer() {
    let mut event = meeting();
    event.sequence = 2;
    let ics = render_invitation(Method::Cancel, &event).unwrap();
    let lines = unfolded(&ics.text);
    assert!(lines.iter().any(|l| l == "METHOD:CANCEL"));
    assert!(lines.iter().any(|l| l == "STATUS:CANCELLED"));
    assert!(lines.iter().any(|l| l == "SEQUENCE:2"));
    assert!(lines
        .iter()
        .any(|l| l == "UID:meeting-17@matchtour.example"));
    assert!(!ics.text.contains("RSVP"));
    assert!(!ics.text.contains("PARTSTAT"));
}

#[test]
fn rendering_is_deterministic() {
    let a = render_invitation(Method::Request, &meeting()).unwrap();
    let b = render_invitation(Method::Request, &meeting()).unwrap();
    assert_eq!(a, b);
}

#[test]
fn feed_publishes_many_events_with_a_name() {
    let mut second = meeting();
    second.uid = "session-3@matchtour.example".into();
    second.attendees.clear();
    let ics = render_feed("Matchtour; Müller, Anna", &[meeting(), second]).unwrap();
    assert_eq!(ics.method, Method::Publish);
    assert_well_formed(&ics.text);
    let lines = unfolded(&ics.text);
    assert!(lines.iter().any(|l| l == "METHOD:PUBLISH"));
    assert!(lines
        .iter()
        .any(|l| l == "X-WR-CALNAME:Matchtour\\; Müller\\, Anna"));
    assert_eq!(lines.iter().filter(|l| *l == "BEGIN:VEVENT").count(), 2);
    assert!(lines
        .iter()
        .any(|l| l == "REFRESH-INTERVAL;VALUE=DURATION:PT1H"));
    assert!(!lines.iter().any(|l| l.starts_with("ATTENDEE")));
    assert_eq!(
        lines.iter().filter(|l| l.starts_with("ORGANIZER")).count(),
        2
    );
    let calendar = parse(&ics.text);
    let uids: Vec<_> = calendar
        .components
        .iter()
        .filter_map(CalendarComponent::as_event)
        .filter_map(|e| e.get_uid())
        .collect();
    assert_eq!(
        uids,
        [
            "meeting-17@matchtour.example",
            "session-3@matchtour.example"
        ]
    );
}

#[test]
fn an_empty_feed_is_still_a_valid_calendar() {
    let ics = render_feed("empty", &[]).unwrap();
    assert_well_formed(&ics.text);
    assert!(ics.text.contains("METHOD:PUBLISH\r\n"));
}

#[test]
fn names_cannot_inject_properties() {
    let mut event = meeting();
    event.attendees[0].person.name = "Eve\r\nATTENDEE:mailto:mallory@evil.example".into();
    event.organizer.name = "Org\"\nMETHOD:PUBLISH".into();
    event.summary = "Hi\r\nMETHOD:PUBLISH".into();
    let ics = render_invitation(Method::Request, &event).unwrap();
    assert_well_formed(&ics.text);
    let lines = unfolded(&ics.text);
    assert_eq!(
        lines.iter().filter(|l| l.starts_with("ATTENDEE")).count(),
        3
    );
    assert_eq!(lines.iter().filter(|l| l.starts_with("METHOD")).count(), 1);
    assert!(!lines
        .iter()
        .any(|l| l.starts_with("ATTENDEE:mailto:mallory")));
    let calendar = parse(&ics.text);
    assert_eq!(
        only_event(&calendar).get_summary(),
        Some("Hi\nMETHOD:PUBLISH")
    );
}

#[test]
fn bad_input_is_a_typed_error_not_a_panic() {
    let mut event = meeting();
    event.end = event.start;
    assert!(matches!(
        render_invitation(Method::Request, &event),
        Err(CalendarError::EndsBeforeStart { .. })
    ));
    let mut event = meeting();
    event.attendees[1].person.email = "zhang wei@example.cn".into();
    assert!(matches!(
        render_invitation(Method::Request, &event),
        Err(CalendarError::InvalidEmail(_))
    ));
    let mut event = meeting();
    event.url = Some("https://meet.example/\nX".into());
    assert!(matches!(
        render_invitation(Method::Request, &event),
        Err(CalendarError::InvalidUrl(_))
    ));
    let mut event = meeting();
    event.uid = String::new();
    assert!(matches!(
        render_feed("x", &[event]),
        Err(CalendarError::InvalidUid(_))
    ));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Any text survives: lines stay within 75 octets, folding never splits a character (the
    /// output is a `String`, and unfolding gives back the exact value), and the parsed value
    /// equals the input with its line breaks normalised.
    #[test]
    fn any_text_round_trips(
        summary in "(\\PC|[\\r\\n,;\\\\\"]){0,120}",
        name in "(\\PC|[\\r\\n,;:\"]){0,60}",
        wide in "[张伟王芳🎉😀ü]{0,80}",
    ) {
        let mut event = meeting();
        event.summary = format!("{summary}{wide}");
        event.description = wide.repeat(3);
        event.attendees[0].person.name = name.clone();
        let ics = render_invitation(Method::Request, &event).unwrap();
        assert_well_formed(&ics.text);
        let calendar = parse(&ics.text);
        let vevent = only_event(&calendar);
        let expected_summary = sanitize::text(&event.summary);
        prop_assert_eq!(vevent.get_summary(), Some(expected_summary.as_str()));
        let attendees = unfolded(&ics.text)
            .into_iter()
            .filter(|l| l.starts_with("ATTENDEE"))
            .count();
        prop_assert_eq!(attendees, 3);
    }
}
