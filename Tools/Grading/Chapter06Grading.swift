import Course
import Foundation
import StateSpace

/// The graders of chapter 06's exercises (`Exercises/Chapter06/`).
public enum Chapter06Grading {
    public static let title = "Mamba-2: state space duality"

    public static func exercises<S: Chapter06Exercises>(_: S.Type) -> [Exercise] {
        [
            Exercise(id: "06.1", title: "the stable segsum") { segsum(S.segsum, seed: $0) },
            Exercise(id: "06.2", title: "SSD's quadratic (attention) form") { quadratic(S.quadratic, seed: $0) },
            Exercise(id: "06.3", title: "the inter-chunk state pass") { statePass(S.statePass, seed: $0) },
        ]
    }

    public enum Hints {
        public static let cancellation = Hint(
            "06.1/cancellation", "right on short sequences, but digits are lost once the cumulative sum is large: S_t − S_s "
                + "cancels (its error is ε·|S_t| however short the range); sum each range's own terms instead")
        public static let extraTerm = Hint(
            "06.1/extra-term", "one term too many: the range is s+1 … t (so the diagonal is 0 and L_tt = 1); log a_s is not in it")
        public static let zeroAbove = Hint("06.1/zero-above", "above the diagonal must be −∞ (so that exp gives L_ts = 0), not 0")
        public static let noMask = Hint(
            "06.2/no-mask", "no decay: this is plain causal linear attention (a ≡ 1); multiply each score by L_ts = a_t ⋯ a_{s+1}")
        public static let extraDecay = Hint("06.2/extra-decay", "one decay too many: L_tt = 1, the product runs over s+1 … t")
        public static let future = Hint("06.2/future", "the future leaks in: only s ≤ t contributes to y_t (L_ts = 0 above the diagonal)")
        public static let offByOne = Hint(
            "06.3/off-by-one", "off by one chunk: you returned the state *leaving* each chunk; the one entering chunk k "
                + "leaves chunk k−1 (H_0 = 0)")
        public static let undecayed = Hint(
            "06.3/undecayed", "the carried state must decay through chunk k−1: H_k = α_{k−1}·H_{k−1} + S_{k−1}")
        public static let decayedTwice = Hint(
            "06.3/decayed-twice", "S_{k−1} is already the state at the end of chunk k−1: decay only H_{k−1}, not S_{k−1}")
    }

    // MARK: 06.1

    /// Cases: T ∈ {1, 2, 5, 20} with log a ∈ −[0.2, 1] (where even differences of cumulative sums
    /// are accurate: error ≤ T·ε·|S_T| ≤ 20·ε·20 ≈ 4e-14 on entries ≥ 0.2, so a naive segsum passes
    /// them and is caught, with its own hint, only where it fails), then the cancellation case:
    /// T = 400, the first 200 log a of size ~1e6, the rest ~1e-6. Compared entry by entry.
    /// Tolerance 1e-12 relative per entry: summing a range of same-signed terms errs by ≤ (t − s)·ε
    /// ≤ 5e-14 at T = 400; the differences of cumulative sums err by ε·|S_t| ≈ 2e-8 on entries of
    /// ~1e-5 … 1e-4 there (relative 1e-4 … 1e-3).
    public static func segsum(_ f: ([Double]) throws -> [Double], seed: UInt64) -> Verdict {
        var draw = Draw(seed: seed, exercise: "06.1")
        var cases = [20, 5, 2, 1].map { t in
            GradingCase(label: "T = \(t)", input: (0..<t).map { _ in -draw.uniform(0.2...1) })
        }
        let long = (0..<400).map { $0 < 200 ? -1e6 * draw.uniform(0.5...1) : -1e-6 * draw.uniform(0.5...1) }
        cases.append(GradingCase(label: "T = 400, |log a| ~1e6 then ~1e-6 (cancellation)", input: long, edgeHint: Hints.cancellation))
        return Judge.grade(
            cases, tolerance: 1e-12, shape: "segsum (T·T, row-major)", error: Judge.entrywiseError,
            reference: { try StateSpace.segsum($0) },
            student: f,
            mistakes: [
                Mistake(hint: Hints.extraTerm) { logA in                   // segsum[t, s] + log a_s for t ≥ s
                    let t = logA.count
                    return try StateSpace.segsum(logA).enumerated().map { $0.offset / t >= $0.offset % t ? $0.element + logA[$0.offset % t] : $0.element }
                },
                Mistake(hint: Hints.cancellation) { try segsumNaive($0) },
                Mistake(hint: Hints.zeroAbove) { try StateSpace.segsum($0).map { $0 == -.infinity ? 0 : $0 } },
            ])
    }

    // MARK: 06.2

    static func ssd(_ draw: inout Draw, t: Int, n: Int, p: Int, decays: (inout Draw) -> Double) -> SSDInputs {
        let m = { (r: Int, c: Int, v: [Double]) in try! Matrix(rows: r, cols: c, elements: v) }
        return try! SSDInputs(x: m(t, p, draw.gaussians(t * p)), a: m(t, 1, (0..<t).map { _ in decays(&draw) }),
                              b: m(t, n, draw.gaussians(t * n)), c: m(t, n, draw.gaussians(t * n)), heads: 1)
    }

    /// Y = Σ_{s} weight(t, s)·(C_t·B_s)·x_s with a caller's mask (the mistakes' models). (T·P)
    static func masked(_ s: SSDInputs, _ weight: (Int, Int) -> Double) -> [Double] {
        let (t, n, p) = (s.length, s.stateSize, s.headDim)
        var y = [Double](repeating: 0, count: t * p)
        for row in 0..<t {
            for col in 0..<t {
                let w = weight(row, col)
                if w == 0 { continue }
                let score = w * (0..<n).reduce(0.0) { $0 + s.c[row, $1] * s.b[col, $1] }
                for i in 0..<p { y[row * p + i] += score * s.x[col, i] }
            }
        }
        return y
    }

    /// Cases: (T, N, P) ∈ {(20, 4, 2), (64, 16, 8), (3, 1, 1), (1, 2, 3)}, a = e^{−Δ}, Δ ∈ [0.01, 1].
    /// Tolerance 1e-12: GEMMs against a direct sum of T·N products, both ≈ T·N·ε relative.
    public static func quadratic(_ f: ([Double], [Double], [Double], [Double], Int, Int) throws -> [Double], seed: UInt64) -> Verdict {
        var draw = Draw(seed: seed, exercise: "06.2")
        let cases = [(20, 4, 2), (64, 16, 8), (3, 1, 1), (1, 2, 3)].map { t, n, p in
            GradingCase(label: "T = \(t), N = \(n), P = \(p)", input: ssd(&draw, t: t, n: n, p: p) { exp(-$0.uniform(0.01...1)) })
        }
        func decay(_ s: SSDInputs, _ row: Int, _ col: Int, from: Int) -> Double {
            (col + from..<row + 1).reduce(1.0) { $0 * s.a[$1, 0] }
        }
        return Judge.grade(
            cases, tolerance: 1e-12, shape: "Y (T·P, row-major)",
            reference: { ssdQuadratic($0).elements },
            student: { try f($0.a.elements, $0.b.elements, $0.c.elements, $0.x.elements, $0.stateSize, $0.headDim) },
            mistakes: [
                Mistake(hint: Hints.noMask) { masked($0) { $0 >= $1 ? 1 : 0 } },
                Mistake(hint: Hints.extraDecay) { s in masked(s) { $0 >= $1 ? decay(s, $0, $1, from: 0) : 0 } },
                Mistake(hint: Hints.future) { s in masked(s) { $0 >= $1 ? decay(s, $0, $1, from: 1) : decay(s, $1, $0, from: 1) } },
            ])
    }

    // MARK: 06.3

    typealias PassInput = (ssd: SSDInputs, chunk: Int)

    /// Each chunk's own final state S_k (from zero; (P, N) flattened) and total decay α_k.
    static func chunkSummaries(_ i: PassInput) -> (states: [Double], decays: [Double]) {
        let s = i.ssd
        let (t, n, p) = (s.length, s.stateSize, s.headDim)
        var states: [Double] = [], decays: [Double] = []
        for start in stride(from: 0, to: t, by: i.chunk) {
            var h = [Double](repeating: 0, count: p * n), alpha = 1.0
            for step in start..<min(start + i.chunk, t) {
                alpha *= s.a[step, 0]
                for r in 0..<p { for k in 0..<n { h[r * n + k] = s.a[step, 0] * h[r * n + k] + s.x[step, r] * s.b[step, k] } }
            }
            states += h
            decays.append(alpha)
        }
        return (states, decays)
    }

    /// The chunked output from incoming states H: the library's quadratic form inside each chunk
    /// plus C_t·(a_start ⋯ a_t)·H_k. (T·P)
    static func assemble(_ i: PassInput, incoming h: [Double]) throws -> [Double] {
        let s = i.ssd
        let (t, n, p) = (s.length, s.stateSize, s.headDim)
        let chunks = (t + i.chunk - 1) / i.chunk
        try requireCount(h, chunks * p * n, "the incoming states (K·P·N, K = \(chunks) chunks)")
        var y: [Double] = []
        for (k, start) in stride(from: 0, to: t, by: i.chunk).enumerated() {
            let rows = start..<min(start + i.chunk, t)
            let part = try SSDInputs(x: rowsOf(s.x, rows), a: rowsOf(s.a, rows), b: rowsOf(s.b, rows), c: rowsOf(s.c, rows), heads: 1)
            let local = ssdQuadratic(part)                            // (Q, P)
            var decay = 1.0
            for (j, step) in rows.enumerated() {
                decay *= s.a[step, 0]
                for r in 0..<p {
                    let carried = (0..<n).reduce(0.0) { $0 + h[k * p * n + r * n + $1] * s.c[step, $1] }
                    y.append(local[j, r] + decay * carried)
                }
            }
        }
        return y
    }

    static func rowsOf(_ m: Matrix, _ rows: Range<Int>) throws -> Matrix {
        try Matrix(rows: rows.count, cols: m.cols, elements: Array(m.elements[(rows.lowerBound * m.cols)..<(rows.upperBound * m.cols)]))
    }

    /// H from a caller's pass rule over (S, α) (the mistakes' models). (K·S)
    static func pass(_ states: [Double], _ decays: [Double], _ rule: (Double, Double, Double) -> Double, leaving: Bool = false) -> [Double] {
        let k = decays.count, size = states.count / k
        var h = [Double](repeating: 0, count: (k + 1) * size)
        for c in 1...k { for j in 0..<size { h[c * size + j] = rule(decays[c - 1], h[(c - 1) * size + j], states[(c - 1) * size + j]) } }
        return Array(h[(leaving ? size : 0)..<((leaving ? k + 1 : k) * size)])
    }

    /// Cases: (T, Q, N, P) with T not a multiple of Q, Q = 1, and one chunk (Q ≥ T); a = e^{−Δ},
    /// Δ ∈ [0.01, 0.5]. The student's H, assembled with the library's quadratic form inside each
    /// chunk, must equal `ssdRecurrent` over the whole sequence. Tolerance 1e-11: two summation
    /// orders of ≤ T·N products (≈ T·N·ε relative).
    public static func statePass(_ f: ([Double], [Double]) throws -> [Double], seed: UInt64) -> Verdict {
        var draw = Draw(seed: seed, exercise: "06.3")
        let cases = [(50, 8, 4, 3), (64, 16, 8, 2), (10, 1, 2, 2), (12, 20, 3, 2)].map { t, q, n, p in
            GradingCase<PassInput>(label: "T = \(t), Q = \(q), N = \(n), P = \(p)",
                        input: (ssd(&draw, t: t, n: n, p: p) { exp(-$0.uniform(0.01...0.5)) }, q))
        }
        func model(_ rule: @escaping (Double, Double, Double) -> Double, leaving: Bool = false) -> (PassInput) throws -> [Double] {
            { i in let (s, a) = chunkSummaries(i); return try assemble(i, incoming: pass(s, a, rule, leaving: leaving)) }
        }
        return Judge.grade(
            cases, tolerance: 1e-11, shape: "H (K·P·N, row k = the state entering chunk k)",
            reference: { ssdRecurrent($0.ssd).elements },
            student: { i in let (s, a) = chunkSummaries(i); return try assemble(i, incoming: try f(s, a)) },
            mistakes: [
                Mistake(hint: Hints.offByOne, model: model({ $0 * $1 + $2 }, leaving: true)),
                Mistake(hint: Hints.undecayed, model: model({ $1 + $2 })),
                Mistake(hint: Hints.decayedTwice, model: model({ $0 * ($1 + $2) })),
            ])
    }
}
