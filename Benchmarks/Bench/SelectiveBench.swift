import Dispatch
import Foundation
import Notebook
import StateSpace

/// The selective scan at Mamba's sizes, and parallel (Blelloch) vs sequential with 1 and 2 threads.
func selectiveBenchmarks(repetitions: Int) throws {
    var rng = SplitMix64(seed: 5)
    func inputs(length l: Int, channels d: Int, stateSize n: Int) throws -> SelectiveScanInputs {
        let params = try SelectiveParameters(channels: d, stateSize: n, dtRank: max(1, d / 16), rng: &rng)
        return try params.scanInputs(try Matrix(rows: l, cols: d, elements: (0..<l * d).map { _ in rng.nextGaussian() }))
    }
    let cores = ProcessInfo.processInfo.activeProcessorCount
    let big = try inputs(length: 2048, channels: 1536, stateSize: 16)
    var progress = Progress("selective scan", total: 5)
    // The floor in the same run: the L·D·N exponentials alone (libmvec), in the same row-sized
    // pieces (D/cores · N per call, L calls per core) and on the same cores as the scan — by the
    // routine the scan calls (`scanExponentials`: 8-wide AVX-512 where the CPU has it), and by
    // `vectorExp` (4-wide AVX2), the floor of earlier runs, for comparison.
    let piece = 1536 / cores * 16
    func exponentials(_ exp: @escaping @Sendable (UnsafeBufferPointer<Double>, UnsafeMutableBufferPointer<Double>) -> Void) -> () -> Void {
        {
            DispatchQueue.concurrentPerform(iterations: cores) { _ in
                let input = (0..<piece).map { -0.001 * Double($0 % 97 + 1) }   // Δ·A-like exponents
                var output = [Double](repeating: 0, count: piece)
                input.withUnsafeBufferPointer { x in
                    output.withUnsafeMutableBufferPointer { y in for _ in 0..<2048 { exp(x, y) } }
                }
            }
        }
    }
    // Its memory traffic: x and Δ read, y written (3·L·D doubles), at a copy loop's bandwidth.
    let copy = copyFloor(bytes: 3 * 2048 * 1536 * 8 / 2, cores: cores)
    let big2 = try interleavedTimes(repetitions: repetitions, [{ _ = selectiveScan(big, threads: cores) },
                                                               exponentials { scanExponentials($0, into: $1) }, copy.body,
                                                               exponentials { vectorExp($0, into: $1) }])
    let (bigTime, expTime, copyTime, exp4Time) = (big2.median[0], big2.median[1], big2.median[2], big2.median[3])
    progress.advance()
    print(renderTable(header: ["row", "median", "÷ floor", "target"], rows: [
        ["its 50M exponentials alone, by the scan's own exp (libmvec, 8-wide), same cores", Timing.format(expTime), "", "(floor)"],
        ["the same by vectorExp (libmvec, 4-wide AVX2: the earlier floor)", Timing.format(exp4Time),
         "scan ÷ this: " + ratios(big2, 0, over: 3), ""],
        [String(format: "its memory traffic (x, Δ in, y out: %.0f MB) by a copy loop, %.1f GB/s", copy.bytes / 1e6, copy.bytes / copyTime / 1e9),
         Timing.format(copyTime), "", "(floor)"],
        ["selective scan, B = 1, D = 1536, L = 2048, N = 16, f64, \(cores) threads", Timing.format(bigTime), ratios(big2, 0, over: 1), "≤ 1.4"],
    ]))
    let mid = try inputs(length: 2048, channels: 256, stateSize: 16)
    // One interleaved round: the sequential scan (channels over the cores), the two-level scan
    // (time over the cores) and Blelloch's tree, on 1 and 2 threads.
    let t = try interleavedTimes(repetitions: repetitions, [
        { _ = selectiveScan(mid, threads: 1) }, { _ = selectiveScan(mid, threads: 2) },
        { _ = selectiveScanTwoLevel(mid, threads: 1) }, { _ = selectiveScanTwoLevel(mid, threads: 2) },
        { _ = selectiveScanParallel(mid, threads: 1) }, { _ = selectiveScanParallel(mid, threads: 2) },
    ])
    for _ in 0..<4 { progress.advance() }
    func row(_ name: String, _ i: Int, _ reference: Int, _ target: String) -> [String] {
        [name, Timing.format(t.median[i]), ratios(t, i, over: reference), ratios(t, i, over: 0), target]
    }
    let seq = try ScanCost.sequential(2048), tree = try ScanCost.blelloch(2048)
    print("")
    print(renderTable(header: ["D = 256, L = 2048, N = 16", "median", "÷ sequential, same threads", "÷ sequential, 1 thread", "target"], rows: [
        row("sequential, 1 thread", 0, 0, "(floor)"),
        row("sequential, 2 threads (channels split)", 1, 1, ""),
        row("two-level, 1 thread", 2, 0, "≤ 1.1"),
        row("two-level, 2 threads (time split)", 3, 1, "< 1 (÷ 1 thread)"),
        row("Blelloch, 1 thread", 4, 0, "≤ 2"),
        row("Blelloch, 2 threads (channels split)", 5, 1, "≤ 2"),
    ]))
    print("work per (channel, state): sequential \(seq.work) ⊕, depth \(seq.depth); Blelloch \(tree.work) ⊕ (\(String(format: "%.1f", Double(tree.work) / Double(seq.work)))×), depth \(tree.depth); "
          + "two-level on P threads: ≈ (2 − 1/P)·\(seq.work) steps, depth ≈ L/P + P")
}
