import GradeBenchCore

extension Store {
    /// Stores an immutable snapshot.
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
                INSERT INTO snapshots (collection_id, created_at, school_count, pupil_count, policy_hash, payload, user_id)
                VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id
                """,
                .text(draft.collectionID), .int(now), .int(draft.schoolCount), .int(draft.pupilCount), .text(draft.policyHash),
                .blob(draft.payload), .optional(draft.userID)
            )[0].int(0)
            return SnapshotRecord(
                id: id, collectionID: draft.collectionID, createdAt: now, schoolCount: draft.schoolCount,
                pupilCount: draft.pupilCount, policyHash: draft.policyHash, payload: draft.payload
            )
        }
    }

    /// A collection's snapshots, oldest first.
    public func snapshots(collectionID: String) async throws -> [SnapshotRecord] {
        try await read { session in
            try await session.query(
                """
                SELECT id, created_at, school_count, pupil_count, policy_hash, payload FROM snapshots
                WHERE collection_id = $1 ORDER BY id
                """,
                .text(collectionID)
            ).map { row throws(StoreError) in
                SnapshotRecord(
                    id: try row.int(0), collectionID: collectionID, createdAt: try row.int(1), schoolCount: Int(try row.int(2)),
                    pupilCount: Int(try row.int(3)), policyHash: try row.text(4), payload: try row.blob(5)
                )
            }
        }
    }

    /// The snapshot users read: the collection's latest.
    public func latestSnapshot(collectionID: String) async throws -> SnapshotRecord? {
        try await snapshots(collectionID: collectionID).last
    }
}
