import CVectorMath

/// Where `selectiveScanBackward`'s workers write: per-channel gradients in disjoint slices,
/// and ∂B, ∂C (shared by all channels) in one (L, N) slice per worker, summed at the end.
final class ScanGradientBuffers: @unchecked Sendable {
    let length: Int, channels: Int, stateSize: Int, workers: Int
    let dyT: UnsafeMutablePointer<Double>                             // (D, L): ∂ℓ/∂y transposed
    let xT: UnsafeMutablePointer<Double>                              // (D, L)
    let deltaT: UnsafeMutablePointer<Double>                          // (D, L)
    let a: UnsafeMutablePointer<Double>                               // (D, N)
    let b: UnsafeMutablePointer<Double>                               // (workers, L, N)
    let c: UnsafeMutablePointer<Double>                               // (workers, L, N)
    let skip: UnsafeMutablePointer<Double>                            // (D)
    /// (D, N): starts as ∂ℓ/∂h_{L−1} (or 0), carries λ backwards, ends as ∂ℓ/∂h₀.
    let initialState: UnsafeMutablePointer<Double>

    /// - Complexity: O(L·D + workers·L·N + D·N).
    init(length l: Int, channels dd: Int, stateSize n: Int, workers: Int, outputGradient dy: Matrix, finalStateGradient: Matrix?) {
        (length, channels, stateSize, self.workers) = (l, dd, n, workers)
        dyT = transposedCopy(dy)
        func zeros(_ count: Int) -> UnsafeMutablePointer<Double> {
            let p = UnsafeMutablePointer<Double>.allocate(capacity: max(1, count))
            p.initialize(repeating: 0, count: count)
            return p
        }
        (xT, deltaT, a, skip) = (zeros(dd * l), zeros(dd * l), zeros(dd * n), zeros(dd))
        (b, c) = (zeros(workers * l * n), zeros(workers * l * n))
        initialState = finalStateGradient.map { rawCopy($0.elements) } ?? zeros(dd * n)
    }

    deinit { [dyT, xT, deltaT, a, b, c, skip, initialState].forEach { $0.deallocate() } }

    /// The gradients as matrices: x and Δ transposed back to (L, D), the workers' ∂B, ∂C summed.
    /// - Complexity: O(L·D + workers·L·N + D·N).
    func gradients() -> SelectiveScanGradients {
        let (l, dd, n) = (length, channels, stateSize)
        func summed(_ p: UnsafeMutablePointer<Double>) -> Matrix {
            var m = Matrix(zeros: l, n)                                // (L, N)
            m.elements.withUnsafeMutableBufferPointer { e in
                for w in 0..<workers { for i in 0..<l * n { e[i] += p[w * l * n + i] } }
            }
            return m
        }
        func matrix(_ p: UnsafeMutablePointer<Double>, _ rows: Int, _ cols: Int) -> Matrix {
            Matrix(unchecked: rows, cols, Array(UnsafeBufferPointer(start: p, count: rows * cols)))
        }
        return SelectiveScanGradients(x: transposedMatrix(xT, rows: dd, cols: l), delta: transposedMatrix(deltaT, rows: dd, cols: l),
                                      a: matrix(a, dd, n), b: summed(b), c: summed(c),
                                      skip: Array(UnsafeBufferPointer(start: skip, count: dd)),
                                      initialState: matrix(initialState, dd, n))
    }
}

/// One worker's scratch for the backward: Ā of a chunk and, in `.recomputed` mode, its states.
final class ChannelScratch {
    let decay: UnsafeMutablePointer<Double>                           // (T, N)
    let states: UnsafeMutablePointer<Double>                          // (T, N)

    init(chunk: Int, stateSize n: Int) {
        decay = .allocate(capacity: chunk * n)
        states = .allocate(capacity: chunk * n)
    }

    deinit { decay.deallocate(); states.deallocate() }
}

/// The transpose of the (rows, cols) row-major block at `p`, as a (cols, rows) matrix.
/// - Complexity: O(rows·cols).
func transposedMatrix(_ p: UnsafePointer<Double>, rows: Int, cols: Int) -> Matrix {
    Matrix(unchecked: cols, rows, [Double](unsafeUninitializedCapacity: rows * cols) { e, count in
        if let base = e.baseAddress { transpose(p, rows: rows, cols: cols, into: base) }
        count = rows * cols
    })
}

/// out (cols, rows) = the transpose of the (rows, cols) row-major block at `p`, in 8 × 8 tiles
/// (`ass_transpose`: a tile's reads and writes stay in a few cache lines, where a row-by-row loop
/// touches a new line on every write). `p` and `out` must not overlap. - Complexity: O(rows·cols).
func transpose(_ p: UnsafePointer<Double>, rows: Int, cols: Int, into out: UnsafeMutablePointer<Double>) {
    ass_transpose(p, rows, cols, out)
}

/// h₀ as (D, N) values: zeros for nil, else checked.
/// - Throws: `shapeMismatch` unless (D, N); `nonFinite` for NaN/∞.
/// - Complexity: O(D·N).
func initialStateValues(_ h0: Matrix?, channels d: Int, stateSize n: Int) throws -> [Double] {
    guard let h0 else { return [Double](repeating: 0, count: d * n) }
    try requireDimensions(h0, d, n, "initial state h₀ (D, N)")
    try h0.requireFinite("initial state h₀")
    return h0.elements
}
