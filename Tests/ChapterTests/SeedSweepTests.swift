import Foundation
import Testing

/// Every chapter's checks hold for every seed, not just the default 42: each chapter runs over
/// many seeds in ONE process (`--seeds`, which skips figures and timing-only sections but runs
/// every check), so the proof stays cheap.

/// The sweeps: at least 30 seeds per chapter (60 for Chapter00, whose seeds cost ~0.1 s).
/// Chapter06 is split over two processes, so that its seeds (≈ 7 s each in the debug build,
/// most of it the quadratic form at T = 4096) run on both cores; every other chapter is one
/// process. Debug-build CPU seconds per seed: 00 0.1, 01 1.4, 02 0.4, 03 0.7, 04 0.5, 05 1.2, 06 7.
let sweeps: [Sweep] = [
    Sweep("Chapter00", 0..<60),
    Sweep("Chapter01", 0..<30),
    Sweep("Chapter02", 0..<30),
    Sweep("Chapter03", 0..<30),
    Sweep("Chapter04", 0..<30),
    Sweep("Chapter05", 0..<30),
    Sweep("Chapter06", 0..<15),
    Sweep("Chapter06", 15..<30),
]

/// One chapter process: `ChapterNN --seeds a..<b`.
struct Sweep: Sendable, CustomTestStringConvertible {
    let chapter: String
    let seeds: Range<Int>
    init(_ chapter: String, _ seeds: Range<Int>) { (self.chapter, self.seeds) = (chapter, seeds) }
    var arguments: [String] { ["--seeds", "\(seeds.lowerBound)..<\(seeds.upperBound)"] }
    var testDescription: String { "\(chapter) \(arguments.joined(separator: " "))" }
}

@Suite("Chapters hold for every seed")
struct SeedSweepTests {
    @Test("--seeds a..<b: every check of every seed passes, one line per seed, the green summary last", arguments: sweeps)
    func everySeed(sweep: Sweep) throws {
        let run = try runChapter(sweep.chapter, sweep.arguments)
        #expect(run.status == 0, "stdout:\n\(run.stdout)\nstderr: \(run.stderr)")
        #expect(isGreenSummary(run.lastLine, chapter: sweep.chapter), "last line: \(run.lastLine)")
        let seedLines = run.stdout.split(separator: "\n").filter { $0.hasPrefix("seed ") && $0.contains(" passed, ") }
        #expect(seedLines.count == sweep.seeds.count)
        #expect(seedLines.allSatisfy { $0.contains(" passed, 0 failed") })
        #expect(!run.stdout.contains("✗"))
    }

    @Test("--seeds with a bad list is refused, naming the flag")
    func badList() throws {
        let run = try runChapter("Chapter00", ["--seeds", "9..<3"])
        #expect(run.status != 0)
        #expect(run.stderr.contains("--seeds"), "stderr: \(run.stderr)")
    }
}
