import Foundation

/// Validation of registry entries, shared by the API, the CLI and file imports.
public enum RegistryRules {
    public struct Violation: GradeBenchError, Equatable {
        public let field: String
        public let problem: String
        public var code: String { "invalid_\(field)" }
        public var message: String { "\(field): \(problem)." }
    }

    public static let regions = [
        "North East", "North West", "Yorkshire and the Humber", "East Midlands", "West Midlands", "East of England", "London",
        "South East", "South West",
    ]
    public static let sizeBands = ["small", "medium", "large"]
    public static let disadvantageBands = ["low", "middle", "high"]

    /// A school from named fields (`urn`, `name`, `region`, `type`, `phase`, optional `size_band`, `disadvantage_band`).
    public static func school(_ fields: [String: String]) throws(Violation) -> School {
        func text(_ name: String) throws(Violation) -> String {
            let value = (fields[name] ?? "").trimmedBlanks
            guard (1...200).contains(value.count) else { throw Violation(field: name, problem: "must be 1–200 characters") }
            // A line break or other control character would break every line-based form the entry is shown in (CSV
            // exports, logs, the registry file).
            guard !value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
                throw Violation(field: name, problem: "must not contain line breaks or other control characters")
            }
            return value
        }
        guard let urn = URN(fields["urn"]?.trimmedBlanks ?? "") else {
            throw Violation(field: "urn", problem: "must be six digits")
        }
        let region = try text("region")
        guard regions.contains(region) else {
            throw Violation(field: "region", problem: "must be one of the nine English regions (\(regions.joined(separator: ", ")))")
        }
        let size = fields["size_band"].flatMap { $0.isEmpty ? nil : $0 }
        if let size, !sizeBands.contains(size) {
            throw Violation(field: "size_band", problem: "must be one of \(sizeBands.joined(separator: ", "))")
        }
        let disadvantage = fields["disadvantage_band"].flatMap { $0.isEmpty ? nil : $0 }
        if let disadvantage, !disadvantageBands.contains(disadvantage) {
            throw Violation(field: "disadvantage_band", problem: "must be one of \(disadvantageBands.joined(separator: ", "))")
        }
        return School(
            urn: urn, name: try text("name"), region: region, type: try text("type"), phase: try text("phase"),
            sizeBand: size, disadvantageBand: disadvantage
        )
    }

    /// A collection; `opens`/`closes` are ISO 8601 dates (`2026-09-01`) or date-times, both optional.
    public static func collection(
        id: String, name: String, keyStage: String, academicYear: String, opens: String?, closes: String?
    ) throws(Violation) -> GradeCollection {
        guard (1...64).contains(id.count), id.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-") }) else {
            throw Violation(field: "id", problem: "must be 1–64 lower-case letters, digits or '-'")
        }
        guard (1...200).contains(name.count) else { throw Violation(field: "name", problem: "must be 1–200 characters") }
        guard let stage = KeyStage(rawValue: keyStage) else {
            throw Violation(field: "key_stage", problem: "must be one of EYFS, KS2, KS4, KS5")
        }
        guard academicYear.count == 7, academicYear.dropFirst(4).first == "/",
            let start = Int(academicYear.prefix(4)), let end = Int(academicYear.suffix(2)), (start + 1) % 100 == end
        else { throw Violation(field: "academic_year", problem: "must look like 2025/26") }
        let opensAt = try opens.map { value throws(Violation) in try time(value, field: "opens") }
        let closesAt = try closes.map { value throws(Violation) in try time(value, field: "closes") }
        if let opensAt, let closesAt, closesAt <= opensAt {
            throw Violation(field: "closes", problem: "must be after the window opens")
        }
        return GradeCollection(id: id, name: name, keyStage: stage, academicYear: academicYear, opensAt: opensAt, closesAt: closesAt)
    }

    static func time(_ text: String, field: String) throws(Violation) -> Int64 {
        let dateTime = ISO8601DateFormatter()
        if let date = dateTime.date(from: text) { return Int64(date.timeIntervalSince1970) }
        let dateOnly = ISO8601DateFormatter()
        dateOnly.formatOptions = [.withFullDate]
        if let date = dateOnly.date(from: text) { return Int64(date.timeIntervalSince1970) }
        throw Violation(field: field, problem: "must be an ISO 8601 date such as 2026-09-01 or 2026-09-01T00:00:00Z")
    }
}
