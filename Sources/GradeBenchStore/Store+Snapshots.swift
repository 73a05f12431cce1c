import GradeBenchCore

/// A DPO's approval of one policy version (content hash).
public struct PolicyApproval: Sendable, Hashable {
    public let id: Int64
    public let policyHash: String
    public let userID: Int64
    public let approvedAt: Int64
}

/// What a publication reads: each school with an active submission for the collection, its registry entry, its
/// whole consent register and its partial aggregate.
public struct PublicationInput: Sendable {
    public let school: School
    public let consents: [ConsentRecord]
    public let aggregate: [UInt8]
}

extension Store {
    /// Stores an immutable snapshot and its suppression report.
    public func saveSnapshot(_ draft: SnapshotDraft, actor: String) async throws -> SnapshotRecord {
        try await change(audit: { (record: SnapshotRecord) in
            AuditEntry(
                actor: actor, action: "snapshot.publish", target: "snapshot:\(record.id)",
                details: [
                    "collection": record.collectionID, "schools": String(record.schoolCount), "policy": record.policyHash,
                ]
            )
        }) { session in
            guard try await !session.query("SELECT 1 FROM collections WHERE id = $1", .text(draft.collectionID)).isEmpty else {
                throw StoreError.notFound("No collection '\(draft.collectionID)' exists.")
            }
            let now = Store.now()
            let id = try await session.query(
                """
                INSERT INTO snapshots (collection_id, created_at, school_count, pupil_count, policy_hash, payload, user_id, report, guard_digest)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id
                """,
                .text(draft.collectionID), .int(now), .int(draft.schoolCount), .int(draft.pupilCount), .text(draft.policyHash),
                .blob(draft.payload), .optional(draft.userID), .blob(draft.report), .blob(draft.guardDigest)
            )[0].int(0)
            return SnapshotRecord(
                id: id, collectionID: draft.collectionID, createdAt: now, schoolCount: draft.schoolCount,
                pupilCount: draft.pupilCount, policyHash: draft.policyHash, payload: draft.payload
            )
        }
    }

    /// A collection's snapshots, oldest first.
    public func snapshots(collectionID: String) async throws -> [SnapshotRecord] {
        try await snapshotRecords(where: "collection_id = $1 ORDER BY id", .text(collectionID))
    }

    /// One snapshot by id.
    public func snapshot(id: Int64) async throws -> SnapshotRecord? {
        try await snapshotRecords(where: "id = $1", .int(id)).first
    }

    private func snapshotRecords(where clause: String, _ bind: SQLValue) async throws -> [SnapshotRecord] {
        try await read { session in
            try await session.query(
                "SELECT id, collection_id, created_at, school_count, pupil_count, policy_hash, payload FROM snapshots WHERE \(clause)",
                bind
            ).map { row throws(StoreError) in
                SnapshotRecord(
                    id: try row.int(0), collectionID: try row.text(1), createdAt: try row.int(2), schoolCount: Int(try row.int(3)),
                    pupilCount: Int(try row.int(4)), policyHash: try row.text(5), payload: try row.blob(6)
                )
            }
        }
    }

    /// Each of a collection's snapshots' release-guard digest, oldest first; the payload only where a snapshot has no
    /// digest (stored before digests were).
    public func snapshotDigests(collectionID: String) async throws -> [(id: Int64, digest: [UInt8], payload: [UInt8])] {
        try await read { session in
            try await session.query(
                """
                SELECT id, guard_digest, CASE WHEN length(guard_digest) = 0 THEN payload END FROM snapshots
                WHERE collection_id = $1 ORDER BY id
                """,
                .text(collectionID)
            ).map { row throws(StoreError) in (try row.int(0), try row.blob(1), try row.blob(2)) }
        }
    }

    /// The snapshot users read: the collection's latest.
    public func latestSnapshot(collectionID: String) async throws -> SnapshotRecord? {
        try await snapshotRecords(
            where: "id = (SELECT max(id) FROM snapshots WHERE collection_id = $1)", .text(collectionID)).first
    }

    /// The id of a collection's latest snapshot (no payload).
    public func latestSnapshotID(collectionID: String) async throws -> Int64? {
        try await read { session in
            try await session.query("SELECT max(id) FROM snapshots WHERE collection_id = $1", .text(collectionID))[0].optionalInt(0)
        }
    }

    /// Every collection's latest snapshot id, by collection.
    public func latestSnapshotIDs() async throws -> [String: Int64] {
        try await read { session in
            var ids: [String: Int64] = [:]
            for row in try await session.query("SELECT collection_id, max(id) FROM snapshots GROUP BY collection_id") {
                ids[try row.text(0)] = try row.int(1)
            }
            return ids
        }
    }

    /// What a school's comparison for a collection rests on, in one cheap query (no payload): the collection's latest
    /// snapshot id and the school's active submission id. A cached comparison is still true while both are the same.
    public func comparisonBasis(school: URN, collectionID: String) async throws -> (snapshot: Int64?, submission: Int64?) {
        try await read { session in
            let row = try await session.query(
                """
                SELECT (SELECT max(id) FROM snapshots WHERE collection_id = $2),
                       (SELECT id FROM submissions WHERE school_urn = $1 AND collection_id = $2 AND state = 'active')
                """,
                .int(school.rawValue), .text(collectionID)
            )[0]
            return (try row.optionalInt(0), try row.optionalInt(1))
        }
    }

    /// A snapshot's suppression report (the DPO's), with the snapshot's collection; `nil` when there is no such snapshot.
    public func suppressionReport(snapshotID: Int64) async throws -> (collectionID: String, report: [UInt8])? {
        try await read { session in
            guard let row = try await session.query("SELECT collection_id, report FROM snapshots WHERE id = $1", .int(snapshotID)).first
            else { return nil }
            return (try row.text(0), try row.blob(1))
        }
    }

    /// Records a DPO's approval of a policy version.
    public func approvePolicy(hash: String, userID: Int64, actor: String) async throws -> PolicyApproval {
        try await change(audit: { (approval: PolicyApproval) in
            AuditEntry(actor: actor, action: "policy.approve", target: "policy:\(hash)", details: ["approval": String(approval.id)])
        }) { session in
            let now = Store.now()
            let id = try await session.query(
                "INSERT INTO policy_approvals (policy_hash, user_id, approved_at) VALUES ($1, $2, $3) RETURNING id",
                .text(hash), .int(userID), .int(now)
            )[0].int(0)
            return PolicyApproval(id: id, policyHash: hash, userID: userID, approvedAt: now)
        }
    }

    /// Every approval of a policy version, oldest first.
    public func policyApprovals(hash: String) async throws -> [PolicyApproval] {
        try await read { session in
            try await session.query(
                "SELECT id, user_id, approved_at FROM policy_approvals WHERE policy_hash = $1 ORDER BY id", .text(hash)
            ).map { row throws(StoreError) in
                PolicyApproval(id: try row.int(0), policyHash: hash, userID: try row.int(1), approvedAt: try row.int(2))
            }
        }
    }

    /// Every school with an active submission for the collection, with its registry entry, consent register and
    /// partial aggregate, in URN order. The aggregates, nearly all of the bytes, are read in two halves on two sessions
    /// at once (on PostgreSQL each half is read and sent by its own server process); the registry and consents on a
    /// third. Four statements, whatever the number of schools.
    public func publicationInputs(collectionID: String) async throws -> [PublicationInput] {
        async let first = aggregates(collectionID: collectionID, half: 0)
        async let second = aggregates(collectionID: collectionID, half: 1)
        let (schools, consents) = try await read { session in
            let schools = Dictionary(uniqueKeysWithValues: try await session.query(Self.schoolSelect).map { row throws(StoreError) in
                let school = try Self.school(row)
                return (school.urn, school)
            })
            var consents: [URN: [ConsentRecord]] = [:]
            for row in try await session.query("SELECT school_urn, \(Self.consentColumns("consents")) FROM consents ORDER BY id") {
                guard let urn = URN(rawValue: Int(try row.int(0))) else { throw StoreError.corruptRow(column: 0) }
                consents[urn, default: []].append(try Self.consent(row, from: 1, school: urn))
            }
            return (schools, consents)
        }
        return try (await first + second).sorted { $0.urn < $1.urn }.map { urn, aggregate throws(StoreError) in
            guard let school = schools[urn] else { throw StoreError.corruptRow(column: 0) }
            return PublicationInput(school: school, consents: consents[urn] ?? [], aggregate: aggregate)
        }
    }

    /// The active submissions' partial aggregates of the schools whose URN is even (`half` 0) or odd (1).
    private func aggregates(collectionID: String, half: Int) async throws -> [(urn: URN, aggregate: [UInt8])] {
        try await read { session in
            try await session.query(
                """
                SELECT school_urn, partial_aggregate FROM submissions
                WHERE collection_id = $1 AND state = 'active' AND school_urn % 2 = $2
                """,
                .text(collectionID), .int(Int64(half))
            ).map { row throws(StoreError) in
                guard let urn = URN(rawValue: Int(try row.int(0))) else { throw StoreError.corruptRow(column: 0) }
                return (urn, try row.blob(1))
            }
        }
    }
}
