import Foundation

/// gnuplot, driven through a pipe.
///
/// We talk to the `gnuplot` process directly (script on stdin) rather than through the C++
/// gnuplot-iostream wrapper, which would need C++ interoperability on every target and Boost.
/// The three rules that keep a pipe from hanging: close stdin after the script (or gnuplot waits
/// for more), drain stdout and stderr concurrently (a full pipe blocks the writer), and check the
/// exit status (a script error exits 1 and skips the rest of the script).
public struct Gnuplot: Sendable {
    public let executable: URL

    public init(executable: URL) { self.executable = executable }

    /// gnuplot from `PATH`, or nil when it is not installed.
    /// - Complexity: O(entries in PATH).
    public static func locate(environment: [String: String] = ProcessInfo.processInfo.environment) -> Gnuplot? {
        let path = environment["PATH"] ?? ""
        for dir in path.split(separator: ":") where !dir.isEmpty {
            let candidate = URL(fileURLWithPath: String(dir)).appendingPathComponent("gnuplot")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return Gnuplot(executable: candidate) }
        }
        return nil
    }

    /// How to get gnuplot, printed once by a chapter that could not find it.
    public static let installHint =
        "gnuplot was not found on PATH, so figures are written as .dat + .gp only (no PNG). " +
        "Install it with `sudo apt-get install gnuplot-nox` (or run scripts/install-deps.sh), " +
        "then redraw any figure with `gnuplot <plots-dir>/ChapterNN/<name>.gp`."

    public struct Failure: Error, CustomStringConvertible {
        public let scriptName: String
        public let status: Int32
        public let stderr: String
        public var description: String {
            "gnuplot failed on \(scriptName) (exit status \(status)): \(stderr.trimmingCharacters(in: .whitespacesAndNewlines))"
        }
    }

    /// Runs `script` (fed on stdin). Returns what gnuplot printed.
    /// - Parameter scriptName: named in the error if gnuplot exits non-zero.
    /// - Throws: `Failure` with gnuplot's stderr on a non-zero exit; launch errors as they come.
    public func run(_ script: String, scriptName: String) throws -> (stdout: String, stderr: String) {
        let process = Process()
        process.executableURL = executable
        process.arguments = []
        let input = Pipe(), output = Pipe(), errors = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        try process.run()

        // Drain both output pipes on their own threads while we write and wait.
        let drained = DispatchGroup()
        let collected = Collected()
        for (pipe, isError) in [(output, false), (errors, true)] {
            drained.enter()
            DispatchQueue.global().async {
                let data = pipe.fileHandleForReading.readDataToEndOfFile()
                collected.store(data, isError: isError)
                drained.leave()
            }
        }
        input.fileHandleForWriting.write(Data((script + "\n").utf8))
        try input.fileHandleForWriting.close()
        process.waitUntilExit()
        drained.wait()
        let (out, err) = collected.strings
        guard process.terminationStatus == 0 else {
            throw Failure(scriptName: scriptName, status: process.terminationStatus, stderr: err)
        }
        return (out, err)
    }
}

/// stdout and stderr bytes gathered from two reader threads.
private final class Collected: @unchecked Sendable {
    private let lock = NSLock()
    private var out = Data(), err = Data()

    func store(_ data: Data, isError: Bool) {
        lock.lock(); defer { lock.unlock() }
        if isError { err = data } else { out = data }
    }

    var strings: (String, String) {
        lock.lock(); defer { lock.unlock() }
        return (String(decoding: out, as: UTF8.self), String(decoding: err, as: UTF8.self))
    }
}
