import GradeBenchCore

/// A family's and group's benchmark as JSON (docs/openapi.yaml `Benchmarks`), and as CSV, one figure per row.
struct BenchmarksView: Encodable {
    struct Subject: Encodable {
        let subject: String
        let name: String
        let grades: [String]
        let entries: Published<Int>
        let counts: [Published<Int>]
        let percent: [Published<Double>]
        let cumulativePercent: [Published<Double>]
        let meanPoints: Published<Double>?
    }
    struct Measure: Encodable {
        let measure: String
        let name: String
        let pupils: Published<Int>?
        let achieved: Published<Int>?
        let value: Published<Double>
    }
    struct Quantiles: Encodable {
        let figure: String
        let schools: Int
        let quartiles: [Double]
        let deciles: [Double]
    }

    let collection: String
    let keyStage: String
    let family: String
    let group: String
    let snapshot: ComparisonView.SnapshotFacts
    let subjects: [Subject]
    let measures: [Measure]
    let schoolDistributions: [Quantiles]

    init(_ table: BenchmarkTable, collection: String, snapshot: LoadedSnapshot, catalogue: SubjectCatalogue) {
        self.collection = collection
        keyStage = snapshot.index.content.keyStage.rawValue
        family = table.family.description
        group = table.group.description
        self.snapshot = ComparisonView.SnapshotFacts(snapshot)
        subjects = table.subjects.map { distribution in
            Subject(
                subject: distribution.key.subject, name: (try? catalogue.subject(distribution.key.subject).name) ?? distribution.key.subject,
                grades: distribution.grades.map(\.code), entries: distribution.entries, counts: distribution.grades.map(\.count),
                percent: distribution.grades.map(\.percent), cumulativePercent: distribution.grades.map(\.cumulativePercent),
                meanPoints: distribution.meanPoints)
        }
        measures = table.measures.map {
            Measure(measure: $0.measure.rawValue, name: $0.measure.title, pupils: $0.value.pupils, achieved: $0.value.achieved, value: $0.value.value)
        }
        schoolDistributions = table.schoolDistributions.map {
            Quantiles(figure: $0.figure, schools: $0.schools, quartiles: $0.quartiles, deciles: $0.deciles)
        }
    }

    static let csvHeader = ["collection", "snapshot", "family", "group", "kind", "code", "name", "figure", "grade", "value"]

    /// `figure`: entries, count, percent, cumulative_percent, mean_points (subjects); pupils, achieved, value
    /// (measures); school_quartile_1–3 and school_decile_1–9 (quantiles). `c` marks a suppressed figure.
    static func csv(_ table: BenchmarkTable, collection: String, snapshot: LoadedSnapshot, catalogue: SubjectCatalogue) -> String {
        let view = BenchmarksView(table, collection: collection, snapshot: snapshot, catalogue: catalogue)
        var out = CSVWriter.line(csvHeader)
        let prefix = [collection, String(snapshot.id), view.family, view.group]
        func row(_ kind: String, _ code: String, _ name: String, _ figure: String, _ grade: String, _ value: String) {
            out += CSVWriter.line(prefix + [kind, code, name, figure, grade, value])
        }
        for subject in view.subjects {
            row("subject", subject.subject, subject.name, "entries", "", ComparisonCSV.symbol(subject.entries))
            for (index, grade) in subject.grades.enumerated() {
                row("subject", subject.subject, subject.name, "count", grade, ComparisonCSV.symbol(subject.counts[index]))
                row("subject", subject.subject, subject.name, "percent", grade, ComparisonCSV.symbol(subject.percent[index]))
                row("subject", subject.subject, subject.name, "cumulative_percent", grade, ComparisonCSV.symbol(subject.cumulativePercent[index]))
            }
            if let mean = subject.meanPoints { row("subject", subject.subject, subject.name, "mean_points", "", ComparisonCSV.symbol(mean)) }
        }
        for measure in view.measures {
            if let pupils = measure.pupils { row("measure", measure.measure, measure.name, "pupils", "", ComparisonCSV.symbol(pupils)) }
            if let achieved = measure.achieved { row("measure", measure.measure, measure.name, "achieved", "", ComparisonCSV.symbol(achieved)) }
            row("measure", measure.measure, measure.name, "value", "", ComparisonCSV.symbol(measure.value))
        }
        for quantiles in view.schoolDistributions {
            for (index, value) in quantiles.quartiles.enumerated() {
                row("schools", quantiles.figure, "", "school_quartile_\(index + 1)", "", String(value))
            }
            for (index, value) in quantiles.deciles.enumerated() {
                row("schools", quantiles.figure, "", "school_decile_\(index + 1)", "", String(value))
            }
        }
        return out
    }
}
