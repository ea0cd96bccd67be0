import Foundation
import Grading
import Testing

/// Runs the built `Grade` executable as a student or an instructor does (`swift test` builds
/// every product first, so it sits beside the test bundle).
@Suite("Grade run: solutions all ✓, stubs all ✗ with exit ≠ 0, --json, traps and loops isolated")
struct GradeRunTests {
    struct Run {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    static func grade(_ arguments: [String], environment: [String: String] = [:]) throws -> Run {
        var folder = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<4 where !FileManager.default.fileExists(atPath: folder.appendingPathComponent("Grade").path) {
            folder = folder.deletingLastPathComponent()
        }
        let process = Process()
        process.executableURL = folder.appendingPathComponent("Grade")
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("grade-run-\(UUID().uuidString)")
        FileManager.default.createFile(atPath: scratch.path + ".out", contents: nil)
        FileManager.default.createFile(atPath: scratch.path + ".err", contents: nil)
        defer { for s in [".out", ".err"] { try? FileManager.default.removeItem(atPath: scratch.path + s) } }
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: scratch.path + ".out"))
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: scratch.path + ".err"))
        try process.run()
        process.waitUntilExit()
        return Run(status: process.terminationStatus, stdout: try String(contentsOfFile: scratch.path + ".out", encoding: .utf8),
                   stderr: try String(contentsOfFile: scratch.path + ".err", encoding: .utf8))
    }

    @Test("Grade all --solutions: 27 ✓, exit 0")
    func solutions() throws {
        let run = try Self.grade(["all", "--solutions"])
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        #expect(run.stdout.components(separatedBy: "  ✓ ").count - 1 == 27)
        #expect(run.stdout.hasSuffix("Grade (solutions, seed 2026): 27 of 27 passed, 0 failed\n"))
    }

    @Test("Grade all on the stubs: every exercise ✗ not implemented, exit 1; the JSON report says the same")
    func stubs() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("grade-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: file) }
        let run = try Self.grade(["all", "--json", file.path])
        #expect(run.status == 1)
        #expect(run.stdout.components(separatedBy: ": not implemented\n").count - 1 == 27)
        #expect(!run.stdout.contains("✓"))
        let report = try JSONDecoder().decode(GradeReport.self, from: Data(contentsOf: file))
        #expect(report.notImplemented == 27 && report.failed == 27 && report.passed == 0 && report.graded == "student")
    }

    @Test("--json refuses a folder and a device before grading (exit 64)")
    func jsonRefused() throws {
        for path in [FileManager.default.temporaryDirectory.path, "/dev/null"] {
            let run = try Self.grade(["03", "--solutions", "--json", path])
            #expect(run.status == 64 && run.stdout.isEmpty && run.stderr.contains("--json \(path)"), "\(run.stderr)")
        }
    }

    @Test("a trap in one exercise fails that exercise, quoted, and the others are still graded")
    func trapIsolated() throws {
        let run = try Self.grade(["Chapter05", "--solutions"], environment: ["GRADE_SIMULATE_TRAP": "05.2"])
        #expect(run.status == 1)
        #expect(run.stdout.contains("✓ 05.1") && run.stdout.contains("✓ 05.3"))
        #expect(run.stdout.contains("[crashed]") && run.stdout.contains("Fatal error: simulated trap in exercise 05.2"))
        #expect(run.stdout.contains("2 of 3 passed, 1 failed"))
    }

    @Test("an exercise over the time limit is stopped and failed")
    func timeLimit() throws {
        let run = try Self.grade(["0", "--solutions", "--timeout", "0.000001"])
        #expect(run.status == 1)
        #expect(run.stdout.components(separatedBy: "[timed-out]").count - 1 == 3)
    }
}
