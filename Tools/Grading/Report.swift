import Foundation

/// One exercise's graded result, as printed and as written to `--json`.
public struct ExerciseReport: Codable, Equatable, Sendable {
    public let id: String
    public let chapter: Int
    public let title: String
    /// "passed", "failed" or "not implemented".
    public let status: String
    /// For a failure: the hint's id (stable, for course platforms) and text.
    public let hint: Hint?
    /// The measured error (passed) or the case that failed and by how much.
    public let detail: String?
}

/// A whole run: what was graded, with which seed, and the totals.
public struct GradeReport: Codable, Equatable, Sendable {
    public let graded: String                                         // "student" or "solutions"
    public let seed: UInt64
    public let exercises: [ExerciseReport]
    public let passed: Int
    public let failed: Int
    public let notImplemented: Int
}

public enum Grader {
    /// Grades `exercises` with `seed`, in order, in this process.
    public static func run(_ exercises: [Exercise], seed: UInt64, graded: String) -> GradeReport {
        report(exercises.map { evaluate($0, seed: seed) }, seed: seed, graded: graded)
    }

    /// One exercise's report.
    public static func evaluate(_ e: Exercise, seed: UInt64) -> ExerciseReport {
        switch e.grade(seed) {
        case let .passed(detail):
            return ExerciseReport(id: e.id, chapter: e.chapter, title: e.title, status: "passed", hint: nil, detail: detail)
        case let .failed(hint, detail):
            return ExerciseReport(id: e.id, chapter: e.chapter, title: e.title, status: "failed", hint: hint, detail: detail)
        case .notImplemented:
            return ExerciseReport(id: e.id, chapter: e.chapter, title: e.title, status: "not implemented", hint: nil, detail: nil)
        }
    }

    /// The report of a run from its exercises' reports (graded here or in child processes).
    public static func report(_ reports: [ExerciseReport], seed: UInt64, graded: String) -> GradeReport {
        let passed = reports.filter { $0.status == "passed" }.count
        let missing = reports.filter { $0.status == "not implemented" }.count
        return GradeReport(graded: graded, seed: seed, exercises: reports, passed: passed, failed: reports.count - passed, notImplemented: missing)
    }

    /// The report of an exercise whose process stopped without one: a trap or a signal (`reason`,
    /// e.g. Swift's "Fatal error: Index out of range"), or the time limit.
    public static func stopped(_ e: Exercise, reason: String, timedOut: Bool) -> ExerciseReport {
        let hint = timedOut
            ? Hint("timed-out", "did not finish in time: an endless loop, or work far above the O(…) the doc comment asks for?")
            : Hint("crashed", "the program stopped inside your code (a trap: an index out of range, a force-unwrapped nil, an "
                + "integer overflow, a failed precondition); run `swift run Grade \(String(format: "Chapter%02d", e.chapter)) "
                + "--no-isolation` to see where")
        return ExerciseReport(id: e.id, chapter: e.chapter, title: e.title, status: "failed", hint: hint, detail: reason)
    }

    /// The terminal report: per chapter a heading, per exercise ✓/✗ with its detail or hint,
    /// then one total line.
    public static func text(_ report: GradeReport) -> String {
        var lines: [String] = []
        var chapter = -1
        for e in report.exercises {
            if e.chapter != chapter {
                chapter = e.chapter
                let title = Catalogue.chapters.first { $0.number == chapter }?.title ?? ""
                lines.append((lines.isEmpty ? "" : "\n") + String(format: "Chapter%02d — %@", chapter, title))
            }
            switch e.status {
            case "passed": lines.append("  ✓ \(e.id) \(e.title): \(e.detail ?? "")")
            case "not implemented": lines.append("  ✗ \(e.id) \(e.title): not implemented")
            default:
                lines.append("  ✗ \(e.id) \(e.title): \(e.hint?.text ?? "")")
                lines.append("      [\(e.hint?.id ?? "")] \(e.detail ?? "")")
            }
        }
        let total = report.exercises.count
        lines.append("\nGrade (\(report.graded), seed \(report.seed)): \(report.passed) of \(total) passed, \(report.failed) failed"
            + (report.notImplemented > 0 ? " (\(report.notImplemented) not implemented)" : ""))
        return lines.joined(separator: "\n")
    }

    /// The report as pretty-printed JSON (keys sorted, so runs diff cleanly).
    public static func json(_ report: GradeReport) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(report)
    }
}
