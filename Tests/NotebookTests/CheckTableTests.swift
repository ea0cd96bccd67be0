import Testing
@testable import Notebook

@Suite("Checks and the check table")
struct CheckTableTests {
    @Test("agreement checks measure max abs and normwise relative error")
    func agreement() {
        let c = Check.agreement("x", [1, 2.5, -4], [1, 2, -4], tolerance: 0.2)
        guard case let .agreement(maxAbs, maxRel, _) = c.kind else { Issue.record("wrong kind"); return }
        #expect(maxAbs == 0.5)
        #expect(maxRel == 0.125)                                   // 0.5 / max|reference| = 0.5 / 4
        #expect(c.passed)
        #expect(!Check.agreement("x", [1, 2.5, -4], [1, 2, -4], tolerance: 0.1).passed)
    }

    @Test("NaN and mismatched lengths fail instead of passing or trapping")
    func nanFails() {
        #expect(!Check.agreement("nan", [.nan], [1], tolerance: 1).passed)
        #expect(!Check.agreement("len", [1, 2], [1], tolerance: 1).passed)
        #expect(!Check.agreement("empty", [], [], tolerance: 1).passed)
        #expect(!Check.bound("nan bound", .nan, .lessOrEqual, 1).passed)
    }

    @Test("bound checks in both directions")
    func bounds() {
        #expect(Check.bound("slope", 1.02, .greaterOrEqual, 0.9).passed)
        #expect(!Check.bound("error", 0.3, .lessOrEqual, 0.1).passed)
    }

    @Test("one failing check makes the exit code non-zero and shows in the summary")
    func exitCode() {
        var table = CheckTable()
        table.append(.agreement("good", [1], [1], tolerance: 1e-12))
        #expect(table.exitCode == 0)
        #expect(table.summaryLine(chapter: "ChapterXX") == "ChapterXX: 1 passed, 0 failed")
        table.append(.agreement("bad", [1], [2], tolerance: 1e-12))
        #expect(table.exitCode == 1)
        #expect(table.summaryLine(chapter: "ChapterXX") == "ChapterXX: 1 passed, 1 failed")
        let text = table.rendered()
        #expect(text.contains("✓") && text.contains("✗"))
    }

    @Test("table columns line up")
    func alignment() {
        let text = renderTable(header: ["name", "value"], rows: [["a", "1"], ["longer name", "12345"]])
        let lines = text.split(separator: "\n")
        #expect(lines.count == 4)
        #expect(Set(lines.map { $0.count }).count == 1)            // every line the same width
        #expect(lines[3].hasSuffix("12345") && lines[2].hasSuffix("    1"))
    }

    @Test("prose wraps at the width without breaking words")
    func wrapping() {
        let text = wrap("alpha beta gamma delta epsilon", width: 11)
        #expect(text == "alpha beta\ngamma delta\nepsilon")
    }
}
