import PropertyBased
import Testing

@testable import GradeBenchCore

/// The audit by moves (`LinkModel.provenByMoves`) only ever shows a cell safe when the attacker's exact interval, by
/// the simplex (`LinearBounds`, a separate computation), is at least the policy's width; and it never shows a cell
/// that arithmetic on the published tables pins.
@Suite("Audit by moves")
struct MoveAuditTests {
    static let width = 10

    /// The cells an attacker does not see, given what was published: suppressed counts and entries, and every cell of
    /// a distribution not published at all (difference families).
    static func unknown(_ model: LinkModel, _ published: [DistributionKey: PublishedDistribution]) -> [Bool] {
        (0..<model.cellCount).map { number in
            let cell = model.cell(number)
            guard let table = published[cell.key] else { return true }
            return cell.column == table.grades.count ? table.entries == .suppressed : table.grades[cell.column].count == .suppressed
        }
    }

    /// Per cell shown by moves, its interval's width by the simplex.
    static func shownAndTheirWidths(
        _ distributions: [DistributionKey: Distribution], _ published: [DistributionKey: PublishedDistribution]
    ) -> (shown: Int, tried: Int, widths: [(cell: LinkModel.Cell, width: Double)]) {
        let model = LinkModel(distributions)
        let unknown = unknown(model, published)
        let cells = (0..<model.cellCount).filter { unknown[$0] && model.values[$0] > 0 }
        var search = MoveSearch(model, unknown: unknown)
        let proven = model.provenByMoves(cells, width: width, search: &search)
        let intervals = model.intervals(suppressed: Set((0..<model.cellCount).filter { unknown[$0] }.map(model.cell)))
        let widths = cells.filter { proven[$0] == true }.map { number in
            let interval = intervals[model.cell(number)]!
            return (model.cell(number), (interval.upper ?? .infinity) - interval.lower)
        }
        return (widths.count, cells.count, widths)
    }

    @Test func cellsShownByMovesHaveWideIntervalsInRandomCollections() async {
        await propertyCheck(count: 12, input: DisclosurePropertyTests.collections) { collection in
            guard
                let tables = try? BenchmarkTables(
                    keyStage: .ks4, contributions: collection.contributions, catalogue: .standard, coalition: 2)
            else {
                Issue.record("tables failed")
                return
            }
            let published = SubjectProtection(control: DisclosurePropertyTests.control).protect(tables.distributions).published
            for (cell, width) in Self.shownAndTheirWidths(tables.distributions, published).widths {
                #expect(width >= Double(Self.width) - 1e-6, "\(cell.key) column \(cell.column): width \(width)")
            }
        }
    }

    /// The linked fixture, protected: moves show most of its suppressed cells, each with a wide interval.
    @Test func movesShowTheLinkedFixturesCells() throws {
        let (tables, published) = try LinkedSuppressionTests.protectedTables()
        let (shown, tried, widths) = Self.shownAndTheirWidths(tables.distributions, published)
        #expect(tried > 0)
        #expect(shown * 2 >= tried, "moves showed \(shown) of \(tried) cells")
        for (cell, width) in widths { #expect(width >= Double(Self.width) - 1e-6, "\(cell.key) column \(cell.column)") }
    }

    /// Distributions protected one by one leave a pp=Y count that all pupils less pp=N gives exactly: no move can
    /// change it, so moves must not show it.
    @Test func aCellThatArithmeticPinsIsNotShown() throws {
        let tables = try BenchmarkTables(
            keyStage: .ks4, contributions: LinkedSuppressionTests.contributions(), catalogue: .standard, coalition: 2)
        var alone: [DistributionKey: PublishedDistribution] = [:]
        for (key, distribution) in tables.distributions { alone[key] = LinkedSuppressionTests.control.protect(distribution, key: key).0 }
        let model = LinkModel(tables.distributions)
        let unknown = Self.unknown(model, alone)
        let pinned = (0..<model.cellCount).first { number in
            let cell = model.cell(number)
            return cell.key == DistributionKey(family: .all, subject: "ART", group: LinkedSuppressionTests.yes) && cell.column == 2
        }!
        #expect(unknown[pinned], "grade 7 of all schools' pp=Y is suppressed")
        var search = MoveSearch(model, unknown: unknown)
        #expect(model.provenByMoves([pinned], width: Self.width, search: &search)[pinned] == false)
        let interval = model.intervals(suppressed: Set((0..<model.cellCount).filter { unknown[$0] }.map(model.cell)))[model.cell(pinned)]!
        #expect((interval.upper ?? .infinity) - interval.lower < Double(Self.width), "the simplex pins it too")
    }

    /// What earlier rounds showed is kept while suppression only grows (components merge), and forgotten as soon as a
    /// cell that was unknown in the proof's component is published again (the proof may have passed through it).
    @Test func auditMemoryForgetsWhenACellOfItsComponentIsPublishedAgain() {
        var memory = AuditMemory()
        memory.begin(unknown: [true, false, true])
        memory.record([[0], [2]])
        memory.shown[0] = .byMoves
        memory.begin(unknown: [true, true, true])
        #expect(memory.shown == [.byMoves, nil, nil])
        memory.record([[0, 1, 2]])
        memory.begin(unknown: [true, true, false])
        #expect(memory.shown == [nil, nil, nil])
    }

    /// A cell published again forgets only the proofs of its own component: a proof uses its component's relations
    /// alone, and the other components' systems do not change.
    @Test func auditMemoryKeepsTheProofsOfOtherComponents() {
        var memory = AuditMemory()
        memory.begin(unknown: [true, true, false, true])
        memory.record([[0, 1], [3]])
        memory.shown[0] = .byMoves
        memory.shown[3] = .byBounds
        memory.begin(unknown: [true, false, false, true])
        #expect(memory.shown == [nil, nil, nil, .byBounds])
    }
}
