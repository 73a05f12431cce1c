import Foundation
import GradeBenchCore
import GradeBenchServer
import GradeBenchStore
import Hummingbird
import HummingbirdTesting
import Testing

/// `GET /v1/schools/{urn}/pupils`: the school's own pupils under the pseudonyms it submitted, for that school alone.
@Suite("Pupil view")
struct PupilViewTests {
    struct View: Decodable {
        struct Pupil: Decodable {
            let pupil: String
            let characteristics: [String: String]
            let results: [String: String]
            let measures: [String: Double]
        }
        let school: Int
        let pupils: [Pupil]
    }

    @Test func theSchoolSeesItsPupilsUnderItsOwnPseudonyms() async throws {
        try await TestApp.with { app in
            try await PublicationTests.prepare(app, schools: [TestApp.schoolA])
            let leader = try await app.token(.leader)
            let rows = try ComparisonTests.rows("900001.csv")
            try await app.application().test(.router) { client in
                let before = try await app.store.auditEvents(limit: 10_000).count
                let response = try await ComparisonTests.get(client, "/v1/schools/\(TestApp.schoolA)/pupils?collection=ks4-t", token: leader)
                #expect(response.status == .ok)
                let view = try JSONDecoder().decode(View.self, from: Data(response.body.readableBytesView))
                let byPupil = Dictionary(grouping: rows, by: \.pupil)
                #expect(view.pupils.map(\.pupil) == byPupil.keys.sorted())
                for pupil in view.pupils {
                    let own = byPupil[pupil.pupil]!
                    #expect(pupil.results == Dictionary(uniqueKeysWithValues: own.map { ($0.subject, $0.grade) }))
                    #expect(pupil.characteristics == own[0].characteristics)
                    // English and maths 4+ worked out here from the pupil's rows.
                    func best(_ subjects: [String]) -> Int { own.filter { subjects.contains($0.subject) }.compactMap { Int($0.grade) }.max() ?? 0 }
                    #expect(pupil.measures["english-maths-4"] == (best(["MATH"]) >= 4 && best(["ENGLANG", "ENGLIT"]) >= 4 ? 1 : 0))
                    #expect((0...90).contains(pupil.measures["attainment8"] ?? -1))
                }
                // Audited, with no pseudonym in the event.
                let events = try await app.store.auditEvents(limit: 10_000).dropFirst(before)
                #expect(events.map(\.action) == ["pupils.read"])
                let pseudonyms = Set(byPupil.keys)
                #expect(events.allSatisfy { event in !event.details.values.contains { pseudonyms.contains($0) } })

                // CSV: one row per pupil, a column per subject.
                let csv = try await ComparisonTests.get(
                    client, "/v1/schools/\(TestApp.schoolA)/pupils?collection=ks4-t", token: leader, accept: "text/csv")
                let lines = ComparisonTests.csvLines(csv)
                #expect(lines.count == byPupil.count + 1)
                #expect(lines[0].hasPrefix("pupil,pp,fsm,send,gender,eal,") && lines[0].hasSuffix(",attainment8,english-maths-4,english-maths-5"))
            }
        }
    }

    @Test func nobodyElseSeesThePupils() async throws {
        try await TestApp.with { app in
            try await PublicationTests.prepare(app, schools: [TestApp.schoolA])
            let dpo = try await app.token(.dpo)
            let op = try await app.token(.operator)
            let leader = try await app.token(.leader)
            try await app.application().test(.router) { client in
                for token in [dpo, op] {
                    let response = try await ComparisonTests.get(client, "/v1/schools/\(TestApp.schoolA)/pupils?collection=ks4-t", token: token)
                    #expect(response.status == .forbidden)
                    #expect(!String(buffer: response.body).contains("pupil\""))
                }
                let other = try await ComparisonTests.get(client, "/v1/schools/\(TestApp.schoolB)/pupils?collection=ks4-t", token: leader)
                #expect(other.status == .notFound)
                let none = try await ComparisonTests.get(client, "/v1/schools/\(TestApp.schoolA)/pupils?collection=nope", token: leader)
                #expect(none.status == .notFound)
            }
        }
    }
}
