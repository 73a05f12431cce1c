import GradeBenchCore

/// The versioned schema. Each migration runs in one transaction and is recorded in `schema_migrations`;
/// applying them is idempotent. Add new migrations at the end; never edit one that has shipped.
struct Migration: Sendable {
    let version: Int
    let name: String
    /// Statements for both dialects (`{ID}` and `{BLOB}` tokens), then dialect-specific ones.
    let common: [String]
    let sqlite: [String]
    let postgres: [String]
    /// Work a statement cannot do, run after the statements above in the same transaction.
    var convert: (@Sendable (any SQLSession) async throws -> Void)? = nil
    /// Statements run after `convert` (for both dialects).
    var finish: [String] = []

    func statements(for dialect: SQLDialect) -> [String] {
        common.map(dialect.ddl) + (dialect == .sqlite ? sqlite : postgres)
    }
}

enum Migrations {
    static let all: [Migration] = [foundation, pupilRowsPerSubmission, publication, releaseGuardDigests, aggregatesInRow]
    static var latestVersion: Int { all.last!.version }

    /// Versions of pre-release builds whose layout is not carried forward: such a database is refused unchanged.
    /// (Version 1 sealed each pupil's pseudonym separately; converting that needs the server's keys and every row.)
    static let retiredVersions = 1...1

    /// Tables that must never be rewritten: a trigger refuses UPDATE and DELETE.
    static let appendOnlyTables = ["audit_events", "consents", "snapshots", "policy_approvals"]

    /// The triggers that make `table` append-only (PostgreSQL's trigger function is created by the foundation).
    static func appendOnly(_ table: String, _ dialect: SQLDialect) -> [String] {
        switch dialect {
        case .sqlite:
            ["UPDATE", "DELETE"].map { operation in
                """
                CREATE TRIGGER \(table)_no_\(operation.lowercased()) BEFORE \(operation) ON \(table)
                BEGIN SELECT RAISE(ABORT, '\(table) is append-only'); END
                """
            }
        case .postgres:
            [
                """
                CREATE TRIGGER \(table)_append_only BEFORE UPDATE OR DELETE ON \(table)
                FOR EACH ROW EXECUTE FUNCTION gradebench_append_only()
                """
            ]
        }
    }

    static let foundation = Migration(
        version: 2,
        name: "foundation",
        common: [
            """
            CREATE TABLE schools (
                urn BIGINT PRIMARY KEY,
                name TEXT NOT NULL,
                region TEXT NOT NULL,
                type TEXT NOT NULL,
                phase TEXT NOT NULL,
                size_band TEXT,
                disadvantage_band TEXT,
                registered_at BIGINT NOT NULL
            )
            """,
            """
            CREATE TABLE collections (
                id TEXT PRIMARY KEY,
                name TEXT NOT NULL,
                key_stage TEXT NOT NULL,
                academic_year TEXT NOT NULL,
                opens_at BIGINT,
                closes_at BIGINT,
                created_at BIGINT NOT NULL
            )
            """,
            """
            CREATE TABLE users (
                id {ID},
                name TEXT NOT NULL UNIQUE,
                role TEXT NOT NULL CHECK (role IN ('operator', 'school-admin', 'leader', 'dpo')),
                school_urn BIGINT REFERENCES schools(urn),
                password_hash TEXT,
                created_at BIGINT NOT NULL,
                CHECK ((role IN ('school-admin', 'leader')) = (school_urn IS NOT NULL))
            )
            """,
            """
            CREATE TABLE api_tokens (
                id {ID},
                user_id BIGINT NOT NULL REFERENCES users(id),
                token_hash TEXT NOT NULL UNIQUE,
                label TEXT NOT NULL,
                created_at BIGINT NOT NULL,
                expires_at BIGINT NOT NULL,
                revoked_at BIGINT
            )
            """,
            "CREATE INDEX api_tokens_user ON api_tokens (user_id)",
            """
            CREATE TABLE consents (
                id {ID},
                school_urn BIGINT NOT NULL REFERENCES schools(urn),
                action TEXT NOT NULL CHECK (action IN ('grant', 'withdraw')),
                scope_kind TEXT NOT NULL CHECK (scope_kind IN ('collection', 'key-stage')),
                scope_value TEXT NOT NULL,
                text_hash TEXT NOT NULL,
                reason TEXT,
                user_id BIGINT REFERENCES users(id),
                recorded_at BIGINT NOT NULL
            )
            """,
            "CREATE INDEX consents_school ON consents (school_urn, id)",
            """
            CREATE TABLE submissions (
                id {ID},
                school_urn BIGINT NOT NULL REFERENCES schools(urn),
                collection_id TEXT NOT NULL REFERENCES collections(id),
                state TEXT NOT NULL CHECK (state IN ('active', 'replaced', 'erased')),
                received_at BIGINT NOT NULL,
                row_count BIGINT NOT NULL,
                pupil_count BIGINT NOT NULL,
                subject_count BIGINT NOT NULL,
                body_sha256 TEXT NOT NULL,
                idempotency_key TEXT,
                replaces_id BIGINT REFERENCES submissions(id),
                user_id BIGINT REFERENCES users(id),
                -- The school's own pseudonyms, sealed by the server (one list in pupil order).
                pseudonyms_sealed {BLOB} NOT NULL,
                -- The per-school partial aggregate (Core's stored form): what publication merges and the school's
                -- own analytics read. It lives and dies with the submission, so it is a column, not a table.
                partial_aggregate {BLOB} NOT NULL
            )
            """,
            "CREATE UNIQUE INDEX submissions_one_active ON submissions (school_urn, collection_id) WHERE state = 'active'",
            """
            CREATE UNIQUE INDEX submissions_idempotency ON submissions (school_urn, collection_id, idempotency_key)
            WHERE idempotency_key IS NOT NULL
            """,
            // One row per pupil of a submission: the server-side key, the position of the school's pseudonym in the
            // submission's sealed list, the characteristics (validation makes them agree across the pupil's rows) and
            // the pupil's results packed as `SUBJECT=GRADE;…` (catalogue codes only). The pupil is the unit of the
            // school's own view and of erasure. Written only inside the store's submission transaction, right after
            // its `submissions` row, so it carries no foreign key: PostgreSQL would check one per pupil row, the
            // largest single cost of ingestion (docs/performance.md). Pupil keys are distinct by construction.
            """
            CREATE TABLE submission_pupils (
                submission_id BIGINT NOT NULL,
                pupil_key TEXT NOT NULL,
                ordinal BIGINT NOT NULL,
                pp TEXT,
                fsm TEXT,
                send TEXT,
                gender TEXT,
                eal TEXT,
                results TEXT NOT NULL
            )
            """,
            """
            CREATE TABLE snapshots (
                id {ID},
                collection_id TEXT NOT NULL REFERENCES collections(id),
                created_at BIGINT NOT NULL,
                school_count BIGINT NOT NULL,
                pupil_count BIGINT NOT NULL,
                policy_hash TEXT NOT NULL,
                payload {BLOB} NOT NULL,
                user_id BIGINT REFERENCES users(id)
            )
            """,
            "CREATE INDEX snapshots_collection ON snapshots (collection_id, id)",
            """
            CREATE TABLE audit_events (
                sequence BIGINT PRIMARY KEY,
                at BIGINT NOT NULL,
                actor TEXT NOT NULL,
                action TEXT NOT NULL,
                target TEXT NOT NULL,
                details TEXT NOT NULL,
                previous_hash TEXT NOT NULL,
                hash TEXT NOT NULL
            )
            """,
            """
            CREATE TABLE audit_head (
                id BIGINT PRIMARY KEY CHECK (id = 1),
                sequence BIGINT NOT NULL,
                hash TEXT NOT NULL
            )
            """,
            "INSERT INTO audit_head (id, sequence, hash) VALUES (1, 0, '\(String(repeating: "0", count: 64))')",
        ],
        sqlite: ["CREATE INDEX submission_pupils_submission ON submission_pupils (submission_id)"]
            + ["audit_events", "consents", "snapshots"].flatMap { appendOnly($0, .sqlite) },
        postgres: [
            // Pupil rows arrive in submission order (ids only grow): a block-range index finds a submission's rows
            // at a fraction of a B-tree's insert cost.
            "CREATE INDEX submission_pupils_submission ON submission_pupils USING brin (submission_id)",
            // Partial aggregates and sealed pseudonyms are read whole (and the latter do not compress): skip
            // compression on write.
            "ALTER TABLE submissions ALTER COLUMN partial_aggregate SET STORAGE EXTERNAL",
            "ALTER TABLE submissions ALTER COLUMN pseudonyms_sealed SET STORAGE EXTERNAL",
            """
            CREATE FUNCTION gradebench_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END $$
            """,
        ]
            + ["audit_events", "consents", "snapshots"].flatMap { appendOnly($0, .postgres) }
    )

    /// A submission's pupils become one stored value of the submission (`PupilRows`) instead of a row each.
    static let pupilRowsPerSubmission = Migration(
        version: 3,
        name: "pupil rows per submission",
        common: [],
        sqlite: ["ALTER TABLE submissions ADD COLUMN pupil_rows BLOB NOT NULL DEFAULT x''"],
        postgres: [
            "ALTER TABLE submissions ADD COLUMN pupil_rows BYTEA NOT NULL DEFAULT ''::bytea",
            // Pupil rows and the partial aggregate are text that compresses about fourfold; with LZ4 (where the
            // server has it) compressing costs less than writing the bytes it saves to the table and its WAL.
            """
            ALTER TABLE submissions ALTER COLUMN pupil_rows SET STORAGE EXTENDED,
                                    ALTER COLUMN partial_aggregate SET STORAGE EXTENDED
            """,
            """
            DO $$ BEGIN
                IF EXISTS (SELECT 1 FROM pg_settings WHERE name = 'default_toast_compression' AND 'lz4' = ANY (enumvals)) THEN
                    ALTER TABLE submissions ALTER COLUMN pupil_rows SET COMPRESSION lz4,
                                            ALTER COLUMN partial_aggregate SET COMPRESSION lz4;
                END IF;
            END $$
            """,
        ],
        convert: { session in
            let submissions = try await session.query("SELECT DISTINCT submission_id FROM submission_pupils ORDER BY submission_id")
            for submission in submissions {
                let id = try submission.int(0)
                let pupils = try await session.query(
                    """
                    SELECT pupil_key, pp, fsm, send, gender, eal, results FROM submission_pupils
                    WHERE submission_id = $1 ORDER BY ordinal
                    """,
                    .int(id)
                ).map { row throws(StoreError) in
                    StoredPupil(
                        pupilKey: try row.text(0),
                        characteristics: PupilCharacteristics(
                            pp: try row.optionalText(1), fsm: try row.optionalText(2), send: try row.optionalText(3),
                            gender: try row.optionalText(4), eal: try row.optionalText(5)),
                        results: try row.text(6)
                    )
                }
                try await session.query(
                    "UPDATE submissions SET pupil_rows = $1 WHERE id = $2", .blob(try PupilRows.encode(pupils)), .int(id))
            }
        },
        finish: ["DROP TABLE submission_pupils"]
    )

    /// Publication: the DPO's approvals of policy versions (append-only) and each snapshot's suppression report.
    static let publication = Migration(
        version: 4,
        name: "policy approvals and suppression reports",
        common: [
            """
            CREATE TABLE policy_approvals (
                id {ID},
                policy_hash TEXT NOT NULL,
                user_id BIGINT NOT NULL REFERENCES users(id),
                approved_at BIGINT NOT NULL
            )
            """,
            "CREATE INDEX policy_approvals_hash ON policy_approvals (policy_hash)",
        ],
        sqlite: ["ALTER TABLE snapshots ADD COLUMN report BLOB NOT NULL DEFAULT x''"] + appendOnly("policy_approvals", .sqlite),
        postgres: ["ALTER TABLE snapshots ADD COLUMN report BYTEA NOT NULL DEFAULT ''::bytea"] + appendOnly("policy_approvals", .postgres)
    )

    /// Each snapshot's release-guard digest (`ReleaseGuard.Digest`): what later publications compare against, so they
    /// need not decode every earlier snapshot. Snapshots stored before it have an empty digest (read from the payload).
    /// PostgreSQL compresses the large values (snapshots, reports, partial aggregates) with LZ4 where the server has it:
    /// several times faster to write and read than the default pglz (a national snapshot's write 0.30 → 0.10 s).
    static let releaseGuardDigests = Migration(
        version: 5,
        name: "release guard digests",
        common: [],
        sqlite: ["ALTER TABLE snapshots ADD COLUMN guard_digest BLOB NOT NULL DEFAULT x''"],
        postgres: [
            "ALTER TABLE snapshots ADD COLUMN guard_digest BYTEA NOT NULL DEFAULT ''::bytea",
            """
            DO $$ BEGIN
                IF EXISTS (SELECT 1 FROM pg_settings WHERE name = 'default_toast_compression' AND 'lz4' = ANY (enumvals)) THEN
                    ALTER TABLE snapshots ALTER COLUMN payload SET COMPRESSION lz4;
                    ALTER TABLE snapshots ALTER COLUMN report SET COMPRESSION lz4;
                    ALTER TABLE snapshots ALTER COLUMN guard_digest SET COMPRESSION lz4;
                    ALTER TABLE submissions ALTER COLUMN partial_aggregate SET COMPRESSION lz4;
                END IF;
            END $$
            """,
        ]
    )

    /// A submission's partial aggregate (a few kilobytes once compressed) kept in its row, where publication's scan of
    /// the active submissions finds it, instead of in chunks of the TOAST table reached by an index lookup each: the
    /// aggregates' read of a national publication ~45 → ~30 ms. Rows stored before keep theirs where they are.
    static let aggregatesInRow = Migration(
        version: 6,
        name: "partial aggregates in the row",
        common: [],
        sqlite: [],
        postgres: [
            "ALTER TABLE submissions ALTER COLUMN partial_aggregate SET STORAGE MAIN, SET (toast_tuple_target = 8160)"
        ]
    )
}
