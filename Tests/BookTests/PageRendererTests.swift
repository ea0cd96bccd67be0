import Foundation
import Notebook
import Testing
@testable import BookRendering

@Suite("PageRenderer: a run as a Markdown page")
struct PageRendererTests {
    let file = "/src/Chapters/Chapter09/main.swift"

    func page(_ record: NotebookRecord? = nil) -> String {
        let record = record ?? fixtureRecord(chapter: "Chapter09", file: file, source: fixtureSource,
                                             plots: scratchFolder("page"))
        return PageRenderer(record: record, sources: [file: fixtureSource], previous: "Chapter08", next: "Chapter10").markdown()
    }

    @Test("title, provenance, navigation at both ends")
    func frame() {
        let lines = page().split(separator: "\n").map(String.init)
        #expect(lines[0] == "# Chapter 09 — Fixture: a chapter for the tests")
        #expect(lines[1].hasPrefix("*") && lines[1].contains("2026-01-02T03:04:05Z") && lines[1].contains("Linux x86_64, 2 cores")
                && lines[1].contains("seed 42") && lines[1].contains("output and timings are from that run"))
        let navigation = "[← Chapter 08](Chapter08.md) · [Index](README.md) · [Chapter 10 →](Chapter10.md)"
        #expect(lines[2] == navigation && lines.last == navigation)
    }

    @Test("each cell: heading (none for the introduction), prose, code, output, figures, in order")
    func cells() throws {
        let text = page()
        #expect(!text.contains("## The first paragraph"))
        #expect(text.contains("The first paragraph, with P_n and K̂."))
        let one = try #require(text.range(of: "## 1. One line"))
        let code = try #require(text.range(of: "```swift\nfunc firstCell(_ book: Notebook) throws -> Int {"))
        let output = try #require(text.range(of: "```text\n  value = 3\n  ✓ a check\n```", range: one.upperBound..<text.endIndex))
        let figure = try #require(text.range(of: "![The kernel \\[real part\\]](Chapter09/kernel.png)"))
        #expect(one.lowerBound < code.lowerBound && code.lowerBound < output.lowerBound && output.lowerBound < figure.lowerBound)
        #expect(text.contains("## 2. Many lines | pipes"))
        #expect(!text.contains("book.exercises"))
    }

    @Test("a figure not drawn is said so, in italics")
    func figureNotDrawn() {
        #expect(page().contains("\n*Figure “The spectrum” was not drawn in this run.*\n"))
    }

    @Test("checks: a real table with | escaped, the summary in bold, the reasons as a list; then exercises")
    func checks() throws {
        let text = page()
        #expect(text.contains("""
            | check | compared | limit | result | max abs err (not compared) |
            | :--- | ---: | ---: | :---: | ---: |
            | recurrence \\| convolution | rel 1.50e-15 | ≤ 1.00e-12 | ✓ | 3.00e-16 |
            | N = 0 refused | threw: invalidSize(0) | — | ✓ |  |
            """))
        #expect(text.contains("\n**Chapter09: 2 passed, 0 failed**\n"))
        let failing = page(fixtureRecord(chapter: "Chapter09", file: file, source: fixtureSource, plots: nil, failing: true))
        #expect(failing.contains("| recurrence \\| convolution | rel 1.50e-15 | ≤ 1.00e-12 | **✗ failed** | 3.00e-16 |"))
        #expect(text.contains("Why these tolerances:\n\n- recurrence | convolution: f64 rounding over L = 64 steps"))
        let checks = try #require(text.range(of: "## Checks"))
        let exercises = try #require(text.range(of: "## Exercises\n\n1. Try.\n2. Try again."))
        #expect(checks.lowerBound < exercises.lowerBound)
    }

    @Test("empty output gets no block; a record without exercises gets no Exercises section")
    func omissions() {
        var record = fixtureRecord(chapter: "Chapter09", file: file, source: fixtureSource, plots: nil)
        record.exercises = nil
        record.cells = [CellRecord(title: "Quiet", prose: "Nothing printed.", file: file, line: 1)]
        let text = page(record)
        #expect(!text.contains("```text") && !text.contains("## Exercises"))
    }

    @Test("content with ``` gets a longer fence; the table escapes every | in a cell")
    func fencesAndTables() {
        #expect(CodeFence.block("a\n```\nb", language: "text") == "````text\na\n```\nb\n````")
        #expect(CodeFence.block("x ````` y") == "``````\nx ````` y\n``````")
        #expect(CodeFence.block("plain") == "```\nplain\n```")
        var record = fixtureRecord(chapter: "Chapter09", file: file, source: fixtureSource, plots: nil)
        record.cells[1].output = "before\n```\nafter"
        #expect(page(record).contains("````text\nbefore\n```\nafter\n````"))
        #expect(MarkdownTable.escaped("a|b\nc | d") == "a\\|b c \\| d")
    }

    @Test("first and last chapters link only to the index on their open side")
    func edges() {
        let record = fixtureRecord(chapter: "Chapter00", file: file, source: fixtureSource, plots: nil)
        let text = PageRenderer(record: record, sources: [:]).markdown()
        #expect(text.contains("\n[Index](README.md)\n"))
        #expect(!text.contains("```swift"))    // no source given: no code, nothing invented
    }
}
