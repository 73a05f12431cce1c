/// Parses the registry CSV files that fixtures (and operators' bulk imports) use.
public enum RegistryFiles {
    public struct Failure: GradeBenchError {
        public let file: String
        public let line: Int
        public let problem: String
        public var code: String { "registry_file_invalid" }
        public var message: String { "\(file), row \(line): \(problem)." }
    }

    /// `urn,name,region,type,phase[,size_band,disadvantage_band]`
    public static func schools(csv bytes: [UInt8], file: String = "schools.csv") throws(Failure) -> [School] {
        try records(bytes, file: file, required: ["urn", "name", "region", "type", "phase"]) { (field, line) throws(Failure) in
            var fields: [String: String] = [:]
            for name in ["urn", "name", "region", "type", "phase", "size_band", "disadvantage_band"] { fields[name] = field(name) }
            do throws(RegistryRules.Violation) { return try RegistryRules.school(fields) } catch {
                throw Failure(file: file, line: line, problem: error.message)
            }
        }
    }

    /// `id,name,key_stage,academic_year`
    public static func collections(csv bytes: [UInt8], file: String = "collections.csv") throws(Failure) -> [GradeCollection] {
        try records(bytes, file: file, required: ["id", "name", "key_stage", "academic_year"]) { (field, line) throws(Failure) in
            guard let keyStage = KeyStage(rawValue: field("key_stage")) else {
                throw Failure(file: file, line: line, problem: "key_stage must be one of EYFS, KS2, KS4, KS5")
            }
            return GradeCollection(id: field("id"), name: field("name"), keyStage: keyStage, academicYear: field("academic_year"))
        }
    }

    private static func records<T>(
        _ bytes: [UInt8], file: String, required: [String],
        _ make: ((String) -> String, Int) throws(Failure) -> T
    ) throws(Failure) -> [T] {
        let rows: [CSVReader.Row]
        do { rows = try CSVReader(bytes: bytes).rows() } catch { throw Failure(file: file, line: error.line, problem: error.problem) }
        guard let header = rows.first?.fields.map({ $0.lowercased() }) else {
            throw Failure(file: file, line: 1, problem: "the header row is missing")
        }
        for column in required where !header.contains(column) {
            throw Failure(file: file, line: 1, problem: "column '\(column)' is missing")
        }
        var result: [T] = []
        for row in rows.dropFirst() {
            guard row.fields.count == header.count else {
                throw Failure(file: file, line: row.line, problem: "expected \(header.count) fields, found \(row.fields.count)")
            }
            let field: (String) -> String = { name in header.firstIndex(of: name).map { row.fields[$0] } ?? "" }
            result.append(try make(field, row.line))
        }
        return result
    }
}
