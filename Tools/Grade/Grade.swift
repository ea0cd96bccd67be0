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
            library; a failure names the mistake the grader detected. Exit status: 0 when every graded exercise \
            passed, 1 otherwise, 64 for a usage error.
            """)

    @Argument(help: "Chapters to grade: all, Chapter03, 03 or 3 (several allowed; default all).")
    var chapters: [String] = []

    @Flag(help: "Grade the reference solutions (Solutions/) instead of your Exercises/.")
    var solutions = false

    @Option(help: "Seed for every random case (the instructor may grade with another one).")
    var seed: UInt64 = 2026

    @Option(help: "Also write the report as JSON to this file (a regular file in an existing, writable folder).")
    var json: String?

    func validate() throws {
        do {
            _ = try Selection.chapters(chapters)
            if let json { _ = try Selection.jsonPath(json) }
        } catch let error as SelectionError {
            throw ValidationError(error.message)
        }
    }

    func run() throws {
        let chosen = try Selection.chapters(chapters)
        let all = solutions ? Catalogue.exercises(Reference.self) : Catalogue.exercises(Student.self)
        let report = Grader.run(all.filter { chosen.contains($0.chapter) }, seed: seed, graded: solutions ? "solutions" : "student")
        print(Grader.text(report))
        if let json {
            do { try Grader.json(report).write(to: URL(fileURLWithPath: json)) } catch {
                FileHandle.standardError.write(Data("Grade: could not write --json \(json): \(error.localizedDescription)\n".utf8))
                throw ExitCode(2)
            }
        }
        if report.failed > 0 { throw ExitCode(1) }
    }
}
