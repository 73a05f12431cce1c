import Foundation
import Testing

@testable import GradeBenchCore

@Suite("Fixtures")
struct FixtureTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let committed = root.appendingPathComponent("fixtures/demo")
    /// The seed and size the committed set was generated with (README: `gradebench fixtures generate`).
    static let committedSeed: UInt64 = 20261
    static let committedSchools = 40

    @Test func deterministic() {
        let one = FixtureGenerator(schools: 5, seed: 7)
        let two = FixtureGenerator(schools: 5, seed: 7)
        let other = FixtureGenerator(schools: 5, seed: 8)
        let ks4 = one.collections[0]
        #expect(one.schools == two.schools)
        #expect(one.submission(for: one.schools[2], in: ks4) == two.submission(for: two.schools[2], in: ks4))
        #expect(one.submission(for: one.schools[2], in: ks4) != other.submission(for: other.schools[2], in: ks4))
    }

    @Test func committedFixturesAreExactlyTheGeneratorsOutput() throws {
        let generator = FixtureGenerator(schools: Self.committedSchools, seed: Self.committedSeed)
        for collection in generator.collections {
            for school in generator.schools(in: collection) {
                let file = Self.committed.appendingPathComponent("\(collection.id)/\(school.urn).csv")
                #expect(try String(contentsOf: file, encoding: .utf8) == generator.submission(for: school, in: collection))
            }
        }
        let schools = try RegistryFiles.schools(csv: Array(try Data(contentsOf: Self.committed.appendingPathComponent("schools.csv"))))
        #expect(schools.map(\.urn) == generator.schools.map(\.urn))
    }

    /// Reads every committed submission and checks it against the catalogue and the submission format,
    /// then the GCSE mix and the disadvantage gap, counted here from the files.
    @Test func committedFixturesAreValidAndRealistic() throws {
        let catalogue = SubjectCatalogue.standard
        var gcseCounts: [String: Int] = [:]
        var points: [String: (sum: Double, count: Int)] = [:]
        let folders = try FileManager.default.contentsOfDirectory(atPath: Self.committed.path).filter { !$0.hasSuffix(".csv") }
        #expect(Set(folders) == ["ks4-2026", "ks5-2026", "ks2-2026"])
        for folder in folders {
            for file in try FileManager.default.contentsOfDirectory(atPath: Self.committed.appendingPathComponent(folder).path) {
                let bytes = Array(try Data(contentsOf: Self.committed.appendingPathComponent("\(folder)/\(file)")))
                let rows = try CSVReader(bytes: bytes).rows()
                #expect(rows[0].fields == ["pupil", "subject", "grade", "pp", "fsm", "send", "gender", "eal"])
                var seen = Set<String>()
                for row in rows.dropFirst() {
                    let f = row.fields
                    #expect(Pseudonym.isWellFormed(f[0]))
                    #expect(!f.contains(where: { UPN.isValid($0) }))
                    #expect(seen.insert("\(f[0])/\(f[1])").inserted, "repeated pupil × subject in \(file)")
                    let (subject, result) = try catalogue.result(subject: f[1], grade: f[2])
                    #expect(["Y", "N"].contains(f[3]) && ["Y", "N"].contains(f[4]) && ["N", "K", "E"].contains(f[5]))
                    #expect(["F", "M", "X"].contains(f[6]) && ["Y", "N"].contains(f[7]))
                    if subject.scale == .gcse9to1, let grade = result.grade {
                        gcseCounts[grade.code, default: 0] += 1
                        points[f[3], default: (0, 0)].sum += grade.points!
                        points[f[3], default: (0, 0)].count += 1
                    }
                }
            }
        }
        let total = Double(gcseCounts.values.reduce(0, +))
        for (grade, target) in FixtureGenerator.gcseTargetShares {
            let share = 100 * Double(gcseCounts[grade] ?? 0) / total
            #expect(abs(share - target) < 1.5, "grade \(grade): \(share)% vs target \(target)%")
        }
        let pp = points["Y"]!.sum / Double(points["Y"]!.count)
        let notPP = points["N"]!.sum / Double(points["N"]!.count)
        #expect(notPP - pp > 0.5 && notPP - pp < 1.5, "disadvantage gap \(notPP - pp) grade points")
    }
}
