import Foundation
import Notebook
import StateSpace

/// S4's kernel by the Cauchy path, and a whole S4 layer with the share of its time spent in FFTW.
func s4Benchmarks(repetitions: Int) throws {
    var rng = SplitMix64(seed: 4)
    let n = 64, length = 16384
    let dplr = try DPLR.legS(stateSize: n)
    let cTilde = (0..<n).map { _ in rng.nextGaussian() }
    let kernelTime = try Timing.median(repetitions: repetitions) { _ = try s4Kernel(dplr, cTilde: cTilde, step: 0.01, length: length) }
    // The materialised kernel C Āᵏ B̄ by stepping the dense bilinear Ā, for scale.
    let (a, b) = try legSTransition(stateSize: n)
    let dense = try StateSpaceModel(a: a, b: b, c: cTilde).discretized(step: 0.01, method: .bilinear)
    let denseTime = try Timing.median(repetitions: repetitions) { _ = try dense.kernel(length: length) }
    print(renderTable(header: ["row", "median", "target / ratio"], rows: [
        ["S4 kernel, Cauchy path, N = \(n), L = \(length)", Timing.format(kernelTime), "≤ 10 ms"],
        ["materialised kernel C Āᵏ B̄ (dense stepping), same N, L", Timing.format(denseTime),
         String(format: "%.1f× the Cauchy path", denseTime / kernelTime)],
    ]))

    // A layer: H kernels, then H FFT convolutions (channels over both cores).
    let channels = 64
    let layer = try S4Layer(stateSize: n, channels: channels, rng: &rng)
    let u = try Matrix(rows: channels, cols: length, elements: (0..<channels * length).map { _ in rng.nextGaussian() })
    var kernels = Matrix(zeros: 0, 0)
    var progress = Progress("S4 layer H = \(channels), L = \(length)", total: 3)
    let kernelsTime = try Timing.median(repetitions: repetitions) { kernels = try layer.kernels(length: length) }
    progress.advance()
    let applyTime = try Timing.median(repetitions: repetitions) { _ = try layer.apply(u, kernels: kernels) }
    progress.advance()
    // FFTW alone doing the same transforms: per channel one c2r of size L (the kernel) and one
    // r2c + c2r of size 2L (the convolution), on one core — the layer's FFTW content.
    let padded = try CausalConvolution.paddedSize(for: length)
    let kernelInverse = FFTPlanCache.shared.plan(.realInverse, size: length)
    let forward = FFTPlanCache.shared.plan(.realForward, size: padded), inverse = FFTPlanCache.shared.plan(.realInverse, size: padded)
    let smallSpectrum = FFTWComplexBuffer(count: length / 2 + 1), smallReal = FFTWRealBuffer(count: length)
    let real = FFTWRealBuffer(count: padded), spectrum = FFTWComplexBuffer(count: padded / 2 + 1)
    let kernelFFTs = Timing.median(repetitions: repetitions) { for _ in 0..<channels { kernelInverse.execute(smallSpectrum, smallReal) } }
    let convolutionFFTs = Timing.median(repetitions: repetitions) {
        for _ in 0..<channels { forward.execute(real, spectrum); inverse.execute(spectrum, real) }
    }
    progress.advance()
    let total = kernelsTime + applyTime
    let cores = Double(ProcessInfo.processInfo.activeProcessorCount)
    print("")
    print(renderTable(header: ["S4 layer, H = \(channels), N = \(n), L = \(length)", "median", "FFTW's own time for its transforms"], rows: [
        ["H kernels (Cauchy + c2r each, over \(Int(cores)) cores)", Timing.format(kernelsTime), Timing.format(kernelFFTs) + " on 1 core"],
        ["H FFT convolutions + skip (over \(Int(cores)) cores)", Timing.format(applyTime), Timing.format(convolutionFFTs) + " on 1 core"],
        ["layer total", Timing.format(total), String(format: "FFTW share ≈ %.0f%% (single-core FFTW time / %d cores / total)",
                                                      100 * (kernelFFTs + convolutionFFTs) / cores / total, Int(cores))],
    ]))
}
