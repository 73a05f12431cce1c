import GradeBenchCore
import GradeBenchStore
import Hummingbird

/// Serves a collection's latest snapshot, one family and pupil group at a time, to the users of schools that
/// contributed to it and to the DPO (give-to-get). Bodies are cached per snapshot (`ResponseCache`).
final class BenchmarkService: Sendable {
    let store: Store
    let snapshots: SnapshotCache
    let catalogue: SubjectCatalogue

    private struct Key: Hashable {
        let collection: String
        let family: String
        let group: String
        let format: ResponseFormat
    }
    private let cache: ResponseCache<Key, Int64>

    init(store: Store, snapshots: SnapshotCache, catalogue: SubjectCatalogue = .standard, revalidation: Duration = .seconds(1)) {
        self.store = store
        self.snapshots = snapshots
        self.catalogue = catalogue
        cache = ResponseCache(revalidation: revalidation)
    }

    /// `reader`: the caller's school (`nil` for the DPO), which must have contributed to the snapshot.
    func benchmarks(collection: String, family: String?, group: String?, format: ResponseFormat, reader: URN?) async throws -> CachedBody {
        let pupilGroup = try group.map(ComparisonService.pupilGroup) ?? .all
        let key = Key(collection: collection, family: family ?? "all", group: pupilGroup.description, format: format)
        guard let snapshot = try await snapshots.latest(collection) else {
            throw try await ComparisonService.noSnapshot(collection, store: store)
        }
        let id = snapshot.id
        // The DPO's and every contributor's bodies are the same.
        if let reader { try snapshot.requireContributor(reader) }
        if let body = cache.revalidated(key, basis: id) { return body }
        let table = BenchmarkTable(snapshot.index, family: try ComparisonService.family(family, in: snapshot.index), group: pupilGroup)
        let body: ByteBuffer
        switch format {
        case .json: body = try JSON.buffer(BenchmarksView(table, collection: collection, snapshot: snapshot, catalogue: catalogue))
        case .csv: body = ResponseFormat.csvBody(BenchmarksView.csv(table, collection: collection, snapshot: snapshot, catalogue: catalogue))
        }
        return cache.remember(key, basis: id, body: body)
    }
}
