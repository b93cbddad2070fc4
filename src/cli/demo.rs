//! The demo event: the virtual matchmaking tour of late March 2021 (25, 26, 29 and 30 March,
//! across the European switch to summer time on 28 March). Six German tandems — a researcher
//! and a founder each — meet Chinese universities, institutes, companies and investors.
//! Everything goes through the same use cases as the API, so the demo obeys the same rules.

use chrono::NaiveDate;
use diesel::prelude::*;

use crate::db::schema::events;
use crate::db::Conn;
use crate::error::{AppError, AppResult};
use crate::service::events::{Event, EventInput};
use crate::service::groups::GroupInput;
use crate::service::interpreters::InterpreterInput;
use crate::service::organisations::OrganisationInput;
use crate::service::participants::ParticipantInput;
use crate::service::programme::{SessionInput, WindowInput};
use crate::service::requests::{PartyInput, RequestInput};
use crate::service::{
    events as event_service, groups, interpreters, organisations, participants, programme, requests,
};
use crate::tz::{LocalTime, LocalWindow};
use crate::with_conn;

pub const DEMO_NAME: &str = "InnoHealth China – virtual matchmaking tour 2021";

/// German tandems: (tandem, researcher, researcher's institute, founder, founder's company).
const TANDEMS: [(&str, &str, &str, &str, &str); 6] = [
    (
        "Tandem Heidelberg",
        "Dr. Anna Becker",
        "Universitätsklinikum Heidelberg",
        "Jonas Richter",
        "CardioSense GmbH",
    ),
    (
        "Tandem Berlin",
        "Prof. Miriam Schulz",
        "Charité – Universitätsmedizin Berlin",
        "Felix Wagner",
        "Medivue GmbH",
    ),
    (
        "Tandem München",
        "Dr. Lukas Hoffmann",
        "Technische Universität München",
        "Sophie Keller",
        "NeuroPilot GmbH",
    ),
    (
        "Tandem Leipzig",
        "Dr. Katrin Vogel",
        "Fraunhofer IZI",
        "David Brandt",
        "GenoLab UG",
    ),
    (
        "Tandem Aachen",
        "Prof. Stefan Krüger",
        "RWTH Aachen",
        "Lea Zimmermann",
        "Rehatronics GmbH",
    ),
    (
        "Tandem Hamburg",
        "Dr. Julia Neumann",
        "UKE Hamburg",
        "Tobias Schröder",
        "DermaScan GmbH",
    ),
];

/// Chinese organisations: (name, kind, representative(s)).
const CHINESE: [(&str, &str, &[&str]); 22] = [
    (
        "Tsinghua University",
        "university",
        &["Prof. Wang Wei 王伟", "Dr. Li Na 李娜"],
    ),
    (
        "Peking University Health Science Center",
        "university",
        &["Prof. Zhang Min 张敏"],
    ),
    ("Fudan University", "university", &["Dr. Chen Jie 陈杰"]),
    (
        "Zhejiang University",
        "university",
        &["Prof. Liu Yang 刘洋"],
    ),
    (
        "Shanghai Jiao Tong University",
        "university",
        &["Dr. Yang Fang 杨芳", "Dr. Zhao Lei 赵磊"],
    ),
    (
        "Chinese Academy of Medical Sciences",
        "institute",
        &["Prof. Huang Li 黄丽"],
    ),
    (
        "Shenzhen Institute of Advanced Technology",
        "institute",
        &["Dr. Zhou Tao 周涛"],
    ),
    (
        "Suzhou Institute of Biomedical Engineering",
        "institute",
        &["Dr. Wu Qiang 吴强"],
    ),
    ("BGI Genomics", "company", &["Xu Jing 徐静", "Sun Hao 孙浩"]),
    ("iFlytek Healthcare", "company", &["Ma Lin 马琳"]),
    ("Ping An Good Doctor", "company", &["Hu Bin 胡斌"]),
    ("Mindray Medical", "company", &["Guo Xia 郭霞"]),
    ("United Imaging Healthcare", "company", &["Lin Feng 林峰"]),
    ("WuXi AppTec", "company", &["He Yan 何燕"]),
    ("Yidu Tech", "startup", &["Luo Jun 罗军"]),
    ("Infervision", "startup", &["Zheng Hui 郑辉"]),
    ("Fosun Health", "company", &["Liang Qing 梁青"]),
    (
        "Shanghai Health Innovation Park",
        "government",
        &["Song Ping 宋平"],
    ),
    ("Qiming Venture Partners", "investor", &["Tang Rui 唐睿"]),
    ("Lilly Asia Ventures", "investor", &["Feng Xin 冯欣"]),
    (
        "Sequoia China Healthcare Fund",
        "investor",
        &["Cao Ying 曹颖"],
    ),
    ("Hillhouse Capital", "investor", &["Deng Yu 邓宇"]),
];

const DAYS: [(u32, u32); 4] = [(3, 25), (3, 26), (3, 29), (3, 30)];

fn date(month: u32, day: u32) -> AppResult<NaiveDate> {
    NaiveDate::from_ymd_opt(2021, month, day).ok_or_else(|| AppError::Internal("demo date".into()))
}

fn window(from: &str, to: &str) -> AppResult<LocalWindow> {
    let parse = |t: &str| LocalTime::parse(t).map_err(|e| AppError::Internal(e.to_string()));
    Ok(LocalWindow {
        from: parse(from)?,
        to: parse(to)?,
    })
}

/// An ASCII e-mail local part from a display name ("Prof. Stefan Krüger" -> "stefan.kruger").
fn mailbox(name: &str) -> String {
    let transliterated: String = name
        .chars()
        .filter_map(|c| match c {
            'ä' | 'Ä' => Some('a'),
            'ö' | 'Ö' => Some('o'),
            'ü' | 'Ü' => Some('u'),
            'ß' => Some('s'),
            c if c.is_ascii_alphanumeric() || c == '.' || c == ' ' => Some(c.to_ascii_lowercase()),
            _ => None,
        })
        .collect();
    transliterated
        .split_whitespace()
        .filter(|w| !w.ends_with('.'))
        .collect::<Vec<_>>()
        .join(".")
}

/// The demo's organiser account.
pub const DEMO_ORGANISER: &str = "organiser@matchtour.example";

/// How to reach the demo as its users: the organiser's password (new on every run) and a
/// personal link of a participant in Shanghai.
pub struct DemoAccess {
    pub organiser_email: &'static str,
    pub organiser_password: String,
    pub shanghai_participant: String,
    pub participant_link_token: String,
}

/// Gives the demo event an organiser (created, or its password renewed) and issues a
/// personal link for its first participant in Shanghai.
pub fn access(conn: &mut Conn, event_id: i64) -> AppResult<DemoAccess> {
    let password = crate::auth::new_token()
        .chars()
        .take(20)
        .collect::<String>();
    if !crate::auth::store::reset_password(conn, DEMO_ORGANISER, &password)? {
        crate::auth::store::signup(conn, DEMO_ORGANISER, "Demo organiser", &password)?;
    }
    let organiser: i64 = with_conn!(conn, |c| crate::db::schema::organisers::table
        .filter(crate::db::schema::organisers::email.eq(DEMO_ORGANISER))
        .select(crate::db::schema::organisers::id)
        .first(c))?;
    with_conn!(conn, |c| diesel::update(events::table.find(event_id))
        .set(events::organiser_id.eq(Some(organiser)))
        .execute(c))?;
    let shanghai = participants::rows(conn, event_id)?
        .into_iter()
        .find(|p| p.time_zone == "Asia/Shanghai")
        .ok_or_else(|| AppError::Internal("the demo has no participant in Shanghai".into()))?;
    let (token, _) = crate::auth::store::issue_link(conn, event_id, shanghai.id)?;
    Ok(DemoAccess {
        organiser_email: DEMO_ORGANISER,
        organiser_password: password,
        shanghai_participant: shanghai.name,
        participant_link_token: token,
    })
}

/// Creates the demo event unless it exists; returns it.
pub fn seed(conn: &mut Conn) -> AppResult<Event> {
    let existing: Option<i64> = with_conn!(conn, |c| events::table
        .filter(events::name.eq(DEMO_NAME))
        .select(events::id)
        .first(c)
        .optional())?;
    if let Some(id) = existing {
        return event_service::get(conn, id);
    }
    conn.transaction(create)
}

fn create(conn: &mut Conn) -> AppResult<Event> {
    let days: Vec<NaiveDate> = DAYS
        .iter()
        .map(|(m, d)| date(*m, *d))
        .collect::<AppResult<_>>()?;
    let event = event_service::create(
        conn,
        &EventInput {
            name: DEMO_NAME.into(),
            kind: "matchmaking_tour".into(),
            time_zone: "Europe/Berlin".into(),
            start_date: days[0],
            end_date: days[3],
            description: "Six German researcher-and-founder tandems from digital health tour China's research and \
                          innovation landscape: presentations, showcases, virtual company visits, an investor \
                          meeting, a German-Chinese roundtable and bilateral talks."
                .into(),
            status: Some("open_for_requests".into()),
            rooms: Some(8),
            allow_self_booking: true,
            days: Some(days.clone()),
        },
        None,
    )?;
    let id = event.id;

    // Programme: a daily plenary, then themed sessions, then bilateral talks (Berlin time).
    let mut org_ids = Vec::new();
    for (name, kind, _) in CHINESE {
        org_ids.push(
            organisations::create(
                conn,
                id,
                &OrganisationInput {
                    name: name.into(),
                    kind: Some(kind.into()),
                    country: "CN".into(),
                    website: String::new(),
                },
            )?
            .id,
        );
    }
    let themed = [
        ("presentation", "China's digital health landscape", 0usize),
        ("company_visit", "Virtual company visit: BGI Genomics", 8),
        ("showcase", "Showcase: AI in medical imaging", 12),
        ("investor_meeting", "Meeting selected investors", 18),
    ];
    for (i, day) in days.iter().enumerate() {
        let session =
            |kind: &str, title: &str, start: &str, end: &str, host: Option<i64>| SessionInput {
                date: *day,
                kind: kind.into(),
                title: title.into(),
                theme: "Digital health".into(),
                host_organisation_id: host,
                start: start.into(),
                end: end.into(),
                video_link: format!("https://meet.example.org/innohealth-day{}", i + 1),
                capacity: None,
                audience: None,
                attendee_ids: Vec::new(),
            };
        programme::create_session(
            conn,
            id,
            &session(
                "plenary",
                "Welcome and daily briefing",
                "08:00",
                "08:30",
                None,
            ),
        )?;
        let (kind, title, org) = themed[i];
        programme::create_session(
            conn,
            id,
            &session(kind, title, "12:30", "13:30", Some(org_ids[org])),
        )?;
        if i == 3 {
            programme::create_session(
                conn,
                id,
                &session(
                    "roundtable",
                    "German-Chinese roundtable",
                    "13:30",
                    "14:30",
                    None,
                ),
            )?;
        }
        programme::create_window(
            conn,
            id,
            &WindowInput {
                date: *day,
                start: "08:40".into(),
                end: "12:20".into(),
                slot_minutes: 20,
            },
        )?;
    }

    // German tandems.
    let berlin_daily = vec![window("08:00", "15:00")?];
    let mut tandem_ids = Vec::new();
    for (tandem, researcher, institute, founder, company) in TANDEMS {
        let mut members = Vec::new();
        for (person, org) in [(researcher, institute), (founder, company)] {
            let p = participants::create(
                conn,
                id,
                &ParticipantInput {
                    name: person.into(),
                    email: format!(
                        "{}@{}.example.de",
                        mailbox(person),
                        mailbox(tandem.trim_start_matches("Tandem "))
                    ),
                    organisation_id: None,
                    organisation: Some(org.into()),
                    side: "DE".into(),
                    country: "DE".into(),
                    time_zone: "Europe/Berlin".into(),
                    languages: vec!["de".into(), "en".into()],
                    availability: crate::domain::Availability {
                        daily: berlin_daily.clone(),
                        days: Default::default(),
                    },
                    comfort: Some(window("08:00", "18:00")?),
                    max_meetings: Some(16),
                    locale: Some("de".into()),
                },
            )?;
            members.push(p.id);
        }
        tandem_ids.push(
            groups::create(
                conn,
                id,
                &GroupInput {
                    name: tandem.into(),
                    kind: "tandem".into(),
                    member_ids: members,
                },
            )?
            .id,
        );
    }

    // Chinese representatives: available 14:00–21:00 Shanghai, which is 07:00–14:00 Berlin in
    // winter and 08:00–15:00 in summer; some speak English, the rest need an interpreter.
    let mut rep_ids = Vec::new();
    for (i, (org, _, reps)) in CHINESE.iter().enumerate() {
        for (j, rep) in reps.iter().enumerate() {
            let english = (i + j) % 3 != 0;
            let p = participants::create(
                conn,
                id,
                &ParticipantInput {
                    name: (*rep).into(),
                    email: format!("{}@{}.example.cn", mailbox(rep), i + 1),
                    organisation_id: Some(org_ids[i]),
                    organisation: None,
                    side: "CN".into(),
                    country: "CN".into(),
                    time_zone: "Asia/Shanghai".into(),
                    languages: if english {
                        vec!["zh".into(), "en".into()]
                    } else {
                        vec!["zh".into()]
                    },
                    availability: crate::domain::Availability {
                        daily: vec![window("14:00", "21:00")?],
                        days: Default::default(),
                    },
                    comfort: Some(window("09:00", "19:00")?),
                    max_meetings: Some(10),
                    locale: Some("zh".into()),
                },
            )?;
            rep_ids.push((org.to_string(), org_ids[i], p.id));
        }
    }

    for (name, zone, langs) in [
        ("Mei Hartmann", "Europe/Berlin", ["de", "zh", "en"]),
        ("Zhou Xiaoling 周晓玲", "Asia/Shanghai", ["zh", "de", "en"]),
    ] {
        interpreters::create(
            conn,
            id,
            &InterpreterInput {
                name: name.into(),
                email: None,
                time_zone: zone.into(),
                languages: langs.iter().map(|l| l.to_string()).collect(),
                availability: Default::default(),
            },
        )?;
    }

    // Requests: each tandem asks for five Chinese organisations; some ask back (mutual).
    for (t, tandem_id) in tandem_ids.iter().enumerate() {
        for k in 0..5 {
            let org = org_ids[(t * 3 + k * 4) % org_ids.len()];
            requests::create(
                conn,
                id,
                &RequestInput {
                    from: PartyInput {
                        kind: "group".into(),
                        id: *tandem_id,
                    },
                    to: PartyInput {
                        kind: "organisation".into(),
                        id: org,
                    },
                    priority: Some(if k == 0 { 3 } else { 1 }),
                    message: "We would like to discuss a joint pilot study.".into(),
                    length_slots: Some(1),
                },
            )?;
        }
    }
    for (k, (_, _, rep)) in rep_ids.iter().enumerate().step_by(4) {
        let tandem = tandem_ids[k % tandem_ids.len()];
        requests::create(
            conn,
            id,
            &RequestInput {
                from: PartyInput {
                    kind: "participant".into(),
                    id: *rep,
                },
                to: PartyInput {
                    kind: "group".into(),
                    id: tandem,
                },
                priority: Some(2),
                message: "我们希望了解贵方的技术。".into(),
                length_slots: Some(1),
            },
        )?;
    }
    event_service::get(conn, id)
}
