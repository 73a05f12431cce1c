import Foundation
import GradeBenchCore
import GradeBenchServer
import GradeBenchStore
import Hummingbird
import HummingbirdTesting
import Testing

/// `GET /v1/collections/{c}/benchmarks` (give-to-get) and `GET /v1/collections` by what the caller may read.
@Suite("Benchmarks")
struct BenchmarksTests {
    struct Benchmarks: Decodable {
        struct Subject: Decodable {
            let subject: String
            let grades: [String]
            let entries: Published<Int>
            let counts: [Published<Int>]
        }
        struct Measure: Decodable {
            let measure: String
            let value: Published<Double>
        }
        let family: String
        let group: String
        let subjects: [Subject]
        let measures: [Measure]
    }

    struct Listing: Decodable {
        struct Facts: Decodable { let snapshot: Int64; let schools: Int }
        let id: String
        let published: Bool
        let latestSnapshot: Facts?
    }

    @Test func contributorsAndTheDPOReadTheBenchmarkOthersDoNot() async throws {
        try await TestApp.with { app in
            try await ComparisonTests.publish(app)
            let leader = try await app.token(.leader)
            let dpo = try await app.token(.dpo)
            let userB = try await app.store.createUser(name: "leader-b", role: .leader, school: TestApp.schoolB, passwordHash: nil, actor: "test")
            let outsider = try await app.store.issueToken(userID: userB.id, label: "t", lifetime: .seconds(600), actor: "test").secret
            let a = try ComparisonTests.rows("900001.csv")
            let b = try ComparisonTests.rows("900002.csv")
            try await app.application().test(.router) { client in
                let uri = "/v1/collections/ks4-t/benchmarks"
                let response = try await ComparisonTests.get(client, uri, token: leader)
                #expect(response.status == .ok)
                let benchmarks = try JSONDecoder().decode(Benchmarks.self, from: Data(response.body.readableBytesView))
                #expect(benchmarks.family == "all" && benchmarks.group == "all")
                // Maths: six schools of each demo file, each count rounded to the nearest 5 where published.
                let maths = try #require(benchmarks.subjects.first { $0.subject == "MATH" })
                for (index, grade) in maths.grades.enumerated() {
                    let total = 6 * a.filter { $0.subject == "MATH" && $0.grade == grade }.count + 6 * b.filter { $0.subject == "MATH" && $0.grade == grade }.count
                    if case .value(let count) = maths.counts[index] { #expect(count == (total + 2) / 5 * 5, "MATH \(grade)") }
                }
                #expect(maths.counts.contains { $0 != .suppressed })
                #expect(Set(benchmarks.measures.map(\.measure)) == ["attainment8", "english-maths-4", "english-maths-5"])

                // The DPO reads the same body; a school that did not contribute is refused.
                let asDPO = try await ComparisonTests.get(client, uri, token: dpo)
                #expect(asDPO.status == .ok && asDPO.body == response.body)
                let refused = try await ComparisonTests.get(client, uri, token: outsider)
                #expect(refused.status == .forbidden && ComparisonTests.errorCode(refused) == "not_a_contributor")

                // One family and group; unknown ones are 400.
                let group = try await ComparisonTests.get(client, "\(uri)?family=region%3DLondon&group=pp%3DY", token: leader)
                let parsed = try JSONDecoder().decode(Benchmarks.self, from: Data(group.body.readableBytesView))
                #expect(parsed.family == "region=London" && parsed.group == "pp=Y" && !parsed.subjects.isEmpty)
                let bad = try await ComparisonTests.get(client, "\(uri)?group=nobody", token: leader)
                #expect(bad.status == .badRequest && ComparisonTests.errorCode(bad) == "unknown_group")

                // CSV, as a spreadsheet opens it; audited.
                let csv = try await ComparisonTests.get(client, "\(uri)?format=csv", token: leader)
                #expect(csv.headers[.contentType] == "text/csv; charset=utf-8")
                let lines = ComparisonTests.csvLines(csv)
                #expect(lines[0] == "collection,snapshot,family,group,kind,code,name,figure,grade,value")
                let entries = try #require(lines.first { $0.contains(",subject,MATH,Mathematics,entries,,") })
                if case .value(let count) = maths.entries { #expect(entries.hasSuffix(",\(count)")) }
                #expect(try await app.store.auditEvents(limit: 10_000).last?.action == "benchmarks.export")

                // The collection list shows the snapshot to those who may read it.
                for (token, visible) in [(leader, true), (dpo, true), (outsider, false)] {
                    let listing = try JSONDecoder().decode(
                        [Listing].self, from: Data(try await ComparisonTests.get(client, "/v1/collections", token: token).body.readableBytesView))
                    let ks4 = try #require(listing.first { $0.id == "ks4-t" })
                    #expect(ks4.published)
                    #expect((ks4.latestSnapshot != nil) == visible)
                    #expect(ks4.latestSnapshot.map { $0.schools == 12 } ?? true)
                }
            }
        }
    }

    @Test func aCollectionWithoutASnapshotIs404() async throws {
        try await TestApp.with { app in
            let dpo = try await app.token(.dpo)
            try await app.application().test(.router) { client in
                let response = try await ComparisonTests.get(client, "/v1/collections/ks4-t/benchmarks", token: dpo)
                #expect(response.status == .notFound && ComparisonTests.errorCode(response) == "no_snapshot")
                let listing = try JSONDecoder().decode(
                    [Listing].self, from: Data(try await ComparisonTests.get(client, "/v1/collections", token: dpo).body.readableBytesView))
                #expect(listing.first { $0.id == "ks4-t" }?.published == false)
            }
        }
    }
}
