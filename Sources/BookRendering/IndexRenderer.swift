/// The book's chapter map: `book/README.md` (a code forge shows it as the folder's page) and
/// `book/index.html`. For each chapter: its linked title, its abstract, one figure (the first
/// the run drew) and its check summary.
public enum IndexRenderer {
    public static let title = "Annotated State Spaces — the book"

    /// The map as Markdown, with `.md` links (`HTMLRenderer` points them at `.html`).
    /// - Complexity: O(number of chapters).
    public static func markdown(_ entries: [ChapterEntry]) -> String {
        let lead = "Every page below was produced by running its chapter (`swift run Book` runs them all and "
            + "renders this folder): the prose, the code of each cell, what it printed, the figures it drew "
            + "and the checks it passed. Read them in order; each chapter starts where the last one stopped."
        return (["# \(title)", lead] + entries.map(section)).joined(separator: "\n\n") + "\n"
    }

    /// The map as a self-contained HTML page. - Complexity: O(number of chapters).
    public static func html(_ entries: [ChapterEntry]) -> String {
        HTMLRenderer.page(title: title, markdown: markdown(entries))
    }

    /// One chapter's part of the map.
    static func section(_ entry: ChapterEntry) -> String {
        let page = BookLayout.linkDestination(BookLayout.markdownPage(entry.chapter))
        var blocks = ["## [\(BookLayout.label(entry.chapter)) — \(entry.title)](\(page))", entry.abstract]
        if let figure = entry.figure { blocks.append(BookLayout.image(title: entry.figureTitle ?? entry.chapter, file: figure)) }
        blocks.append("Checks: **\(entry.summary)**")
        return blocks.joined(separator: "\n\n")
    }
}
