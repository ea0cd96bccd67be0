/// How selectively a layer treats the data tokens of selective copying: for each channel c of a
/// per-position quantity v (a step size Δ_t, or what a token writes into the state),
///
///     ratio_c = mean of v_{t,c} over the data tokens ÷ mean of v_{t,c} over the noise tokens
///
/// with both means over the bodies of all B sequences (markers excluded). A layer that ignores
/// content gives 1 in every channel; Chapter 05's hand-made Δ gives ≫ 1.
///
/// With `lag` ℓ > 0 the "data" positions are p + ℓ (those inside the body) and the other
/// positions are the body's positions that are neither data nor data + ℓ: for a layer behind a
/// causal convolution, which may act on a token ℓ steps after it arrived.
/// - Parameters: `values` (B·L, channels), non-negative (Δ > 0 after softplus); `batch` the
///   sequences the values were computed on; `lag` ℓ ≥ 0 (default 0), below the body length.
/// - Returns: (channels) ratios; a channel whose noise mean is 0 gives +∞ (NaN if its data mean is 0
///   too, and in every channel when the body has no noise token, body = k).
/// - Throws: `shapeMismatch` unless `values` has B·L rows; `nonFinite` for NaN/∞ in it;
///   `invalidParameter` for a lag outside 0 ..< body.
/// - Complexity: O(B·L·channels).
public func selectionRatios(_ values: Matrix, batch: SelectiveCopyingBatch, lag: Int = 0) throws -> [Double] {
    let task = batch.task, channels = values.cols
    guard (0..<task.bodyLength).contains(lag) else {
        throw StateSpaceError.invalidParameter(name: "selection ratio lag", value: "\(lag)", allowed: "must be in 0 ..< body length \(task.bodyLength)")
    }
    try requireDimensions(values, batch.size * task.length, channels, "values (B·L, channels) with B = \(batch.size), L = \(task.length)")
    try values.requireFinite("values for the selection ratio")
    var data = [Double](repeating: 0, count: channels), noise = data  // (channels) sums
    var counts = (data: 0.0, noise: 0.0)
    for b in 0..<batch.size {
        let sites = try batch.dataPositions(ofSequence: b)
        let positions = Set(sites.map { $0 + lag }), excluded: Set<Int> = lag == 0 ? [] : Set(sites)
        for t in 0..<task.bodyLength where !excluded.contains(t) {
            let row = (b * task.length + t) * channels, isData = positions.contains(t)
            for c in 0..<channels {
                if isData { data[c] += values.elements[row + c] } else { noise[c] += values.elements[row + c] }
            }
            if isData { counts.data += 1 } else { counts.noise += 1 }
        }
    }
    return (0..<channels).map { (data[$0] / counts.data) / (noise[$0] / counts.noise) }
}
