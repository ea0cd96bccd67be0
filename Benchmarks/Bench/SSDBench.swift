import Dispatch
import Foundation
import Notebook
import StateSpace

/// Mamba-2's chunked SSD at its reference size, its GEMM efficiency against OpenBLAS's own
/// dgemm at the same shape and parallelism, and where it overtakes the recurrence.
func ssdBenchmarks(repetitions: Int) throws {
    var rng = SplitMix64(seed: 6)
    let cores = ProcessInfo.processInfo.activeProcessorCount
    let (t, h, p, n, q) = (16384, 8, 64, 64, 64)
    let inputs = try SSDInputs.random(length: t, heads: h, headDim: p, stateSize: n, rng: &rng)
    var progress = Progress("SSD", total: 3)
    let chunked = try Timing.median(repetitions: repetitions) { _ = try ssdChunked(inputs, chunk: q, threads: cores) }
    progress.advance()
    // OpenBLAS alone: 64×64×64 dgemms on every core at once (one BLAS thread each, as in
    // ssdChunked), timed interleaved with the chunked SSD into a reused output, as a layer
    // running again and again would (no first-touch page faults).
    let dgemm = dgemmFloor(cores: cores)
    var output = Matrix(zeros: t, h * p)
    let times = try interleavedTimes(repetitions: repetitions, [{ try ssdChunked(inputs, chunk: q, threads: cores, into: &output) }, dgemm.body])
    progress.advance()
    let (reused, dgemmTime) = (times.median[0], times.median[1])
    let dgemmRate = dgemm.flops / dgemmTime                            // all cores
    let gemmFlops = try SSDFlops.chunkedGEMM(t: t, h: h, p: p, n: n, q: q)
    let chunkedRate = gemmFlops / chunked                              // whole run: includes the non-GEMM steps
    let wholeShare = String(format: "%.0f%% (min: %.0f%%)", 100 * (gemmFlops / dgemm.flops) / times.pairedRatio(0, over: 1),
                            100 * (gemmFlops / times.minimum[0]) / (dgemm.flops / times.minimum[1]))
    // Inside the GEMM steps: the same run with a profile timing every GEMM call.
    let profiles = try (0..<repetitions).map { _ in
        let profile = SSDProfile()
        try ssdChunked(inputs, chunk: q, threads: cores, profile: profile, into: &output)
        return profile
    }
    let profile = profiles.sorted { $0.gemmRatePerCore < $1.gemmRatePerCore }[repetitions / 2]   // the median run
    let recurrent = Timing.median(repetitions: max(5, repetitions / 3)) { _ = ssdRecurrent(inputs, threads: cores) }
    progress.advance()
    print(renderTable(header: ["row (T = \(t), H = \(h), P = \(p), N = \(n), f64, \(cores) threads)", "median", "rate", "target"], rows: [
        ["chunked SSD, Q = \(q) (fresh output)", Timing.format(chunked), String(format: "%.1f GFLOP/s of GEMM work", chunkedRate / 1e9), "≤ 0.2 s"],
        ["chunked SSD, Q = \(q), into a reused output", Timing.format(reused), String(format: "%.1f GFLOP/s of GEMM work", gemmFlops / reused / 1e9), ""],
        ["OpenBLAS dgemm 64×64×64 (\(BLASCore.name)) alone, same parallelism", "", String(format: "%.1f GFLOP/s", dgemmRate / 1e9), ""],
        ["its GEMM steps, timed inside (reused output)", String(format: "%.0f%% of its time", 100 * profile.gemmShare),
         String(format: "%.1f GFLOP/s", profile.gemmRatePerCore * Double(cores) / 1e9),
         String(format: "%.0f%% of dgemm's (≥ 50%%)", 100 * profile.gemmRatePerCore * Double(cores) / dgemmRate)],   // the profile's own runs: no pairing
        ["whole chunked SSD ÷ dgemm's rate (GEMM flops / total time, reused output)", "", wholeShare, "≥ 60%"],
        ["recurrent SSD", Timing.format(recurrent),
         String(format: "%.1f GFLOP/s = %.0f%% of dgemm's rate", try SSDFlops.recurrent(t: t, h: h, p: p, n: n) / recurrent / 1e9,
                100 * (try SSDFlops.recurrent(t: t, h: h, p: p, n: n)) / recurrent / dgemmRate),
         String(format: "chunked is %.1f× faster", recurrent / chunked)],
    ]))

    // Where the chunked form overtakes the recurrence, as T and N vary (H = 8, P = 64, Q = 64).
    var rows: [[String]] = []
    let lengths = [16, 32, 64, 128, 256, 1024, 4096]
    for stateSize in [16, 64, 128] {
        var crossover: Int?
        var cells: [String] = []
        for length in lengths {
            let x = try SSDInputs.random(length: length, heads: 8, headDim: 64, stateSize: stateSize, rng: &rng)
            let r = Timing.median(repetitions: repetitions) { _ = ssdRecurrent(x, threads: cores) }
            let c = try Timing.median(repetitions: repetitions) { _ = try ssdChunked(x, chunk: 64, threads: cores) }
            if crossover == nil && c < r { crossover = length }
            cells.append(String(format: "%.2f", r / c))
        }
        rows.append(["\(stateSize)"] + cells + [crossover.map { "T = \($0)" } ?? "not reached"])
    }
    print("")
    print(renderTable(header: ["N \\ T: recurrent ÷ chunked"] + lengths.map(String.init) + ["chunked faster from"], rows: rows))
}
