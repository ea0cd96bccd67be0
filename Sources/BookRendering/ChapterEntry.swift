import Foundation
import Notebook

/// What the book's chapter map shows for one chapter. Kept in `book/chapters.json`, so that a
/// run that renders only some chapters (`--chapters`) still lists them all.
public struct ChapterEntry: Codable, Equatable, Sendable {
    public var chapter: String
    public var title: String
    public var abstract: String
    /// The first figure the run drew: its file relative to the book, and its title.
    public var figure: String?
    public var figureTitle: String?
    /// `Chapter03: 32 passed, 0 failed`.
    public var summary: String

    public init(chapter: String, title: String, abstract: String, figure: String?, figureTitle: String?, summary: String) {
        (self.chapter, self.title, self.abstract) = (chapter, title, abstract)
        (self.figure, self.figureTitle, self.summary) = (figure, figureTitle, summary)
    }

    /// The entry for a run's record: its first drawn figure, if any.
    /// - Complexity: O(number of figures before the first drawn one).
    public init(record: NotebookRecord) {
        let drawn = record.cells.lazy.flatMap(\.figures).first { $0.png != nil }
        self.init(chapter: record.chapter, title: record.title, abstract: record.abstract,
                  figure: drawn.map { BookLayout.figureFile(chapter: record.chapter, name: $0.name) },
                  figureTitle: drawn?.title, summary: record.summary)
    }

    /// The entries in `file`, or none when it does not exist.
    /// - Throws: the read error of an existing file, or `DecodingError`.
    /// - Complexity: O(size of the file).
    public static func readAll(_ file: URL) throws -> [ChapterEntry] {
        guard FileManager.default.fileExists(atPath: file.path) else { return [] }
        do {
            return try JSONDecoder().decode([ChapterEntry].self, from: Data(contentsOf: file))
        } catch {
            let reason = error is DecodingError ? "its JSON does not decode" : FileSystem.plainReason(error)
            throw BookWriter.Failure(description: "\(file.path) is not a chapter list written by Book (\(reason)); "
                                     + "delete it and run Book again to rebuild the index from every chapter")
        }
    }

    /// `entries` as pretty-printed JSON with sorted keys (stable diffs). - Complexity: O(k).
    public static func encoded(_ entries: [ChapterEntry]) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(entries)
    }

    /// `existing` with each of `updates` replacing the entry of its chapter, sorted by chapter.
    /// - Complexity: O(k log k) in the number of entries.
    public static func merged(_ existing: [ChapterEntry], _ updates: [ChapterEntry]) -> [ChapterEntry] {
        let replaced = Set(updates.map(\.chapter))
        return (existing.filter { !replaced.contains($0.chapter) } + updates).sorted { $0.chapter < $1.chapter }
    }
}
