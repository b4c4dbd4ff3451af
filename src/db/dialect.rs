//! The few statements that differ between PostgreSQL and SQLite, and nowhere else.

use diesel::RunQueryDsl;
use diesel::sql_types::BigInt;

use super::DbConnection;

#[derive(diesel::QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

/// Cheap round trip used by `/readyz`.
pub fn ping(conn: &mut DbConnection) -> diesel::QueryResult<()> {
    let row: Count = diesel::sql_query("SELECT CAST(1 AS BIGINT) AS n").get_result(conn)?;
    debug_assert_eq!(row.n, 1);
    Ok(())
}

/// The server's own name and version, shown by `quai migrate` and in logs.
pub fn server_version(conn: &mut DbConnection) -> diesel::QueryResult<String> {
    #[derive(diesel::QueryableByName)]
    struct Version {
        #[diesel(sql_type = diesel::sql_types::Text)]
        v: String,
    }
    let sql = match conn {
        DbConnection::Pg(_) => "SELECT version() AS v",
        DbConnection::Sqlite(_) => "SELECT 'SQLite ' || sqlite_version() AS v",
    };
    let row: Version = diesel::sql_query(sql).get_result(conn)?;
    Ok(row.v)
}
