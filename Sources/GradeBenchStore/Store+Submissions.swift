import GradeBenchCore

extension Store {
    /// Stores a submission, replacing the school's active one for the collection, in one transaction: the old
    /// rows go, the new rows, partial aggregate, submission record and audit event arrive, or nothing changes.
    public func replaceSubmission(_ draft: SubmissionDraft, actor: String) async throws -> SubmissionRecord {
        try await change(audit: { (record: SubmissionRecord) in
            var details = ["rows": String(record.rowCount), "pupils": String(record.pupilCount), "sha256": record.bodySHA256]
            if let replaced = record.replacesID { details["replaces"] = String(replaced) }
            return AuditEntry(actor: actor, action: "submission.accept", target: "submission:\(record.id)", details: details)
        }) { session in
            let previous = try await session.query(
                "SELECT id FROM submissions WHERE school_urn = $1 AND collection_id = $2 AND state = 'active'" + driver.dialect.forUpdate,
                .int(draft.school.rawValue), .text(draft.collectionID)
            ).first?.int(0)
            if let previous {
                try await session.query("DELETE FROM grade_rows WHERE submission_id = $1", .int(previous))
                try await session.query("DELETE FROM submission_pupils WHERE submission_id = $1", .int(previous))
                try await session.query(
                    "DELETE FROM partial_aggregates WHERE school_urn = $1 AND collection_id = $2",
                    .int(draft.school.rawValue), .text(draft.collectionID)
                )
                try await session.query("UPDATE submissions SET state = 'replaced' WHERE id = $1", .int(previous))
            }
            let now = Store.now()
            let id = try await session.query(
                """
                INSERT INTO submissions (school_urn, collection_id, state, received_at, row_count, pupil_count, subject_count,
                                         body_sha256, idempotency_key, replaces_id, user_id)
                VALUES ($1, $2, 'active', $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id
                """,
                .int(draft.school.rawValue), .text(draft.collectionID), .int(now), .int(draft.rows.count), .int(draft.pupilCount),
                .int(draft.subjectCount), .text(draft.bodySHA256), .optional(draft.idempotencyKey), .optional(previous),
                .optional(draft.userID)
            )[0].int(0)
            try await insertRows(draft.rows, submissionID: id, session: session)
            try await session.query(
                "INSERT INTO partial_aggregates (school_urn, collection_id, submission_id, payload) VALUES ($1, $2, $3, $4)",
                .int(draft.school.rawValue), .text(draft.collectionID), .int(id), .blob(draft.partialAggregate)
            )
            return SubmissionRecord(
                id: id, school: draft.school, collectionID: draft.collectionID, state: .active, receivedAt: now,
                rowCount: draft.rows.count, pupilCount: draft.pupilCount, subjectCount: draft.subjectCount,
                bodySHA256: draft.bodySHA256, idempotencyKey: draft.idempotencyKey, replacesID: previous
            )
        }
    }

    /// Pupil-level values once per pupil, then the narrow grade rows, both by the fastest bulk path.
    /// Refuses a repeated pupil × subject (the store's own guarantee, whatever validated the rows).
    private func insertRows(_ rows: [StoredGradeRow], submissionID: Int64, session: any SQLSession) async throws {
        var pairs = Set<PupilSubject>(minimumCapacity: rows.count)
        for row in rows where !pairs.insert(PupilSubject(pupil: row.pupilKey, subject: row.subject)).inserted {
            throw StoreError.rejected("A submission may hold each pupil and subject once.")
        }
        var seen = Set<String>()
        var pupils: [[SQLValue]] = []
        for row in rows where seen.insert(row.pupilKey).inserted {
            pupils.append([
                .int(submissionID), .text(row.pupilKey), .blob(row.pupilSealed), .optional(row.pp), .optional(row.fsm),
                .optional(row.send), .optional(row.gender), .optional(row.eal),
            ])
        }
        try await session.bulkInsert(
            into: "submission_pupils", columns: ["submission_id", "pupil_key", "pupil_sealed", "pp", "fsm", "send", "gender", "eal"],
            rows: pupils
        )
        try await session.bulkInsert(
            into: "grade_rows", columns: ["submission_id", "pupil_key", "subject", "grade"],
            rows: rows.map { [.int(submissionID), .text($0.pupilKey), .text($0.subject), .text($0.grade)] }
        )
    }

    public func submission(id: Int64) async throws -> SubmissionRecord? {
        try await submissions(where: "WHERE id = $1", [.int(id)]).first
    }

    /// The school's active submission for a collection.
    public func activeSubmission(school: URN, collectionID: String) async throws -> SubmissionRecord? {
        try await submissions(
            where: "WHERE school_urn = $1 AND collection_id = $2 AND state = 'active'",
            [.int(school.rawValue), .text(collectionID)]
        ).first
    }

    /// A submission made earlier with this idempotency key.
    public func submission(school: URN, collectionID: String, idempotencyKey: String) async throws -> SubmissionRecord? {
        try await submissions(
            where: "WHERE school_urn = $1 AND collection_id = $2 AND idempotency_key = $3",
            [.int(school.rawValue), .text(collectionID), .text(idempotencyKey)]
        ).first
    }

    public func submissions(school: URN) async throws -> [SubmissionRecord] {
        try await submissions(where: "WHERE school_urn = $1", [.int(school.rawValue)])
    }

    private func submissions(where clause: String, _ binds: [SQLValue]) async throws -> [SubmissionRecord] {
        try await read { session in
            try await session.query(
                SQLStatement(
                    """
                    SELECT id, school_urn, collection_id, state, received_at, row_count, pupil_count, subject_count,
                           body_sha256, idempotency_key, replaces_id
                    FROM submissions \(clause) ORDER BY id
                    """,
                    binds
                )
            ).map { row throws(StoreError) in
                guard let urn = URN(rawValue: Int(try row.int(1))) else { throw StoreError.corruptRow(column: 1) }
                guard let state = SubmissionState(rawValue: try row.text(3)) else { throw StoreError.corruptRow(column: 3) }
                return SubmissionRecord(
                    id: try row.int(0), school: urn, collectionID: try row.text(2), state: state, receivedAt: try row.int(4),
                    rowCount: Int(try row.int(5)), pupilCount: Int(try row.int(6)), subjectCount: Int(try row.int(7)),
                    bodySHA256: try row.text(8), idempotencyKey: try row.optionalText(9), replacesID: try row.optionalInt(10)
                )
            }
        }
    }

    /// The rows of one submission, ordered by pupil key and subject.
    public func gradeRows(submissionID: Int64) async throws -> [StoredGradeRow] {
        try await read { session in
            try await session.query(
                """
                SELECT g.pupil_key, p.pupil_sealed, g.subject, g.grade, p.pp, p.fsm, p.send, p.gender, p.eal
                FROM grade_rows g JOIN submission_pupils p ON p.submission_id = g.submission_id AND p.pupil_key = g.pupil_key
                WHERE g.submission_id = $1 ORDER BY g.pupil_key, g.subject
                """,
                .int(submissionID)
            ).map { row throws(StoreError) in
                StoredGradeRow(
                    pupilKey: try row.text(0), pupilSealed: try row.blob(1), subject: try row.text(2), grade: try row.text(3),
                    pp: try row.optionalText(4), fsm: try row.optionalText(5), send: try row.optionalText(6),
                    gender: try row.optionalText(7), eal: try row.optionalText(8)
                )
            }
        }
    }

    /// Every school's partial aggregate for a collection (active submissions only), by URN.
    public func partialAggregates(collectionID: String) async throws -> [PartialAggregateRecord] {
        try await read { session in
            try await session.query(
                "SELECT school_urn, submission_id, payload FROM partial_aggregates WHERE collection_id = $1 ORDER BY school_urn",
                .text(collectionID)
            ).map { row throws(StoreError) in
                guard let urn = URN(rawValue: Int(try row.int(0))) else { throw StoreError.corruptRow(column: 0) }
                return PartialAggregateRecord(school: urn, submissionID: try row.int(1), payload: try row.blob(2))
            }
        }
    }
}

private struct PupilSubject: Hashable {
    let pupil: String
    let subject: String
}
