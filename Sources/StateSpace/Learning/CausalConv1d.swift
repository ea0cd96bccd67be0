import Foundation

/// Depthwise causal convolution along time (Mamba's `conv1d`, groups = channels, width K = 4
/// by default): channel c of token t sees the K most recent tokens of its own sequence,
///
///     y_{t,c} = b_c + Σ_{j=0}^{K−1} w_{c,j} · x_{t−(K−1)+j, c}            (B·L, d)
///
/// tap K−1 on the current token, tap 0 on the token K−1 steps back, and x_{s,c} = 0 for s < 0:
/// each sequence of a batch is zero-padded at its own start (Mamba pads K−1 zeros and keeps the
/// first L outputs), so nothing leaks from one sequence into the next.
///
/// **Backward** (per sequence and channel; every x_s is read by the outputs t = s … s+K−1):
///
///     ∂ℓ/∂x_{s,c}   = Σ_{j : t = s+(K−1)−j < L} w_{c,j} · ∂ℓ/∂y_{t,c}   a correlation
///     ∂ℓ/∂w_{c,j}  += Σ_t ∂ℓ/∂y_{t,c} · x_{t−(K−1)+j, c}                  (d, K)
///     ∂ℓ/∂b_c      += Σ_t ∂ℓ/∂y_{t,c}                                       (d)
///
/// **Step mode.** A sequence's state is its last K−1 inputs (K−1, d), oldest first, zeros before
/// the first token: y = b + Σ_{j<K−1} w_{·,j} ⊙ window_j + w_{·,K−1} ⊙ x, then the window shifts
/// by one. Running it over t = 0 … L−1 reproduces `forward`'s rows exactly (same sums).
///
/// Initialisation as PyTorch's `nn.Conv1d` (fan-in K for a depthwise filter): w, b ~ U(±1/√K).
/// Groups: weight `.standard`, bias `.noDecay`.
/// - Complexity: forward O(B·L·d·K); backward twice that; a step O(B·d·K).
public struct CausalConv1d: Trainable, Sendable {
    public var weight: Parameter                                      // (d, K)
    public var bias: Parameter                                        // (1, d)

    public var width: Int { weight.value.rows }
    public var kernelSize: Int { weight.value.cols }

    /// The last K−1 inputs of each of B sequences.
    public struct State: Sendable {
        public var window: Matrix                                     // (B·(K−1), d), oldest first per sequence
        /// B and K of the convolution the state was made for.
        public let batch: Int
        public let kernelSize: Int
    }

    /// Parameters `"\(name).weight"` (d, K) and `"\(name).bias"` (1, d).
    /// - Throws: `invalidParameter` for width or kernel size < 1.
    public init(_ name: String = "conv1d", width: Int, kernelSize: Int = 4, rng: inout SplitMix64) throws {
        try requirePositive(width, "\(name) width d")
        try requirePositive(kernelSize, "\(name) kernel size K")
        _ = try requireAllocatable([width, kernelSize], "\(name) weight (d, K)", value: "\(width) × \(kernelSize)")
        let bound = 1 / Double(kernelSize).squareRoot()
        weight = Parameter("\(name).weight", try uniformMatrix(width, kernelSize, bound: bound, rng: &rng))
        bias = Parameter("\(name).bias", try uniformMatrix(1, width, bound: bound, rng: &rng), group: .noDecay)
    }

    public mutating func forEachParameter(_ body: (inout Parameter) throws -> Void) rethrows {
        try body(&weight)
        try body(&bias)
    }

    /// `x` (B·L, d) → y (B·L, d), sequence by sequence.
    /// - Throws: `invalidParameter` for length < 1; `shapeMismatch` unless x is (B·L, d);
    ///   `nonFinite` for NaN/∞ in x.
    public func forward(_ x: Matrix, length: Int) throws -> Matrix {
        let batch = try requireSequences(x, length: length, width: width, "\(weight.name) input")
        let (d, k) = (width, kernelSize)
        var y = Matrix(zeros: x.rows, d)                              // (B·L, d)
        let taps = tapRows()                                          // (K, d)
        y.elements.withUnsafeMutableBufferPointer { ys in
            x.elements.withUnsafeBufferPointer { xs in
                taps.withUnsafeBufferPointer { w in
                    bias.value.elements.withUnsafeBufferPointer { b in
                        for sequence in 0..<batch {
                            let start = sequence * length
                            for t in 0..<length {
                                let row = (start + t) * d
                                for c in 0..<d { ys[row + c] = b[c] }
                                for j in max(0, k - 1 - t)..<k {      // taps that stay inside the sequence
                                    let source = (start + t - (k - 1) + j) * d
                                    for c in 0..<d { ys[row + c] += w[j * d + c] * xs[source + c] }
                                }
                            }
                        }
                    }
                }
            }
        }
        return y
    }

    /// The weight (d, K) transposed to K rows of d: tap j of every channel side by side, so that
    /// the loops over channels read contiguous memory. - Complexity: O(d·K).
    func tapRows() -> [Double] {
        let (d, k) = (width, kernelSize)
        return (0..<k * d).map { weight.value.elements[($0 % d) * k + $0 / d] }
    }

    /// Accumulates ∂ℓ/∂w, ∂ℓ/∂b and returns ∂ℓ/∂x (B·L, d). `x` is the forward's input.
    /// - Throws: `shapeMismatch` / `invalidParameter` for x as in `forward`; `shapeMismatch` or
    ///   `nonFinite` for a ∂ℓ/∂y not (B·L, d) or not finite.
    public mutating func backward(_ x: Matrix, length: Int, outputGradient dy: Matrix) throws -> Matrix {
        let batch = try requireSequences(x, length: length, width: width, "\(weight.name) input")
        try requireGradient(dy, rows: x.rows, cols: width, "∂ℓ/∂y of \(weight.name) (B·L, d)")
        let (d, k) = (width, kernelSize)
        var dx = Matrix(zeros: x.rows, d)                             // (B·L, d)
        let taps = tapRows()                                          // (K, d)
        var dTaps = [Double](repeating: 0, count: k * d), dBias = [Double](repeating: 0, count: d)   // (K, d), (d)
        dx.elements.withUnsafeMutableBufferPointer { dxs in
            dTaps.withUnsafeMutableBufferPointer { dw in
                dBias.withUnsafeMutableBufferPointer { db in
                    x.elements.withUnsafeBufferPointer { xs in
                        dy.elements.withUnsafeBufferPointer { dys in
                            taps.withUnsafeBufferPointer { w in
                                for sequence in 0..<batch {
                                    let start = sequence * length
                                    for t in 0..<length {
                                        let row = (start + t) * d
                                        for c in 0..<d { db[c] += dys[row + c] }
                                        for j in max(0, k - 1 - t)..<k {
                                            let source = (start + t - (k - 1) + j) * d
                                            for c in 0..<d {
                                                let g = dys[row + c]
                                                dw[j * d + c] += g * xs[source + c]
                                                dxs[source + c] += w[j * d + c] * g
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        for c in 0..<d {
            bias.gradient.elements[c] += dBias[c]
            for j in 0..<k { weight.gradient.elements[c * k + j] += dTaps[j * d + c] }
        }
        return dx
    }

    /// Zeros: the window before the first token of each of `batch` sequences (a negative batch
    /// counts as 0, as in the SSM cores' `initialState`).
    public func initialState(batch: Int) -> State {
        let batch = max(0, batch)
        return State(window: Matrix(zeros: batch * (kernelSize - 1), width), batch: batch, kernelSize: kernelSize)
    }

    /// One token of each of B sequences: `x` (B, d) → (B, d), shifting each window by one.
    /// - Throws: `shapeMismatch` for a state made by a convolution of another d or K, or unless x
    ///   is (B, d) with B the state's batch; `nonFinite` for NaN/∞.
    public func step(_ x: Matrix, state: inout State) throws -> Matrix {
        let (d, k) = (width, kernelSize)
        guard state.kernelSize == k else {
            throw StateSpaceError.shapeMismatch(name: "\(weight.name) step state: kernel size K it was made for",
                                                expected: "\(k)", actual: "\(state.kernelSize)")
        }
        let batch = state.batch
        try requireDimensions(state.window, batch * (k - 1), d, "\(weight.name) step state window (B·(K−1), d) with B = \(batch), K = \(k)")
        try requireDimensions(x, batch, d, "\(weight.name) step input (B, d) with B = \(batch) from the state")
        try x.requireFinite("\(weight.name) step input")
        var y = Matrix(zeros: batch, d)                               // (B, d)
        let taps = tapRows()                                          // (K, d)
        y.elements.withUnsafeMutableBufferPointer { ys in
            state.window.elements.withUnsafeMutableBufferPointer { window in
                x.elements.withUnsafeBufferPointer { xs in
                    taps.withUnsafeBufferPointer { w in
                        bias.value.elements.withUnsafeBufferPointer { b in
                            for s in 0..<batch {
                                let (out, oldest) = (s * d, s * (k - 1) * d)      // y's row; the window's first row
                                for c in 0..<d { ys[out + c] = b[c] + w[(k - 1) * d + c] * xs[out + c] }
                                for j in 0..<(k - 1) {
                                    for c in 0..<d { ys[out + c] += w[j * d + c] * window[oldest + j * d + c] }
                                }
                                guard k > 1 else { continue }
                                for i in 0..<(k - 2) * d { window[oldest + i] = window[oldest + d + i] }   // shift: drop the oldest
                                for c in 0..<d { window[oldest + (k - 2) * d + c] = xs[out + c] }
                            }
                        }
                    }
                }
            }
        }
        return y
    }
}
