import Foundation
import Notebook

/// Writes the book's folder: each chapter's two pages and its figures, then the chapter map.
///
/// Rewriting a chapter first removes its pages (`ChapterNN.md`, `ChapterNN.html`) and the PNGs
/// in `ChapterNN/` (nothing else), so a figure the chapter no longer draws does not linger.
/// Only the PNGs a run drew are copied, never the `.dat`/`.gp` beside them.
public struct BookWriter: Sendable {
    /// A file that could not be copied or written, named.
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    public let directory: URL

    public init(directory: URL) { self.directory = directory }

    /// Replaces the chapter's pages and figures.
    /// - Throws: `Failure` naming a figure the record lists but the run did not leave, or a
    ///   file that could not be written.
    /// - Complexity: O(size of the pages and figures).
    public func writeChapter(_ record: NotebookRecord, markdown: String, html: String) throws {
        try removeChapter(record.chapter)
        try create(directory)
        try write(markdown, to: BookLayout.markdownPage(record.chapter))
        try write(html, to: BookLayout.htmlPage(record.chapter))
        for figure in record.cells.flatMap(\.figures) {
            guard let png = figure.png else { continue }
            let file = BookLayout.figureFile(chapter: record.chapter, name: figure.name)
            try copyFigure(from: URL(fileURLWithPath: png), to: file)
        }
    }

    /// Merges `entries` into `chapters.json` and writes the chapter map from all of them.
    /// - Returns: every entry the map now shows.
    /// - Throws: `Failure` naming a file that could not be written; a manifest that cannot be read.
    /// - Complexity: O(k log k) in the number of chapters, plus writing the pages.
    @discardableResult
    public func writeIndex(updating entries: [ChapterEntry]) throws -> [ChapterEntry] {
        try create(directory)
        let manifest = directory.appendingPathComponent(BookLayout.manifest)
        let all = ChapterEntry.merged(try ChapterEntry.readAll(manifest), entries)
        try write(String(decoding: try ChapterEntry.encoded(all), as: UTF8.self) + "\n", to: BookLayout.manifest)
        try write(IndexRenderer.markdown(all), to: BookLayout.indexMarkdown)
        try write(IndexRenderer.html(all), to: BookLayout.indexHTML)
        return all
    }

    /// Deletes the chapter's pages and the PNGs of its figure folder, those that exist; any
    /// other file is left where it is.
    func removeChapter(_ chapter: String) throws {
        let folder = directory.appendingPathComponent(BookLayout.figureFolder(chapter))
        let figures = ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [])
            .filter { $0.hasSuffix(".png") }.map { folder.appendingPathComponent($0) }
        for url in [BookLayout.markdownPage(chapter), BookLayout.htmlPage(chapter)].map(directory.appendingPathComponent) + figures {
            guard FileManager.default.fileExists(atPath: url.path) else { continue }
            do { try FileManager.default.removeItem(at: url) } catch {
                throw Failure(description: "cannot remove \(url.path): \(FileSystem.plainReason(error))")
            }
        }
    }


    func copyFigure(from source: URL, to relative: String) throws {
        guard source.pathExtension == "png" else { throw Failure(description: "figure \(source.path) is not a PNG") }
        guard FileManager.default.fileExists(atPath: source.path) else {
            throw Failure(description: "figure \(source.path) was recorded as drawn but is not there")
        }
        let target = directory.appendingPathComponent(relative)
        try create(target.deletingLastPathComponent())
        do {
            if FileManager.default.fileExists(atPath: target.path) { try FileManager.default.removeItem(at: target) }
            try FileManager.default.copyItem(at: source, to: target)
        } catch {
            throw Failure(description: "cannot copy \(source.path) to \(target.path): \(FileSystem.plainReason(error))")
        }
    }

    func write(_ text: String, to relative: String) throws {
        let url = directory.appendingPathComponent(relative)
        do { try Data(text.utf8).write(to: url, options: .atomic) } catch {
            throw Failure(description: "cannot write \(url.path): \(FileSystem.plainReason(error))")
        }
    }

    func create(_ folder: URL) throws {
        do { try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true) } catch {
            throw Failure(description: "cannot create \(folder.path): \(FileSystem.plainReason(error))")
        }
    }
}
