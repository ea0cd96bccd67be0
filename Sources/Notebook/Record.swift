import Foundation

/// What one run of a chapter produced, in order: written as JSON by `--record FILE` and read by
/// the `Book` command, which renders it (with the chapter's source) as a page.
///
/// Every text is exactly what the terminal showed: `prose` is the cell's markdown as the source
/// holds it, `output` the lines its body printed (shown values, tables, check marks, figure lines).
public struct NotebookRecord: Codable, Sendable, Equatable {
    /// The record format; bumped when a field changes meaning.
    public static let formatVersion = 1

    public var formatVersion = NotebookRecord.formatVersion
    /// `Chapter03`.
    public var chapter: String
    /// `S4: diagonal plus low rank, and the Cauchy kernel`.
    public var title: String
    /// One paragraph: what the chapter teaches (the `--help` overview; the book's index).
    public var abstract: String
    /// The seed the run used (`--seed`).
    public var seed: UInt64
    /// The cells in the order they ran; the first is the introduction (no title) when present.
    public var cells: [CellRecord]
    /// Every check, in the order recorded.
    public var checks: [CheckRecord]
    /// The check table exactly as printed.
    public var checkTable: String
    /// `ChapterNN: N passed, N failed`.
    public var summary: String
    /// The exercises, as markdown (a numbered list), or nil.
    public var exercises: String?
    /// The `--inject` ingredient the run replaced, if any.
    public var injected: String?
    /// When and where it ran: `2026-11-29T06:00:00Z`, `Linux x86_64, 2 cores`.
    public var date: String
    public var machine: String

    public init(chapter: String, title: String, abstract: String, seed: UInt64, cells: [CellRecord],
                checks: [CheckRecord], checkTable: String, summary: String, exercises: String?,
                injected: String?, date: String, machine: String) {
        (self.chapter, self.title, self.abstract, self.seed, self.cells) = (chapter, title, abstract, seed, cells)
        (self.checks, self.checkTable, self.summary, self.exercises) = (checks, checkTable, summary, exercises)
        (self.injected, self.date, self.machine) = (injected, date, machine)
    }

    /// Reads a record written by `--record`.
    /// - Throws: the file's read error, or `DecodingError` for a file that is not a record.
    public static func read(_ url: URL) throws -> NotebookRecord {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(
            positiveInfinity: nonConforming.positiveInfinity, negativeInfinity: nonConforming.negativeInfinity, nan: nonConforming.nan)
        return try decoder.decode(NotebookRecord.self, from: Data(contentsOf: url))
    }

    /// NaN and ±∞ (a check that failed with NaN) are written as strings: JSON has no such numbers.
    static let nonConforming = (positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")

    /// The record as pretty-printed JSON with sorted keys (stable diffs).
    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: Self.nonConforming.positiveInfinity, negativeInfinity: Self.nonConforming.negativeInfinity,
            nan: Self.nonConforming.nan)
        return try encoder.encode(self)
    }
}

/// One cell of a run: its markdown, where its source starts, what it printed and drew.
public struct CellRecord: Codable, Sendable, Equatable {
    /// The heading (`3. Kernel by generating function`), or nil for the introduction.
    public var title: String?
    /// The cell's markdown, exactly as handed to `cell(_:_:)` (indentation of the literal removed).
    public var prose: String
    /// The source file (absolute, as `#filePath` gave it) and the line of the `cell(…)` call.
    public var file: String
    public var line: Int
    /// Everything the body printed, in order, one string with newlines (no trailing newline).
    public var output: String
    /// The figures the body drew, in order.
    public var figures: [FigureRecord]

    public init(title: String?, prose: String, file: String, line: Int, output: String = "", figures: [FigureRecord] = []) {
        (self.title, self.prose, self.file, self.line, self.output, self.figures) = (title, prose, file, line, output, figures)
    }
}

/// A figure a cell drew.
public struct FigureRecord: Codable, Sendable, Equatable {
    /// File stem (`s4-kernel`) and the figure's title.
    public var name: String
    public var title: String
    /// The PNG written, absolute; nil when it was not drawn (no gnuplot, `--no-plot`, an error).
    public var png: String?

    public init(name: String, title: String, png: String?) {
        (self.name, self.title, self.png) = (name, title, png)
    }
}

/// One check, with every number the table shows.
public struct CheckRecord: Codable, Sendable, Equatable {
    public var name: String
    public var passed: Bool
    /// `agreement`, `bound` or `expectedError`.
    public var kind: String
    /// The number the pass/fail decision compares (relative error, bound value; nil for an expected error).
    public var compared: Double?
    /// The limit it is compared with, and how (`≤`, `≥`).
    public var limit: Double?
    public var relation: String?
    /// Agreement checks: the max absolute error (informative; not compared).
    public var maxAbs: Double?
    /// Expected-error checks: the error thrown, or nil when none was.
    public var thrown: String?
    /// How far a failed check misses: compared/limit (≥ 1 when failed; `Check.margin`).
    public var margin: Double
    public var reason: String?

    public init(name: String, passed: Bool, kind: String, compared: Double?, limit: Double?, relation: String?,
                maxAbs: Double?, thrown: String?, margin: Double, reason: String?) {
        (self.name, self.passed, self.kind, self.compared, self.limit) = (name, passed, kind, compared, limit)
        (self.relation, self.maxAbs, self.thrown, self.margin, self.reason) = (relation, maxAbs, thrown, margin, reason)
    }
}
