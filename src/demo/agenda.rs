//! The agendas of a few demo events: sessions in the event's own room with fictional speakers
//! (invented names, no roles given to real people). Added with their event, so seeding twice
//! changes nothing.

use chrono::{Duration, NaiveDateTime};

use crate::db::DbConnection;
use crate::events::agenda::{self, SessionFields};

/// A session: minutes after the event's start, length in minutes, title, speakers.
type DemoSession = (i64, i64, &'static str, &'static [&'static str]);

const AGENDAS: &[(&str, &[DemoSession])] = &[
    (
        "Santé connectée : du prototype à l’hôpital",
        &[
            (
                0,
                20,
                "Accueil : le parcours d’une expérimentation",
                &["Claire Vasseur"],
            ),
            (
                20,
                50,
                "Tester un dispositif en service : méthode et éthique",
                &["Julien Leclercq", "Sophie Marchand"],
            ),
            (
                70,
                50,
                "Retours de startups : du prototype au premier essai",
                &["Inès Dumont", "Thomas Carpentier"],
            ),
        ],
    ),
    (
        "Efficacité énergétique des PME : atelier diagnostic",
        &[
            (
                0,
                30,
                "Lire sa facture et ses courbes de charge",
                &["Marc Delattre"],
            ),
            (
                30,
                90,
                "Diagnostic en atelier : repérer les économies rapides",
                &["Nadia Benali", "Marc Delattre"],
            ),
            (
                120,
                60,
                "Financer les travaux : aides et certificats d’économies d’énergie",
                &["Laurent Caron"],
            ),
        ],
    ),
    (
        "Rencontre recherche–startups à l’UPJV",
        &[
            (
                0,
                30,
                "Ouverture : les laboratoires et leurs projets",
                &["Hélène Lefebvre"],
            ),
            (
                30,
                90,
                "Rendez-vous laboratoires–startups",
                &["Pierre Moreau", "Camille Roussel"],
            ),
            (
                120,
                60,
                "Table ronde : monter un projet commun",
                &["Hélène Lefebvre", "Amine Haddad", "Lucie Fontaine"],
            ),
        ],
    ),
];

/// Gives a just-created demo event its agenda, if it has one. Returns the sessions added.
pub fn seed(
    conn: &mut DbConnection,
    event_id: i64,
    title: &str,
    starts_at: NaiveDateTime,
    room_id: Option<i64>,
    now: NaiveDateTime,
) -> diesel::QueryResult<usize> {
    let Some((_, sessions)) = AGENDAS.iter().find(|(t, _)| *t == title) else {
        return Ok(0);
    };
    for (offset, minutes, title, speakers) in *sessions {
        let starts = starts_at + Duration::minutes(*offset);
        let fields = SessionFields {
            title: (*title).to_owned(),
            starts_at: starts,
            ends_at: starts + Duration::minutes(*minutes),
            room_id,
            speakers: speakers
                .iter()
                .map(|name| ((*name).to_owned(), agenda::speaker_key(name)))
                .collect(),
        };
        agenda::insert_session(conn, event_id, &fields, now)?;
    }
    Ok(sessions.len())
}
