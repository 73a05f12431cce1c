/// One pupil of a school's own submission as the school sees it: the pseudonym it submitted (so it can re-link the
/// pupil locally with its own map), the characteristics, every result, and the pupil's headline measures. Shown to
/// that school alone.
public struct PupilRecord: Sendable, Hashable {
    public struct Result: Sendable, Hashable {
        public let subject: String
        public let grade: String
    }

    public struct MeasureValue: Sendable, Hashable {
        public let measure: HeadlineMeasure
        public let value: Double
    }

    public let pseudonym: String
    public let characteristics: PupilCharacteristics
    /// In subject-code order.
    public let results: [Result]
    /// The key stage's headline measures for this pupil (`HeadlineMeasure` order): a proportion's is 1 (achieved) or
    /// 0, a mean's the pupil's own figure (Attainment 8, A level points per entry, a scaled score); a measure without
    /// a figure for the pupil (no A level entries, no reading score) is left out.
    public let measures: [MeasureValue]

    /// `results`: subject code and raw grade as stored (validated at submission).
    public init(
        pseudonym: String, characteristics: PupilCharacteristics, results: [(subject: String, grade: String)], keyStage: KeyStage,
        catalogue: SubjectCatalogue
    ) {
        self.pseudonym = pseudonym
        self.characteristics = characteristics
        self.results = results.sorted { $0.subject < $1.subject }.map { Result(subject: $0.subject, grade: $0.grade) }
        let parsed = results.compactMap { try? catalogue.result(subject: $0.subject, grade: $0.grade) }
        var figures: [MeasureFigure: Double] = [:]
        PartialAggregate.forEachMeasureFigure(keyStage: keyStage, results: parsed) { figures[$0, default: 0] += $1 }
        measures = HeadlineMeasure.measures(for: keyStage).compactMap { measure in
            switch measure.kind {
            case .proportion(let numerator):
                return MeasureValue(measure: measure, value: figures[numerator] ?? 0)
            case .mean(let sum, let denominator, _):
                let over = denominator.map { figures[$0] ?? 0 } ?? 1
                guard over > 0 else { return nil }
                return MeasureValue(measure: measure, value: FigureRounding.rounded((figures[sum] ?? 0) / over, decimals: measure.decimals))
            }
        }
    }
}
