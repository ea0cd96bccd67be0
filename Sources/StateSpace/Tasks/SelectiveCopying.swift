/// The selective copying task (Gu & Dao 2023, §4.1.1, Fig. 2 right top, Table 1; setting in
/// Appendix E.1): k data tokens sit at random positions among noise tokens, then k marker
/// tokens follow; at the j-th marker the model must output the j-th data token. An LTI model
/// cannot solve it by counting (the spacing is random): it must decide *from the content* of
/// each token whether to store it — the selection that Δ_t = softplus(·) of the input gives S6.
///
/// **Layout of one sequence** (length L = body + k):
///
///     position   0 ..< body                                  body ..< body + k
///     token      noise, with k data tokens at sorted          marker, marker, …, marker
///                random distinct positions p_0 < … < p_{k−1}
///     target     (unscored)                                   d_0, d_1, …, d_{k−1}
///     mask       0                                            1
///
/// The Mamba repository does not ship this generator. Token ids follow the copying generator
/// of the S4 repository (state-spaces/s4, `src/dataloaders/datasets/copying.py`,
/// `torch_copying_data(L, M, A, variable=True)`, its random-spacing variant): 0 is the noise
/// token, data tokens are 1 … V (drawn uniformly, repeats allowed), and V + 1 is the marker;
/// the vocabulary has V + 2 ids. Positions are, as there, k distinct positions drawn uniformly
/// from the body and sorted. (The paper notes the task appeared before as the Denoising task,
/// Jing et al. 2019.) Unscored targets hold the noise token (a valid class id; the mask removes
/// them from the loss).
///
/// **The paper's setting** (Appendix E.1): length 4096, "a vocab size of 16 possible tokens
/// (including the white noise token)", 16 data tokens to memorise; 2-layer models, D = 64;
/// 400K steps at a constant learning rate 1e-4, batch 64. The paper does not say whether 4096
/// counts the 16 marker positions (the S4 generator's `L` counts the noise tokens alone, its
/// sequences being L + 2M long), nor whether the 16 ids include the marker; `paper` reads 4096
/// as the whole sequence and the 16 ids as the S4 generator's alphabet A (body 4080 + 16
/// markers; 14 data values + noise + marker).
///
/// **CPU-sized** (`cpu`): L = 64 = 56 body + 8 markers, k = 8, V = 8 data tokens (10 ids), the
/// first setting tried for Chapter 08, which uses V = 16 instead (with V = 8 a gated
/// time-invariant block learned too much of it at this length; the chapter says why).
public struct SelectiveCopyingTask: Sendable, Equatable, CustomStringConvertible {
    /// Positions holding noise and data, before the markers.
    public let bodyLength: Int
    /// k: data tokens to copy (and markers asking for them).
    public let dataCount: Int
    /// V: distinct data tokens (ids 1 … V).
    public let dataVocabulary: Int

    /// L = body + k.
    public var length: Int { bodyLength + dataCount }
    /// The white "noise" token of the paper's Fig. 2.
    public var noiseToken: Int { 0 }
    /// The marker (query) token: "output the next data token here".
    public var markerToken: Int { dataVocabulary + 1 }
    /// Ids in use: noise, V data tokens, marker.
    public var vocabularySize: Int { dataVocabulary + 2 }
    /// The data token ids, 1 … V.
    public var dataTokens: ClosedRange<Int> { 1...dataVocabulary }

    /// The paper's setting as the S4 generator reads it (see the type's comment).
    public static let paper = SelectiveCopyingTask(unchecked: 4080, 16, 14)
    /// L = 64 = 56 + 8, k = 8, V = 8 (Chapter 08 uses V = 16).
    public static let cpu = SelectiveCopyingTask(unchecked: 56, 8, 8)

    /// The largest number of data tokens V: 2²⁰ (the model's logits are (B·L, V + 2); beyond
    /// this the embedding alone would exceed any sensible size, and V + 2 overflows at Int.max).
    public static let maximumDataVocabulary = 1 << 20

    /// - Throws: `invalidParameter` for k < 1, a body shorter than k (the data must fit), V < 2
    ///   (with one data token the answer never depends on the input), V > 2²⁰
    ///   (`maximumDataVocabulary`), or L = body + k beyond the 2³⁰ cap.
    /// - Complexity: O(1).
    public init(bodyLength: Int = 56, dataCount: Int = 8, dataVocabulary: Int = 8, spacing: DataSpacing = .random) throws {
        try requirePositive(dataCount, "selective copying: data tokens k")
        guard bodyLength >= dataCount else {
            throw StateSpaceError.invalidParameter(name: "selective copying: body length", value: "\(bodyLength)",
                                                   allowed: "must be ≥ k = \(dataCount): the k data tokens sit at distinct positions of the body")
        }
        guard dataVocabulary >= 2 else {
            throw StateSpaceError.invalidParameter(name: "selective copying: data vocabulary V", value: "\(dataVocabulary)",
                                                   allowed: "must be ≥ 2 distinct data tokens (with one, the answer never depends on the input)")
        }
        guard dataVocabulary <= Self.maximumDataVocabulary else {
            throw StateSpaceError.invalidParameter(name: "selective copying: data vocabulary V", value: "\(dataVocabulary)",
                                                   allowed: "must be ≤ 2²⁰ = \(Self.maximumDataVocabulary) data tokens")
        }
        try requireAllocatable(try checkedSum(bodyLength, dataCount, "selective copying: length L = body + k"),
                               "selective copying: length L = body + k", value: "\(bodyLength) + \(dataCount)")
        self.init(unchecked: bodyLength, dataCount, dataVocabulary)
        self.spacing = spacing
    }

    init(unchecked body: Int, _ k: Int, _ v: Int) {
        (bodyLength, dataCount, dataVocabulary) = (body, k, v)
    }

    /// Where the data tokens sit in the body.
    public enum DataSpacing: Sendable, Equatable {
        /// k distinct positions drawn uniformly and sorted: *selective* copying (Fig. 2, right).
        case random
        /// Fixed positions ⌊j·body/k⌋, the same in every sequence: the plain copying task
        /// (Fig. 2, left), which a time-invariant convolution solves by its shape alone.
        case regular
    }
    /// `.random` (selective copying) unless made with `.regular`.
    public private(set) var spacing = DataSpacing.random

    public var description: String {
        "\(spacing == .random ? "selective copying" : "copying (regular spacing)"): L = \(length) = \(bodyLength) body + "
            + "\(dataCount) markers, k = \(dataCount), V = \(dataVocabulary) data tokens (+ noise, marker)"
    }

    /// A batch of `size` fresh sequences drawn from `rng`.
    /// - Throws: `invalidParameter` for size < 1 or B·L beyond the 2³⁰ cap.
    /// - Complexity: O(B·L).
    public func batch(_ size: Int, rng: inout SplitMix64) throws -> SelectiveCopyingBatch {
        try requirePositive(size, "selective copying: batch size B")
        let count = try requireAllocatable([size, length], "selective copying: batch B × L", value: "\(size) × \(length)")
        let (l, k) = (length, dataCount)
        var tokens = [Int](repeating: noiseToken, count: count)       // (B·L)
        var targets = [Int](repeating: noiseToken, count: count)      // (B·L)
        var mask = [Double](repeating: 0, count: count)               // (B·L)
        var positions: [Int] = [], data: [Int] = []                   // (B, k) each
        positions.reserveCapacity(size * k)
        data.reserveCapacity(size * k)
        for sequence in 0..<size {
            let start = sequence * l
            let chosen = spacing == .random ? distinctSortedPositions(k, below: bodyLength, rng: &rng)
                : (0..<k).map { $0 * bodyLength / k }                 // (k)
            for (j, p) in chosen.enumerated() {
                let token = Int.random(in: dataTokens, using: &rng)
                tokens[start + p] = token
                tokens[start + bodyLength + j] = markerToken
                targets[start + bodyLength + j] = token
                mask[start + bodyLength + j] = 1
                data.append(token)
            }
            positions += chosen
        }
        return SelectiveCopyingBatch(task: self, size: size, tokens: tokens, targets: targets, mask: mask,
                                     dataPositions: positions, data: data)
    }
}

/// B sequences of a `SelectiveCopyingTask`, stacked (sequence β in entries β·L ..< (β+1)·L).
public struct SelectiveCopyingBatch: Sendable, Equatable {
    public let task: SelectiveCopyingTask
    /// B.
    public let size: Int
    public let tokens: [Int]                                          // (B·L) input ids
    public let targets: [Int]                                         // (B·L) the data token at each marker; noise elsewhere
    public let mask: [Double]                                         // (B·L) 1 on the k marker positions, 0 elsewhere
    public let dataPositions: [Int]                                   // (B, k) where the data tokens sit, increasing per sequence
    public let data: [Int]                                            // (B, k) the data tokens in order (= targets at the markers)

    /// L.
    public var length: Int { task.length }

    /// Row of the stacked (B·L, ·) layout holding query j of sequence β.
    public func queryRow(sequence: Int, query j: Int) -> Int { sequence * task.length + task.bodyLength + j }

    /// The data positions of sequence β (for a figure of Δ_t over that sequence).
    /// - Throws: `invalidParameter` unless 0 ≤ β < B.
    public func dataPositions(ofSequence sequence: Int) throws -> ArraySlice<Int> {
        guard (0..<size).contains(sequence) else {
            throw StateSpaceError.invalidParameter(name: "selective copying: sequence index β", value: "\(sequence)",
                                                   allowed: "must lie in 0..<\(size) (the batch size B)")
        }
        return dataPositions[sequence * task.dataCount..<(sequence + 1) * task.dataCount]
    }
}

/// k distinct integers drawn uniformly from 0 ..< n, sorted (Floyd's algorithm: each k-subset
/// equally likely, k draws, no array of size n).
/// - Precondition: 0 ≤ k ≤ n (the task's initialiser guarantees it).
/// - Complexity: O(k log k).
func distinctSortedPositions(_ k: Int, below n: Int, rng: inout SplitMix64) -> [Int] {
    var chosen = Set<Int>(minimumCapacity: k)
    for j in (n - k)..<n {
        let candidate = Int.random(in: 0...j, using: &rng)
        chosen.insert(chosen.contains(candidate) ? j : candidate)
    }
    return chosen.sorted()
}
