import Numerics

/// Discrete Fourier transforms through FFTW, with cached plans.
///
/// Convention (FFTW's): X_k = Σ_j x_j e^{−2πi jk/n} (forward, unnormalised) and
/// x_j = (1/n) Σ_k X_k e^{+2πi jk/n} (inverse, normalised here by `inverseScale`).
/// Each call copies into aligned FFTW buffers; hot loops that transform the same size many
/// times should hold the plan and buffers themselves, as `CausalConvolution` does.
/// Plans come from `plans` (the process-wide `FFTPlanCache.shared` unless another is given).
public enum FFT {
    /// The one place the inverse transform's 1/n lives.
    /// - Precondition: n ≥ 1 (a violation traps naming n; 1/0 would be ∞).
    /// - Complexity: O(1).
    @inlinable
    public static func inverseScale(_ n: Int) -> Double {
        requirePrecondition(n >= 1, "FFT.inverseScale(n): n = \(n), but the transform length n must be ≥ 1")
        return 1 / Double(n)
    }

    /// The lengths a transform accepts: 1…`FFTPlan.maximumSize` = 2³⁰.
    public static let supportedLengths = 1...FFTPlan.maximumSize

    /// Throws unless `n` is in `supportedLengths`, naming the parameter `name` that chose it.
    /// Callers that build a long spectrum before transforming call this first, so a length
    /// the transform will refuse is refused before gigabytes are allocated.
    /// - Complexity: O(1).
    public static func requireLength(_ n: Int, _ name: String = "FFT length n") throws {
        try requirePositive(n, name)
        try requireInRange(n, supportedLengths, name)
    }

    /// Real-to-complex forward DFT. `x` (n) → (n/2+1): the non-negative frequencies; the others
    /// are their conjugates (X_{n−k} = conj X_k).
    /// - Throws: `invalidParameter` if n = 0 or n > `FFTPlan.maximumSize`, or if the spectrum
    ///   overflows Double ("too large", naming x's largest |entry|); `nonFinite` for NaN/∞ in `x`.
    /// - Complexity: O(n log n).
    public static func forward(_ x: [Double], plans: FFTPlanCache = .shared) throws -> [Complex<Double>] {
        try requireLength(x.count)
        try requireFinite(x, "x")
        let n = x.count
        let input = FFTWRealBuffer(count: n)                   // (n)
        let output = FFTWComplexBuffer(count: n / 2 + 1)       // (n/2+1)
        _ = input.buffer.update(fromContentsOf: x)
        plans.plan(.realForward, size: n).execute(input, output)
        let spectrum = Array(output.buffer)
        try requireNoOverflow(spectrum, of: OverflowSuspect("x", x))
        return spectrum
    }

    /// Complex-to-real inverse DFT, normalised: `spectrum` (n/2+1) → (n). Inverts `forward(_:)`
    /// for a real signal of length `count`; the imaginary parts of X₀ (and X_{n/2} for even n)
    /// are ignored, as for any real signal's spectrum.
    /// - Throws: `invalidParameter` unless 1 ≤ n ≤ `FFTPlan.maximumSize`; `shapeMismatch`
    ///   unless spectrum has n/2+1 entries; `nonFinite`; `invalidParameter` ("too large") if the
    ///   signal overflows Double.
    /// - Complexity: O(n log n).
    public static func inverse(_ spectrum: [Complex<Double>], count n: Int, plans: FFTPlanCache = .shared) throws -> [Double] {
        try requireLength(n)
        try requireCount(spectrum.count, n / 2 + 1, "spectrum of a length-\(n) real signal")
        if !complexFinite(spectrum) { try requireFinite(spectrum, "spectrum") }   // one branch-free pass; names the entry if not
        let input = FFTWComplexBuffer(count: n / 2 + 1)        // (n/2+1), destroyed by c2r
        let output = FFTWRealBuffer(count: n)                  // (n)
        _ = input.buffer.update(fromContentsOf: spectrum)
        plans.plan(.realInverse, size: n).execute(input, output)
        let scale = inverseScale(n)
        var finite = true
        let x = [Double](unsafeUninitializedCapacity: n) { out, count in   // (n): x·(1/n), checked as it is scaled
            finite = scaleChecked(UnsafePointer(output.pointer), by: scale, into: out.baseAddress!, count: n)
            count = n
        }
        try StateSpace.requireNoOverflow(finite, result: "transform", suspects: [OverflowSuspect("spectrum", spectrum)])
        return x
    }

    /// Complex forward DFT. `x` (n) → (n).
    /// - Throws: `invalidParameter` if n = 0 or n > `FFTPlan.maximumSize` or the result overflows
    ///   Double ("too large"); `nonFinite`.
    /// - Complexity: O(n log n).
    public static func forward(_ x: [Complex<Double>], plans: FFTPlanCache = .shared) throws -> [Complex<Double>] {
        try complexTransform(x, .complexForward, scale: 1, plans: plans)
    }

    /// Complex inverse DFT, normalised by 1/n. `x` (n) → (n).
    /// - Throws: `invalidParameter` if n = 0 or n > `FFTPlan.maximumSize` or the result overflows
    ///   Double ("too large"); `nonFinite`.
    /// - Complexity: O(n log n).
    public static func inverse(_ x: [Complex<Double>], plans: FFTPlanCache = .shared) throws -> [Complex<Double>] {
        try complexTransform(x, .complexInverse, scale: 1 / Double(max(x.count, 1)), plans: plans)
    }

    private static func complexTransform(_ x: [Complex<Double>], _ kind: FFTKind, scale: Double,
                                         plans: FFTPlanCache) throws -> [Complex<Double>] {
        try requireLength(x.count)
        try requireFinite(x, "x")
        let n = x.count
        let input = FFTWComplexBuffer(count: n)                // (n)
        let output = FFTWComplexBuffer(count: n)               // (n)
        _ = input.buffer.update(fromContentsOf: x)
        plans.plan(kind, size: n).execute(input, output)
        let y = scale == 1 ? Array(output.buffer) : output.buffer.map { $0.multiplied(by: scale) }
        try requireNoOverflow(y, of: OverflowSuspect("x", x))
        return y
    }

    /// Throws if a transform of finite `input` overflowed: |X_k| ≤ Σ|x_j| can exceed 1.8e308.
    /// - Complexity: O(n).
    private static func requireNoOverflow(_ output: [Complex<Double>], of input: OverflowSuspect) throws {
        try StateSpace.requireNoOverflow(allFinite(output), result: "transform", suspects: [input])
    }
}

/// target[i] = s·source[i] for i < count; false if any product is not finite. Branch-free, as
/// `copyChecked`, so the scaling and the check vectorise together.
/// - Complexity: O(count).
@inline(__always)
func scaleChecked(_ source: UnsafePointer<Double>, by s: Double, into target: UnsafeMutablePointer<Double>, count: Int) -> Bool {
    var carries: UInt64 = 0
    for i in 0..<count {
        let x = s * source[i]
        target[i] = x
        carries |= (x.bitPattern & 0x7FF0_0000_0000_0000) &+ 0x0010_0000_0000_0000
    }
    return carries & 0x8000_0000_0000_0000 == 0
}
