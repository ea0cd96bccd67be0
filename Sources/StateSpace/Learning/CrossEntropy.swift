import Foundation

/// Softmax cross-entropy of next-token predictions, weighted per row: the loss every language
/// model here trains on. Only rows with a positive weight count (selective copying scores its k
/// query positions, induction heads its last position; a plain LM weights every row 1).
///
/// **Loss.** For logits z_r (V) and target τ_r, with p_r = softmax(z_r) and weights w_r ≥ 0,
///
///     ℓ = Σ_r w_r · (logsumexp(z_r) − z_{r,τ_r}) / Σ_r w_r
///
/// logsumexp(z) = m + log Σ_v e^{z_v − m} with m = max_v z_v: every exponent is ≤ 0, so no
/// overflow for any finite logits, and the largest term is exactly 1 (no underflow of the sum).
///
/// **Gradient.** ∂(logsumexp z)/∂z_v = p_v and ∂z_τ/∂z_v = [v = τ], so
///
///     ∂ℓ/∂z_{r,v} = w_r · (p_{r,v} − [v = τ_r]) / Σ w            (B·L, V)
///
/// Rows with w_r = 0 get a zero gradient and their targets are never read (any value, e.g. −1).
public struct CrossEntropy: Sendable {
    /// The weighted mean loss ℓ (nats).
    public let loss: Double
    /// ∂ℓ/∂logits (B·L, V).
    public let logitsGradient: Matrix
    /// Rows with a positive weight whose argmax logit is the target.
    public let correct: Int
    /// Rows with a positive weight.
    public let counted: Int

    /// correct / counted: the accuracy on the scored rows.
    public var accuracy: Double { Double(correct) / Double(counted) }

    /// The loss, gradient and accuracy of `logits` (B·L, V) against `targets` (B·L) with per-row
    /// `weights` (B·L; nil = every row weighs 1).
    /// - Throws: `shapeMismatch` when targets or weights do not have one entry per row;
    ///   `invalidParameter` for a weight negative or not finite, all weights 0, or a target outside
    ///   0 ..< V on a weighted row; `nonFinite` for NaN/∞ in the logits.
    /// - Complexity: O(B·L·V).
    public init(logits: Matrix, targets: [Int], weights: [Double]? = nil) throws {
        let (rows, v) = (logits.rows, logits.cols)
        try requireCount(targets.count, rows, "targets (one per row of the logits)")
        let raw = weights ?? [Double](repeating: 1, count: rows)     // (B·L)
        try requireCount(raw.count, rows, "weights (one per row of the logits)")
        try logits.requireFinite("logits")
        try Self.requireWeights(raw, targets: targets, vocabulary: v)
        // Normalise by the largest weight (the loss and gradient are invariant to a common scale):
        // every weight then lies in [0, 1] with the largest exactly 1, so Σ w ∈ [1, B·L] neither
        // overflows (weights near 1e308) nor loses subnormal weights to rounding.
        let largest = raw.max()!
        let w = raw.map { $0 / largest }                             // (B·L), max entry 1
        let total = w.reduce(0, +)
        var gradient = Matrix(zeros: rows, v)                         // (B·L, V)
        var (loss, correct, counted) = (0.0, 0, 0)
        for r in 0..<rows where w[r] > 0 {
            let z = logits.elements[(r * v)..<((r + 1) * v)]
            let m = z.max()!
            let sum = z.reduce(0) { $0 + exp($1 - m) }
            let target = targets[r]
            loss += w[r] * (m + log(sum) - z[r * v + target])
            for j in 0..<v { gradient.elements[r * v + j] = w[r] * exp(z[r * v + j] - m) / sum / total }
            gradient.elements[r * v + target] -= w[r] / total
            counted += 1
            if indexOfMaximum(z) - r * v == target { correct += 1 }
        }
        self.loss = loss / total
        logitsGradient = gradient
        (self.correct, self.counted) = (correct, counted)
    }

    /// Throws unless weights are finite, ≥ 0, not all 0, and weighted rows have valid targets.
    static func requireWeights(_ w: [Double], targets: [Int], vocabulary v: Int) throws {
        for (r, weight) in w.enumerated() {
            guard weight.isFinite, weight >= 0 else {
                throw StateSpaceError.invalidParameter(name: "weight of row \(r)", value: "\(weight)", allowed: "weights must be finite and ≥ 0")
            }
            if weight > 0, !(0..<v).contains(targets[r]) {
                throw StateSpaceError.invalidParameter(name: "target of row \(r)", value: "\(targets[r])",
                                                       allowed: "targets of weighted rows must lie in 0..<\(v) (the number of logits)")
            }
        }
        guard w.contains(where: { $0 > 0 }) else {
            throw StateSpaceError.invalidParameter(name: "weights", value: "all 0", allowed: "at least one row must have a positive weight")
        }
    }
}

/// The index of the largest entry (the first one on ties). - Complexity: O(n).
private func indexOfMaximum<C: Collection>(_ values: C) -> C.Index where C.Element == Double {
    var best = values.startIndex
    for i in values.indices where values[i] > values[best] { best = i }
    return best
}

/// The argmax of every row of `logits` (B·L, V) → (B·L): the greedy prediction per position.
/// - Complexity: O(B·L·V).
public func predictedTokens(_ logits: Matrix) -> [Int] {
    (0..<logits.rows).map { r in indexOfMaximum(logits.elements[(r * logits.cols)..<((r + 1) * logits.cols)]) - r * logits.cols }
}

/// The fraction of rows with a positive weight where the argmax of `logits` (B·L, V) equals the
/// target: a task's accuracy on its scored positions (the query positions of selective copying).
/// - Throws: as `CrossEntropy.init` for mismatched counts, bad weights or targets.
/// - Complexity: O(B·L·V).
public func maskedAccuracy(logits: Matrix, targets: [Int], weights: [Double]) throws -> Double {
    try requireCount(targets.count, logits.rows, "targets (one per row of the logits)")
    try requireCount(weights.count, logits.rows, "weights (one per row of the logits)")
    try CrossEntropy.requireWeights(weights, targets: targets, vocabulary: logits.cols)
    let predicted = predictedTokens(logits)
    let scored = weights.indices.filter { weights[$0] > 0 }
    return Double(scored.filter { predicted[$0] == targets[$0] }.count) / Double(scored.count)
}
