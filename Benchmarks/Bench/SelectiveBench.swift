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
    let bigTime = Timing.median(repetitions: repetitions) { _ = selectiveScan(big, threads: cores) }
    progress.advance()
    // The floor in the same run: the L·D·N exponentials alone (libmvec), in the same row-sized
    // pieces (D/cores · N per call, L calls per core) and on the same cores as the scan.
    let piece = 1536 / cores * 16
    let expTime = Timing.median(repetitions: repetitions) {
        DispatchQueue.concurrentPerform(iterations: cores) { _ in
            let input = (0..<piece).map { -0.001 * Double($0 % 97 + 1) }   // Δ·A-like exponents
            var output = [Double](repeating: 0, count: piece)
            input.withUnsafeBufferPointer { x in
                output.withUnsafeMutableBufferPointer { y in for _ in 0..<2048 { vectorExp(x, into: y) } }
            }
        }
    }
    print(renderTable(header: ["row", "median", "target / ratio"], rows: [
        ["selective scan, B = 1, D = 1536, L = 2048, N = 16, f64, \(cores) threads", Timing.format(bigTime), "≤ 60 ms"],
        ["its 50M exponentials alone (libmvec), same cores", Timing.format(expTime), String(format: "scan = %.1f× this floor", bigTime / expTime)],
    ]))
    let mid = try inputs(length: 2048, channels: 256, stateSize: 16)
    var rows: [[String]] = []
    var sequentialOne = 0.0
    for threads in [1, 2] {
        let s = Timing.median(repetitions: repetitions) { _ = selectiveScan(mid, threads: threads) }
        progress.advance()
        let p = Timing.median(repetitions: repetitions) { _ = selectiveScanParallel(mid, threads: threads) }
        progress.advance()
        if threads == 1 { sequentialOne = s }
        rows.append(["\(threads)", Timing.format(s), String(format: "%.2f", sequentialOne / s), Timing.format(p), String(format: "%.2f", p / s)])
    }
    let seq = try ScanCost.sequential(2048), tree = try ScanCost.blelloch(2048)
    print("")
    print(renderTable(header: ["threads (D = 256, L = 2048, N = 16)", "sequential", "speed-up vs 1 thread", "Blelloch", "Blelloch ÷ sequential"], rows: rows))
    print("work per (channel, state): sequential \(seq.work) ⊕, depth \(seq.depth); Blelloch \(tree.work) ⊕ (\(String(format: "%.1f", Double(tree.work) / Double(seq.work)))×), depth \(tree.depth)")
}
