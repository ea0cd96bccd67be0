import Foundation
import Notebook
import Testing
@testable import BookRendering

/// Runs the `Book` executable (built beside the tests) on a small package whose `swift` and
/// chapter executables are stand-in scripts: one chapter passes, one fails a check, one
/// crashes. The package's folder has a space and quotes in its name.
@Suite("Book: the command")
struct BookCommandTests {
    /// The folder holding the built products (walked up from the test runner).
    static var products: URL {
        var folder = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<4 where !FileManager.default.fileExists(atPath: folder.appendingPathComponent("Book").path) {
            folder = folder.deletingLastPathComponent()
        }
        return folder
    }

    /// `text` as one single-quoted shell word.
    func quoted(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'" }

    func script(_ url: URL, _ body: String) throws {
        try ("#!/bin/bash\n" + body + "\n").write(to: url, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: url.path)
    }

    /// A chapter stand-in that prints a line and copies `record` to its `--record` argument.
    func chapterScript(_ url: URL, record: URL, status: Int) throws {
        try script(url, """
            record=""
            while [ $# -gt 0 ]; do case "$1" in --record) record="$2"; shift 2;; *) shift;; esac; done
            echo "stand-in chapter"
            cp \(quoted(record.path)) "$record"
            exit \(status)
            """)
    }

    func makePackage() throws -> URL {
        let root = scratchFolder("command \"quoted\" it's")
        let (bin, tools, records) = (root.appendingPathComponent("fake bin"), root.appendingPathComponent("fake tools"),
                                     root.appendingPathComponent("records"))
        for folder in [bin, tools, records] { try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true) }
        try Data().write(to: root.appendingPathComponent("Package.swift"))
        for (chapter, failing) in [("Chapter09", false), ("Chapter10", true), ("Chapter11", false)] {
            let folder = root.appendingPathComponent("Chapters/\(chapter)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let file = folder.appendingPathComponent("main.swift")
            try fixtureSource.write(to: file, atomically: true, encoding: .utf8)
            let record = fixtureRecord(chapter: chapter, file: file.path, source: fixtureSource,
                                       plots: root.appendingPathComponent("drawn/\(chapter)"), failing: failing)
            let json = records.appendingPathComponent("\(chapter).json")
            try record.encoded().write(to: json)
            try chapterScript(bin.appendingPathComponent(chapter), record: json, status: failing ? 1 : 0)
        }
        try script(bin.appendingPathComponent("Chapter11"), "echo 'about to crash' >&2\nkill -SEGV $$")
        try script(tools.appendingPathComponent("swift"), """
            for a in "$@"; do [ "$a" = --show-bin-path ] && { echo \(quoted(bin.path)); exit 0; }; done
            echo "stand-in swift $*" >&2
            """)
        return root
    }

    func runBook(in root: URL, _ arguments: [String]) throws -> (status: Int32, errors: String) {
        let process = Process(), errors = Pipe()
        process.executableURL = Self.products.appendingPathComponent("Book")
        (process.arguments, process.currentDirectoryURL, process.standardError) = (arguments, root, errors)
        process.standardOutput = FileHandle.nullDevice
        var environment = ProcessInfo.processInfo.environment
        environment["PATH"] = root.appendingPathComponent("fake tools").path + ":" + (environment["PATH"] ?? "/usr/bin:/bin")
        process.environment = environment
        try process.run()
        let text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, text)
    }

    @Test("renders what it can, says which chapter failed or crashed, exits 1")
    func wholeRun() throws {
        let root = try makePackage(), book = root.appendingPathComponent("book")
        let (status, errors) = try runBook(in: root, ["--seed", "7"])
        #expect(status == 1, "\(errors)")
        #expect(errors.contains(/Chapter09: \d+\.\d s, 2 passed, 0 failed/))
        #expect(errors.contains(/Chapter10: \d+\.\d s, 1 passed, 1 failed/))
        #expect(errors.contains("failed: Chapter10 failed 1 check (exit status 1)"))
        #expect(errors.contains("failed: Chapter11 crashed (signal 11); “about to crash”;"))
        #expect(errors.contains(/Book: rendered into .* in \d+\.\d s; 2 failures/))
        let figures = try FileManager.default.contentsOfDirectory(atPath: book.appendingPathComponent("Chapter09").path)
        #expect(figures == ["kernel.png"])
        let problems = BookAudit.problems(packageRoot: root, book: book)
        #expect(problems == ["book/Chapter11.md is missing", "book/Chapter11.html is missing",
                             "book/Chapter10.html: broken link Chapter11.html", "book/Chapter10.md: broken link Chapter11.md"])
        let index = try String(contentsOf: book.appendingPathComponent("README.md"), encoding: .utf8)
        #expect(index.contains("(Chapter09.md)") && index.contains("Checks: **Chapter10: 1 passed, 1 failed**"))
    }

    @Test("--chapters runs only those, keeping the others in the index; an unknown name is refused")
    func someChapters() throws {
        let root = try makePackage(), book = root.appendingPathComponent("book")
        #expect(try runBook(in: root, ["--chapters", "Chapter09"]).status == 0)
        #expect(try runBook(in: root, ["--chapters", "Chapter10", "--output", "book"]).status == 1)
        let entries = try ChapterEntry.readAll(book.appendingPathComponent(BookLayout.manifest))
        #expect(entries.map(\.chapter) == ["Chapter09", "Chapter10"])
        let refused = try runBook(in: root, ["--chapters", "Chapter99"])
        #expect(refused.status != 0 && refused.errors.contains("unknown chapter Chapter99"))
    }

    @Test("outside a package root: a clear error, exit 2")
    func notAtRoot() throws {
        let (status, errors) = try runBook(in: scratchFolder("not a package"), [])
        #expect(status == 2 && errors.contains("run Book from the package root"))
    }
}
