import Foundation
import Grading
import Solutions
import Testing

/// The pieces of `swift run Grade` that are not grading: which chapters a command line names,
/// where `--json` may write, and what the reports say.
@Suite("Grade command: chapter selection, --json validation, reports")
struct GradeCommandTests {
    @Test("chapters by name, number or all; unknown ones refused with the list")
    func selection() throws {
        #expect(try Selection.chapters(["Chapter03"]) == [3])
        #expect(try Selection.chapters(["03", "5", "chapter00"]) == [0, 3, 5])
        #expect(try Selection.chapters(["all"]) == Array(0...8))
        #expect(try Selection.chapters([]) == Array(0...8))
        #expect(try Selection.chapters(["3", "Chapter03"]) == [3])
        for bad in ["Chapter09", "Chapter99", "x", ""] {
            #expect(throws: SelectionError.self) { try Selection.chapters([bad]) }
        }
        do { _ = try Selection.chapters(["Chapter09"]) } catch let e as SelectionError {
            #expect(e.message.contains("Chapter00") && e.message.contains("Chapter08"))
        }
    }

    @Test("--json takes a regular file in a writable folder, nothing else")
    func jsonPath() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("grade-json-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("grades.json").path
        #expect(try Selection.jsonPath(file) == file)
        func refused(_ path: String, _ words: String) {
            do {
                _ = try Selection.jsonPath(path)
                Issue.record("\(path) was accepted")
            } catch let e as SelectionError {
                #expect(e.message.contains(words), "\(path): \(e.message)")
            } catch { Issue.record("\(error)") }
        }
        refused(folder.path, "folder")
        refused(folder.path + "/", "folder")
        refused("/dev/null", "device")
        refused("", "needs a file path")
        refused("-", "standard output")
        refused("--solutions", "flag")
        refused(folder.appendingPathComponent("missing/grades.json").path, "does not exist")
        if getuid() != 0 {                                             // root writes anywhere
            let locked = folder.appendingPathComponent("locked")
            try FileManager.default.createDirectory(at: locked, withIntermediateDirectories: true)
            chmod(locked.path, 0o500)
            defer { chmod(locked.path, 0o700) }
            refused(locked.appendingPathComponent("grades.json").path, "not writable")
        }
    }

    @Test("the text report: ✓/✗ per exercise, the hint and its id, one total line")
    func textReport() {
        let exercises = [
            Exercise(id: "03.1", title: "one") { _ in .passed(detail: "max relative error 1e-16") },
            Exercise(id: "03.2", title: "two") { _ in .failed(hint: Hint("03.2/x", "the hint"), detail: "case L = 2") },
            Exercise(id: "04.1", title: "three") { _ in .notImplemented },
        ]
        let report = Grader.run(exercises, seed: 5, graded: "student")
        #expect((report.passed, report.failed, report.notImplemented) == (1, 2, 1))
        let text = Grader.text(report)
        #expect(text.contains("Chapter03 — S4"))
        #expect(text.contains("✓ 03.1 one: max relative error 1e-16"))
        #expect(text.contains("✗ 03.2 two: the hint") && text.contains("[03.2/x] case L = 2"))
        #expect(text.contains("✗ 04.1 three: not implemented"))
        #expect(text.hasSuffix("Grade (student, seed 5): 1 of 3 passed, 2 failed (1 not implemented)"))
    }

    @Test("the JSON report decodes back, with stable hint ids")
    func jsonReport() throws {
        let report = Grader.run(Catalogue.exercises(Reference.self).filter { $0.chapter == 6 }, seed: 3, graded: "solutions")
        let decoded = try JSONDecoder().decode(GradeReport.self, from: try Grader.json(report))
        #expect(decoded == report)
        #expect(decoded.exercises.map(\.status) == ["passed", "passed", "passed"])
    }
}
