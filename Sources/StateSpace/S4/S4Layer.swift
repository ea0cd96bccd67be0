import Foundation

/// An S4 layer: H independent SISO SSMs ("channels") sharing the LegS DPLR matrices (Λ, P̃, B̃),
/// each with its own step Δ_h, its own C̃_h and a skip D_h:
///
///     y_h = K_h ∗ u_h + D_h u_h,   K_h = s4Kernel(dplr, C̃_h, Δ_h, L).
///
/// Initialisation as in S4: Δ_h log-uniform in [Δ_min, Δ_max] = [1e-3, 1e-1] (each channel sees
/// its own timescale), C̃_h ~ N(0, 1/N) entrywise, D_h ~ N(0, 1).
public struct S4Layer: Sendable {
    public let dplr: DPLR
    public let steps: [Double]                                        // (H): Δ_h
    public let cTilde: Matrix                                         // (H, N): C̃_h
    public let skip: [Double]                                         // (H): D_h

    public var channels: Int { steps.count }

    /// - Parameters: `stateSize` N (even); `channels` H ≥ 1; `stepRange` [Δ_min, Δ_max], both
    ///   finite and inside the DPLR's `bilinearStepRange` (≈ [4e-16, 1.4e13] at N = 64: outside,
    ///   the bilinear Ā is 1 or −1 to working precision, see `StepRange`).
    /// - Throws: `invalidParameter` for odd N, H < 1, H·N beyond the 2³⁰-element cap
    ///   (`maximumResultElements`, checked before anything is allocated), or a step range not
    ///   finite or outside the bilinear range (the offending bound is named).
    /// - Complexity: O(N³ + H·N).
    public init(stateSize n: Int, channels h: Int, stepRange: ClosedRange<Double> = 1e-3...1e-1,
                rng: inout SplitMix64) throws {
        try requirePositive(h, "channels H")
        try requirePositive(n, "state size N")
        _ = try requireAllocatable([h, n], "channels H × state size N (C̃)", value: "\(h) × \(n)")
        dplr = try DPLR.legS(stateSize: n)
        try StepRange.requireBilinear(stepRange.lowerBound, dplr.lambda, "stepRange lower bound Δ_min")
        try StepRange.requireBilinear(stepRange.upperBound, dplr.lambda, "stepRange upper bound Δ_max")
        let logLow = log(stepRange.lowerBound), logHigh = log(stepRange.upperBound)
        // exp(log Δ) may round a hair outside [Δ_min, Δ_max]: clamp, so every Δ_h is inside.
        steps = (0..<h).map { _ in
            min(max(exp(Double.random(in: logLow...logHigh, using: &rng)), stepRange.lowerBound), stepRange.upperBound)
        }
        let scale = 1 / Double(n).squareRoot()
        cTilde = try Matrix(rows: h, cols: n, elements: (0..<h * n).map { _ in scale * rng.nextGaussian() })
        skip = (0..<h).map { _ in rng.nextGaussian() }
    }

    /// Every channel's kernel, by the Cauchy path. (H, L).
    /// - Throws: `invalidParameter` for L < 1 or H·L beyond the 2³⁰-element cap
    ///   (`maximumResultElements`), checked before anything is allocated; as `s4Kernel`.
    /// - Complexity: O(H·(N·L + L log L)).
    public func kernels(length: Int) throws -> Matrix {
        try requirePositive(length, "kernel length L")
        _ = try requireAllocatable([channels, length], "kernel length L", value: "\(length) (H = \(channels) channels × L)")
        var k = Matrix(zeros: channels, length)                        // (H, L)
        let failure = FirstError()
        k.elements.withUnsafeMutableBufferPointer { buffer in
            let out = DisjointWrites(buffer.baseAddress!)              // channel h writes row h
            let layer = self
            // Channels over the cores (each kernel's own sums then run on the calling core).
            parallelChunks(count: channels, threshold: 2) { chunk, chunks in
                for h in stride(from: chunk, to: layer.channels, by: chunks) {
                    do {
                        let row = try s4Kernel(layer.dplr, cTilde: layer.cTilde.row(h), step: layer.steps[h], length: length)
                        for t in 0..<length { out[h * length + t] = row[t] }
                    } catch { failure.record(error) }
                }
            }
        }
        try failure.rethrow()
        return k
    }

    /// y_h = K_h ∗ u_h + D_h u_h for every channel, each convolution by FFTW (`causalConvolution`:
    /// the kernel's FFT, the input's and one inverse, in pooled buffers), channels split over the cores.
    /// - Parameters: `u` (H, L); `kernels` (H, L) from `kernels(length:)` (computed once, reused
    ///   for every input, as at inference).
    /// - Returns: y, (H, L).
    /// - Throws: `shapeMismatch`, `nonFinite`; `invalidParameter` (L = 0, or u and kernels so
    ///   large that y overflows Double).
    /// - Complexity: O(H·L log L).
    public func apply(_ u: Matrix, kernels: Matrix) throws -> Matrix {
        guard u.rows == channels, kernels.rows == channels, kernels.cols == u.cols else {
            throw StateSpaceError.shapeMismatch(name: "S4 layer input u and kernels",
                                                expected: "u (H = \(channels), L) and kernels (H, L)",
                                                actual: "u \(u.rows)×\(u.cols), kernels \(kernels.rows)×\(kernels.cols)")
        }
        try requirePositive(u.cols, "sequence length L")
        try u.requireFinite("input u")
        try kernels.requireFinite("kernels")
        let length = u.cols
        var y = Matrix(zeros: channels, length)                        // (H, L)
        let failure = FirstError()
        y.elements.withUnsafeMutableBufferPointer { buffer in
            let out = DisjointWrites(buffer.baseAddress!)              // channel h writes row h
            let work = UnsafeSendable((kernels, u, skip))
            parallelChunks(count: channels, threshold: 2) { chunk, chunks in
                let (kernels, u, skip) = work.value
                for h in stride(from: chunk, to: kernels.rows, by: chunks) {
                    do {
                        let input = u.row(h)
                        let row = try causalConvolution(kernels.row(h), input)
                        for t in 0..<length { out[h * length + t] = row[t] + skip[h] * input[t] }
                    } catch { failure.record(error) }
                }
            }
        }
        try failure.rethrow()
        try requireNoOverflow(y.elements, of: [("input u", u.elements), ("kernels", kernels.elements)])
        return y
    }
}
