import Foundation

/// Progress for long work (benchmarks, sweeps), written to stderr so that stdout stays the
/// notebook. Redraws one line at most every 0.25 s: `label: i/total (elapsed s)`.
public struct Progress {
    public let label: String
    public let total: Int
    private var done = 0
    private let start = Date()
    private var lastDraw = Date.distantPast
    private let quiet: Bool

    /// - Parameter quiet: draw nothing (a `--seeds` sweep or `--checks-only` run passes `book.skipsTimings`).
    public init(_ label: String, total: Int, quiet: Bool = false) {
        self.label = label
        self.total = total
        self.quiet = quiet
    }

    /// Marks one more unit of work done.
    public mutating func advance(_ note: String = "") {
        done += 1
        guard !quiet else { return }
        let now = Date()
        guard now.timeIntervalSince(lastDraw) >= 0.25 || done == total else { return }
        lastDraw = now
        let line = String(format: "\r%@: %d/%d (%.1f s) %@", label, done, total, now.timeIntervalSince(start), note)
        FileHandle.standardError.write(Data(line.utf8))
        if done == total { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}
