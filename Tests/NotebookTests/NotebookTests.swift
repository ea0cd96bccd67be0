import Foundation
import Testing
@testable import Notebook

/// Captures what a Notebook prints.
final class Transcript: @unchecked Sendable {
    var lines: [String] = []
    func append(_ s: String) { lines.append(s) }
    var text: String { lines.joined(separator: "\n") }
}

func temporaryDirectory() -> URL {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ass-tests-\(UUID().uuidString)")
    try! FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    return dir
}

func options(_ args: [String]) throws -> ChapterOptions { try ChapterOptions.parse(args) }

let sampleFigure = Figure(name: "sample", title: "a sine", xLabel: "t", yLabel: "y", series: [
    .init("sin", x: (0..<50).map { Double($0) / 10 }, y: (0..<50).map { sin(Double($0) / 10) }),
    .init("cos", x: (0..<50).map { Double($0) / 10 }, y: (0..<50).map { cos(Double($0) / 10) }, style: "points"),
])

@Suite("Notebook harness")
struct NotebookTests {
    @Test("flags: defaults and parsing")
    func flags() throws {
        let defaults = try options([])
        #expect(defaults.seed == 42 && !defaults.noPlot && !defaults.ascii && defaults.plotsDir == "plots")
        let set = try options(["--seed", "7", "--no-plot", "--ascii", "--plots-dir", "/tmp/x"])
        #expect(set.seed == 7 && set.noPlot && set.ascii && set.plotsDir == "/tmp/x")
        #expect(throws: (any Error).self) { try options(["--seed", "minus-one"]) }
    }

    @Test("a failing check: summary line last, exit status 1; a thrown error: status 2")
    func conclude() throws {
        let out = Transcript()
        let book = Notebook(chapter: "ChapterXX", title: "test", options: try options(["--no-plot"]), gnuplot: nil, output: out.append)
        book.check(.agreement("agrees", [1, 2], [1, 2], tolerance: 1e-12))
        book.check(.agreement("disagrees", [1, 2], [1, 3], tolerance: 1e-12))
        #expect(book.conclude() == 1)
        #expect(out.lines.last == "ChapterXX: 1 passed, 1 failed")

        let out2 = Transcript(), err2 = Transcript()
        let book2 = Notebook(chapter: "ChapterYY", title: "test", options: try options(["--no-plot"]), gnuplot: nil,
                             output: out2.append, errors: err2.append)
        book2.check(.agreement("agrees", [1], [1], tolerance: 1e-12))
        struct DeliberateTestError: Error {}
        #expect(book2.conclude(stoppedBy: DeliberateTestError()) == 2)
        #expect(out2.lines.last == "ChapterYY: 1 passed, 1 failed")
        #expect(err2.lines == ["error: DeliberateTestError()"])
    }

    @Test("all checks passing: exit status 0")
    func allPass() throws {
        let out = Transcript()
        let book = Notebook(chapter: "ChapterZZ", title: "t", options: try options(["--no-plot"]), gnuplot: nil, output: out.append)
        book.check(.bound("b", 1, .lessOrEqual, 2))
        #expect(book.conclude() == 0)
        #expect(out.lines.last == "ChapterZZ: 1 passed, 0 failed")
    }

    @Test("without gnuplot: .dat and .gp are written, no PNG, and the install hint is printed once")
    func withoutGnuplot() throws {
        let dir = temporaryDirectory()
        let out = Transcript()
        let book = Notebook(chapter: "ChapterNP", title: "t", options: try options(["--plots-dir", dir.path]), gnuplot: nil, output: out.append)
        try book.figure(sampleFigure)
        try book.figure(sampleFigure)
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("ChapterNP").path)
        #expect(Set(files) == ["sample.dat", "sample.gp"])
        #expect(out.text.components(separatedBy: "apt-get install gnuplot-nox").count == 2)  // exactly once
        let dat = try String(contentsOf: dir.appendingPathComponent("ChapterNP/sample.dat"), encoding: .utf8)
        #expect(dat.contains("# series 0: sin") && dat.contains("# series 1: cos"))
    }

    @Test("an unwritable plots directory is a clear error naming the path")
    func unwritable() throws {
        let dir = temporaryDirectory()
        let file = dir.appendingPathComponent("not-a-directory")
        try Data("x".utf8).write(to: file)
        let target = file.appendingPathComponent("Chapter00")
        let error = #expect(throws: FigureWriter.Failure.self) { try FigureWriter(directory: target, gnuplot: nil) }
        #expect(error?.description.contains(target.path) == true)
        #expect(error?.description.contains("--plots-dir") == true)
    }
}

@Suite("gnuplot through a pipe", .enabled(if: Gnuplot.locate() != nil, "gnuplot is not installed (scripts/install-deps.sh installs it)"))
struct GnuplotTests {
    @Test("a figure becomes a PNG, and the .gp redraws it from another working directory")
    func drawsAndRedraws() throws {
        let dir = temporaryDirectory()
        let writer = try FigureWriter(directory: dir, gnuplot: Gnuplot.locate(), ascii: true)
        let output = try writer.draw(sampleFigure)
        let png = dir.appendingPathComponent("sample.png")
        #expect(FileManager.default.fileExists(atPath: png.path))
        #expect(output.ascii?.contains("a sine") == true)       // the dumb terminal drew the title
        try FileManager.default.removeItem(at: png)
        let process = Process()
        process.executableURL = Gnuplot.locate()!.executable
        process.arguments = [dir.appendingPathComponent("sample.gp").path]
        process.currentDirectoryURL = FileManager.default.temporaryDirectory
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect(FileManager.default.fileExists(atPath: png.path))
    }

    @Test("a heatmap figure draws")
    func heatmap() throws {
        let dir = temporaryDirectory()
        let writer = try FigureWriter(directory: dir, gnuplot: Gnuplot.locate())
        _ = try writer.draw(Figure(heatmap: "grid", title: "grid", xLabel: "j", yLabel: "i",
                                   values: (0..<12).map(Double.init), rows: 3, cols: 4))
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("grid.png").path))
    }

    @Test("a script gnuplot rejects is an error naming the script and quoting gnuplot")
    func scriptError() throws {
        let dir = temporaryDirectory()
        var broken = sampleFigure
        broken.name = "broken"
        broken.extraCommands = ["set nonsense-command"]
        let writer = try FigureWriter(directory: dir, gnuplot: Gnuplot.locate())
        let error = #expect(throws: Gnuplot.Failure.self) { try writer.draw(broken) }
        #expect(error?.description.contains("broken.gp") == true)
        #expect(error?.status != 0)
    }

    @Test("large output does not deadlock the pipe")
    func largeOutput() throws {
        let gnuplot = Gnuplot.locate()!
        let script = "do for [i=1:20000] { print sprintf('line %d of many', i) }"
        let (out, err) = try gnuplot.run(script, scriptName: "flood")
        #expect((out + err).components(separatedBy: "\n").count > 20000)
    }
}
