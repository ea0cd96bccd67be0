import Foundation

/// One computation a timing sweep measures: a label (the figure's legend, the table's column)
/// and a body run at each size.
public struct TimedMethod {
    public let label: String
    /// Sizes above this are not run (a dense matrix that would not fit): "—" in the table.
    public let largest: Int?
    /// Samples per size: 1 times one call; more take the median after a warm-up call.
    public let repetitions: Int
    public let body: (Int) throws -> Void

    public init(_ label: String, upTo largest: Int? = nil, repetitions: Int = 3, _ body: @escaping (Int) throws -> Void) {
        (self.label, self.largest, self.repetitions, self.body) = (label, largest, repetitions, body)
    }
}

/// What a timing sweep measured: seconds per method, one per size (NaN where not run).
public struct TimingSweepResult {
    public let sizes: [Int]
    public let labels: [String]
    public let seconds: [[Double]]                                  // (methods, sizes)

    /// The times of the method labelled `label` (one per size).
    public subscript(label: String) -> [Double] {
        seconds[labels.firstIndex(of: label)!]
    }
}

extension Notebook {
    /// Times each method at each size — the shape every chapter's cost section has: progress on
    /// stderr, then a table (one row per size, one column per method), then a log-log figure of
    /// seconds against the size, on which a slope is an exponent (O(L) is slope 1, O(L²) slope 2).
    /// Times are wall-clock and machine-dependent: informative, never checks.
    /// With `skipsTimings` (`--seeds`, `--checks-only`) nothing is run and the result is nil.
    /// - Parameters:
    ///   - name, title: the figure's file stem and title.
    ///   - parameter: what the size is, with its unit (`L (steps)`): the table's first column and the x axis.
    ///   - extraSeries: drawn on the same axes (a FLOP model, a reference slope).
    ///   - extraCommands: gnuplot commands placed before `plot` (an arrow marking T = Q, a label).
    /// - Complexity: Σ over methods and sizes of (repetitions + 1) calls (one call when repetitions is 1).
    @discardableResult
    public func timingSweep(name: String, title: String, parameter: String, sizes: [Int], methods: [TimedMethod],
                            extraSeries: [Figure.Series] = [], extraCommands: [String] = []) throws -> TimingSweepResult? {
        guard !skipsTimings else { return nil }
        var progress = Progress("timing: \(title)", total: sizes.count * methods.count)
        var seconds = [[Double]](repeating: [], count: methods.count)          // (methods, sizes)
        for size in sizes {
            for (m, method) in methods.enumerated() {
                defer { progress.advance() }
                guard method.largest.map({ size <= $0 }) ?? true else { seconds[m].append(.nan); continue }
                seconds[m].append(method.repetitions <= 1
                    ? try Timing.seconds { try method.body(size) }
                    : try Timing.median(repetitions: method.repetitions) { try method.body(size) })
            }
        }
        table(header: [parameter] + methods.map(\.label), rows: sizes.indices.map { i in
            ["\(sizes[i])"] + methods.indices.map { m in seconds[m][i].isNaN ? "—" : Timing.format(seconds[m][i]) }
        })
        let markers = [7, 5, 9, 11, 13, 4, 6]
        var figure = Figure(name: name, title: title, xLabel: parameter, yLabel: "seconds (wall clock)",
                            series: methods.indices.map { m in
                                let kept = sizes.indices.filter { seconds[m][$0].isFinite }
                                return .init(methods[m].label, x: kept.map { Double(sizes[$0]) }, y: kept.map { seconds[m][$0] },
                                             style: "linespoints lw 2 pt \(markers[m % markers.count])")
                            } + extraSeries)
        figure.logX = true
        figure.logY = true
        figure.extraCommands = extraCommands
        try self.figure(figure)
        return TimingSweepResult(sizes: sizes, labels: methods.map(\.label), seconds: seconds)
    }
}
