import GradeBenchCore
import GradeBenchStore
import Hummingbird
import HummingbirdCore

/// The response formats of the read API: JSON, or CSV for spreadsheets (`?format=csv` or `Accept: text/csv`).
enum ResponseFormat: String, Sendable, Hashable {
    case json, csv

    init(_ request: Request, query: FlatDictionary<Substring, Substring>) throws {
        if let text = query["format"] {
            guard let format = ResponseFormat(rawValue: String(text)) else {
                throw APIError.badRequest(code: "unknown_format", "The format parameter must be json or csv.")
            }
            self = format
        } else if let accept = request.headers[.accept], accept.contains("text/csv") {
            self = .csv
        } else {
            self = .json
        }
    }

    var contentType: String { self == .csv ? "text/csv; charset=utf-8" : "application/json; charset=utf-8" }

    /// A CSV download's bytes: UTF-8 with a byte-order mark, so that spreadsheets open names such as "A*–G" as written.
    static func csvBody(_ text: String) -> ByteBuffer { ByteBuffer(string: "\u{FEFF}" + text) }
}

/// What a comparison was computed from.
struct ComparisonBasis: Sendable {
    let collection: String
    let snapshot: LoadedSnapshot
    let submission: SubmissionRecord
}

/// Serves schools' comparisons from what ingestion (the partial aggregate) and publication (the snapshot) computed,
/// never scanning grade rows. A computed response is kept and served again while its basis (the collection's latest
/// snapshot and the school's active submission) is unchanged, re-checked with one cheap query as `Freshness` says, so
/// a new snapshot or a replaced submission shows within two seconds.
final class ComparisonService: Sendable {
    let store: Store
    let snapshots: SnapshotCache
    let catalogue: SubjectCatalogue

    private struct Key: Hashable {
        let school: URN
        let collection: String
        let family: String
        let group: String?
        let format: ResponseFormat
    }
    private struct Basis: Equatable, Sendable {
        let snapshot: Int64?
        let submission: Int64?
    }
    private let cache: ResponseCache<Key, Basis>

    init(store: Store, snapshots: SnapshotCache, catalogue: SubjectCatalogue = .standard, revalidation: Duration = .seconds(1)) {
        self.store = store
        self.snapshots = snapshots
        self.catalogue = catalogue
        cache = ResponseCache(revalidation: revalidation)
    }

    /// The school's comparison for a collection, against `family` (default all schools), for one pupil group or all.
    func comparison(school: URN, collection: String, family: String?, group: String?, format: ResponseFormat) async throws -> CachedBody {
        let pupilGroup = try group.map(Self.pupilGroup)
        let key = Key(school: school, collection: collection, family: family ?? "all", group: pupilGroup?.description, format: format)
        let store = self.store
        if let body = cache.body(key, basis: {
            let (snapshot, submission) = try await store.comparisonBasis(school: school, collectionID: collection)
            return Basis(snapshot: snapshot, submission: submission)
        }) {
            return body
        }
        let (snapshotID, submissionID) = try await store.comparisonBasis(school: school, collectionID: collection)
        if let body = cache.revalidated(key, basis: Basis(snapshot: snapshotID, submission: submissionID)) { return body }
        guard let snapshotID else { throw try await Self.noSnapshot(collection, store: store) }
        let snapshot = try await snapshots.snapshot(snapshotID, collection: collection)
        try snapshot.requireContributor(school)
        guard let submissionID, let submission = try await store.submission(id: submissionID),
            let bytes = try await store.partialAggregate(submissionID: submissionID)
        else {
            throw APIError(
                .notFound, code: "no_submission", message: "Your school has no accepted submission for this collection to compare.")
        }
        let basis = ComparisonBasis(collection: collection, snapshot: snapshot, submission: submission)
        let own = try PartialAggregate(encoded: bytes)
        let comparison = SchoolComparison(
            school: school, own: own, benchmark: snapshot.index, family: try Self.family(family, in: snapshot.index),
            groups: pupilGroup.map { [$0] }, catalogue: catalogue)
        let body: ByteBuffer
        switch format {
        case .json: body = try JSON.buffer(ComparisonView(comparison, basis: basis, group: pupilGroup))
        case .csv: body = ResponseFormat.csvBody(ComparisonCSV.render(comparison, basis: basis))
        }
        return cache.remember(key, basis: Basis(snapshot: snapshotID, submission: submissionID), body: body)
    }

    /// 404: the collection does not exist, or has no snapshot yet.
    static func noSnapshot(_ collection: String, store: Store) async throws -> APIError {
        guard try await store.collection(collection) != nil else {
            return APIError.notFound("No collection '\(collection.prefix(64))' exists.")
        }
        return APIError(
            .notFound, code: "no_snapshot",
            message: "Collection '\(collection.prefix(64))' has no published snapshot yet; benchmarks appear once the operator publishes one.")
    }

    static func pupilGroup(_ text: String) throws -> PupilGroup {
        guard let group = PupilGroup(text) else {
            throw APIError.badRequest(
                code: "unknown_group",
                "Unknown pupil group '\(text.prefix(40))'; valid groups: \(PupilGroup.every.map(\.description).joined(separator: ", ")).")
        }
        return group
    }

    static func family(_ text: String?, in index: BenchmarkIndex) throws -> Family {
        guard let text else { return .all }
        guard let family = Family(text), index.families.contains(family) else {
            throw APIError.badRequest(
                code: "unknown_family",
                "Unknown family '\(text.prefix(60))'; valid families: \(index.families.map(\.description).joined(separator: ", ")).")
        }
        return family
    }
}
