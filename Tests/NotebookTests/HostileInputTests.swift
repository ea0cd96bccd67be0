import ArgumentParser
import Foundation
import Testing
@testable import Notebook

/// What a careless or hostile user can hand the harness: paths and titles that gnuplot would
/// execute, a gnuplot that stops reading, a figure that cannot be written, bad flags.

/// Strings that a double-quoted gnuplot string would expand, break or end early.
let hostileStrings = [
    "plain", "", "it's", "''", "'''", "'a''b'", "say \"hi\"", "a`touch pwned`b", "$(touch pwned)", "back\\slash\\",
    "%s%d%n", "@ARG0 macro", "new\nline", "tab\there", "cr\rlf", "\u{01}\u{1F}\u{7F}", "ünïcødé Δ ∑ 𝔼",
    "|touch pwned; cat", "<touch pwned;", "{/Symbol a}_k^2",
]

@Suite("gnuplot string literals")
struct GnuplotLiteralTests {
    @Test("single quotes; quotes and control characters spliced in as double-quoted strings")
    func spelling() {
        #expect(GnuplotScript.literal("plain") == "'plain'")
        #expect(GnuplotScript.literal("") == "''")
        #expect(GnuplotScript.literal("it's") == #"'it'."'".'s'"#)
        #expect(GnuplotScript.literal("''") == #""'"."'""#)
        #expect(GnuplotScript.literal("a`b`") == "'a`b`'")
        #expect(GnuplotScript.literal("a\nb") == #"'a'."\012".'b'"#)
        #expect(GnuplotScript.literal("\n") == #""\012""#)
        #expect(GnuplotScript.literal(#"c:\x"#) == #"'c:\x'"#)
    }

    @Test("no line of a script ends inside a string or with a continuation backslash",
          arguments: hostileStrings)
    func staysOnItsLines(text: String) {
        func script(_ text: String) -> GnuplotScript {
            let figure = Figure(name: "f", title: text, xLabel: text, yLabel: text,
                                series: [.init(text, x: [0, 1], y: [0, 1])])
            return GnuplotScript(figure: figure, fallbackDirectory: "/tmp/" + text)
        }
        let hostile = script(text), plain = script("plain")
        let lines = hostile.text.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == plain.text.split(separator: "\n", omittingEmptySubsequences: false).count, "\(hostile.text)")
        #expect(!lines.contains { $0.hasSuffix("\\") })
        #expect(hostile.data.split(separator: "\n").filter { !$0.hasPrefix("#") }.count == 2)   // the two points
    }
}

@Suite("gnuplot reads literals back unchanged",
       .enabled(if: Gnuplot.locate() != nil, "gnuplot is not installed (scripts/install-deps.sh installs it)"))
struct GnuplotLiteralRoundTripTests {
    @Test("print <literal> gives the string back, and runs nothing", arguments: hostileStrings)
    func roundTrip(text: String) throws {
        let gnuplot = Gnuplot.locate()!
        let (out, _) = try gnuplot.run("set print '-'\nprint " + GnuplotScript.literal(text), scriptName: "round trip")
        #expect(out == text + "\n")
    }
}

/// An executable shell script standing in for gnuplot.
func fakeGnuplot(_ body: String) throws -> Gnuplot {
    let file = temporaryDirectory().appendingPathComponent("gnuplot")
    try Data("#!/bin/sh\n\(body)\n".utf8).write(to: file)
    try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: file.path)
    return Gnuplot(executable: file)
}

@Suite("a gnuplot that fails")
struct FailingGnuplotTests {
    @Test("a gnuplot that closes its input without reading: an error, not SIGPIPE")
    func stopsReading() async {
        // In a child process: before the fix, SIGPIPE ended the whole process silently.
        await #expect(processExitsWith: .success) {
            let gnuplot = try fakeGnuplot("exec 0<&-\nexit 1")
            let script = String(repeating: "# more than a pipe's 64 KiB buffer\n", count: 30_000)
            do {
                _ = try gnuplot.run(script, scriptName: "big.gp")
            } catch let failure as Gnuplot.Failure {
                let text = failure.description
                if failure.stoppedReading && text.contains("gnuplot failed on big.gp") && text.contains("stopped reading") {
                    exit(0)
                }
            }
            exit(1)
        }
    }

    @Test("a gnuplot that exits 0 without reading its script is still a failure")
    func exitsZeroUnread() async {
        await #expect(processExitsWith: .success) {
            let gnuplot = try fakeGnuplot("exec 0<&-\nexit 0")
            let script = String(repeating: "# more than a pipe's 64 KiB buffer\n", count: 30_000)
            do { _ = try gnuplot.run(script, scriptName: "big.gp") } catch let failure as Gnuplot.Failure {
                exit(failure.stoppedReading && failure.status == 0 ? 0 : 1)
            }
            exit(1)
        }
    }

    @Test("a failed figure is reported and counted, and the chapter goes on")
    func figureFailureContinues() throws {
        let dir = temporaryDirectory()
        let out = Transcript(), err = Transcript()
        let gnuplot = try fakeGnuplot("cat > /dev/null\necho 'simulated crash' >&2\nexit 1")
        let book = Notebook(chapter: "ChapterGF", title: "t", options: try options(["--plots-dir", dir.path]),
                            gnuplot: gnuplot, output: out.append, errors: err.append)
        book.check(.bound("before", 1, .lessOrEqual, 2))
        try book.figure(sampleFigure)
        book.check(.bound("after", 1, .lessOrEqual, 2))
        #expect(book.conclude() == 1)
        #expect(out.lines.last == "ChapterGF: 2 passed, 1 failed")
        #expect(out.text.contains("✗ figure sample drawn (gnuplot failed)"))
        #expect(out.text.contains("simulated crash"))
        #expect(err.text.contains("gnuplot failed on") && err.text.contains("sample.gp"))
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("ChapterGF").path)
        #expect(Set(files) == ["sample.dat", "sample.gp"])
    }

    @Test("an unwritable figure file is reported and counted, and the chapter goes on")
    func unwritableFileContinues() throws {
        let dir = temporaryDirectory()
        let chapterDir = dir.appendingPathComponent("ChapterUF")
        // A directory where the .gp should go: the write fails whatever the user's rights.
        try FileManager.default.createDirectory(at: chapterDir.appendingPathComponent("sample.gp"),
                                                withIntermediateDirectories: true)
        let out = Transcript(), err = Transcript()
        let book = Notebook(chapter: "ChapterUF", title: "t", options: try options(["--plots-dir", dir.path]),
                            gnuplot: nil, output: out.append, errors: err.append)
        try book.figure(sampleFigure)
        book.check(.bound("after", 1, .lessOrEqual, 2))
        #expect(book.conclude() == 1)
        #expect(out.lines.last == "ChapterUF: 1 passed, 1 failed")
        #expect(out.text.contains("✗ figure sample drawn (a file could not be written)"))
        #expect(err.text.contains(chapterDir.appendingPathComponent("sample.gp").path))
    }
}

@Suite("bad flags and plots directories")
struct HostileFlagTests {
    @Test("--seed refuses a negative, too large or non-integer value by name and range",
          arguments: ["-1", "18446744073709551616", "1e3", "0x10"])
    func badSeed(value: String) {
        for arguments in [["--seed", value], ["--seed=\(value)"]] {
            let error = #expect(throws: (any Error).self) { try options(arguments) }
            let message = error.map { ChapterOptions.fullMessage(for: $0) } ?? ""
            #expect(message.contains("--seed must be an integer in 0...18446744073709551615; got \(value)"), "\(message)")
        }
    }

    @Test("--seed takes the whole UInt64 range")
    func seedRange() throws {
        #expect(try options(["--seed", "0"]).seed == 0)
        #expect(try options(["--seed", "18446744073709551615"]).seed == .max)
    }

    @Test("--plots-dir '' is refused by name")
    func emptyPlotsDir() {
        let error = #expect(throws: FigureWriter.Failure.self) { try FigureWriter.directory(plotsDir: "", chapter: "Chapter00") }
        #expect(error?.description.contains("--plots-dir is empty") == true)
    }

    @Test("a file where a plots folder should be is named as a file", arguments: [0, 1])
    func fileInTheWay(depth: Int) throws {
        let dir = temporaryDirectory()
        let file = dir.appendingPathComponent("plots")
        try Data("x".utf8).write(to: file)
        // depth 0: <file>/ChapterNN; depth 1: <file>/deeper/ChapterNN.
        let target = (depth == 0 ? file : file.appendingPathComponent("deeper")).appendingPathComponent("Chapter00")
        let error = #expect(throws: FigureWriter.Failure.self) { try FigureWriter(directory: target, gnuplot: nil) }
        let text = error?.description ?? ""
        #expect(text.contains("\(file.path) is a file, not a directory"), "\(text)")
        #expect(!text.contains("NSCocoaErrorDomain"))
    }

    @Test("--ascii without gnuplot says that the terminal view needs gnuplot")
    func asciiWithoutGnuplot() throws {
        let dir = temporaryDirectory()
        let out = Transcript()
        _ = Notebook(chapter: "ChapterAS", title: "t", options: try options(["--ascii", "--plots-dir", dir.path]),
                     gnuplot: nil, output: out.append)
        #expect(out.text.contains(Gnuplot.asciiHint))
    }

    @Test("--help leads with what the chapter teaches, under the chapter's own name")
    func helpAbstract() {
        let text = ChapterOptions.help(abstract: "How a spring becomes a state space model.", executable: "Chapter77")
        #expect(text.hasPrefix("OVERVIEW: How a spring becomes a state space model."))
        #expect(text.contains("USAGE: Chapter77 [--seed <seed>]"))
        #expect(!text.contains("USAGE: chapter"))
        #expect(text.contains("--plots-dir"))
    }
}
