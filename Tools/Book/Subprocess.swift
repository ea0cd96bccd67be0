import Foundation

/// Runs programs with argument arrays (never through a shell: paths with spaces or quotes
/// pass through as they are).
enum Subprocess {
    /// How a program ended.
    struct Termination {
        var status: Int32
        var signalled: Bool
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// The executable `name` on PATH.
    /// - Throws: `Failure` when PATH holds none.
    static func locate(_ name: String) throws -> URL {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for folder in path.split(separator: ":") where !folder.isEmpty {
            let candidate = URL(fileURLWithPath: String(folder)).appendingPathComponent(name)
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        throw Failure(description: "`\(name)` is not on PATH (\(path))")
    }

    /// Runs `executable` with `arguments` in `directory`, its output and errors written to
    /// the given handles, and waits for it.
    /// - Throws: `Failure` when it cannot be started.
    static func run(_ executable: URL, _ arguments: [String], in directory: URL,
                    output: FileHandle, errors: FileHandle) throws -> Termination {
        let process = Process()
        (process.executableURL, process.arguments, process.currentDirectoryURL) = (executable, arguments, directory)
        (process.standardOutput, process.standardError, process.standardInput) = (output, errors, FileHandle.nullDevice)
        do { try process.run() } catch { throw Failure(description: "cannot start \(executable.path): \(error)") }
        Interruption.shared.running(process)
        process.waitUntilExit()
        Interruption.shared.running(nil)
        return Termination(status: process.terminationStatus, signalled: process.terminationReason == .uncaughtSignal)
    }

    /// Runs the program and returns what it printed on stdout (its errors go to ours).
    /// - Throws: `Failure` when it cannot be started or exits non-zero.
    static func output(of executable: URL, _ arguments: [String], in directory: URL) throws -> String {
        let pipe = Pipe()
        let process = Process()
        (process.executableURL, process.arguments, process.currentDirectoryURL) = (executable, arguments, directory)
        (process.standardOutput, process.standardInput) = (pipe, FileHandle.nullDevice)
        do { try process.run() } catch { throw Failure(description: "cannot start \(executable.path): \(error)") }
        Interruption.shared.running(process)
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        Interruption.shared.running(nil)
        guard process.terminationStatus == 0 else {
            let command = ([executable.lastPathComponent] + arguments).joined(separator: " ")
            throw Failure(description: "\(command) exited with \(process.terminationStatus)")
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// A new file at `url`, open for writing.
    static func createFile(_ url: URL) throws -> FileHandle {
        guard FileManager.default.createFile(atPath: url.path, contents: nil) else {
            throw Failure(description: "cannot create \(url.path)")
        }
        return try FileHandle(forWritingTo: url)
    }
}
