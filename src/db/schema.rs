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

diesel::table! {
    jobs (id) {
        id -> BigInt,
        kind -> Text,
        payload -> Text,
        state -> Text,
        run_at -> Timestamp,
        attempts -> Integer,
        max_attempts -> Integer,
        last_error -> Nullable<Text>,
        locked_until -> Nullable<Timestamp>,
        locked_by -> Nullable<Text>,
        dedup_key -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}
