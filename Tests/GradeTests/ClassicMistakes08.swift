import Exercises
import Foundation
import Grading
import Solutions
import Testing

/// Chapter 08's classic mistakes, written the way a student would write them (not from the
/// grader's models): each must be rejected with the hint aimed at it.
enum Mistaken08 {
    typealias Layout = (tokens: [Int], targets: [Int], mask: [Double])

    /// 08.1 the marker taken as V, the last data id.
    static func layoutMarkerV(bodyLength: Int, dataPositions: [Int], data: [Int], dataVocabulary: Int) throws -> Layout {
        let l = bodyLength + data.count
        var tokens = Array(repeating: 0, count: l), targets = tokens
        var mask = Array(repeating: 0.0, count: l)
        for (j, p) in dataPositions.enumerated() { tokens[p] = data[j] }
        for j in data.indices {
            tokens[bodyLength + j] = dataVocabulary
            targets[bodyLength + j] = data[j]
            mask[bodyLength + j] = 1
        }
        return (tokens, targets, mask)
    }

    /// 08.1 the answer scored where the data token is shown.
    static func layoutTargetsOnBody(bodyLength: Int, dataPositions: [Int], data: [Int], dataVocabulary: Int) throws -> Layout {
        let l = bodyLength + data.count
        var tokens = Array(repeating: 0, count: l), targets = tokens
        var mask = Array(repeating: 0.0, count: l)
        for j in data.indices {
            tokens[dataPositions[j]] = data[j]
            targets[dataPositions[j]] = data[j]
            mask[dataPositions[j]] = 1
            tokens[bodyLength + j] = dataVocabulary + 1
        }
        return (tokens, targets, mask)
    }

    /// 08.1 the data tokens written after the body, where the markers go; the body left as noise.
    static func layoutDataAtMarkers(bodyLength: Int, dataPositions: [Int], data: [Int], dataVocabulary: Int) throws -> Layout {
        let noise = Array(repeating: 0, count: bodyLength)
        return (noise + data, noise + data, Array(repeating: 0.0, count: bodyLength) + Array(repeating: 1.0, count: data.count))
    }

    /// 08.1 markers and data swapped: markers at the data positions, data after the body.
    static func layoutSwapped(bodyLength: Int, dataPositions: [Int], data: [Int], dataVocabulary: Int) throws -> Layout {
        let right = try Reference.selectiveCopyingSequence(bodyLength: bodyLength, dataPositions: dataPositions, data: data,
                                                           dataVocabulary: dataVocabulary)
        var tokens = right.tokens
        for (j, p) in dataPositions.enumerated() {
            tokens[p] = dataVocabulary + 1
            tokens[bodyLength + j] = data[j]
        }
        return (tokens, right.targets, right.mask)
    }

    /// 08.1 every position scored.
    static func layoutMaskOnes(bodyLength: Int, dataPositions: [Int], data: [Int], dataVocabulary: Int) throws -> Layout {
        let right = try Reference.selectiveCopyingSequence(bodyLength: bodyLength, dataPositions: dataPositions, data: data,
                                                           dataVocabulary: dataVocabulary)
        return (right.tokens, right.targets, right.mask.map { _ in 1 })
    }

    /// Per-channel sums of data and noise values and their counts over positions 0 ..< `upTo` of
    /// sequences `sequences` (everything not a data position counted as noise).
    static func sums(_ values: [Double], channels: Int, length l: Int, upTo: Int, dataCount k: Int, positions: [Int],
                     sequences: Range<Int>) -> (data: [Double], noise: [Double], dataCount: Double, noiseCount: Double) {
        var data = Array(repeating: 0.0, count: channels), noise = data
        var counts = (0.0, 0.0)
        for b in sequences {
            let mine = positions[(b * k)..<((b + 1) * k)]
            for t in 0..<upTo {
                let isData = mine.contains(t)
                if isData { counts.0 += 1 } else { counts.1 += 1 }
                for c in 0..<channels {
                    if isData { data[c] += values[(b * l + t) * channels + c] } else { noise[c] += values[(b * l + t) * channels + c] }
                }
            }
        }
        return (data, noise, counts.0, counts.1)
    }

    /// 08.2 every non-data position of the sequence taken as noise, the markers too.
    static func ratioMarkersAsNoise(values: [Double], channels: Int, bodyLength: Int, dataCount: Int, dataPositions: [Int]) throws
        -> [Double] {
        let l = bodyLength + dataCount
        let s = sums(values, channels: channels, length: l, upTo: l, dataCount: dataCount, positions: dataPositions,
                     sequences: 0..<(dataPositions.count / dataCount))
        return (0..<channels).map { (s.data[$0] / s.dataCount) / (s.noise[$0] / s.noiseCount) }
    }

    /// 08.2 one ratio per sequence, then their average.
    static func ratioMeanOfRatios(values: [Double], channels: Int, bodyLength: Int, dataCount: Int, dataPositions: [Int]) throws
        -> [Double] {
        let b = dataPositions.count / dataCount
        var total = Array(repeating: 0.0, count: channels)
        for sequence in 0..<b {
            let s = sums(values, channels: channels, length: bodyLength + dataCount, upTo: bodyLength, dataCount: dataCount,
                         positions: dataPositions, sequences: sequence..<(sequence + 1))
            for c in 0..<channels { total[c] += (s.data[c] / s.dataCount) / (s.noise[c] / s.noiseCount) }
        }
        return total.map { $0 / Double(b) }
    }

    /// 08.2 noise mean ÷ data mean.
    static func ratioInverted(values: [Double], channels: Int, bodyLength: Int, dataCount: Int, dataPositions: [Int]) throws
        -> [Double] {
        let s = sums(values, channels: channels, length: bodyLength + dataCount, upTo: bodyLength, dataCount: dataCount,
                     positions: dataPositions, sequences: 0..<(dataPositions.count / dataCount))
        return (0..<channels).map { (s.noise[$0] / s.noiseCount) / (s.data[$0] / s.dataCount) }
    }

    /// Softmax attention of q over the cached rows, with a caller's scale and softmax.
    static func attend(_ q: [Double], _ keys: [Double], _ values: [Double], scale: Double, stable: Bool) -> [Double] {
        let p = q.count, rows = keys.count / p
        let scores = (0..<rows).map { j in zip(q, keys[(j * p)..<((j + 1) * p)]).map(*).reduce(0, +) * scale }
        let shift = stable ? scores.max()! : 0
        let e = scores.map { exp($0 - shift) }
        let sum = e.reduce(0, +)
        return (0..<p).map { i in (0..<rows).map { e[$0] * values[$0 * p + i] }.reduce(0, +) / sum }
    }

    /// 08.3 the cache read first, the new token appended afterwards.
    static func stepBeforeAppend(query: [Double], key: [Double], value: [Double], keys: inout [Double], values: inout [Double]) throws
        -> [Double] {
        let out = attend(query, keys, values, scale: 1 / Double(query.count).squareRoot(), stable: true)
        keys.append(contentsOf: key)
        values.append(contentsOf: value)
        return out
    }

    /// 08.3 raw dot products as scores.
    static func stepNoScale(query: [Double], key: [Double], value: [Double], keys: inout [Double], values: inout [Double]) throws
        -> [Double] {
        keys.append(contentsOf: key)
        values.append(contentsOf: value)
        return attend(query, keys, values, scale: 1, stable: true)
    }

    /// 08.3 exp of the scores as they are.
    static func stepNoMax(query: [Double], key: [Double], value: [Double], keys: inout [Double], values: inout [Double]) throws
        -> [Double] {
        keys.append(contentsOf: key)
        values.append(contentsOf: value)
        return attend(query, keys, values, scale: 1 / Double(query.count).squareRoot(), stable: false)
    }

    /// 08.3 every cached value weighted alike.
    static func stepAverage(query: [Double], key: [Double], value: [Double], keys: inout [Double], values: inout [Double]) throws
        -> [Double] {
        keys += key
        values += value
        let p = value.count, rows = values.count / p
        return (0..<p).map { i in stride(from: i, to: values.count, by: p).map { values[$0] }.reduce(0, +) / Double(rows) }
    }
}

extension GradingTests {
    /// Chapter 08's classic mistakes, each with the hint it must get.
    static let chapter08Mistakes: [Case] = [
        Case(name: "08.1 marker V", hint: "08.1/marker-id") { Chapter08Grading.selectiveCopyingSequence(Mistaken08.layoutMarkerV, seed: $0) },
        Case(name: "08.1 scored at the data", hint: "08.1/targets-on-body") {
            Chapter08Grading.selectiveCopyingSequence(Mistaken08.layoutTargetsOnBody, seed: $0)
        },
        Case(name: "08.1 data after the body", hint: "08.1/data-at-markers") {
            Chapter08Grading.selectiveCopyingSequence(Mistaken08.layoutDataAtMarkers, seed: $0)
        },
        Case(name: "08.1 markers and data swapped", hint: "08.1/data-at-markers") {
            Chapter08Grading.selectiveCopyingSequence(Mistaken08.layoutSwapped, seed: $0)
        },
        Case(name: "08.1 mask of ones", hint: "08.1/mask-everywhere") {
            Chapter08Grading.selectiveCopyingSequence(Mistaken08.layoutMaskOnes, seed: $0)
        },
        Case(name: "08.2 markers as noise", hint: "08.2/markers-as-noise") { Chapter08Grading.selectionRatios(Mistaken08.ratioMarkersAsNoise, seed: $0) },
        Case(name: "08.2 mean of ratios", hint: "08.2/mean-of-ratios") { Chapter08Grading.selectionRatios(Mistaken08.ratioMeanOfRatios, seed: $0) },
        Case(name: "08.2 noise ÷ data", hint: "08.2/inverted") { Chapter08Grading.selectionRatios(Mistaken08.ratioInverted, seed: $0) },
        Case(name: "08.3 attend, then append", hint: "08.3/before-append") { Chapter08Grading.attentionStep(Mistaken08.stepBeforeAppend, seed: $0) },
        Case(name: "08.3 no 1/√P", hint: "08.3/no-scale") { Chapter08Grading.attentionStep(Mistaken08.stepNoScale, seed: $0) },
        Case(name: "08.3 exp without the max", hint: "08.3/overflow") { Chapter08Grading.attentionStep(Mistaken08.stepNoMax, seed: $0) },
        Case(name: "08.3 mean of the values", hint: "08.3/average") { Chapter08Grading.attentionStep(Mistaken08.stepAverage, seed: $0) },
    ]
}
