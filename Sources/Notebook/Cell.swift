import Foundation

/// Cells: the unit a chapter is written in. A cell's markdown is stated once, in the source, as
/// the argument of `cell(_:_:)`; the terminal prints it wrapped, the book renders it, and what
/// the cell's code prints after it is that cell's output.
extension Notebook {
    /// Starts a cell: prints `## title` and the markdown `prose`, and from here on collects what
    /// is printed and drawn as this cell's output (until the next cell starts).
    /// - Parameters:
    ///   - title: the heading, numbered as the chapter numbers its sections (`3. The kernel`).
    ///   - prose: markdown, the one copy of the cell's text (paragraphs, lists, 4-space formula
    ///     blocks, tables). A sentence whose truth depends on this run's numbers is not prose: it
    ///     is a `finding(_:)`.
    ///   - file, line: where the call is (the book shows the code that follows it).
    public func cell(_ title: String, _ prose: String, file: String = #filePath, line: Int = #line) {
        startCell(title: title, prose: prose, file: file, line: line)
    }

    /// The chapter's opening text: a cell without a heading, printed under the banner.
    public func introduction(_ prose: String, file: String = #filePath, line: Int = #line) {
        startCell(title: nil, prose: prose, file: file, line: line)
    }

    /// The chapter's exercises, stated once as a markdown numbered list; printed after the check
    /// table (and on the book page after the checks). Worked answers for instructors live beside
    /// the chapter, in `ANSWERS.md`.
    public func exercises(_ markdown: String) {
        exerciseText = markdown
    }

    private func startCell(title: String?, prose: String, file: String, line: Int) {
        cells.append(CellRecord(title: title, prose: prose, file: file, line: line))
        if let title { heading(title) } else { output("") }
        output(TerminalMarkdown.render(prose))
        output("")
    }

    /// Prints one piece of a cell's output and keeps it in the cell's record.
    func emit(_ text: String) {
        output(text)
        guard !cells.isEmpty else { return }
        let last = cells.count - 1
        cells[last].output += (cells[last].output.isEmpty ? "" : "\n") + text
    }

    /// Keeps a figure in the current cell's record.
    func recordFigure(_ figure: FigureRecord) {
        guard !cells.isEmpty else { return }
        cells[cells.count - 1].figures.append(figure)
    }

    /// The run so far as a `NotebookRecord` (what `--record` writes).
    public func record() -> NotebookRecord {
        let formatter = ISO8601DateFormatter()
        return NotebookRecord(chapter: chapter, title: title, abstract: abstract, seed: options.seed, cells: cells,
                              checks: table.checks.map(\.record), checkTable: table.rendered(),
                              summary: table.summaryLine(chapter: chapter), exercises: exerciseText,
                              injected: options.inject, date: formatter.string(from: Date()), machine: Self.machine)
    }

    /// `Linux x86_64, 2 cores`.
    static var machine: String {
        #if arch(x86_64)
        let arch = "x86_64"
        #elseif arch(arm64)
        let arch = "arm64"
        #else
        let arch = "unknown architecture"
        #endif
        #if os(Linux)
        let os = "Linux"
        #elseif os(macOS)
        let os = "macOS"
        #else
        let os = "unknown OS"
        #endif
        return "\(os) \(arch), \(ProcessInfo.processInfo.activeProcessorCount) cores"
    }
}
