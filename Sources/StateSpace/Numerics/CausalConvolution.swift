import CVectorMath
import Numerics
import Synchronization

/// Causal convolution y = K ∗ u, keeping the first L outputs:  y_t = Σ_{s=0…t} K_{t−s} u_s.
///
/// By FFT: zero-pad K and u to n ≥ 2L−1 so that the *circular* convolution the DFT computes
/// equals the linear one on indices 0…L−1 (without padding, the tail of the convolution wraps
/// around onto the start). Then y = IDFT(DFT(K) ⊙ DFT(u))[0..<L]. We take n to be the next power
/// of two, where FFTW is fastest.
///
/// The kernel's spectrum (with the inverse's 1/n folded in) is computed once in `init`; each
/// `apply` does one r2c, one pointwise product and one c2r — the cost of a convolution layer
/// whose kernel is fixed (S4 at inference), measured against FFTW's bare round trip in `Bench`.
/// The c2r writes into its own buffer, so the input buffer's zero padding is written once, in
/// `init`, and never again (an out-of-place r2c leaves its input as it was). An instance owns
/// scratch buffers: use one instance per thread.
public final class CausalConvolution {
    /// L: the length of the kernel, of each input and of each output.
    public let length: Int
    /// n: the padded transform size, the smallest power of two ≥ 2L − 1.
    public let paddedLength: Int
    private let kernelSpectrum: [Complex<Double>]              // (n/2+1), DFT(K)/n
    private let kernelScale: Double                             // max |K_i|, for overflow messages
    private let forwardPlan: FFTPlan
    private let inversePlan: FFTPlan
    private let signal: FFTWRealBuffer                          // (n): u, then zeros that stay zero
    private let spectrum: FFTWComplexBuffer                     // (n/2+1)
    private let output: FFTWRealBuffer                          // (n): the c2r's result

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
        output = FFTWRealBuffer(count: n)
        _ = signal.buffer.update(fromContentsOf: kernel)       // rest stays zero: the padding
        forwardPlan.execute(signal, spectrum)
        signal.pointer.update(repeating: 0, count: length)     // each apply writes its u there
        let scale = FFT.inverseScale(n)
        kernelSpectrum = spectrum.buffer.map { $0.multiplied(by: scale) }
        kernelScale = maxMagnitude(kernel)
        try requireNoOverflow(complexFinite(kernelSpectrum), result: "kernel's spectrum", suspects: [OverflowSuspect("kernel K", kernel)])
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
        let finiteInput = u.withUnsafeBufferPointer { copyChecked($0.baseAddress!, into: signal.pointer, count: length) }
        if !finiteInput { try requireFinite(u, "input u") }    // the padding [L, n) is still zero
        forwardPlan.execute(signal, spectrum)
        kernelSpectrum.withUnsafeBufferPointer { k in                  // s ← DFT(K)/n ⊙ s
            spectrumProduct(spectrum.pointer, UnsafePointer(k.baseAddress!), scale: 1, count: spectrum.count)
        }
        inversePlan.execute(spectrum, output)
        var finite = true
        let y = [Double](unsafeUninitializedCapacity: length) { out, count in   // (L), checked as it is copied
            finite = copyChecked(UnsafePointer(output.pointer), into: out.baseAddress!, count: length)
            count = length
        }
        try requireNoOverflow(finite, result: "output y", suspects: [OverflowSuspect("kernel K", scale: "\(kernelScale) (largest |entry|)"),
                                                                           OverflowSuspect("input u", u)])
        return y
    }
}

/// y = K ∗ u by FFT (first L outputs), for a kernel used once. `kernel` (L), `u` (L) → (L).
///
/// The same three transforms and the same arithmetic as `CausalConvolution(kernel:).apply(u)`
/// (the readable route: prepare the kernel's spectrum, then apply it), with nothing else
/// around them: the aligned buffers come from a small pool of workspaces instead of being
/// allocated (and page-faulted) per call, the plans are looked up once, the kernel's spectrum
/// is never copied out of FFTW's buffer, and each copy in or out also checks finiteness. The
/// results are bit for bit those of the readable route (DFT(K)·(1/n), times DFT(u), c2r).
/// Should anything overflow, the readable route runs again to name the culprit.
/// - Throws: as `CausalConvolution.init` and `apply`.
/// - Complexity: O(L log L).
public func causalConvolution(_ kernel: [Double], _ u: [Double]) throws -> [Double] {
    let n = try CausalConvolution.paddedSize(for: kernel.count)
    try requireCount(u.count, kernel.count, "input u of a length-\(kernel.count) convolution")
    let l = kernel.count
    let workspace = ConvolutionWorkspace.take(size: n)
    defer { ConvolutionWorkspace.give(back: workspace) }
    let (a, b) = (workspace.kernel.pointer, workspace.signal.pointer)  // (n) each
    let finiteKernel = copyChecked(kernel, into: a, padTo: n), finiteInput = copyChecked(u, into: b, padTo: n)
    guard finiteKernel, finiteInput else {
        try requireFinite(kernel, "kernel K")
        try requireFinite(u, "input u")
        preconditionFailure("causalConvolution: a non-finite input passed the finiteness checks")
    }
    workspace.forward.execute(workspace.kernel, workspace.kernelSpectrum)
    workspace.forward.execute(workspace.signal, workspace.spectrum)
    let scale = FFT.inverseScale(n)
    spectrumProduct(workspace.spectrum.pointer, UnsafePointer(workspace.kernelSpectrum.pointer), scale: scale, count: n / 2 + 1)
    workspace.inverse.execute(workspace.spectrum, workspace.signal)
    var finiteOut = true
    let y = [Double](unsafeUninitializedCapacity: l) { out, count in   // (L), checked as it is copied
        finiteOut = copyChecked(UnsafePointer(b), into: out.baseAddress!, count: l)
        count = l
    }
    return finiteOut ? y : try CausalConvolution(kernel: kernel).apply(u)   // throws, naming K or u (or agrees: y)
}

/// Copies `values` into `target` and zero-fills it to `count`; false if any value is not finite.
/// - Complexity: O(count).
private func copyChecked(_ values: [Double], into target: UnsafeMutablePointer<Double>, padTo count: Int) -> Bool {
    let finite = values.withUnsafeBufferPointer { copyChecked(UnsafePointer($0.baseAddress!), into: target, count: $0.count) }
    (target + values.count).update(repeating: 0, count: count - values.count)
    return finite
}

/// Copies `count` doubles from `source` to `target`; false if any is not finite. Branch-free
/// (an integer OR over the exponent fields), so the copy and the check vectorise together: a
/// double is NaN or ±∞ exactly when its 11 exponent bits are all ones, and adding 1 to the
/// exponent field then carries into the sign bit. In C (`ass_copy_finite`), compiled for the
/// CPU's widest vectors, as the loop
///
///     for i in 0..<count { target[i] = source[i]
///                          carries |= (source[i].bitPattern & 0x7FF0…0) &+ 0x0010…0 }
///     return carries's sign bit == 0
///
/// - Complexity: O(count).
@inline(__always)
func copyChecked(_ source: UnsafePointer<Double>, into target: UnsafeMutablePointer<Double>, count: Int) -> Bool {
    ass_copy_finite(source, target, count) == 1
}

/// The convolution theorem's pointwise product, s ← (scale·k) ⊙ s over `count` complex numbers:
/// with κ = scale·k_i, s_i ← (κ_re s_re − κ_im s_im, κ_re s_im + κ_im s_re). In C
/// (`ass_spectrum_product`) with the CPU's widest vectors, where the loop
/// `for i in 0..<count { s[i] = k[i].multiplied(by: scale) * s[i] }` ran two doubles at a time
/// (measured in `Bench`: the product is 7% of an FFT round trip at n = 2¹⁷ as that loop, 4% in C).
/// `spectrumProductReadable` is that loop, kept for the tests.
/// - Precondition: `s` and `k` do not overlap (the C function takes them as `restrict`).
/// - Complexity: O(count).
@inline(__always)
package func spectrumProduct(_ s: UnsafeMutablePointer<Complex<Double>>, _ k: UnsafePointer<Complex<Double>>, scale: Double, count: Int) {
    s.withMemoryRebound(to: Double.self, capacity: 2 * count) { s in               // (re, im) pairs, as FFTW lays them out
        k.withMemoryRebound(to: Double.self, capacity: 2 * count) { k in
            ass_spectrum_product(s, k, scale, count)
        }
    }
}

/// Aligned buffers and plans for one convolution of padded size n: two real signals (n) and two
/// spectra (n/2+1). `causalConvolution` borrows one per call from a pool that keeps at most two
/// per power of two n ≤ 2¹⁸ (so at most ≈ 32 MB in all); larger sizes are allocated per call.
final class ConvolutionWorkspace: @unchecked Sendable {
    let kernel: FFTWRealBuffer, signal: FFTWRealBuffer                 // (n) each
    let kernelSpectrum: FFTWComplexBuffer, spectrum: FFTWComplexBuffer // (n/2+1) each
    let forward: FFTPlan, inverse: FFTPlan

    private init(size n: Int) {
        kernel = FFTWRealBuffer(count: n)
        signal = FFTWRealBuffer(count: n)
        kernelSpectrum = FFTWComplexBuffer(count: n / 2 + 1)
        spectrum = FFTWComplexBuffer(count: n / 2 + 1)
        forward = FFTPlanCache.shared.plan(.realForward, size: n)
        inverse = FFTPlanCache.shared.plan(.realInverse, size: n)
    }

    private static let pooledSizes = 1...(1 << 18)
    private static let perSize = 2
    private static let pool = Mutex<[Int: [ConvolutionWorkspace]]>([:])

    /// A workspace of size n, from the pool if one is free.
    static func take(size n: Int) -> ConvolutionWorkspace {
        if pooledSizes.contains(n), let free = pool.withLock({ $0[n]?.popLast() }) { return free }
        return ConvolutionWorkspace(size: n)
    }

    /// Returns a workspace to the pool (dropped if its size is not pooled or the pool is full).
    static func give(back workspace: ConvolutionWorkspace) {
        let n = workspace.kernel.count
        guard pooledSizes.contains(n) else { return }
        pool.withLock { if $0[n, default: []].count < perSize { $0[n, default: []].append(workspace) } }
    }
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

/// `spectrumProduct` as the Swift loop it replaces: s_i ← (scale·k_i)·s_i in swift-numerics'
/// complex arithmetic (no fused multiply-adds). The tests compare the C kernel with it.
/// - Complexity: O(count).
func spectrumProductReadable(_ s: UnsafeMutablePointer<Complex<Double>>, _ k: UnsafePointer<Complex<Double>>, scale: Double, count: Int) {
    for i in 0..<count { s[i] = k[i].multiplied(by: scale) * s[i] }
}
