import GradeBenchCore

/// The comparison as CSV for spreadsheets, one figure per row (long format, like the DfE's open data):
/// `kind` is `subject` or `measure`, `figure` one of entries, non_grades, count, percent, cumulative_percent,
/// mean_points, pupils, achieved, value, percentile_rank. GSS symbols as published: `c` suppressed, `x` not available
/// (no such benchmark table, or no graded entries), `z` not applicable (e.g. a difference of counts).
enum ComparisonCSV {
    static let header = [
        "school", "collection", "snapshot", "family", "kind", "code", "name", "group", "figure", "grade", "own", "benchmark", "difference",
    ]

    static func render(_ comparison: SchoolComparison, basis: ComparisonBasis) -> String {
        var out = CSVWriter.line(header)
        let prefix = [String(comparison.school.rawValue), basis.collection, String(basis.snapshot.id), comparison.family.description]
        func row(_ kind: String, _ code: String, _ name: String, _ group: PupilGroup, _ figure: String, _ grade: String, _ own: String,
                 _ benchmark: String, _ difference: String) {
            out += CSVWriter.line(prefix + [kind, code, name, group.description, figure, grade, own, benchmark, difference])
        }
        for subject in comparison.subjects {
            let own = subject.own
            let code = subject.subject.code
            let name = subject.subject.name
            let published = subject.benchmark
            row("subject", code, name, own.group, "entries", "", String(own.entries), symbol(published?.entries), "z")
            row("subject", code, name, own.group, "non_grades", "", String(own.nonGrades), "z", "z")
            for (index, grade) in own.grades.enumerated() {
                let bench = subject.benchmarkGrades[index]
                row("subject", code, name, own.group, "count", grade, String(own.counts[index]), symbol(bench?.count), "z")
                row("subject", code, name, own.group, "percent", grade, number(own.percent?[index]), symbol(bench?.percent),
                    symbol(subject.percentDifference[index]))
                row("subject", code, name, own.group, "cumulative_percent", grade, number(own.cumulativePercent?[index]),
                    symbol(bench?.cumulativePercent), symbol(subject.cumulativePercentDifference[index]))
            }
            if subject.subject.scale.hasPoints {
                row("subject", code, name, own.group, "mean_points", "", number(own.meanPoints), symbol(published?.meanPoints ?? nil),
                    symbol(subject.meanPointsDifference))
            }
            if own.group == .all {
                row("subject", code, name, own.group, "percentile_rank", "", subject.percentileRank.map(String.init) ?? "x", "z", "z")
            }
        }
        for measure in comparison.measures {
            let own = measure.own
            let code = own.measure.rawValue
            let name = own.measure.title
            let pupils = measure.benchmark.map { symbol($0.pupils, absent: "z") } ?? "x"
            row("measure", code, name, own.group, "pupils", "", String(own.pupils), pupils, "z")
            if let achieved = own.achieved {
                row("measure", code, name, own.group, "achieved", "", String(achieved), symbol(measure.benchmark?.achieved), "z")
            }
            row("measure", code, name, own.group, "value", "", number(own.value), symbol(measure.benchmark?.value), symbol(measure.difference))
            if own.group == .all {
                row("measure", code, name, own.group, "percentile_rank", "", measure.percentileRank.map(String.init) ?? "x", "z", "z")
            }
        }
        return out
    }

    static func number(_ value: Double?) -> String { value.map { String($0) } ?? "x" }

    static func symbol(_ value: Published<Int>?, absent: String = "x") -> String {
        switch value {
        case .value(let count): String(count)
        case .suppressed: "c"
        case nil: absent
        }
    }

    static func symbol(_ value: Published<Double>?) -> String {
        switch value {
        case .value(let number): String(number)
        case .suppressed: "c"
        case nil: "x"
        }
    }
}
