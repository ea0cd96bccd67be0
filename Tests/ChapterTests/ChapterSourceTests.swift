import Foundation
import Testing

/// The chapter sources are notebooks of cells: every text stated once, no long functions, none
/// of the retired harness calls. Read as text from the package's `Chapters/` folder.

/// The package root, from this file's path (Tests/ChapterTests/ChapterSourceTests.swift).
let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// Every chapter's `main.swift`: (ChapterNN, its lines).
func chapterSources() throws -> [(chapter: String, lines: [String])] {
    let folder = packageRoot.appendingPathComponent("Chapters")
    return try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasPrefix("Chapter") }.sorted().map { name in
        let text = try String(contentsOf: folder.appendingPathComponent(name).appendingPathComponent("main.swift"), encoding: .utf8)
        return (name, text.components(separatedBy: "\n"))
    }
}

/// Top-level functions: (name line, length in lines), from a `func` line at column 0 to the first
/// line that is exactly `}` (the convention the book renderer relies on too).
func topLevelFunctions(_ lines: [String]) -> [(header: String, length: Int)] {
    var result: [(String, Int)] = []
    var start: Int?
    for (i, line) in lines.enumerated() {
        let isHeader = ["func ", "private func ", "fileprivate func ", "@discardableResult func "].contains { line.hasPrefix($0) }
        if start == nil, isHeader { start = i }
        if let s = start, line == "}" { result.append((lines[s], i - s + 1)); start = nil }
    }
    return result
}

/// The sentences (≥ 8 words) of a source's text: the bodies of `"""` literals (cell prose,
/// exercises) and single-line string literals (findings, shown lines, check names), normalised
/// (markdown emphasis, interpolations and line breaks removed, spaces collapsed, lowercased),
/// counting only those with at least eight words of letters: shorter fragments and code
/// (braces) are not prose.
func sentences(_ lines: [String]) -> [String] {
    var texts: [String] = [], inLiteral = false
    for line in lines {
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        let delimiter = "\"\"\""
        if trimmed.hasPrefix(delimiter) { inLiteral = false; texts.append("."); continue }  // a literal's closing line
        if trimmed.hasSuffix(delimiter) && !trimmed.hasPrefix("//") { inLiteral = true; continue }
        if inLiteral { texts.append(trimmed); continue }
        let parts = line.split(separator: "\"", omittingEmptySubsequences: false).map(String.init)
        for index in stride(from: 1, to: parts.count, by: 2) { texts.append(parts[index] + ".") }
    }
    var text = texts.joined(separator: " ").replacing(/\\\([^)]*\)/, with: "")
    for marker in ["**", "`", "\\"] { text = text.replacingOccurrences(of: marker, with: " ") }
    let pieces: [String] = text.split(whereSeparator: { ".;:!?".contains($0) }).map { piece in
        piece.split(separator: " ").joined(separator: " ").lowercased()
    }
    return pieces.filter { piece in
        let words = piece.split(separator: " ").filter { word in word.count >= 2 && word.allSatisfy(\.isLetter) }
        return words.count >= 8 && !piece.contains("{")
    }
}

@Suite("Chapter sources are notebooks of cells")
struct ChapterSourceTests {
    @Test("every chapter is written in cells, with no retired harness call and no /*: */ prose block")
    func cells() throws {
        for (chapter, lines) in try chapterSources() {
            let text = lines.joined(separator: "\n")
            #expect(text.contains("book.cell("), "\(chapter) has no cells")
            for retired in ["book.prose(", "book.section(", "book.exercise(", "isSweeping", "/*:"] {
                #expect(!text.contains(retired), "\(chapter) still uses \(retired)")
            }
            #expect(text.components(separatedBy: "book.exercises(").count <= 2, "\(chapter) states its exercises more than once")
        }
    }

    @Test("no text appears twice in a chapter source (prose, output strings, comments)")
    func proseOnce() throws {
        for (chapter, lines) in try chapterSources() {
            var seen: [String: Int] = [:]
            for sentence in sentences(lines) { seen[sentence, default: 0] += 1 }
            let repeated = seen.filter { $0.value > 1 }.keys.sorted()
            #expect(repeated.isEmpty, "\(chapter) repeats: \(repeated)")
        }
    }

    @Test("no function in a chapter is longer than 60 lines, and book.run only calls the cells")
    func shortFunctions() throws {
        for (chapter, lines) in try chapterSources() {
            let long = topLevelFunctions(lines).filter { $0.length > 60 }
            #expect(long.isEmpty, "\(chapter): \(long.map { "\($0.length) lines: \($0.header)" })")
            guard let run = lines.firstIndex(where: { $0.hasPrefix("book.run {") }) else {
                Issue.record("\(chapter) has no book.run { … } at column 0")
                continue
            }
            let end = lines[run...].firstIndex(of: "}") ?? lines.count
            #expect(end - run + 1 <= 40, "\(chapter): book.run's body is \(end - run + 1) lines")
        }
    }
}
