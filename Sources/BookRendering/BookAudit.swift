import Foundation

/// What is wrong with a rendered book, against the chapters of its package:
/// - a chapter (`Chapters/ChapterNN/`) without its `ChapterNN.md` or `ChapterNN.html`;
/// - a link or image in any `.md` or `.html` of the book that does not resolve to a file;
/// - a cell call in a chapter's source whose `## title` heading, or whose code block
///   (`CellSource`, verbatim), is not on the chapter's Markdown page;
/// - an HTML page where Markdown was left unrendered (a ``` fence or a `## ` heading outside
///   any code block: Ink stopped parsing there).
///
/// An empty list means the book is complete and every link in it works.
public enum BookAudit {
    /// One line per problem, naming the file (and the cell) concerned.
    /// - Complexity: O(total size of the book and of the chapters' sources).
    public static func problems(packageRoot: URL, book: URL) -> [String] {
        let chapters = chapterFolders(packageRoot.appendingPathComponent("Chapters"))
        return chapters.flatMap { chapterProblems($0, book: book) } + brokenLinks(in: book) + unrendered(in: book)
    }

    /// HTML pages holding Markdown that was not rendered, with the first such line.
    static func unrendered(in book: URL) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: book.path)) ?? []
        return names.filter { $0.hasSuffix(".html") }.sorted().compactMap { name in
            guard let html = try? String(contentsOf: book.appendingPathComponent(name), encoding: .utf8) else { return nil }
            return unrenderedLine(html).map { "\(book.lastPathComponent)/\(name): Markdown left unrendered from: \($0)" }
        }
    }

    /// The first line outside `<pre>` blocks that starts with a fence or a heading marker, or nil.
    static func unrenderedLine(_ html: String) -> String? {
        var inPre = false
        for line in html.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.contains("<pre") { inPre = true }
            if !inPre && (line.hasPrefix("```") || line.hasPrefix("## ")) { return String(line.prefix(80)) }
            if line.contains("</pre>") { inPre = false }
        }
        return nil
    }

    /// The chapter folders (`ChapterNN`) holding a `main.swift`, sorted by name.
    /// - Complexity: O(k log k) in the number of entries of `chapters`.
    public static func chapterFolders(_ chapters: URL) -> [URL] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: chapters.path)) ?? []
        return names.filter { $0.hasPrefix("Chapter") }.sorted().map { chapters.appendingPathComponent($0) }
            .filter { FileManager.default.fileExists(atPath: $0.appendingPathComponent("main.swift").path) }
    }

    /// The chapter's pages that are missing, and the cells its Markdown page lacks.
    static func chapterProblems(_ folder: URL, book: URL) -> [String] {
        let chapter = folder.lastPathComponent
        let pages = [BookLayout.markdownPage(chapter), BookLayout.htmlPage(chapter)]
        let missing = pages.filter { !FileManager.default.fileExists(atPath: book.appendingPathComponent($0).path) }
        guard missing.isEmpty else { return missing.map { "\(book.lastPathComponent)/\($0) is missing" } }
        let page = (try? String(contentsOf: book.appendingPathComponent(pages[0]), encoding: .utf8)) ?? ""
        return sourceFiles(folder).flatMap { missingCells(source: $0, page: page, pageName: pages[0]) }
    }

    /// The chapter's Swift files, `main.swift` first.
    static func sourceFiles(_ folder: URL) -> [URL] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        let order = { (name: String) in name == "main.swift" ? "" : name }
        return names.filter { $0.hasSuffix(".swift") }.sorted { order($0) < order($1) }.map { folder.appendingPathComponent($0) }
    }

    /// The cells of `source` whose heading or code block is not on `page`.
    static func missingCells(source: URL, page: String, pageName: String) -> [String] {
        guard let text = try? String(contentsOf: source, encoding: .utf8) else { return ["cannot read \(source.path)"] }
        let lines = Set(SourceLines(page).lines)
        return CellSource.calls(in: text).flatMap { call -> [String] in
            let cell = "\(pageName): cell \(call.title.map { "“\($0)”" } ?? "introduction") (\(source.lastPathComponent):\(call.line))"
            var problems: [String] = []
            if let title = call.title, !lines.contains("## \(title)") { problems.append("\(cell) has no heading “## \(title)”") }
            if let code = CellSource.code(forCellAt: call.line, in: text), !page.contains(PageRenderer.codeBlock(code)) {
                problems.append("\(cell): its code is not on the page as the source has it")
            }
            if let line = staleProse(call, in: text, page: page) {
                problems.append("\(cell): its prose is not on the page as the source has it (“\(line)”)")
            }
            return problems
        }
    }

    /// The first line of a cell's multi-line prose literal that the page does not contain, or
    /// nil. Lines with a backslash (an escape or an interpolation) are skipped: the page holds
    /// what they evaluate to.
    static func staleProse(_ call: CellCall, in source: String, page: String) -> String? {
        let lines = SourceLines(source).lines
        guard call.endLine > call.line + 1, call.endLine <= lines.count else { return nil }
        return lines[call.line..<(call.endLine - 1)].map(\.trimmed)
            .first { !$0.isEmpty && !$0.contains("\\") && !page.contains($0) }
    }

    /// Every link or image in the book's `.md` and `.html` files (all folders) that names a
    /// file that does not exist, once per page.
    static func brokenLinks(in book: URL) -> [String] {
        let enumerator = FileManager.default.enumerator(at: book, includingPropertiesForKeys: nil)
        let pages = (enumerator?.allObjects as? [URL] ?? []).filter { ["md", "html"].contains($0.pathExtension) }
        return pages.sorted { $0.path < $1.path }.flatMap { brokenLinks(onPage: $0, book: book) }
    }

    static func brokenLinks(onPage page: URL, book: URL) -> [String] {
        guard let text = try? String(contentsOf: page, encoding: .utf8) else { return ["cannot read \(page.path)"] }
        let links = page.pathExtension == "md" ? RelativeLinks.inMarkdown(text) : RelativeLinks.inHTML(text)
        let name = page.path.hasPrefix(book.path + "/")
            ? book.lastPathComponent + "/" + page.path.dropFirst(book.path.count + 1) : page.path
        var seen = Set<String>()
        return links.filter { seen.insert($0).inserted && !resolves($0, from: page.deletingLastPathComponent()) }
            .map { "\(name): broken link \($0)" }
    }

    /// True when `link` names an existing file, or leaves the book, or stays on the page.
    static func resolves(_ link: String, from folder: URL) -> Bool {
        RelativeLinks.target(link, from: folder).map { FileManager.default.fileExists(atPath: $0.path) } ?? true
    }
}
