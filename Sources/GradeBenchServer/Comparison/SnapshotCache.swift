import GradeBenchCore
import GradeBenchStore
import Hummingbird
import Synchronization

/// A collection's latest snapshot, decoded and indexed once (a national snapshot is tens of megabytes of JSON).
struct LoadedSnapshot: Sendable {
    let id: Int64
    let createdAt: Int64
    let schoolCount: Int
    let index: BenchmarkIndex

    /// Whether the school contributed to this snapshot (give-to-get: only contributors read its benchmarks).
    func hasContributor(_ school: URN) -> Bool { index.content.contributorPosition(of: school) != nil }

    /// 403 `not_a_contributor` unless the school contributed to this snapshot.
    func requireContributor(_ school: URN) throws {
        guard hasContributor(school) else {
            throw APIError(
                .forbidden, code: "not_a_contributor",
                message: "Your school did not contribute to this collection's latest snapshot, so its benchmarks are not open to it.")
        }
    }
}

/// Each collection's latest snapshot as `LoadedSnapshot`, replaced when a newer one is asked for. Snapshots are
/// immutable, so a snapshot id always means the same content.
final class SnapshotCache: Sendable {
    let store: Store
    let freshness: Freshness
    private let loaded = Mutex<[String: LoadedSnapshot]>([:])
    /// Loads in progress, one per snapshot id: concurrent first requests wait for the same decode rather than each
    /// decoding the snapshot (64 connections arriving at once would hold 64 copies).
    private let loading = Mutex<[Int64: Task<LoadedSnapshot, any Error>]>([:])
    /// When each collection's latest snapshot id was last read (`latest(_:)`), and whether a re-read is under way.
    private let checked = Mutex<[String: (at: ContinuousClock.Instant, refreshing: Bool)]>([:])

    init(store: Store, freshness: Freshness = Freshness()) {
        self.store = store
        self.freshness = freshness
    }

    /// The collection's latest snapshot (`nil`: none yet), its id re-read as `Freshness` says.
    func latest(_ collection: String) async throws -> LoadedSnapshot? {
        let now = ContinuousClock.now
        let verdict = checked.withLock { checked -> Freshness.Verdict in
            guard var entry = checked[collection] else { return .expired }
            let verdict = freshness.verdict(checkedAt: entry.at, refreshing: &entry.refreshing, now: now)
            checked[collection] = entry
            return verdict
        }
        if verdict != .expired, let hit = loaded.withLock({ $0[collection] }) {
            if verdict == .refresh {
                Task { [store] in
                    let id = try? await store.latestSnapshotID(collectionID: collection)
                    self.checked.withLock { checked in
                        // Unchanged: checked now. A newer snapshot (or a failed read): the next request reads it first.
                        if let id, id == hit.id { checked[collection] = (.now, false) } else { checked[collection] = nil }
                    }
                }
            }
            return hit
        }
        guard let id = try await store.latestSnapshotID(collectionID: collection) else { return nil }
        let snapshot = try await self.snapshot(id, collection: collection)
        checked.withLock { $0[collection] = (now, false) }
        return snapshot
    }

    /// The snapshot `id` of `collection`, decoded on first use.
    func snapshot(_ id: Int64, collection: String) async throws -> LoadedSnapshot {
        if let hit = loaded.withLock({ $0[collection] }), hit.id == id { return hit }
        let task = loading.withLock { loading in
            if let running = loading[id] { return running }
            let task = Task { try await self.load(id, collection: collection) }
            loading[id] = task
            return task
        }
        defer { _ = loading.withLock { $0.removeValue(forKey: id) } }
        return try await task.value
    }

    private func load(_ id: Int64, collection: String) async throws -> LoadedSnapshot {
        guard let record = try await store.snapshot(id: id), record.collectionID == collection else {
            throw APIError.notFound("No snapshot with that id exists.")
        }
        let content: SnapshotContent
        do {
            content = try SnapshotContent(encoded: record.payload)
        } catch {
            // A stored snapshot that does not decode is the server's fault, not the request's.
            throw APIError(.internalServerError, code: "internal_error", message: "The server could not complete the request.")
        }
        let snapshot = LoadedSnapshot(id: id, createdAt: record.createdAt, schoolCount: record.schoolCount, index: BenchmarkIndex(content))
        loaded.withLock { loaded in
            if (loaded[collection]?.id ?? .min) < id { loaded[collection] = snapshot }
        }
        return snapshot
    }
}
