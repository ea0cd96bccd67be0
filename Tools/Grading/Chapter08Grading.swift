import Course
import Foundation
import StateSpace

/// The graders of chapter 08's exercises (`Exercises/Chapter08/`).
public enum Chapter08Grading {
    public static let title = "Learning to select"

    public static func exercises<S: Chapter08Exercises>(_: S.Type) -> [Exercise] {
        [
            Exercise(id: "08.1", title: "one selective-copying sequence") { selectiveCopyingSequence(S.selectiveCopyingSequence, seed: $0) },
            Exercise(id: "08.2", title: "the selection ratio per channel") { selectionRatios(S.selectionRatios, seed: $0) },
            Exercise(id: "08.3", title: "one attention step with a KV cache") { attentionStep(S.attentionStep, seed: $0) },
        ]
    }

    public enum Hints {
        public static let markerV = Hint(
            "08.1/marker-id", "the marker is V: ids 1 … V are the data tokens, so the marker is V + 1 (noise 0, V + 2 ids in all)")
        public static let bodyTargets = Hint(
            "08.1/targets-on-body", "the targets and the mask sit where the data tokens are shown: they belong on the k markers "
                + "after the body (positions body … body + k − 1), where the model is asked for d_j")
        public static let dataAtMarkers = Hint(
            "08.1/data-at-markers", "the data tokens are written at the marker positions: the input shows d_j at position p_j of "
                + "the body, and every one of the k positions after the body holds the marker V + 1")
        public static let maskEverywhere = Hint(
            "08.1/mask-everywhere", "the mask is 1 everywhere: only the k markers are scored (1), the body's targets are "
                + "unscored noise (0) — a mask of ones trains the model to predict noise")
        public static let markersAsNoise = Hint(
            "08.2/markers-as-noise", "the markers were counted as noise: both means run over the bodies only (positions "
                + "0 ..< body of each sequence); the k markers after them are queries, neither data nor noise")
        public static let meanOfRatios = Hint(
            "08.2/mean-of-ratios", "a mean of per-sequence ratios: pool every sequence's data tokens into one mean and every "
                + "noise token into another, then divide once")
        public static let inverted = Hint("08.2/inverted", "the ratio is inverted: data-token mean ÷ noise-token mean, not noise ÷ data")
        public static let beforeAppend = Hint(
            "08.3/before-append", "attends over the cache before appending: append (k, v) first — token t attends to itself "
                + "and the T before it, T + 1 rows")
        public static let noScale = Hint("08.3/no-scale", "the scores are q·K_j without the 1/√P scale: s_j = q·K_j / √P")
        public static let average = Hint(
            "08.3/average", "the output is the plain mean of the cached values: weight them by a_j = softmax(s)_j, "
                + "s_j = q·K_j / √P")
        public static let overflow = Hint(
            "08.3/overflow", "right at moderate scores, NaN or ∞ at scores near 1000: exp overflows past ≈ 709.8 — subtract "
                + "the largest score m before exp, a_j = exp(s_j − m)/Σ_i exp(s_i − m)")
    }

    // MARK: 08.1

    struct LayoutInput {
        var bodyLength, dataCount, dataVocabulary, sequences: Int
        var batchSeed: UInt64
    }

    /// The batch a case is graded on, drawn again from its seed (the reference and the student
    /// see the same one).
    static func batch(_ i: LayoutInput) throws -> SelectiveCopyingBatch {
        let task = try SelectiveCopyingTask(bodyLength: i.bodyLength, dataCount: i.dataCount, dataVocabulary: i.dataVocabulary)
        var rng = SplitMix64(seed: i.batchSeed)
        return try task.batch(i.sequences, rng: &rng)
    }

    /// The layout of every sequence, tokens + targets + mask per sequence, with a caller's
    /// mistakes: the marker V, targets and mask on the data positions, the data at the markers
    /// (`swapped`: the markers at the data positions too), a mask of ones. (B·3L)
    static func layoutModel(_ i: LayoutInput, marker: Int? = nil, targetsOnBody: Bool = false, dataAtMarkers: Bool = false,
                            swapped: Bool = false, maskEverywhere: Bool = false) throws -> [Double] {
        let b = try batch(i), (body, k) = (i.bodyLength, i.dataCount), l = body + k
        var out: [Double] = []
        for sequence in 0..<i.sequences {
            var tokens = [Int](repeating: 0, count: l), targets = tokens       // (L) each
            var mask = [Double](repeating: maskEverywhere ? 1 : 0, count: l)   // (L)
            for j in 0..<k {
                let (p, d) = (b.dataPositions[sequence * k + j], b.data[sequence * k + j])
                tokens[p] = dataAtMarkers ? (swapped ? (marker ?? i.dataVocabulary + 1) : 0) : d
                tokens[body + j] = dataAtMarkers ? d : (marker ?? i.dataVocabulary + 1)
                targets[targetsOnBody ? p : body + j] = d
                mask[targetsOnBody ? p : body + j] = 1
            }
            out += tokens.map { Double($0) }
            out += targets.map { Double($0) }
            out += mask
        }
        return out
    }

    /// Cases: (body, k, V, B) ∈ {(56, 8, 8, 3) ours, (4080, 16, 14, 1) the paper's as the S4
    /// generator reads it, (20, 5, 3, 2)}, then the edges (4, 4, 2, 2) (no noise at all) and
    /// (1, 1, 2, 1); each batch drawn by `SelectiveCopyingTask.batch` from a seeded SplitMix64.
    /// Tolerance 0: ids and a 0/1 mask are exact; every mistake moves an id or a mask entry by
    /// ≥ 1, ≥ 1/(V + 1) of the largest entry.
    public static func selectiveCopyingSequence(_ f: (Int, [Int], [Int], Int) throws -> (tokens: [Int], targets: [Int], mask: [Double]),
                                                seed: UInt64) -> Verdict {
        var draw = Draw(seed: seed, exercise: "08.1")
        let cases = [(56, 8, 8, 3), (4080, 16, 14, 1), (20, 5, 3, 2), (4, 4, 2, 2), (1, 1, 2, 1)].map { body, k, v, b in
            GradingCase(label: "body = \(body), k = \(k), V = \(v), B = \(b)",
                        input: LayoutInput(bodyLength: body, dataCount: k, dataVocabulary: v, sequences: b, batchSeed: draw.rng.next()))
        }
        return Judge.grade(
            cases, tolerance: 0, shape: "tokens, targets and mask (L = body + k each)",
            reference: { i in
                let b = try batch(i), l = b.length
                var out: [Double] = []
                for s in 0..<i.sequences {
                    let rows = (s * l)..<((s + 1) * l)
                    out += b.tokens[rows].map { Double($0) }
                    out += b.targets[rows].map { Double($0) }
                    out += b.mask[rows]
                }
                return out
            },
            student: { i in
                let b = try batch(i), k = i.dataCount, l = b.length
                var out: [Double] = []
                for s in 0..<i.sequences {
                    let r = try f(i.bodyLength, Array(b.dataPositions[(s * k)..<((s + 1) * k)]), Array(b.data[(s * k)..<((s + 1) * k)]),
                                  i.dataVocabulary)
                    try requireCount(r.tokens, l, "tokens")
                    try requireCount(r.targets, l, "targets")
                    try requireCount(r.mask, l, "mask")
                    out += r.tokens.map { Double($0) }
                    out += r.targets.map { Double($0) }
                    out += r.mask
                }
                return out
            },
            mistakes: [
                Mistake(hint: Hints.markerV) { try layoutModel($0, marker: $0.dataVocabulary) },
                Mistake(hint: Hints.bodyTargets) { try layoutModel($0, targetsOnBody: true) },
                Mistake(hint: Hints.dataAtMarkers) { try layoutModel($0, dataAtMarkers: true) },
                Mistake(hint: Hints.dataAtMarkers) { try layoutModel($0, dataAtMarkers: true, swapped: true) },
                Mistake(hint: Hints.maskEverywhere) { try layoutModel($0, maskEverywhere: true) },
            ])
    }

    // MARK: 08.2

    struct RatioInput {
        var bodyLength, dataCount, sequences, channels: Int
        var batchSeed, valueSeed: UInt64
    }

    /// A case's batch and values v (B·L, channels), drawn again from its seeds: per channel a data
    /// factor in [2, 5] and a marker factor in [1.5, 6] over the noise's 1, per sequence a scale in
    /// [0.5, 2], per entry a factor e^{0.3·N(0,1)} — positive, like Δ after softplus, with
    /// markers unlike noise and sequences unlike each other, so that each mistake shows.
    static func materialise(_ i: RatioInput) throws -> (batch: SelectiveCopyingBatch, values: [Double]) {
        let task = try SelectiveCopyingTask(bodyLength: i.bodyLength, dataCount: i.dataCount, dataVocabulary: 8)
        var rng = SplitMix64(seed: i.batchSeed)
        let batch = try task.batch(i.sequences, rng: &rng)
        var draw = Draw(seed: i.valueSeed, exercise: "08.2 values")
        let dataFactor = (0..<i.channels).map { _ in draw.uniform(2...5) }            // (channels)
        let markerFactor = (0..<i.channels).map { _ in draw.uniform(1.5...6) }        // (channels)
        var values: [Double] = []                                                    // (B·L, channels)
        for s in 0..<i.sequences {
            let scale = draw.logUniform(0.5, 2), positions = Set(try batch.dataPositions(ofSequence: s))
            for t in 0..<task.length {
                for c in 0..<i.channels {
                    let factor = t >= i.bodyLength ? markerFactor[c] : (positions.contains(t) ? dataFactor[c] : 1)
                    values.append(scale * factor * exp(0.3 * draw.gaussian()))
                }
            }
        }
        return (batch, values)
    }

    /// The ratios with a caller's mistakes: markers in the noise mean, the mean of per-sequence
    /// ratios, noise ÷ data. (channels)
    static func ratioModel(_ i: RatioInput, markersAsNoise: Bool = false, perSequence: Bool = false, inverted: Bool = false) throws
        -> [Double] {
        let (batch, values) = try materialise(i), l = i.bodyLength + i.dataCount, n = i.channels
        var ratios = [[Double]]()                                     // one (channels) row per group pooled
        var data = [Double](repeating: 0, count: n), noise = data, counts = (data: 0.0, noise: 0.0)
        for s in 0..<i.sequences {
            let positions = Set(try batch.dataPositions(ofSequence: s))
            for t in 0..<(markersAsNoise ? l : i.bodyLength) {
                let isData = positions.contains(t)
                for c in 0..<n { if isData { data[c] += values[(s * l + t) * n + c] } else { noise[c] += values[(s * l + t) * n + c] } }
                if isData { counts.data += 1 } else { counts.noise += 1 }
            }
            if perSequence || s == i.sequences - 1 {
                ratios.append((0..<n).map { c in
                    let r = (data[c] / counts.data) / (noise[c] / counts.noise)
                    return inverted ? 1 / r : r
                })
                (data, noise, counts) = ([Double](repeating: 0, count: n), [Double](repeating: 0, count: n), (0, 0))
            }
        }
        return (0..<n).map { c in ratios.reduce(0) { $0 + $1[c] } / Double(ratios.count) }
    }

    /// Cases: (body, k, B, channels) ∈ {(56, 8, 4, 16), (30, 3, 3, 5), (9, 8, 2, 2) (one noise
    /// token per sequence)}, then the edge (2, 1, 1, 1). Tolerance 1e-12: the same sums of
    /// ≤ B·body positive terms as `selectionRatios`, perhaps in another order, ≈ B·L·ε (the
    /// reference solution over 100 seeds: 0, the same order). B = 1 in the edge case, where a
    /// mean of per-sequence ratios is right: that mistake is caught on the B ≥ 2 cases before it.
    public static func selectionRatios(_ f: ([Double], Int, Int, Int, [Int]) throws -> [Double], seed: UInt64) -> Verdict {
        var draw = Draw(seed: seed, exercise: "08.2")
        let cases = [(56, 8, 4, 16), (30, 3, 3, 5), (9, 8, 2, 2), (2, 1, 1, 1)].map { body, k, b, n in
            GradingCase(label: "body = \(body), k = \(k), B = \(b), channels = \(n)",
                        input: RatioInput(bodyLength: body, dataCount: k, sequences: b, channels: n,
                                          batchSeed: draw.rng.next(), valueSeed: draw.rng.next()))
        }
        return Judge.grade(
            cases, tolerance: 1e-12, shape: "one ratio per channel",
            reference: { i in
                let (batch, values) = try materialise(i)
                return try StateSpace.selectionRatios(
                    try Matrix(rows: i.sequences * (i.bodyLength + i.dataCount), cols: i.channels, elements: values), batch: batch)
            },
            student: { i in
                let (batch, values) = try materialise(i)
                let r = try f(values, i.channels, i.bodyLength, i.dataCount, batch.dataPositions)
                try requireCount(r, i.channels, "the ratios")
                return r
            },
            mistakes: [
                Mistake(hint: Hints.markersAsNoise) { try ratioModel($0, markersAsNoise: true) },
                Mistake(hint: Hints.meanOfRatios) { try ratioModel($0, perSequence: true) },
                Mistake(hint: Hints.inverted) { try ratioModel($0, inverted: true) },
            ])
    }

    // MARK: 08.3

    struct AttentionInput {
        var p: Int                                                    // P
        var cachedKeys, cachedValues: [Double]                        // (T₀, P) each: the cache before the first step
        var queries, keys, values: [Double]                           // (T, P) each: the steps
        var steps: Int { queries.count / p }
    }

    /// The reference: `CausalAttention.step` over the steps, with width 3P and 3 heads of P (so
    /// that its 1/√P is the head's), no positional encoding, and 0/1 projections that route the
    /// input x = [q | k | v] (1, 3P) so that every head sees this q, k and v: W_q copies q into
    /// each head's columns, W_k k, W_v v; W_o = I and the first head's P outputs are read. The
    /// cache before the first step is filled by steps of x = [0 | k | v] whose outputs are
    /// dropped. (T·P)
    static func libraryAttention(_ i: AttentionInput) throws -> [Double] {
        let p = i.p, d = 3 * p
        var rng = SplitMix64(seed: 0)
        var attention = try CausalAttention("graded", width: d, heads: 3, positionalEncoding: .none, rng: &rng)
        func router(_ block: Int) throws -> Matrix {                  // (3P, 3P): block `block` of x into every head
            try Matrix(rows: d, cols: d, elements: (0..<(d * d)).map { e in
                let (row, col) = (e / d, e % d)
                return row / p == block && row % p == col % p ? 1 : 0
            })
        }
        attention.qProj.weight.value = try router(0)
        attention.kProj.weight.value = try router(1)
        attention.vProj.weight.value = try router(2)
        attention.outProj.weight.value = try Matrix(rows: d, cols: d, elements: (0..<(d * d)).map { $0 / d == $0 % d ? 1 : 0 })
        var cache = attention.initialState(batch: 1)
        for t in 0..<(i.cachedKeys.count / p) {
            let row = (t * p)..<((t + 1) * p)
            var x = [Double](repeating: 0, count: p)                  // (3P): [0 | k | v]
            x += i.cachedKeys[row]
            x += i.cachedValues[row]
            _ = try attention.step(try Matrix(rows: 1, cols: d, elements: x), state: &cache)
        }
        var out: [Double] = []
        for t in 0..<i.steps {
            let row = (t * p)..<((t + 1) * p)
            var x = Array(i.queries[row])                             // (3P): [q | k | v]
            x += i.keys[row]
            x += i.values[row]
            let y = try attention.step(try Matrix(rows: 1, cols: d, elements: x), state: &cache)   // (1, 3P): the heads agree
            out += y.elements[0..<p]
        }
        return out
    }

    /// Every step's output with a caller's mistakes: attending before appending, no 1/√P, the
    /// plain mean of the values. (T·P)
    static func attentionModel(_ i: AttentionInput, appendFirst: Bool = true, scaled: Bool = true, softmax: Bool = true) -> [Double] {
        let p = i.p
        var (keys, values) = (i.cachedKeys, i.cachedValues)           // (T, P) each
        var out: [Double] = []
        for t in 0..<i.steps {
            let row = (t * p)..<((t + 1) * p)
            if appendFirst { keys += i.keys[row]; values += i.values[row] }
            let rows = keys.count / p
            let scores = (0..<rows).map { j in                        // (rows)
                (0..<p).reduce(0.0) { $0 + i.queries[t * p + $1] * keys[j * p + $1] } / (scaled ? Double(p).squareRoot() : 1)
            }
            let m = scores.max() ?? 0
            let weights = scores.map { softmax ? exp($0 - m) : 1 }
            let total = weights.reduce(0, +)
            out += (0..<p).map { c in (0..<rows).reduce(0.0) { $0 + weights[$1] * values[$1 * p + c] } / total }
            if !appendFirst { keys += i.keys[row]; values += i.values[row] }
        }
        return out
    }

    /// Cases: (P, T₀ cached, T steps) ∈ {(8, 5, 12), (4, 1, 6), (16, 30, 3)} with Gaussian q, k, v
    /// (scores ~ N(0, 1)); then scores near 1000: P = 8, T₀ = 3, T = 4, every query c·(u + 0.005·n)
    /// and key u + 0.005·n for one Gaussian u, c making c|u|²/√P = 1000 (scores 1000 ± a few: the
    /// softmax is not one-hot, and exp of any of them is +∞); then the edges, an empty cache:
    /// (3, 0, 5) and (1, 0, 1). Tolerance 1e-10: a dot product of P terms and a softmax, in
    /// another order than BLAS's — at scores near 1000 each score is off by ≤ P·ε·|q||k|/√P ≈
    /// 2e-12 in the worst case, the weights by as much relatively (random scores: ≈ 1e-15; the
    /// reference solution over 100 seeds: 2.8e-13). A softmax without its max passes the random
    /// cases and returns NaN at scores near 1000: that case's edge hint names it.
    public static func attentionStep(_ f: ([Double], [Double], [Double], inout [Double], inout [Double]) throws -> [Double],
                                     seed: UInt64) -> Verdict {
        var draw = Draw(seed: seed, exercise: "08.3")
        var cases = [(8, 5, 12), (4, 1, 6), (16, 30, 3)].map { p, t0, t in
            GradingCase(label: "P = \(p), \(t0) cached, \(t) steps", input: AttentionInput(
                p: p, cachedKeys: draw.gaussians(t0 * p), cachedValues: draw.gaussians(t0 * p),
                queries: draw.gaussians(t * p), keys: draw.gaussians(t * p), values: draw.gaussians(t * p)))
        }
        let (p, t0, t) = (8, 3, 4), u = draw.gaussians(8)
        let c = 1000 * Double(p).squareRoot() / u.reduce(0) { $0 + $1 * $1 }
        func near(_ rows: Int, _ factor: Double) -> [Double] { (0..<(rows * p)).map { factor * (u[$0 % p] + 0.005 * draw.gaussian()) } }
        cases.append(GradingCase(label: "P = 8, 3 cached, 4 steps, scores near 1000", input: AttentionInput(
            p: p, cachedKeys: near(t0, 1), cachedValues: draw.gaussians(t0 * p), queries: near(t, c), keys: near(t, 1),
            values: draw.gaussians(t * p)), edgeHint: Hints.overflow))
        for (p, t) in [(3, 5), (1, 1)] {
            cases.append(GradingCase(label: "P = \(p), empty cache, \(t) steps", input: AttentionInput(
                p: p, cachedKeys: [], cachedValues: [], queries: draw.gaussians(t * p), keys: draw.gaussians(t * p),
                values: draw.gaussians(t * p))))
        }
        return Judge.grade(
            cases, tolerance: 1e-10, shape: "the output (P), and the cache grown by one row of P",
            reference: libraryAttention,
            student: { i in
                let p = i.p
                var (keys, values) = (i.cachedKeys, i.cachedValues)   // (T, P) each, the student's cache
                var out: [Double] = []
                for t in 0..<i.steps {
                    let row = (t * p)..<((t + 1) * p)
                    let y = try f(Array(i.queries[row]), Array(i.keys[row]), Array(i.values[row]), &keys, &values)
                    try requireCount(y, p, "the output of step \(t)")
                    try requireCount(keys, i.cachedKeys.count + (t + 1) * p, "the keys after step \(t) (one row of P appended per step)")
                    try requireCount(values, i.cachedValues.count + (t + 1) * p, "the values after step \(t) (one row of P appended per step)")
                    out += y
                }
                return out
            },
            mistakes: [
                Mistake(hint: Hints.beforeAppend) { attentionModel($0, appendFirst: false) },
                Mistake(hint: Hints.noScale) { attentionModel($0, scaled: false) },
                Mistake(hint: Hints.average) { attentionModel($0, softmax: false) },
            ])
    }
}
