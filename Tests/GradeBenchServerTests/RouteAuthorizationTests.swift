import Foundation
import GradeBenchCore
import GradeBenchServer
import GradeBenchStore
import Hummingbird
import HummingbirdTesting
import Testing

/// Every registered route × every role (+ no token, + a bad token, + another school) against the access this
/// table declares. The table is written here, independently of the routes' own declarations: a route added
/// without a row fails `everyRouteHasARow`.
@Suite("Route authorization table")
struct RouteAuthorizationTests {
    struct Row: Sendable, CustomStringConvertible {
        let method: HTTPRequest.Method
        let path: String
        /// `nil`: public.
        let allowed: Set<Role>?
        /// School-scoped: users of a school role reach only their own school.
        let schoolScoped: Bool
        let success: HTTPResponse.Status
        /// The concrete request for a case: the URI (with `{school}` for the target school) and body.
        let request: @Sendable (TestApp, URN) async throws -> (String, ByteBuffer?)

        var description: String { "\(method.rawValue) \(path)" }
    }

    static let all = Set(Role.allCases)

    static let table: [Row] = [
        Row(method: .get, path: "/health", allowed: nil, schoolScoped: false, success: .ok) { _, _ in ("/health", nil) },
        Row(method: .get, path: "/openapi.yaml", allowed: nil, schoolScoped: false, success: .ok) { _, _ in ("/openapi.yaml", nil) },
        Row(method: .get, path: "/v1/me", allowed: all, schoolScoped: false, success: .ok) { _, _ in ("/v1/me", nil) },
        Row(method: .delete, path: "/v1/me/token", allowed: all, schoolScoped: false, success: .noContent) { _, _ in ("/v1/me/token", nil)
        },
        Row(method: .post, path: "/v1/users", allowed: [.operator], schoolScoped: false, success: .created) { _, _ in
            let body = #"{"name":"new-\#(UUID().uuidString.prefix(8))","role":"dpo"}"#
            return ("/v1/users", ByteBuffer(string: body))
        },
        Row(method: .delete, path: "/v1/tokens/:id", allowed: [.operator], schoolScoped: false, success: .noContent) { app, _ in
            let victim = try await app.store.issueToken(
                userID: app.users[.leader]!.id, label: "victim", lifetime: .seconds(60), actor: "test")
            return ("/v1/tokens/\(victim.record.id)", nil)
        },
        Row(method: .get, path: "/v1/schools", allowed: [.operator, .dpo], schoolScoped: false, success: .ok) { _, _ in ("/v1/schools", nil)
        },
        Row(method: .get, path: "/v1/schools/:urn", allowed: all, schoolScoped: true, success: .ok) { _, school in
            ("/v1/schools/\(school)", nil)
        },
        Row(method: .get, path: "/v1/collections", allowed: all, schoolScoped: false, success: .ok) { _, _ in ("/v1/collections", nil) },
        Row(method: .post, path: "/v1/schools", allowed: [.operator], schoolScoped: false, success: .created) { _, _ in
            let urn = Int.random(in: 910_000...989_999)
            let body = #"{"urn":\#(urn),"name":"Synthetic New","region":"London","type":"academy","phase":"secondary"}"#
            return ("/v1/schools", ByteBuffer(string: body))
        },
        Row(method: .post, path: "/v1/collections", allowed: [.operator], schoolScoped: false, success: .created) { _, _ in
            let body = #"{"id":"c-\#(UUID().uuidString.prefix(8).lowercased())","name":"C","keyStage":"KS4","academicYear":"2025/26"}"#
            return ("/v1/collections", ByteBuffer(string: body))
        },
        Row(method: .get, path: "/v1/consent-text", allowed: all, schoolScoped: false, success: .ok) { _, _ in ("/v1/consent-text", nil) },
        Row(method: .post, path: "/v1/schools/:urn/consents", allowed: [.schoolAdmin], schoolScoped: true, success: .created) {
            app, school in
            let body = #"{"action":"grant","collection":"ks4-t","textHash":"\#(app.policies.consent.textHash)"}"#
            return ("/v1/schools/\(school)/consents", ByteBuffer(string: body))
        },
        Row(
            method: .get, path: "/v1/schools/:urn/consents", allowed: [.schoolAdmin, .leader, .dpo, .operator], schoolScoped: true,
            success: .ok
        ) { _, school in ("/v1/schools/\(school)/consents", nil) },
        Row(method: .post, path: "/v1/collections/:collection/submissions", allowed: [.schoolAdmin], schoolScoped: false, success: .created)
        {
            app, _ in
            _ = try await app.store.recordConsent(
                school: TestApp.schoolA, action: .grant, scope: .collection("ks4-t"), textHash: "h", reason: nil, userID: nil, actor: "t"
            )
            let key = PseudonymKey(bytes: Array(repeating: 3, count: 32))!
            return ("/v1/collections/ks4-t/submissions", ByteBuffer(string: "pupil,subject,grade\n\(key.pseudonym(for: "r")),MATH,7\n"))
        },
        Row(method: .post, path: "/v1/collections/:collection/snapshots", allowed: [.operator], schoolScoped: false, success: .created) {
            app, _ in
            try await PublicationTests.prepare(app, schools: [TestApp.schoolA])
            return ("/v1/collections/ks4-t/snapshots", nil)
        },
        Row(method: .get, path: "/v1/collections/:collection/snapshots", allowed: [.operator, .dpo], schoolScoped: false, success: .ok) {
            _, _ in ("/v1/collections/ks4-t/snapshots", nil)
        },
        Row(method: .get, path: "/v1/snapshots/:snapshot/suppression-report", allowed: [.dpo], schoolScoped: false, success: .ok) {
            app, _ in
            let snapshot = try await app.store.saveSnapshot(
                SnapshotDraft(
                    collectionID: "ks4-t", schoolCount: 0, pupilCount: 0, policyHash: "h", payload: [], report: Array("{}".utf8), userID: nil),
                actor: "test")
            return ("/v1/snapshots/\(snapshot.id)/suppression-report", nil)
        },
        Row(method: .get, path: "/v1/policies/current", allowed: [.operator, .dpo], schoolScoped: false, success: .ok) { _, _ in
            ("/v1/policies/current", nil)
        },
        Row(method: .post, path: "/v1/policies/:hash/approval", allowed: [.dpo], schoolScoped: false, success: .created) { app, _ in
            ("/v1/policies/\(app.policies.hash)/approval", nil)
        },
        Row(method: .get, path: "/v1/schools/:urn/comparison", allowed: [.leader, .schoolAdmin], schoolScoped: true, success: .ok) {
            app, school in
            if try await app.store.latestSnapshot(collectionID: "ks4-t") == nil {
                try await ComparisonTests.publish(app)
            }
            return ("/v1/schools/\(school)/comparison?collection=ks4-t", nil)
        },
        Row(method: .get, path: "/v1/schools/:urn/pupils", allowed: [.leader, .schoolAdmin], schoolScoped: true, success: .ok) {
            app, school in
            if try await app.store.activeSubmission(school: TestApp.schoolA, collectionID: "ks4-t") == nil {
                try await PublicationTests.prepare(app, schools: [TestApp.schoolA])
            }
            return ("/v1/schools/\(school)/pupils?collection=ks4-t", nil)
        },
        Row(
            method: .get, path: "/v1/collections/:collection/benchmarks", allowed: [.leader, .schoolAdmin, .dpo], schoolScoped: false,
            success: .ok
        ) { app, _ in
            if try await app.store.latestSnapshot(collectionID: "ks4-t") == nil {
                try await ComparisonTests.publish(app)
            }
            return ("/v1/collections/ks4-t/benchmarks", nil)
        },
        Row(method: .get, path: "/v1/audit/events", allowed: [.dpo], schoolScoped: false, success: .ok) { _, _ in ("/v1/audit/events", nil)
        },
        Row(method: .get, path: "/v1/audit/verification", allowed: [.dpo, .operator], schoolScoped: false, success: .ok) { _, _ in
            ("/v1/audit/verification", nil)
        },
    ]

    @Test func everyRouteHasARow() async throws {
        try await TestApp.with { app in
            let registered = Set(app.declarations.map(\.description))
            let tabled = Set(Self.table.map(\.description))
            #expect(
                registered == tabled,
                "routes without a row: \(registered.subtracting(tabled)); rows without a route: \(tabled.subtracting(registered))")
        }
    }

    enum Caller: Sendable, CustomStringConvertible {
        case noToken
        case badToken
        case role(Role, otherSchool: Bool)

        var description: String {
            switch self {
            case .noToken: "no token"
            case .badToken: "bad token"
            case .role(let role, let other): other ? "\(role.rawValue) (other school)" : role.rawValue
            }
        }

        static let all: [Caller] =
            [.noToken, .badToken] + Role.allCases.map { .role($0, otherSchool: false) }
            + Role.allCases.filter(\.isSchoolScoped).map { .role($0, otherSchool: true) }
    }

    /// What the table says this caller gets.
    static func expected(_ row: Row, _ caller: Caller) -> HTTPResponse.Status {
        guard let allowed = row.allowed else { return row.success }
        switch caller {
        case .noToken, .badToken: return .unauthorized
        case .role(let role, let otherSchool):
            guard allowed.contains(role) else { return .forbidden }
            if otherSchool && !row.schoolScoped { return row.success }
            return otherSchool ? .notFound : row.success
        }
    }

    @Test(arguments: table)
    func routeAnswersAsDeclared(row: Row) async throws {
        try await TestApp.with { app in
            try await app.application().test(.router) { client in
                var line = "\(row.description.padding(toLength: 32, withPad: " ", startingAt: 0))"
                for caller in Caller.all {
                    let token: String?
                    var school = TestApp.schoolA
                    switch caller {
                    case .noToken: token = nil
                    case .badToken: token = "gbt_" + String(repeating: "x", count: 43)
                    case .role(let role, let otherSchool):
                        token = try await app.token(role)
                        if otherSchool { school = TestApp.schoolB }
                    }
                    let (uri, body) = try await row.request(app, school)
                    var headers = HTTPFields.bearer(token)
                    headers[.contentType] = uri.hasSuffix("/submissions") ? "text/csv" : "application/json"
                    let status = try await client.execute(uri: uri, method: row.method, headers: headers, body: body).status
                    #expect(status == Self.expected(row, caller), "\(row) as \(caller)")
                    line += " \(caller)=\(status.code)"
                }
                print("route table: \(line)")
            }
        }
    }

    @Test func expiredAndRevokedTokensAreRejected() async throws {
        try await TestApp.with { app in
            let expired = try await app.store.issueToken(
                userID: app.users[.leader]!.id, label: "old", lifetime: .seconds(-1), actor: "test")
            let revoked = try await app.store.issueToken(
                userID: app.users[.leader]!.id, label: "gone", lifetime: .seconds(600), actor: "test")
            try await app.store.revokeToken(id: revoked.record.id, actor: "test")
            let before = try await app.store.auditEvents(limit: 10_000).count
            try await app.application().test(.router) { client in
                for secret in [expired.secret, revoked.secret] {
                    let response = try await client.execute(uri: "/v1/me", method: .get, headers: .bearer(secret))
                    #expect(response.status == .unauthorized)
                    #expect(response.headers[.wwwAuthenticate] == "Bearer")
                    let body = String(buffer: response.body)
                    #expect(body.contains(#""code":"unauthenticated""#))
                    #expect(!body.contains(secret))
                }
            }
            // Each failed sign-in is audited, without the token.
            let events = try await app.store.auditEvents(limit: 10_000).dropFirst(before)
            #expect(events.map(\.action) == ["auth.failure", "auth.failure"])
            #expect(events.allSatisfy { !$0.details.values.contains(where: { $0.contains("gbt_") }) })
        }
    }

    /// A token that was just used (and so is cached) stops working the moment it is revoked, through the API or the
    /// store; an expiry passing is noticed on the next request.
    @Test func revokingAUsedTokenTakesEffectAtOnce() async throws {
        try await TestApp.with { app in
            let viaAPI = try await app.token(.leader)
            let viaStore = try await app.store.issueToken(userID: app.users[.dpo]!.id, label: "t", lifetime: .seconds(600), actor: "test")
            let expiring = try await app.store.issueToken(userID: app.users[.operator]!.id, label: "t", lifetime: .seconds(4), actor: "test")
            try await app.application().test(.router) { client in
                for secret in [viaAPI, viaStore.secret, expiring.secret] {
                    #expect(try await client.execute(uri: "/v1/me", method: .get, headers: .bearer(secret)).status == .ok)
                }
                #expect(try await client.execute(uri: "/v1/me/token", method: .delete, headers: .bearer(viaAPI)).status == .noContent)
                try await app.store.revokeToken(id: viaStore.record.id, actor: "test")
                for secret in [viaAPI, viaStore.secret] {
                    #expect(try await client.execute(uri: "/v1/me", method: .get, headers: .bearer(secret)).status == .unauthorized)
                }
                // Past the expiry (whole seconds), however long the requests above took.
                let wait = Double(expiring.record.expiresAt + 1) - Date().timeIntervalSince1970
                if wait > 0 { try await Task.sleep(for: .milliseconds(Int(wait * 1000) + 50)) }
                #expect(try await client.execute(uri: "/v1/me", method: .get, headers: .bearer(expiring.secret)).status == .unauthorized)
            }
        }
    }

    @Test func errorsAreJSONWithStableCodes() async throws {
        try await TestApp.with { app in
            let token = try await app.token(.operator)
            try await app.application().test(.router) { client in
                let bad = try await client.execute(
                    uri: "/v1/users", method: .post, headers: .bearer(token), body: ByteBuffer(string: #"{"name":"x","role":"wizard"}"#)
                )
                #expect(bad.status == .badRequest)
                #expect(
                    String(buffer: bad.body)
                        == #"{"error":{"code":"invalid_role","message":"Unknown role 'wizard' (valid: operator, school-admin, leader, dpo)."}}"#
                )
                let dup = try await client.execute(
                    uri: "/v1/users", method: .post, headers: .bearer(token), body: ByteBuffer(string: #"{"name":"user-dpo","role":"dpo"}"#)
                )
                #expect(dup.status == .conflict)
                #expect(String(buffer: dup.body).contains(#""code":"conflict""#))
                let unscoped = try await client.execute(
                    uri: "/v1/users", method: .post, headers: .bearer(token), body: ByteBuffer(string: #"{"name":"l2","role":"leader"}"#)
                )
                #expect(unscoped.status == .unprocessableContent)
                #expect(String(buffer: unscoped.body).contains(#""code":"invalid_user""#))
            }
        }
    }

    @Test func createdUserTokenWorksAndIsShownOnce() async throws {
        try await TestApp.with { app in
            let token = try await app.token(.operator)
            try await app.application().test(.router) { client in
                let created = try await client.execute(
                    uri: "/v1/users", method: .post, headers: .bearer(token),
                    body: ByteBuffer(string: #"{"name":"head.a","role":"leader","school":900201}"#)
                )
                #expect(created.status == .created)
                struct Created: Decodable {
                    struct Token: Decodable { let token: String }
                    let token: Token
                }
                let secret = try JSONDecoder().decode(Created.self, from: Data(created.body.readableBytesView)).token.token
                let me = try await client.execute(uri: "/v1/me", method: .get, headers: .bearer(secret))
                #expect(String(buffer: me.body).contains(#""name":"head.a","role":"leader","school":900201"#))
                let stored = try await app.store.users().count
                #expect(stored == Role.allCases.count + 1)
            }
        }
    }
}
