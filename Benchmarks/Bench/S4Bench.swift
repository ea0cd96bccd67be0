import Foundation
import Notebook
import StateSpace

/// S4's kernel by the Cauchy path, and a whole S4 layer with the share of its time spent in FFTW.
func s4Benchmarks(repetitions: Int) throws {
    var rng = SplitMix64(seed: 4)
    let n = 64, length = 16384
    let dplr = try DPLR.legS(stateSize: n)
    let cTilde = (0..<n).map { _ in rng.nextGaussian() }
    let cores = ProcessInfo.processInfo.activeProcessorCount
    // The Cauchy sums, fused and readable, the whole kernel, its own c2r, and dgemm's rate, interleaved.
    let smallSpectrum = FFTWComplexBuffer(count: length / 2 + 1), smallReal = FFTWRealBuffer(count: length)
    let kernelInverse = FFTPlanCache.shared.plan(.realInverse, size: length)
    let dgemm = dgemmFloor(cores: cores)
    let t = try interleavedTimes(repetitions: repetitions, [
        { _ = try s4GeneratingFunction(dplr, cTilde: cTilde, step: 0.01, length: length) },
        { _ = try s4GeneratingFunction(dplr, cTilde: cTilde, step: 0.01, length: length, fused: false) },
        { _ = try s4Kernel(dplr, cTilde: cTilde, step: 0.01, length: length) },
        { kernelInverse.execute(smallSpectrum, smallReal) },
        dgemm.body,
    ])
    let (fusedTime, readableTime, kernelTime, inverseTime, dgemmTime) = (t.median[0], t.median[1], t.median[2], t.median[3], t.median[4])
    // Flops of the fused sums per frequency and pole pair: 13 to form 1/((g − λ)(g − λ̄)), 1 division, 32 for the four weights.
    let cauchyFlops = 46 * Double(n / 2) * Double(length / 2 + 1), dgemmRate = dgemm.flops / dgemmTime
    // The materialised kernel C Āᵏ B̄ by stepping the dense bilinear Ā, for scale.
    let (a, b) = try legSTransition(stateSize: n)
    let dense = try StateSpaceModel(a: a, b: b, c: cTilde).discretized(step: 0.01, method: .bilinear)
    let denseTime = try Timing.median(repetitions: repetitions) { _ = try dense.kernel(length: length) }
    print(renderTable(header: ["row (N = \(n), L = \(length), \(cores) cores)", "median", "floor / ratio", "target"], rows: [
        ["OpenBLAS dgemm 64×64×64 (\(BLASCore.name)), all cores (the flop-rate floor)", Timing.format(dgemmTime), String(format: "%.1f GFLOP/s", dgemmRate / 1e9), "(floor)"],
        ["Cauchy sums, fused (s4GeneratingFunction)", Timing.format(fusedTime),
         String(format: "%.1f GFLOP/s = %.0f%% of dgemm's rate", cauchyFlops / fusedTime / 1e9, 100 * (cauchyFlops / dgemm.flops) * t.pairedRatio(4, over: 0)),
         String(format: "%.1f× faster than readable (min %.1f×; target ≥ 4)", t.pairedRatio(1, over: 0), t.minimum[1] / t.minimum[0])],
        ["Cauchy sums, readable (fused: false)", Timing.format(readableTime), "", "(before)"],
        ["S4 kernel, Cauchy path (s4Kernel)", Timing.format(kernelTime) + " (min " + Timing.format(t.minimum[2]) + ")",
         "its c2r alone: " + Timing.format(inverseTime), "< 0.5 ms"],
        ["materialised kernel C Āᵏ B̄ (dense stepping), same N, L", Timing.format(denseTime),
         String(format: "%.1f× the Cauchy path", denseTime / kernelTime), ""],
    ]))

    // A layer: H kernels, then H FFT convolutions (channels over both cores).
    let channels = 64
    let layer = try S4Layer(stateSize: n, channels: channels, rng: &rng)
    let u = try Matrix(rows: channels, cols: length, elements: (0..<channels * length).map { _ in rng.nextGaussian() })
    var kernels = Matrix(zeros: 0, 0)
    var progress = Progress("S4 layer H = \(channels), L = \(length)", total: 4)
    let kernelsTime = try Timing.median(repetitions: repetitions) { kernels = try layer.kernels(length: length) }
    progress.advance()
    // The layer's Cauchy sums alone (H generating functions, channels over the cores), fused and
    // readable, interleaved: the "124 of 147 ms are Cauchy sums" row.
    func generatingFunctions(fused: Bool) -> () -> Void {
        {
            parallelChunks(count: channels, threshold: 2) { chunk, chunks in
                for h in stride(from: chunk, to: channels, by: chunks) {
                    _ = try? s4GeneratingFunction(layer.dplr, cTilde: layer.cTilde.row(h), step: layer.steps[h], length: length, fused: fused)
                }
            }
        }
    }
    let sums = try interleavedTimes(repetitions: repetitions, [generatingFunctions(fused: true), generatingFunctions(fused: false)])
    progress.advance()
    let applyTime = try Timing.median(repetitions: repetitions) { _ = try layer.apply(u, kernels: kernels) }
    progress.advance()
    // FFTW alone doing the same transforms: per channel one c2r of size L (the kernel) and one
    // r2c + c2r of size 2L (the convolution), on one core — the layer's FFTW content.
    let padded = try CausalConvolution.paddedSize(for: length)
    let forward = FFTPlanCache.shared.plan(.realForward, size: padded), inverse = FFTPlanCache.shared.plan(.realInverse, size: padded)
    let real = FFTWRealBuffer(count: padded), spectrum = FFTWComplexBuffer(count: padded / 2 + 1)
    let kernelFFTs = Timing.median(repetitions: repetitions) { for _ in 0..<channels { kernelInverse.execute(smallSpectrum, smallReal) } }
    let convolutionFFTs = Timing.median(repetitions: repetitions) {
        for _ in 0..<channels { forward.execute(real, spectrum); inverse.execute(spectrum, real) }
    }
    progress.advance()
    let total = kernelsTime + applyTime
    print("")
    print(renderTable(header: ["S4 layer, H = \(channels), N = \(n), L = \(length)", "median", "FFTW's own time for its transforms"], rows: [
        ["H kernels (Cauchy + c2r each, over \(cores) cores)", Timing.format(kernelsTime), Timing.format(kernelFFTs) + " on 1 core"],
        ["  their Cauchy sums alone, fused (H × s4GeneratingFunction)", Timing.format(sums.median[0]),
         String(format: "%.1f× faster than readable (min %.1f×); the issue's 124 ms ÷ this = %.1f× (target ≥ 4)",
                sums.pairedRatio(1, over: 0), sums.minimum[1] / sums.minimum[0], 0.124 / sums.median[0])],
        ["  their Cauchy sums alone, readable (fused: false)", Timing.format(sums.median[1]), "(before)"],
        ["H FFT convolutions + skip (over \(cores) cores)", Timing.format(applyTime), Timing.format(convolutionFFTs) + " on 1 core"],
        ["layer total", Timing.format(total), String(format: "FFTW share ≈ %.0f%% (single-core FFTW time / %d cores / total)",
                                                      100 * (kernelFFTs + convolutionFFTs) / Double(cores) / total, cores)],
    ]))
}
