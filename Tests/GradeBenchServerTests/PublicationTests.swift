import Foundation
import GradeBenchCore
import GradeBenchServer
import GradeBenchStore
import GradeBenchTestSupport
import Hummingbird
import HummingbirdTesting
import Testing

/// Publication end to end over the API and the store: policy approval, the consent gate at publication time, the
/// release guard, the DPO's report, and the same snapshot from the same input on both databases.
@Suite("Publication")
struct PublicationTests {
    static let demo = TestApp.repositoryRoot.appendingPathComponent("fixtures/demo")

    /// Gives each school consent and submits a committed demo KS4 file (school i the i-th of `files`, cycling; by
    /// default every demo file in order), with `extraForFirst` appended to the first school's, and has the DPO approve
    /// the running policy. New schools alternate London and North West.
    static func prepare(_ app: TestApp, schools: [URN], files: [String]? = nil, extraForFirst: String = "") async throws {
        let service = SubmissionService(store: app.store, keys: TestApp.keys)
        let files = try files ?? FileManager.default.contentsOfDirectory(atPath: demo.appendingPathComponent("ks4-2026").path).sorted()
        for (index, school) in schools.enumerated() {
            if try await app.store.school(school) == nil {
                try await app.store.registerSchool(
                    School(urn: school, name: "Synthetic \(school)", region: index % 2 == 0 ? "London" : "North West", type: "academy",
                           phase: "secondary"), actor: "test")
            }
            _ = try await app.store.recordConsent(
                school: school, action: .grant, scope: .collection("ks4-t"), textHash: app.policies.consent.textHash, reason: nil,
                userID: nil, actor: "test")
            var body = try Data(contentsOf: demo.appendingPathComponent("ks4-2026").appendingPathComponent(files[index % files.count]))
            if index == 0 { body += Data(extraForFirst.utf8) }
            _ = try await service.submit(
                body: Array(body), collectionID: "ks4-t", school: school, idempotencyKey: nil, actor: "test", userID: nil, now: 0)
        }
        _ = try await app.store.approvePolicy(hash: app.policies.hash, userID: app.users[.dpo]!.id, actor: "test")
    }

    static let schools = (0..<12).map { URN(rawValue: 900_301 + $0)! }

    struct Failure: Decodable {
        struct Detail: Decodable {
            let code: String
            let message: String
            let findings: [String]?
        }
        let error: Detail
    }

    @Test func anUnapprovedPolicyIsRefusedNamingItsHash() async throws {
        try await TestApp.with { app in
            let token = try await app.token(.operator)
            try await app.application().test(.router) { client in
                let response = try await client.execute(uri: "/v1/collections/ks4-t/snapshots", method: .post, headers: .bearer(token))
                #expect(response.status == .conflict)
                let failure = try JSONDecoder().decode(Failure.self, from: Data(response.body.readableBytesView))
                #expect(failure.error.code == "policy_not_approved")
                #expect(failure.error.message.contains(app.policies.hash))
            }
            #expect(try await app.store.snapshots(collectionID: "ks4-t").isEmpty)
        }
    }

    @Test func aPolicyOtherThanTheRunningOneCannotBeApproved() async throws {
        try await TestApp.with { app in
            let token = try await app.token(.dpo)
            try await app.application().test(.router) { client in
                let response = try await client.execute(
                    uri: "/v1/policies/\(String(repeating: "a", count: 64))/approval", method: .post, headers: .bearer(token))
                #expect(response.status == .conflict)
                #expect(String(buffer: response.body).contains(#""code":"policy_mismatch""#))
            }
            let events = try await app.store.auditEvents(limit: 10_000)
            #expect(!events.contains { $0.action == "policy.approve" })
        }
    }

    /// Twelve schools publish; one withdraws consent; publishing again is refused by the release guard (the
    /// tables would differ by that school's results) and nothing is stored.
    @Test func withdrawalBetweenSnapshotsIsRefusedByTheReleaseGuard() async throws {
        try await TestApp.with { app in
            try await Self.prepare(app, schools: Self.schools)
            let token = try await app.token(.operator)
            let dpo = try await app.token(.dpo)
            try await app.application().test(.router) { client in
                let first = try await client.execute(uri: "/v1/collections/ks4-t/snapshots", method: .post, headers: .bearer(token))
                #expect(first.status == .created)
                let receipt = try JSONDecoder().decode(SnapshotReceipt.self, from: Data(first.body.readableBytesView))
                #expect(receipt.schools == 12 && receipt.policyHash == app.policies.hash)
                let events = try await app.store.auditEvents(limit: 10_000)
                #expect(events.contains { $0.action == "policy.approve" } && events.last?.action == "snapshot.publish")

                _ = try await app.store.recordConsent(
                    school: Self.schools[3], action: .withdraw, scope: .collection("ks4-t"), textHash: app.policies.consent.textHash,
                    reason: "governors' decision", userID: nil, actor: "test")
                let second = try await client.execute(uri: "/v1/collections/ks4-t/snapshots", method: .post, headers: .bearer(token))
                #expect(second.status == .conflict)
                let failure = try JSONDecoder().decode(Failure.self, from: Data(second.body.readableBytesView))
                #expect(failure.error.code == "release_guard")
                #expect(failure.error.findings?.contains { $0.hasPrefix("contributing schools") && $0.contains("a difference of 1 school") } == true)
                #expect(try await app.store.snapshots(collectionID: "ks4-t").count == 1)

                // The DPO's report counts cells by rule and lists each suppressed cell with its reason.
                let report = try await client.execute(
                    uri: "/v1/snapshots/\(receipt.snapshot)/suppression-report", method: .get, headers: .bearer(dpo))
                #expect(report.status == .ok)
                let parsed = try SuppressionReport(encoded: Array(report.body.readableBytesView))
                #expect(parsed.entries.count == receipt.suppressedCells)
                #expect(parsed.countsByReason.values.reduce(0, +) == parsed.entries.count)
            }
        }
    }

    /// The published snapshot leaks no school: every count is a multiple of 5, never 1–9, and every school whose
    /// consent is no longer active at publication time is left out.
    @Test func onlySchoolsWithActiveConsentContribute() async throws {
        try await TestApp.with { app in
            try await Self.prepare(app, schools: Self.schools)
            _ = try await app.store.recordConsent(
                school: Self.schools[0], action: .withdraw, scope: .collection("ks4-t"), textHash: app.policies.consent.textHash,
                reason: "withdrawn", userID: nil, actor: "test")
            let service = PublicationService(store: app.store, policies: app.policies)
            let receipt = try await service.publish(collectionID: "ks4-t", actor: "test", userID: nil)
            #expect(receipt.schools == 11)
            let content = try SnapshotContent(encoded: try await app.store.latestSnapshot(collectionID: "ks4-t")!.payload)
            #expect(!content.contributors.contains(Self.schools[0]))
            for table in content.subjects + content.proportions {
                for count in [table.entries.value] + table.grades.map(\.count.value) {
                    if let count { #expect(count % 5 == 0 && (count == 0 || count >= 10), "\(table.key)") }
                }
            }
        }
    }

    @Test func bothDatabasesProduceTheIdenticalSnapshot() async throws {
        var payloads: [[UInt8]] = []
        for database in TestDatabase.available {
            let payload = try await TestApp.with(database: database) { app in
                try await Self.prepare(app, schools: Self.schools)
                _ = try await PublicationService(store: app.store, policies: app.policies).publish(
                    collectionID: "ks4-t", actor: "test", userID: nil)
                return try await app.store.latestSnapshot(collectionID: "ks4-t")!.payload
            }
            payloads.append(payload)
        }
        #expect(payloads.count == TestDatabase.available.count)
        #expect(Set(payloads).count == 1)
        #expect(try SnapshotContent(encoded: payloads[0]).subjects.contains { $0.entries != .suppressed })
    }
}
