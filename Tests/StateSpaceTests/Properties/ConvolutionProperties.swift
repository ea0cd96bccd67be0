import Foundation
import Numerics
import PropertyBased
import Testing
@testable import StateSpace

/// One causal convolution: a kernel and an input of length L, each scaled by 10^e (the identity
/// is scale-free, and the tolerance must be too).
struct ConvolutionCase: CustomStringConvertible {
    let length: Int
    let kernelScale: Double
    let inputScale: Double
    let data: UInt64

    var description: String { "L = \(length), |K| ~ \(kernelScale), |u| ~ \(inputScale), data seed \(data)" }

    /// K (L), u (L).
    func arrays() -> (kernel: [Double], u: [Double]) {
        var rng = SplitMix64(seed: data)
        let kernel = uniformArray(length, rng: &rng).map { $0 * kernelScale }
        let u = uniformArray(length, rng: &rng).map { $0 * inputScale }
        return (kernel, u)
    }

    static let generator = zip(lengthGenerator(upTo: 2048), logUniform(-3...3), logUniform(-3...3), dataSeed)
        .map { ConvolutionCase(length: $0.0, kernelScale: $0.1, inputScale: $0.2, data: $0.3) }
}

/// FFT causal convolution = the direct sum y_t = Σ_{s≤t} K_{t−s} u_s.
///
/// Tolerance (u = 2⁻⁵³, n the padded FFT size): the direct sum of t + 1 products is within
/// γ_L·(|K| ∗ |u|)_t of the truth (Higham, *Accuracy and Stability*, §3.1, γ_m ≈ m·u); the FFT
/// route (two forward transforms, a pointwise product, one inverse) is within
/// ≈ 3·log₂n·u·(‖K‖₂‖u‖₁ + ‖K‖₁‖u‖₂) in ∞-norm (Higham §24.1: each transform has normwise
/// relative error ≤ log₂n·η, η a few u). We allow twice the sum of both bounds: scaled by the
/// magnitude of the terms, so it holds at any scale, and growing with L and log n as the
/// rounding does — at L = 1000 it is still ~1e-12 of the terms, far below any indexing or
/// padding bug (an error of the size of the result).
func convolutionProperty(_ c: ConvolutionCase, fft: ([Double], [Double]) throws -> [Double] = causalConvolution) throws -> [Comparison] {
    let (kernel, u) = c.arrays()
    let direct = try directCausalConvolution(kernel, u)
    let terms = maxAbs(try directCausalConvolution(kernel.map(abs), u.map(abs)))  // max_t (|K| ∗ |u|)_t
    let logN = log2(Double(2 * c.length)) + 1
    let fftBound = 3 * logN * unitRoundoff * (twoNorm(kernel) * oneNorm(u) + oneNorm(kernel) * twoNorm(u))
    let directBound = Double(c.length) * unitRoundoff * terms
    return [compare("FFT − direct", try fft(kernel, u), direct, tolerance: 2 * (fftBound + directBound))]
}

@Suite("Property: FFT causal convolution = direct convolution")
struct ConvolutionProperties {
    @Test("FFT convolution = direct sum (400 cases, L up to 2048)")
    func fftEqualsDirect() async {
        let run = await checkProperty("FFT convolution = direct", count: 400, seed: 0xC0_4701, input: ConvolutionCase.generator) {
            try convolutionProperty($0)
        }
        expectCoverage(run.cases.map(\.length))
    }

    /// The classic bug: no zero padding, so the DFT's circular convolution wraps the tail of
    /// the result onto its start. Equal for L = 1 only: the shrinker reaches L = 2 when the first failing case
    /// is from the small-length branch (it is for the default seed).
    @Test("caught: circular convolution (no padding) in place of the causal one")
    func circularIsCaught() async {
        await expectCaught {
            await checkProperty("circular convolution", count: 400, seed: 0xC0_4701, input: ConvolutionCase.generator) {
                try convolutionProperty($0, fft: circularConvolution)
            }
        }
    }
}

/// y_t = Σ_s K_{(t−s) mod L} u_s by an unpadded length-L DFT: the wrong ingredient above.
func circularConvolution(_ kernel: [Double], _ u: [Double]) throws -> [Double] {
    let product = zip(try FFT.forward(kernel), try FFT.forward(u)).map { $0 * $1 }
    return try FFT.inverse(product, count: kernel.count)
}
