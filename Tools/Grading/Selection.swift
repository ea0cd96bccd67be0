import Foundation

/// Which chapters a command line asks for: `all`, `Chapter03`, `03` or `3` (any mix, repeated
/// or not). Unknown names are refused with the list of known ones.
public enum Selection {
    /// Grade's own flags: `--json --solutions` is a forgotten file name, not a file.
    static let flags: Set<String> = ["--solutions", "--seed", "--json", "--help", "-h"]

    public static func chapters(_ names: [String]) throws -> [Int] {
        let known = Catalogue.chapters.map(\.number)
        var chosen: [Int] = []
        for name in names.isEmpty ? ["all"] : names {
            if name.lowercased() == "all" { chosen += known; continue }
            let digits = name.lowercased().hasPrefix("chapter") ? String(name.dropFirst("chapter".count)) : name
            guard let n = Int(digits), known.contains(n) else {
                throw SelectionError(message: "unknown chapter '\(name)': choose all or one of "
                    + known.map { String(format: "Chapter%02d", $0) }.joined(separator: ", "))
            }
            chosen.append(n)
        }
        return known.filter(chosen.contains)
    }

    /// Checks `--json`'s value before anything is graded: a path to a regular file (new or
    /// existing) in an existing, writable folder — not empty, not `-`, not a folder, not a device.
    public static func jsonPath(_ text: String) throws -> String {
        func bad(_ reason: String) -> SelectionError { SelectionError(message: "--json \(text): \(reason)") }
        guard !text.isEmpty else { throw SelectionError(message: "--json needs a file path, got ''") }
        guard text != "-" else { throw bad("the report is a file, not standard output; name a file (./- for a file called -)") }
        guard !flags.contains(text) else {
            throw SelectionError(message: "--json needs a file path, got the flag \(text) (for a file of that name write ./\(text))")
        }
        guard !text.hasSuffix("/") else { throw bad("names a folder; name the file to write, e.g. \(text)grades.json") }
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: text, isDirectory: &isFolder) {
            if isFolder.boolValue { throw bad("is a folder, not a regular file") }
            var info = stat()
            if stat(text, &info) == 0, (info.st_mode & S_IFMT) != S_IFREG { throw bad("is a device or special file, not a regular file") }
        }
        let folder = URL(fileURLWithPath: text).deletingLastPathComponent().path
        var folderIsFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &folderIsFolder), folderIsFolder.boolValue else {
            throw bad("its folder \(folder) does not exist")
        }
        guard access(folder, W_OK) == 0 else { throw bad("its folder \(folder) is not writable") }
        if FileManager.default.fileExists(atPath: text), access(text, W_OK) != 0 { throw bad("the file exists and is not writable") }
        return text
    }
}

public struct SelectionError: Error, CustomStringConvertible, Equatable {
    public let message: String
    public var description: String { message }
}
