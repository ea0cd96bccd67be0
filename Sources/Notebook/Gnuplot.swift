import Foundation

/// gnuplot, driven through a pipe.
///
/// We talk to the `gnuplot` process directly (script on stdin) rather than through the C++
/// gnuplot-iostream wrapper, which would need C++ interoperability on every target and Boost.
/// The rules that keep a pipe from hanging: close stdin after the script (or gnuplot waits for
/// more), drain stdout and stderr while writing (a full pipe blocks the writer), check the exit
/// status (a script error exits 1 and skips the rest of the script), and give up after
/// `timeout` seconds: a gnuplot that never exits is stopped, and pipes that a process it started
/// still holds open are abandoned (`PipeExchange`).
public struct Gnuplot: Sendable {
    public let executable: URL
    /// Seconds one `run` may take before gnuplot is stopped (SIGTERM, then SIGKILL 1 s later).
    public let timeout: Double

    /// The default `timeout`: a figure takes gnuplot well under a second.
    public static let defaultTimeout = 60.0
    /// The environment variable that sets `timeout` for `locate`: seconds, in (0, 86400].
    public static let timeoutVariable = "GNUPLOT_TIMEOUT"

    public init(executable: URL, timeout: Double = Gnuplot.defaultTimeout) {
        self.executable = executable
        self.timeout = timeout
    }

    /// gnuplot from `PATH` (the first executable regular file named `gnuplot`; a directory of
    /// that name is skipped), or nil when it is not installed. Its `timeout` is
    /// `GNUPLOT_TIMEOUT` when that is valid, otherwise `defaultTimeout`.
    /// - Complexity: O(entries in PATH).
    public static func locate(environment: [String: String] = ProcessInfo.processInfo.environment) -> Gnuplot? {
        let path = environment["PATH"] ?? ""
        let timeout = (try? timeout(environment: environment)) ?? defaultTimeout
        for dir in path.split(separator: ":") where !dir.isEmpty {
            let candidate = URL(fileURLWithPath: String(dir)).appendingPathComponent("gnuplot")
            if FileManager.default.isExecutableFile(atPath: candidate.path), !FileSystem.isDirectory(candidate.path) {
                return Gnuplot(executable: candidate, timeout: timeout)
            }
        }
        return nil
    }

    /// The timeout set by `GNUPLOT_TIMEOUT`, or `defaultTimeout` when it is not set.
    /// - Throws: `TimeoutSettingError` naming the variable, the range and the value, unless it
    ///   is a number of seconds in (0, 86400].
    public static func timeout(environment: [String: String]) throws -> Double {
        guard let text = environment[timeoutVariable] else { return defaultTimeout }
        guard let seconds = Double(text.trimmingCharacters(in: .whitespaces)), seconds > 0, seconds <= 86_400 else {
            throw TimeoutSettingError(value: text)
        }
        return seconds
    }

    public struct TimeoutSettingError: Error, CustomStringConvertible {
        public let value: String
        public var description: String {
            "\(Gnuplot.timeoutVariable) must be a number of seconds in (0, 86400] (how long gnuplot may take per figure; default \(Int(Gnuplot.defaultTimeout))); got '\(value)'"
        }
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

    /// gnuplot ran but did not do its job.
    public struct Failure: Error, CustomStringConvertible {
        public enum Problem: Sendable, Equatable {
            /// A non-zero exit status.
            case exitStatus
            /// gnuplot closed its input before taking the whole script (so the figure is
            /// incomplete even if it exited 0).
            case stoppedReading
            /// Not finished after `seconds`: gnuplot was stopped (`exited` false), or it had
            /// exited but a process it started still held its output open.
            case timedOut(seconds: Double, exited: Bool)
            /// Exit status 0, but the PNG it should have drawn is missing, empty or not a PNG.
            case noImage(path: String, found: String)
        }
        public let scriptName: String
        /// gnuplot's exit status, or 128 + the signal that ended it.
        public let status: Int32
        public let stderr: String
        public var problem: Problem = .exitStatus

        public var stoppedReading: Bool { problem == .stoppedReading }

        public var description: String {
            let said = stderr.trimmingCharacters(in: .whitespacesAndNewlines)
            let tail = said.isEmpty ? "" : ": " + String(said.prefix(2_000))
            switch problem {
            case .exitStatus:
                return "gnuplot failed on \(scriptName) (exit status \(status))" + tail
            case .stoppedReading:
                return "gnuplot failed on \(scriptName) (exit status \(status); it stopped reading the script before its end)" + tail
            case let .timedOut(seconds, exited):
                let what = exited
                    ? "it exited, but a process it started still holds its output open, so its output was abandoned"
                    : "it was stopped"
                return "gnuplot did not finish within \(Self.seconds(seconds)) on \(scriptName); \(what) " +
                    "(set \(Gnuplot.timeoutVariable)=<seconds> to wait longer)" + tail
            case let .noImage(path, found):
                return "gnuplot exited 0 but wrote no PNG for \(scriptName): \(path) \(found)" + tail
            }
        }

        static func seconds(_ value: Double) -> String {
            value == value.rounded() ? "\(Int(value)) s" : "\(value) s"
        }
    }

    /// gnuplot could not be started at all.
    public struct LaunchFailure: Error, CustomStringConvertible {
        public let path: String
        public let reason: String
        public var description: String { "could not start gnuplot at \(path): \(reason)" }
    }

    /// Writing to a pipe whose reader has gone raises SIGPIPE, which ends the process unless
    /// ignored; ignored, the write fails with EPIPE instead and becomes a `Failure`.
    /// Evaluated once, by the first `run`.
    private static let pipeSignalIgnored: Void = { _ = signal(SIGPIPE, SIG_IGN) }()

    /// Runs `script` (fed on stdin). Returns what gnuplot printed.
    /// - Parameter scriptName: named in the error if gnuplot fails.
    /// - Throws: `LaunchFailure` when gnuplot cannot be started; `Failure` with gnuplot's
    ///   stderr on a non-zero exit, when gnuplot stopped reading before the end of the script,
    ///   or when it did not finish within `timeout` seconds (it is then stopped).
    /// - Complexity: at most `timeout` seconds, plus 1 s to stop a gnuplot that ignores SIGTERM.
    public func run(_ script: String, scriptName: String) throws -> (stdout: String, stderr: String) {
        Self.pipeSignalIgnored
        let (process, input, output, errors) = try launch()
        // Read now, while gnuplot surely runs: once it has exited and been reaped, getpgid fails.
        let group = getpgid(process.processIdentifier) == process.processIdentifier ? process.processIdentifier : nil
        let deadline = DispatchTime.now() + timeout
        let exchange = PipeExchange.run(input: Data((script + "\n").utf8), to: input.fileHandleForWriting,
                                        stdout: output.fileHandleForReading, stderr: errors.fileHandleForReading,
                                        deadline: deadline)
        let ended = exchange.outputsEnded ? Self.status(of: process, waitingUntil: deadline) : Self.status(of: process)
        let out = String(decoding: exchange.stdout, as: UTF8.self), err = String(decoding: exchange.stderr, as: UTF8.self)
        guard exchange.outputsEnded, let status = ended else {
            let status = Self.stop(process, group: group)      // also stops what gnuplot left running
            throw Failure(scriptName: scriptName, status: status, stderr: err,
                          problem: .timedOut(seconds: timeout, exited: ended != nil))
        }
        guard status == 0, !exchange.stoppedReading else {
            throw Failure(scriptName: scriptName, status: status, stderr: err,
                          problem: exchange.stoppedReading ? .stoppedReading : .exitStatus)
        }
        return (out, err)
    }

    /// Starts gnuplot with three pipes. A launch refused with ETXTBSY ("text file busy") is tried
    /// again, up to 5 times 20 ms apart: the executable was just written (a test's stand-in
    /// gnuplot) and another thread's fork, not yet exec'd, still holds it open for writing.
    /// - Throws: `LaunchFailure` naming the path and the reason.
    private func launch() throws -> (Process, Pipe, Pipe, Pipe) {
        for attempt in 1...5 {
            let process = Process()
            process.executableURL = executable
            process.arguments = []
            let input = Pipe(), output = Pipe(), errors = Pipe()
            process.standardInput = input
            process.standardOutput = output
            process.standardError = errors
            do {
                try Self.withNoSignalsBlocked { try process.run() }
                return (process, input, output, errors)
            } catch where Self.isTextFileBusy(error) && attempt < 5 {
                usleep(20_000)
            } catch {
                throw LaunchFailure(path: executable.path, reason: Self.launchReason(executable.path, error))
            }
        }
        preconditionFailure("unreachable: the fifth attempt returns or throws")
    }

    /// True when `error` (or the error under it) is POSIX ETXTBSY.
    static func isTextFileBusy(_ error: Error) -> Bool {
        let ns = error as NSError
        if ns.domain == NSPOSIXErrorDomain && ns.code == Int(ETXTBSY) { return true }
        if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError { return isTextFileBusy(underlying) }
        return false
    }

    /// The exit status of the child if it has ended (128 + the signal if a signal ended it),
    /// or nil while it runs. Asked of the kernel without reaping the child (`WNOWAIT`), because
    /// `Process` on Linux counts a child as running until every process that inherited its
    /// descriptors has exited: a grandchild left behind would make us wait for it. Once
    /// `Process` has reaped the child (`ECHILD`), its own status is used.
    static func status(of process: Process) -> Int32? {
        let pid = process.processIdentifier
        var info = siginfo_t()
        if waitid(P_PID, id_t(pid), &info, WEXITED | WNOHANG | WNOWAIT) == 0 {
            guard info._sifields._sigchld.si_pid == pid else { return nil }
            let code = info._sifields._sigchld.si_status
            return info.si_code == CLD_EXITED ? code : 128 + code
        }
        guard errno == ECHILD, !process.isRunning else { return nil }
        return process.terminationReason == .exit ? process.terminationStatus : 128 + process.terminationStatus
    }

    /// `status(of:)`, polled every 5 ms until `deadline`.
    static func status(of process: Process, waitingUntil deadline: DispatchTime) -> Int32? {
        while true {
            if let status = status(of: process) { return status }
            if DispatchTime.now() >= deadline { return nil }
            usleep(5_000)
        }
    }

    /// Runs `body` with this thread's signal mask empty. A child inherits the mask of the
    /// thread that starts it, and Dispatch's worker threads block most signals (SIGTERM too):
    /// gnuplot started there could then only be stopped by SIGKILL.
    private static func withNoSignalsBlocked<T>(_ body: () throws -> T) rethrows -> T {
        var none = sigset_t(), saved = sigset_t()
        sigemptyset(&none)
        pthread_sigmask(SIG_SETMASK, &none, &saved)
        defer { pthread_sigmask(SIG_SETMASK, &saved, nil) }
        return try body()
    }

    /// SIGTERM, and SIGKILL if gnuplot is still running 1 s later. Returns its status.
    /// `Process` starts gnuplot as the leader of its own process group, so the signals go to the
    /// whole group: whatever gnuplot started (a shell's `sleep`, a helper holding the pipe) is
    /// stopped too rather than left behind as an orphan. (If the child were in our own group,
    /// only its pid is signalled — never our group.)
    /// - Parameter group: gnuplot's process group, when it leads its own (read at launch).
    private static func stop(_ process: Process, group: Int32?) -> Int32 {
        let target = group.map { -$0 } ?? process.processIdentifier   // −pgid: the whole group
        kill(target, SIGTERM)
        if let status = status(of: process, waitingUntil: .now() + 1) { kill(target, SIGKILL); return status }
        kill(target, SIGKILL)
        return status(of: process, waitingUntil: .now() + 5) ?? 128 + SIGKILL
    }

    /// Why `path` could not be started, in plain words: missing, a directory, not executable,
    /// a `#!` line naming an interpreter that does not exist, or the system's reason.
    static func launchReason(_ path: String, _ error: Error) -> String {
        if let dangling = FileSystem.danglingLink(path) { return dangling }
        guard FileManager.default.fileExists(atPath: path) else { return "no such file" }
        if FileSystem.isDirectory(path) { return "it is a directory" }
        guard access(path, X_OK) == 0 else { return "permission denied (it is not executable)" }
        if let interpreter = interpreterLine(path), !FileManager.default.isExecutableFile(atPath: interpreter) {
            let state = FileManager.default.fileExists(atPath: interpreter) ? "is not executable" : "does not exist"
            return "its first line #!\(interpreter) names an interpreter that \(state)"
        }
        return FileSystem.plainReason(error)
    }

    /// The interpreter of a `#!` script, or nil.
    private static func interpreterLine(_ path: String) -> String? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        let head = String(decoding: (try? handle.read(upToCount: 256)) ?? Data(), as: UTF8.self)
        guard head.hasPrefix("#!") else { return nil }
        let line = head.dropFirst(2).prefix { $0 != "\n" }.trimmingCharacters(in: .whitespaces)
        return line.split(separator: " ").first.map(String.init)
    }
}
