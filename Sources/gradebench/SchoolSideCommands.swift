import ArgumentParser
import Foundation
import GradeBenchCore

struct KeygenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keygen",
        abstract: "Create a new 256-bit school pseudonymisation key (file mode 0600). The key never leaves the school.",
        discussion: "Back the key up at the school: without it the school cannot re-link pupils or erase one pupil by pseudonym."
    )

    @Option(help: "Where to write the key (refuses to overwrite).") var out = "school.key"

    func run() async throws {
        try await reportingErrors {
            guard !FileManager.default.fileExists(atPath: out) else {
                throw ValidationError("\(out) already exists; a school keeps one key (remove it only if you mean to start again).")
            }
            var generator = SystemRandomNumberGenerator()
            let key = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let text = "# GradeBench school pseudonymisation key. Keep at the school; never send it anywhere.\n\(key.hexString)\n"
            guard FileManager.default.createFile(atPath: out, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600]) else {
                throw ValidationError("Could not write \(out).")
            }
            print("Wrote a new school key to \(out) (mode 0600). Keep it safe and at the school.")
        }
    }
}

struct PseudonymiseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pseudonymise",
        abstract: "Turn an MIS export into a GradeBench submission at the school (or print one pupil's pseudonym).",
        discussion: """
            Reads a long export (one row per pupil × subject: UPN, subject, grade, …) or a wide one (one row per pupil,
            a column per subject). Keeps only the submission fields, replaces each UPN with its HMAC-SHA256 pseudonym
            under the school key, and drops names, dates of birth and every other column. A UPN with a wrong check
            letter stops the run and nothing is written.

            --map takes either HEADER=FIELD (repeatable: use your export's header for a field: upn, subject, grade,
            pp, fsm, send, gender, eal) or a FILE: there, a UPN → pseudonym map is also written, to keep at the school
            for re-linking results to pupils.
            """
    )

    @Option(help: "The school key file from 'gradebench keygen'.") var key: String
    @Option(name: .customLong("in"), help: "The MIS export (CSV).") var input: String?
    @Option(help: "Where to write the submission CSV.") var out: String?
    @Option(help: "Print the pseudonym of one UPN (for an erasure request) instead.") var upn: String?
    @Option(help: "HEADER=FIELD to map a header, or FILE to write the local UPN → pseudonym map.") var map: [String] = []

    func run() async throws {
        try await reportingErrors {
            let schoolKey = try Self.loadKey(key)
            if let upn {
                let normal = upn.trimmingCharacters(in: .whitespaces).uppercased()
                guard UPN.isValid(normal) else { throw ValidationError("That UPN's check letter is wrong (or it is not 13 characters).") }
                print(schoolKey.pseudonym(for: normal))
                return
            }
            guard let input, let out else { throw ValidationError("Give --in EXPORT and --out SUBMISSION (or --upn UPN).") }
            var headerMap: [String: String] = [:]
            var mapFile: String? = nil
            for entry in map {
                if let equals = entry.firstIndex(of: "=") {
                    let field = String(entry[entry.index(after: equals)...]).lowercased()
                    guard ["upn", "subject", "grade", "pp", "fsm", "send", "gender", "eal"].contains(field) else {
                        throw ValidationError("--map \(entry): the field must be one of upn, subject, grade, pp, fsm, send, gender, eal.")
                    }
                    headerMap[String(entry[..<equals])] = field
                } else {
                    guard mapFile == nil else { throw ValidationError("Give at most one --map FILE.") }
                    mapFile = entry
                }
            }
            guard let data = FileManager.default.contents(atPath: input) else { throw ValidationError("Cannot read \(input).") }
            let result = try ExportPseudonymiser(key: schoolKey, headerMap: headerMap).run(Array(data))
            try Data(result.submission.utf8).write(to: URL(fileURLWithPath: out))
            if let mapFile {
                let csv = CSVWriter.line(["upn", "pupil"]) + result.links.map { CSVWriter.line([$0.upn, $0.pseudonym]) }.joined()
                guard FileManager.default.createFile(atPath: mapFile, contents: Data(csv.utf8), attributes: [.posixPermissions: 0o600])
                else {
                    throw ValidationError("Could not write \(mapFile).")
                }
            }
            print("Pseudonymised a \(result.layout.rawValue) export: \(result.pupils) pupils, \(result.rows) grades → \(out).")
            if !result.droppedColumns.isEmpty { print("Dropped columns: \(result.droppedColumns.joined(separator: ", ")).") }
            if let mapFile { print("Local UPN → pseudonym map (keep it at the school): \(mapFile).") }
        }
    }

    static func loadKey(_ path: String) throws -> PseudonymKey {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw ValidationError("Cannot read the key file \(path).")
        }
        let hex = text.split(separator: "\n").first { !$0.hasPrefix("#") }.map(String.init) ?? ""
        guard hex.count == 64, let bytes = [UInt8](hex: hex), let key = PseudonymKey(bytes: bytes) else {
            throw ValidationError("\(path) is not a GradeBench school key (64 hex digits).")
        }
        return key
    }
}
