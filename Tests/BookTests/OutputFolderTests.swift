import Foundation
import Testing
@testable import BookRendering

/// `Book --output` may only name a folder of its own: the hostile-user review had it delete
/// `Chapters/Chapter00/main.swift` and overwrite the package README.
@Suite("Book's output folder")
struct OutputFolderTests {
    @Test("the package root, a folder above it, the package's source folders, a file or a foreign folder are refused")
    func refused() throws {
        let root = scratchFolder("output root")
        for name in ["Chapters/Chapter00", "Sources", "other"] {
            try FileManager.default.createDirectory(at: root.appendingPathComponent(name), withIntermediateDirectories: true)
        }
        try Data("x".utf8).write(to: root.appendingPathComponent("other/notes.txt"))
        try Data("x".utf8).write(to: root.appendingPathComponent("a-file"))
        let cases: [(String, String)] = [(".", "package root"), ("..", "package root"), ("Chapters", "Chapters/"),
                                         ("Chapters/Chapter00", "Chapters/"), ("Sources/x", "Sources/"),
                                         ("a-file", "is a file"), ("other", "holds other files")]
        for (relative, reason) in cases {
            let problem = BookLayout.outputProblem(root.appendingPathComponent(relative), packageRoot: root)
            #expect(problem?.contains(reason) == true, "\(relative): \(problem ?? "accepted")")
        }
    }

    @Test("a new folder, an empty one, or an earlier book is accepted")
    func accepted() throws {
        let root = scratchFolder("output ok")
        let empty = root.appendingPathComponent("empty"), earlier = root.appendingPathComponent("book")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: earlier, withIntermediateDirectories: true)
        try Data("[]".utf8).write(to: earlier.appendingPathComponent(BookLayout.manifest))
        try Data("x".utf8).write(to: earlier.appendingPathComponent("Chapter00.md"))
        for folder in [root.appendingPathComponent("new/book"), empty, earlier] {
            #expect(BookLayout.outputProblem(folder, packageRoot: root) == nil, "\(folder.path)")
        }
    }

    @Test("rewriting a chapter removes its pages and PNGs, never another file in its folder")
    func removesOnlyItsOwn() throws {
        let book = scratchFolder("output remove")
        let figures = book.appendingPathComponent("Chapter09")
        try FileManager.default.createDirectory(at: figures, withIntermediateDirectories: true)
        for name in ["Chapter09.md", "Chapter09.html", "Chapter09/old.png", "Chapter09/keep.swift"] {
            try Data("x".utf8).write(to: book.appendingPathComponent(name))
        }
        try BookWriter(directory: book).removeChapter("Chapter09")
        let left = try FileManager.default.contentsOfDirectory(atPath: figures.path)
        #expect(left == ["keep.swift"])
        #expect(!FileManager.default.fileExists(atPath: book.appendingPathComponent("Chapter09.md").path))
    }

    @Test("a corrupt chapters.json is named, with what to do")
    func corruptManifest() throws {
        let book = scratchFolder("output manifest")
        let manifest = book.appendingPathComponent(BookLayout.manifest)
        try Data("{not json".utf8).write(to: manifest)
        #expect {
            try ChapterEntry.readAll(manifest)
        } throws: { error in
            "\(error)".contains(BookLayout.manifest) && "\(error)".contains("delete it")
        }
    }
}
