import Foundation
import Testing

/// Runs the chapter executables exactly as a reader does and checks what they print, write
/// and exit with. `swift test` builds every product first, so they sit beside the test bundle.

/// The directory holding the built products (the test bundle's directory).
func productsDirectory() -> URL {
    let exe = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
    var dir = exe.deletingLastPathComponent()
    // On Linux the test runner is <products>/<Package>PackageTests.xctest (a file);
    // elsewhere it may be inside a bundle: walk up until the chapters are found.
    for _ in 0..<4 where !FileManager.default.fileExists(atPath: dir.appendingPathComponent("Chapter00").path) {
        dir = dir.deletingLastPathComponent()
    }
    return dir
}

struct Run {
    let status: Int32
    let stdout: String
    let stderr: String
    var lastLine: String { stdout.split(separator: "\n").last.map(String.init) ?? "" }
}

func runChapter(_ name: String, _ arguments: [String], environment: [String: String]? = nil) throws -> Run {
    try run(productsDirectory().appendingPathComponent(name), arguments,
            in: URL(fileURLWithPath: FileManager.default.currentDirectoryPath), environment: environment)
}

func scratchDirectory() -> URL {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ass-chapter-\(UUID().uuidString)")
    try! FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    return dir
}

/// Matches the one closing line every chapter prints, with no failures.
func isGreenSummary(_ line: String, chapter: String) -> Bool {
    line.wholeMatch(of: /Chapter\d\d: (\d+) passed, 0 failed/).map { $0.output.1 != "0" && line.hasPrefix(chapter) } ?? false
}

/// Every chapter and the figures it must draw.
let chapters: [(name: String, figures: [String])] = [
    ("Chapter00", ["kernel", "position", "position-difference"]),
    ("Chapter01", ["basis-legs", "basis-legt", "basis-fout", "reconstruction-legt", "reconstruction-fout", "reconstruction-legs",
                   "discretisation-error"]),
    ("Chapter02", ["three-views", "legs-kernels", "discretization-error", "euler-transient", "view-cost"]),
    ("Chapter03", ["s4-kernel", "cauchy-spectrum", "bilinear-map", "kernel-cost"]),
    ("Chapter04", ["s4d-eigenvalues", "s4-vs-s4d-kernels", "s4-vs-s4d-outputs", "time-vs-length"]),
    ("Chapter05", ["b-bar-vs-step", "delta-trace", "state-norm", "time-varying-kernels", "selective-matrix"]),
    ("Chapter06", ["mask-l", "matrix-m", "block-singular-values", "time-vs-t", "time-vs-q", "time-vs-n"]),
    ("Chapter07", ["gradient-vs-distance", "fit-kernel", "fit-loss"]),
    ("Chapter08", ["copying-loss", "copying-accuracy", "learned-delta"]),   // --quick: copying only
]

/// What the suite passes a chapter besides the plots directory: Chapter08 trains for minutes by
/// default, so the suite runs its `--quick` setting (a small copying task, ~20 s), which still
/// checks that the selective model learns (≥ 90%).
func suiteArguments(_ chapter: String) -> [String] { chapter == "Chapter08" ? ["--quick"] : [] }

@Suite("Chapters run green", .serialized)
struct ChapterRunTests {
    /// One run per chapter proves both the checks and the figures (a second run would cost
    /// another ~25 s of the suite's CPU).
    @Test("every check passes, the summary line is last, exit status 0; figures as PNG + .dat + .gp",
          arguments: chapters.map(\.name))
    func checksPassAndFiguresDrawn(chapter: String) throws {
        let dir = scratchDirectory()
        let run = try runChapter(chapter, ["--plots-dir", dir.path] + suiteArguments(chapter))
        #expect(run.status == 0, "stderr: \(run.stderr)")
        #expect(isGreenSummary(run.lastLine, chapter: chapter), "last line: \(run.lastLine)")
        #expect(!run.stdout.contains("✗"))
        #expect(run.stdout.contains("## Exercises"))
        // PNGs need gnuplot; the .dat and .gp are written either way.
        let extensions = FileManager.default.isExecutableFile(atPath: "/usr/bin/gnuplot") ? ["png", "dat", "gp"] : ["dat", "gp"]
        for name in chapters.first(where: { $0.name == chapter })!.figures {
            for ext in extensions {
                #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("\(chapter)/\(name).\(ext)").path), "\(name).\(ext)")
            }
        }
    }

    @Test("without gnuplot on PATH: checks still pass, .dat/.gp written, install hint printed")
    func chapter00WithoutGnuplot() throws {
        let dir = scratchDirectory()
        var env = ProcessInfo.processInfo.environment
        env["PATH"] = dir.path                                      // an empty directory: no gnuplot
        let run = try runChapter("Chapter00", ["--plots-dir", dir.path], environment: env)
        #expect(run.status == 0, "stderr: \(run.stderr)")
        #expect(run.stdout.contains("gnuplot-nox"))
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("Chapter00").path)
        #expect(Set(files) == ["kernel.dat", "kernel.gp", "position.dat", "position.gp", "position-difference.dat", "position-difference.gp"])
    }

    @Test("an unwritable --plots-dir: exit status 2 and a message naming the path")
    func chapter00UnwritablePlots() throws {
        let dir = scratchDirectory()
        let file = dir.appendingPathComponent("a-file")
        try Data().write(to: file)
        let run = try runChapter("Chapter00", ["--plots-dir", file.path])
        #expect(run.status == 2)
        #expect(run.stderr.contains(file.path) && run.stderr.contains("--plots-dir"), "stderr: \(run.stderr)")
    }

    @Test("--help lists the common flags; a bad flag is refused")
    func chapter00Help() throws {
        let help = try runChapter("Chapter00", ["--help"])
        #expect(help.status == 0)
        for flag in ["--seed", "--no-plot", "--ascii", "--plots-dir"] { #expect(help.stdout.contains(flag)) }
        let bad = try runChapter("Chapter00", ["--seed", "x"])
        #expect(bad.status != 0)
        #expect(bad.stderr.contains("seed"))
    }

    @Test("another seed gives other numbers and still passes")
    func chapter00Seed() throws {
        let a = try runChapter("Chapter00", ["--no-plot", "--seed", "1"])
        let b = try runChapter("Chapter00", ["--no-plot", "--seed", "2"])
        #expect(a.status == 0 && b.status == 0)
        #expect(a.stdout != b.stdout)
    }
}
