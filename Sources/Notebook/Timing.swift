import Foundation

/// Wall-clock timing for the informative cost tables in chapters and for the benchmark.
public enum Timing {
    /// Seconds taken by one call of `body`. - Complexity: one call.
    @inlinable
    public static func seconds(_ body: () throws -> Void) rethrows -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9
    }

    /// The median time of one call of `body`, over `repetitions` samples taken after a warm-up
    /// call (plans, caches and page faults are paid there). Calls faster than
    /// `minimumSample` are looped inside each sample (the loop count fixed from the warm-up) so
    /// that the clock's resolution does not dominate. The median, not the mean, so one
    /// interruption by the OS does not move the result.
    public static func median(repetitions: Int = 7, minimumSample: Double = 2e-3,
                              _ body: () throws -> Void) rethrows -> Double {
        precondition(repetitions >= 1)
        let once = try seconds(body)
        let inner = once >= minimumSample ? 1 : min(100_000, Int((minimumSample / max(once, 1e-8)).rounded(.up)))
        var times: [Double] = []
        for _ in 0..<repetitions {
            times.append(try seconds { for _ in 0..<inner { try body() } } / Double(inner))
        }
        return medianOf(times)
    }

    /// The median of a non-empty list. - Complexity: O(n log n).
    public static func medianOf(_ values: [Double]) -> Double {
        let s = values.sorted()
        return s.count % 2 == 1 ? s[s.count / 2] : 0.5 * (s[s.count / 2 - 1] + s[s.count / 2])
    }

    /// A duration in the unit that reads best: "412 µs", "3.21 ms", "1.08 s".
    public static func format(_ seconds: Double) -> String {
        if seconds < 1e-5 { return String(format: "%.2f µs", seconds * 1e6) }
        if seconds < 1e-3 { return String(format: "%.0f µs", seconds * 1e6) }
        if seconds < 1 { return String(format: "%.3g ms", seconds * 1e3) }
        return String(format: "%.3g s", seconds)
    }
}
