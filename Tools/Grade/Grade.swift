import ArgumentParser
import Exercises
import Foundation
import Grading
import Solutions

/// `swift run Grade Chapter03` / `Grade all` / `--solutions` / `--json FILE` — see COURSE.md.
@main
struct Grade: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "Grade",
        abstract: "Grades the course exercises (Exercises/ChapterNN) against the StateSpace library.",
        discussion: """
            Each exercise is run on random cases (including edge sizes) fixed by --seed and compared with the \
            library; a failure names the mistake the grader detected. Each exercise runs in its own process, so \
            code that traps or loops fails that exercise only. Exit status: 0 when every graded exercise passed, \
            1 otherwise, 2 when the report could not be written, 64 for a usage error.
            """)

    @Argument(help: "Chapters to grade: all, Chapter03, 03 or 3 (several allowed; default all).")
    var chapters: [String] = []

    @Flag(help: "Grade the reference solutions (Solutions/) instead of your Exercises/.")
    var solutions = false

    @Option(help: "Seed for every random case (the instructor may grade with another one).")
    var seed: UInt64 = 2026

    @Option(help: "Also write the report as JSON to this file (a regular file in an existing, writable folder).")
    var json: String?

    @Flag(help: "Grade in this process: a trapping exercise then stops the run, with Swift's message and location.")
    var noIsolation = false

    @Option(help: "Seconds an exercise may run in its own process before it is stopped and failed.")
    var timeout: Double = 120

    /// Internal: grade one exercise and write its report (JSON) to `--report-to`.
    @Option(help: .hidden) var onlyExercise: String?
    @Option(help: .hidden) var reportTo: String?

    func validate() throws {
        do {
            _ = try Selection.chapters(chapters)
            if let json { _ = try Selection.jsonPath(json) }
        } catch let error as SelectionError {
            throw ValidationError(error.message)
        }
        guard timeout > 0, timeout.isFinite else { throw ValidationError("--timeout must be a positive number of seconds, got \(timeout)") }
    }

    var graded: String { solutions ? "solutions" : "student" }

    func run() throws {
        let all = solutions ? Catalogue.exercises(Reference.self) : Catalogue.exercises(Student.self)
        if let id = onlyExercise, let path = reportTo {                // a child: one exercise
            guard let exercise = all.first(where: { $0.id == id }) else { throw ExitCode(3) }
            if ProcessInfo.processInfo.environment["GRADE_SIMULATE_TRAP"] == id { fatalError("simulated trap in exercise \(id)") }
            try JSONEncoder().encode(Grader.evaluate(exercise, seed: seed)).write(to: URL(fileURLWithPath: path))
            return
        }
        let chosen = try Selection.chapters(chapters)
        let exercises = all.filter { chosen.contains($0.chapter) }
        let reports = noIsolation ? exercises.map { Grader.evaluate($0, seed: seed) } : exercises.map(isolated)
        let report = Grader.report(reports, seed: seed, graded: graded)
        print(Grader.text(report))
        if let json {
            do { try Grader.json(report).write(to: URL(fileURLWithPath: json)) } catch {
                FileHandle.standardError.write(Data("Grade: could not write --json \(json): \(error.localizedDescription)\n".utf8))
                throw ExitCode(2)
            }
        }
        if report.failed > 0 { throw ExitCode(1) }
    }

    /// Grades `exercise` in a child process of this executable, so that a trap, a crash or an
    /// endless loop in the student's code fails that exercise and the run goes on.
    func isolated(_ exercise: Exercise) -> ExerciseReport {
        let scratch = FileManager.default.temporaryDirectory
        let reportFile = scratch.appendingPathComponent("grade-\(UUID().uuidString).json")
        let errorFile = scratch.appendingPathComponent("grade-\(UUID().uuidString).stderr")
        defer { for file in [reportFile, errorFile] { try? FileManager.default.removeItem(at: file) } }
        let child = Process()
        child.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        child.arguments = ["--only-exercise", exercise.id, "--report-to", reportFile.path, "--seed", String(seed)] + (solutions ? ["--solutions"] : [])
        // stdout is shared (the student's prints show); stderr goes to a file, to quote a trap's message.
        guard FileManager.default.createFile(atPath: errorFile.path, contents: nil),
              let errors = try? FileHandle(forWritingTo: errorFile) else { return Grader.evaluate(exercise, seed: seed) }
        defer { try? errors.close() }
        child.standardError = errors
        do { try child.run() } catch { return Grader.evaluate(exercise, seed: seed) }   // cannot start one: grade here
        let deadline = Date().addingTimeInterval(timeout)
        while child.isRunning && Date() < deadline { usleep(2_000) }
        let timedOut = child.isRunning
        if timedOut { child.terminate(); child.waitUntilExit() } else { child.waitUntilExit() }
        if !timedOut, child.terminationReason == .exit, child.terminationStatus == 0,
           let data = try? Data(contentsOf: reportFile), let report = try? JSONDecoder().decode(ExerciseReport.self, from: data) {
            return report
        }
        let stderrText = (try? Data(contentsOf: errorFile)) ?? Data()
        let message = String(decoding: stderrText, as: UTF8.self).split(separator: "\n")
            .first { $0.contains("Fatal error") || $0.contains("error:") }.map(String.init)
        let reason = timedOut ? "stopped after \(timeout) s"
            : message ?? (child.terminationReason == .uncaughtSignal ? "signal \(child.terminationStatus)" : "exit status \(child.terminationStatus)")
        return Grader.stopped(exercise, reason: reason, timedOut: timedOut)
    }
}
