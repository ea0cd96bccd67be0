/// A linear (fully connected) layer applied to every row: y = x·W + b.
///
/// **Layout used by every layer in this folder.** Activations are matrices whose rows are
/// tokens: one sequence is (L, d); a batch of B sequences is stacked as (B·L, d), sequence β
/// in rows β·L ..< (β+1)·L. Position-wise layers (this one, RMSNorm, activations, embedding,
/// the head) do not care where sequences start; layers that mix along time (convolution,
/// scans) take the sequence length L and never mix rows of different sequences.
///
/// **Forward and backward.** `forward(x)` returns y; the caller keeps x (what this layer's
/// backward needs) and later calls `backward(x, outputGradient: ∂ℓ/∂y)`, which *adds* to
/// the parameters' gradients and returns ∂ℓ/∂x:
///
///     ∂ℓ/∂W += xᵀ·(∂ℓ/∂y)          (d_in, d_out)     one GEMM
///     ∂ℓ/∂b += Σ_rows ∂ℓ/∂y        (d_out)
///     ∂ℓ/∂x  = (∂ℓ/∂y)·Wᵀ          (rows, d_in)      one GEMM
///
/// Derivation: y_{rj} = Σ_i x_{ri} W_{ij} + b_j, so ∂y_{rj}/∂W_{ij} = x_{ri} and
/// ∂y_{rj}/∂x_{ri} = W_{ij}; summing over what each entry touches gives the three lines.
///
/// Initialisation as PyTorch's `nn.Linear` (which Mamba's code uses): W, b ~ U(±1/√d_in).
/// - Complexity: forward 2·rows·d_in·d_out flops; backward twice that (cblas_dgemm).
public struct Linear: Trainable, Sendable {
    public var weight: Parameter                                      // (d_in, d_out)
    public var bias: Parameter?                                       // (1, d_out)

    public var inputWidth: Int { weight.value.rows }
    public var outputWidth: Int { weight.value.cols }

    /// - Throws: `invalidParameter` for a width < 1 or a weight matrix above the 2³⁰ cap.
    public init(_ name: String, inputWidth: Int, outputWidth: Int, bias: Bool = true, rng: inout SplitMix64) throws {
        try requirePositive(inputWidth, "\(name) input width")
        try requirePositive(outputWidth, "\(name) output width")
        _ = try requireAllocatable([inputWidth, outputWidth], "\(name) weight (d_in, d_out)", value: "\(inputWidth) × \(outputWidth)")
        let bound = 1 / Double(inputWidth).squareRoot()
        weight = Parameter("\(name).weight", try uniformMatrix(inputWidth, outputWidth, bound: bound, rng: &rng))
        self.bias = bias ? Parameter("\(name).bias", try uniformMatrix(1, outputWidth, bound: bound, rng: &rng), group: .noDecay) : nil
    }

    /// A layer over given weights (`weight` (d_in, d_out), `bias` 1×d_out or nil).
    /// - Throws: `shapeMismatch` for a bias not 1×d_out; `nonFinite` for NaN/∞.
    public init(weight: Parameter, bias: Parameter?) throws {
        try weight.value.requireFinite(weight.name)
        if let bias {
            try requireDimensions(bias.value, 1, weight.value.cols, "\(bias.name) (1, d_out)")
            try bias.value.requireFinite(bias.name)
        }
        (self.weight, self.bias) = (weight, bias)
    }

    public mutating func forEachParameter(_ body: (inout Parameter) throws -> Void) rethrows {
        try body(&weight)
        if var b = bias { try body(&b); bias = b }
    }

    /// y = x·W + b. `x` (rows, d_in) → (rows, d_out).
    /// - Throws: `shapeMismatch` unless x has d_in columns.
    public func forward(_ x: Matrix) throws -> Matrix {
        try requireDimensions(x, x.rows, inputWidth, "\(weight.name) input (rows, d_in = \(inputWidth))")
        var y = Matrix(zeros: x.rows, outputWidth)                    // (rows, d_out)
        if let bias { for r in 0..<x.rows { for j in 0..<outputWidth { y.elements[r * outputWidth + j] = bias.value.elements[j] } } }
        gemm(1, x, weight.value, bias == nil ? 0 : 1, &y)
        return y
    }

    /// Accumulates ∂ℓ/∂W, ∂ℓ/∂b and returns ∂ℓ/∂x (rows, d_in). `x` is the forward's input.
    /// - Throws: `shapeMismatch` for x or ∂ℓ/∂y not shaped (rows, d_in), (rows, d_out);
    ///   `nonFinite` for NaN/∞ in ∂ℓ/∂y.
    public mutating func backward(_ x: Matrix, outputGradient dy: Matrix) throws -> Matrix {
        try requireDimensions(x, x.rows, inputWidth, "\(weight.name) input (rows, d_in = \(inputWidth))")
        try requireGradient(dy, rows: x.rows, cols: outputWidth, "∂ℓ/∂y of \(weight.name) (rows, d_out)")
        gemm(1, x, transposeA: true, dy, 1, &weight.gradient)         // (d_in, d_out) += xᵀ·dy
        if bias != nil {
            for r in 0..<dy.rows { for j in 0..<outputWidth { bias!.gradient.elements[j] += dy.elements[r * outputWidth + j] } }
        }
        var dx = Matrix(zeros: x.rows, inputWidth)                    // (rows, d_in)
        gemm(1, dy, weight.value, transposeB: true, 0, &dx)
        return dx
    }
}
