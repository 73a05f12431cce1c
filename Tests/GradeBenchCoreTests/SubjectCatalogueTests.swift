import Testing

@testable import GradeBenchCore

@Suite("Subject catalogue")
struct SubjectCatalogueTests {
    let catalogue = SubjectCatalogue.standard

    @Test func coversCommonSubjects() throws {
        for code in ["MATH", "ENGLANG", "ENGLIT", "COMBSCI", "BIO", "CHEM", "PHYS", "HIST", "GEOG", "FREN", "SPAN", "COMPSCI", "ART"] {
            #expect(try catalogue.subject(code).keyStage == .ks4)
        }
        for code in ["AL-MATH", "AL-BIO", "AL-ENGLIT", "AL-HIST", "AL-PSYCH"] { #expect(try catalogue.subject(code).scale == .aLevel) }
        #expect(try catalogue.subject("KS2-READ").scale == .ks2ScaledScore)
        #expect(try catalogue.subject("KS2-WRIT").scale == .ks2WritingTA)
        #expect(catalogue.subjects(in: .eyfs).count == 12)
        #expect(catalogue.subjects(in: .ks4).count >= 30 && catalogue.subjects(in: .ks5).count >= 20)
        // Every scale has at least one subject.
        #expect(Set(catalogue.subjects.map(\.scale)) == Set(GradeScale.allCases))
    }

    @Test func markersForAttainment8() throws {
        #expect(try catalogue.subject("ENGLANG").english == .language)
        #expect(try catalogue.subject("ENGLIT").english == .literature)
        #expect(try catalogue.subject("MATH").isMaths)
        #expect(try !catalogue.subject("STATS").isMaths)
        #expect(try catalogue.subject("COMBSCI").ebacc == .science)
        #expect(try catalogue.subject("COMPSCI").ebacc == .science)
        #expect(try catalogue.subject("GEOG").ebacc == .humanities)
        #expect(try catalogue.subject("SPAN").ebacc == .languages)
        #expect(try catalogue.subject("ART").ebacc == nil)
    }

    @Test func unknownSubjectIsATypedErrorNamingIt() {
        let error = #expect(throws: CatalogueError.self) { try catalogue.subject("ASTROLOGY") }
        #expect(error == .unknownSubject("ASTROLOGY"))
        #expect(error?.message == "Subject 'ASTROLOGY' is not in the subject catalogue.")
        #expect(error?.code == "unknown_subject")
    }

    @Test func gradeOffScaleNamesGradeAndSubject() throws {
        let error = #expect(throws: CatalogueError.self) { try catalogue.result(subject: "MATH", grade: "A*") }
        #expect(error == .gradeNotOnScale(grade: "A*", subject: "MATH", scale: .gcse9to1))
        #expect(error?.message == "Grade 'A*' is not on the GCSE 9–1 scale of subject MATH.")
        let (subject, result) = try catalogue.result(subject: "al-math", grade: "a*")
        #expect(subject.code == "AL-MATH" && result.grade?.points == 60)
    }

    @Test func malformedCatalogueIsRejected() {
        let csv = Array("code,name,scale,key_stage,ebacc,english,maths\nX,Thing,no-such-scale,KS4,,,\n".utf8)
        #expect(throws: CatalogueError.malformedCatalogue(line: 2, problem: "unknown scale 'no-such-scale'")) {
            try SubjectCatalogue(csv: csv)
        }
    }
}
