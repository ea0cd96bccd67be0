import CVectorMath
import Foundation
import Numerics

/// S4D as a trainable sequence mixer of width H: per channel h an `S4DChannel` (N/2 complex
/// modes, ZOH, Vandermonde kernel K_h), and
///
///     y_h = K_h ∗ u_h + D_h·u_h          (causal, first L outputs; FFTW, padded to n ≥ 2L − 1)
///
/// **Backward of the convolution.** y_t = Σ_{s≤t} K_{t−s} u_s + D u_t, so with g = ∂ℓ/∂y:
///
///     ∂ℓ/∂u_s = Σ_{t≥s} g_t K_{t−s} + D g_s      (the *correlation* of g with K)
///     ∂ℓ/∂K_j = Σ_{t≥j} g_t u_{t−j}              (the correlation of g with u)
///     ∂ℓ/∂D   = Σ_t g_t u_t
///
/// A correlation is a convolution with a conjugated spectrum: for real sequences padded to n,
/// DFT(Σ_t g_t K_{(t−s) mod n})_k = Ĝ_k·conj(K̂_k). Padding to n ≥ 2L − 1 keeps the circular
/// wrap out of indices 0 … L−1 (for t < s the index n + t − s ≥ n − L + 1 ≥ L falls in K's zero
/// padding). So the backward uses the forward's FFT size and its stored spectra K̂, û: one r2c
/// of g and two c2r per (sequence, channel); then ∂K goes through `S4DChannel.kernelBackward`.
///
/// **Initialisation** as `s4d.py` (S4D-Lin): logΛre = log ½, Λim_n = π n, B = 1, C complex
/// standard normal (each part N(0, ½), as torch's complex randn), log Δ ~ U[log 1e-3, log 1e-1],
/// D ~ N(0, 1). **Groups**: logΛre, Λim, B and log Δ `.ssm` (the S4 code registers them with the
/// SSM learning rate and no weight decay); C and D `.standard`: in the S4 repository's
/// `example.py` both are plain parameters, which its `setup_optimizer` gives the model's learning
/// rate and weight decay.
///
/// **Two routes** for the three convolutions (`convolution`): `.fft`, the FFTs above (any L, and
/// what Chapter 07 derives), and `.direct`, the same three sums written out — O(B·H·L²) multiply-adds
/// each, over the H channels of a row at a time in C (`ass_causal_conv_rows`, …). At the short L of
/// Chapter 08's training (64) they beat B·H FFTs of size 128 with their copies (that chapter's S4D
/// trained ≈ 1.4× more tokens per second with them, measured at d = 64); their O(L²) loses as L grows. Both routes
/// give the same numbers up to rounding (tests: 1e-11 of the largest entry).
///
/// - Complexity: forward O(H·M·L) for the kernels + (1 + 2B)·H FFTs of size n (`.direct`:
///   B·H·L²/2 multiply-adds); backward O(H·M·L) + 3B·H FFTs (`.direct`: B·H·L² multiply-adds).
public struct S4DCore: SequenceMixer {
    public var logAReal: Parameter                                    // log_A_real: (H, M)
    public var aImag: Parameter                                       // A_imag: (H, M)
    public var b: Parameter                                           // B: (H, 2M), (re, im) per mode
    public var c: Parameter                                           // C: (H, 2M), (re, im) per mode
    public var logStep: Parameter                                     // log_dt: (1, H)
    public var skip: Parameter                                        // D: (1, H)
    /// Workers over channels (≥ 1; the `.direct` route runs on one).
    public var threads: Int
    /// How the convolutions run: by FFT (the default) or by their direct sums (short L).
    public var convolution: Route = .fft

    /// The convolutions' route (see the type).
    public enum Route: Sendable { case fft, direct }
    public var width: Int { skip.value.cols }
    public var modes: Int { logAReal.value.cols }

    /// The input and what the backward reuses: the spectra (`.fft`) or the kernels (`.direct`).
    public struct Tape: Sendable {
        let x: Matrix                                                 // (B·L, H)
        let length: Int
        let kernelSpectra: [Complex<Double>]                          // (H, n/2+1): DFT(K_h)/n; empty for .direct
        let inputSpectra: [Complex<Double>]                           // (B, H, n/2+1): DFT(u); empty for .direct
        var transposedKernels: [Double] = []                          // (L, H): K_h[j] at j·H + h; .direct only
    }

    /// The diagonal recurrence's state: h (B, H, M), complex.
    public struct State: Sendable {
        public var h: [Complex<Double>]
        public let batch: Int
    }

    /// - Throws: `invalidParameter` for H < 1, or N < 2 or odd (conjugate pairs).
    /// - Complexity: O(H·N).
    public init(_ name: String = "mixer", width h: Int, stateSize n: Int, threads: Int = 1, rng: inout SplitMix64) throws {
        try requirePositive(h, "S4D width H")
        guard n >= 2, n % 2 == 0 else {
            throw StateSpaceError.invalidParameter(name: "S4D state size N", value: "\(n)", allowed: "must be even and ≥ 2: N/2 complex modes, each a conjugate pair")
        }
        let m = n / 2
        _ = try requireAllocatable([h, 2 * m], "S4D parameters (H, N)", value: "\(h) × \(n)")
        logAReal = Parameter("\(name).log_A_real", Matrix(unchecked: h, m, [Double](repeating: log(0.5), count: h * m)), group: .ssm)
        aImag = Parameter("\(name).A_imag", Matrix(unchecked: h, m, (0..<h * m).map { Double.pi * Double($0 % m) }), group: .ssm)
        b = Parameter("\(name).B", Matrix(unchecked: h, 2 * m, (0..<h * 2 * m).map { $0 % 2 == 0 ? 1 : 0 }), group: .ssm)
        c = Parameter("\(name).C", Matrix(unchecked: h, 2 * m, (0..<h * 2 * m).map { _ in rng.nextGaussian() / 2.0.squareRoot() }))
        logStep = Parameter("\(name).log_dt", vector: (0..<h).map { _ in Double.random(in: log(1e-3)...log(1e-1), using: &rng) }, group: .ssm)
        skip = Parameter("\(name).D", vector: (0..<h).map { _ in rng.nextGaussian() })
        self.threads = max(1, threads)
    }

    public mutating func forEachParameter(_ body: (inout Parameter) throws -> Void) rethrows {
        try body(&logAReal); try body(&aImag); try body(&b); try body(&c); try body(&logStep); try body(&skip)
    }

    /// Channel h's parameters.
    /// - Throws: `invalidParameter` unless 0 ≤ h < H (the width).
    /// - Complexity: O(M).
    public func channel(_ h: Int) throws -> S4DChannel {
        guard (0..<width).contains(h) else {
            throw StateSpaceError.invalidParameter(name: "S4D channel index h", value: "\(h)", allowed: "must lie in 0..<\(width) (the width H)")
        }
        return channelUnchecked(h)
    }

    /// Channel h's parameters for an index the caller knows is in 0 ..< H. - Complexity: O(M).
    func channelUnchecked(_ h: Int) -> S4DChannel {
        let m = modes
        func complexRow(_ p: Parameter) -> [Complex<Double>] {
            (0..<m).map { Complex(p.value.elements[h * 2 * m + 2 * $0], p.value.elements[h * 2 * m + 2 * $0 + 1]) }
        }
        return S4DChannel(logAReal: Array(logAReal.value.elements[h * m..<(h + 1) * m]), aImag: Array(aImag.value.elements[h * m..<(h + 1) * m]),
                          b: complexRow(b), c: complexRow(c), logStep: logStep.value.elements[h])
    }

    /// Every channel's kernel, (H, L).
    /// - Throws: `invalidParameter` if a kernel overflows (parameters far outside training's range).
    /// - Complexity: O(H·M·L).
    public func kernels(length: Int) throws -> [Double] {
        try requirePositive(length, "S4D kernel length L")
        let h = width
        _ = try requireAllocatable([h, length], "S4D kernels (H, L)", value: "\(h) × \(length)")
        var k = [Double](repeating: 0, count: h * length)                // (H, L)
        k.withUnsafeMutableBufferPointer { buffer in
            let out = DisjointWrites(buffer.baseAddress!)
            forEachChannelRange(h, workers: threads) { lo, hi, _ in
                for ch in lo..<hi { (out.base + ch * length).update(from: channelUnchecked(ch).kernel(length: length), count: length) }
            }
        }
        try requireNoOverflow(allFinite(k), result: "S4D kernels K (H, L)",
                              suspects: [OverflowSuspect(logAReal.name, logAReal.value.elements), OverflowSuspect(logStep.name, logStep.value.elements),
                                         OverflowSuspect(c.name, c.value.elements), OverflowSuspect(b.name, b.value.elements)])
        return k
    }

    /// `x` (B·L, H) → y (B·L, H), and the tape. - Throws: as `SequenceMixer.forward`, and
    /// `invalidParameter` for L > 2²⁹ or an overflowing kernel or output.
    public func forward(_ x: Matrix, length: Int) throws -> (output: Matrix, tape: Tape) {
        let batch = try requireSequences(x, length: length, width: width, "S4D input x")
        let n = try CausalConvolution.paddedSize(for: length), f = n / 2 + 1, h = width
        let k = try kernels(length: length)                              // (H, L)
        if convolution == .direct { return try directForward(x, length: length, batch: batch, kernels: k) }
        var y = Matrix(zeros: x.rows, h)                                 // (B·L, H)
        var kernelSpectra = [Complex<Double>](repeating: .zero, count: h * f)
        var inputSpectra = [Complex<Double>](repeating: .zero, count: batch * h * f)
        let (scale, d) = (FFT.inverseScale(n), skip.value.elements)
        y.elements.withUnsafeMutableBufferPointer { py in
            kernelSpectra.withUnsafeMutableBufferPointer { pk in
                inputSpectra.withUnsafeMutableBufferPointer { pu in
                    let (out, ks, us) = (DisjointWrites(py.baseAddress!), DisjointWrites(pk.baseAddress!), DisjointWrites(pu.baseAddress!))
                    forEachChannelRange(h, workers: threads) { lo, hi, _ in
                        let fft = ChannelFFT(size: n)
                        for ch in lo..<hi {
                            fft.forward(Array(k[ch * length..<(ch + 1) * length]), into: ks.base + ch * f, scale: scale)
                            for s in 0..<batch {
                                let u = (0..<length).map { x.elements[(s * length + $0) * h + ch] }   // (L)
                                let uHat = us.base + (s * h + ch) * f
                                fft.forward(u, into: uHat, scale: 1)
                                let conv = fft.inverseProduct(uHat, ks.base + ch * f, conjugateSecond: false, length: length)
                                for t in 0..<length { out[(s * length + t) * h + ch] = conv[t] + d[ch] * u[t] }
                            }
                        }
                    }
                }
            }
        }
        try requireNoOverflow(allFinite(y.elements), result: "S4D output y", suspects: [OverflowSuspect("S4D input x", x.elements)])
        return (y, Tape(x: x, length: length, kernelSpectra: kernelSpectra, inputSpectra: inputSpectra))
    }

    /// Adds ∂ℓ/∂(every parameter) and returns ∂ℓ/∂x (B·L, H) (see the type's derivation).
    /// - Throws: `shapeMismatch` / `nonFinite` for ∂ℓ/∂y not (B·L, H) or not finite;
    ///   `invalidParameter` if a gradient overflows.
    public mutating func backward(_ tape: Tape, outputGradient dy: Matrix) throws -> Matrix {
        let (h, length, x) = (width, tape.length, tape.x)
        try requireGradient(dy, rows: x.rows, cols: h, "∂ℓ/∂y of S4D (B·L, H)")
        if !tape.transposedKernels.isEmpty { return try directBackward(tape, outputGradient: dy) }
        let (batch, n) = (x.rows / length, try CausalConvolution.paddedSize(for: length))
        let f = n / 2 + 1, scale = FFT.inverseScale(n), d = skip.value.elements
        var dx = Matrix(zeros: x.rows, h)                                 // (B·L, H)
        var grads = [S4DChannelGradient](repeating: S4DChannelGradient(modes: modes), count: h)
        var dSkip = [Double](repeating: 0, count: h)                     // (H)
        let core = self
        dx.elements.withUnsafeMutableBufferPointer { pdx in
            grads.withUnsafeMutableBufferPointer { pg in
                dSkip.withUnsafeMutableBufferPointer { pd in
                    let (out, gs, ds) = (DisjointWrites(pdx.baseAddress!), DisjointWrites(pg.baseAddress!), DisjointWrites(pd.baseAddress!))
                    forEachChannelRange(h, workers: threads) { lo, hi, _ in
                        let fft = ChannelFFT(size: n)
                        for ch in lo..<hi {
                            var dk = [Double](repeating: 0, count: length)   // (L): ∂ℓ/∂K_h
                            tape.kernelSpectra.withUnsafeBufferPointer { ks in
                                tape.inputSpectra.withUnsafeBufferPointer { us in
                                    for s in 0..<batch {
                                        let g = (0..<length).map { dy.elements[(s * length + $0) * h + ch] }   // (L)
                                        fft.forward(g, into: fft.gradientSpectrum, scale: 1)
                                        let du = fft.inverseProduct(fft.gradientSpectrum, ks.baseAddress! + ch * f, conjugateSecond: true, length: length)
                                        let corr = fft.inverseProduct(fft.gradientSpectrum, us.baseAddress! + (s * h + ch) * f, conjugateSecond: true,
                                                                      length: length, scale: scale)
                                        for t in 0..<length {
                                            let u = x.elements[(s * length + t) * h + ch]
                                            out[(s * length + t) * h + ch] = du[t] + d[ch] * g[t]
                                            dk[t] += corr[t]
                                            ds[ch] += g[t] * u
                                        }
                                    }
                                }
                            }
                            gs[ch] = core.channelUnchecked(ch).kernelBackward(dk)
                        }
                    }
                }
            }
        }
        accumulate(grads, dSkip)
        let finite = [logAReal, aImag, b, c, logStep, skip].allSatisfy { allFinite($0.gradient.elements) } && allFinite(dx.elements)
        try requireNoOverflow(finite, result: "S4D gradients", suspects: [OverflowSuspect("∂ℓ/∂y", dy.elements)])
        return dx
    }

    /// Adds the channels' gradients to the parameters'. - Complexity: O(H·M).
    private mutating func accumulate(_ grads: [S4DChannelGradient], _ dSkip: [Double]) {
        let m = modes
        for (ch, g) in grads.enumerated() {
            for i in 0..<m {
                logAReal.gradient.elements[ch * m + i] += g.logAReal[i]
                aImag.gradient.elements[ch * m + i] += g.aImag[i]
                b.gradient.elements[ch * 2 * m + 2 * i] += g.b[i].real
                b.gradient.elements[ch * 2 * m + 2 * i + 1] += g.b[i].imaginary
                c.gradient.elements[ch * 2 * m + 2 * i] += g.c[i].real
                c.gradient.elements[ch * 2 * m + 2 * i + 1] += g.c[i].imaginary
            }
            logStep.gradient.elements[ch] += g.logStep
            skip.gradient.elements[ch] += dSkip[ch]
        }
    }

    public func initialState(batch: Int) -> State {
        State(h: [Complex<Double>](repeating: .zero, count: max(0, batch) * width * modes), batch: batch)
    }

    /// One token per sequence: h ← z ⊙ h + B̄ u (B̄ = E·B), y = 2·Re(C·h) + D u — the same
    /// system as the kernel (K_l = 2 Re Σ C B̄ zˡ is this recurrence's impulse response).
    /// `x` (B, H) → (B, H). - Throws: `shapeMismatch` for x not (B, H); `nonFinite`.
    /// - Complexity: O(B·H·M).
    public func step(_ x: Matrix, state: inout State) throws -> Matrix {
        try requireDimensions(x, state.batch, width, "S4D step input x (B, H) with B = \(state.batch)")
        try requireCount(state.h.count, state.batch * width * modes,
                         "S4D step state h (B, H, N/2) with B = \(state.batch), H = \(width), N/2 = \(modes)")
        try x.requireFinite("S4D step input x")
        let (h, m) = (width, modes)
        var y = Matrix(zeros: x.rows, h)                                 // (B, H)
        for ch in 0..<h {
            let p = channelUnchecked(ch)
            let (_, z, e) = p.discretized()
            let bBar = (0..<m).map { e[$0] * p.b[$0] }
            for s in 0..<x.rows {
                let u = x.elements[s * h + ch]
                var out = 0.0
                for i in 0..<m {
                    let at = (s * h + ch) * m + i
                    state.h[at] = z[i] * state.h[at] + bBar[i].multiplied(by: u)
                    out += p.c[i].real * state.h[at].real - p.c[i].imaginary * state.h[at].imaginary
                }
                y.elements[s * h + ch] = 2 * out + skip.value.elements[ch] * u
            }
        }
        return y
    }
}

extension S4DCore {
    /// The `.direct` forward: y = K ∗ u + D u by the sums, the kernels (H, L) transposed once.
    /// - Complexity: O(B·H·L²).
    func directForward(_ x: Matrix, length: Int, batch: Int, kernels k: [Double]) throws -> (output: Matrix, tape: Tape) {
        let h = width
        let kt = transposedMatrix(k, rows: h, cols: length).elements    // (L, H)
        var y = Matrix(zeros: x.rows, h)                                 // (B·L, H)
        ass_causal_conv_rows(kt, x.elements, batch, length, h, &y.elements)
        let d = skip.value.elements
        y.elements.withUnsafeMutableBufferPointer { py in
            for r in 0..<x.rows { for ch in 0..<h { py[r * h + ch] += d[ch] * x.elements[r * h + ch] } }
        }
        try requireNoOverflow(allFinite(y.elements), result: "S4D output y", suspects: [OverflowSuspect("S4D input x", x.elements)])
        return (y, Tape(x: x, length: length, kernelSpectra: [], inputSpectra: [], transposedKernels: kt))
    }

    /// The `.direct` backward: ∂x = (g ⋆ K) + D g, ∂K_h[j] = Σ g_t u_{t−j}, ∂D = Σ g u by the sums,
    /// then each channel's ∂K through `S4DChannel.kernelBackward`. - Complexity: O(B·H·L² + H·M·L).
    mutating func directBackward(_ tape: Tape, outputGradient dy: Matrix) throws -> Matrix {
        let (h, length, x) = (width, tape.length, tape.x)
        let batch = x.rows / length, d = skip.value.elements
        var dx = Matrix(zeros: x.rows, h)                                 // (B·L, H)
        ass_causal_corr_rows(tape.transposedKernels, dy.elements, batch, length, h, &dx.elements)
        var dkt = [Double](repeating: 0, count: length * h)              // (L, H): ∂ℓ/∂K_h[j] at j·H + h
        ass_causal_conv_kernel_gradient(dy.elements, x.elements, batch, length, h, &dkt)
        var dSkip = [Double](repeating: 0, count: h)                     // (H)
        dx.elements.withUnsafeMutableBufferPointer { pdx in
            for r in 0..<x.rows {
                for ch in 0..<h {
                    let g = dy.elements[r * h + ch]
                    pdx[r * h + ch] += d[ch] * g
                    dSkip[ch] += g * x.elements[r * h + ch]
                }
            }
        }
        let grads = (0..<h).map { ch in channelUnchecked(ch).kernelBackward((0..<length).map { dkt[$0 * h + ch] }) }
        accumulate(grads, dSkip)
        let finite = [logAReal, aImag, b, c, logStep, skip].allSatisfy { allFinite($0.gradient.elements) } && allFinite(dx.elements)
        try requireNoOverflow(finite, result: "S4D gradients", suspects: [OverflowSuspect("∂ℓ/∂y", dy.elements)])
        return dx
    }
}

/// One worker's FFTW buffers for size n: a real signal and two spectra.
final class ChannelFFT {
    let size: Int
    let signal: FFTWRealBuffer                                        // (n)
    let spectrum: FFTWComplexBuffer                                   // (n/2+1): products (destroyed by c2r)
    let gradient: FFTWComplexBuffer                                   // (n/2+1): DFT(∂ℓ/∂y)
    let forwardPlan: FFTPlan, inversePlan: FFTPlan

    init(size n: Int) {
        size = n
        (signal, spectrum, gradient) = (FFTWRealBuffer(count: n), FFTWComplexBuffer(count: n / 2 + 1), FFTWComplexBuffer(count: n / 2 + 1))
        forwardPlan = FFTPlanCache.shared.plan(.realForward, size: n)
        inversePlan = FFTPlanCache.shared.plan(.realInverse, size: n)
    }

    var gradientSpectrum: UnsafeMutablePointer<Complex<Double>> { gradient.pointer }

    /// scale·DFT(v zero-padded to n) into `out` (n/2+1). - Complexity: O(n log n).
    func forward(_ v: [Double], into out: UnsafeMutablePointer<Complex<Double>>, scale: Double) {
        let x = signal.buffer
        _ = x.update(fromContentsOf: v)
        x[v.count...].update(repeating: 0)
        forwardPlan.execute(signal, spectrum)
        for i in 0..<size / 2 + 1 { out[i] = spectrum.pointer[i].multiplied(by: scale) }
    }

    /// The first `length` entries of scale·IDFT(a ⊙ b) (b conjugated when asked), unnormalised
    /// c2r: pass scale = 1/n unless b already carries it. - Complexity: O(n log n).
    func inverseProduct(_ a: UnsafePointer<Complex<Double>>, _ b: UnsafePointer<Complex<Double>>, conjugateSecond: Bool,
                        length: Int, scale: Double = 1) -> [Double] {
        let p = spectrum.pointer
        for i in 0..<size / 2 + 1 {
            let other = conjugateSecond ? b[i].conjugate : b[i]
            p[i] = (a[i] * other).multiplied(by: scale)
        }
        inversePlan.execute(spectrum, signal)
        return Array(signal.buffer[0..<length])
    }
}
