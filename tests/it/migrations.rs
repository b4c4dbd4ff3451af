//! Both migration folders hold the same names; every migration applies from empty and rolls back.

use std::collections::BTreeSet;

use quai::db::{self, migrations};

use crate::common::TestDb;

fn names(backend: &str) -> BTreeSet<String> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("migrations")
        .join(backend);
    std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap())
        .filter(|e| e.path().is_dir())
        .map(|e| {
            let path = e.path();
            for file in ["up.sql", "down.sql"] {
                assert!(path.join(file).is_file(), "{} lacks {file}", path.display());
            }
            e.file_name().to_string_lossy().into_owned()
        })
        .collect()
}

#[test]
fn both_backends_have_the_same_migrations() {
    let pg = names("postgres");
    let sqlite = names("sqlite");
    assert!(!pg.is_empty());
    assert_eq!(pg, sqlite);
}

#[test]
fn migrations_apply_from_empty_roll_back_and_apply_again() {
    let dir = tempfile::tempdir().unwrap();
    let test_db = TestDb::create(dir.path());
    let mut conn = db::establish(&test_db.url()).unwrap();
    let applied = migrations::run_pending(&mut conn).unwrap();
    assert_eq!(applied.len(), names("postgres").len());
    assert!(migrations::run_pending(&mut conn).unwrap().is_empty());
    assert_eq!(migrations::revert_all(&mut conn).unwrap(), applied.len());
    assert!(
        diesel::RunQueryDsl::execute(diesel::sql_query("SELECT 1 FROM themes"), &mut conn).is_err(),
        "down.sql removed the tables"
    );
    assert_eq!(
        migrations::run_pending(&mut conn).unwrap().len(),
        applied.len()
    );
    drop(conn);
}
