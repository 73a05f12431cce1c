import Testing

@testable import GradeBenchCore

@Suite("Registry rules")
struct RegistryRulesTests {
    static func fields(name: String) -> [String: String] {
        ["urn": "900301", "name": name, "region": "London", "type": "academy", "phase": "secondary"]
    }

    @Test func plainNameAccepted() throws {
        #expect(try RegistryRules.school(Self.fields(name: "  Oak Hill Academy ")).name == "Oak Hill Academy")
    }

    @Test(arguments: ["Oak\nHill", "Oak\u{0C}Hill", "Oak\u{17}Hill", "Oak\tHill", "\u{7F}"])
    func controlCharactersRefused(name: String) {
        let error = #expect(throws: RegistryRules.Violation.self) { try RegistryRules.school(Self.fields(name: name)) }
        #expect(error?.code == "invalid_name")
        #expect(error?.message == "name: must not contain line breaks or other control characters.")
    }
}
