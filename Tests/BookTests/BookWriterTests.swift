import Foundation
import Notebook
import Testing
@testable import BookRendering

@Suite("BookWriter and IndexRenderer: the book's folder")
struct BookWriterTests {
    let fm = FileManager.default

    func write(_ record: NotebookRecord, into book: URL) throws {
        let markdown = PageRenderer(record: record, sources: [:]).markdown()
        try BookWriter(directory: book).writeChapter(record, markdown: markdown,
                                                     html: HTMLRenderer.page(title: record.title, markdown: markdown))
    }

    @Test("pages written, only the drawn PNGs copied, stale files of the chapter removed")
    func chapter() throws {
        let scratch = scratchFolder("writer"), book = scratch.appendingPathComponent("book")
        let record = fixtureRecord(chapter: "Chapter09", file: "/x.swift", source: fixtureSource,
                                   plots: scratch.appendingPathComponent("plots/Chapter09"))
        try fm.createDirectory(at: book.appendingPathComponent("Chapter09"), withIntermediateDirectories: true)
        try Data().write(to: book.appendingPathComponent("Chapter09/old-figure.png"))
        try Data().write(to: book.appendingPathComponent("Chapter08.md"))
        try write(record, into: book)
        #expect(try fm.contentsOfDirectory(atPath: book.appendingPathComponent("Chapter09").path) == ["kernel.png"])
        #expect(fm.fileExists(atPath: book.appendingPathComponent("Chapter09.md").path))
        #expect(fm.fileExists(atPath: book.appendingPathComponent("Chapter09.html").path))
        #expect(fm.fileExists(atPath: book.appendingPathComponent("Chapter08.md").path))   // another chapter's: kept
    }

    @Test("a figure recorded as drawn but missing is an error naming it")
    func missingFigure() throws {
        var record = fixtureRecord(chapter: "Chapter09", file: "/x.swift", source: fixtureSource, plots: nil)
        record.cells[1].figures = [FigureRecord(name: "gone", title: "Gone", png: "/nonexistent/gone.png")]
        #expect { try write(record, into: scratchFolder("missing")) } throws: { "\($0)".contains("/nonexistent/gone.png") }
    }

    @Test("the index: every chapter written so far, in order, with title link, abstract, first figure, summary")
    func index() throws {
        let scratch = scratchFolder("index"), book = scratch.appendingPathComponent("book")
        let writer = BookWriter(directory: book)
        let nine = fixtureRecord(chapter: "Chapter09", file: "/x.swift", source: fixtureSource,
                                 plots: scratch.appendingPathComponent("plots"))
        let seven = fixtureRecord(chapter: "Chapter07", file: "/x.swift", source: fixtureSource, plots: nil, failing: true)
        try writer.writeIndex(updating: [ChapterEntry(record: nine)])
        let all = try writer.writeIndex(updating: [ChapterEntry(record: seven)])    // a later, partial run
        #expect(all.map(\.chapter) == ["Chapter07", "Chapter09"])
        let readme = try String(contentsOf: book.appendingPathComponent("README.md"), encoding: .utf8)
        #expect(readme.contains("## [Chapter 09 — Fixture: a chapter for the tests](Chapter09.md)\n\nWhat Chapter09 teaches."))
        #expect(readme.contains("![The kernel \\[real part\\]](Chapter09/kernel.png)"))
        #expect(readme.contains("Checks: **Chapter07: 1 passed, 1 failed**"))
        #expect(readme.range(of: "Chapter 07")!.lowerBound < readme.range(of: "Chapter 09")!.lowerBound)
        let index = try String(contentsOf: book.appendingPathComponent("index.html"), encoding: .utf8)
        #expect(index.contains("<a href=\"Chapter09.html\">Chapter 09 — Fixture: a chapter for the tests</a>"))
        #expect(index.contains("<img src=\"Chapter09/kernel.png\""))
    }
}
