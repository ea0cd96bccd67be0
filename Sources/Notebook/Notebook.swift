import ArgumentParser
import Foundation
import StateSpace

/// The harness a chapter runs in: a notebook of cells. Each cell states its idea once, in
/// markdown, then computes, checks and draws; the terminal shows the same markdown (wrapped) and
/// then what the cell printed. At the end it prints the check table and exactly one line
/// `ChapterNN: N passed, N failed`, exiting 0 only when nothing failed.
///
///     let book = Notebook(chapter: "Chapter00", title: "…", abstract: "…")
///
///     func spring(_ book: Notebook) throws -> Spring {       // one cell: what it returns, later cells use
///         book.cell("1. The spring", """
///             A mass on a spring …
///             """)
///         let y = …
///         book.check(.agreement("recurrence vs exact", y1, y0, tolerance: 1e-10))
///         try book.figure(Figure(…))
///         return spring
///     }
///
///     book.run { book in
///         let spring = try spring(book)
///         …
///     }
///
/// `--record FILE` writes the run (cells, output, figures, checks) as a `NotebookRecord`, which
/// the `Book` command renders as a page; `--inject NAME` swaps in a named wrong ingredient
/// (`injects(_:_:)`) so a reader can watch the checks catch it.
public final class Notebook {
    public let chapter: String
    public let options: ChapterOptions
    /// The chapter's random numbers, seeded by `--seed`.
    public var rng: SplitMix64
    public private(set) var table = CheckTable()
    private let figures: FigureWriter?
    private var written: [String] = []
    var exerciseText: String?                                       // internal: Cell.swift sets them
    var cells: [CellRecord] = []
    var ingredients: [(name: String, description: String)] = []
    /// One paragraph: what the chapter teaches (`--help`, the book's index).
    public let abstract: String
    public let title: String
    let output: (String) -> Void                                    // internal: SeedSweep.swift prints through them
    let errors: (String) -> Void
    private let listOutput: (String) -> Void                        // where `--inject list` prints, even though `output` is silent

    /// Prints the chapter's banner and prepares `<plots-dir>/<chapter>/` (unless `--no-plot`).
    /// An unwritable plots directory, or an invalid `GNUPLOT_TIMEOUT` (seconds gnuplot may take
    /// per figure, default 60), ends the process here with exit status 2 and a message that
    /// names the path or the variable: nothing has been computed yet, so nothing is lost.
    /// `--ascii` with `--no-plot` (or `--seeds`) is accepted with a note that it has no effect.
    /// - Parameters:
    ///   - gnuplot: injected for tests; by default looked up on PATH.
    ///   - output: where the notebook text goes (stdout by default; tests capture it).
    ///   - errors: where error messages go (stderr by default; tests capture it).
    public init(chapter: String, title: String, abstract: String = "", options: ChapterOptions,
                gnuplot: Gnuplot? = Gnuplot.locate(),
                output: @escaping (String) -> Void = { Swift.print($0) },
                errors: @escaping (String) -> Void = { FileHandle.standardError.write(Data("\($0)\n".utf8)) }) {
        self.chapter = chapter
        self.title = title
        self.abstract = abstract
        self.options = options
        self.rng = SplitMix64(seed: options.seed)
        // `--inject list` runs the cells silently: only the list is printed, at the end.
        self.output = options.listsIngredients ? { _ in } : output
        self.listOutput = output
        self.errors = errors
        self.output("\(chapter) — \(title)")
        self.output(String(repeating: "═", count: chapter.count + title.count + 3))
        self.output(options.bannerLine)
        if options.figuresOff {
            figures = nil
            let reason = options.noPlot ? "--no-plot" : options.checksOnly ? "--checks-only" : options.seeds != nil ? "--seeds" : "--inject list"
            if options.ascii { self.output("note: --ascii has no effect with \(reason): no figure is drawn.") }
        } else {
            do {
                if gnuplot != nil { _ = try Gnuplot.timeout(environment: ProcessInfo.processInfo.environment) }
                let dir = try FigureWriter.directory(plotsDir: options.plotsDir, chapter: chapter)
                figures = try FigureWriter(directory: dir, gnuplot: gnuplot, ascii: options.ascii)
            } catch {
                errors("error: \(error)")
                exit(2)
            }
            if gnuplot == nil { self.output("\nnote: " + Gnuplot.installHint) }
            if gnuplot == nil && options.ascii { self.output("note: " + Gnuplot.asciiHint) }
        }
    }

    /// A chapter's notebook, its flags parsed from the command line (`--help` prints `abstract`
    /// and the flags, then exits; a bad flag exits 64 with a message naming it).
    public convenience init(chapter: String, title: String, abstract: String) {
        self.init(chapter: chapter, title: title, abstract: abstract,
                  options: ChapterOptions.parseOrExit(abstract: abstract))
    }

    /// A chapter's notebook and its own flags (`Extra`), parsed with the common ones from the
    /// command line; `--help` lists both.
    public static func parsing<Extra: ParsableArguments>(_ extra: Extra.Type, chapter: String, title: String,
                                                         abstract: String) -> (Notebook, Extra) {
        let line = ChapterCommandLine<Extra>.parseChapterOrExit(abstract: abstract, arguments: Array(CommandLine.arguments.dropFirst()))
        return (Notebook(chapter: chapter, title: title, abstract: abstract, options: line.common), line.extra)
    }

    /// A section heading (the harness's own: "Checks", "Exercises"; a chapter's come from cells).
    func heading(_ title: String) {
        output("\n## \(title)\n")
    }


    /// An informative table (timings, sweeps): not a pass/fail check.
    public func table(header: [String], rows: [[String]]) {
        emit(renderTable(header: header, rows: rows))
    }

    /// A line of computed output (a value worth seeing, with its meaning).
    public func show(_ text: String) { emit("  " + text) }

    /// A sentence stating what this run measured, built from its numbers ("the chunked form is
    /// fastest here: 0.09 s against 0.23 s"), printed wrapped in the cell's output. Prose that
    /// would be false on another machine or seed belongs here, never in a cell's markdown.
    public func finding(_ text: String) { emit(wrap(text, width: 92)) }

    /// Records a check; its result is printed in the table at the end and also right away.
    public func check(_ check: Check) {
        table.append(check)
        emit("  \(check.passed ? "✓" : "✗") \(check.name)")
    }

    /// Records an *expected error* check: `body` must throw (a computation the library must
    /// refuse, such as Euler at an unstable step). Passes with the error's message, which the
    /// table lists; fails if `body` returns.
    public func checkThrows(_ name: String, reason: String? = nil, _ body: () throws -> Void) {
        check(.throwing(name, reason: reason, body))
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
            emit("  figure: \(figure.title) → \(displayPath(result.files.first!))")
            if let text = result.ascii { emit(text) }
            let png = result.files.first { $0.pathExtension == "png" }
            recordFigure(FigureRecord(name: figure.name, title: figure.title, png: png?.standardizedFileURL.path))
        } catch {
            errors("error: figure \(figure.name): \(error)")
            emit("  figure: \(figure.title) — not drawn: \(error)")
            recordFigure(FigureRecord(name: figure.name, title: figure.title, png: nil))
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
    /// stopped by an error (written to `errors`, stderr by default, and counted as a failed check)
    /// or the `--record` file could not be written, 64 for an `--inject` name no cell used (the
    /// error lists the names; nothing else is printed). `--inject list` prints only the list, 0.
    public func conclude(stoppedBy error: Error? = nil) -> Int32 {
        if options.listsIngredients {
            listOutput(ingredientList)
            return 0
        }
        if let problem = unknownInjection() {
            errors("error: \(problem)")                           // a usage error: no check table, no summary line
            return 64
        }
        if let error {
            errors("error: \(error)")
            table.append(.bound("\(chapter) ran to the end (stopped by: \(error))", 0, .greaterOrEqual, 1))
        }
        heading("Checks")
        output(table.rendered())
        if !written.isEmpty {
            heading("Figures written")
            for path in written where path.hasSuffix(".png") || figures?.gnuplot == nil { output("  \(path)") }
            output("  (redraw or edit any of them: gnuplot <name>.gp — the .dat beside it holds the numbers)")
        }
        if let exerciseText {
            heading("Exercises")
            output(TerminalMarkdown.render(exerciseText))
        }
        if let path = options.record {
            let failure: String?
            do { failure = FileSystem.write(try record().encoded(), to: URL(fileURLWithPath: path)) } catch { failure = "\(error)" }
            if let failure {
                errors("error: --record: \(failure)")
                output("")
                output(table.summaryLine(chapter: chapter))
                return 2
            }
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
