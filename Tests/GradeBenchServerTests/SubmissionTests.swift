import Crypto
import Foundation
import GradeBenchCore
import GradeBenchServer
import GradeBenchStore
import GradeBenchTestSupport
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// Consent-gated ingestion through the HTTP API, on SQLite and on a real PostgreSQL server.
@Suite("Submissions")
struct SubmissionTests {
    static let key = PseudonymKey(bytes: Array(repeating: 5, count: 32))!

    /// A small valid KS4 file: `pupils` pupils × MATH, ENGLANG, ART, grades cycling 9…1.
    static func csv(pupils: Int, tag: String = "a", pp: Bool = true) -> String {
        var text = "pupil,subject,grade,pp\n"
        for index in 0..<pupils {
            let pupil = key.pseudonym(for: "\(tag)-\(index)")
            for (offset, subject) in ["MATH", "ENGLANG", "ART"].enumerated() {
                text += "\(pupil),\(subject),\(9 - (index + offset) % 9),\(pp && index % 2 == 0 ? "Y" : "N")\n"
            }
        }
        return text
    }

    static func sha256(_ text: String) -> String { SHA256.hash(data: Data(text.utf8)).map { String(format: "%02x", $0) }.joined() }

    struct Receipt: Decodable, Equatable {
        let submission: Int64
        let rows: Int
        let pupils: Int
        let subjects: Int
        let sha256: String
        let replaces: Int64?
    }

    struct ErrorBody: Decodable {
        struct Detail: Decodable {
            let code: String
            let message: String
            let problems: [SubmissionProblem]?
            let total: Int?
        }
        let error: Detail
    }

    /// Grants school A's consent for the test collection.
    static func consent(_ app: TestApp, school: URN = TestApp.schoolA) async throws {
        _ = try await app.store.recordConsent(
            school: school, action: .grant, scope: .collection("ks4-t"), textHash: app.policies.consent.textHash, reason: nil,
            userID: nil, actor: "test"
        )
    }

    static func post(
        _ client: some TestClientProtocol, _ body: String, token: String, key: String? = nil, collection: String = "ks4-t",
        query: String = ""
    ) async throws -> TestResponse {
        var headers = HTTPFields.bearer(token)
        headers[.contentType] = "text/csv"
        if let key { headers[HTTPField.Name("Idempotency-Key")!] = key }
        return try await client.execute(
            uri: "/v1/collections/\(collection)/submissions\(query)", method: .post, headers: headers, body: ByteBuffer(string: body)
        )
    }

    /// What must not change when a submission is refused.
    static func snapshot(_ store: Store) async throws -> (submissions: Int, audit: Int) {
        (try await store.submissions(school: TestApp.schoolA).count, try await store.auditEvents(limit: 100_000).count)
    }

    @Test("accepted: receipt figures, re-keyed and sealed pseudonyms, partial aggregate", arguments: TestDatabase.available)
    func accepted(database: TestDatabase) async throws {
        try await TestApp.with(database: database) { app in
            try await Self.consent(app)
            let token = try await app.token(.schoolAdmin)
            let body = Self.csv(pupils: 12)
            try await app.application().test(.router) { client in
                let response = try await Self.post(client, body, token: token)
                #expect(response.status == .created)
                let receipt = try JSONDecoder().decode(Receipt.self, from: Data(response.body.readableBytesView))
                #expect(receipt.rows == 36 && receipt.pupils == 12 && receipt.subjects == 3 && receipt.replaces == nil)
                #expect(receipt.sha256 == Self.sha256(body))

                let rows = try await app.store.gradeRows(submissionID: receipt.submission)
                #expect(rows.count == 36)
                let submitted = Set((0..<12).map { Self.key.pseudonym(for: "a-\($0)") })
                // Stored keys are not the school's pseudonyms; the sealed copy opens only for school A.
                #expect(rows.allSatisfy { !submitted.contains($0.pupilKey) })
                #expect(Set(rows.map(\.pupilKey)).count == 12)
                let sealed = try #require(try await app.store.sealedPseudonyms(submissionID: receipt.submission))
                let opened = try #require(TestApp.keys.open(pseudonyms: sealed, school: TestApp.schoolA))
                #expect(Set(rows.map { opened[$0.pupilOrdinal] }) == submitted && opened.count == 12)
                #expect(TestApp.keys.open(pseudonyms: sealed, school: TestApp.schoolB) == nil)
                #expect(sealed.firstRange(of: Array(submitted.first!.utf8)) == nil)

                // The partial aggregate, against counts taken from the CSV here.
                let partial = try PartialAggregate(
                    encoded: try #require(await app.store.partialAggregates(collectionID: "ks4-t").first).payload
                )
                #expect(partial.pupils == 12)
                let maths = try #require(partial.subjects["MATH"]?["all"])
                var expected: [String: Int] = [:]
                for index in 0..<12 { expected[String(9 - index % 9), default: 0] += 1 }
                #expect(maths.counts == expected && maths.entries == 12)
                #expect(maths.pointsSum == Double((0..<12).map { 9 - $0 % 9 }.reduce(0, +)))
                #expect(partial.subjects["MATH"]?["pp=Y"]?.entries == 6)
                #expect(partial.measures["all"]?["pupils"] == 12)
            }
        }
    }

    @Test("no consent, withdrawn consent or consent for another collection: 403, nothing stored", arguments: TestDatabase.available)
    func consentGate(database: TestDatabase) async throws {
        try await TestApp.with(database: database) { app in
            try await app.store.registerCollection(
                GradeCollection(id: "ks4-other", name: "Other", keyStage: .ks4, academicYear: "2025/26"), actor: "test")
            let token = try await app.token(.schoolAdmin)
            try await app.application().test(.router) { client in
                func refused(_ situation: String) async throws {
                    let before = try await Self.snapshot(app.store)
                    let response = try await Self.post(client, Self.csv(pupils: 3), token: token)
                    #expect(response.status == .forbidden, "\(situation)")
                    let error = try JSONDecoder().decode(ErrorBody.self, from: Data(response.body.readableBytesView)).error
                    #expect(error.code == "consent_required", "\(situation)")
                    let after = try await Self.snapshot(app.store)
                    #expect(after.submissions == before.submissions && after.audit == before.audit, "\(situation)")
                }
                try await refused("no consent")
                _ = try await app.store.recordConsent(
                    school: TestApp.schoolA, action: .grant, scope: .collection("ks4-other"), textHash: "h", reason: nil, userID: nil,
                    actor: "t"
                )
                try await refused("consent for another collection")
                try await Self.consent(app)
                _ = try await app.store.recordConsent(
                    school: TestApp.schoolA, action: .withdraw, scope: .collection("ks4-t"), textHash: "h", reason: "r", userID: nil,
                    actor: "t"
                )
                try await refused("withdrawn")
            }
        }
    }

    @Test("a closed window: 409 window_closed", arguments: TestDatabase.available)
    func windowClosed(database: TestDatabase) async throws {
        try await TestApp.with(database: database) { app in
            try await app.store.registerCollection(
                GradeCollection(id: "ks4-closed", name: "Closed", keyStage: .ks4, academicYear: "2024/25", opensAt: 0, closesAt: 1_000),
                actor: "t"
            )
            _ = try await app.store.recordConsent(
                school: TestApp.schoolA, action: .grant, scope: .keyStage(.ks4), textHash: "h", reason: nil, userID: nil, actor: "t"
            )
            let token = try await app.token(.schoolAdmin)
            try await app.application().test(.router) { client in
                let response = try await Self.post(client, Self.csv(pupils: 2), token: token, collection: "ks4-closed")
                #expect(response.status == .conflict)
                #expect(String(buffer: response.body).contains(#""code":"window_closed""#))
            }
        }
    }

    @Test("bad input: status, code, row/column problems, nothing stored, audit unchanged", arguments: TestDatabase.available)
    func badInput(database: TestDatabase) async throws {
        try await TestApp.with(database: database) { app in
            try await Self.consent(app)
            let token = try await app.token(.schoolAdmin)
            let pupil = Self.key.pseudonym(for: "x")
            let cases: [(String, String, String, Int?, String?)] = [
                ("pupil,subject,grade,Forename\n\(pupil),MATH,7,Ada\n", "identifiers_present", "Ada", 1, "forename"),
                ("pupil,subject,grade\nH820200100001,MATH,7\n", "identifiers_present", "H820200100001", 2, "pupil"),
                ("pupil,subject,grade\n\(pupil),NOPE,7\n", "invalid_submission", "", 2, "subject"),
                ("pupil,subject,grade\n\(pupil),MATH,11\n", "invalid_submission", "", 2, "grade"),
                ("pupil,subject,grade\n\(pupil),MATH,7\n\(pupil),MATH,6\n", "invalid_submission", "", 3, "subject"),
                ("pupil,subject,grade,gender\n\(pupil),MATH,7,F\n\(pupil),ART,6,M\n", "invalid_submission", "", 3, "gender"),
                ("pupil,grade\n\(pupil),7\n", "invalid_submission", "", 1, "subject"),
                ("pupil,subject,grade\n\(pupil),\"MATH,7\n", "invalid_submission", "", 2, nil),
            ]
            try await app.application().test(.router) { client in
                for (body, code, secret, row, column) in cases {
                    let before = try await Self.snapshot(app.store)
                    let response = try await Self.post(client, body, token: token)
                    #expect(response.status == .unprocessableContent, "\(code) \(body)")
                    let text = String(buffer: response.body)
                    let error = try JSONDecoder().decode(ErrorBody.self, from: Data(response.body.readableBytesView)).error
                    #expect(error.code == code)
                    #expect(error.problems?.first?.row == row && error.problems?.first?.column == column, "\(body)")
                    #expect(error.total == error.problems?.count)
                    if !secret.isEmpty { #expect(!text.contains(secret)) }
                    let after = try await Self.snapshot(app.store)
                    #expect(after.submissions == before.submissions && after.audit == before.audit)
                }
                // Not UTF-8.
                var headers = HTTPFields.bearer(token)
                headers[.contentType] = "text/csv"
                let bytes = Array("pupil,subject,grade\n\(pupil),MATH,".utf8) + [0xC3, 0x28, 0x0A]
                let response = try await client.execute(
                    uri: "/v1/collections/ks4-t/submissions", method: .post, headers: headers, body: ByteBuffer(bytes: bytes)
                )
                #expect(response.status == .unprocessableContent)
                #expect(String(buffer: response.body).contains("not valid UTF-8"))
                #expect(try await app.store.activeSubmission(school: TestApp.schoolA, collectionID: "ks4-t") == nil)
            }
        }
    }

    @Test("replaying an Idempotency-Key never double counts; a different body with it is 409", arguments: TestDatabase.available)
    func idempotency(database: TestDatabase) async throws {
        try await TestApp.with(database: database) { app in
            try await Self.consent(app)
            let token = try await app.token(.schoolAdmin)
            try await app.application().test(.router) { client in
                let first = try await Self.post(client, Self.csv(pupils: 5), token: token, key: "upload-1")
                let again = try await Self.post(client, Self.csv(pupils: 5), token: token, key: "upload-1")
                #expect(first.status == .created && again.status == .created)
                #expect(String(buffer: first.body) == String(buffer: again.body))
                #expect(again.headers[HTTPField.Name("Idempotent-Replayed")!] == "true")
                let submissions = try await app.store.submissions(school: TestApp.schoolA)
                #expect(submissions.count == 1)
                #expect(try await app.store.auditEvents(limit: 1000).filter { $0.action == "submission.accept" }.count == 1)
                let conflict = try await Self.post(client, Self.csv(pupils: 6), token: token, key: "upload-1")
                #expect(conflict.status == .conflict)
                #expect(String(buffer: conflict.body).contains(#""code":"idempotency_conflict""#))
                #expect(try await app.store.gradeRows(submissionID: submissions[0].id).count == 15)
            }
        }
    }

    @Test("a resubmission replaces, never adds", arguments: TestDatabase.available)
    func resubmission(database: TestDatabase) async throws {
        try await TestApp.with(database: database) { app in
            try await Self.consent(app)
            let token = try await app.token(.schoolAdmin)
            try await app.application().test(.router) { client in
                let one = try JSONDecoder().decode(
                    Receipt.self, from: Data(try await Self.post(client, Self.csv(pupils: 8), token: token).body.readableBytesView))
                let two = try JSONDecoder().decode(
                    Receipt.self,
                    from: Data(try await Self.post(client, Self.csv(pupils: 3, tag: "b"), token: token).body.readableBytesView))
                #expect(two.replaces == one.submission)
                #expect(try await app.store.gradeRows(submissionID: one.submission).isEmpty)
                #expect(try await app.store.gradeRows(submissionID: two.submission).count == 9)
                let partials = try await app.store.partialAggregates(collectionID: "ks4-t")
                #expect(partials.count == 1)
                #expect(try PartialAggregate(encoded: partials[0].payload).pupils == 3)
            }
        }
    }

    @Test("two schools submitting at once: both stored, neither sees the other's rows", arguments: TestDatabase.available)
    func concurrentSchools(database: TestDatabase) async throws {
        try await TestApp.with(database: database) { app in
            try await Self.consent(app)
            try await Self.consent(app, school: TestApp.schoolB)
            let adminB = try await app.store.createUser(
                name: "admin-b", role: .schoolAdmin, school: TestApp.schoolB, passwordHash: nil, actor: "t")
            let tokenA = try await app.token(.schoolAdmin)
            let tokenB = try await app.store.issueToken(userID: adminB.id, label: "t", lifetime: .seconds(600), actor: "t").secret
            try await app.application().test(.router) { client in
                async let a = Self.post(client, Self.csv(pupils: 40, tag: "a"), token: tokenA)
                async let b = Self.post(client, Self.csv(pupils: 30, tag: "b"), token: tokenB)
                let (ra, rb) = try await (a, b)
                #expect(ra.status == .created && rb.status == .created)
            }
            let subA = try #require(try await app.store.activeSubmission(school: TestApp.schoolA, collectionID: "ks4-t"))
            let subB = try #require(try await app.store.activeSubmission(school: TestApp.schoolB, collectionID: "ks4-t"))
            let rowsA = try await app.store.gradeRows(submissionID: subA.id)
            let rowsB = try await app.store.gradeRows(submissionID: subB.id)
            #expect(rowsA.count == 120 && rowsB.count == 90)
            #expect(Set(rowsA.map(\.pupilKey)).isDisjoint(with: Set(rowsB.map(\.pupilKey))))
            let sealedA = try #require(try await app.store.sealedPseudonyms(submissionID: subA.id))
            let sealedB = try #require(try await app.store.sealedPseudonyms(submissionID: subB.id))
            #expect(TestApp.keys.open(pseudonyms: sealedA, school: TestApp.schoolA)?.count == 40)
            #expect(TestApp.keys.open(pseudonyms: sealedB, school: TestApp.schoolB)?.count == 30)
            #expect(TestApp.keys.open(pseudonyms: sealedA, school: TestApp.schoolB) == nil)
            guard case .intact = try await app.store.verifyAudit() else {
                Issue.record("audit chain broken by concurrent writers")
                return
            }
        }
    }

    @Test(arguments: TestDatabase.available)
    func cannotSubmitForAnotherSchool(database: TestDatabase) async throws {
        try await TestApp.with(database: database) { app in
            try await Self.consent(app)
            try await Self.consent(app, school: TestApp.schoolB)
            let token = try await app.token(.schoolAdmin)
            try await app.application().test(.router) { client in
                let response = try await Self.post(client, Self.csv(pupils: 2), token: token, query: "?school=\(TestApp.schoolB)")
                #expect(response.status == .notFound)
                #expect(try await app.store.activeSubmission(school: TestApp.schoolB, collectionID: "ks4-t") == nil)
            }
        }
    }

    @Test(arguments: TestDatabase.available)
    func excelHabitsAreAccepted(database: TestDatabase) async throws {
        try await TestApp.with(database: database) { app in
            try await Self.consent(app)
            let token = try await app.token(.schoolAdmin)
            let p = Self.key.pseudonym(for: "e")
            let body = "\u{FEFF}pupil,subject,grade\r\n\"\(p)\",\"MATH\",\"7\"\r\n\(p),ENGLANG,6\r\n\r\n\r\n"
            try await app.application().test(.router) { client in
                let response = try await Self.post(client, body, token: token)
                #expect(response.status == .created)
                #expect(String(buffer: response.body).contains(#""rows":2"#))
            }
        }
    }

    @Test(arguments: TestDatabase.available)
    func oversizedBodyIs413AndWrongTypeIs415(database: TestDatabase) async throws {
        try await TestApp.with(database: database) { app in
            try await Self.consent(app)
            let token = try await app.token(.schoolAdmin)
            try await app.application().test(.router) { client in
                let big = String(repeating: "x", count: (1 << 20) + 10)
                let response = try await Self.post(client, big, token: token)
                #expect(response.status == .contentTooLarge)
                #expect(String(buffer: response.body).contains(#""code":"body_too_large""#))
                var headers = HTTPFields.bearer(token)
                headers[.contentType] = "application/json"
                let wrongType = try await client.execute(
                    uri: "/v1/collections/ks4-t/submissions", method: .post, headers: headers, body: ByteBuffer(string: "{}"))
                #expect(wrongType.status == .unsupportedMediaType)
            }
        }
    }
}
