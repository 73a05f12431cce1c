import Foundation
import GradeBenchCore
import GradeBenchServer
import GradeBenchStore
import GradeBenchTestSupport
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("Consent register and registry API")
struct ConsentAndRegistryTests {
    static func json(_ client: some TestClientProtocol, _ method: HTTPRequest.Method, _ uri: String, _ body: String?, token: String)
        async throws
        -> TestResponse
    {
        var headers = HTTPFields.bearer(token)
        headers[.contentType] = "application/json"
        return try await client.execute(uri: uri, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) })
    }

    @Test("opt in needs the current text's hash; withdrawal needs a reason; history is kept whole", arguments: TestDatabase.available)
    func consentRegister(database: TestDatabase) async throws {
        try await TestApp.with(database: database) { app in
            let admin = try await app.token(.schoolAdmin)
            let hash = app.policies.consent.textHash
            let uri = "/v1/schools/\(TestApp.schoolA)/consents"
            try await app.application().test(.router) { client in
                let text = try await Self.json(client, .get, "/v1/consent-text", nil, token: admin)
                #expect(String(buffer: text.body).contains(#""textHash":"\#(hash)""#))

                let unacknowledged = try await Self.json(client, .post, uri, #"{"action":"grant","collection":"ks4-t"}"#, token: admin)
                #expect(unacknowledged.status == .badRequest)
                #expect(String(buffer: unacknowledged.body).contains("consent_not_acknowledged"))

                let outdated = try await Self.json(
                    client, .post, uri, #"{"action":"grant","collection":"ks4-t","textHash":"\#(String(repeating: "a", count: 64))"}"#,
                    token: admin
                )
                #expect(outdated.status == .conflict)
                #expect(String(buffer: outdated.body).contains("The consent text has changed"))

                let granted = try await Self.json(
                    client, .post, uri, #"{"action":"grant","keyStage":"KS4","textHash":"\#(hash)"}"#, token: admin)
                #expect(granted.status == .created)

                let noReason = try await Self.json(client, .post, uri, #"{"action":"withdraw","keyStage":"KS4"}"#, token: admin)
                #expect(noReason.status == .badRequest)
                #expect(String(buffer: noReason.body).contains("reason_required"))

                let withdrawn = try await Self.json(
                    client, .post, uri, #"{"action":"withdraw","keyStage":"KS4","reason":"leaving the trust"}"#, token: admin
                )
                #expect(withdrawn.status == .created)
                let twice = try await Self.json(
                    client, .post, uri, #"{"action":"withdraw","keyStage":"KS4","reason":"again"}"#, token: admin)
                #expect(twice.status == .conflict)
                #expect(String(buffer: twice.body).contains("nothing_to_withdraw"))

                let history = try await Self.json(client, .get, uri, nil, token: try await app.token(.dpo))
                struct Record: Decodable {
                    let action: String
                    let scope: String
                    let value: String
                    let textHash: String
                    let reason: String?
                    let user: Int64?
                }
                let records = try JSONDecoder().decode([Record].self, from: Data(history.body.readableBytesView))
                #expect(records.map(\.action) == ["grant", "withdraw"])
                #expect(records.allSatisfy { $0.scope == "key-stage" && $0.value == "KS4" && $0.textHash == hash })
                #expect(records[1].reason == "leaving the trust")
                #expect(records.allSatisfy { $0.user == app.users[.schoolAdmin]!.id })
                let events = try await app.store.auditEvents(limit: 1000).map(\.action)
                #expect(events.filter { $0.hasPrefix("consent.") } == ["consent.grant", "consent.withdraw"])

                // Another school's register: 404 for a school user, no hint it exists.
                let other = try await Self.json(
                    client, .get, "/v1/schools/\(TestApp.schoolB)/consents", nil, token: try await app.token(.leader))
                #expect(other.status == .notFound)
            }
        }
    }

    @Test("registering: duplicates are 409; bad fields are 400 naming the field", arguments: TestDatabase.available)
    func registry(database: TestDatabase) async throws {
        try await TestApp.with(database: database) { app in
            let op = try await app.token(.operator)
            try await app.application().test(.router) { client in
                let school =
                    #"{"urn":900299,"name":"Synthetic New","region":"South West","type":"academy","phase":"secondary","sizeBand":"large"}"#
                #expect(try await Self.json(client, .post, "/v1/schools", school, token: op).status == .created)
                let duplicate = try await Self.json(client, .post, "/v1/schools", school, token: op)
                #expect(duplicate.status == .conflict)
                #expect(String(buffer: duplicate.body).contains("A school with URN 900299 is already registered."))
                let badRegion = try await Self.json(
                    client, .post, "/v1/schools", #"{"urn":900298,"name":"S","region":"Mars","type":"academy","phase":"secondary"}"#,
                    token: op
                )
                #expect(badRegion.status == .badRequest)
                #expect(String(buffer: badRegion.body).contains(#""code":"invalid_region""#))

                let collection =
                    #"{"id":"ks2-2026","name":"KS2","keyStage":"KS2","academicYear":"2025/26","opensAt":"2026-06-01","closesAt":"2026-12-31"}"#
                let created = try await Self.json(client, .post, "/v1/collections", collection, token: op)
                #expect(created.status == .created)
                #expect(String(buffer: created.body).contains(#""closesAt":"2026-12-31T00:00:00Z""#))
                #expect(try await Self.json(client, .post, "/v1/collections", collection, token: op).status == .conflict)
                let backwards = try await Self.json(
                    client, .post, "/v1/collections",
                    #"{"id":"x","name":"X","keyStage":"KS4","academicYear":"2025/26","opensAt":"2026-06-01","closesAt":"2026-01-01"}"#,
                    token: op
                )
                #expect(backwards.status == .badRequest)
                #expect(String(buffer: backwards.body).contains(#""code":"invalid_closes""#))
            }
        }
    }
}
