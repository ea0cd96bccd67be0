import Notebook

/// One chapter's page, as Markdown: what a run printed and drew, cell by cell, under the code
/// that produced it.
///
///     # Chapter 03 — S4: …
///     *Rendered from the run of … seed 42; output and timings are from that run.*
///     [← Chapter 02](Chapter02.md) · [Index](README.md) · [Chapter 04 →](Chapter04.md)
///     ## 2. NPLR → DPLR        (per cell: prose, ```swift code, ```text output, figures)
///     ## Checks                (table, **summary**, why these tolerances)
///     ## Exercises
///
/// Links point to `.md` pages; `HTMLRenderer` rewrites them for the HTML version.
public struct PageRenderer: Sendable {
    public var record: NotebookRecord
    /// Source texts by the path a cell records (`CellRecord.file`).
    public var sources: [String: String]
    /// The chapters before and after this one in the book, if any.
    public var previous: String?
    public var next: String?

    public init(record: NotebookRecord, sources: [String: String], previous: String? = nil, next: String? = nil) {
        (self.record, self.sources, self.previous, self.next) = (record, sources, previous, next)
    }

    /// The page.
    /// - Complexity: O(total length of the record and the sources it names).
    public func markdown() -> String {
        let navigation = BookLayout.navigation(previous: previous, next: next)
        var blocks = ["# \(BookLayout.label(record.chapter)) — \(record.title)", provenance, navigation]
        blocks += record.cells.flatMap(cellBlocks)
        blocks += ["## Checks", ChecksSection.markdown(checks: record.checks, summary: record.summary)]
        if let exercises = record.exercises, !exercises.isBlank { blocks += ["## Exercises", exercises] }
        blocks.append(navigation)
        return blocks.joined(separator: "\n\n") + "\n"
    }

    /// The italic line saying which run the page shows.
    var provenance: String {
        var note = "*Rendered from the run of \(record.date) on \(record.machine), seed \(record.seed): "
            + "output and timings are from that run.*"
        if let injected = record.injected { note += "\n*That run replaced \(injected) (`--inject`): failed checks are expected.*" }
        return note
    }

    /// A cell's heading, prose, code, output and figures, as separate Markdown blocks.
    func cellBlocks(_ cell: CellRecord) -> [String] {
        var blocks: [String] = []
        if let title = cell.title { blocks.append("## \(title)") }
        if !cell.prose.isBlank { blocks.append(cell.prose) }
        if let code = code(for: cell) { blocks.append(Self.codeBlock(code)) }
        if !cell.output.isEmpty { blocks.append(CodeFence.block(cell.output, language: "text")) }
        blocks += cell.figures.map(figureBlock)
        return blocks
    }

    /// A cell's code as the page shows it (and as `BookAudit` looks for it).
    static func codeBlock(_ code: String) -> String { CodeFence.block(code, language: "swift") }

    /// The code under the cell, from the source file its call is in (nil when it shows none).
    func code(for cell: CellRecord) -> String? {
        sources[cell.file].flatMap { CellSource.code(forCellAt: cell.line, in: $0) }
    }

    /// `![title](Chapter03/name.png)`, or an italic line for a figure the run did not draw.
    func figureBlock(_ figure: FigureRecord) -> String {
        guard figure.png != nil else { return "*Figure “\(figure.title)” was not drawn in this run.*" }
        return BookLayout.image(title: figure.title, file: BookLayout.figureFile(chapter: record.chapter, name: figure.name))
    }
}
