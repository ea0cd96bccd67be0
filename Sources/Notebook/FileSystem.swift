import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The few file operations the harness needs, done with POSIX calls so that a failure is
/// reported with the system's reason (`errno`), in plain words: Foundation's file APIs lose
/// `errno` and report e.g. "(NSCocoaErrorDomain error 512.)" for a directory in the way.
public enum FileSystem {
    /// Writes `data` to `url` atomically: into a temporary file beside it, then renamed over it
    /// (a symbolic link at `url` is replaced, not followed). Anything at `url` that is not a
    /// regular file or a link (a directory, a device such as /dev/null, a FIFO, a socket) is
    /// refused rather than replaced: renaming over a device would destroy it.
    /// - Returns: nil, or why it failed (`describe`), naming `url`'s path.
    /// - Complexity: O(data.count).
    static func write(_ data: Data, to url: URL) -> String? {
        let path = url.path
        if let kind = nonRegularKind(path) { return "\(path) is \(kind), not a regular file: refusing to replace it" }
        let temporary = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).\(getpid()).tmp").path
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { return describe(errno, at: path) }
        var failure: String?
        data.withUnsafeBytes { bytes in
            var offset = 0
            while offset < bytes.count {
                let n = Glibc.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = describe(errno, at: path); return
                }
                offset += n
            }
        }
        if close(fd) != 0, failure == nil { failure = describe(errno, at: path) }
        if failure == nil, rename(temporary, path) != 0 { failure = describe(errno, at: path) }
        if failure != nil { unlink(temporary) }
        return failure
    }

    /// What is at `path` when it exists and is neither a regular file nor a symbolic link
    /// ("a directory", "a device", "a FIFO", "a socket"), else nil.
    static func nonRegularKind(_ path: String) -> String? {
        var info = stat()
        guard lstat(path, &info) == 0 else { return nil }
        switch info.st_mode & S_IFMT {
        case S_IFREG, S_IFLNK: return nil
        case S_IFDIR: return "a directory"
        case S_IFCHR, S_IFBLK: return "a device"
        case S_IFIFO: return "a FIFO"
        case S_IFSOCK: return "a socket"
        default: return "not a file"
        }
    }

    /// Removes the file at `url` if there is one.
    /// - Returns: nil (removed, or nothing there), or why it could not be removed.
    static func removeIfPresent(_ url: URL) -> String? {
        guard unlink(url.path) != 0, errno != ENOENT else { return nil }
        return describe(errno, at: url.path)
    }

    /// Creates `url` and its missing parents (like `mkdir -p`).
    /// - Returns: nil, or why a component could not be created, naming that component.
    /// - Complexity: O(path components).
    static func makeDirectories(_ url: URL) -> String? {
        var missing: [String] = []
        var current = url.standardizedFileURL
        while !isDirectory(current.path) {
            missing.append(current.path)
            let parent = current.deletingLastPathComponent()
            if parent.path == current.path { break }
            current = parent
        }
        for path in missing.reversed() where mkdir(path, 0o777) != 0 && errno != EEXIST {
            return describe(errno, at: path)
        }
        return nil
    }

    /// The first entry along `directory` (itself or an ancestor) that exists but cannot hold
    /// files: a file, or a symbolic link to nothing. Creating the directory would fail there.
    /// - Returns: nil, or what is in the way, e.g. "/tmp/plots is a file, not a directory".
    /// - Complexity: O(path components).
    static func obstacle(along directory: URL) -> String? {
        var url = directory.standardizedFileURL
        while true {
            var info = stat()
            if lstat(url.path, &info) == 0 {
                if let dangling = danglingLink(url.path) { return dangling }
                return isDirectory(url.path) ? nil : "\(url.path) is a file, not a directory"
            }
            let parent = url.deletingLastPathComponent()
            if parent.path == url.path { return nil }
            url = parent
        }
    }

    /// "`path` is a dangling symbolic link (to `target`, which does not exist)", or nil.
    static func danglingLink(_ path: String) -> String? {
        var info = stat()
        guard lstat(path, &info) == 0, info.st_mode & S_IFMT == S_IFLNK, stat(path, &info) != 0 else { return nil }
        let target = (try? FileManager.default.destinationOfSymbolicLink(atPath: path)) ?? "?"
        return "\(path) is a dangling symbolic link (to \(target), which does not exist)"
    }

    static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && info.st_mode & S_IFMT == S_IFDIR
    }

    /// `code` (an `errno`) said about `path` in plain words: "<path> is a directory",
    /// "<path>: permission denied", "<path> is a dangling symbolic link (…)".
    static func describe(_ code: Int32, at path: String) -> String {
        switch code {
        case EISDIR: return "\(path) is a directory"
        case ENOENT: return danglingLink(path) ?? "\(path): no such file or directory"
        default: return "\(path): \(errnoText(code))"
        }
    }

    /// `strerror(code)` starting in lower case ("permission denied").
    static func errnoText(_ code: Int32) -> String {
        let text = String(cString: strerror(code))
        return text.prefix(1).lowercased() + text.dropFirst()
    }

    /// A Foundation error in plain words: the POSIX reason underneath when there is one, the
    /// usual file-system cases by name, never the "NSCocoaErrorDomain" wording.
    public static func plainReason(_ error: Error) -> String {
        let ns = error as NSError
        if ns.domain == NSPOSIXErrorDomain { return errnoText(Int32(ns.code)) }
        if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError { return plainReason(underlying) }
        switch CocoaError.Code(rawValue: ns.code) {
        case .fileNoSuchFile, .fileReadNoSuchFile: return "no such file or directory"
        case .fileWriteNoPermission, .fileReadNoPermission: return "permission denied"
        case .fileWriteFileExists: return "a file of that name already exists"
        case .fileWriteOutOfSpace: return "no space left on device"
        case .fileWriteVolumeReadOnly: return "read-only file system"
        case .fileWriteInvalidFileName, .fileReadInvalidFileName: return "invalid file name"
        default: return "the system refused (error code \(ns.code))"
        }
    }
}
