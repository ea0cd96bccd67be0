/// A layer that mixes information along time: the slot a residual block fills (Mamba block,
/// S4D layer, selective scan alone, causal attention), and the SSM core inside a Mamba block.
///
/// Shapes: a batch of B sequences of length L, `width` channels, stacked as (B·L, width)
/// (see `Linear` for the layout). A mixer never mixes rows of different sequences.
///
/// Training uses `forward` (keeping a `Tape`: what `backward` needs) and `backward` (adds to
/// the parameters' gradients, returns ∂ℓ/∂input). Generation and long-context evaluation use
/// `step`: one token per sequence, carrying a `State` whose size is fixed for an SSM (the
/// recurrent mode; attention's KV cache grows instead).
public protocol SequenceMixer: Trainable, Sendable {
    /// What `forward` keeps for `backward` (inputs, intermediate activations, or checkpoints).
    associatedtype Tape
    /// What `step` carries from one token to the next, for a batch.
    associatedtype State

    /// Channels in and out.
    var width: Int { get }

    /// `x` (B·L, width) holding B sequences of length `length` → output (B·L, width) and the tape.
    /// - Throws: `shapeMismatch` for a width or a row count that is not a multiple of `length`;
    ///   `invalidParameter` for length < 1; `nonFinite` for NaN/∞ in x.
    func forward(_ x: Matrix, length: Int) throws -> (output: Matrix, tape: Tape)

    /// Adds ∂ℓ/∂θ to every parameter's gradient and returns ∂ℓ/∂x (B·L, width).
    /// - Throws: `shapeMismatch` / `nonFinite` for a ∂ℓ/∂output not shaped like the output or
    ///   not finite (`requireGradient`).
    mutating func backward(_ tape: Tape, outputGradient: Matrix) throws -> Matrix

    /// The state before the first token, for `batch` sequences.
    func initialState(batch: Int) -> State

    /// One token of each of B sequences: `x` (B, width) → (B, width), advancing `state`.
    /// Running `step` over t = 0 … L−1 gives the rows of `forward` (a property every mixer's
    /// tests check).
    func step(_ x: Matrix, state: inout State) throws -> Matrix
}

/// Throws unless `x` is (B·L, width) for some B ≥ 1; returns B.
/// - Throws: `invalidParameter` for length < 1; `shapeMismatch` otherwise.
public func requireSequences(_ x: Matrix, length: Int, width: Int, _ name: String) throws -> Int {
    try requirePositive(length, "sequence length L of \(name)")
    guard x.cols == width, x.rows > 0, x.rows % length == 0 else {
        throw StateSpaceError.shapeMismatch(name: "\(name) (B·L, width) with L = \(length)", expected: "a positive multiple of \(length) rows × \(width)",
                                            actual: "\(x.rows)×\(x.cols)")
    }
    try x.requireFinite(name)
    return x.rows / length
}
