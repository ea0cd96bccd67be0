import Course
import Foundation

extension Reference {
    /// 08.1: noise everywhere, d_j at p_j, markers V + 1 after the body; targets and mask on the markers.
    public static func selectiveCopyingSequence(bodyLength: Int, dataPositions: [Int], data: [Int], dataVocabulary: Int) throws
        -> (tokens: [Int], targets: [Int], mask: [Double])
    {
        let k = data.count, l = bodyLength + k
        var tokens = [Int](repeating: 0, count: l)                    // (L)
        var targets = tokens                                          // (L)
        var mask = [Double](repeating: 0, count: l)                   // (L)
        for j in 0..<k {
            tokens[dataPositions[j]] = data[j]
            tokens[bodyLength + j] = dataVocabulary + 1
            targets[bodyLength + j] = data[j]
            mask[bodyLength + j] = 1
        }
        return (tokens, targets, mask)
    }

    /// 08.2: pooled sums over the bodies, data and noise apart; the ratio of the two means.
    public static func selectionRatios(values: [Double], channels: Int, bodyLength: Int, dataCount: Int, dataPositions: [Int]) throws
        -> [Double]
    {
        let l = bodyLength + dataCount, sequences = dataPositions.count / dataCount
        var dataSum = [Double](repeating: 0, count: channels), noiseSum = dataSum   // (channels) each
        for b in 0..<sequences {
            let positions = Set(dataPositions[(b * dataCount)..<((b + 1) * dataCount)])
            for t in 0..<bodyLength {
                for c in 0..<channels {
                    let v = values[(b * l + t) * channels + c]
                    if positions.contains(t) { dataSum[c] += v } else { noiseSum[c] += v }
                }
            }
        }
        let dataCountTotal = Double(sequences * dataCount), noiseCountTotal = Double(sequences * (bodyLength - dataCount))
        return (0..<channels).map { (dataSum[$0] / dataCountTotal) / (noiseSum[$0] / noiseCountTotal) }
    }

    /// 08.3: append, scaled scores, softmax with the max subtracted, the weighted sum of values.
    public static func attentionStep(query: [Double], key: [Double], value: [Double], keys: inout [Double], values: inout [Double]) throws
        -> [Double]
    {
        let p = query.count
        keys += key
        values += value
        let rows = keys.count / p                                     // T + 1
        let scale = 1 / Double(p).squareRoot()
        let scores = (0..<rows).map { j in (0..<p).reduce(0.0) { $0 + query[$1] * keys[j * p + $1] } * scale }   // (T + 1)
        let largest = scores.max()!
        let weights = scores.map { exp($0 - largest) }                // (T + 1), unnormalised
        let total = weights.reduce(0, +)
        var out = [Double](repeating: 0, count: p)                    // (P)
        for j in 0..<rows {
            for i in 0..<p { out[i] += weights[j] / total * values[j * p + i] }
        }
        return out
    }
}
