/// A language model over any time-mixing layer, as Mamba's `MambaLMHeadModel`:
///
///     h₀ = embedding(tokens)                                   (B·L, d)
///     hᵢ₊₁ = hᵢ + mixerᵢ(RMSNormᵢ(hᵢ))     i = 0 … n−1        pre-norm residual blocks
///     logits = lm_head(RMSNorm_f(hₙ))                          (B·L, V)
///
/// The head is a `Linear` without bias, **untied** from the embedding (Mamba's code ties them by
/// default; untied keeps each gradient in one place, and at these sizes costs V·d parameters).
///
/// **Backward** (reverse of the lines above; the residual passes ∂ℓ/∂hᵢ₊₁ straight through):
///
///     ∂hₙ = RMSNorm_f.backward(lm_head.backward(∂logits))
///     ∂hᵢ = ∂hᵢ₊₁ + RMSNormᵢ.backward(mixerᵢ.backward(∂hᵢ₊₁))
///     embedding.backward(∂h₀)                                   (scatter-add)
///
/// **Step.** One token per sequence through the same stack, each mixer with its own state:
/// `step` over t = 0 … L−1 gives `forward`'s rows (the recurrent mode used for long-context
/// evaluation, with a state whose size does not grow for an SSM mixer).
///
/// **Parameter names** (the visiting order): `embedding.weight`, then per layer i
/// `layers.i.norm.weight` and `layers.i.mixer.<the mixer's own names>`, then `norm_f.weight`,
/// `lm_head.weight`. The mixers name their parameters relative to themselves (e.g.
/// `in_proj.weight`); the model adds the prefix when it visits them.
/// - Complexity: forward O(B·L·(d·V + Σ mixer costs)); backward about twice that.
public struct LanguageModel<Mixer: SequenceMixer>: Trainable, Sendable {
    public var embedding: Embedding                                   // (V, d)
    public var norms: [RMSNorm]                                       // n × (1, d)
    public var mixers: [Mixer]                                        // n, each of width d
    public var finalNorm: RMSNorm                                     // norm_f (1, d)
    public var head: Linear                                           // lm_head (d, V), no bias

    public var vocabulary: Int { embedding.vocabulary }
    public var width: Int { embedding.width }

    /// What backward needs: the tokens, each block's input and mixer tape, the last hidden state.
    public struct Tape {
        let tokens: [Int]                                             // (B·L)
        let blockInputs: [Matrix]                                     // n × (B·L, d): hᵢ
        let mixerTapes: [Mixer.Tape]
        let finalHidden: Matrix                                       // hₙ (B·L, d)
        let normalized: Matrix                                        // RMSNorm_f(hₙ) (B·L, d)
        public let length: Int
        /// Each block's mixer tape, first block first (for looking inside a trained model).
        public var mixers: [Mixer.Tape] { mixerTapes }
    }

    /// Every mixer's state, for B sequences.
    public struct State {
        public var mixers: [Mixer.State]
    }

    /// A model of `mixers.count` blocks around the given mixers (each of width `width`).
    /// - Throws: `invalidParameter` for vocabulary or width < 1 or no mixers; `shapeMismatch`
    ///   for a mixer whose width is not `width`.
    public init(vocabulary: Int, width: Int, mixers: [Mixer], rng: inout SplitMix64) throws {
        guard !mixers.isEmpty else {
            throw StateSpaceError.invalidParameter(name: "mixers of the language model", value: "[]", allowed: "at least one mixer (one residual block)")
        }
        for (i, m) in mixers.enumerated() where m.width != width {
            throw StateSpaceError.shapeMismatch(name: "width of mixer \(i)", expected: "\(width) (the model width d)", actual: "\(m.width)")
        }
        embedding = try Embedding("embedding", vocabulary: vocabulary, width: width, rng: &rng)
        norms = try mixers.indices.map { try RMSNorm("layers.\($0).norm", width: width) }
        self.mixers = mixers
        finalNorm = try RMSNorm("norm_f", width: width)
        head = try Linear("lm_head", inputWidth: width, outputWidth: vocabulary, bias: false, rng: &rng)
    }

    public mutating func forEachParameter(_ body: (inout Parameter) throws -> Void) rethrows {
        try embedding.forEachParameter(body)
        for i in mixers.indices {
            try norms[i].forEachParameter(body)
            try StateSpace.forEachParameter(of: &mixers[i], prefixedBy: "layers.\(i).mixer.", body)
        }
        try finalNorm.forEachParameter(body)
        try head.forEachParameter(body)
    }

    /// Logits (B·L, V) for `tokens` (B sequences of `length`, stacked), and the tape.
    /// - Throws: `invalidParameter` for length < 1 or a token outside 0 ..< V; `shapeMismatch`
    ///   when the token count is not a positive multiple of `length`; whatever a mixer throws.
    public func forward(_ tokens: [Int], length: Int) throws -> (logits: Matrix, tape: Tape) {
        try requirePositive(length, "sequence length L of the language model")
        guard !tokens.isEmpty, tokens.count % length == 0 else {
            throw StateSpaceError.shapeMismatch(name: "tokens (B·L) with L = \(length)", expected: "a positive multiple of \(length)",
                                                actual: "\(tokens.count)")
        }
        var h = try embedding.forward(tokens)                         // (B·L, d)
        var inputs: [Matrix] = [], tapes: [Mixer.Tape] = []
        for i in mixers.indices {
            inputs.append(h)
            let (mixed, tape) = try mixers[i].forward(norms[i].forward(h), length: length)
            tapes.append(tape)
            h = h + mixed
        }
        let normalized = try finalNorm.forward(h)                     // (B·L, d)
        let logits = try head.forward(normalized)                     // (B·L, V)
        return (logits, Tape(tokens: tokens, blockInputs: inputs, mixerTapes: tapes, finalHidden: h, normalized: normalized, length: length))
    }

    /// Accumulates ∂ℓ/∂θ for every parameter from ∂ℓ/∂logits (B·L, V).
    /// - Throws: `shapeMismatch` for a tape from a model of another number of layers (or whatever
    ///   a layer's backward throws for a tape of another shape); `shapeMismatch` / `nonFinite` for
    ///   ∂ℓ/∂logits not (B·L, V) or not finite.
    public mutating func backward(_ tape: Tape, logitsGradient: Matrix) throws {
        try requireCount(tape.mixerTapes.count, mixers.count, "mixer tapes of the language model's tape (one per layer)")
        try requireCount(tape.blockInputs.count, mixers.count, "block inputs of the language model's tape (one per layer)")
        try requireGradient(logitsGradient, rows: tape.tokens.count, cols: vocabulary, "∂ℓ/∂logits (B·L, V)")
        let dNormalized = try head.backward(tape.normalized, outputGradient: logitsGradient)
        var dh = try finalNorm.backward(tape.finalHidden, outputGradient: dNormalized)   // (B·L, d)
        for i in mixers.indices.reversed() {
            let dMixerInput = try mixers[i].backward(tape.mixerTapes[i], outputGradient: dh)
            dh = dh + (try norms[i].backward(tape.blockInputs[i], outputGradient: dMixerInput))
        }
        try embedding.backward(tape.tokens, outputGradient: dh)
    }

    /// Forward, softmax cross-entropy against `targets` weighted by `weights` (nil: all rows),
    /// and backward: the gradients of one batch accumulated, and its loss and accuracy returned.
    /// - Throws: as `forward`, `CrossEntropy.init` and `backward`.
    @discardableResult
    public mutating func accumulateGradients(tokens: [Int], targets: [Int], weights: [Double]? = nil,
                                             length: Int) throws -> CrossEntropy {
        let (logits, tape) = try forward(tokens, length: length)
        let result = try CrossEntropy(logits: logits, targets: targets, weights: weights)
        try backward(tape, logitsGradient: result.logitsGradient)
        return result
    }

    /// The state before the first token of `batch` sequences.
    public func initialState(batch: Int) -> State {
        State(mixers: mixers.map { $0.initialState(batch: batch) })
    }

    /// One token of each of B sequences: `tokens` (B) → logits (B, V), advancing `state`.
    /// - Throws: `invalidParameter` for a token outside 0 ..< V or an empty batch;
    ///   `shapeMismatch` when the state was made for another batch size or model.
    public func step(_ tokens: [Int], state: inout State) throws -> Matrix {
        try requireCount(state.mixers.count, mixers.count, "state of the language model (one per mixer)")
        var h = try embedding.forward(tokens)                         // (B, d)
        for i in mixers.indices {
            h = h + (try mixers[i].step(norms[i].forward(h), state: &state.mixers[i]))
        }
        return try head.forward(finalNorm.forward(h))                 // (B, V)
    }
}

/// Visits `trainable`'s parameters under names prefixed with `prefix`, writing back what `body`
/// changes (values and gradients move without copying their arrays).
/// - Complexity: O(number of parameters) plus `body`.
public func forEachParameter<T: Trainable>(of trainable: inout T, prefixedBy prefix: String,
                                    _ body: (inout Parameter) throws -> Void) rethrows {
    try trainable.forEachParameter { p in
        var named = Parameter(prefix + p.name, taking: &p)
        defer { p.value = named.value; p.gradient = named.gradient }
        try body(&named)
    }
}

extension Parameter {
    /// A parameter called `name` that takes over `other`'s value and gradient (leaving `other`
    /// with empty arrays until they are written back).
    init(_ name: String, taking other: inout Parameter) {
        self.name = name
        group = other.group
        value = other.value
        gradient = other.gradient
        other.value = Matrix(unchecked: 0, 0, [])
        other.gradient = Matrix(unchecked: 0, 0, [])
    }
}

extension LanguageModel.State: Sendable where Mixer.State: Sendable {}
extension LanguageModel.Tape: Sendable where Mixer.Tape: Sendable {}
