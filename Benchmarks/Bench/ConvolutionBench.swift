import Foundation
import Notebook
import StateSpace

/// Causal convolution vs its limit, FFTW's own r2c + c2r round trip at the padded size, and
/// the direct O(L²) sum vs FFT crossover.
func convolutionBenchmarks(repetitions: Int) throws {
    var rng = SplitMix64(seed: 1)
    let length = 65536
    let kernel = (0..<length).map { _ in rng.nextGaussian() }     // (L)
    let u = (0..<length).map { _ in rng.nextGaussian() }          // (L)

    // The limit: FFTW alone, one forward and one inverse transform at n = 2^17 on aligned buffers.
    let conv = try CausalConvolution(kernel: kernel)
    let n = conv.paddedLength
    let forward = FFTPlanCache.shared.plan(.realForward, size: n)
    let inverse = FFTPlanCache.shared.plan(.realInverse, size: n)
    let real = FFTWRealBuffer(count: n)                           // (n)
    let spectrum = FFTWComplexBuffer(count: n / 2 + 1)             // (n/2+1)
    _ = real.buffer.update(fromContentsOf: u)

    var roundTrip: [Double] = [], fixedKernel: [Double] = [], fullConvolution: [Double] = []
    var progress = Progress("convolution L = \(length)", total: repetitions + 1)
    for rep in 0...repetitions {                                  // rep 0 is the warm-up
        let t1 = Timing.seconds { forward.execute(real, spectrum); inverse.execute(spectrum, real) }
        let t2 = try Timing.seconds { _ = try conv.apply(u) }
        let t3 = try Timing.seconds { _ = try causalConvolution(kernel, u) }
        if rep > 0 { roundTrip.append(t1); fixedKernel.append(t2); fullConvolution.append(t3) }
        progress.advance()
    }
    let limit = Timing.medianOf(roundTrip)
    let fixed = Timing.medianOf(fixedKernel)
    let full = Timing.medianOf(fullConvolution)
    print(renderTable(header: ["row", "median", "÷ FFTW round trip", "target"], rows: [
        ["FFTW r2c + c2r round trip, n = \(n)", Timing.format(limit), "1.00", "(the limit)"],
        ["causal convolution, kernel spectrum cached, L = \(length)", Timing.format(fixed), String(format: "%.2f", fixed / limit), "≤ 1.3"],
        ["causal convolution incl. kernel FFT, L = \(length)", Timing.format(full), String(format: "%.2f", full / limit), "(informative: 3 transforms + fresh buffers)"],
    ]))

    // Crossover: direct O(L²) vs FFT O(L log L), both including everything a caller pays.
    var rows: [[String]] = []
    var crossover: Int?
    let lengths = (3...12).map { 1 << $0 }
    var sweep = Progress("direct vs FFT sweep", total: lengths.count)
    for l in lengths {
        let k = Array(kernel[0..<l]), x = Array(u[0..<l])
        let direct = try Timing.median(repetitions: repetitions) { _ = try directCausalConvolution(k, x) }
        let fft = try Timing.median(repetitions: repetitions) { _ = try causalConvolution(k, x) }
        if crossover == nil && fft < direct { crossover = l }
        rows.append(["\(l)", Timing.format(direct), Timing.format(fft), String(format: "%.2f", direct / fft)])
        sweep.advance()
    }
    print("")
    print(renderTable(header: ["L", "direct O(L²)", "FFT (incl. kernel FFT)", "direct ÷ FFT"], rows: rows))
    print("crossover: FFT convolution is faster from L = \(crossover.map(String.init) ?? "> 4096") on\n")
}
