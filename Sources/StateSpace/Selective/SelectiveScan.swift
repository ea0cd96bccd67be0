import CVectorMath
import Dispatch

/// The selective scan as a sequential recurrence over time, all channels at once:
///
///     for t = 0 … L−1:  h ← Ā_t ⊙ h + B̄_t x_t,   y_t = C_t·h + D ⊙ x_t      h (D, N)
///
/// (see `SelectiveScanInputs` for the equations). Time is the outer loop, so x, Δ, B, C are read
/// and y written row by row, front to back; within a row, Ā is formed and exponentiated for a
/// block of channels at a time so that it stays in L1 (`scanRows`). Channels are independent:
/// `threads` workers each own a contiguous range of them (and its state, (range, N) doubles,
/// which stays in L2).
///
/// - Parameters: `inputs` (x (L, D), Δ (L, D), A (D, N), B, C (L, N), D skip (D)), whose
///   checks (done once, when they are built) guarantee a finite y; `threads` ≥ 1 (< 1 counts as 1).
/// - Returns: y, (L, D).
/// - Complexity: O(L·D·N) work, depth O(L); L·D·N exponentials (libmvec).
public func selectiveScan(_ inputs: SelectiveScanInputs, threads: Int = 1) -> Matrix {
    selectiveScan(inputs, threads: threads, portable: false)
}

/// `selectiveScan(_:threads:)`, with `portable` choosing the C kernel's portable form (what a CPU
/// without AVX-512 runs), for tests that compare the two on one machine.
func selectiveScan(_ inputs: SelectiveScanInputs, threads: Int, portable: Bool) -> Matrix {
    var y = Matrix(zeros: inputs.length, inputs.channels)              // (L, D)
    y.elements.withUnsafeMutableBufferPointer { buffer in
        scanChannelRanges(inputs, threads: threads, initial: nil, final: nil, y: DisjointWrites(buffer.baseAddress!), portable: portable)
    }
    return y
}

/// Splits the channels into `threads` contiguous ranges and runs `scanRows` over all of time on
/// each, from `initial` (D, N) (zero if nil), leaving the last state in `final` (D, N) if given.
/// - Complexity: O(L·D·N), depth O(L).
func scanChannelRanges(_ inputs: SelectiveScanInputs, threads: Int, initial: UnsafeSendable<UnsafePointer<Double>>?,
                       final: DisjointWrites<Double>?, y: DisjointWrites<Double>, portable: Bool = false) {
    let (l, dd, n) = (inputs.length, inputs.channels, inputs.stateSize)
    let workers = max(1, min(threads, dd))
    let run: @Sendable (Int) -> Void = { worker in
        let lo = worker * dd / workers, hi = (worker + 1) * dd / workers
        let h = UnsafeMutablePointer<Double>.allocate(capacity: max(1, (hi - lo) * n))  // (hi − lo, N): the state
        defer { h.deallocate() }
        if let initial { h.initialize(from: initial.value + lo * n, count: (hi - lo) * n) } else { h.initialize(repeating: 0, count: (hi - lo) * n) }
        scanRows(inputs, times: 0..<l, channels: lo..<hi, state: h, mode: .scan, y: y, portable: portable)
        if let final { for i in 0..<(hi - lo) * n { final[lo * n + i] = h[i] } }
    }
    if workers == 1 { run(0) } else { DispatchQueue.concurrentPerform(iterations: workers, execute: run) }
}

/// What `scanRows` does at each step.
enum RowMode {
    /// The selective scan: h ← Ā_t ⊙ h + B̄_t x_t, y_t = C_t·h + D ⊙ x_t (y written).
    case scan
    /// The fix-up of the two-level scan: h ← Ā_t ⊙ h, y_t += C_t·h — the contribution of a state
    /// carried into a block, added to outputs computed from a zero state.
    case carry
}

/// The scan's inner loop over the rows `times` and the channels `channels` (a range of D), from
/// the state `state` ((channels.count, N), updated in place to the state after the last row).
///
/// Time is the outer loop, so x, Δ, B, C are read and y written row by row, front to back;
/// within a row, Ā is formed and exponentiated for a block of channels at a time (≤ 1024 numbers,
/// so that it stays in L1), then each channel takes its step.
///
/// The loop runs in C (`ass_scan_rows`, Sources/CVectorMath/scan_selective.c): the step of
/// `scanStep` (`decayStep` for `.carry`) with eight state entries per AVX-512 register and FMA,
/// and Ā through libmvec's 8-wide exp, where the CPU has them; one entry at a time otherwise
/// (`portable` forces that form, for tests).
/// - Complexity: O(|times|·|channels|·N), |times|·|channels|·N exponentials.
func scanRows(_ inputs: SelectiveScanInputs, times: Range<Int>, channels: Range<Int>, state h: UnsafeMutablePointer<Double>,
              mode: RowMode, y out: DisjointWrites<Double>, portable: Bool = false) {
    let (dd, n) = (inputs.channels, inputs.stateSize)
    guard !times.isEmpty, !channels.isEmpty else { return }
    let decay = UnsafeMutablePointer<Double>.allocate(capacity: max(1024, n))   // (block, N): Ā_t for a block of channels
    defer { decay.deallocate() }
    inputs.skip.withUnsafeBufferPointer { skip in
        withRows(inputs) { x, delta, a, b, c in
            (portable ? ass_scan_rows_portable : ass_scan_rows)(x, delta, a, b, c, skip.baseAddress!, dd, n, times.lowerBound,
                                                                times.upperBound, channels.lowerBound, channels.upperBound, h,
                                                                mode == .carry ? 1 : 0, out.base, decay)
        }
    }
}

/// The selective scan from a given state, returning the state after the last step as well:
/// what Mamba's reference kernel returns with `return_last_state` (its `last_state`, (B, D, N)
/// there, (D, N) here), and what lets a long sequence be scanned in pieces — scanning [0, L) is
/// scanning [0, T) and then [T, L) from the state the first piece returned — for chunked
/// training, checkpointed backward passes and generation after a prompt.
///
///     h_{−1} = initialState (zero if nil);  h_t = Ā_t ⊙ h_{t−1} + B̄_t x_t,  y_t = C_t·h_t + D ⊙ x_t
///
/// - Parameters: `inputs`; `initialState` h_{−1}, (D, N), or nil for zero; `threads` ≥ 1.
/// - Returns: y (L, D) and `finalState` h_{L−1} (D, N).
/// - Throws: `shapeMismatch` unless the initial state is (D, N); `nonFinite` for NaN/∞ in it;
///   `invalidParameter` if N·max|C|·max|h_{−1}| > 2¹⁰²¹ (its contribution to an output could
///   overflow Double: with 0 ≤ Ā ≤ 1 it is at most that, beside the inputs' own bound).
/// - Complexity: as `selectiveScan(_:threads:)`.
public func selectiveScan(_ inputs: SelectiveScanInputs, initialState: Matrix?, threads: Int = 1) throws -> (y: Matrix, finalState: Matrix) {
    if let initialState { try requireInitialState(initialState, rows: inputs.channels, inputs.stateSize, c: inputs.c, "initial state h (D, N)") }
    var y = Matrix(zeros: inputs.length, inputs.channels)              // (L, D)
    var final = Matrix(zeros: inputs.channels, inputs.stateSize)       // (D, N)
    y.elements.withUnsafeMutableBufferPointer { py in
        final.elements.withUnsafeMutableBufferPointer { pf in
            if let initialState {
                initialState.elements.withUnsafeBufferPointer { p0 in
                    scanChannelRanges(inputs, threads: threads, initial: UnsafeSendable(p0.baseAddress!),
                                      final: DisjointWrites(pf.baseAddress!), y: DisjointWrites(py.baseAddress!))
                }
            } else {
                scanChannelRanges(inputs, threads: threads, initial: nil, final: DisjointWrites(pf.baseAddress!), y: DisjointWrites(py.baseAddress!))
            }
        }
    }
    return (y, final)
}

/// Throws unless `state` is rows×N, finite, and N·max|C|·max|state| ≤ 2¹⁰²¹ (formed in log₂):
/// the bound on what a carried state adds to any output when every decay is in [0, 1].
/// - Complexity: O(rows·N + |C|).
func requireInitialState(_ state: Matrix, rows: Int, _ n: Int, c: Matrix, _ name: String) throws {
    try requireDimensions(state, rows, n, name)
    try state.requireFinite(name)
    let largest = maxMagnitude(state.elements), cmax = maxMagnitude(c.elements)
    guard largest > 0, cmax > 0 else { return }
    let log2Bound = Double.log2(Double(n)) + Double.log2(cmax) + Double.log2(largest)
    if log2Bound > scanBoundLog2 {
        throw StateSpaceError.invalidParameter(
            name: name, value: "max|h| = \(short(largest))",
            allowed: "N·max|C|·max|h| must be ≤ 2¹⁰²¹ (here N = \(n), max|C| = \(short(cmax))): it bounds what the state adds to an output")
    }
}

/// The exponentials the scan computes, y = exp(x) elementwise, by the same routine `scanRows`
/// uses (libmvec's 8-wide AVX-512 exp where the CPU has it, else `vectorExp`'s): the floor its
/// benchmark measures the scan against. (n) → (n), into `output`.
/// - Precondition: `output.count >= input.count` (a violation traps with both lengths).
/// - Complexity: O(n).
public func scanExponentials(_ input: UnsafeBufferPointer<Double>, into output: UnsafeMutableBufferPointer<Double>) {
    requirePrecondition(output.count >= input.count,
                        "scanExponentials: output has length \(output.count) but input has length \(input.count): output must be at least as long")
    guard let x = input.baseAddress, let y = output.baseAddress, input.count > 0 else { return }
    ass_scan_exp(x, y, input.count)
}

/// One step of a carried state alone, for one channel: h ← Ā ⊙ h, returning C·h (the readable
/// form of `scanRows`' `.carry` step, which runs in C).
/// - Complexity: O(N).
@inline(__always)
func decayStep(h: UnsafeMutablePointer<Double>, decay: UnsafePointer<Double>, c: UnsafePointer<Double>, n: Int) -> Double {
    var out = 0.0
    for i in 0..<n {
        h[i] = decay[i] * h[i]
        out += c[i] * h[i]
    }
    return out
}

/// The state trajectory of one channel, h_t (N) for every t: what the selective memory holds
/// at each step (the scans return only y). (L, N).
/// - Throws: `invalidParameter` for a channel out of range.
/// - Complexity: O(L·N).
public func selectiveStates(_ inputs: SelectiveScanInputs, channel d: Int) throws -> Matrix {
    try requireChannel(d, inputs, "channel")
    let (l, n) = (inputs.length, inputs.stateSize)
    var states = Matrix(zeros: l, n)                                   // (L, N)
    var h = [Double](repeating: 0, count: n)                           // (N)
    let decay = vectorExp((0..<l * n).map { inputs.delta[$0 / n, d] * inputs.a[d, $0 % n] })  // (L·N): Ā
    for t in 0..<l {
        for i in 0..<n {
            h[i] = decay[t * n + i] * h[i] + inputs.delta[t, d] * inputs.x[t, d] * inputs.b[t, i]
            states[t, i] = h[i]
        }
    }
    return states
}

/// Throws unless `d` is a channel of `inputs` (0 ≤ d < D).
/// - Complexity: O(1).
func requireChannel(_ d: Int, _ inputs: SelectiveScanInputs, _ name: String) throws {
    guard (0..<inputs.channels).contains(d) else {
        throw StateSpaceError.invalidParameter(name: name, value: "\(d)", allowed: "must be a channel index in 0..<\(inputs.channels) (D = \(inputs.channels))")
    }
}

/// Base pointers of x (L, D), Δ (L, D), A (D, N), B (L, N), C (L, N), for a read-only pass.
func withRows<R>(_ inputs: SelectiveScanInputs,
                 _ body: (UnsafePointer<Double>, UnsafePointer<Double>, UnsafePointer<Double>, UnsafePointer<Double>, UnsafePointer<Double>) -> R) -> R {
    inputs.x.elements.withUnsafeBufferPointer { x in
        inputs.delta.elements.withUnsafeBufferPointer { delta in
            inputs.a.elements.withUnsafeBufferPointer { a in
                inputs.b.elements.withUnsafeBufferPointer { b in
                    inputs.c.elements.withUnsafeBufferPointer { c in
                        body(x.baseAddress!, delta.baseAddress!, a.baseAddress!, b.baseAddress!, c.baseAddress!)
                    }
                }
            }
        }
    }
}

/// One time step for one channel: h ← Ā ⊙ h + B·(Δx), returning C·h. Four state entries at a
/// time in SIMD registers when N is a multiple of 4 (the arithmetic is the same, in lanes).
/// - Complexity: O(N).
@inline(__always)
func scanStep(h: UnsafeMutablePointer<Double>, decay: UnsafePointer<Double>, b: UnsafePointer<Double>,
              c: UnsafePointer<Double>, input: Double, n: Int) -> Double {
    var i = 0, lanes = SIMD4<Double>()
    while i + 4 <= n {
        let load = { (p: UnsafePointer<Double>) in UnsafeRawPointer(p + i).loadUnaligned(as: SIMD4<Double>.self) }
        let state = load(decay) * UnsafeRawPointer(h + i).loadUnaligned(as: SIMD4<Double>.self) + load(b) * input
        UnsafeMutableRawPointer(h + i).storeBytes(of: state, as: SIMD4<Double>.self)
        lanes += load(c) * state
        i += 4
    }
    var out = lanes.sum()
    while i < n {
        h[i] = decay[i] * h[i] + b[i] * input
        out += c[i] * h[i]
        i += 1
    }
    return out
}

/// One channel's working set, owned by one thread: its columns of x and Δ and its output column.
struct ChannelBuffers {
    let x: UnsafeMutablePointer<Double>                                // (L)
    let delta: UnsafeMutablePointer<Double>                            // (L)
    let y: UnsafeMutablePointer<Double>                                // (L)
}

/// Runs `body(channel, buffers, scratch)` for every channel and gathers y (L, D): for
/// algorithms that need a channel's whole sequence at once (the parallel scan).
///
/// Channels go to `threads` workers in blocks of at most 32 channels (8 where 32 columns of
/// three buffers would pass 8 MB), sized so that every worker gets the same number of blocks
/// (D = 96 on 2 threads: two blocks of 24 each, not 32 + 32 against 32). A block's columns of x
/// and Δ are gathered row by row into per-channel buffers (`ass_gather_columns`) and scattered
/// back the same way into y. Each pass reads a short piece of every row of x and Δ, rows D·8
/// bytes apart, so fewer, wider blocks make fewer passes (32 against 8: 3–7% less time for the
/// Blelloch scan at D = 256, L = 2048, in four runs of 15 interleaved repetitions). A block's
/// columns sit an odd number of cache lines apart (L rounded up to whole lines, plus one if that
/// is even): columns a power of two apart (L = 2048: 16 KiB) map to the same sets of the L1
/// cache and evict each other. Each worker allocates its buffers once.
func forEachChannel(_ inputs: SelectiveScanInputs, threads: Int, scratch: Int,
                    _ body: @escaping @Sendable (Int, ChannelBuffers, UnsafeMutablePointer<Double>) -> Void) -> Matrix {
    let (l, dd) = (inputs.length, inputs.channels)
    let lines = (l + 7) / 8, pitch = 8 * (lines % 2 == 0 ? lines + 1 : lines)   // doubles between columns: an odd number of lines
    let widest = 3 * 32 * pitch * 8 <= 8 << 20 ? 32 : 8                // channels per block, by memory
    let t = max(1, threads)
    let rounds = (dd + t * widest - 1) / (t * widest)                 // blocks per worker
    let block = max(1, (dd + t * rounds - 1) / (t * rounds))          // ≤ widest, the same count for every worker
    var y = Matrix(zeros: l, dd)                                       // (L, D)
    y.elements.withUnsafeMutableBufferPointer { buffer in
        let out = DisjointWrites(buffer.baseAddress!)                  // block b's worker writes its columns
        let workers = max(1, min(threads, (dd + block - 1) / block))
        let run: @Sendable (Int) -> Void = { worker in
            let xs = UnsafeMutablePointer<Double>.allocate(capacity: block * pitch)       // (block, pitch)
            let deltas = UnsafeMutablePointer<Double>.allocate(capacity: block * pitch)   // (block, pitch)
            let ys = UnsafeMutablePointer<Double>.allocate(capacity: block * pitch)       // (block, pitch)
            let work = UnsafeMutablePointer<Double>.allocate(capacity: max(1, scratch))
            defer { [xs, deltas, ys, work].forEach { $0.deallocate() } }
            inputs.x.elements.withUnsafeBufferPointer { px in
                inputs.delta.elements.withUnsafeBufferPointer { pd in
                    for first in stride(from: worker * block, to: dd, by: workers * block) {
                        let width = min(block, dd - first)
                        ass_gather_columns(px.baseAddress!, l, dd, first, width, xs, pitch)     // the block's columns, row by row
                        ass_gather_columns(pd.baseAddress!, l, dd, first, width, deltas, pitch)
                        for j in 0..<width {
                            body(first + j, ChannelBuffers(x: xs + j * pitch, delta: deltas + j * pitch, y: ys + j * pitch), work)
                        }
                        ass_scatter_columns(ys, pitch, l, dd, first, width, out.base)
                    }
                }
            }
        }
        if workers == 1 { run(0) } else { DispatchQueue.concurrentPerform(iterations: workers, execute: run) }
    }
    return y
}
