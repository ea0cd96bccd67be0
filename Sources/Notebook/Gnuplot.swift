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

    /// Printed by a chapter run with `--ascii` that could not find gnuplot.
    public static let asciiHint =
        "--ascii draws each figure with gnuplot's dumb terminal, so it needs gnuplot too: " +
        "no figure will be shown in the terminal."

    public struct Failure: Error, CustomStringConvertible {
        public let scriptName: String
        public let status: Int32
        public let stderr: String
        /// gnuplot closed its input before taking the whole script (so the figure is incomplete
        /// even if it exited 0).
        public var stoppedReading = false
        public var description: String {
            let early = stoppedReading ? "; it stopped reading the script before its end" : ""
            let said = stderr.trimmingCharacters(in: .whitespacesAndNewlines)
            return "gnuplot failed on \(scriptName) (exit status \(status)\(early))" + (said.isEmpty ? "" : ": " + said)
        }
    }

    /// Writing to a pipe whose reader has gone raises SIGPIPE, which ends the process unless
    /// ignored; ignored, the write fails with EPIPE instead and becomes a `Failure`.
    /// Evaluated once, by the first `run`.
    private static let pipeSignalIgnored: Void = { _ = signal(SIGPIPE, SIG_IGN) }()

    /// Runs `script` (fed on stdin). Returns what gnuplot printed.
    /// - Parameter scriptName: named in the error if gnuplot exits non-zero.
    /// - Throws: `Failure` with gnuplot's stderr on a non-zero exit, or when gnuplot stopped
    ///   reading before the end of the script; launch errors as they come.
    public func run(_ script: String, scriptName: String) throws -> (stdout: String, stderr: String) {
        Self.pipeSignalIgnored
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
        var stoppedReading = false
        do { try input.fileHandleForWriting.write(contentsOf: Data((script + "\n").utf8)) } catch { stoppedReading = true }
        try? input.fileHandleForWriting.close()
        process.waitUntilExit()
        drained.wait()
        let (out, err) = collected.strings
        guard process.terminationStatus == 0, !stoppedReading else {
            throw Failure(scriptName: scriptName, status: process.terminationStatus, stderr: err, stoppedReading: stoppedReading)
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
