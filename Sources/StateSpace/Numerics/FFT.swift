import Numerics

/// Discrete Fourier transforms through FFTW, with cached plans.
///
/// Convention (FFTW's): X_k = Σ_j x_j e^{−2πi jk/n} (forward, unnormalised) and
/// x_j = (1/n) Σ_k X_k e^{+2πi jk/n} (inverse, normalised here by `inverseScale`).
/// Each call copies into aligned FFTW buffers; hot loops that transform the same size many
/// times should hold the plan and buffers themselves, as `CausalConvolution` does.
public enum FFT {
    /// The one place the inverse transform's 1/n lives. - Complexity: O(1).
    @inlinable
    public static func inverseScale(_ n: Int) -> Double { 1 / Double(n) }

    /// Real-to-complex forward DFT. `x` (n) → (n/2+1): the non-negative frequencies; the others
    /// are their conjugates (X_{n−k} = conj X_k).
    /// - Throws: `invalidParameter` if n = 0; `nonFinite` for NaN/∞ in `x`.
    /// - Complexity: O(n log n).
    public static func forward(_ x: [Double]) throws -> [Complex<Double>] {
        try requirePositive(x.count, "FFT length n")
        try requireFinite(x, "x")
        let n = x.count
        let input = FFTWRealBuffer(count: n)                   // (n)
        let output = FFTWComplexBuffer(count: n / 2 + 1)       // (n/2+1)
        _ = input.buffer.update(fromContentsOf: x)
        FFTPlanCache.shared.plan(.realForward, size: n).execute(input, output)
        return Array(output.buffer)
    }

    /// Complex-to-real inverse DFT, normalised: `spectrum` (n/2+1) → (n). Inverts `forward(_:)`
    /// for a real signal of length `count`; the imaginary parts of X₀ (and X_{n/2} for even n)
    /// are ignored, as for any real signal's spectrum.
    /// - Throws: `invalidParameter` if n = 0; `shapeMismatch` unless spectrum has n/2+1 entries;
    ///   `nonFinite`.
    /// - Complexity: O(n log n).
    public static func inverse(_ spectrum: [Complex<Double>], count n: Int) throws -> [Double] {
        try requirePositive(n, "FFT length n")
        try requireCount(spectrum.count, n / 2 + 1, "spectrum of a length-\(n) real signal")
        try requireFinite(spectrum, "spectrum")
        let input = FFTWComplexBuffer(count: n / 2 + 1)        // (n/2+1), destroyed by c2r
        let output = FFTWRealBuffer(count: n)                  // (n)
        _ = input.buffer.update(fromContentsOf: spectrum)
        FFTPlanCache.shared.plan(.realInverse, size: n).execute(input, output)
        let scale = inverseScale(n)
        return output.buffer.map { $0 * scale }
    }

    /// Complex forward DFT. `x` (n) → (n).
    /// - Throws: `invalidParameter` if n = 0; `nonFinite`.
    /// - Complexity: O(n log n).
    public static func forward(_ x: [Complex<Double>]) throws -> [Complex<Double>] {
        try complexTransform(x, .complexForward, scale: 1)
    }

    /// Complex inverse DFT, normalised by 1/n. `x` (n) → (n).
    /// - Throws: `invalidParameter` if n = 0; `nonFinite`.
    /// - Complexity: O(n log n).
    public static func inverse(_ x: [Complex<Double>]) throws -> [Complex<Double>] {
        try complexTransform(x, .complexInverse, scale: inverseScale(x.count))
    }

    private static func complexTransform(_ x: [Complex<Double>], _ kind: FFTKind, scale: Double) throws -> [Complex<Double>] {
        try requirePositive(x.count, "FFT length n")
        try requireFinite(x, "x")
        let n = x.count
        let input = FFTWComplexBuffer(count: n)                // (n)
        let output = FFTWComplexBuffer(count: n)               // (n)
        _ = input.buffer.update(fromContentsOf: x)
        FFTPlanCache.shared.plan(kind, size: n).execute(input, output)
        return scale == 1 ? Array(output.buffer) : output.buffer.map { $0.multiplied(by: scale) }
    }
}
