/// The induction heads task (Olsson et al. 2022; Gu & Dao 2023, §4.1.2, Fig. 2 right bottom,
/// Table 2 / Table 11; training in Appendix E.1): associative recall. Somewhere in a random
/// sequence a special token s is followed by a key token; the sequence ends with s again, and
/// the model must predict the key ("Harry … Harry → Potter").
///
/// **Layout of one sequence** (length L ≥ 3, ordinary tokens 0 ..< V, special token s = V):
///
///     position   0 … p−1      p    p+1    p+2 … L−2     L−1
///     token      random       s    key    random        s
///     target     next token at every position; at L−1: the key
///     mask       0 everywhere except 1 at L−1 (the one scored position)
///
/// p is uniform in 0 … L−3 and every other token (the key included) uniform in 0 ..< V, so s
/// occurs exactly twice and chance accuracy is 1/V. Targets elsewhere are the next token (a
/// caller who wants a language-model loss on every position can use a mask of ones; the next
/// token after a random one is unpredictable, so only the last position measures recall).
///
/// **The paper's setting**: a 2-layer model trained at length 2⁸ = 256 with "a vocab size of
/// 16" (§4.1.2), tested at 2⁶ … 2²⁰; data generated afresh every step, batch 8, Adam without
/// weight decay at constant learning rate 2e-4 or 1e-3, 204 800 steps for Mamba and MHA-Abs
/// (E.1). The Mamba repository does not ship this generator; the paper calls the task
/// comparable to H3's (Dao, Fu, Saab et al. 2023), whose code (HazyResearch/safari,
/// `src/dataloaders/synthetics.py`, `generate_induction_head`) draws the first trigger
/// uniformly in the sequence, appends the trigger at the end and scores only the final token at
/// test time — as here (its training loss covers every next token; the mask lets a caller
/// choose either). That code counts its two special tokens inside the vocabulary size;
/// we count V ordinary tokens plus s (so ln V is the loss of a model that has not learned, the
/// plateau issue 16 reports at V = 16).
///
/// **Ours, CPU-sized** (Chapter 08): V = 16, trained at L = 32, tested at 32 … 2¹⁴.
/// Long test sequences are never materialised: `InductionHeadsSequences` computes any token
/// on demand from a per-sequence seed (a counter-based generator), so step-mode evaluation at
/// L = 2²⁰ holds only the current token.
public struct InductionHeadsTask: Sendable, Equatable, CustomStringConvertible {
    /// V: ordinary tokens 0 ..< V.
    public let vocabulary: Int

    /// s: the trigger, id V.
    public var specialToken: Int { vocabulary }
    /// Ids in use: V ordinary tokens and s.
    public var vocabularySize: Int { vocabulary + 1 }
    /// The shortest sequence with room for s, the key and s again.
    public static let minimumLength = 3
    /// The paper's training length 2⁸ (§4.1.2); Chapter 08 trains at 32.
    public static let paperTrainingLength = 256

    /// The largest number of ordinary tokens V: 2²⁰ (a model's logits are (B·L, V + 1); beyond
    /// this the embedding alone would exceed any sensible size, and V + 1 overflows at Int.max).
    public static let maximumVocabulary = 1 << 20

    /// - Throws: `invalidParameter` for V < 2 (with one ordinary token the key is always known)
    ///   or V > `maximumVocabulary` (2²⁰).
    /// - Complexity: O(1).
    public init(vocabulary: Int = 16) throws {
        guard vocabulary >= 2 else {
            throw StateSpaceError.invalidParameter(name: "induction heads: vocabulary V", value: "\(vocabulary)",
                                                   allowed: "must be ≥ 2 ordinary tokens (with one, the key is always the same token)")
        }
        guard vocabulary <= Self.maximumVocabulary else {
            throw StateSpaceError.invalidParameter(name: "induction heads: vocabulary V", value: "\(vocabulary)",
                                                   allowed: "must be ≤ 2²⁰ = \(Self.maximumVocabulary) ordinary tokens")
        }
        self.vocabulary = vocabulary
    }

    public var description: String { "induction heads: V = \(vocabulary) ordinary tokens + special token \(specialToken)" }

    /// `count` sequences of length `length`, drawn from `rng` but not materialised: each token
    /// is computed when asked for. - Complexity: O(count).
    /// - Throws: `invalidParameter` for length < 3 or count < 1.
    public func sequences(length: Int, count: Int, rng: inout SplitMix64) throws -> InductionHeadsSequences {
        guard length >= Self.minimumLength else {
            throw StateSpaceError.invalidParameter(name: "induction heads: sequence length L", value: "\(length)",
                                                   allowed: "must be ≥ 3 (the special token, its key, and the special token again at the end)")
        }
        try requirePositive(count, "induction heads: number of sequences B")
        var seeds: [UInt64] = [], triggers: [Int] = [], keys: [Int] = []
        for _ in 0..<count {
            seeds.append(rng.next())
            triggers.append(Int.random(in: 0...(length - 3), using: &rng))
            keys.append(Int.random(in: 0..<vocabulary, using: &rng))
        }
        return InductionHeadsSequences(task: self, length: length, seeds: seeds, triggerPositions: triggers, keys: keys)
    }

    /// A materialised batch (for training): `sequences(…)` written out, with next-token targets
    /// and the mask on the last position.
    /// - Throws: as `sequences`; `invalidParameter` for B·L beyond the 2³⁰ cap.
    /// - Complexity: O(B·L).
    public func batch(length: Int, size: Int, rng: inout SplitMix64) throws -> InductionHeadsBatch {
        try requirePositive(size, "induction heads: batch size B")
        let count = try requireAllocatable([size, max(length, 0)], "induction heads: batch B × L", value: "\(size) × \(length)")
        let stream = try sequences(length: length, count: size, rng: &rng)
        var tokens = [Int](repeating: 0, count: count)                // (B·L)
        var targets = [Int](repeating: 0, count: count)               // (B·L)
        var mask = [Double](repeating: 0, count: count)               // (B·L)
        for sequence in 0..<size {
            let start = sequence * length
            for t in 0..<length { tokens[start + t] = stream.token(sequence, at: t) }
            for t in 0..<(length - 1) { targets[start + t] = tokens[start + t + 1] }
            targets[start + length - 1] = stream.keys[sequence]
            mask[start + length - 1] = 1
        }
        return InductionHeadsBatch(sequences: stream, tokens: tokens, targets: targets, mask: mask)
    }
}

/// B induction-heads sequences, computed token by token (nothing of size L is stored).
public struct InductionHeadsSequences: Sendable, Equatable {
    public let task: InductionHeadsTask
    /// L.
    public let length: Int
    let seeds: [UInt64]                                               // (B) one per sequence
    /// p per sequence: where the first special token sits (its key at p + 1).
    public let triggerPositions: [Int]                                // (B)
    /// The key per sequence: the target at the last position.
    public let keys: [Int]                                            // (B)

    /// B.
    public var count: Int { keys.count }
    /// The one scored position, L − 1.
    public var scoredPosition: Int { length - 1 }

    /// Token t of sequence β. - Precondition: 0 ≤ β < B, 0 ≤ t < L. - Complexity: O(1).
    public func token(_ sequence: Int, at t: Int) -> Int {
        requirePrecondition(sequence >= 0 && sequence < count && t >= 0 && t < length,
                            "induction heads: token(\(sequence), at: \(t)) outside B = \(count), L = \(length)")
        let p = triggerPositions[sequence]
        if t == p || t == length - 1 { return task.specialToken }
        if t == p + 1 { return keys[sequence] }
        // Counter-based: a SplitMix64 stream seeded by (sequence seed, t) gives token t alone.
        var generator = SplitMix64(seed: seeds[sequence] ^ (UInt64(t) &* 0xD1B5_4A32_D192_ED03))
        return Int.random(in: 0..<task.vocabulary, using: &generator)
    }

    /// Token t of every sequence, (B): the input of one recurrent step.
    /// - Complexity: O(B).
    public func tokens(at t: Int) -> [Int] { (0..<count).map { token($0, at: t) } }
}

/// A materialised induction-heads batch (sequence β in entries β·L ..< (β+1)·L).
public struct InductionHeadsBatch: Sendable, Equatable {
    /// The generator it was written from (its keys and trigger positions).
    public let sequences: InductionHeadsSequences
    public let tokens: [Int]                                          // (B·L)
    public let targets: [Int]                                         // (B·L) next token; the key at L−1
    public let mask: [Double]                                         // (B·L) 1 at L−1 of each sequence

    /// B.
    public var size: Int { sequences.count }
    /// L.
    public var length: Int { sequences.length }
}
