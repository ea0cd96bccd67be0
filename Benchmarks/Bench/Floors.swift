import Dispatch
import Foundation
import Notebook
import StateSpace

// The floors every row is measured against, in the same run: FFTW's own transforms, libmvec's
// exponentials, OpenBLAS's dgemm rate, and memory bandwidth from a copy loop.

/// Times of several bodies measured *interleaved*: one call of each per repetition, after one
/// warm-up round, so that a machine that gets busier slows every body of a row alike. Each timed
/// call comes right after an untimed call of the same body, so every body — a row and its floor
/// alike — finds in cache what a loop calling it again and again would (its own buffers, where
/// they fit; a body that allocates still allocates): otherwise a row with buffers of its own pays
/// to fetch them after the other bodies evicted them, and its floor, whose buffers are shared,
/// does not. Bodies faster than 2 ms are looped (the count fixed from the warm-up).
struct InterleavedTimes {
    /// samples[i][r]: body i's time in repetition r, in seconds.
    let samples: [[Double]]
    /// One median per body.
    var median: [Double] { samples.map(Timing.medianOf) }
    /// One minimum per body: on a machine shared with other work, the least disturbed run.
    var minimum: [Double] { samples.map { $0.min()! } }

    /// Body `row`'s time over body `floor`'s, *paired*: the median over repetitions of the two
    /// times taken moments apart in the same repetition — steadier on a shared machine than the
    /// ratio of the two medians, whose runs may fall in different busy spells.
    func pairedRatio(_ row: Int, over floor: Int) -> Double {
        Timing.medianOf(zip(samples[row], samples[floor]).map { $0 / $1 })
    }
}

/// Runs `bodies` interleaved (see `InterleavedTimes`).
func interleavedTimes(repetitions: Int, _ bodies: [() throws -> Void]) throws -> InterleavedTimes {
    var inner: [Int] = []
    for body in bodies {
        let once = try Timing.seconds(body)
        inner.append(once >= 2e-3 ? 1 : min(10_000, Int((2e-3 / max(once, 1e-8)).rounded(.up))))
    }
    var samples = [[Double]](repeating: [], count: bodies.count)
    for _ in 0..<repetitions {
        for (i, body) in bodies.enumerated() {
            try body()                                                 // untimed: its buffers into cache
            samples[i].append(try Timing.seconds { for _ in 0..<inner[i] { try body() } } / Double(inner[i]))
        }
    }
    return InterleavedTimes(samples: samples)
}

/// A row's ratio to its floor: the median of the paired ratios, with the ratio of the minima
/// beside it: "1.04 (min 0.98)".
func ratios(_ t: InterleavedTimes, _ row: Int, over floor: Int) -> String {
    String(format: "%.2f (min %.2f)", t.pairedRatio(row, over: floor), t.minimum[row] / t.minimum[floor])
}

/// OpenBLAS's dgemm alone at 64×64×64 (the SSD's chunk size) on every core at once, one BLAS
/// thread each: a body for `interleavedTimes` and the flops it does.
func dgemmFloor(cores: Int, calls: Int = 256) -> (body: () -> Void, flops: Double) {
    var rng = SplitMix64(seed: 64)
    let size = 64
    let matrices = (0..<2).map { _ in (0..<size * size).map { _ in rng.nextGaussian() } }
    let body = {
        BLASThreads.withSingleThreadedBLAS {
            DispatchQueue.concurrentPerform(iterations: cores) { _ in
                var c = [Double](repeating: 0, count: size * size)
                matrices[0].withUnsafeBufferPointer { a in
                    matrices[1].withUnsafeBufferPointer { b in
                        c.withUnsafeMutableBufferPointer { pc in
                            for _ in 0..<calls {
                                gemm(m: size, n: size, k: size, a.baseAddress!, lda: size, b.baseAddress!, ldb: size, pc.baseAddress!, ldc: size)
                            }
                        }
                    }
                }
            }
        }
    }
    return (body, Double(cores * calls) * 2 * Double(size * size * size))
}

/// A copy loop over `bytes` bytes (read once, written once) on every core: memory bandwidth, as
/// a body and the bytes it moves (read + written).
func copyFloor(bytes: Int, cores: Int) -> (body: () -> Void, bytes: Double) {
    let count = bytes / 8 / cores
    let sources = (0..<cores).map { _ in UnsafeSendable([Double](repeating: 1, count: count)) }
    let targets = (0..<cores).map { _ in UnsafeMutablePointer<Double>.allocate(capacity: count) }
    let pointers = targets.map(UnsafeSendable.init)
    let body = {
        DispatchQueue.concurrentPerform(iterations: cores) { w in
            sources[w].value.withUnsafeBufferPointer { pointers[w].value.update(from: $0.baseAddress!, count: count) }
        }
    }
    return (body, 2 * Double(count * cores * 8))
}

/// A value handed to worker threads that only read it (or own it alone).
struct UnsafeSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
