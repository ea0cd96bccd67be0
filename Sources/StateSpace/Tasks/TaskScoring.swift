/// Task-specific scores of a model's logits (the plain masked accuracy lives beside the
/// cross-entropy loss). A prediction is the arg-max of a row of logits; a tie goes to the
/// smallest id, so a constant row predicts the noise token, never by luck the right one.

/// The predicted id of row `row` of `logits` (B·L, ids): the first arg-max.
/// - Complexity: O(ids).
func predictedToken(_ logits: Matrix, row: Int) -> Int {
    var best = 0
    var bestValue = -Double.infinity
    for j in 0..<logits.cols where logits.elements[row * logits.cols + j] > bestValue {
        (best, bestValue) = (j, logits.elements[row * logits.cols + j])
    }
    return best
}

/// Selective copying accuracy per query position: entry j is the fraction of the B sequences
/// whose j-th marker was answered with the j-th data token. The reference runs show
/// the LTI model's errors U-shaped over j (first and last right, middle ones wrong); this is
/// the array to plot for it. Its mean is the task's accuracy.
/// - Throws: `shapeMismatch` unless `logits` is (B·L, task vocabulary); `nonFinite` for NaN/∞.
/// - Complexity: O(B·k·ids).
public func queryAccuracy(_ logits: Matrix, batch: SelectiveCopyingBatch) throws -> [Double] {
    let task = batch.task
    try requireDimensions(logits, batch.size * task.length, task.vocabularySize,
                          "selective copying logits (B·L, vocabulary) with B = \(batch.size), L = \(task.length)")
    try logits.requireFinite("selective copying logits")
    var correct = [Double](repeating: 0, count: task.dataCount)     // (k)
    for sequence in 0..<batch.size {
        for j in 0..<task.dataCount where predictedToken(logits, row: batch.queryRow(sequence: sequence, query: j))
            == batch.data[sequence * task.dataCount + j] {
            correct[j] += 1
        }
    }
    return correct.map { $0 / Double(batch.size) }
}

/// Induction heads accuracy: the fraction of sequences whose last position predicts the key.
/// `logits` holds the rows of the last position only, (B, ids) — what step-mode evaluation
/// ends with, without materialising the sequence.
/// - Throws: `shapeMismatch` unless `logits` is (B, task vocabulary); `nonFinite` for NaN/∞.
/// - Complexity: O(B·ids).
public func inductionAccuracy(lastLogits logits: Matrix, sequences: InductionHeadsSequences) throws -> Double {
    try requireDimensions(logits, sequences.count, sequences.task.vocabularySize,
                          "induction heads logits at the last position (B, vocabulary) with B = \(sequences.count)")
    try logits.requireFinite("induction heads logits")
    let hits = (0..<sequences.count).filter { predictedToken(logits, row: $0) == sequences.keys[$0] }.count
    return Double(hits) / Double(sequences.count)
}

/// Induction heads accuracy from a whole batch's logits (B·L, ids): scores row L−1 of each
/// sequence. - Throws: `shapeMismatch` / `nonFinite` (anywhere in `logits`) as above.
/// - Complexity: O(B·L·ids).
public func inductionAccuracy(_ logits: Matrix, batch: InductionHeadsBatch) throws -> Double {
    try requireDimensions(logits, batch.size * batch.length, batch.sequences.task.vocabularySize,
                          "induction heads logits (B·L, vocabulary) with B = \(batch.size), L = \(batch.length)")
    try logits.requireFinite("induction heads logits")
    var last = Matrix(zeros: batch.size, logits.cols)                 // (B, ids)
    for sequence in 0..<batch.size {
        let row = sequence * batch.length + batch.length - 1
        for j in 0..<logits.cols { last.elements[sequence * logits.cols + j] = logits.elements[row * logits.cols + j] }
    }
    return try inductionAccuracy(lastLogits: last, sequences: batch.sequences)
}
