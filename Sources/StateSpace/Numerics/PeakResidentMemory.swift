import Foundation

/// How much physical memory a computation touched, as the operating system counts it: the rise
/// of the process's peak resident set size (Linux `VmHWM`) while `body` runs. The peak is reset
/// first (writing 5 to `/proc/self/clear_refs`, Linux ≥ 4.0), so the number is this body's own
/// high-water mark above the memory already resident.
///
/// It counts pages, not bytes asked for: memory the allocator reuses (already resident) does not
/// count, and every page written does. Large arrays (megabytes) come straight from the kernel and
/// are counted almost exactly; a few kilobytes of scratch space are usually already resident and
/// count as 0.
public enum PeakResidentMemory {
    /// `body`'s result and the rise of the peak resident set in bytes, or nil where the peak
    /// cannot be reset or read (not Linux, or /proc unavailable).
    /// - Complexity: one call of `body` plus two small /proc reads.
    public static func growth<R>(_ body: () throws -> R) rethrows -> (result: R, bytes: Int?) {
        guard FileManager.default.isWritableFile(atPath: "/proc/self/clear_refs"),
              (try? "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .utf8)) != nil,
              let before = highWaterKilobytes() else {
            return (try body(), nil)
        }
        let result = try body()
        return (result, highWaterKilobytes().map { max(0, $0 - before) * 1024 })
    }

    /// VmHWM from /proc/self/status, in kB.
    static func highWaterKilobytes() -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }) else { return nil }
        return Int(line.split(separator: " ").dropFirst().first ?? "")
    }
}
