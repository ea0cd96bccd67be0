import CVectorMath
import Dispatch

/// A selective scan's inputs copied once into raw memory, x and Δ transposed to one contiguous
/// row per channel, for worker threads that each own a range of channels (forward and backward
/// of `selectiveScanForward` / `selectiveScanBackward` walk one channel's whole sequence).
///
/// Why transpose: the backward walks a channel from t = L−1 down to 0; reading x_{t,d}, Δ_{t,d}
/// from the (L, D) layout would touch a new cache line per step. One O(L·D) copy buys contiguous
/// columns for the O(L·D·N) work.
final class ScanColumns: @unchecked Sendable {
    let length: Int, channels: Int, stateSize: Int
    let x: UnsafeMutablePointer<Double>                               // (D, L): x transposed
    let delta: UnsafeMutablePointer<Double>                           // (D, L): Δ transposed
    let a: UnsafeMutablePointer<Double>                               // (D, N)
    let b: UnsafeMutablePointer<Double>                               // (L, N)
    let c: UnsafeMutablePointer<Double>                               // (L, N)
    let skip: UnsafeMutablePointer<Double>                            // (D)
    let h0: UnsafeMutablePointer<Double>                              // (D, N)

    /// - Precondition: `initialState` has D·N entries (the callers validate it).
    /// - Complexity: O(L·D + L·N + D·N).
    init(_ inputs: SelectiveScanInputs, initialState: [Double]) {
        (length, channels, stateSize) = (inputs.length, inputs.channels, inputs.stateSize)
        x = transposedCopy(inputs.x)
        delta = transposedCopy(inputs.delta)
        a = rawCopy(inputs.a.elements)
        b = rawCopy(inputs.b.elements)
        c = rawCopy(inputs.c.elements)
        skip = rawCopy(inputs.skip)
        h0 = rawCopy(initialState)
    }

    deinit { [x, delta, a, b, c, skip, h0].forEach { $0.deallocate() } }

    /// Ā_{t,d,n} = exp(Δ_{t,d}·A_{d,n}) for t₀ ..< t₀ + count into `decay` (count, N), by libmvec's
    /// widest exp (`ass_scan_channel_decay`; the products first, then the exponentials in place).
    /// - Complexity: O(count·N).
    func fillDecay(channel d: Int, from start: Int, count: Int, into decay: UnsafeMutablePointer<Double>) {
        ass_scan_channel_decay(a + d * stateSize, delta + d * length + start, count, stateSize, decay)
    }

    /// Runs h ← Ā ⊙ h + B̄x over t₀ ..< t₀ + count for channel d, from the state `before`
    /// (h_{t₀−1}), writing h_t into `states` (count, N) and C_t·h_t + D·x_t into `y` (the
    /// channel's outputs, indexed by t; nil: not needed). `decay` holds Ā for these steps.
    /// The forward and the recomputation call this same code, so they produce the same states.
    /// - Complexity: O(count·N).
    func runChunk(channel d: Int, from start: Int, count: Int, before: UnsafePointer<Double>,
                  decay: UnsafePointer<Double>, states: UnsafeMutablePointer<Double>, y: UnsafeMutablePointer<Double>?,
                  kernel: ScanKernel) {
        let (l, n) = (length, stateSize)
        if kernel == .compiled {
            // The kernel's pointers must not overlap, and `before` may be a row of `states`
            // (the recomputing mode reuses one scratch): pass a copy.
            withUnsafeTemporaryAllocation(of: Double.self, capacity: n) { copy in
                _ = copy.initialize(from: UnsafeBufferPointer(start: before, count: n))
                ass_scan_forward_chunk(count, n, copy.baseAddress!, decay, b + start * n, c + start * n, x + d * l + start,
                                       delta + d * l + start, skip[d], states, y.map { $0 + start })
            }
            return
        }
        var previous = before
        for j in 0..<count {
            let t = start + j, h = states + j * n
            h.update(from: previous, count: n)
            let xt = x[d * l + t]
            let value = scanStep(h: h, decay: decay + j * n, b: b + t * n, c: c + t * n, input: delta[d * l + t] * xt, n: n)
            y?[t] = value + skip[d] * xt
            previous = UnsafePointer(h)
        }
    }
}

/// A fresh (cols, rows) copy of `m`'s transpose, row-major. - Complexity: O(rows·cols).
func transposedCopy(_ m: Matrix) -> UnsafeMutablePointer<Double> {
    let p = UnsafeMutablePointer<Double>.allocate(capacity: max(1, m.elements.count))
    m.elements.withUnsafeBufferPointer { e in
        if let base = e.baseAddress { transpose(base, rows: m.rows, cols: m.cols, into: p) }
    }
    return p
}

/// A fresh raw copy of `values`. - Complexity: O(count).
func rawCopy(_ values: [Double]) -> UnsafeMutablePointer<Double> {
    let p = UnsafeMutablePointer<Double>.allocate(capacity: max(1, values.count))
    p.initialize(from: values, count: values.count)
    return p
}

/// Runs `body(lo, hi, worker)` on `workers` contiguous ranges of 0..<count, in parallel when
/// there is more than one. - Complexity: the work of `body`.
func forEachChannelRange(_ count: Int, workers: Int, _ body: @Sendable (_ lo: Int, _ hi: Int, _ worker: Int) -> Void) {
    let w = max(1, min(workers, count))
    if w == 1 { body(0, count, 0); return }
    DispatchQueue.concurrentPerform(iterations: w) { k in body(k * count / w, (k + 1) * count / w, k) }
}
