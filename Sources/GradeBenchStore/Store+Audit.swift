import Foundation
import GradeBenchCore

extension Store {
    /// Appends one event to the hash chain, inside the caller's transaction. The head row is locked so
    /// concurrent writers chain one after another.
    func appendAudit(_ entry: AuditEntry, in session: any SQLSession) async throws {
        let head = try await session.query("SELECT sequence, hash FROM audit_head WHERE id = 1" + driver.dialect.forUpdate)
        let previous = (sequence: try head[0].int(0), hash: try head[0].text(1))
        let event = AuditChain.next(
            after: previous.sequence == 0 ? nil : previous, entry: entry,
            time: Int64(Date().timeIntervalSince1970 * 1000)
        )
        let insert = """
            INSERT INTO audit_events (sequence, at, actor, action, target, details, previous_hash, hash)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
            """
        let binds: [SQLValue] = [
            .int(event.sequence), .int(event.time), .text(event.actor), .text(event.action), .text(event.target),
            .text(AuditChain.encode(details: event.details)), .text(event.previousHash), .text(event.hash),
        ]
        switch driver.dialect {
        case .postgres:
            // One round trip: the event and the new head together.
            try await session.query(
                SQLStatement(
                    "WITH event AS (\(insert) RETURNING sequence, hash) "
                        + "UPDATE audit_head SET sequence = event.sequence, hash = event.hash FROM event WHERE audit_head.id = 1",
                    binds
                )
            )
        case .sqlite:
            try await session.query(SQLStatement(insert, binds))
            try await session.query("UPDATE audit_head SET sequence = $1, hash = $2 WHERE id = 1", .int(event.sequence), .text(event.hash))
        }
    }

    /// Records an event that is not part of another change (a failed sign-in, an export).
    public func recordAudit(_ entry: AuditEntry) async throws {
        try await driver.withTransaction { session in try await appendAudit(entry, in: session) }
    }

    /// Events after `sequence`, oldest first.
    public func auditEvents(after sequence: Int64 = 0, limit: Int = 1000) async throws -> [AuditEvent] {
        try await read { session in
            try await session.query(
                """
                SELECT sequence, at, actor, action, target, details, previous_hash, hash FROM audit_events
                WHERE sequence > $1 ORDER BY sequence LIMIT $2
                """,
                .int(sequence), .int(limit)
            ).map { row throws(StoreError) in
                AuditEvent(
                    sequence: try row.int(0), time: try row.int(1), actor: try row.text(2), action: try row.text(3),
                    target: try row.text(4), details: AuditChain.decode(details: try row.text(5)),
                    previousHash: try row.text(6), hash: try row.text(7)
                )
            }
        }
    }

    /// Walks the whole chain and checks every link; also checks the head row agrees with the last event.
    public func verifyAudit() async throws -> AuditVerification {
        var events: [AuditEvent] = []
        var after: Int64 = 0
        while true {
            let page = try await auditEvents(after: after, limit: 5000)
            events += page
            guard let last = page.last, page.count == 5000 else { break }
            after = last.sequence
        }
        let result = AuditChain.verify(events)
        let head = try await read { session in try await session.query("SELECT sequence, hash FROM audit_head WHERE id = 1") }
        if case .intact(let count, let hash) = result,
            try head[0].int(0) != Int64(count) || (count > 0 && (try head[0].text(1)) != hash)
        {
            return .broken(atSequence: Int64(count + 1), reason: "the chain's last events were removed")
        }
        return result
    }
}
