import Foundation
import Testing

/// The chapters and the benchmark run as a hostile or careless user runs them: plots
/// directories that gnuplot would execute, a gnuplot that stops reading, bad flags.

/// Runs `executable` with `arguments` in `directory` (so a stray relative `touch pwned` lands
/// where the test looks for it), draining stdout and stderr concurrently so neither pipe fills.
func run(_ executable: URL, _ arguments: [String], in directory: URL,
         environment: [String: String]? = nil) throws -> Run {
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    process.currentDirectoryURL = directory
    if let environment { process.environment = environment }
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    final class Box: @unchecked Sendable { var data = Data() }
    let errBox = Box()
    let group = DispatchGroup()
    group.enter()
    DispatchQueue.global().async { errBox.data = err.fileHandleForReading.readDataToEndOfFile(); group.leave() }
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    group.wait()
    process.waitUntilExit()
    return Run(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
               stderr: String(decoding: errBox.data, as: UTF8.self))
}

/// Every file or directory below `directory` whose name is exactly `pwned`.
func pwnedFiles(under directory: URL) -> [String] {
    let walker = FileManager.default.enumerator(atPath: directory.path)
    return (walker?.allObjects as? [String] ?? []).filter { ($0 as NSString).lastPathComponent == "pwned" }
}

let gnuplotInstalled = FileManager.default.isExecutableFile(atPath: "/usr/bin/gnuplot")

/// Plots directories (relative to the chapter's working directory) that a double-quoted gnuplot
/// string, a `set output`/`plot` file name or a command line would turn into a command.
let hostileDirectories = [
    "a`touch pwned`b", "c$(touch pwned)d", "it's", "say \"hi\"", "two\nlines", "%s%d%n",
    "ünïcødé Δ ∑", "with spaces", "back\\slash\\", "|touch pwned; cat", "<touch pwned;", "@ARG0",
]

/// A directory holding a fake `gnuplot` (a shell script with `body`), for the front of PATH.
func fakeGnuplotDirectory(in scratch: URL, _ body: String) throws -> URL {
    let bin = scratch.appendingPathComponent("bin")
    try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
    let fake = bin.appendingPathComponent("gnuplot")
    try Data("#!/bin/sh\n\(body)\n".utf8).write(to: fake)
    try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: fake.path)
    return bin
}

/// The environment with `directory` first on PATH and `extra` set.
func environment(pathFirst directory: URL, _ extra: [String: String] = [:]) -> [String: String] {
    var environment = ProcessInfo.processInfo.environment
    environment["PATH"] = directory.path + ":" + (environment["PATH"] ?? "")
    return environment.merging(extra) { $1 }
}

@Suite("Hostile users", .serialized)
struct HostileUserTests {
    @Test("a plots directory gnuplot could execute: no command runs, the PNG is drawn, the .gp redraws it",
          .enabled(if: gnuplotInstalled), arguments: hostileDirectories)
    func hostilePlotsDirectory(name: String) throws {
        let scratch = scratchDirectory()
        let chapter = try run(productsDirectory().appendingPathComponent("Chapter00"),
                              ["--plots-dir", name, "--ascii"], in: scratch)
        #expect(chapter.status == 0, "stderr: \(chapter.stderr)")
        #expect(pwnedFiles(under: scratch).isEmpty, "a command ran while drawing")
        let figures = scratch.appendingPathComponent(name).appendingPathComponent("Chapter00")
        let png = figures.appendingPathComponent("kernel.png")
        #expect(FileManager.default.fileExists(atPath: png.path))

        // Redraw as a reader would, by absolute path and by the relative one; gnuplot itself
        // pipes a *script* path starting with `<` (before reading our script), so that one is
        // redrawn through `./`, the form the chapter prints.
        let relative = (name.hasPrefix("<") ? "./" : "") + name + "/Chapter00/kernel.gp"
        for script in [figures.appendingPathComponent("kernel.gp").path, relative] {
            try FileManager.default.removeItem(at: png)
            let redraw = try run(URL(fileURLWithPath: "/usr/bin/gnuplot"), [script], in: scratch)
            #expect(redraw.status == 0, "gnuplot \(script): \(redraw.stderr)")
            #expect(FileManager.default.fileExists(atPath: png.path), "gnuplot \(script) drew no PNG")
            #expect(pwnedFiles(under: scratch).isEmpty, "a command ran while redrawing with gnuplot \(script)")
        }
    }

    @Test("a gnuplot that closes its input and fails: no SIGPIPE death, a message, the chapter goes on")
    func gnuplotStopsReading() throws {
        let scratch = scratchDirectory()
        let bin = scratch.appendingPathComponent("bin")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        let fake = bin.appendingPathComponent("gnuplot")
        try Data("#!/bin/sh\nexec 0<&-\nexit 1\n".utf8).write(to: fake)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: fake.path)
        var environment = ProcessInfo.processInfo.environment
        environment["PATH"] = bin.path + ":" + (environment["PATH"] ?? "")
        let chapter = try run(productsDirectory().appendingPathComponent("Chapter00"),
                              ["--plots-dir", "plots"], in: scratch, environment: environment)
        #expect(chapter.status == 1, "exit status \(chapter.status) (SIGPIPE kills with 13, a shell shows 141); stderr: \(chapter.stderr)")
        // Every cell ran: the three figures failed, every other check is in the summary.
        #expect(chapter.lastLine.wholeMatch(of: /Chapter00: [1-9]\d* passed, 3 failed/) != nil, "last line: \(chapter.lastLine)")
        #expect(chapter.stdout.contains("✗ figure kernel drawn (gnuplot failed)"))
        #expect(chapter.stdout.contains("gnuplot failed on"))
        #expect(chapter.stdout.contains("## Exercises"))
        let written = try FileManager.default.contentsOfDirectory(atPath: scratch.appendingPathComponent("plots/Chapter00").path)
        #expect(Set(written) == ["kernel.dat", "kernel.gp", "position.dat", "position.gp", "position-difference.dat", "position-difference.gp"])
    }

    @Test("--seed -1 names the flag, its range and the value", arguments: [["--seed", "-1"], ["--seed=-1"]])
    func negativeSeed(arguments: [String]) throws {
        let chapter = try runChapter("Chapter00", arguments + ["--no-plot"])
        #expect(chapter.status != 0)
        #expect(chapter.stderr.contains("--seed must be an integer in 0...18446744073709551615; got -1"), "stderr: \(chapter.stderr)")
    }

    @Test("--plots-dir '' is refused by name, and nothing is written in the working directory")
    func emptyPlotsDirectory() throws {
        let scratch = scratchDirectory()
        let chapter = try run(productsDirectory().appendingPathComponent("Chapter00"), ["--plots-dir", ""], in: scratch)
        #expect(chapter.status == 2)
        #expect(chapter.stderr.contains("--plots-dir is empty"), "stderr: \(chapter.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.path).isEmpty)
    }

    @Test("a file where the plots folder should be is named as a file", arguments: ["plots", "plots/Chapter00"])
    func fileInsteadOfFolder(file: String) throws {
        let scratch = scratchDirectory()
        try FileManager.default.createDirectory(at: scratch.appendingPathComponent(file).deletingLastPathComponent(),
                                                withIntermediateDirectories: true)
        try Data("not a folder".utf8).write(to: scratch.appendingPathComponent(file))
        let chapter = try run(productsDirectory().appendingPathComponent("Chapter00"), [], in: scratch)
        #expect(chapter.status == 2)
        #expect(chapter.stderr.contains("\(file) is a file, not a directory"), "stderr: \(chapter.stderr)")
        #expect(!chapter.stderr.contains("NSCocoaErrorDomain"))
    }

    @Test("--ascii without gnuplot says the terminal view needs gnuplot")
    func asciiWithoutGnuplot() throws {
        let scratch = scratchDirectory()
        var environment = ProcessInfo.processInfo.environment
        environment["PATH"] = scratch.path                      // an empty directory: no gnuplot
        let chapter = try run(productsDirectory().appendingPathComponent("Chapter00"), ["--ascii"],
                              in: scratch, environment: environment)
        #expect(chapter.status == 0, "stderr: \(chapter.stderr)")
        #expect(chapter.stdout.contains("--ascii draws each figure with gnuplot's dumb terminal, so it needs gnuplot too"))
    }

    @Test("--help: each chapter under its own name, with its own abstract")
    func helpAbstracts() throws {
        var overviews: Set<String> = []
        for name in chapters.map(\.name) {
            let help = try runChapter(name, ["--help"])
            #expect(help.status == 0)
            // A chapter with flags of its own (Chapter08) has a usage line ArgumentParser shortens to <options>.
            #expect(help.stdout.contains("USAGE: \(name) [--seed <seed>]") || help.stdout.contains("USAGE: \(name) <options>"), "\(help.stdout)")
            let overview = help.stdout.components(separatedBy: "\n\nUSAGE:").first ?? ""
            #expect(overview.hasPrefix("OVERVIEW: ") && overview.count > 120, "\(name): \(overview)")
            overviews.insert(overview)
        }
        #expect(overviews.count == chapters.count)
    }

    @Test("Bench --filter that matches nothing lists the groups and fails")
    func benchFilterNoMatch() throws {
        let bench = try run(productsDirectory().appendingPathComponent("Bench"), ["--filter", "nomatch"],
                            in: scratchDirectory())
        #expect(bench.status != 0)
        for group in ["convolution", "s4", "selective", "ssd"] { #expect(bench.stderr.contains(group), "stderr: \(bench.stderr)") }
        #expect(bench.stderr.contains("nomatch"))
    }

    @Test("a gnuplot that never finishes: GNUPLOT_TIMEOUT stops it, each figure fails clearly, the chapter goes on",
          arguments: ["exec sleep 1000", "cat > /dev/null; exec sleep 1000", "sleep 1000 & echo $! >> pids; cat > /dev/null"])
    func gnuplotHangs(body: String) throws {
        let scratch = scratchDirectory()
        let bin = try fakeGnuplotDirectory(in: scratch, "echo $$ >> pids\n" + body)
        defer {                                                 // the sleeps left behind
            let pids = (try? String(contentsOf: scratch.appendingPathComponent("pids"), encoding: .utf8)) ?? ""
            for pid in pids.split(separator: "\n").compactMap({ Int32($0) }) { kill(pid, SIGKILL) }
        }
        let start = ContinuousClock.now
        let chapter = try run(productsDirectory().appendingPathComponent("Chapter00"), ["--plots-dir", "plots"], in: scratch,
                              environment: environment(pathFirst: bin, ["GNUPLOT_TIMEOUT": "0.3"]))
        #expect(ContinuousClock.now - start < .seconds(15))
        #expect(chapter.status == 1, "stderr: \(chapter.stderr)")
        #expect(chapter.lastLine.wholeMatch(of: /Chapter00: [1-9]\d* passed, 3 failed/) != nil, "last line: \(chapter.lastLine)")
        #expect(chapter.stdout.contains("✗ figure kernel drawn (gnuplot did not finish)"))
        #expect(chapter.stderr.contains("gnuplot did not finish within 0.3 s on"), "stderr: \(chapter.stderr)")
        #expect(chapter.stdout.contains("## Exercises"))
        let written = try FileManager.default.contentsOfDirectory(atPath: scratch.appendingPathComponent("plots/Chapter00").path)
        #expect(Set(written) == ["kernel.dat", "kernel.gp", "position.dat", "position.gp", "position-difference.dat", "position-difference.gp"])
        // Nothing is left running: gnuplot's whole process group was stopped (review of issue 9).
        let pids = try String(contentsOf: scratch.appendingPathComponent("pids"), encoding: .utf8)
            .split(separator: "\n").compactMap { Int32($0) }
        #expect(!pids.isEmpty)
        for pid in pids { #expect(!stillRunning(pid), "process \(pid) is still running") }
    }

    /// Whether `pid` is alive after up to 2 s: a killed orphan stays a zombie (state Z in
    /// /proc) until init reaps it, which `kill(pid, 0)` cannot tell from a running process.
    func stillRunning(_ pid: Int32) -> Bool {
        for _ in 0..<40 {
            guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { return false }
            if stat[stat.index(close, offsetBy: 2)] == "Z" { return false }
            usleep(50_000)
        }
        return true
    }

    @Test("GNUPLOT_TIMEOUT that is not a number of seconds is refused by name")
    func badTimeoutVariable() throws {
        let scratch = scratchDirectory()
        let bin = try fakeGnuplotDirectory(in: scratch, "exit 0")
        let chapter = try run(productsDirectory().appendingPathComponent("Chapter00"), [], in: scratch,
                              environment: environment(pathFirst: bin, ["GNUPLOT_TIMEOUT": "soon"]))
        #expect(chapter.status == 2)
        #expect(chapter.stderr.contains("GNUPLOT_TIMEOUT must be a number of seconds in (0, 86400]"), "stderr: \(chapter.stderr)")
    }

    @Test("a gnuplot that exits 0 without drawing: no figure claimed, each one fails clearly",
          arguments: ["read line; sleep 0.2; exit 0", "cat > /dev/null; exit 0", "cat > /dev/null; echo garbage; exit 0"])
    func gnuplotDrawsNothing(body: String) throws {
        let scratch = scratchDirectory()
        let bin = try fakeGnuplotDirectory(in: scratch, body)
        let chapter = try run(productsDirectory().appendingPathComponent("Chapter00"), ["--plots-dir", "plots"], in: scratch,
                              environment: environment(pathFirst: bin))
        #expect(chapter.status == 1, "stderr: \(chapter.stderr)")
        #expect(chapter.lastLine.wholeMatch(of: /Chapter00: [1-9]\d* passed, 3 failed/) != nil, "last line: \(chapter.lastLine)")
        #expect(chapter.stdout.contains("✗ figure kernel drawn (gnuplot wrote no PNG)"))
        #expect(chapter.stderr.contains("gnuplot exited 0 but wrote no PNG for"), "stderr: \(chapter.stderr)")
        #expect(!chapter.stdout.contains(" → plots/Chapter00/"), "a figure is claimed: \(chapter.stdout)")
        let listed = chapter.stdout.components(separatedBy: "## Figures written").dropFirst().first?
            .components(separatedBy: "\n## ").first ?? ""
        #expect(!listed.contains(".png"), "a PNG is listed: \(listed)")
    }

    @Test("a gnuplot with a bad #! line: could not start gnuplot at <path>: <reason>")
    func gnuplotBadInterpreter() throws {
        let scratch = scratchDirectory()
        let bin = scratch.appendingPathComponent("bin")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        let fake = bin.appendingPathComponent("gnuplot")
        try Data("#!/nonexistent/interpreter\n".utf8).write(to: fake)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: fake.path)
        let chapter = try run(productsDirectory().appendingPathComponent("Chapter00"), [], in: scratch,
                              environment: environment(pathFirst: bin))
        #expect(chapter.status == 1)
        #expect(chapter.stderr.contains("could not start gnuplot at \(fake.path): its first line #!/nonexistent/interpreter names an interpreter that does not exist"),
                "stderr: \(chapter.stderr)")
        #expect(!chapter.stderr.contains("NSCocoaErrorDomain"))
    }

    @Test("a directory named gnuplot earlier on PATH does not shadow gnuplot", .enabled(if: gnuplotInstalled))
    func gnuplotDirectoryOnPath() throws {
        let scratch = scratchDirectory()
        let bin = scratch.appendingPathComponent("bin")
        try FileManager.default.createDirectory(at: bin.appendingPathComponent("gnuplot"), withIntermediateDirectories: true)
        let chapter = try run(productsDirectory().appendingPathComponent("Chapter00"), [], in: scratch,
                              environment: environment(pathFirst: bin))
        #expect(chapter.status == 0, "stderr: \(chapter.stderr)")
        #expect(FileManager.default.fileExists(atPath: scratch.appendingPathComponent("plots/Chapter00/kernel.png").path))
    }

    @Test("a directory where kernel.dat should be: '<path> is a directory'")
    func directoryInsteadOfDat() throws {
        let scratch = scratchDirectory()
        let dat = scratch.appendingPathComponent("plots/Chapter00/kernel.dat")
        try FileManager.default.createDirectory(at: dat, withIntermediateDirectories: true)
        let chapter = try run(productsDirectory().appendingPathComponent("Chapter00"), [], in: scratch)
        #expect(chapter.status == 1)
        #expect(chapter.stderr.contains("\(dat.path) is a directory"), "stderr: \(chapter.stderr)")
        #expect(!chapter.stderr.contains("NSCocoaErrorDomain") && !chapter.stdout.contains("NSCocoaErrorDomain"))
    }

    @Test("a dangling symbolic link as --plots-dir is named as such")
    func danglingPlotsDirectory() throws {
        let scratch = scratchDirectory()
        try FileManager.default.createSymbolicLink(atPath: scratch.appendingPathComponent("plots").path,
                                                   withDestinationPath: "/nonexistent/plots")
        let chapter = try run(productsDirectory().appendingPathComponent("Chapter00"), [], in: scratch)
        #expect(chapter.status == 2)
        #expect(chapter.stderr.contains("plots is a dangling symbolic link (to /nonexistent/plots, which does not exist)"),
                "stderr: \(chapter.stderr)")
        #expect(!chapter.stderr.contains("already exists"))
    }

    @Test("--plots-dir -x is a directory named -x; --ascii --no-plot says --ascii has no effect")
    func dashValues() throws {
        let scratch = scratchDirectory()
        let chapter = try run(productsDirectory().appendingPathComponent("Chapter00"), ["--plots-dir", "-x"], in: scratch,
                              environment: environment(pathFirst: scratch))
        #expect(chapter.status == 0, "stderr: \(chapter.stderr)")
        #expect(FileManager.default.fileExists(atPath: scratch.appendingPathComponent("-x/Chapter00/kernel.gp").path))
        let noPlot = try runChapter("Chapter00", ["--ascii", "--no-plot"])
        #expect(noPlot.status == 0)
        #expect(noPlot.stdout.contains("note: --ascii has no effect with --no-plot"))
    }

    @Test("Bench --repetitions -1 is refused by name, under the name Bench")
    func benchNegativeRepetitions() throws {
        let bench = try run(productsDirectory().appendingPathComponent("Bench"), ["--repetitions", "-1"], in: scratchDirectory())
        #expect(bench.status != 0)
        #expect(bench.stderr.contains("--repetitions must be an integer ≥ 5; got -1"), "stderr: \(bench.stderr)")
        #expect(!bench.stderr.contains("Missing value"))
        #expect(bench.stderr.contains("Bench --") || bench.stderr.contains("USAGE: Bench"), "stderr: \(bench.stderr)")
        #expect(!bench.stderr.contains("bench ["))
    }

}
