import Foundation
import Notebook
import Testing
@testable import BookRendering

/// Renders a small package's book the way `swift run Book` does: two chapters from the fixture
/// source, their figures, the index.
func renderFixtureBook(root: URL) throws {
    let chapters = ["Chapter09", "Chapter10"]
    let writer = BookWriter(directory: root.appendingPathComponent("book"))
    var entries: [ChapterEntry] = []
    for (i, chapter) in chapters.enumerated() {
        let folder = root.appendingPathComponent("Chapters/\(chapter)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let file = folder.appendingPathComponent("main.swift")
        try fixtureSource.write(to: file, atomically: true, encoding: .utf8)
        let record = fixtureRecord(chapter: chapter, file: file.path, source: fixtureSource,
                                   plots: root.appendingPathComponent("plots/\(chapter)"))
        let markdown = PageRenderer(record: record, sources: [file.path: fixtureSource],
                                    previous: i > 0 ? chapters[i - 1] : nil, next: i + 1 < chapters.count ? chapters[i + 1] : nil).markdown()
        try writer.writeChapter(record, markdown: markdown, html: HTMLRenderer.page(title: record.title, markdown: markdown))
        entries.append(ChapterEntry(record: record))
    }
    try writer.writeIndex(updating: entries)
}

@Suite("BookAudit: pages complete, links resolving")
struct BookAuditTests {
    @Test("a freshly rendered book has no problems")
    func clean() throws {
        let root = scratchFolder("audit clean")
        try renderFixtureBook(root: root)
        #expect(BookAudit.problems(packageRoot: root, book: root.appendingPathComponent("book")) == [])
    }

    @Test("a broken link, a missing cell and a missing page are each reported, once, by file")
    func broken() throws {
        let root = scratchFolder("audit broken"), book = root.appendingPathComponent("book")
        try renderFixtureBook(root: root)
        let nine = book.appendingPathComponent("Chapter09.md")
        var page = try String(contentsOf: nine, encoding: .utf8)
        page += "\nSee [the missing chapter](Chapter99.md) and ![a figure](Chapter09/none.png).\n"
        page = page.replacingOccurrences(of: "## 3. Same function", with: "## 3. Renamed")
        try page.write(to: nine, atomically: true, encoding: .utf8)
        try FileManager.default.removeItem(at: book.appendingPathComponent("Chapter10.html"))
        let problems = BookAudit.problems(packageRoot: root, book: book)
        #expect(problems.contains("book/Chapter09.md: broken link Chapter99.md"))
        #expect(problems.contains("book/Chapter09.md: broken link Chapter09/none.png"))
        #expect(problems.contains { $0.hasPrefix("Chapter09.md: cell “3. Same function” (main.swift:") && $0.contains("no heading") })
        #expect(problems.contains("book/Chapter10.html is missing"))
        #expect(problems.contains("book/Chapter09.html: broken link Chapter10.html"))   // the next-chapter link
        #expect(problems.contains("book/index.html: broken link Chapter10.html"))
        #expect(problems.count == 6, "\(problems)")     // each broken link once per page
    }

    @Test("an HTML page where Ink left Markdown unrendered is reported with the line")
    func unrendered() {
        #expect(BookAudit.unrenderedLine("<p>fine</p>\n<pre><code>```\n## in code\n</code></pre>") == nil)
        #expect(BookAudit.unrenderedLine("<p>text</p>\n```swift\nfunc f() {}") == "```swift")
        #expect(BookAudit.unrenderedLine("<p>a</p>\n## 2. A heading") == "## 2. A heading")
    }

    @Test("a cell whose code differs from the source is reported")
    func staleCode() throws {
        let root = scratchFolder("audit stale")
        try renderFixtureBook(root: root)
        let source = root.appendingPathComponent("Chapters/Chapter10/main.swift")
        try fixtureSource.replacingOccurrences(of: "let y = 2", with: "let y = 3").write(to: source, atomically: true, encoding: .utf8)
        let problems = BookAudit.problems(packageRoot: root, book: root.appendingPathComponent("book"))
        #expect(problems == ["Chapter10.md: cell “4. Wrap up” (main.swift:\(CellSource.calls(in: fixtureSource)[4].line)): its code is not on the page as the source has it"])
    }

    @Test("a cell whose prose was edited after the book was rendered is reported")
    func staleProse() throws {
        let root = scratchFolder("audit stale prose")
        try renderFixtureBook(root: root)
        let source = root.appendingPathComponent("Chapters/Chapter10/main.swift")
        try fixtureSource.replacingOccurrences(of: "two paragraphs.", with: "three paragraphs.").write(to: source, atomically: true, encoding: .utf8)
        let problems = BookAudit.problems(packageRoot: root, book: root.appendingPathComponent("book"))
        #expect(problems.count == 1 && problems[0].contains("its prose is not on the page") && problems[0].contains("three paragraphs."),
                "\(problems)")
    }

    @Test("links in code are not links; external links and anchors are not checked")
    func linkExtraction() {
        let markdown = "[a](A.md) `[b](B.md)` [c](https://x.org/c.md) [d](#top)\n```\n[e](E.md)\n```\n![f](F%20G.png \"title\")"
        #expect(RelativeLinks.inMarkdown(markdown) == ["A.md", "https://x.org/c.md", "#top", "F%20G.png"])
        let folder = URL(fileURLWithPath: "/b")
        #expect(RelativeLinks.target("F%20G.png", from: folder)?.path == "/b/F G.png")
        #expect(RelativeLinks.target("https://x.org/c.md", from: folder) == nil)
        #expect(RelativeLinks.target("#top", from: folder) == nil)
        #expect(RelativeLinks.inHTML(#"<a href="A.html#x">a</a><img src="B.png" alt="b"/><pre>href="C"</pre>"#) == ["A.html#x", "B.png"])
    }
}
