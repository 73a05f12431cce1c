import ArgumentParser
import Foundation
import GradeBenchCore

struct CheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check a submission file locally, with the server's own rules, before sending it.",
        discussion: "Runs the identifier guard and every validation rule, and builds the partial aggregate; sends nothing."
    )

    @Option(help: "The collection's key stage: EYFS, KS2, KS4 or KS5.") var keyStage: String
    @Argument(help: "The submission CSV.") var file: String

    func run() async throws {
        try await reportingErrors {
            guard let stage = KeyStage(rawValue: keyStage.uppercased()) else {
                throw ValidationError("--key-stage must be EYFS, KS2, KS4 or KS5.")
            }
            guard let data = FileManager.default.contents(atPath: file) else { throw ValidationError("Cannot read \(file).") }
            let clock = ContinuousClock()
            let start = clock.now
            let validated = try SubmissionValidator(keyStage: stage).validate(Array(data))
            let checked = clock.now
            let partial = PartialAggregate(validated)
            let aggregated = clock.now
            print(
                "\(file) is a valid \(stage.rawValue) submission: \(validated.results.count) rows, \(partial.pupils) pupils, \(validated.subjectCount) subjects."
            )
            if ProcessInfo.processInfo.environment["GRADEBENCH_TIMING"] != nil {
                print("validate \(checked - start), aggregate \(aggregated - checked)")
            }
        }
    }
}
