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

    /// The launch is retried on ETXTBSY: a stand-in gnuplot written by one test and started
    /// while another test's fork still held it open failed as "text file busy" (seen once in a
    /// full `swift test`).
    @Test("\"text file busy\" is recognised, directly or under a Foundation error")
    func textFileBusy() {
        #expect(Gnuplot.isTextFileBusy(NSError(domain: NSPOSIXErrorDomain, code: Int(ETXTBSY))))
        let wrapped = NSError(domain: NSCocoaErrorDomain, code: 4,
                              userInfo: [NSUnderlyingErrorKey: NSError(domain: NSPOSIXErrorDomain, code: Int(ETXTBSY))])
        #expect(Gnuplot.isTextFileBusy(wrapped))
        #expect(!Gnuplot.isTextFileBusy(NSError(domain: NSPOSIXErrorDomain, code: Int(ENOENT))))
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

/// A fake gnuplot that records its process id in `pidFile` (for cleanup) and then runs `body`.
func fakeGnuplot(_ body: String, timeout: Double, pidFile: URL) throws -> Gnuplot {
    let fake = try fakeGnuplot("echo $$ >> '\(pidFile.path)'\n\(body)")
    return Gnuplot(executable: fake.executable, timeout: timeout)
}

/// Kills (SIGKILL) every process listed in `pidFile`; true if none of them was still running.
@discardableResult
func killRecorded(_ pidFile: URL) -> Bool {
    let text = (try? String(contentsOf: pidFile, encoding: .utf8)) ?? ""
    var noneRunning = true
    for pid in text.split(separator: "\n").compactMap({ Int32($0) }) where kill(pid, 0) == 0 {
        noneRunning = false
        kill(pid, SIGKILL)
    }
    return noneRunning
}

@Suite("a gnuplot that hangs")
struct HangingGnuplotTests {
    /// Fakes that never finish: one that does not read, one that reads and sleeps, one that
    /// ignores SIGTERM, and one that exits but leaves a child holding its stdout.
    @Test("stopped after the timeout, reported as not finished, in well under a few seconds",
          arguments: [("exec sleep 1000", false), ("cat > /dev/null; exec sleep 1000", false),
                      ("trap '' TERM; exec sleep 1000", false),
                      ("sleep 1000 & echo $! >> \"$PIDS\"; cat > /dev/null; exit 0", true)])
    func timesOut(body: String, exits: Bool) throws {
        let pids = temporaryDirectory().appendingPathComponent("pids")
        let gnuplot = try fakeGnuplot("PIDS='\(pids.path)'\n" + body, timeout: 0.4, pidFile: pids)
        defer { killRecorded(pids) }
        let script = String(repeating: "# more than a pipe's 64 KiB buffer\n", count: 30_000)
        let start = ContinuousClock.now
        let error = #expect(throws: Gnuplot.Failure.self) { try gnuplot.run(script, scriptName: "slow.gp") }
        #expect(ContinuousClock.now - start < .seconds(3))
        #expect(error?.problem == .timedOut(seconds: 0.4, exited: exits))
        let text = error?.description ?? ""
        #expect(text.hasPrefix("gnuplot did not finish within 0.4 s on slow.gp; "), "\(text)")
        #expect(text.contains("GNUPLOT_TIMEOUT"))
        // gnuplot itself was stopped: by SIGTERM, or by SIGKILL when it ignores SIGTERM.
        let signal = exits ? nil : body.hasPrefix("trap") ? SIGKILL : SIGTERM
        #expect(error?.status == signal.map { 128 + $0 } ?? 0)
    }

    @Test("a hanging figure is reported and counted, the chapter goes on, .dat and .gp are kept")
    func figureTimesOut() throws {
        let dir = temporaryDirectory(), pids = dir.appendingPathComponent("pids")
        let gnuplot = try fakeGnuplot("cat > /dev/null; exec sleep 1000", timeout: 0.3, pidFile: pids)
        defer { killRecorded(pids) }
        let out = Transcript(), err = Transcript()
        let book = Notebook(chapter: "ChapterTO", title: "t", options: try options(["--plots-dir", dir.path + "/plots"]),
                            gnuplot: gnuplot, output: out.append, errors: err.append)
        try book.figure(sampleFigure)
        book.check(.bound("after", 1, .lessOrEqual, 2))
        #expect(book.conclude() == 1)
        #expect(out.lines.last == "ChapterTO: 1 passed, 1 failed")
        #expect(out.text.contains("✗ figure sample drawn (gnuplot did not finish)"))
        #expect(err.text.contains("gnuplot did not finish within 0.3 s"))
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("plots/ChapterTO").path)
        #expect(Set(files) == ["sample.dat", "sample.gp"])
    }

    @Test("GNUPLOT_TIMEOUT: seconds in (0, 86400], refused by name otherwise; locate uses it")
    func timeoutVariable() throws {
        #expect(try Gnuplot.timeout(environment: [:]) == 60)
        #expect(try Gnuplot.timeout(environment: ["GNUPLOT_TIMEOUT": "0.5"]) == 0.5)
        for bad in ["abc", "0", "-1", "inf", "nan", "", "1e9"] {
            let error = #expect(throws: Gnuplot.TimeoutSettingError.self) { try Gnuplot.timeout(environment: ["GNUPLOT_TIMEOUT": bad]) }
            #expect(error?.description.contains("GNUPLOT_TIMEOUT must be a number of seconds in (0, 86400]") == true)
            #expect(error?.description.contains("got '\(bad)'") == true)
        }
        let bin = try fakeGnuplot("exit 0").executable.deletingLastPathComponent()
        #expect(Gnuplot.locate(environment: ["PATH": bin.path, "GNUPLOT_TIMEOUT": "2.5"])?.timeout == 2.5)
    }
}

/// Writes `<png>`'s path (from the script's `ARG0 = '….gp'` line) into $PNG, then runs `body`.
let findPNG = #"read line; PNG=${line#ARG0 = \'}; PNG=${PNG%.gp\'}.png"#

@Suite("a gnuplot that draws nothing")
struct SilentGnuplotTests {
    @Test("exit status 0 without a PNG is a figure failure; the .dat and .gp remain",
          arguments: [("read line; sleep 0.2; exit 0", "does not exist"), ("cat > /dev/null; exit 0", "does not exist"),
                      ("cat > /dev/null; echo '%%garbage%%'; echo 'more garbage' >&2; exit 0", "does not exist"),
                      (findPNG + "\n: > \"$PNG\"; cat > /dev/null", "is empty"),
                      (findPNG + "\necho 'not a png' > \"$PNG\"; cat > /dev/null", "is not a PNG")])
    func noImage(body: String, found: String) throws {
        let dir = temporaryDirectory()
        let chapterDir = dir.appendingPathComponent("ChapterNI")
        try FileManager.default.createDirectory(at: chapterDir, withIntermediateDirectories: true)
        // A real PNG from an earlier run must not pass for this run's.
        try Data(FigureWriter.pngSignature + [0, 0, 0, 0]).write(to: chapterDir.appendingPathComponent("sample.png"))
        let out = Transcript(), err = Transcript()
        let book = Notebook(chapter: "ChapterNI", title: "t", options: try options(["--plots-dir", dir.path]),
                            gnuplot: try fakeGnuplot(body), output: out.append, errors: err.append)
        try book.figure(sampleFigure)
        #expect(book.conclude() == 1)
        #expect(out.text.contains("✗ figure sample drawn (gnuplot wrote no PNG)"), "\(out.text)")
        let png = chapterDir.appendingPathComponent("sample.png").path
        #expect(err.text.contains("gnuplot exited 0 but wrote no PNG for \(chapterDir.path)/sample.gp: \(png) \(found)"), "\(err.text)")
        #expect(!out.text.contains("figure: a sine →"))
        #expect(!out.text.contains("sample.png\n"), "the Figures written list names a PNG")
        let files = Set(try FileManager.default.contentsOfDirectory(atPath: chapterDir.path)).subtracting(["sample.png"])
        #expect(files == ["sample.dat", "sample.gp"])
    }

    @Test("a real PNG passes the check")
    func realPNG() throws {
        let dir = temporaryDirectory()
        let png = dir.appendingPathComponent("x.png")
        #expect(FigureWriter.notAPNG(png) == "does not exist")
        try Data(FigureWriter.pngSignature + [1, 2]).write(to: png)
        #expect(FigureWriter.notAPNG(png) == nil)
    }
}

@Suite("plain error messages")
struct PlainMessageTests {
    @Test("a directory where sample.dat should be: '<path> is a directory', no Cocoa wording")
    func directoryInsteadOfFile() throws {
        let dir = temporaryDirectory()
        let dat = dir.appendingPathComponent("ChapterDD/sample.dat")
        try FileManager.default.createDirectory(at: dat, withIntermediateDirectories: true)
        let out = Transcript(), err = Transcript()
        let book = Notebook(chapter: "ChapterDD", title: "t", options: try options(["--plots-dir", dir.path]),
                            gnuplot: nil, output: out.append, errors: err.append)
        try book.figure(sampleFigure)
        #expect(book.conclude() == 1)
        #expect(err.text.contains("\(dat.path) is a directory"), "\(err.text)")
        #expect(!err.text.contains("NSCocoaErrorDomain") && !out.text.contains("NSCocoaErrorDomain"))
    }

    @Test("a gnuplot whose #! names a missing interpreter: could not start gnuplot at <path>: <reason>")
    func badInterpreter() throws {
        let file = temporaryDirectory().appendingPathComponent("gnuplot")
        try Data("#!/nonexistent/sh\nexit 0\n".utf8).write(to: file)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: file.path)
        let error = #expect(throws: Gnuplot.LaunchFailure.self) { try Gnuplot(executable: file).run("", scriptName: "x.gp") }
        #expect(error?.description == "could not start gnuplot at \(file.path): its first line #!/nonexistent/sh names an interpreter that does not exist")

        let dir = temporaryDirectory()
        let out = Transcript(), err = Transcript()
        let book = Notebook(chapter: "ChapterBI", title: "t", options: try options(["--plots-dir", dir.path]),
                            gnuplot: Gnuplot(executable: file), output: out.append, errors: err.append)
        try book.figure(sampleFigure)
        #expect(book.conclude() == 1)
        #expect(out.text.contains("✗ figure sample drawn (gnuplot could not be started)"))
        #expect(!err.text.contains("NSCocoaErrorDomain") && !err.text.contains("doesn't exist"), "\(err.text)")
    }

    @Test("launch reasons: missing file, directory, not executable")
    func launchReasons() throws {
        let dir = temporaryDirectory()
        let plain = dir.appendingPathComponent("plain")
        try Data("x".utf8).write(to: plain)
        for (path, reason) in [(dir.appendingPathComponent("missing").path, "no such file"),
                               (dir.path, "it is a directory"), (plain.path, "permission denied (it is not executable)")] {
            let error = #expect(throws: Gnuplot.LaunchFailure.self) { try Gnuplot(executable: URL(fileURLWithPath: path)).run("", scriptName: "x") }
            #expect(error?.description == "could not start gnuplot at \(path): \(reason)")
        }
    }

    @Test("locate skips a directory named gnuplot earlier on PATH")
    func locateSkipsDirectory() throws {
        let shadow = temporaryDirectory()
        try FileManager.default.createDirectory(at: shadow.appendingPathComponent("gnuplot"), withIntermediateDirectories: true)
        let real = try fakeGnuplot("exit 0").executable
        let found = Gnuplot.locate(environment: ["PATH": shadow.path + ":" + real.deletingLastPathComponent().path])
        #expect(found?.executable.path == real.path)
        #expect(Gnuplot.locate(environment: ["PATH": shadow.path]) == nil)
    }

    @Test("a dangling symbolic link as --plots-dir is named as such")
    func danglingPlotsDir() throws {
        let dir = temporaryDirectory()
        let link = dir.appendingPathComponent("plots")
        try FileManager.default.createSymbolicLink(atPath: link.path, withDestinationPath: "/nonexistent/plots")
        let error = #expect(throws: FigureWriter.Failure.self) {
            try FigureWriter(directory: link.appendingPathComponent("Chapter00"), gnuplot: nil)
        }
        let text = error?.description ?? ""
        #expect(text.contains("\(link.path) is a dangling symbolic link (to /nonexistent/plots, which does not exist)"), "\(text)")
        #expect(!text.contains("already exists"))
    }

    @Test("Foundation errors in plain words")
    func plainReasons() {
        #expect(FileSystem.plainReason(CocoaError(.fileWriteNoPermission)) == "permission denied")
        #expect(FileSystem.plainReason(CocoaError(.fileReadNoSuchFile)) == "no such file or directory")
        #expect(FileSystem.plainReason(NSError(domain: NSPOSIXErrorDomain, code: Int(EISDIR))) == "is a directory")
        let unknown = FileSystem.plainReason(CocoaError(.fileWriteUnknown))
        #expect(!unknown.contains("NSCocoaErrorDomain") && unknown.contains("512"))
    }
}

@Suite("flags whose value starts with -")
struct DashValueTests {
    @Test("--plots-dir -x is the directory -x")
    func dashDirectory() throws {
        #expect(try options(["--plots-dir", "-x"]).plotsDir == "-x")
        #expect(try options(["--plots-dir=-x"]).plotsDir == "-x")
    }

    @Test("--plots-dir followed by one of the chapter's flags is a forgotten value", arguments: ["--no-plot", "--seed", "--ascii"])
    func forgottenValue(flag: String) {
        let error = #expect(throws: (any Error).self) { try options(["--plots-dir", flag]) }
        let message = error.map { ChapterOptions.fullMessage(for: $0) } ?? ""
        #expect(message.contains("--plots-dir needs a directory, got the flag \(flag)"), "\(message)")
    }

    @Test("--ascii --no-plot: a note that --ascii has no effect")
    func asciiNoPlot() throws {
        let out = Transcript()
        _ = Notebook(chapter: "ChapterAN", title: "t", options: try options(["--ascii", "--no-plot"]), gnuplot: nil, output: out.append)
        #expect(out.text.contains("note: --ascii has no effect with --no-plot"))
    }
}
