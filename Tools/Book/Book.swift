import ArgumentParser
import BookRendering
import Foundation
import Notebook

/// `swift run Book`: builds the package, runs every chapter (or those named) with
/// `--record`, and renders what they printed and drew into `book/` as Markdown and HTML pages
/// with a chapter map. Exits 1 when a chapter failed a check (it is rendered all the same) or
/// could not be rendered (a crash, no record), naming it.
@main
struct Book: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "Book",
        abstract: "Run the chapters and render their notebooks into a book (Markdown + HTML).",
        discussion: """
            Run it from the package root. Each chapter runs with --record; a chapter whose checks fail is still \
            rendered, and Book then exits 1 naming it.
            """)

    @Option(help: "Folder the book is written to (relative to the package root).")
    var output = "book"

    @Option(help: ArgumentHelp("Chapters to run and render, comma-separated (default: all).", valueName: "Chapter00,Chapter03"))
    var chapters: String?

    @Flag(help: "Build and run the chapters in release mode (swift build -c release).")
    var release = false

    @Option(parsing: .unconditional, help: "The seed every chapter runs with: an integer in 0...2⁶⁴ − 1. (default: 42)",
            transform: ChapterOptions.seed(from:))
    var seed: UInt64 = 42

    func run() throws {
        let clock = ContinuousClock(), start = clock.now
        let root = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        try requirePackageRoot(root)
        let all = BookAudit.chapterFolders(root.appendingPathComponent("Chapters")).map(\.lastPathComponent)
        let selected = try selection(from: all)
        let book = URL(fileURLWithPath: output, relativeTo: root).standardizedFileURL
        if let problem = BookLayout.outputProblem(book, packageRoot: root) {
            note("error: --output \(output): \(problem)")
            throw ExitCode(64)
        }
        Interruption.shared.install()
        let swift = try Subprocess.locate("swift")
        try build(swift: swift, root: root)
        let bin = URL(fileURLWithPath: try Subprocess.output(of: swift, buildArguments + ["--show-bin-path"], in: root)
            .trimmingCharacters(in: .whitespacesAndNewlines))
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("annotated-book-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        Interruption.shared.scratchFolder(scratch)

        var records: [NotebookRecord] = [], failures: [String] = []
        for chapter in selected {
            let (record, failure) = try runChapter(chapter, bin: bin, root: root, scratch: scratch)
            if let record { records.append(record) }
            if let failure { failures.append(failure) }
        }
        Interruption.shared.scratchFolder(nil)
        failures += render(records, chapters: all, sources: root, into: book)
        report(book: book, root: root, chapters: selected, failures: failures, scratch: scratch,
               seconds: seconds(clock.now - start))
        if !failures.isEmpty { throw ExitCode(1) }
    }

    /// Stops with a clear message unless `root` holds Package.swift and Chapters/.
    func requirePackageRoot(_ root: URL) throws {
        let needed = ["Package.swift", "Chapters"]
        guard needed.allSatisfy({ FileManager.default.fileExists(atPath: root.appendingPathComponent($0).path) }) else {
            note("error: run Book from the package root (the folder holding Package.swift and Chapters/); "
                 + "the current directory is \(root.path)")
            throw ExitCode(2)
        }
    }

    /// The chapters `--chapters` names (all when it is absent), in book order.
    func selection(from all: [String]) throws -> [String] {
        guard let chapters else { return all }
        let named = chapters.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard !named.isEmpty else {
            throw ValidationError("--chapters needs at least one chapter name; the chapters are \(all.joined(separator: ", "))")
        }
        let unknown = named.filter { !all.contains($0) }
        guard unknown.isEmpty else {
            throw ValidationError("--chapters: unknown chapter \(unknown.joined(separator: ", ")); "
                                  + "the chapters are \(all.joined(separator: ", "))")
        }
        return all.filter(named.contains)
    }

    var buildArguments: [String] { release ? ["build", "-c", "release"] : ["build"] }

    /// `swift build [-c release]`, its output on our stderr.
    func build(swift: URL, root: URL) throws {
        note("Book: \(([swift.lastPathComponent] + buildArguments).joined(separator: " "))")
        let end = try Subprocess.run(swift, buildArguments, in: root, output: .standardError, errors: .standardError)
        guard end.status == 0, !end.signalled else {
            note("error: swift build failed (exit status \(end.status)): nothing was run")
            throw ExitCode(2)
        }
    }

    /// Runs one chapter and prints its progress line: its record (nil when there is none to
    /// render) and, when it failed, why.
    func runChapter(_ chapter: String, bin: URL, root: URL, scratch: URL) throws -> (NotebookRecord?, String?) {
        let clock = ContinuousClock(), start = clock.now
        let outcome = try ChapterRun(chapter: chapter, scratch: scratch).run(binDirectory: bin, root: root, seed: seed)
        let time = String(format: "%.1f s", seconds(clock.now - start))
        switch outcome {
        case let .broken(why):
            note("\(chapter): \(time), \(why)")
            return (nil, "\(chapter) \(why)")
        case let .recorded(record, status):
            let failed = record.checks.filter { !$0.passed }.count
            note("\(chapter): \(time), \(record.checks.count - failed) passed, \(failed) failed")
            if failed == 0 && status == 0 { return (record, nil) }
            return (record, "\(chapter) failed \(failed) check\(failed == 1 ? "" : "s") (exit status \(status))")
        }
    }

    /// Writes each record's pages and figures, then the chapter map. Returns what could not be
    /// rendered.
    func render(_ records: [NotebookRecord], chapters all: [String], sources root: URL, into book: URL) -> [String] {
        let writer = BookWriter(directory: book)
        var failures: [String] = []
        for record in records {
            do {
                let position = all.firstIndex(of: record.chapter)
                let markdown = PageRenderer(
                    record: record, sources: try sources(of: record),
                    previous: position.flatMap { $0 > 0 ? all[$0 - 1] : nil },
                    next: position.flatMap { $0 + 1 < all.count ? all[$0 + 1] : nil }).markdown()
                let title = "\(BookLayout.label(record.chapter)) — \(record.title)"
                try writer.writeChapter(record, markdown: markdown, html: HTMLRenderer.page(title: title, markdown: markdown))
            } catch {
                failures.append("\(record.chapter) could not be rendered: \(error)")
            }
        }
        do { try writer.writeIndex(updating: records.map(ChapterEntry.init(record:))) } catch {
            failures.append("the index could not be written: \(error)")
        }
        return failures
    }

    /// The text of every source file the record's cells name, by path.
    func sources(of record: NotebookRecord) throws -> [String: String] {
        var texts: [String: String] = [:]
        for file in Set(record.cells.map(\.file)) {
            do { texts[file] = try String(contentsOfFile: file, encoding: .utf8) } catch {
                throw Subprocess.Failure(description: "cannot read its source \(file): \(error)")
            }
        }
        return texts
    }

    /// The closing lines: the book's problems that concern the chapters run (as warnings),
    /// failures, total time.
    func report(book: URL, root: URL, chapters: [String], failures: [String], scratch: URL, seconds total: Double) {
        let problems = BookAudit.problems(packageRoot: root, book: book).filter { problem in
            chapters.contains { problem.contains($0) }
        }
        for problem in problems.prefix(10) { note("warning: \(problem)") }
        if problems.count > 10 { note("warning: … and \(problems.count - 10) more (swift test --filter BookTests lists them)") }
        for failure in failures { note("failed: \(failure)") }
        if failures.isEmpty {
            try? FileManager.default.removeItem(at: scratch)
        } else {
            note("Book: the runs' output is kept in \(scratch.path)")
        }
        note(String(format: "Book: rendered into %@ in %.1f s%@", book.path, total,
                    failures.isEmpty ? "" : "; \(failures.count) failure\(failures.count == 1 ? "" : "s")"))
    }

    func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
    }

    func note(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}
