import Dispatch
import Foundation
import Notebook
import StateSpace

/// The gradients of Chapter07: the selective scan's backward ÷ its forward (stored states, and
/// the recomputing mode's overhead and memory), and the S4D layer's gradient with FFTW's share.
func learningBenchmarks(repetitions: Int) throws {
    try selectiveScanGradientBenchmarks(repetitions: repetitions)
    try mambaBlockGradientBenchmarks(repetitions: repetitions)
    try s4dGradientBenchmarks(repetitions: repetitions)
}

/// One Mamba block (d_model = 256, d_inner = 512, N = 16, one sequence of L = 2048): training
/// forward (keeping its tape) and backward, in both scan-gradient modes, interleaved.
func mambaBlockGradientBenchmarks(repetitions: Int) throws {
    let (l, d, n) = (2048, 256, 16)
    var rng = SplitMix64(seed: 17)
    let x = try Matrix(rows: l, cols: d, elements: (0..<l * d).map { _ in rng.nextGaussian() })     // (L, d_model)
    let dy = try Matrix(rows: l, cols: d, elements: (0..<l * d).map { _ in rng.nextGaussian() })    // (L, d_model)
    let modes: [ScanGradientMode] = [.storedStates, .recomputed(checkpointEvery: 64)]
    var blocks = try modes.map { mode in
        var seeded = SplitMix64(seed: 19)
        return try MambaMixer(modelWidth: d, core: try S6Core(width: 2 * d, stateSize: n, dtRank: d / 16, gradientMode: mode, rng: &seeded),
                              rng: &seeded)
    }
    var times = [[Double]](repeating: [], count: 4)                    // fwd/bwd stored, fwd/bwd recomputed
    var progress = Progress("Mamba block gradient", total: repetitions)
    for _ in 0..<repetitions {
        for k in blocks.indices {
            var tape: MambaMixer<S6Core>.Tape?
            times[2 * k].append(try Timing.seconds { tape = try blocks[k].forward(x, length: l).tape })
            times[2 * k + 1].append(try Timing.seconds { _ = try blocks[k].backward(tape!, outputGradient: dy) })
        }
        progress.advance()
    }
    let m = times.map(Timing.medianOf)
    print(renderTable(header: ["Mamba block, d_model = \(d), L = \(l), N = \(n)", "median", "ratio"], rows: [
        ["training forward, stored states", Timing.format(m[0]), ""],
        ["backward, stored states", Timing.format(m[1]), String(format: "%.2f× its forward (target ≤ 3)", m[1] / m[0])],
        ["training forward, recomputed (T = 64)", Timing.format(m[2]), ""],
        ["backward, recomputed (T = 64)", Timing.format(m[3]), String(format: "%.2f× its forward", m[3] / m[2])],
        ["forward + backward: recomputed ÷ stored", "", String(format: "%.2f×", (m[2] + m[3]) / (m[0] + m[1]))],
    ]))
}

/// Selective scan at Mamba's sizes (B = 1, D = 1536, L = 2048, N = 16), all cores: inference
/// scan, training forward and backward in both modes (T = 64), interleaved in each repetition;
/// memory of each mode as kept bytes (the tape) and as the peak resident growth of forward +
/// backward.
func selectiveScanGradientBenchmarks(repetitions: Int) throws {
    let (l, d, n, chunk) = (2048, 1536, 16, 64)
    var rng = SplitMix64(seed: 13)
    let params = try SelectiveParameters(channels: d, stateSize: n, dtRank: d / 16, rng: &rng)
    let inputs = try params.scanInputs(try Matrix(rows: l, cols: d, elements: (0..<l * d).map { _ in rng.nextGaussian() }))
    let dy = try Matrix(rows: l, cols: d, elements: (0..<l * d).map { _ in rng.nextGaussian() })   // (L, D)
    let cores = ProcessInfo.processInfo.activeProcessorCount
    let modes: [ScanGradientMode] = [.storedStates, .recomputed(checkpointEvery: chunk)]
    var memory: [(kept: Int, peak: Int?)] = []
    for mode in modes {                                                 // also the warm-up
        let (tape, peak) = try PeakResidentMemory.growth { () throws -> SelectiveScanTape in
            let (_, _, tape) = try selectiveScanForward(inputs, mode: mode, threads: cores)
            _ = try selectiveScanBackward(tape, outputGradient: dy, threads: cores)
            return tape
        }
        memory.append((tape.keptBytes, peak))
    }
    var times = [[Double]](repeating: [], count: 5)                    // inference, fwd/bwd stored, fwd/bwd recomputed
    var progress = Progress("selective scan gradient", total: repetitions)
    for _ in 0..<repetitions {
        times[0].append(Timing.seconds { _ = selectiveScan(inputs, threads: cores) })
        for (k, mode) in modes.enumerated() {
            var tape: SelectiveScanTape?
            times[1 + 2 * k].append(try Timing.seconds { tape = try selectiveScanForward(inputs, mode: mode, threads: cores).tape })
            times[2 + 2 * k].append(try Timing.seconds { _ = try selectiveScanBackward(tape!, outputGradient: dy, threads: cores) })
        }
        progress.advance()
    }
    let m = times.map(Timing.medianOf)
    let mb = { (bytes: Int?) in bytes.map { String(format: "%.0f MB", Double($0) / 1e6) } ?? "n/a" }
    print(renderTable(header: ["selective scan, D = \(d), L = \(l), N = \(n), \(cores) threads", "median", "ratio", "kept / peak growth"], rows: [
        ["inference scan (selectiveScan)", Timing.format(m[0]), "", ""],
        ["training forward, stored states", Timing.format(m[1]), String(format: "%.2f× inference", m[1] / m[0]), "\(mb(memory[0].kept)) / \(mb(memory[0].peak))"],
        ["backward, stored states", Timing.format(m[2]), String(format: "%.2f× its forward (target ≤ 3)", m[2] / m[1]), ""],
        ["training forward, recomputed (T = \(chunk))", Timing.format(m[3]), String(format: "%.2f× inference", m[3] / m[0]), "\(mb(memory[1].kept)) / \(mb(memory[1].peak))"],
        ["backward, recomputed (T = \(chunk))", Timing.format(m[4]), String(format: "%.2f× its forward", m[4] / m[3]), ""],
        ["forward + backward: recomputed ÷ stored", "", String(format: "%.2f× (the recomputation's overhead)", (m[3] + m[4]) / (m[1] + m[2])), ""],
    ]))
}

/// S4D layer gradient at H = 64, N = 64, L = 16384 (one sequence), all cores: forward (kernels +
/// FFT convolution) and backward (FFT correlations + Vandermonde gradient), against the same
/// number of bare FFTW transforms at n = 32768 on the same cores: FFTW's share.
func s4dGradientBenchmarks(repetitions: Int) throws {
    let (h, n, l) = (64, 64, 16384)
    var rng = SplitMix64(seed: 17)
    let cores = ProcessInfo.processInfo.activeProcessorCount
    var core = try S4DCore(width: h, stateSize: n, threads: cores, rng: &rng)
    let x = try Matrix(rows: l, cols: h, elements: (0..<l * h).map { _ in rng.nextGaussian() })    // (L, H)
    let dy = try Matrix(rows: l, cols: h, elements: (0..<l * h).map { _ in rng.nextGaussian() })   // (L, H)
    let size = try CausalConvolution.paddedSize(for: l)
    // The layer's transforms for B = 1: forward H (kernels) + H (inputs) r2c and H c2r; backward
    // H r2c and 2H c2r — 3H round trips, spread over the cores as the layer spreads channels.
    let bareFFTs = {
        DispatchQueue.concurrentPerform(iterations: cores) { w in
            let forward = FFTPlanCache.shared.plan(.realForward, size: size), inverse = FFTPlanCache.shared.plan(.realInverse, size: size)
            let real = FFTWRealBuffer(count: size), spectrum = FFTWComplexBuffer(count: size / 2 + 1)
            for _ in stride(from: w, to: 3 * h, by: cores) { forward.execute(real, spectrum); inverse.execute(spectrum, real) }
        }
    }
    _ = try core.backward(try core.forward(x, length: l).tape, outputGradient: dy)   // warm-up: plans, pages
    var times = [[Double]](repeating: [], count: 4)                    // forward, backward, kernels, FFTs
    var progress = Progress("S4D gradient", total: repetitions)
    for _ in 0..<repetitions {
        var tape: S4DCore.Tape?
        times[0].append(try Timing.seconds { tape = try core.forward(x, length: l).tape })
        times[1].append(try Timing.seconds { _ = try core.backward(tape!, outputGradient: dy) })
        times[2].append(try Timing.seconds { _ = try core.kernels(length: l) })
        times[3].append(Timing.seconds(bareFFTs))
        progress.advance()
    }
    let m = times.map(Timing.medianOf)
    let total = m[0] + m[1]
    print("")
    print(renderTable(header: ["S4D layer, H = \(h), N = \(n), L = \(l), \(cores) threads", "median", "share of forward + backward"], rows: [
        ["forward (kernels + FFT convolution)", Timing.format(m[0]), String(format: "%.0f%%", 100 * m[0] / total)],
        ["backward (FFT correlations + Vandermonde gradient)", Timing.format(m[1]), String(format: "%.0f%%", 100 * m[1] / total)],
        ["  of which the kernels' Vandermonde sums (forward)", Timing.format(m[2]), String(format: "%.0f%%", 100 * m[2] / total)],
        ["  bare FFTW: the same \(3 * h) r2c + c2r round trips, n = \(size)", Timing.format(m[3]), String(format: "%.0f%% (FFTW's share)", 100 * m[3] / total)],
    ]))
}

/// Chapter08's training step (the group `training`, run last): the 2-layer Mamba model (Mamba block + S6, N = 16) on
/// the chapter's selective-copying batches (B = 16, L = 64 = 56 + 8 queries, k = 8 data tokens of 16 ids), at the
/// chapter's d_model = 32 and at the d_model = 64 of the PyTorch reference quoted in issue 16.
func trainingThroughputBenchmarks(repetitions: Int) throws {
    let detected = BLASCore.name
    let switched = BLASCore.selectKernelsForThisCPU()                  // as Chapter08 does; this group runs last
    print("OpenBLAS kernels for these tables: \(BLASCore.name)" + (switched ? " (switched from \(detected), as Chapter08 does)" : ""))
    try trainingThroughput(width: 32, repetitions: repetitions, reference: "")
    try trainingThroughput(width: 64, repetitions: repetitions, reference: "≈ 15000 tokens/s")
}

/// One width's table: optimiser steps and tokens per second on one core, and on both cores with
/// two models training side by side (as the chapter runs them: OpenBLAS held to one thread, its
/// kernels chosen for this CPU by `BLASCore.selectKernelsForThisCPU`). Beside it, the same step's
/// pieces replayed alone on inputs of the same shapes: the selective scans' forwards and backwards
/// (B sequences × 2 layers) and every GEMM of the step (the projections' forward, ∂W and ∂x), as
/// shares of the step.
func trainingThroughput(width d: Int, repetitions: Int, reference: String) throws {
    let (n, layers, batch) = (16, 2, 16)
    let task = try SelectiveCopyingTask(bodyLength: 56, dataCount: 8, dataVocabulary: 16)
    let l = task.length
    @Sendable func model(_ seed: UInt64) throws -> LanguageModel<MambaMixer<S6Core>> {
        var rng = SplitMix64(seed: seed)
        let mixers = try (0..<layers).map { _ in
            try MambaMixer(modelWidth: d, core: try S6Core(width: 2 * d, stateSize: n, dtRank: (d + 15) / 16, rng: &rng), rng: &rng)
        }
        return try LanguageModel(vocabulary: task.vocabularySize, width: d, mixers: mixers, rng: &rng)
    }
    let steps = max(repetitions, 20)
    let recipe = try TrainingRecipe(steps: steps, warmupSteps: 0, optimizer: try AdamW.Configuration(learningRate: 1e-3))
    @Sendable func trainSteps(_ seed: UInt64) throws -> [Double] {
        var m = try model(seed), data = SplitMix64(seed: seed), last = 0.0, times: [Double] = []
        _ = try train(&m, recipe: recipe, nextBatch: { _ in
            let b = try task.batch(batch, rng: &data)
            return TrainingBatch(tokens: b.tokens, targets: b.targets, weights: b.mask, length: l)
        }, progress: { _, h in times.append(h.seconds - last); last = h.seconds })
        return times
    }
    _ = RetainedMemory.retainFreedMemory()
    // Interleaved rounds, as `interleavedTimes` does: each round times one model alone, two side
    // by side (`steps` steps each, mean seconds per step), and the step's scans and GEMMs replayed
    // alone, so that all of them see the same machine; ratios and shares are paired per round.
    let pieces = try trainingStepPieces(d: d, n: n, layers: layers, batch: batch, length: l, vocabulary: task.vocabularySize)
    let rounds = 5
    let (one, speedUp, scanShare, gemmShare) = try BLASThreads.withSingleThreadedBLAS { () throws -> (Double, Double, Double, Double) in
        _ = try trainSteps(1)                                           // warm-up
        try pieces.scan(); pieces.gemm()
        var alone: [Double] = [], together: [Double] = []              // seconds per step: one model; the slower of two
        var scans: [Double] = [], gemms: [Double] = []                 // seconds: the step's pieces alone
        let pair = UnsafeMutablePointer<Double>.allocate(capacity: 2)
        defer { pair.deallocate() }
        let slots = DisjointWrites(pair)
        for round in 0..<rounds {
            alone.append(try trainSteps(UInt64(2 + 3 * round)).reduce(0, +) / Double(steps))
            scans.append(try Timing.seconds(pieces.scan))
            gemms.append(Timing.seconds(pieces.gemm))
            DispatchQueue.concurrentPerform(iterations: 2) { i in slots.base[i] = (try? trainSteps(UInt64(3 + 3 * round + i)).reduce(0, +)) ?? .nan }
            together.append(max(pair[0], pair[1]) / Double(steps))
        }
        let paired = { (xs: [Double], ys: [Double]) in Timing.medianOf(zip(xs, ys).map { $0 / $1 }) }
        return (Timing.medianOf(alone), 2 * paired(alone, together), paired(scans, alone), paired(gemms, alone))
    }
    let sideBySide = speedUp / one                                     // steps/s of the two together
    let tokens = Double(batch * l)
    print(renderTable(header: ["training step: 2 × (Mamba block + S6), d = \(d), N = \(n), B = \(batch), L = \(l)", "median", "rate"], rows: [
        ["one model on one core (mean step, median of \(rounds) rounds)", Timing.format(one), String(format: "%.1f steps/s, %.0f tokens/s", 1 / one, tokens / one)],
        ["two models side by side (both cores)", "", String(format: "%.1f steps/s, %.0f tokens/s together: %.2f× one model (paired)",
                                                           sideBySide, tokens * sideBySide, speedUp)],
        ["  its selective scans (forward + backward), alone", "", String(format: "%.0f%% of the step (paired per round)", 100 * scanShare)],
        ["  its GEMMs (forward, ∂W, ∂x of every projection), alone", "", String(format: "%.0f%% of the step (paired per round)", 100 * gemmShare)],
        ["  everything else (activations, conv1d, norms, copies, AdamW)", "", String(format: "%.0f%%", 100 * (1 - scanShare - gemmShare))],
    ] + (reference.isEmpty ? [] : [["PyTorch reference Mamba at this d (issue 16: 2 threads, vocabulary 8; quoted, not run here)", "", reference]])))
}

/// The scans and the GEMMs of one training step, as two bodies that replay them alone on random
/// inputs of the step's shapes (per layer: B scans of (L, 2d, N); in_proj, x_proj, dt_proj,
/// out_proj; plus the head), to be timed on one thread between the step's own rounds.
func trainingStepPieces(d: Int, n: Int, layers: Int, batch: Int, length l: Int,
                        vocabulary: Int) throws -> (scan: () throws -> Void, gemm: () -> Void) {
    var rng = SplitMix64(seed: 29)
    let inner = 2 * d, r = (d + 15) / 16
    let params = try SelectiveParameters(channels: inner, stateSize: n, dtRank: r, rng: &rng)
    let inputs = try params.scanInputs(try Matrix(rows: l, cols: inner, elements: (0..<l * inner).map { _ in rng.nextGaussian() }))
    let dy = try Matrix(rows: l, cols: inner, elements: (0..<l * inner).map { _ in rng.nextGaussian() })
    let rows = batch * l
    // (m, k, n) of every forward GEMM of the step; each also has ∂W = xᵀ·dy and ∂x = dy·Wᵀ.
    let shapes = Array(repeating: [(rows, d, 2 * inner), (rows, inner, r + 2 * n), (rows, r, inner), (rows, inner, d)], count: layers)
        .flatMap { $0 } + [(rows, d, vocabulary)]
    func random(_ rows: Int, _ cols: Int) throws -> Matrix {
        try Matrix(rows: rows, cols: cols, elements: (0..<rows * cols).map { _ in rng.nextGaussian() })
    }
    var matrices: [(x: Matrix, w: Matrix, dy: Matrix)] = []
    for (m, k, c) in shapes { matrices.append((try random(m, k), try random(k, c), try random(m, c))) }
    let scans = {
        for _ in 0..<(batch * layers) {
            let (_, _, tape) = try selectiveScanForward(inputs)
            _ = try selectiveScanBackward(tape, outputGradient: dy)
        }
    }
    let gemms = { [matrices] in
        for (x, w, g) in matrices {
            var y = Matrix(zeros: x.rows, w.cols), dw = Matrix(zeros: w.rows, w.cols), dx = Matrix(zeros: x.rows, x.cols)
            gemm(1, x, w, 0, &y)
            gemm(1, x, transposeA: true, g, 0, &dw)
            gemm(1, g, w, transposeB: true, 0, &dx)
        }
    }
    return (scans, gemms)
}
