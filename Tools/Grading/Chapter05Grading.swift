import Course
import Foundation
import StateSpace

/// The graders of chapter 05's exercises (`Exercises/Chapter05/`).
public enum Chapter05Grading {
    public static let title = "Mamba: selection"

    public static func exercises<S: Chapter05Exercises>(_: S.Type) -> [Exercise] {
        [
            Exercise(id: "05.1", title: "one step of the selective scan") { selectiveStep(S.selectiveStep, seed: $0) },
            Exercise(id: "05.2", title: "Blelloch's combine") { combine(S.combine, seed: $0) },
            Exercise(id: "05.3", title: "the selective SSM as a matrix") { selectiveMatrix(S.selectiveMatrix, seed: $0) },
        ]
    }

    public enum Hints {
        public static let rawB = Hint("05.1/raw-b", "off by a factor Δ in the input: did you use B instead of ΔB? (B̄ = Δ·B)")
        public static let zoh = Hint(
            "05.1/zoh", "this is the paper's ZOH input rule B̄ = (e^{ΔA} − 1)/A·B (Mamba eq. 4); the reference code — and "
                + "this library — uses B̄ = ΔB (state-spaces/mamba issue #114)")
        public static let undiscretisedA = Hint("05.1/undiscretised-a", "the decay ignores Δ: Ā = exp(Δ·A), not exp(A)")
        public static let noSkip = Hint("05.1/no-skip", "the skip term D ⊙ x is missing from y")
        public static let late = Hint("05.1/late", "y is read before the update: y_t = C·h_t with h_t already containing x_t")
        public static let reversed = Hint(
            "05.2/reversed", "order reversed: the later step's decay a₂ multiplies the earlier b₁ — you composed the steps "
                + "backwards in time (a₁b₂ + b₁)")
        public static let undecayed = Hint("05.2/undecayed", "b₁ must decay through the later step: a₂·b₁ + b₂, not b₁ + b₂")
        public static let summedDecay = Hint("05.2/summed-decay", "decays compose by multiplication: a = a₁·a₂")
        public static let extraDecay = Hint(
            "05.3/extra-decay", "one decay too many: the product runs over k = s+1 … t (none on the diagonal); Ā_s is not in it")
        public static let rawB3 = Hint("05.3/raw-b", "off by a factor Δ_s in column s: the input enters as Δ_s·B_s")
        public static let transposed = Hint("05.3/transposed", "upper triangular: M is lower triangular, entry (t, s) with s ≤ t at t·L + s")
    }

    // MARK: 05.1

    static func inputs(_ draw: inout Draw, length l: Int, channels d: Int, state n: Int) -> SelectiveScanInputs {
        let m = { (r: Int, c: Int, v: [Double]) in try! Matrix(rows: r, cols: c, elements: v) }
        return try! SelectiveScanInputs(
            x: m(l, d, draw.gaussians(l * d)),
            delta: m(l, d, (0..<l * d).map { _ in softplus(draw.gaussian() - 1) }),
            a: m(d, n, (0..<d * n).map { _ in -exp(draw.uniform(-1...1.5)) }),
            b: m(l, n, draw.gaussians(l * n)), c: m(l, n, draw.gaussians(l * n)), skip: draw.gaussians(d))
    }

    /// The recurrence with a caller's rule for Ā and B̄ and optional skip (the mistakes' models). (L·D)
    static func recurrence(_ s: SelectiveScanInputs, skip: Bool = true, late: Bool = false,
                           decay: (Double, Double) -> Double, drive: (Double, Double) -> Double) -> [Double] {
        let (l, dd, n) = (s.length, s.channels, s.stateSize)
        var h = [Double](repeating: 0, count: dd * n)                 // (D, N)
        var y = [Double](repeating: 0, count: l * dd)                 // (L, D)
        for t in 0..<l {
            for d in 0..<dd {
                var acc = skip ? s.skip[d] * s.x[t, d] : 0
                for i in 0..<n {
                    if late { acc += s.c[t, i] * h[d * n + i] }
                    h[d * n + i] = decay(s.delta[t, d], s.a[d, i]) * h[d * n + i] + drive(s.delta[t, d], s.a[d, i]) * s.b[t, i] * s.x[t, d]
                    if !late { acc += s.c[t, i] * h[d * n + i] }
                }
                y[t * dd + d] = acc
            }
        }
        return y
    }

    /// Cases: (L, D, N) ∈ {(40, 3, 4), (8, 8, 16), (20, 1, 1), (1, 2, 3)}, Δ = softplus(N(−1, 1)),
    /// A = −e^{U(−1, 1.5)}. The student's step runs L times from h = 0 and is compared with
    /// `selectiveScan`. Tolerance 1e-12: the same recurrence (libmvec's exp against Foundation's,
    /// both within 1 ulp), ≈ L·ε relative.
    public static func selectiveStep(_ f: ([Double], [Double], [Double], [Double], [Double], [Double], [Double]) throws
        -> (state: [Double], y: [Double]), seed: UInt64) -> Verdict {
        var draw = Draw(seed: seed, exercise: "05.1")
        let cases = [(40, 3, 4), (8, 8, 16), (20, 1, 1), (1, 2, 3)].map { l, d, n in
            GradingCase(label: "L = \(l), D = \(d), N = \(n)", input: inputs(&draw, length: l, channels: d, state: n))
        }
        func run(_ s: SelectiveScanInputs) throws -> [Double] {
            let (d, n) = (s.channels, s.stateSize)
            var h = [Double](repeating: 0, count: d * n)
            var y: [Double] = []
            for t in 0..<s.length {
                let r = try f(h, s.x.row(t), s.delta.row(t), s.a.elements, s.b.row(t), s.c.row(t), s.skip)
                try requireCount(r.state, d * n, "the new state")
                try requireCount(r.y, d, "y")
                h = r.state
                y += r.y
            }
            return y
        }
        return Judge.grade(
            cases, tolerance: 1e-12, shape: "the new state (D·N) and y (D)",
            reference: { selectiveScan($0).elements },
            student: run,
            mistakes: [
                Mistake(hint: Hints.rawB) { recurrence($0, decay: { exp($0 * $1) }, drive: { _, _ in 1 }) },
                Mistake(hint: Hints.zoh) { selectiveRecurrence($0, input: .zeroOrderHold).elements },
                Mistake(hint: Hints.undiscretisedA) { recurrence($0, decay: { exp($1) }, drive: { delta, _ in delta }) },
                Mistake(hint: Hints.noSkip) { recurrence($0, skip: false, decay: { exp($0 * $1) }, drive: { delta, _ in delta }) },
                Mistake(hint: Hints.late) { recurrence($0, late: true, decay: { exp($0 * $1) }, drive: { delta, _ in delta }) },
            ])
    }

    // MARK: 05.2

    typealias CombineInput = (pairs: [(a: Double, b: Double)], scan: SelectiveScanInputs)

    /// Cases: 16 random pairs (a ∈ (0, 1], b Gaussian) combined as (p_i, p_{i+1}), then an
    /// inclusive scan of a one-channel, one-state selective SSM (a_t = e^{Δ_t A}, b_t = Δ_t B_t x_t)
    /// computed by a balanced tree of combines — the order a parallel scan uses — against
    /// `selectiveScan`. Tolerance 1e-13: a few roundings per combine, log₂L levels.
    public static func combine(_ f: ((a: Double, b: Double), (a: Double, b: Double)) throws -> (a: Double, b: Double),
                               seed: UInt64) -> Verdict {
        var draw = Draw(seed: seed, exercise: "05.2")
        let cases = [37, 8, 1].map { l -> GradingCase<CombineInput> in
            let pairs = (0..<16).map { _ in (a: draw.uniform(0.05...1), b: draw.gaussian()) }
            var s = inputs(&draw, length: l, channels: 1, state: 1)
            s = try! SelectiveScanInputs(x: s.x, delta: s.delta, a: s.a, b: s.b, c: try! Matrix(rows: l, cols: 1, elements: .init(repeating: 1, count: l)),
                                         skip: [0])
            return GradingCase(label: "16 pairs, then a scan of L = \(l)", input: (pairs, s))
        }
        func evaluate(_ i: CombineInput, _ op: ((a: Double, b: Double), (a: Double, b: Double)) throws -> (a: Double, b: Double)) throws
            -> [Double] {
            let direct = try (0..<i.pairs.count - 1).flatMap { j -> [Double] in let r = try op(i.pairs[j], i.pairs[j + 1]); return [r.a, r.b] }
            let s = i.scan
            let steps = (0..<s.length).map { t in (a: exp(s.delta[t, 0] * s.a[0, 0]), b: s.delta[t, 0] * s.b[t, 0] * s.x[t, 0]) }
            func tree(_ range: Range<Int>) throws -> (a: Double, b: Double) {
                if range.count == 1 { return steps[range.lowerBound] }
                let mid = range.lowerBound + range.count / 2
                return try op(try tree(range.lowerBound..<mid), try tree(mid..<range.upperBound))
            }
            let prefixes = try (0..<s.length).map { try tree(0..<($0 + 1)).b }   // h_t with h_{−1} = 0
            return direct + prefixes
        }
        return Judge.grade(
            cases, tolerance: 1e-13, shape: "(a, b)",
            reference: { i in
                let direct = try evaluate(i) { AffineComposition.combine($0.a, $0.b, $1.a, $1.b) }.dropLast(i.scan.length)
                return Array(direct) + selectiveScan(i.scan).elements
            },
            student: { try evaluate($0, f) },
            mistakes: [
                Mistake(hint: Hints.reversed) { try evaluate($0) { ($0.a * $1.a, $0.a * $1.b + $0.b) } },
                Mistake(hint: Hints.undecayed) { try evaluate($0) { ($0.a * $1.a, $0.b + $1.b) } },
                Mistake(hint: Hints.summedDecay) { try evaluate($0) { ($0.a + $1.a, $1.a * $0.b + $1.b) } },
            ])
    }

    // MARK: 05.3

    /// Cases: L ∈ {1, 2, 7, 30}, N ∈ {1, 4, 16}, one channel. Tolerance 1e-12: the same running
    /// products, ≈ L·N·ε relative.
    public static func selectiveMatrix(_ f: ([Double], [Double], [Double], [Double]) throws -> [Double], seed: UInt64) -> Verdict {
        var draw = Draw(seed: seed, exercise: "05.3")
        let cases = [(30, 4), (7, 16), (12, 1), (2, 3), (1, 1)].map { l, n in
            GradingCase(label: "L = \(l), N = \(n)", input: inputs(&draw, length: l, channels: 1, state: n))
        }
        func model(_ s: SelectiveScanInputs, extra: Bool = false, scaled: Bool = true) -> [Double] {
            let (l, n) = (s.length, s.stateSize)
            var m = [Double](repeating: 0, count: l * l)
            for t in 0..<l {
                for sIndex in 0...t {
                    var entry = 0.0
                    for i in 0..<n {
                        var product = 1.0
                        for k in (sIndex + (extra ? 0 : 1))..<(t + 1) { product *= exp(s.delta[k, 0] * s.a[0, i]) }
                        entry += s.c[t, i] * product * (scaled ? s.delta[sIndex, 0] : 1) * s.b[sIndex, i]
                    }
                    m[t * l + sIndex] = entry
                }
            }
            return m
        }
        return Judge.grade(
            cases, tolerance: 1e-12, shape: "M (L·L, row-major)",
            reference: { try StateSpace.selectiveMatrix($0, channel: 0).elements },
            student: { try f($0.delta.elements, $0.a.elements, $0.b.elements, $0.c.elements) },
            mistakes: [
                Mistake(hint: Hints.extraDecay) { model($0, extra: true) },
                Mistake(hint: Hints.rawB3) { model($0, scaled: false) },
                Mistake(hint: Hints.transposed) { try transposed(StateSpace.selectiveMatrix($0, channel: 0).elements, $0.length) },
            ])
    }
}
