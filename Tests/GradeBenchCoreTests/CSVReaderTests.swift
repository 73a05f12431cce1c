import Testing

@testable import GradeBenchCore

@Suite("CSV reader")
struct CSVReaderTests {
    @Test func excelHabits() throws {
        let bytes: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("pupil,subject\r\n\"A,B\",\"say \"\"hi\"\"\"\r\nC,\"two\nlines\"\r\n\r\n\r\n".utf8)
        let rows = try CSVReader(bytes: bytes).rows()
        #expect(rows.map(\.fields) == [["pupil", "subject"], ["A,B", "say \"hi\""], ["C", "two\nlines"]])
        #expect(rows.map(\.line) == [1, 2, 3])
    }

    @Test func quotedFieldsWithAndWithoutEscapes() throws {
        // Several escaped fields in one row, an escaped field on the next row, empty and quote-only fields.
        let text = #""a""b",plain,"""","","x""""y"\#n"q""","c"\#n"#
        let rows = try CSVReader(text: text).rows()
        #expect(rows.map(\.fields) == [["a\"b", "plain", "\"", "", "x\"\"y"], ["q\"", "c"]])
        #expect(throws: CSVReader.Failure(line: 1, problem: "a field is not valid UTF-8 text")) {
            try CSVReader(bytes: Array("\"a\"\"".utf8) + [0xC3, 0x28] + Array("\"\n".utf8)).rows()
        }
    }

    @Test func emptyFieldsAndNoFinalNewline() throws {
        let rows = try CSVReader(text: "a,,c\n,\nx").rows()
        #expect(rows.map(\.fields) == [["a", "", "c"], ["", ""], ["x"]])
    }

    @Test func lineNumbersCountBlankLines() throws {
        let rows = try CSVReader(text: "h\n\nb\n").rows()
        #expect(rows.map(\.line) == [1, 3])
    }

    @Test func failures() {
        #expect(throws: CSVReader.Failure(line: 2, problem: "a quoted field is not closed")) {
            try CSVReader(text: "h\n\"open\n").rows()
        }
        #expect(throws: CSVReader.Failure(line: 1, problem: "a quote appears inside an unquoted field")) {
            try CSVReader(text: "ab\"c\n").rows()
        }
        #expect(throws: CSVReader.Failure(line: 1, problem: "text follows a closing quote")) {
            try CSVReader(text: "\"ab\"c\n").rows()
        }
        #expect(throws: CSVReader.Failure(line: 2, problem: "a field is not valid UTF-8 text")) {
            try CSVReader(bytes: Array("h\n".utf8) + [0xC3, 0x28, 0x0A]).rows()
        }
    }

    @Test func writerQuotesOnlyWhenNeeded() throws {
        let line = CSVWriter.line(["plain", "a,b", "say \"x\""])
        #expect(line == "plain,\"a,b\",\"say \"\"x\"\"\"\n")
        #expect(try CSVReader(text: line).rows()[0].fields == ["plain", "a,b", "say \"x\""])
    }
}
