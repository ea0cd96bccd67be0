import Foundation

extension BookLayout {
    /// The package's own folders, which a book may never be written into or over.
    static let packageFolders = ["Chapters", "Sources", "Tools", "Tests", "Benchmarks", "scripts", "plots", ".build", ".git"]

    /// Why `folder` cannot hold the book of the package at `packageRoot`, or nil when it can.
    ///
    /// A book folder is rewritten chapter by chapter (pages replaced, figure folders cleared), so
    /// it must be the book's own: a folder that does not exist yet, an empty one, or one holding a
    /// book already (`chapters.json`). Refused: the package root or a folder above it, anything
    /// inside the package's source folders (`Chapters/`, `Sources/`, …), a file, a folder that
    /// holds other things.
    /// - Complexity: one directory listing.
    public static func outputProblem(_ folder: URL, packageRoot: URL) -> String? {
        let path = folder.standardizedFileURL.resolvingSymlinksInPath().path
        let root = packageRoot.standardizedFileURL.resolvingSymlinksInPath().path
        if path == root || root.hasPrefix(path == "/" ? "/" : path + "/") {
            return "is the package root or a folder above it; write the book into a folder of its own (default: book)"
        }
        for name in packageFolders where path == root + "/" + name || path.hasPrefix(root + "/" + name + "/") {
            return "lies inside the package's \(name)/ folder; write the book into a folder of its own (default: book)"
        }
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else { return nil }
        guard isFolder.boolValue else { return "is a file, not a folder" }
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        guard entries.isEmpty || entries.contains(manifest) else {
            return "holds other files and no \(manifest), so it is not a book folder; name a new or empty folder"
        }
        guard FileManager.default.isWritableFile(atPath: path) else { return "is not writable" }
        return nil
    }
}
