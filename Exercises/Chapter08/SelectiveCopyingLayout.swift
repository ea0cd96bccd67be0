import Course

extension Student {
    /// **Exercise 08.1 — one selective-copying sequence.**
    ///
    /// Task: lay out one sequence of the selective copying task (Gu & Dao, "Mamba", 2023, §4.1.1,
    /// Fig. 2 right, Table 1), with the token ids of the S4 repository's copying generator (which
    /// chapter 08's `SelectiveCopyingTask` follows): 0 is the noise token, the data tokens are
    /// 1 … V, and V + 1 is the marker — V + 2 ids in all. k data tokens d_0 … d_{k−1} sit at
    /// sorted positions p_0 < … < p_{k−1} of a body of noise; k markers follow the body, and at
    /// the j-th marker the model must output d_j. With L = body + k:
    ///
    ///     position   0 ..< body                            body ..< body + k
    ///     token      0, except d_j at position p_j         V + 1 (the marker), k times
    ///     target     0 (unscored)                          d_0, d_1, …, d_{k−1}
    ///     mask       0                                     1
    ///
    /// The loss is taken only where the mask is 1: at the markers, where the answer is asked for —
    /// not where the data token is shown.
    /// - Parameters: `bodyLength` (≥ k), `dataPositions` p (k, sorted, distinct, in 0 ..< body),
    ///   `data` d (k, each in 1 … V), `dataVocabulary` V (≥ 2).
    /// - Returns: the input ids, the target ids and the mask (L = body + k each).
    /// - Graded against: `SelectiveCopyingTask.batch` (a seeded batch; you get each sequence's
    ///   positions and data), exactly (ids are integers: tolerance 0).
    public static func selectiveCopyingSequence(bodyLength: Int, dataPositions: [Int], data: [Int], dataVocabulary: Int) throws
        -> (tokens: [Int], targets: [Int], mask: [Double])
    {
        throw NotImplemented("08.1")
    }
}
