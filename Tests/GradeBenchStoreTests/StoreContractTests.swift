import Foundation
import GradeBenchCore
import GradeBenchTestSupport
import Testing

@testable import GradeBenchStore

/// The store contract, run unchanged on SQLite and on a real PostgreSQL server.
@Suite("Store contract")
struct StoreContractTests {
    @Test("migrations are recorded, idempotent, and refuse a newer database", arguments: TestDatabase.available)
    func migrations(database: TestDatabase) async throws {
        try await database.withFreshLocation { location in
            try await Store.with(location, logger: TestDatabase.logger) { store in
                #expect(try await store.schemaVersion() == 0)
                let first = try await store.migrate()
                #expect(first == MigrationReport(from: 0, to: Migrations.latestVersion))
                let second = try await store.migrate()
                #expect(second.applied == 0)
                #expect(try await store.schemaVersion() == Migrations.latestVersion)

                let future = Migrations.latestVersion + 1
                try await store.read { session in
                    try await session.query(
                        "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, 'future', 0)", .int(future))
                }
                let tablesBefore = try await tableCount(store)
                let error = await #expect(throws: StoreError.self) { try await store.migrate() }
                #expect(error?.code == "schema_too_new")
                #expect(error?.message.contains("schema version \(future)") == true)
                #expect(try await tableCount(store) == tablesBefore)
            }
        }
    }

    @Test("a database of a retired pre-release schema is refused unchanged", arguments: TestDatabase.available)
    func retiredSchema(database: TestDatabase) async throws {
        try await database.withFreshLocation { location in
            try await Store.with(location, logger: TestDatabase.logger) { store in
                #expect(try await store.schemaVersion() == 0)
                try await store.read { session in
                    try await session.query("INSERT INTO schema_migrations (version, name, applied_at) VALUES (1, 'foundation', 0)")
                }
                let tablesBefore = try await tableCount(store)
                let error = await #expect(throws: StoreError.self) { try await store.migrate() }
                #expect(error?.code == "schema_retired")
                #expect(error?.message.contains("schema version 1,") == true)
                #expect(try await tableCount(store) == tablesBefore)
                #expect(try await store.schemaVersion() == 1)
            }
        }
    }

    @Test("schema 2's pupil table becomes each submission's stored pupil rows", arguments: TestDatabase.available)
    func pupilRowsMigration(database: TestDatabase) async throws {
        try await database.withFreshLocation { location in
            try await Store.with(location, logger: TestDatabase.logger) { store in
                try await store.migrate(through: 2)
                try await Samples.seed(store)
                // Two submissions in schema 2's layout, pupil rows inserted out of ordinal order.
                try await store.read { session in
                    for (id, urn) in [(1, Samples.urnA), (2, Samples.urnB)] {
                        try await session.query(
                            """
                            INSERT INTO submissions (id, school_urn, collection_id, state, received_at, row_count, pupil_count,
                                                     subject_count, body_sha256, pseudonyms_sealed, partial_aggregate)
                            OVERRIDING_SYSTEM VALUES ($1, $2, 'ks4-test', 'active', 0, 3, 2, 2, 'abc', $3, $3)
                            """.replacingOccurrences(
                                of: "OVERRIDING_SYSTEM", with: store.dialect == .postgres ? "OVERRIDING SYSTEM VALUE" : ""),
                            .int(Int64(id)), .int(Int64(urn.rawValue)), .blob([1])
                        )
                    }
                    let rows: [(Int64, String, Int64, String?, String?, String)] = [
                        (1, "key-b", 1, "N", nil, "ART=4"), (1, "key-a", 0, "Y", "E", "MATH=9;ENGLANG=8"),
                        (2, "key-c", 0, nil, nil, "MATH=U"),
                    ]
                    for (submission, key, ordinal, pp, send, results) in rows {
                        try await session.query(
                            """
                            INSERT INTO submission_pupils (submission_id, pupil_key, ordinal, pp, fsm, send, gender, eal, results)
                            VALUES ($1, $2, $3, $4, NULL, $5, 'F', NULL, $6)
                            """,
                            .int(submission), .text(key), .int(ordinal), .optional(pp), .optional(send), .text(results)
                        )
                    }
                }
                #expect(try await store.migrate() == MigrationReport(from: 2, to: Migrations.latestVersion))
                let one = try await store.gradeRows(submissionID: 1)
                #expect(one.map(\.pupilKey) == ["key-a", "key-a", "key-b"])
                #expect(one.map(\.pupilOrdinal) == [0, 0, 1])
                #expect(one.map(\.subject) == ["ENGLANG", "MATH", "ART"])
                #expect(one.map(\.grade) == ["8", "9", "4"])
                #expect(one[0].characteristics == PupilCharacteristics(pp: "Y", send: "E", gender: "F"))
                #expect(one[2].characteristics == PupilCharacteristics(pp: "N", gender: "F"))
                #expect(try await store.gradeRows(submissionID: 2).map(\.grade) == ["U"])
                await #expect(throws: StoreError.self) {
                    try await store.read { session in try await session.query("SELECT COUNT(*) FROM submission_pupils") }
                }
            }
        }
    }

    @Test("schools and collections register once; duplicates conflict", arguments: TestDatabase.available)
    func registry(database: TestDatabase) async throws {
        try await database.withStore { store in
            try await Samples.seed(store)
            #expect(try await store.schools().map(\.urn) == [Samples.urnA, Samples.urnB])
            #expect(try await store.school(Samples.urnA) == Samples.school(Samples.urnA))
            #expect(try await store.collection("ks4-test") == Samples.ks4)
            let duplicate = await #expect(throws: StoreError.self) {
                try await store.registerSchool(Samples.school(Samples.urnA, name: "Other"), actor: "test")
            }
            #expect(duplicate?.isConflict == true)
            #expect(try await store.school(Samples.urnA)?.name == "Synthetic Test School")
            await #expect(throws: StoreError.self) { try await store.registerCollection(Samples.ks4, actor: "test") }
        }
    }

    @Test("users: roles bound to schools, unique names", arguments: TestDatabase.available)
    func users(database: TestDatabase) async throws {
        try await database.withStore { store in
            try await Samples.seed(store)
            let leader = try await store.createUser(name: "lead.a", role: .leader, school: Samples.urnA, passwordHash: nil, actor: "test")
            #expect(leader.school == Samples.urnA)
            #expect(try await store.user(named: "lead.a") == leader)
            await #expect(throws: UserRuleError.self) {
                try await store.createUser(name: "x", role: .leader, school: nil, passwordHash: nil, actor: "test")
            }
            await #expect(throws: UserRuleError.self) {
                try await store.createUser(name: "y", role: .dpo, school: Samples.urnA, passwordHash: nil, actor: "test")
            }
            let unknownSchool = await #expect(throws: StoreError.self) {
                try await store.createUser(name: "z", role: .schoolAdmin, school: URN(rawValue: 999_999)!, passwordHash: nil, actor: "test")
            }
            #expect(unknownSchool?.isNotFound == true)
            let duplicate = await #expect(throws: StoreError.self) {
                try await store.createUser(name: "lead.a", role: .operator, school: nil, passwordHash: nil, actor: "test")
            }
            #expect(duplicate?.isConflict == true)
            #expect(try await store.users().count == 1)
        }
    }

    @Test("tokens: stored only as a hash, expire, revoke", arguments: TestDatabase.available)
    func tokens(database: TestDatabase) async throws {
        try await database.withStore { store in
            let user = try await store.createUser(name: "op", role: .operator, school: nil, passwordHash: nil, actor: "test")
            let issued = try await store.issueToken(userID: user.id, label: "t", lifetime: .seconds(3600), actor: "test")
            #expect(issued.secret.hasPrefix("gbt_"))
            // 32 random bytes, base64url without padding: 43 characters of at least 256 bits.
            #expect(issued.secret.count == 4 + 43)
            let stored = try await store.read { session in try await session.query("SELECT token_hash FROM api_tokens") }
            let hash = try stored[0].text(0)
            #expect(hash != issued.secret && !hash.contains(issued.secret.dropFirst(4)))
            #expect(hash == sha256Hex(issued.secret))

            let (owner, record) = try #require(try await store.tokenOwner(secret: issued.secret))
            #expect(owner == user)
            let now = Int64(Date().timeIntervalSince1970)
            #expect(record.isUsable(at: now))
            #expect(!record.isUsable(at: now + 3601))
            #expect(try await store.tokenOwner(secret: "gbt_" + String(repeating: "A", count: 43)) == nil)

            try await store.revokeToken(id: record.id, actor: "test")
            let revoked = try #require(try await store.tokenOwner(secret: issued.secret)).1
            #expect(!revoked.isUsable(at: now))
            let missing = await #expect(throws: StoreError.self) { try await store.revokeToken(id: 9999, actor: "test") }
            #expect(missing?.isNotFound == true)
        }
    }

    @Test("audit: one chained event per change, in the change's transaction, append-only", arguments: TestDatabase.available)
    func audit(database: TestDatabase) async throws {
        try await database.withStore { store in
            try await Samples.seed(store)
            let events = try await store.auditEvents()
            #expect(events.map(\.action) == ["school.register", "school.register", "collection.register"])
            #expect(events.map(\.sequence) == [1, 2, 3])
            #expect(events[1].previousHash == events[0].hash)
            guard case .intact(let count, _) = try await store.verifyAudit() else {
                Issue.record("chain should be intact")
                return
            }
            #expect(count == 3)

            // A failed change (duplicate URN) writes no event.
            _ = try? await store.registerSchool(Samples.school(Samples.urnA), actor: "test")
            #expect(try await store.auditEvents().count == 3)

            // The table refuses rewriting and deletion.
            let update = await #expect(throws: StoreError.self) {
                try await store.read { session in try await session.query("UPDATE audit_events SET actor = 'mallory' WHERE sequence = 1") }
            }
            #expect(update?.code == "rejected")
            await #expect(throws: StoreError.self) {
                try await store.read { session in try await session.query("DELETE FROM audit_events WHERE sequence = 3") }
            }
            #expect(try await store.auditEvents().first?.actor == "test")
        }
    }

    @Test("audit verification detects a rewritten event", arguments: TestDatabase.available)
    func auditTamper(database: TestDatabase) async throws {
        try await database.withStore { store in
            try await Samples.seed(store)
            // Someone with database access drops the trigger and rewrites history.
            try await store.read { session in
                switch store.dialect {
                case .sqlite: try await session.query("DROP TRIGGER audit_events_no_update")
                case .postgres: try await session.query("DROP TRIGGER audit_events_append_only ON audit_events")
                }
                try await session.query("UPDATE audit_events SET actor = 'mallory' WHERE sequence = 2")
            }
            #expect(try await store.verifyAudit() == .broken(atSequence: 2, reason: "event 2 was altered after it was written"))
        }
    }

    @Test("consent register is append-only history", arguments: TestDatabase.available)
    func consent(database: TestDatabase) async throws {
        try await database.withStore { store in
            try await Samples.seed(store)
            _ = try await store.recordConsent(
                school: Samples.urnA, action: .grant, scope: .collection("ks4-test"), textHash: "h1", reason: nil, userID: nil,
                actor: "test"
            )
            #expect(try await store.consents(school: Samples.urnA).isActive(for: Samples.ks4))
            _ = try await store.recordConsent(
                school: Samples.urnA, action: .withdraw, scope: .keyStage(.ks4), textHash: "h1", reason: "leaving", userID: nil,
                actor: "test"
            )
            let history = try await store.consents(school: Samples.urnA)
            #expect(history.map(\.action) == [.grant, .withdraw])
            #expect(history[1].reason == "leaving")
            #expect(!history.isActive(for: Samples.ks4))
            #expect(try await store.consents(school: Samples.urnB).isEmpty)

            // The submission gate reads the same in one statement.
            let gateA = try #require(try await store.consentGate(collectionID: "ks4-test", school: Samples.urnA))
            #expect(gateA.collection == Samples.ks4 && gateA.consents == history)
            let gateB = try #require(try await store.consentGate(collectionID: "ks4-test", school: Samples.urnB))
            #expect(gateB.collection == Samples.ks4 && gateB.consents.isEmpty)
            #expect(try await store.consentGate(collectionID: "nope", school: Samples.urnA) == nil)
            await #expect(throws: StoreError.self) {
                try await store.read { session in try await session.query("DELETE FROM consents") }
            }
            #expect(try await store.consents(school: Samples.urnA).count == 2)
        }
    }

    @Test("a resubmission replaces the previous one atomically", arguments: TestDatabase.available)
    func submissions(database: TestDatabase) async throws {
        try await database.withStore { store in
            try await Samples.seed(store)
            let first = try await store.replaceSubmission(
                Samples.draft(Samples.urnA, pupils: Samples.pupils(2400, tag: "a1"), key: "k1"), actor: "test")
            #expect(first.rowCount == 2400 && first.pupilCount == 800 && first.replacesID == nil)
            _ = try await store.replaceSubmission(Samples.draft(Samples.urnB, pupils: Samples.pupils(30, tag: "b")), actor: "test")
            let second = try await store.replaceSubmission(Samples.draft(Samples.urnA, pupils: Samples.pupils(9, tag: "a2")), actor: "test")
            #expect(second.replacesID == first.id)
            #expect(try await store.gradeRows(submissionID: first.id).isEmpty)
            #expect(try await store.sealedPseudonyms(submissionID: first.id) == [])
            let rows = try await store.gradeRows(submissionID: second.id)
            #expect(rows.count == 9 && rows.allSatisfy { $0.pupilKey.hasPrefix("a2-") })
            #expect(try await store.submission(id: first.id)?.state == .replaced)
            #expect(try await store.activeSubmission(school: Samples.urnA, collectionID: "ks4-test")?.id == second.id)
            #expect(try await store.submission(school: Samples.urnA, collectionID: "ks4-test", idempotencyKey: "k1")?.id == first.id)
            let partials = try await store.partialAggregates(collectionID: "ks4-test")
            #expect(partials.map(\.school) == [Samples.urnA, Samples.urnB])
            #expect(partials[0].payload == Array("partial-9".utf8))

            // A failing submission (a pupil × subject repeated, or packed results that break the stored form) leaves
            // everything as it was.
            let auditBefore = try await store.auditEvents().count
            for broken in [";MATH=4", ";ART", ";ART=4=5", ";=4", ";ART=", ";"] {
                var bad = Samples.pupils(6, tag: "a3")
                bad[1] = StoredPupil(pupilKey: bad[1].pupilKey, characteristics: bad[1].characteristics, results: bad[1].results + broken)
                let error = await #expect(throws: StoreError.self, "\(broken)") {
                    try await store.replaceSubmission(Samples.draft(Samples.urnA, pupils: bad), actor: "test")
                }
                #expect(error?.code == "rejected", "\(broken)")
            }
            // Keys and characteristics that would break the stored form are refused the same way.
            let clean = Samples.pupils(6, tag: "a4")
            for (key, characteristics) in [
                ("", clean[0].characteristics), ("a4\tkey", clean[0].characteristics), ("a4\nkey", clean[0].characteristics),
                (clean[0].pupilKey, PupilCharacteristics(pp: "")), (clean[0].pupilKey, PupilCharacteristics(eal: "Y\tN")),
            ] {
                var bad = clean
                bad[0] = StoredPupil(pupilKey: key, characteristics: characteristics, results: clean[0].results)
                let error = await #expect(throws: StoreError.self) {
                    try await store.replaceSubmission(Samples.draft(Samples.urnA, pupils: bad), actor: "test")
                }
                #expect(error?.code == "rejected")
            }
            #expect(try await store.activeSubmission(school: Samples.urnA, collectionID: "ks4-test")?.id == second.id)
            #expect(try await store.gradeRows(submissionID: second.id).count == 9)
            #expect(try await store.auditEvents().count == auditBefore)
        }
    }

    @Test("snapshots are immutable; the latest is what users read", arguments: TestDatabase.available)
    func snapshots(database: TestDatabase) async throws {
        try await database.withStore { store in
            try await Samples.seed(store)
            let one = try await store.saveSnapshot(
                SnapshotDraft(collectionID: "ks4-test", schoolCount: 5, pupilCount: 100, policyHash: "p", payload: [1], userID: nil),
                actor: "test"
            )
            let two = try await store.saveSnapshot(
                SnapshotDraft(collectionID: "ks4-test", schoolCount: 6, pupilCount: 120, policyHash: "p", payload: [2], userID: nil),
                actor: "test"
            )
            #expect(try await store.latestSnapshot(collectionID: "ks4-test") == two)
            #expect(try await store.snapshots(collectionID: "ks4-test").map(\.id) == [one.id, two.id])
            await #expect(throws: StoreError.self) {
                try await store.read { session in try await session.query("UPDATE snapshots SET school_count = 1") }
            }
            #expect(try await store.latestSnapshot(collectionID: "ks4-test")?.schoolCount == 6)
        }
    }

    private func tableCount(_ store: Store) async throws -> Int64 {
        try await store.read { session in
            let sql =
                store.dialect == .sqlite
                ? "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table'"
                : "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'public'"
            return try await session.query(sql)[0].int(0)
        }
    }
}
