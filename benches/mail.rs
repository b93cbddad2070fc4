//! Rendering what a publish sends: per participant, the itinerary email plus one invitation
//! email (calendar object + MIME message) per meeting. The figure of interest is the
//! 10,000-participant batch.

use std::hint::black_box;
use std::time::Duration;

use chrono::{DateTime, Duration as Minutes, TimeZone, Utc};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use matchtour::calendar::{render_invitation, Attendee, CalEvent, Method, Person, Role};
use matchtour::mail::{
    message_id_for, render, render_itinerary, render_meeting_notice, ItineraryItem, ItineraryView,
    Letter, Locale, MeetingNoticeView, NoticeKind, RenderedMail,
};

const FROM: &str = "matchtour <noreply@matchtour.example>";
const PARTICIPANTS: usize = 10_000;
/// Meetings per participant, each with its own invitation email.
const MEETINGS: usize = 3;
/// Itinerary lines per participant: the meetings plus programme sessions.
const ITEMS: usize = 8;

fn locale(i: usize) -> Locale {
    [Locale::En, Locale::De, Locale::Zh][i % 3]
}

fn person(i: usize) -> Person {
    Person {
        name: if i % 2 == 0 {
            format!("张伟 {i}")
        } else {
            format!("Anna Müller {i}")
        },
        email: format!("p{i}@example.org"),
    }
}

fn item(j: usize) -> ItineraryItem {
    ItineraryItem {
        when_own: format!("Mon 29 Nov, {:02}:00–{:02}:30 CET", 9 + j % 3, 9 + j % 3),
        when_counterpart: Some(format!("{:02}:00–{:02}:30 CST", 16 + j % 3, 16 + j % 3)),
        title: format!("Bilateral talk {j}"),
        counterpart: Some("王芳".into()),
        organisation: Some("Shanghai Genomics & Co <Ltd>".into()),
        interpreter: (j % 2 == 0).then(|| "Li Na".into()),
        video_link: Some(format!("https://meet.example/r/{j}")),
    }
}

fn meeting(i: usize, m: usize, start: DateTime<Utc>) -> CalEvent {
    CalEvent {
        uid: format!("meeting-{i}-{m}@matchtour.example"),
        sequence: 0,
        dtstamp: start - Minutes::days(7),
        start,
        end: start + Minutes::minutes(30),
        summary: format!("Bilateral talk: {} / 王芳", person(i).name),
        description: "Personalised medicine; market access, funding".into(),
        local_times: vec![
            "Berlin: Mon 29 Nov, 09:00–09:30 CET".into(),
            "北京：11月29日 16:00–16:30 CST".into(),
        ],
        location: None,
        url: Some(format!("https://meet.example/r/{i}-{m}")),
        organizer: Person {
            name: "Matchtour Team".into(),
            email: "events@matchtour.example".into(),
        },
        attendees: vec![
            Attendee {
                person: person(i),
                role: Role::Required,
            },
            Attendee {
                person: person(i + 1),
                role: Role::Required,
            },
        ],
    }
}

/// Everything one participant receives on publish, rendered to wire bytes.
fn participant_mails(i: usize, date: DateTime<Utc>) -> Vec<RenderedMail> {
    let me = person(i);
    let view = ItineraryView {
        locale: locale(i),
        recipient_name: me.name.clone(),
        event_name: "Collaboration Week 2021".into(),
        items: (0..ITEMS).map(item).collect(),
        personal_link: format!("https://matchtour.example/p/{i}"),
        feed_url: format!("https://matchtour.example/feed/{i}.ics"),
    };
    let mut mails = Vec::with_capacity(1 + MEETINGS);
    let itinerary = render_itinerary(&view).expect("itinerary renders");
    mails.push(
        render(&Letter {
            message_id: message_id_for(&format!("itinerary-{i}"), FROM).expect("id"),
            date,
            from: FROM.into(),
            reply_to: None,
            to: me.clone(),
            content: itinerary,
            calendar: None,
        })
        .expect("itinerary mail renders"),
    );
    for m in 0..MEETINGS {
        let event = meeting(i, m, date + Minutes::days(7) + Minutes::hours(m as i64));
        let notice = render_meeting_notice(&MeetingNoticeView {
            locale: locale(i),
            kind: NoticeKind::New,
            recipient_name: me.name.clone(),
            event_name: "Collaboration Week 2021".into(),
            title: event.summary.clone(),
            when_own: "Mon 29 Nov, 09:00–09:30 CET".into(),
            when_counterpart: Some("16:00–16:30 CST".into()),
            previous_when_own: None,
            counterpart: Some("王芳".into()),
            organisation: Some("Shanghai Genomics".into()),
            interpreter: None,
            video_link: event.url.clone(),
            personal_link: format!("https://matchtour.example/p/{i}"),
        })
        .expect("notice renders");
        let ics = render_invitation(Method::Request, &event).expect("invitation renders");
        mails.push(
            render(&Letter {
                message_id: message_id_for(&format!("invite-{i}-{m}"), FROM).expect("id"),
                date,
                from: FROM.into(),
                reply_to: Some(event.organizer.clone()),
                to: me.clone(),
                content: notice,
                calendar: Some(ics),
            })
            .expect("invitation mail renders"),
        );
    }
    mails
}

fn bench(c: &mut Criterion) {
    let date = Utc.with_ymd_and_hms(2021, 11, 22, 8, 0, 0).unwrap();

    let mut single = c.benchmark_group("one participant");
    single.throughput(Throughput::Elements(1));
    single.bench_function("itinerary + 3 invitations", |b| {
        b.iter(|| participant_mails(black_box(7), date))
    });
    single.bench_function("invitation .ics only", |b| {
        let event = meeting(7, 0, date);
        b.iter(|| render_invitation(Method::Request, black_box(&event)))
    });
    single.finish();

    let mut batch = c.benchmark_group("publish");
    batch.sample_size(10);
    batch.measurement_time(Duration::from_secs(30));
    batch.throughput(Throughput::Elements(PARTICIPANTS as u64));
    batch.bench_function("10k itineraries with invitations", |b| {
        b.iter(|| {
            let mut bytes = 0usize;
            for i in 0..PARTICIPANTS {
                bytes += participant_mails(i, date)
                    .iter()
                    .map(|m| m.bytes.len())
                    .sum::<usize>();
            }
            black_box(bytes)
        })
    });
    batch.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
