import GradeBenchCore
import GradeBenchStore
import Hummingbird
import Logging

extension APIRouter {
    /// The school's own pupil-level view (its leader and school-admin): each pupil of its active submission under the
    /// pseudonym the school submitted, with results and headline measures. Every read is audited (no pupil value in
    /// the event). Never cached: it is read rarely and holds pupil-level data.
    func addPupilRoutes(keys: ServerKeys, catalogue: SubjectCatalogue = .standard) {
        add(.get, "/v1/schools/:urn/pupils", access: .school(roles: .leader, .schoolAdmin)) { [store] request, context, caller in
            guard let urn = context.parameters.get("urn").flatMap(URN.init) else { throw APIError.notFound() }
            let query = request.uri.queryParameters
            let collectionID = try Self.requiredParameter("collection", in: query)
            let format = try ResponseFormat(request, query: query)
            guard let collection = try await store.collection(collectionID) else {
                throw APIError.notFound("No collection '\(collectionID.prefix(64))' exists.")
            }
            guard let submission = try await store.activeSubmission(school: urn, collectionID: collectionID) else {
                throw APIError(.notFound, code: "no_submission", message: "Your school has no accepted submission for this collection.")
            }
            let stored = try await store.pupils(submissionID: submission.id)
            guard let sealed = try await store.sealedPseudonyms(submissionID: submission.id),
                let pseudonyms = keys.open(pseudonyms: sealed, school: urn), pseudonyms.count == stored.count
            else {
                context.logger.error("sealed pseudonyms do not open", metadata: ["submission": "\(submission.id)"])
                throw APIError(.internalServerError, code: "internal_error", message: "The server could not complete the request.")
            }
            let pupils = try zip(pseudonyms, stored).map { pseudonym, pupil in
                PupilRecord(
                    pseudonym: pseudonym, characteristics: pupil.characteristics, results: try pupil.unpackedResults(),
                    keyStage: collection.keyStage, catalogue: catalogue)
            }.sorted { $0.pseudonym < $1.pseudonym }
            try await store.recordAudit(
                AuditEntry(
                    actor: caller.auditName, action: "pupils.read", target: "school:\(urn.rawValue)",
                    details: ["collection": collectionID, "submission": String(submission.id), "format": format.rawValue]))
            var headers: HTTPFields = [.contentType: format.contentType, .cacheControl: "private, no-store"]
            let body: ByteBuffer
            switch format {
            case .json: body = try JSON.buffer(PupilsView(school: urn, collection: collectionID, submission: submission, pupils: pupils))
            case .csv:
                body = ResponseFormat.csvBody(PupilsView.csv(pupils, keyStage: collection.keyStage))
                headers[.contentDisposition] = "attachment; filename=\"pupils-\(urn.rawValue)-\(Self.fileSafe(collectionID)).csv\""
            }
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: body))
        }
    }
}

/// The pupil-level view as JSON, and as CSV with one row per pupil (pseudonym, characteristics, a column per
/// subject the school entered, a column per headline measure).
struct PupilsView: Encodable {
    struct Pupil: Encodable {
        let pupil: String
        let characteristics: [String: String]
        let results: [String: String]
        let measures: [String: Double]
    }

    let school: Int
    let collection: String
    let submission: ComparisonView.SubmissionFacts
    let pupils: [Pupil]

    init(school: URN, collection: String, submission: SubmissionRecord, pupils: [PupilRecord]) {
        self.school = school.rawValue
        self.collection = collection
        self.submission = ComparisonView.SubmissionFacts(submission: submission.id, receivedAt: JSON.timestamp(submission.receivedAt))
        self.pupils = pupils.map { pupil in
            Pupil(
                pupil: pupil.pseudonym, characteristics: Self.characteristics(pupil.characteristics),
                results: Dictionary(pupil.results.map { ($0.subject, $0.grade) }, uniquingKeysWith: { first, _ in first }),
                measures: Dictionary(pupil.measures.map { ($0.measure.rawValue, $0.value) }, uniquingKeysWith: { first, _ in first }))
        }
    }

    static func characteristics(_ c: PupilCharacteristics) -> [String: String] {
        var out: [String: String] = [:]
        for column in PupilCharacteristics.columns { if let value = c[keyPath: column.keyPath] { out[column.name] = value } }
        return out
    }

    static func csv(_ pupils: [PupilRecord], keyStage: KeyStage) -> String {
        let subjects = Set(pupils.flatMap { $0.results.map(\.subject) }).sorted()
        let measures = HeadlineMeasure.measures(for: keyStage)
        var out = CSVWriter.line(["pupil"] + PupilCharacteristics.columns.map(\.name) + subjects + measures.map(\.rawValue))
        for pupil in pupils {
            let results = Dictionary(pupil.results.map { ($0.subject, $0.grade) }, uniquingKeysWith: { first, _ in first })
            let values = Dictionary(pupil.measures.map { ($0.measure, $0.value) }, uniquingKeysWith: { first, _ in first })
            let c = pupil.characteristics
            out += CSVWriter.line(
                [pupil.pseudonym] + PupilCharacteristics.columns.map { c[keyPath: $0.keyPath] ?? "" } + subjects.map { results[$0] ?? "" }
                    + measures.map { values[$0].map { String($0) } ?? "" })
        }
        return out
    }
}
