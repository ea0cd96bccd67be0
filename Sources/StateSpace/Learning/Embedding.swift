/// A token embedding: row `token` of a (vocabulary, d) table is the token's vector.
///
/// **Forward.** For B·L tokens (B sequences of length L stacked, see `Linear`) the output row r
/// is E[token_r]: a gather, (B·L, d).
///
/// **Backward.** y_{r,j} = E_{token_r, j}, so ∂y_{r,j}/∂E_{v,j} = [token_r = v] and
///
///     ∂ℓ/∂E_v += Σ_{r : token_r = v} ∂ℓ/∂y_r          (V, d)    a scatter-add
///
/// (a token seen twice receives both rows' gradients). Tokens are integers: there is no
/// gradient with respect to the input.
///
/// Initialisation as PyTorch's `nn.Embedding` (which Mamba's code uses): E ~ N(0, 1).
/// Group `.standard` (weight decay applies, as to the other weight matrices).
/// - Complexity: forward and backward O(B·L·d).
public struct Embedding: Trainable, Sendable {
    public var weight: Parameter                                      // (V, d)

    public var vocabulary: Int { weight.value.rows }
    public var width: Int { weight.value.cols }

    /// A (vocabulary, width) table with N(0, 1) entries; the parameter is `"\(name).weight"`.
    /// - Throws: `invalidParameter` for a size < 1 or a table above the 2³⁰ cap.
    public init(_ name: String = "embedding", vocabulary: Int, width: Int, rng: inout SplitMix64) throws {
        try requirePositive(vocabulary, "\(name) vocabulary size V")
        try requirePositive(width, "\(name) width d")
        let count = try requireAllocatable([vocabulary, width], "\(name) table (V, d)", value: "\(vocabulary) × \(width)")
        let values = (0..<count).map { _ in rng.nextGaussian() }      // (V·d)
        weight = Parameter("\(name).weight", Matrix(unchecked: vocabulary, width, values))
    }

    public mutating func forEachParameter(_ body: (inout Parameter) throws -> Void) rethrows {
        try body(&weight)
    }

    /// Throws unless every token is in 0 ..< V (naming the first one that is not).
    func requireTokens(_ tokens: [Int]) throws {
        for (i, t) in tokens.enumerated() where t < 0 || t >= vocabulary {
            throw StateSpaceError.invalidParameter(name: "token \(i) of the input to \(weight.name)", value: "\(t)",
                                                   allowed: "tokens must lie in 0..<\(vocabulary) (the vocabulary size V)")
        }
    }

    /// The rows E[token] for every token: `tokens` (B·L) → (B·L, d).
    /// - Throws: `invalidParameter` for an empty input or a token outside 0 ..< V.
    /// - Complexity: O(B·L·d).
    public func forward(_ tokens: [Int]) throws -> Matrix {
        guard !tokens.isEmpty else {
            throw StateSpaceError.invalidParameter(name: "tokens of \(weight.name)", value: "[]", allowed: "at least one token")
        }
        try requireTokens(tokens)
        let d = width
        var y = Matrix(zeros: tokens.count, d)                        // (B·L, d)
        for (r, t) in tokens.enumerated() {
            for j in 0..<d { y.elements[r * d + j] = weight.value.elements[t * d + j] }
        }
        return y
    }

    /// Scatter-adds ∂ℓ/∂y into the rows of ∂ℓ/∂E. `tokens` are the forward's input.
    /// - Throws: `invalidParameter` for a token outside 0 ..< V; `shapeMismatch` unless ∂ℓ/∂y is
    ///   (tokens, d); `nonFinite` for NaN/∞ in it.
    /// - Complexity: O(B·L·d).
    public mutating func backward(_ tokens: [Int], outputGradient dy: Matrix) throws {
        try requireTokens(tokens)
        try requireGradient(dy, rows: tokens.count, cols: width, "∂ℓ/∂y of \(weight.name) (tokens, d)")
        let d = width
        for (r, t) in tokens.enumerated() {
            for j in 0..<d { weight.gradient.elements[t * d + j] += dy.elements[r * d + j] }
        }
    }
}
