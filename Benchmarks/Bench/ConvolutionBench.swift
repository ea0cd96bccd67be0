import Foundation
import Notebook
import StateSpace

/// Causal convolution against its floor, FFTW's own transforms at the padded size, and the
/// direct O(L²) sum vs FFT crossover.
func convolutionBenchmarks(repetitions: Int) throws {
    var rng = SplitMix64(seed: 1)
    let length = 65536
    let kernel = (0..<length).map { _ in rng.nextGaussian() }     // (L)
    let u = (0..<length).map { _ in rng.nextGaussian() }          // (L)

    // The floors: FFTW alone on aligned buffers at n = 2^17 — one r2c + one c2r (a convolution
    // with the kernel's spectrum cached) and two r2c + one c2r (with the kernel's FFT).
    let conv = try CausalConvolution(kernel: kernel)
    let n = conv.paddedLength
    let forward = FFTPlanCache.shared.plan(.realForward, size: n)
    let inverse = FFTPlanCache.shared.plan(.realInverse, size: n)
    let real = FFTWRealBuffer(count: n), other = FFTWRealBuffer(count: n)    // (n) each
    let spectrum = FFTWComplexBuffer(count: n / 2 + 1), spectrum2 = FFTWComplexBuffer(count: n / 2 + 1)
    _ = real.buffer.update(fromContentsOf: u)
    _ = other.buffer.update(fromContentsOf: kernel)
    // What `apply` adds to the round trip, each part alone on buffers of its sizes: the pointwise
    // product of two spectra (`spectrumProduct`: reads 2 × 16·(n/2+1) bytes, writes one) and the
    // copies of u in and y out (L doubles each; `apply` also allocates y, not counted here). The
    // product runs in place again and again, so its factor has modulus 1 (0.6 + 0.8i): the data
    // neither overflow nor sink into subnormals, whose arithmetic is slow.
    let cached = FFTWComplexBuffer(count: n / 2 + 1), y = FFTWRealBuffer(count: length)  // (n/2+1), (L)
    cached.pointer.withMemoryRebound(to: Double.self, capacity: n + 2) { p in    // (re, im) pairs
        for i in 0..<(n / 2 + 1) { (p[2 * i], p[2 * i + 1]) = (0.6, 0.8) }
    }
    var progress = Progress("convolution L = \(length)", total: 1)
    let t = try interleavedTimes(repetitions: repetitions, [
        { forward.execute(real, spectrum); inverse.execute(spectrum, real) },
        { forward.execute(other, spectrum2); forward.execute(real, spectrum); inverse.execute(spectrum, real) },
        { _ = try conv.apply(u) },
        { _ = try causalConvolution(kernel, u) },
        { _ = try CausalConvolution(kernel: kernel).apply(u) },
        { spectrumProduct(spectrum.pointer, UnsafePointer(cached.pointer), scale: 1, count: n / 2 + 1) },
        { u.withUnsafeBufferPointer { real.pointer.update(from: $0.baseAddress!, count: length) }; y.pointer.update(from: real.pointer, count: length) },
    ])
    progress.advance()
    let m = t.median
    let parts = Timing.medianOf((0..<repetitions).map { r in (t.samples[0][r] + t.samples[5][r] + t.samples[6][r]) / t.samples[0][r] })
    print(renderTable(header: ["row", "median", "floor", "÷ floor", "target"], rows: [
        ["FFTW r2c + c2r round trip, n = \(n)", Timing.format(m[0]), "", "", "(floor)"],
        ["FFTW 2 r2c + c2r (three transforms), n = \(n)", Timing.format(m[1]), "", "", "(floor)"],
        ["  the pointwise product of two spectra alone (n/2+1)", Timing.format(m[5]), "round trip", ratios(t, 5, over: 0), ""],
        ["  copying u in and y out alone (L each)", Timing.format(m[6]), "round trip", ratios(t, 6, over: 0), ""],
        ["  round trip + product + copies, each timed alone", "", "round trip", String(format: "%.2f", parts), "(the parts)"],
        ["causal convolution, kernel spectrum cached, L = \(length)", Timing.format(m[2]), "round trip", ratios(t, 2, over: 0), "≤ 1.1"],
        ["causal convolution incl. kernel FFT (causalConvolution)", Timing.format(m[3]), "three transforms", ratios(t, 3, over: 1), "≤ 1.3"],
        ["the same, readable route (CausalConvolution(kernel:).apply)", Timing.format(m[4]), "three transforms", ratios(t, 4, over: 1), "(before)"],
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
