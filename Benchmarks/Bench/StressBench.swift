import Foundation
import Notebook
import StateSpace

/// Stress rows: the long-sequence paths at sizes far past the chapters' — the LTI and S4
/// kernels with an FFT causal convolution at L = 2²⁰, the selective scans and the chunked SSD
/// at L = 2¹⁸ — each with its time, its memory and the count of non-finite outputs (must be 0).
///
/// Memory is read from /proc/self/status: the peak (VmHWM) is reset to the current resident
/// size before each row (by writing 5 to /proc/self/clear_refs), so "peak RSS" is the row's
/// own high-water mark, inputs included, and "growth" is that peak minus the resident size
/// just before the row: what the call itself needed at most. "CPU per run" is the process's
/// user + system time over the warm-up and the timed runs, divided by their number: on a busy
/// machine the wall-clock median grows, this does not (on several threads it exceeds it).
///
/// A run of these rows takes seconds, so each row is a median of 5 timed runs after a warm-up
/// (the Bench minimum) whatever `--repetitions` asks.
func stressBenchmarks(_ repetitions: Int) throws {
    let repetitions = min(repetitions, 5)
    let cores = ProcessInfo.processInfo.activeProcessorCount
    var rows: [[String]] = []
    var progress = Progress("stress", total: 6)
    func row(_ label: String, _ body: () throws -> [Double]) throws {
        rows.append(try stressRow(label, repetitions: repetitions, body))
        progress.advance()
    }

    // L = 2²⁰: LTI (N = 16, ZOH) and S4 (LegS DPLR, N = 64) kernels, each with the FFT causal
    // convolution of one input (padded to n = 2²¹).
    let long = 1 << 20
    var rng = SplitMix64(seed: 20)
    let u = (0..<long).map { _ in rng.nextGaussian() }                       // (L)
    let lti = try stressLTI(stateSize: 16, rng: &rng)
    var subnormalTaps = 0
    try row("LTI kernel C Āᵏ B̄ (stepping) + FFT convolution, N = 16, L = 2²⁰") {
        let kernel = try lti.kernel(length: long)                             // (L), as `convolve` forms it
        subnormalTaps = kernel.reduce(0) { $0 + ($1.isSubnormal ? 1 : 0) }
        return try causalConvolution(kernel, u)                               // D = 0: this is `convolve(u)`
    }
    let dplr = try DPLR.legS(stateSize: 64)
    let cTilde = (0..<64).map { _ in rng.nextGaussian() / 8 }                // (N): C̃ ~ N(0, 1/N)
    try row("S4 kernel (Cauchy + iFFT) + FFT convolution, N = 64, Δ = 0.01, L = 2²⁰") {
        try causalConvolution(try s4Kernel(dplr, cTilde: cTilde, step: 0.01, length: long), u)
    }
    let convolution = try CausalConvolution(kernel: try s4Kernel(dplr, cTilde: cTilde, step: 0.01, length: long))
    try row("FFT causal convolution alone (kernel spectrum cached), L = 2²⁰") { try convolution.apply(u) }

    // L = 2¹⁸: the selective scans (Mamba's selection, D = 64 channels, N = 16) and the chunked
    // SSD (Mamba-2, H = 4 heads of P = 16, N = 16, one group, Q = 64).
    let short = 1 << 18
    let parameters = try SelectiveParameters(channels: 64, stateSize: 16, dtRank: 4, rng: &rng)
    let selective = try parameters.scanInputs(try Matrix(rows: short, cols: 64, elements: (0..<short * 64).map { _ in rng.nextGaussian() }))
    try row("selective scan, sequential, D = 64, N = 16, L = 2¹⁸, \(cores) threads") { selectiveScan(selective, threads: cores).elements }
    // forEachChannel hands 8-channel blocks to the workers: D = 64 runs on all of them.
    try row("selective scan, Blelloch, D = 64, N = 16, L = 2¹⁸, \(cores) threads") {
        selectiveScanParallel(selective, threads: cores).elements
    }
    let ssd = try SSDInputs.random(length: short, heads: 4, headDim: 16, stateSize: 16, rng: &rng)
    try row("chunked SSD, H = 4, P = 16, N = 16, Q = 64, T = 2¹⁸, \(cores) threads") { try ssdChunked(ssd, chunk: 64, threads: cores).elements }

    print(renderTable(header: ["row (f64, median of \(repetitions) after a warm-up)", "median", "CPU per run", "peak RSS", "growth", "non-finite outputs"],
                      rows: rows))
    let failures = rows.filter { $0.last != "0" }
    if !failures.isEmpty {
        throw StressFailure(rows: failures.map { $0[0] })
    }
    print("non-finite outputs: 0 in every row")
    // A decaying kernel stepped far past its decay does not reach 0: v ← Āv stalls at subnormal
    // values (0.99·x rounds back to x once x is a few dozen multiples of 2⁻¹⁰⁷⁴), and every later step runs on
    // subnormals, which cost the FPU tens of times a normal operation.
    print("LTI kernel: \(subnormalTaps) of \(long) taps are subnormal (|K_k| < 2.2e-308 and ≠ 0)\n")
}

/// A stable random LTI SSM discretised by ZOH with Δ = 0.01: A = −I + E/(2‖E‖_F).
private func stressLTI(stateSize n: Int, rng: inout SplitMix64) throws -> DiscreteStateSpaceModel {
    let e = (0..<n * n).map { _ in rng.nextGaussian() }
    let norm = e.reduce(0) { $0 + $1 * $1 }.squareRoot()
    let a = try Matrix(rows: n, cols: n, elements: (0..<n * n).map { ($0 % (n + 1) == 0 ? -1 : 0) + e[$0] / (2 * norm) })
    let b = (0..<n).map { _ in rng.nextGaussian() }, c = (0..<n).map { _ in rng.nextGaussian() }
    return try StateSpaceModel(a: a, b: b, c: c).discretized(step: 0.01, method: .zoh)
}

/// One stress row: the median time of `body`, the row's peak resident memory and its growth
/// over the resident size before the row, and how many outputs are NaN or ±∞.
private func stressRow(_ label: String, repetitions: Int, _ body: () throws -> [Double]) throws -> [String] {
    let peakReset = ResidentMemory.resetPeak()
    let before = ResidentMemory.current()
    var output: [Double] = []
    let cpuBefore = processCPUSeconds()
    let time = try Timing.median(repetitions: repetitions) {
        output = []                                                            // free the last run's output first
        output = try body()
    }
    let cpu = (processCPUSeconds() - cpuBefore) / Double(repetitions + 1)
    let peak = ResidentMemory.peak()
    let nonFinite = output.reduce(0) { $0 + ($1.isFinite ? 0 : 1) }
    let megabytes = { (bytes: Int?) in bytes.map { String(format: "%.0f MB", Double($0) / 1_048_576) } ?? "n/a" }
    return [label, Timing.format(time), Timing.format(cpu), megabytes(peak) + (peakReset ? "" : " (process)"),
            megabytes(peak.flatMap { p in before.map { p - $0 } }), "\(nonFinite)"]
}

/// User + system CPU time of the whole process so far (every thread), seconds.
private func processCPUSeconds() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
}

/// Resident memory from /proc/self/status (Linux); nil elsewhere.
enum ResidentMemory {
    /// VmRSS, bytes.
    static func current() -> Int? { field("VmRSS:") }
    /// VmHWM, the peak resident size since start or since the last `resetPeak()`, bytes.
    static func peak() -> Int? { field("VmHWM:") }

    /// Resets VmHWM to the current resident size (Linux ≥ 4.0). Returns false if it cannot.
    static func resetPeak() -> Bool {
        guard let handle = FileHandle(forWritingAtPath: "/proc/self/clear_refs") else { return false }
        defer { try? handle.close() }
        return (try? handle.write(contentsOf: Data("5".utf8))) != nil
    }

    private static func field(_ name: String) -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix(name) }) else { return nil }
        return line.split(whereSeparator: { $0 == " " || $0 == "\t" }).dropFirst().first.flatMap { Int($0) }.map { $0 * 1024 }
    }
}

/// Stress rows whose output held NaN or ±∞.
struct StressFailure: Error, CustomStringConvertible {
    let rows: [String]
    var description: String { "non-finite outputs in: \(rows.joined(separator: "; "))" }
}
