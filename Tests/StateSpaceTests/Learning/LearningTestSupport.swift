import Foundation
import PropertyBased
import Testing
@testable import StateSpace

/// A small learnable SSM core for testing the blocks around a core without depending on the
/// S6/S4D cores: a per-channel exponential moving average with a learnable decay,
///
///     a_c = σ(θ_c),   h_t = a_c·h_{t−1} + (1 − a_c)·x_t,   y_t = h_t + D_c·x_t
///
/// per sequence (h_{−1} = 0). Backward: λ_t = ∂y_t + a·λ_{t+1} (the reverse scan),
/// ∂x_t = (1 − a)·λ_t + D·∂y_t, ∂a = Σ_t λ_t·(h_{t−1} − x_t), ∂θ = ∂a·a(1 − a), ∂D = Σ_t ∂y_t·x_t.
struct EMATestCore: SequenceMixer {
    var logit: Parameter                                              // θ (1, d)
    var skip: Parameter                                               // D (1, d)
    var width: Int { logit.value.cols }

    struct Tape { let x: Matrix; let h: Matrix; let length: Int }     // (B·L, d) each

    init(width: Int, rng: inout SplitMix64) {
        logit = Parameter("ema.logit", vector: (0..<width).map { _ in Double.random(in: -1...2, using: &rng) }, group: .ssm)
        skip = Parameter("ema.D", vector: (0..<width).map { _ in Double.random(in: -1...1, using: &rng) }, group: .noDecay)
    }

    mutating func forEachParameter(_ body: (inout Parameter) throws -> Void) rethrows {
        try body(&logit)
        try body(&skip)
    }

    func decay(_ c: Int) -> Double { Softplus.derivative(logit.value.elements[c]) }

    func forward(_ x: Matrix, length: Int) throws -> (output: Matrix, tape: Tape) {
        let batch = try requireSequences(x, length: length, width: width, "EMA input")
        let d = width
        var h = Matrix(zeros: x.rows, d), y = Matrix(zeros: x.rows, d)
        for s in 0..<batch {
            for t in 0..<length {
                let r = (s * length + t) * d
                for c in 0..<d {
                    let previous = t == 0 ? 0 : h.elements[r - d + c], a = decay(c)
                    h.elements[r + c] = a * previous + (1 - a) * x.elements[r + c]
                    y.elements[r + c] = h.elements[r + c] + skip.value.elements[c] * x.elements[r + c]
                }
            }
        }
        return (y, Tape(x: x, h: h, length: length))
    }

    mutating func backward(_ tape: Tape, outputGradient dy: Matrix) throws -> Matrix {
        try requireGradient(dy, rows: tape.x.rows, cols: width, "∂ℓ/∂y of EMA")
        let (d, length) = (width, tape.length)
        var dx = Matrix(zeros: tape.x.rows, d)
        for s in 0..<(tape.x.rows / length) {
            var lambda = [Double](repeating: 0, count: d)
            for t in (0..<length).reversed() {
                let r = (s * length + t) * d
                for c in 0..<d {
                    let a = decay(c), g = dy.elements[r + c], x = tape.x.elements[r + c]
                    lambda[c] = g + a * lambda[c]
                    dx.elements[r + c] = (1 - a) * lambda[c] + skip.value.elements[c] * g
                    let previous = t == 0 ? 0 : tape.h.elements[r - d + c]
                    logit.gradient.elements[c] += lambda[c] * (previous - x) * a * (1 - a)
                    skip.gradient.elements[c] += g * x
                }
            }
        }
        return dx
    }

    func initialState(batch: Int) -> Matrix { Matrix(zeros: batch, width) }

    func step(_ x: Matrix, state: inout Matrix) throws -> Matrix {
        try requireDimensions(x, state.rows, width, "EMA step input")
        var y = x
        for i in x.elements.indices {
            let c = i % width, a = decay(c)
            state.elements[i] = a * state.elements[i] + (1 - a) * x.elements[i]
            y.elements[i] = state.elements[i] + skip.value.elements[c] * x.elements[i]
        }
        return y
    }
}

/// Shapes for a gradient property: B ≥ 2 sequences (so sequence boundaries are crossed), length
/// L, two widths, and the seed of the case's arrays.
struct LearningLayerCase: CustomStringConvertible {
    let batch: Int
    let length: Int
    let width: Int
    let other: Int
    let data: UInt64

    var description: String { "B = \(batch), L = \(length), width \(width), other \(other), data seed \(data)" }

    static let generator = zip(Gen.int(in: 2...3), Gen.int(in: 1...9), Gen.int(in: 1...5), Gen.int(in: 1...5), dataSeed)
        .map { LearningLayerCase(batch: $0.0, length: $0.1, width: $0.2, other: $0.3, data: $0.4) }
}

/// The finite-difference tolerance of every gradient test: 1e-6 relative (norm-wise per array).
/// `centralDifference` (fourth order, h = 1e-3·max(1, |θ|)) carries truncation ~h⁴ and rounding
/// ~ε|f|/h ≈ 1e-13·|f| (ε = 2.2e-16) on these O(1)-scaled losses: far below.
let gradientTolerance = 1e-6

/// ⟨W, M⟩ = Σ W ⊙ M: a loss whose gradient with respect to M is W.
func weightedSum(_ m: Matrix, _ w: Matrix) -> Double {
    zip(m.elements, w.elements).reduce(0) { $0 + $1.0 * $1.1 }
}

func gaussianTestMatrix(_ rows: Int, _ cols: Int, _ rng: inout SplitMix64) -> Matrix {
    try! Matrix(rows: rows, cols: cols, elements: (0..<(rows * cols)).map { _ in rng.nextGaussian() })
}

/// A discrepancy as a property comparison against `gradientTolerance`.
func gradientCheck(_ name: String, _ d: GradientDiscrepancy) -> Comparison {
    Comparison(name: "\(name): \(d)", error: d.relativeError, tolerance: gradientTolerance)
}

/// Rows `r` of a (B·L, d) matrix: token t of every sequence, as (B, d).
func rowsAtTime(_ m: Matrix, time t: Int, length: Int) -> Matrix {
    let batch = m.rows / length
    var out = Matrix(zeros: batch, m.cols)
    for s in 0..<batch { for j in 0..<m.cols { out[s, j] = m[s * length + t, j] } }
    return out
}

/// The largest |a − b| entry.
func largestGap(_ a: Matrix, _ b: Matrix) -> Double {
    zip(a.elements, b.elements).reduce(0) { max($0, abs($1.0 - $1.1)) }
}

/// The description of the error `body` throws (nil when it does not throw).
func thrownDescription(_ body: () throws -> Void) -> String? {
    do { try body(); return nil } catch { return "\(error)" }
}
