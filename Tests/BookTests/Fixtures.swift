import Foundation
import Notebook
@testable import BookRendering

/// A chapter source written by the conventions `CellSource` relies on, with every case the
/// tests need: an introduction, a one-line and a multi-line prose, a signature over two lines,
/// two cells in one function, exercises (alone, and followed by code), a cell inside `run`.
let fixtureSource = #"""
import Notebook
import StateSpace

let book = Notebook(chapter: "Chapter09", title: "Fixture", abstract: "A fixture.")

func introduction(_ book: Notebook) {
    book.introduction("""
        The first paragraph, with P_n and K̂.
        """)
}

/// Cell 1 returns a number.
func firstCell(_ book: Notebook) throws -> Int {
    book.cell("1. One line", "A one-line prose.")
    let x = 1 + 2                                               // scalar
    book.show("x = \(x)")
    return x
}

private func secondCell(_ book: Notebook,
                        x: Int) {
    book.cell("2. Many lines | pipes", """
        Prose over

        two paragraphs.
        """)
    if x > 0 {
        book.show("positive")
    }

    book.cell("3. Same function", """
        The second cell of a function.
        """)
    book.show("done")
}

func wrapUp(_ book: Notebook) {
    book.cell("4. Wrap up", "Short.")
    book.exercises("1. A one-line exercise.")
    let y = 2
    book.show("\(y)")
}

func whatComesNext(_ book: Notebook) {
    book.cell("What comes next", """
        Later.
        """)
    book.exercises("""
        1. Try.
        2. Try again.
        """)
}

book.run { book in
    introduction(book)
    let x = try firstCell(book)
    secondCell(book, x: x)
    book.cell("5. Inline", "In run.")
    book.show("inline")
    wrapUp(book)
    whatComesNext(book)
}
"""#

/// A record as a run of a fixture-like chapter would write it: one cell per call in `source`,
/// with prose, output and (for the first titled cell) a figure drawn into `plots`.
func fixtureRecord(chapter: String, file: String, source: String, plots: URL?, failing: Bool = false) -> NotebookRecord {
    let lines = source.components(separatedBy: "\n")
    var cells = CellSource.calls(in: source).map { call in
        // A multi-line prose literal is recorded as the source holds it (the audit compares them).
        let literal = lines[call.line..<max(call.line, call.endLine - 1)].map { $0.trimmingCharacters(in: .whitespaces) }
        let prose = literal.isEmpty ? "Prose of \(call.title ?? "the introduction") with P_n." : literal.joined(separator: "\n")
        return CellRecord(title: call.title, prose: prose, file: file, line: call.line,
                          output: call.title == nil ? "" : "  value = 3\n  ✓ a check")
    }
    if let plots, cells.count > 1 {
        let png = plots.appendingPathComponent("kernel.png")
        try? FileManager.default.createDirectory(at: plots, withIntermediateDirectories: true)
        try? Data([0x89, 0x50, 0x4E, 0x47]).write(to: png)
        try? Data("1 2\n".utf8).write(to: plots.appendingPathComponent("kernel.dat"))
        cells[1].figures = [FigureRecord(name: "kernel", title: "The kernel [real part]", png: png.path),
                            FigureRecord(name: "spectrum", title: "The spectrum", png: nil)]
    }
    let checks = [
        CheckRecord(name: "recurrence | convolution", passed: !failing, kind: "agreement", compared: 1.5e-15, limit: 1e-12,
                    relation: "≤", maxAbs: 3e-16, thrown: nil, margin: 0.0015, reason: "f64 rounding over L = 64 steps"),
        CheckRecord(name: "N = 0 refused", passed: true, kind: "expectedError", compared: nil, limit: nil, relation: nil,
                    maxAbs: nil, thrown: "invalidSize(0)", margin: 0, reason: nil),
    ]
    let failed = failing ? 1 : 0
    return NotebookRecord(chapter: chapter, title: "Fixture: a chapter for the tests", abstract: "What \(chapter) teaches.",
                          seed: 42, cells: cells, checks: checks, checkTable: "(table)",
                          summary: "\(chapter): \(2 - failed) passed, \(failed) failed",
                          exercises: "1. Try.\n2. Try again.", injected: nil,
                          date: "2026-01-02T03:04:05Z", machine: "Linux x86_64, 2 cores")
}

/// A new empty directory under the system's temporary folder (a space in its name on purpose).
func scratchFolder(_ label: String) -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("book tests \(label) \(UUID().uuidString)")
    try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}
