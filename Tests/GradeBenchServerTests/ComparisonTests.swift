import CompressNIO
import Foundation
import GradeBenchCore
import GradeBenchServer
import GradeBenchStore
import GradeBenchTestSupport
import Hummingbird
import HummingbirdTesting
import Testing

/// `GET /v1/schools/{urn}/comparison`: the school's own figures against figures worked out here from the fixture's
/// rows (not by the code under test), the benchmark against the rows of every contributing school, rounded to 5.
@Suite("Comparison")
struct ComparisonTests {
    /// School A (London, the first demo file) and eleven more, alternating the two demo files and regions.
    static let schools = [TestApp.schoolA] + (1..<12).map { URN(rawValue: 900_400 + $0)! }
    static let demoFiles = ["900001.csv", "900002.csv"]

    struct Row {
        let pupil: String
        let subject: String
        let grade: String
        let characteristics: [String: String]
    }

    /// The demo file's rows, read here with a plain split (the fixture has no quoted fields).
    static func rows(_ file: String) throws -> [Row] {
        let text = try String(contentsOf: PublicationTests.demo.appendingPathComponent("ks4-2026").appendingPathComponent(file), encoding: .utf8)
        let lines = text.split(whereSeparator: \.isNewline).map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        let header = lines[0]
        return lines.dropFirst().map { fields in
            Row(
                pupil: fields[0], subject: fields[1], grade: fields[2],
                characteristics: Dictionary(uniqueKeysWithValues: (3..<header.count).map { (header[$0], fields[$0]) }))
        }
    }

    /// Decoded comparison (only what the tests read).
    struct Comparison: Decodable {
        struct Own: Decodable {
            let entries: Int
            let nonGrades: Int
            let counts: [Int]
            let percent: [Double]?
            let cumulativePercent: [Double]?
            let meanPoints: Double?
        }
        struct Benchmark: Decodable {
            let entries: Published<Int>
            let counts: [Published<Int>?]
            let percent: [Published<Double>?]
            let cumulativePercent: [Published<Double>?]
            let meanPoints: Published<Double>?
        }
        struct Difference: Decodable {
            let percent: [Published<Double>?]
            let cumulativePercent: [Published<Double>?]
            let meanPoints: Published<Double>?
        }
        struct Subject: Decodable {
            let subject: String
            let group: String
            let grades: [String]
            let own: Own
            let benchmark: Benchmark?
            let difference: Difference?
            let percentileRank: Int?
        }
        struct MeasureOwn: Decodable {
            let pupils: Int
            let achieved: Int?
            let value: Double?
        }
        struct MeasureBenchmark: Decodable {
            let value: Published<Double>
        }
        struct Measure: Decodable {
            let measure: String
            let group: String
            let own: MeasureOwn
            let benchmark: MeasureBenchmark?
            let difference: Published<Double>?
        }
        let school: Int
        let family: String
        let subjects: [Subject]
        let measures: [Measure]

        func subject(_ code: String, _ group: String) -> Subject? { subjects.first { $0.subject == code && $0.group == group } }
    }

    /// Gives every school consent, submits its demo file (school A's with `extraForA` appended), publishes.
    static func publish(_ app: TestApp, extraForA: String = "") async throws {
        try await PublicationTests.prepare(app, schools: schools, files: demoFiles, extraForFirst: extraForA)
        _ = try await PublicationService(store: app.store, policies: app.policies).publish(collectionID: "ks4-t", actor: "test", userID: nil)
    }

    static func get(_ client: some TestClientProtocol, _ uri: String, token: String, accept: String? = nil) async throws -> TestResponse {
        var headers = HTTPFields.bearer(token)
        if let accept { headers[.accept] = accept }
        return try await client.execute(uri: uri, method: .get, headers: headers)
    }

    static func decode(_ response: TestResponse) throws -> Comparison {
        try JSONDecoder().decode(Comparison.self, from: Data(response.body.readableBytesView))
    }

    static let gcse = ["9", "8", "7", "6", "5", "4", "3", "2", "1", "U"]

    /// Percentage to one decimal place, as a spreadsheet would (half away from zero).
    static func percent(_ count: Int, _ base: Int) -> Double { (Double(count) * 1000 / Double(base)).rounded() / 10 }

    @Test func ownFiguresAndBenchmarkMatchTheRows() async throws {
        try await TestApp.with { app in
            try await Self.publish(app)
            let token = try await app.token(.leader)
            let a = try Self.rows("900001.csv")
            let b = try Self.rows("900002.csv")
            try await app.application().test(.router) { client in
                let response = try await Self.get(client, "/v1/schools/\(TestApp.schoolA)/comparison?collection=ks4-t", token: token)
                #expect(response.status == .ok)
                #expect(response.headers[.cacheControl] == "private, no-store")
                let comparison = try Self.decode(response)
                #expect(comparison.school == TestApp.schoolA.rawValue && comparison.family == "all")
                #expect(Set(comparison.subjects.map(\.subject)) == Set(a.map(\.subject)))
                var checked = 0
                for (code, group) in [("MATH", "all"), ("ENGLANG", "all"), ("HIST", "all"), ("MATH", "pp=Y"), ("GEOG", "gender=F")] {
                    let row = try #require(comparison.subject(code, group), "\(code) \(group)")
                    #expect(row.grades == Self.gcse)
                    func inGroup(_ r: Row) -> Bool {
                        guard r.subject == code else { return false }
                        if group == "all" { return true }
                        let parts = group.split(separator: "=").map(String.init)
                        return r.characteristics[parts[0]] == parts[1]
                    }
                    let ownRows = a.filter(inGroup)
                    let counts = Self.gcse.map { grade in ownRows.filter { $0.grade == grade }.count }
                    let entries = counts.reduce(0, +)
                    #expect(row.own.counts == counts, "\(code) \(group) own counts")
                    #expect(row.own.entries == entries && row.own.nonGrades == ownRows.count - entries)
                    #expect(row.own.percent == counts.map { Self.percent($0, entries) })
                    var running = 0
                    #expect(row.own.cumulativePercent == counts.map { running += $0; return Self.percent(running, entries) })
                    #expect(row.own.cumulativePercent?.last == 100)
                    let points = ownRows.compactMap { Int($0.grade) }.reduce(0, +)  // U scores 0
                    #expect(row.own.meanPoints == (Double(points) / Double(entries) * 100).rounded() / 100)

                    // The benchmark: six schools of each file, every published count rounded to the nearest 5.
                    let otherRows = b.filter(inGroup)
                    let total = Self.gcse.map { grade in 6 * ownRows.filter { $0.grade == grade }.count + 6 * otherRows.filter { $0.grade == grade }.count }
                    let benchmark = try #require(row.benchmark)
                    if case .value(let published) = benchmark.entries {
                        #expect(published == (total.reduce(0, +) + 2) / 5 * 5)
                    }
                    for (index, cell) in benchmark.counts.enumerated() {
                        if case .value(let published)? = cell {
                            #expect(published == (total[index] + 2) / 5 * 5, "\(code) \(group) \(Self.gcse[index])")
                            checked += 1
                        }
                    }
                    // Differences: own minus published, in percentage points, wherever the benchmark has a value.
                    let difference = try #require(row.difference)
                    for index in Self.gcse.indices {
                        switch benchmark.percent[index] {
                        case .value(let published)?:
                            #expect(difference.percent[index] == .value(((row.own.percent![index] - published) * 10).rounded() / 10))
                        case .suppressed?: #expect(difference.percent[index] == .suppressed)
                        case nil: #expect(difference.percent[index] == nil)
                        }
                    }
                }

                #expect(checked >= 30, "published benchmark counts compared with the rows")

                // Percentile rank by maths mean points among the twelve schools: six have school A's mean, six the other
                // file's; a school's rank is the share of schools below it, ties counting half.
                func meanMaths(_ rows: [Row]) -> Double {
                    let graded = rows.filter { $0.subject == "MATH" && Self.gcse.contains($0.grade) }
                    return Double(graded.compactMap { Int($0.grade) }.reduce(0, +)) / Double(graded.count)
                }
                let (ownMean, otherMean) = (meanMaths(a), meanMaths(b))
                let below = ownMean > otherMean ? 6 : 0
                let expectedRank = ownMean == otherMean ? 50 : Int((100 * (Double(below) + 3) / 12).rounded())
                #expect(comparison.subject("MATH", "all")?.percentileRank == expectedRank)
                #expect(comparison.subject("MATH", "pp=Y")?.percentileRank == nil)
                // English and maths 4+: pupils with maths and English language or literature at grade 4 or above.
                let pupils = Dictionary(grouping: a, by: \.pupil)
                let achieved = pupils.values.filter { results in
                    func best(_ subjects: [String]) -> Int { results.filter { subjects.contains($0.subject) }.compactMap { Int($0.grade) }.max() ?? 0 }
                    return best(["MATH"]) >= 4 && best(["ENGLANG", "ENGLIT"]) >= 4
                }.count
                let em4 = try #require(comparison.measures.first { $0.measure == "english-maths-4" && $0.group == "all" })
                #expect(em4.own.pupils == pupils.count && em4.own.achieved == achieved)
                #expect(em4.own.value == Self.percent(achieved, pupils.count))
                if case .value(let published)? = em4.benchmark?.value {
                    #expect(em4.difference == .value(((em4.own.value! - published) * 10).rounded() / 10))
                }
                #expect(comparison.measures.contains { $0.measure == "attainment8" && $0.group == "all" })
            }
        }
    }

    /// A subject only school A takes: its own figures in full, the benchmark `c` (one school is below the threshold).
    @Test func aSuppressedBenchmarkShowsOwnFiguresAndC() async throws {
        try await TestApp.with { app in
            // Twelve pupils take Latin at grades 4, 5, 6, 4, 5, 6, … with their own characteristics.
            let first = Dictionary(try Self.rows("900001.csv").map { ($0.pupil, $0) }, uniquingKeysWith: { first, _ in first })
            let latin = first.keys.sorted().prefix(12).enumerated().map { index, pupil in
                let c = first[pupil]!.characteristics
                return "\(pupil),LATIN,\(4 + index % 3),\(["pp", "fsm", "send", "gender", "eal"].map { c[$0]! }.joined(separator: ","))\n"
            }.joined()
            try await Self.publish(app, extraForA: latin)
            let token = try await app.token(.leader)
            try await app.application().test(.router) { client in
                let comparison = try Self.decode(
                    try await Self.get(client, "/v1/schools/\(TestApp.schoolA)/comparison?collection=ks4-t&group=all", token: token))
                let row = try #require(comparison.subject("LATIN", "all"))
                #expect(row.own.entries == 12 && row.own.counts[Self.gcse.firstIndex(of: "4")!] == 4)
                #expect(row.own.percent != nil && row.own.meanPoints == 5)
                let benchmark = try #require(row.benchmark)
                #expect(benchmark.entries == .suppressed)
                #expect(benchmark.counts.allSatisfy { $0 == .suppressed })
                #expect(benchmark.meanPoints == .suppressed)
                #expect(row.difference?.percent.allSatisfy { $0 == .suppressed } == true)
                #expect(row.difference?.meanPoints == .suppressed)
                #expect(comparison.subjects.allSatisfy { $0.group == "all" })

                // CSV: the same figures, `c` for the suppressed benchmark, and the download is audited.
                let before = try await app.store.auditEvents(limit: 10_000).count
                let csv = try await Self.get(
                    client, "/v1/schools/\(TestApp.schoolA)/comparison?collection=ks4-t&group=all", token: token, accept: "text/csv")
                #expect(csv.status == .ok)
                #expect(csv.headers[.contentType] == "text/csv; charset=utf-8")
                #expect(csv.headers[.contentDisposition]?.contains("comparison-\(TestApp.schoolA)-ks4-t.csv") == true)
                let lines = Self.csvLines(csv)
                #expect(lines[0] == "school,collection,snapshot,family,kind,code,name,group,figure,grade,own,benchmark,difference")
                #expect(lines.contains { $0.hasSuffix(",subject,LATIN,Latin,all,entries,,12,c,z") })
                #expect(lines.contains { $0.hasSuffix(",subject,LATIN,Latin,all,count,4,4,c,z") })
                let events = try await app.store.auditEvents(limit: 10_000).dropFirst(before)
                #expect(events.map(\.action) == ["comparison.export"])
                let viaQuery = try await Self.get(client, "/v1/schools/\(TestApp.schoolA)/comparison?collection=ks4-t&group=all&format=csv", token: token)
                #expect(viaQuery.body == csv.body)
            }
        }
    }

    /// A client that accepts gzip gets the same body compressed; one that does not (or refuses it with q=0) gets it plain.
    @Test func gzipForClientsThatAcceptIt() async throws {
        try await TestApp.with { app in
            try await Self.publish(app)
            let token = try await app.token(.leader)
            try await app.application().test(.router) { client in
                let uri = "/v1/schools/\(TestApp.schoolA)/comparison?collection=ks4-t"
                let plain = try await Self.get(client, uri, token: token)
                #expect(plain.headers[.contentEncoding] == nil && plain.headers[.vary] == "Accept-Encoding")
                var headers = HTTPFields.bearer(token)
                headers[.acceptEncoding] = "br;q=1.0, gzip;q=0.8"
                let compressed = try await client.execute(uri: uri, method: .get, headers: headers)
                #expect(compressed.headers[.contentEncoding] == "gzip")
                #expect(compressed.body.readableBytes * 4 < plain.body.readableBytes)
                var body = compressed.body
                #expect(try body.decompress(with: .gzip()) == plain.body)
                headers[.acceptEncoding] = "gzip;q=0"
                #expect(try await client.execute(uri: uri, method: .get, headers: headers).headers[.contentEncoding] == nil)
            }
        }
    }

    /// A CSV download's lines, after checking it starts with the UTF-8 byte-order mark spreadsheets look for.
    static func csvLines(_ response: TestResponse) -> [String] {
        let bytes = Array(response.body.readableBytesView)
        #expect(bytes.starts(with: [0xEF, 0xBB, 0xBF]), "a UTF-8 byte-order mark")
        return String(decoding: bytes.dropFirst(3), as: UTF8.self).split(separator: "\n").map(String.init)
    }

    static func errorCode(_ response: TestResponse) -> String? {
        struct Failure: Decodable {
            struct Detail: Decodable { let code: String; let message: String }
            let error: Detail
        }
        return try? JSONDecoder().decode(Failure.self, from: Data(response.body.readableBytesView)).error.code
    }

    @Test func badRequestsGetClearErrors() async throws {
        try await TestApp.with { app in
            let token = try await app.token(.leader)
            try await app.application().test(.router) { client in
                let base = "/v1/schools/\(TestApp.schoolA)/comparison"
                // No snapshot yet: 404 saying so.
                let none = try await Self.get(client, "\(base)?collection=ks4-t", token: token)
                #expect(none.status == .notFound && Self.errorCode(none) == "no_snapshot")
                #expect(String(buffer: none.body).contains("no published snapshot yet"))
                let unknown = try await Self.get(client, "\(base)?collection=nope", token: token)
                #expect(unknown.status == .notFound && Self.errorCode(unknown) == "not_found")
                let missing = try await Self.get(client, base, token: token)
                #expect(missing.status == .badRequest && Self.errorCode(missing) == "missing_parameter")
                #expect(String(buffer: missing.body).contains("'collection'"))
                let format = try await Self.get(client, "\(base)?collection=ks4-t&format=xml", token: token)
                #expect(format.status == .badRequest && Self.errorCode(format) == "unknown_format")

                try await Self.publish(app)
                let family = try await Self.get(client, "\(base)?collection=ks4-t&family=region%3DMars", token: token)
                #expect(family.status == .badRequest && Self.errorCode(family) == "unknown_family")
                #expect(String(buffer: family.body).contains("region=London") && String(buffer: family.body).contains("region=North West"))
                let group = try await Self.get(client, "\(base)?collection=ks4-t&group=pp%3DQ", token: token)
                #expect(group.status == .badRequest && Self.errorCode(group) == "unknown_group")
                #expect(String(buffer: group.body).contains("pp=Y") && String(buffer: group.body).contains("send=E"))
                let london = try await Self.get(client, "\(base)?collection=ks4-t&family=region%3DLondon", token: token)
                #expect(london.status == .ok)
                #expect(try Self.decode(london).family == "region=London")
            }
        }
    }

    /// Leader of A asking for B → 404 (no hint); the DPO and the operator → 403; a school that did not contribute → 403.
    @Test func onlyTheSchoolItselfReadsItsComparison() async throws {
        try await TestApp.with { app in
            try await Self.publish(app)
            let leader = try await app.token(.leader)
            let dpo = try await app.token(.dpo)
            let op = try await app.token(.operator)
            try await app.application().test(.router) { client in
                let other = try await Self.get(client, "/v1/schools/\(Self.schools[1])/comparison?collection=ks4-t", token: leader)
                #expect(other.status == .notFound && Self.errorCode(other) == "not_found")
                let absent = try await Self.get(client, "/v1/schools/999999/comparison?collection=ks4-t", token: leader)
                #expect(absent.status == .notFound && absent.body == other.body)
                for token in [dpo, op] {
                    let response = try await Self.get(client, "/v1/schools/\(TestApp.schoolA)/comparison?collection=ks4-t", token: token)
                    #expect(response.status == .forbidden)
                }
                // School B (TestApp's second school) submitted nothing to the snapshot.
                let userB = try await app.store.createUser(name: "leader-b", role: .leader, school: TestApp.schoolB, passwordHash: nil, actor: "test")
                let tokenB = try await app.store.issueToken(userID: userB.id, label: "t", lifetime: .seconds(600), actor: "test").secret
                let outsider = try await Self.get(client, "/v1/schools/\(TestApp.schoolB)/comparison?collection=ks4-t", token: tokenB)
                #expect(outsider.status == .forbidden && Self.errorCode(outsider) == "not_a_contributor")
            }
        }
    }

    /// A replaced submission shows in the comparison once the cache has re-checked it (at most two seconds, `Freshness`).
    @Test func aReplacedSubmissionShowsAfterRevalidation() async throws {
        try await TestApp.with { app in
            try await Self.publish(app)
            let token = try await app.token(.leader)
            try await app.application().test(.router) { client in
                let uri = "/v1/schools/\(TestApp.schoolA)/comparison?collection=ks4-t&group=all"
                let first = try Self.decode(try await Self.get(client, uri, token: token))
                #expect(first.subject("LATIN", "all") == nil)
                let pupil = try Self.rows("900001.csv")[0].pupil
                var body = try Data(contentsOf: PublicationTests.demo.appendingPathComponent("ks4-2026/900001.csv"))
                let c = try Self.rows("900001.csv")[0].characteristics
                body += Data("\(pupil),LATIN,7,\(["pp", "fsm", "send", "gender", "eal"].map { c[$0]! }.joined(separator: ","))\n".utf8)
                _ = try await SubmissionService(store: app.store, keys: TestApp.keys).submit(
                    body: Array(body), collectionID: "ks4-t", school: TestApp.schoolA, idempotencyKey: nil, actor: "test", userID: nil, now: 0)
                try await Task.sleep(for: .milliseconds(2100))
                let second = try Self.decode(try await Self.get(client, uri, token: token))
                #expect(second.subject("LATIN", "all")?.own.counts == Self.gcse.map { $0 == "7" ? 1 : 0 })
            }
        }
    }
}
