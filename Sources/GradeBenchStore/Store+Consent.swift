import GradeBenchCore

extension Store {
    /// Appends a grant or withdrawal to the school's consent register (never rewritten).
    public func recordConsent(
        school: URN, action: ConsentAction, scope: ConsentScope, textHash: String, reason: String?, userID: Int64?, actor: String
    ) async throws -> ConsentRecord {
        try await change(audit: { (record: ConsentRecord) in
            AuditEntry(
                actor: actor, action: "consent.\(action.rawValue)", target: "school:\(school)",
                details: ["scope": "\(scope.kind):\(scope.value)", "text_hash": textHash, "consent": String(record.id)]
            )
        }) { session in
            guard try await !session.query("SELECT 1 FROM schools WHERE urn = $1", .int(school.rawValue)).isEmpty else {
                throw StoreError.notFound("No school with URN \(school) is registered.")
            }
            let now = Store.now()
            let rows = try await session.query(
                """
                INSERT INTO consents (school_urn, action, scope_kind, scope_value, text_hash, reason, user_id, recorded_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id
                """,
                .int(school.rawValue), .text(action.rawValue), .text(scope.kind), .text(scope.value), .text(textHash),
                .optional(reason), .optional(userID), .int(now)
            )
            return ConsentRecord(
                id: try rows[0].int(0), school: school, action: action, scope: scope, textHash: textHash, reason: reason,
                userID: userID, recordedAt: now
            )
        }
    }

    /// The school's whole consent history, in recording order.
    public func consents(school: URN) async throws -> [ConsentRecord] {
        try await read { session in
            try await session.query(
                "SELECT \(Self.consentColumns("consents")) FROM consents WHERE school_urn = $1 ORDER BY id",
                .int(school.rawValue)
            ).map { row throws(StoreError) in try Self.consent(row, from: 0, school: school) }
        }
    }

    /// What a submission's consent gate reads, in one statement: the collection (`nil` when there is none) and the
    /// school's whole consent history.
    public func consentGate(collectionID: String, school: URN) async throws -> (collection: GradeCollection, consents: [ConsentRecord])? {
        let rows = try await read { session in
            try await session.query(
                """
                SELECT \(Self.collectionColumns("c")), \(Self.consentColumns("k")) FROM collections c
                LEFT JOIN consents k ON k.school_urn = $2 WHERE c.id = $1 ORDER BY k.id
                """,
                .text(collectionID), .int(school.rawValue)
            )
        }
        guard let first = rows.first else { return nil }
        let consents = try rows.filter { try $0.optionalInt(6) != nil }.map { row throws(StoreError) in
            try Self.consent(row, from: 6, school: school)
        }
        return (try Self.collection(first, from: 0), consents)
    }

    static func consentColumns(_ table: String) -> String {
        qualified(["id", "action", "scope_kind", "scope_value", "text_hash", "reason", "user_id", "recorded_at"], of: table)
    }

    /// A consent record from `consentColumns`, starting at column `base`.
    static func consent(_ row: SQLRow, from base: Int, school: URN) throws(StoreError) -> ConsentRecord {
        guard let action = ConsentAction(rawValue: try row.text(base + 1)) else { throw StoreError.corruptRow(column: base + 1) }
        guard let scope = ConsentScope(kind: try row.text(base + 2), value: try row.text(base + 3)) else {
            throw StoreError.corruptRow(column: base + 2)
        }
        return ConsentRecord(
            id: try row.int(base), school: school, action: action, scope: scope, textHash: try row.text(base + 4),
            reason: try row.optionalText(base + 5), userID: try row.optionalInt(base + 6), recordedAt: try row.int(base + 7)
        )
    }
}
