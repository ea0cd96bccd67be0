import Foundation
import StateSpace

/// The harness a chapter runs in: it prints the notebook (headings, prose, tables), collects
/// checks, draws figures, and at the end prints the check table and exactly one line
/// `ChapterNN: N passed, N failed`, exiting 0 only when nothing failed.
///
///     let book = Notebook(chapter: "Chapter00", title: "…", options: ChapterOptions.parseOrExit(abstract: "…"))
///     book.run { book in
///         book.section("1. The spring")
///         book.prose("…")
///         book.check(.agreement("recurrence vs exact", y1, y0, tolerance: 1e-10))
///         try book.figure(Figure(…))
///     }
public final class Notebook {
    public let chapter: String
    public let options: ChapterOptions
    /// The chapter's random numbers, seeded by `--seed`.
    public var rng: SplitMix64
    public private(set) var table = CheckTable()
    private let figures: FigureWriter?
    private var written: [String] = []
    private var exercises: [String] = []
    let output: (String) -> Void                                    // internal: SeedSweep.swift prints through them
    let errors: (String) -> Void

    /// Prints the chapter's banner and prepares `<plots-dir>/<chapter>/` (unless `--no-plot`).
    /// An unwritable plots directory, or an invalid `GNUPLOT_TIMEOUT` (seconds gnuplot may take
    /// per figure, default 60), ends the process here with exit status 2 and a message that
    /// names the path or the variable: nothing has been computed yet, so nothing is lost.
    /// `--ascii` with `--no-plot` (or `--seeds`) is accepted with a note that it has no effect.
    /// - Parameters:
    ///   - gnuplot: injected for tests; by default looked up on PATH.
    ///   - output: where the notebook text goes (stdout by default; tests capture it).
    ///   - errors: where error messages go (stderr by default; tests capture it).
    public init(chapter: String, title: String, options: ChapterOptions,
                gnuplot: Gnuplot? = Gnuplot.locate(),
                output: @escaping (String) -> Void = { Swift.print($0) },
                errors: @escaping (String) -> Void = { FileHandle.standardError.write(Data("\($0)\n".utf8)) }) {
        self.chapter = chapter
        self.options = options
        self.rng = SplitMix64(seed: options.seed)
        self.output = output
        self.errors = errors
        output("\(chapter) — \(title)")
        output(String(repeating: "═", count: chapter.count + title.count + 3))
        output(options.bannerLine)
        if options.figuresOff {
            figures = nil
            if options.ascii { output("note: --ascii has no effect \(options.noPlot ? "with --no-plot" : "with --seeds"): no figure is drawn.") }
        } else {
            do {
                if gnuplot != nil { _ = try Gnuplot.timeout(environment: ProcessInfo.processInfo.environment) }
                let dir = try FigureWriter.directory(plotsDir: options.plotsDir, chapter: chapter)
                figures = try FigureWriter(directory: dir, gnuplot: gnuplot, ascii: options.ascii)
            } catch {
                errors("error: \(error)")
                exit(2)
            }
            if gnuplot == nil { output("\nnote: " + Gnuplot.installHint) }
            if gnuplot == nil && options.ascii { output("note: " + Gnuplot.asciiHint) }
        }
    }

    /// A section heading.
    public func section(_ title: String) {
        output("\n## \(title)\n")
    }

    /// A paragraph of explanation, wrapped at 92 columns.
    public func prose(_ text: String) {
        output(wrap(text, width: 92))
    }

    /// An informative table (timings, sweeps): not a pass/fail check.
    public func table(header: [String], rows: [[String]]) {
        output(renderTable(header: header, rows: rows))
    }

    /// A line of computed output (a value worth seeing, with its meaning).
    public func show(_ text: String) { output("  " + text) }

    /// Records a check; its result is printed in the table at the end and also right away.
    public func check(_ check: Check) {
        table.append(check)
        output("  \(check.passed ? "✓" : "✗") \(check.name)")
    }

    /// Draws a figure (no-op with `--no-plot`). With `--ascii` it is also printed here.
    ///
    /// A figure that cannot be drawn (an unwritable file, gnuplot failing or missing its input)
    /// does not stop the chapter: the error is printed, written to `errors`, and recorded as a
    /// failed check, so the remaining cells and checks still run and the exit status is 1.
    /// - Throws: nothing today; `throws` is kept so chapters' `try book.figure(…)` stays valid.
    public func figure(_ figure: Figure) throws {
        guard let figures else { return }
        do {
            let result = try figures.draw(figure)
            written += result.files.map(displayPath)
            output("  figure: \(figure.title) → \(displayPath(result.files.first!))")
            if let text = result.ascii { output(text) }
        } catch {
            errors("error: figure \(figure.name): \(error)")
            output("  figure: \(figure.title) — not drawn: \(error)")
            let cause = switch error {
            case let failure as Gnuplot.Failure:
                switch failure.problem {
                case .timedOut: "gnuplot did not finish"
                case .noImage: "gnuplot wrote no PNG"
                case .exitStatus, .stoppedReading: "gnuplot failed"
                }
            case is FigureWriter.Failure: "a file could not be written"
            case is Gnuplot.LaunchFailure: "gnuplot could not be started"
            default: "\(type(of: error))"
            }
            check(.bound("figure \(figure.name) drawn (\(cause))", 0, .greaterOrEqual, 1))
        }
    }

    /// An exercise for the reader, printed at the end.
    public func exercise(_ text: String) { exercises.append(text) }

    /// Runs the chapter body, then `conclude`s and exits with its status. With `--seeds`, runs
    /// the body once per seed instead (`sweep`) and exits with the sweep's status.
    public func run(_ body: (Notebook) throws -> Void) -> Never {
        if let seeds = options.seeds { exit(sweep(seeds, body)) }
        var stoppedBy: Error?
        do { try body(self) } catch { stoppedBy = error }
        exit(conclude(stoppedBy: stoppedBy))
    }

    /// Prints the check table, the figures written, the exercises and, last, the summary line.
    /// Returns the exit status: 0 if every check passed, 1 if one failed, 2 if the chapter was
    /// stopped by an error (written to `errors`, stderr by default, and counted as a failed check).
    public func conclude(stoppedBy error: Error? = nil) -> Int32 {
        if let error {
            errors("error: \(error)")
            table.append(.bound("\(chapter) ran to the end (stopped by: \(error))", 0, .greaterOrEqual, 1))
        }
        section("Checks")
        output(table.rendered())
        if !written.isEmpty {
            section("Figures written")
            for path in written where path.hasSuffix(".png") || figures?.gnuplot == nil { output("  \(path)") }
            output("  (redraw or edit any of them: gnuplot <name>.gp — the .dat beside it holds the numbers)")
        }
        if !exercises.isEmpty {
            section("Exercises")
            for (i, e) in exercises.enumerated() { output(wrap("\(i + 1). \(e)", width: 92, indent: "   ")) }
        }
        output("")
        output(table.summaryLine(chapter: chapter))
        return error != nil ? 2 : table.exitCode
    }
}

/// A path relative to the working directory when it lies below it (what the reader typed).
/// A relative path starting with `<`, `|` or `-` gets a leading `./`: pasted after `gnuplot`,
/// `<cmd` would be run as a shell command and `-x` read as an option.
func displayPath(_ url: URL) -> String {
    let cwd = FileManager.default.currentDirectoryPath + "/"
    guard url.path.hasPrefix(cwd) else { return url.path }
    let relative = String(url.path.dropFirst(cwd.count))
    return relative.first.map { "<|-".contains($0) } == true ? "./" + relative : relative
}

/// Greedy word wrap; continuation lines start with `indent`.
func wrap(_ text: String, width: Int, indent: String = "") -> String {
    text.split(separator: "\n", omittingEmptySubsequences: false).map { paragraph in
        var lines: [String] = [], line = ""
        for word in paragraph.split(separator: " ") {
            if !line.isEmpty && line.count + 1 + word.count > width {
                lines.append(line)
                line = indent + word
            } else {
                line += (line.isEmpty ? "" : " ") + word
            }
        }
        lines.append(line)
        return lines.joined(separator: "\n")
    }.joined(separator: "\n")
}
