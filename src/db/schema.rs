// Portable column types only (see DESIGN.md): the same schema serves PostgreSQL and SQLite.

diesel::table! {
    themes (id) {
        id -> BigInt,
        slug -> Text,
        label_fr -> Text,
        label_en -> Text,
        description_fr -> Text,
        description_en -> Text,
        position -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}
