import Numerics

/// Causal convolution y = K ∗ u, keeping the first L outputs:  y_t = Σ_{s=0…t} K_{t−s} u_s.
///
/// By FFT: zero-pad K and u to n ≥ 2L−1 so that the *circular* convolution the DFT computes
/// equals the linear one on indices 0…L−1 (without padding, the tail of the convolution wraps
/// around onto the start). Then y = IDFT(DFT(K) ⊙ DFT(u))[0..<L]. We take n to be the next power
/// of two, where FFTW is fastest.
///
/// The kernel's spectrum (with the inverse's 1/n folded in) is computed once in `init`; each
/// `apply` does one r2c, one pointwise product and one c2r — the cost of a convolution layer
/// whose kernel is fixed (S4 at inference): measured at 1.1–1.2× FFTW's bare round trip (`Bench`).
/// An instance owns scratch buffers: use one instance per thread.
public final class CausalConvolution {
    /// L: the length of the kernel, of each input and of each output.
    public let length: Int
    /// n: the padded transform size, the smallest power of two ≥ 2L − 1.
    public let paddedLength: Int
    private let kernelSpectrum: [Complex<Double>]              // (n/2+1), DFT(K)/n
    private let kernelScale: Double                             // max |K_i|, for overflow messages
    private let forwardPlan: FFTPlan
    private let inversePlan: FFTPlan
    private let signal: FFTWRealBuffer                          // (n)
    private let spectrum: FFTWComplexBuffer                     // (n/2+1)

    /// The longest kernel (and input) supported: L ≤ 2²⁹ = 536,870,912, so that the padded
    /// size n ≤ 2³⁰ is a power of two FFTW can plan (its sizes are C `int`s, ≤ 2³¹ − 1).
    /// (Memory gives out first on most machines: n = 2³⁰ needs 8 GB per real buffer.)
    public static let maximumLength = 1 << 29

    /// Prepares convolution with `kernel` (L).
    /// - Throws: `invalidParameter` unless 1 ≤ L ≤ `maximumLength`, or if DFT(K) overflows Double
    ///   ("too large", naming K's largest |entry|); `nonFinite` for NaN/∞ in the kernel.
    /// - Complexity: O(n log n).
    public init(kernel: [Double]) throws {
        length = kernel.count
        paddedLength = try Self.paddedSize(for: kernel.count)
        try requireFinite(kernel, "kernel K")
        let n = paddedLength
        forwardPlan = FFTPlanCache.shared.plan(.realForward, size: n)
        inversePlan = FFTPlanCache.shared.plan(.realInverse, size: n)
        signal = FFTWRealBuffer(count: n)
        spectrum = FFTWComplexBuffer(count: n / 2 + 1)
        _ = signal.buffer.update(fromContentsOf: kernel)       // rest stays zero: the padding
        forwardPlan.execute(signal, spectrum)
        let scale = FFT.inverseScale(n)
        kernelSpectrum = spectrum.buffer.map { $0.multiplied(by: scale) }
        kernelScale = maxMagnitude(kernel)
        try requireNoOverflow(allFinite(kernelSpectrum), result: "kernel's spectrum", suspects: [OverflowSuspect("kernel K", kernel)])
    }

    /// n: the smallest power of two ≥ 2L − 1, for L = `length` (n = 1 for L = 1).
    ///
    /// Computed from the bit length of 2L − 2 (no loop, so no overflow: the doubling loop this
    /// replaces wrapped to 0 and never ended for L near 2⁶²).
    /// - Throws: `invalidParameter` unless 1 ≤ L ≤ `maximumLength` (2²⁹).
    /// - Complexity: O(1).
    public static func paddedSize(for length: Int) throws -> Int {
        try requirePositive(length, "kernel length L")
        try requireInRange(length, 1...maximumLength, "kernel length L")
        let m = 2 * length - 1                                 // ≤ 2³⁰ − 1: no overflow
        return m == 1 ? 1 : 1 << (Int.bitWidth - (m - 1).leadingZeroBitCount)
    }

    /// y = K ∗ u, first L outputs. `u` (L) → (L).
    /// - Throws: `shapeMismatch` unless u has L entries; `nonFinite` for NaN/∞ in u;
    ///   `invalidParameter` ("too large", naming K and u with their largest |entries|) if the
    ///   output overflows Double.
    /// - Complexity: O(n log n), n = `paddedLength`.
    public func apply(_ u: [Double]) throws -> [Double] {
        try requireCount(u.count, length, "input u of a length-\(length) convolution")
        try requireFinite(u, "input u")
        let x = signal.buffer
        _ = x.update(fromContentsOf: u)
        x[length...].update(repeating: 0)                      // zero padding (the last c2r wrote here)
        forwardPlan.execute(signal, spectrum)
        let s = spectrum.buffer
        kernelSpectrum.withUnsafeBufferPointer { k in
            for i in 0..<s.count { s[i] = s[i] * k[i] }
        }
        inversePlan.execute(spectrum, signal)
        let y = Array(x[0..<length])
        try requireNoOverflow(allFinite(y), result: "output y", suspects: [OverflowSuspect("kernel K", scale: "\(kernelScale) (largest |entry|)"),
                                                                           OverflowSuspect("input u", u)])
        return y
    }
}

/// y = K ∗ u by FFT (first L outputs). `kernel` (L), `u` (L) → (L).
/// - Throws: as `CausalConvolution.init` and `apply`.
/// - Complexity: O(L log L).
public func causalConvolution(_ kernel: [Double], _ u: [Double]) throws -> [Double] {
    try CausalConvolution(kernel: kernel).apply(u)
}

/// y = K ∗ u by the definition y_t = Σ_{s≤t} K_{t−s} u_s: the O(L²) reference that the FFT
/// path is checked against. `kernel` (L), `u` (L) → (L). No upper limit on L but time.
/// - Throws: `invalidParameter` if L = 0 or if the output overflows Double ("too large",
///   naming K and u); `shapeMismatch`; `nonFinite`.
/// - Complexity: O(L²).
public func directCausalConvolution(_ kernel: [Double], _ u: [Double]) throws -> [Double] {
    try requirePositive(kernel.count, "kernel length L")
    try requireCount(u.count, kernel.count, "input u of a length-\(kernel.count) convolution")
    try requireFinite(kernel, "kernel K")
    try requireFinite(u, "input u")
    let l = kernel.count
    var y = [Double](repeating: 0, count: l)                   // (L)
    kernel.withUnsafeBufferPointer { k in
        u.withUnsafeBufferPointer { u in
            for t in 0..<l {
                var acc = 0.0
                for s in 0...t { acc += k[t - s] * u[s] }
                y[t] = acc
            }
        }
    }
    try requireNoOverflow(allFinite(y), result: "output y", suspects: [OverflowSuspect("kernel K", kernel), OverflowSuspect("input u", u)])
    return y
}
