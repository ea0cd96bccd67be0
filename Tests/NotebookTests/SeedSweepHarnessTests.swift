import Foundation
import StateSpace
import Testing
@testable import Notebook

/// `--seeds`: the list it accepts, and `Notebook.sweep` (one body, many seeds, one process).
@Suite("Seed sweep harness")
struct SeedSweepHarnessTests {
    @Test("--seeds accepts ranges, single seeds and lists; refuses the rest")
    func parsing() throws {
        #expect(Array(try #require(SeedList(argument: "0..<30")).seeds) == Array(0..<30))
        #expect(Array(try #require(SeedList(argument: "3...5")).seeds) == [3, 4, 5])
        #expect(Array(try #require(SeedList(argument: "0..<2, 100,18446744073709551615")).seeds) == [0, 1, 100, .max])
        #expect(try #require(SeedList(argument: "0...18446744073709551615")).seeds.prefix(2).elementsEqual([0, 1]))
        for bad in ["", "x", "3..<3", "5...4", "-1", "1..", "0..<30,", "1.5"] {
            #expect(SeedList(argument: bad) == nil, "\(bad)")
        }
        #expect(try options(["--seeds", "0..<4"]).seeds == SeedList(argument: "0..<4"))
        #expect(try options([]).seeds == nil)
        #expect(throws: (any Error).self) { try options(["--seeds", "4..<1"]) }
    }

    @Test("a sweep: fresh rng per seed, one line per seed, failing checks shown, the summary summed and last")
    func sweep() throws {
        let out = Transcript()
        let book = Notebook(chapter: "ChapterSW", title: "t", options: try options(["--seeds", "0..<4"]), gnuplot: nil, output: out.append)
        #expect(book.skipsTimings)
        let status = book.sweep(try #require(SeedList(argument: "0..<4"))) { book in
            var expected = SplitMix64(seed: book.options.seed)
            book.check(.bound("rng seeded like --seed", book.rng.next() == expected.next() ? 1 : 0, .greaterOrEqual, 1))
            book.show("suppressed notebook text")
            book.check(.bound("odd seeds fail", Double(book.options.seed % 2), .lessOrEqual, 0))
        }
        #expect(status == 1)
        #expect(!out.text.contains("suppressed notebook text"))
        #expect(out.text.contains("seed 0: 2 passed, 0 failed"))
        #expect(out.text.contains("seed 1: 1 passed, 1 failed"))
        #expect(out.text.contains("odd seeds fail") && out.text.contains("1.00e+00  ≤ 0.00e+00  ✗"))  // the failing value
        #expect(out.text.contains("2 seed(s) failed: 1, 3"))
        #expect(out.lines.last == "ChapterSW: 6 passed, 2 failed")
    }

    @Test("a sweep where every seed passes exits 0; one that throws exits 2 and the others still run")
    func statuses() throws {
        let out = Transcript(), err = Transcript()
        let seeds = try #require(SeedList(argument: "7,8,9"))
        let book = Notebook(chapter: "ChapterST", title: "t", options: try options(["--seeds", "7,8,9"]), gnuplot: nil,
                            output: out.append, errors: err.append)
        #expect(book.sweep(seeds) { $0.check(.bound("fine", 0, .lessOrEqual, 1)) } == 0)
        #expect(out.lines.last == "ChapterST: 3 passed, 0 failed")
        struct DeliberateTestError: Error {}
        let status = book.sweep(seeds) { book in
            if book.options.seed == 8 { throw DeliberateTestError() }
            book.check(.bound("fine", 0, .lessOrEqual, 1))
        }
        #expect(status == 2)
        #expect(out.lines.last == "ChapterST: 2 passed, 1 failed")               // this sweep's seeds only
        #expect(err.lines == ["error (seed 8): DeliberateTestError()"])
    }

    @Test("a sweep draws nothing and skips timings: no plots directory, medianTime runs the body once")
    func noFiguresNoTimings() throws {
        let dir = temporaryDirectory().appendingPathComponent("plots")
        let out = Transcript()
        let book = Notebook(chapter: "ChapterNF", title: "t", options: try options(["--seeds", "1", "--plots-dir", dir.path]),
                            gnuplot: nil, output: out.append)
        var calls = 0
        _ = book.sweep(try #require(SeedList(argument: "1,2"))) { book in
            try book.figure(sampleFigure)
            #expect(book.medianTime(repetitions: 5) { calls += 1 }.isNaN)
        }
        #expect(calls == 2)
        #expect(!FileManager.default.fileExists(atPath: dir.path))
        #expect(out.lines[2].hasPrefix("seeds 1 (--seeds"))                 // the banner names the sweep, not seed 42
    }
}
