import GradeBenchCore
import GradeBenchStore
import Hummingbird
import HummingbirdCore

extension APIRouter {
    /// A school's own analytics next to the collaboration benchmark (its leaders and administrators).
    func addComparisonRoutes(service: ComparisonService, benchmarks: BenchmarkService) {
        add(.get, "/v1/schools/:urn/comparison", access: .school(roles: .leader, .schoolAdmin)) { [store] request, context, caller in
            guard let urn = context.parameters.get("urn").flatMap(URN.init) else { throw APIError.notFound() }
            let query = request.uri.queryParameters  // parsed once
            let collection = try Self.requiredParameter("collection", in: query)
            let format = try ResponseFormat(request, query: query)
            let body = try await service.comparison(
                school: urn, collection: collection, family: query["family"].map(String.init), group: query["group"].map(String.init),
                format: format)
            var headers: HTTPFields = [.contentType: format.contentType, .cacheControl: "private, no-store"]
            if format == .csv {
                try await store.recordAudit(
                    AuditEntry(
                        actor: caller.auditName, action: "comparison.export", target: "school:\(urn.rawValue)",
                        details: ["collection": collection, "format": "csv"]))
                headers[.contentDisposition] = "attachment; filename=\"comparison-\(urn.rawValue)-\(Self.fileSafe(collection)).csv\""
            }
            return body.response(to: request, headers: headers)
        }

        add(.get, "/v1/collections/:collection/benchmarks", access: .roles(.leader, .schoolAdmin, .dpo)) { [store] request, context, caller in
            let collection = context.parameters.get("collection") ?? ""
            let query = request.uri.queryParameters
            let format = try ResponseFormat(request, query: query)
            let body = try await benchmarks.benchmarks(
                collection: collection, family: query["family"].map(String.init), group: query["group"].map(String.init), format: format,
                reader: caller.user.role.isSchoolScoped ? caller.user.school : nil)
            var headers: HTTPFields = [.contentType: format.contentType, .cacheControl: "private, no-store"]
            if format == .csv {
                try await store.recordAudit(
                    AuditEntry(actor: caller.auditName, action: "benchmarks.export", target: "collection:\(collection)", details: ["format": "csv"]))
                headers[.contentDisposition] = "attachment; filename=\"benchmarks-\(Self.fileSafe(collection)).csv\""
            }
            return body.response(to: request, headers: headers)
        }

        /// Every collection, with its latest snapshot's facts where the caller may read its benchmarks (the DPO and the
        /// operator: every snapshot; school users: those their school contributed to).
        struct CollectionListing: Encodable {
            let collection: CollectionView
            let published: Bool
            let latestSnapshot: ComparisonView.SnapshotFacts?

            enum CodingKeys: String, CodingKey { case published, latestSnapshot }

            /// The collection's own fields, and these two beside them in one object.
            func encode(to encoder: any Encoder) throws {
                try collection.encode(to: encoder)
                var container = encoder.container(keyedBy: CodingKeys.self)
                try container.encode(published, forKey: .published)
                try container.encodeIfPresent(latestSnapshot, forKey: .latestSnapshot)
            }
        }
        add(.get, "/v1/collections", access: .anyUser) { [store] _, _, caller in
            let school = caller.user.role.isSchoolScoped ? caller.user.school : nil
            var listings: [CollectionListing] = []
            for collection in try await store.collections() {
                let latest = try await benchmarks.snapshots.latest(collection.id)
                let visible = latest.flatMap { snapshot in school.map { snapshot.hasContributor($0) } ?? true } ?? false
                listings.append(
                    CollectionListing(
                        collection: CollectionView(collection), published: latest != nil,
                        latestSnapshot: visible ? latest.map(ComparisonView.SnapshotFacts.init) : nil))
            }
            return try JSON.response(listings)
        }
    }

    /// A query parameter that must be present and not blank: 400 `missing_parameter` naming it otherwise.
    static func requiredParameter(_ name: String, in query: FlatDictionary<Substring, Substring>) throws -> String {
        guard let value = query.get(name), !value.trimmedBlanks.isEmpty else {
            throw APIError.badRequest(code: "missing_parameter", "The query parameter '\(name)' is required.")
        }
        return value
    }

    /// A name reduced to characters safe in a download's file name.
    static func fileSafe(_ text: String) -> String {
        String(text.prefix(64).map { (c: Character) -> Character in c.isLetter || c.isNumber || c == "-" || c == "_" ? c : "_" })
    }
}
