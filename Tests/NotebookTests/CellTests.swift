import Foundation
import StateSpace
import Testing
@testable import Notebook

/// Cells, the record `--record` writes, wrong ingredients (`--inject`), expected-error checks,
/// timing sweeps and the terminal's markdown.
@Suite("Cells and the run record")
struct CellTests {
    @Test("a cell prints its markdown once, wrapped, and collects what its body prints and draws")
    func cellOutput() throws {
        let out = Transcript()
        let book = Notebook(chapter: "ChapterCE", title: "t", abstract: "what it teaches",
                            options: try options(["--no-plot"]), gnuplot: nil, output: out.append)
        book.introduction("An opening paragraph.")
        book.cell("1. First", """
            A paragraph written over
            two source lines.

                K(ω) = Σ aₙ/(g − Λₙ)      a formula block, kept as written

            1. an item that is long enough to be wrapped at the terminal width of ninety-two columns, surely
            """)
        book.show("value 3")
        book.check(.bound("b", 1, .lessOrEqual, 2))
        book.cell("2. Second", "Short.")
        book.finding("measured: \(2.5)")
        let text = out.text
        #expect(text.contains("A paragraph written over two source lines."))
        #expect(text.contains("    K(ω) = Σ aₙ/(g − Λₙ)      a formula block, kept as written"))
        #expect(text.contains("columns,\n   surely"))                              // the list item's hanging indent
        #expect(text.components(separatedBy: "A paragraph written").count == 2)  // printed once
        let record = book.record()
        #expect(record.cells.map(\.title) == [nil, "1. First", "2. Second"])
        #expect(record.cells[1].output == "  value 3\n  ✓ b")
        #expect(record.cells[2].output == "measured: 2.5")
        #expect(record.cells[1].line > record.cells[0].line)
        #expect(record.cells[1].file.hasSuffix("CellTests.swift"))
        #expect(record.abstract == "what it teaches")
    }

    @Test("--record writes the run as JSON that reads back equal, NaN included; --record with --seeds is refused")
    func recordRoundTrip() throws {
        let dir = temporaryDirectory()
        let path = dir.appendingPathComponent("run.json").path
        let book = Notebook(chapter: "ChapterRR", title: "t", options: try options(["--no-plot", "--record", path]),
                            gnuplot: nil, output: { _ in })
        book.cell("1. Only", "Text.")
        book.check(.agreement("nan fails", [.nan], [1], tolerance: 1e-12))
        book.exercises("1. Try it.")
        #expect(book.conclude() == 1)
        let record = try NotebookRecord.read(URL(fileURLWithPath: path))
        #expect(record.cells.count == 1 && record.exercises == "1. Try it.")
        #expect(record.checks.count == 1 && !record.checks[0].passed && record.checks[0].margin.isInfinite)
        #expect(record.summary == "ChapterRR: 0 passed, 1 failed")
        #expect(throws: (any Error).self) { try options(["--seeds", "0..<3", "--record", path]) }
        #expect(throws: (any Error).self) { try options(["--record", ""]) }
    }

    @Test("--inject: the named ingredient is swapped and said so; an unknown name exits 64 listing the names")
    func injection() throws {
        let out = Transcript(), err = Transcript()
        let book = Notebook(chapter: "ChapterIN", title: "t", options: try options(["--no-plot", "--inject", "euler-b"]),
                            gnuplot: nil, output: out.append, errors: err.append)
        book.cell("1. Only", "Text.")
        #expect(book.injects("euler-b", "Euler's ΔB for ZOH's B̄"))
        #expect(!book.injects("other", "something else"))
        #expect(out.text.contains("injected wrong ingredient 'euler-b'"))
        #expect(out.lines[2].contains("injecting the wrong ingredient 'euler-b'"))
        #expect(book.conclude() == 0)

        let err2 = Transcript()
        let typo = Notebook(chapter: "ChapterIN", title: "t", options: try options(["--no-plot", "--inject", "eulr-b"]),
                            gnuplot: nil, output: { _ in }, errors: err2.append)
        _ = typo.injects("euler-b", "Euler's ΔB for ZOH's B̄")
        #expect(typo.conclude() == 64)
        #expect(err2.text.contains("no ingredient named 'eulr-b'") && err2.text.contains("euler-b: Euler's ΔB"))
    }

    @Test("an expected-error check passes when the body throws, fails when it returns; margins say by how much")
    func expectedErrors() throws {
        struct Refused: Error, CustomStringConvertible { var description: String { "Δ = 0.05 is unstable" } }
        let refused = Check.throwing("refused") { throw Refused() }
        let accepted = Check.throwing("accepted") {}
        #expect(refused.passed && !accepted.passed)
        #expect(refused.margin == 0 && accepted.margin.isInfinite)
        #expect(Check.agreement("a", [1.1], [1], tolerance: 1e-3).margin > 99)
        #expect(Check.bound("slope", 1.0, .greaterOrEqual, 1.9).margin == 1.9)
        #expect(Check.bound("zero bound", 1, .lessOrEqual, 0).margin.isInfinite)
        var table = CheckTable()
        table.append(refused)
        table.append(accepted)
        let text = table.rendered()
        #expect(text.contains("threw") && text.contains("returned") && text.contains("Δ = 0.05 is unstable"))
    }

    @Test("a timing sweep prints a row per size and skips sizes above a method's limit; --checks-only times nothing")
    func timingSweep() throws {
        let out = Transcript()
        let book = Notebook(chapter: "ChapterTS", title: "t", options: try options(["--no-plot"]), gnuplot: nil, output: out.append)
        book.cell("1. Cost", "Text.")
        let result = try #require(try book.timingSweep(name: "cost", title: "cost", parameter: "L (steps)", sizes: [4, 8], methods: [
            TimedMethod("cheap") { _ in },
            TimedMethod("capped", upTo: 4, repetitions: 1) { _ in },
        ]))
        #expect(result["cheap"].allSatisfy { $0 >= 0 } && result["capped"][0] >= 0 && result["capped"][1].isNaN)
        #expect(out.text.contains("L (steps)") && out.text.contains("—"))

        var calls = 0
        let quiet = Notebook(chapter: "ChapterTS", title: "t", options: try options(["--checks-only"]), gnuplot: nil, output: { _ in })
        #expect(try quiet.timingSweep(name: "c", title: "c", parameter: "L", sizes: [1], methods: [TimedMethod("m") { _ in calls += 1 }]) == nil)
        #expect(calls == 0 && quiet.skipsTimings)
    }
}

/// What the hostile-user review found in the new flags: each refused up front, by name.
@Suite("--record, --inject: refused before anything runs")
struct RecordInjectRefusalTests {
    @Test("--record refuses a folder, a missing or unwritable folder, '-', a trailing '/', a device")
    func recordPaths() throws {
        let dir = temporaryDirectory()
        for (path, reason) in [(dir.path, "is a directory"), (dir.path + "/missing/run.json", "does not exist"),
                               ("-", "not standard output"), (dir.path + "/out/", "names a folder"),
                               ("/dev/null", "is a device"), ("--seed", "got the flag")] {
            do {
                _ = try options(["--record", path])
                Issue.record("--record \(path) was accepted")
            } catch {
                let message = ChapterOptions.fullMessage(for: error)
                #expect(message.contains(reason), "\(path): \(message)")
            }
        }
        #expect(try options(["--record", dir.path + "/run.json"]).record == dir.path + "/run.json")
    }

    @Test("a device or a folder where a file is written is refused, not replaced")
    func writeRefusesNonRegular() {
        #expect(FileSystem.write(Data("x".utf8), to: URL(fileURLWithPath: "/dev/null"))?.contains("is a device") == true)
        #expect(FileSystem.nonRegularKind("/dev/null") == "a device")
        let dir = temporaryDirectory()
        #expect(FileSystem.write(Data("x".utf8), to: dir)?.contains("is a directory") == true)
    }

    @Test("--inject refuses an empty name or a flag; --inject list prints only the list, exit 0")
    func injectList() throws {
        #expect(throws: (any Error).self) { try options(["--inject", "--checks-only"]) }
        #expect(throws: (any Error).self) { try options(["--inject", ""]) }
        let out = Transcript()
        let book = Notebook(chapter: "ChapterIL", title: "t", options: try options(["--inject", "list"]), gnuplot: nil, output: out.append)
        book.cell("1. Only", "Text that must not be printed.")
        _ = book.injects("euler-b", "Euler's ΔB for ZOH's B̄")
        book.check(.bound("b", 1, .lessOrEqual, 2))
        #expect(book.skipsTimings && book.options.figuresOff)
        #expect(book.conclude() == 0)
        #expect(out.text == "ChapterIL's wrong ingredients (--inject <name>):\n  euler-b: Euler's ΔB for ZOH's B̄")
    }

    @Test("an unknown --inject name: no check table and no summary line; a sweep stops after its first seed")
    func unknownName() throws {
        let out = Transcript(), err = Transcript()
        let book = Notebook(chapter: "ChapterUN", title: "t", options: try options(["--no-plot", "--inject", "typo"]),
                            gnuplot: nil, output: out.append, errors: err.append)
        _ = book.injects("euler-b", "Euler's ΔB")
        #expect(book.conclude() == 64)
        #expect(!out.text.contains("passed,") && !out.text.contains("## Checks"))
        #expect(err.text.contains("no ingredient named 'typo'"))

        var seedsRun = 0
        let sweeping = Notebook(chapter: "ChapterUN", title: "t", options: try options(["--seeds", "0..<5", "--inject", "typo"]),
                                gnuplot: nil, output: out.append, errors: err.append)
        #expect(sweeping.options.bannerLine.contains("injecting the wrong ingredient 'typo'"))
        let status = sweeping.sweep(try #require(SeedList(argument: "0..<5"))) { book in
            seedsRun += 1
            _ = book.injects("euler-b", "Euler's ΔB")
        }
        #expect(status == 64 && seedsRun == 1)
    }
}
