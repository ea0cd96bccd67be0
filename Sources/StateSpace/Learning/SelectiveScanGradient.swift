import CVectorMath

/// The selective scan's forward for training: y, the final state h_{L−1}, and a tape for
/// `selectiveScanBackward`. Same recurrence as `selectiveScan` (see `SelectiveScanInputs`),
/// started from an initial state h₀ instead of 0:
///
///     h_t = Ā_t ⊙ h_{t−1} + B̄_t x_t,   Ā_t = exp(Δ_t A),  B̄_t x_t = Δ_t B_t x_t,   h_{−1} = h₀
///     y_t = C_t·h_t + D x_t
///
/// (Mamba's `return_last_state`, and `ssd_minimal`'s `initial_states`.) One channel per worker
/// step: each of `threads` workers owns a contiguous range of channels and walks each channel's
/// whole sequence, keeping what `mode` asks for.
///
/// - Parameters: `initialState` h₀ (D, N), nil for zeros; `mode` `.storedStates` or
///   `.recomputed(checkpointEvery: T)`; `threads` ≥ 1 (< 1 counts as 1).
/// - Returns: y (L, D), h_{L−1} (D, N) and the tape (`keptBytes`: L·D·N or ⌈L/T⌉·D·N doubles).
/// - Throws: `invalidParameter` for T ≤ 0, or an h₀ so large that y overflows; `shapeMismatch`
///   for h₀ not (D, N); `nonFinite` for NaN/∞ in h₀.
/// - Complexity: O(L·D·N) work, L·D·N exponentials; memory as `mode` says.
public func selectiveScanForward(_ inputs: SelectiveScanInputs, initialState: Matrix? = nil,
                                 mode: ScanGradientMode = .storedStates, kernel: ScanKernel = .compiled, threads: Int = 1) throws
    -> (output: Matrix, finalState: Matrix, tape: SelectiveScanTape) {
    let (l, dd, n) = (inputs.length, inputs.channels, inputs.stateSize)
    let chunk = try mode.chunkLength(l)
    let h0 = try initialStateValues(initialState, channels: dd, stateSize: n)   // (D, N)
    let chunks = (l + chunk - 1) / chunk, stored = mode == .storedStates
    let keptCount = try requireAllocatable([dd, stored ? l : chunks, n], "states kept by the \(mode) mode (D, ·, N)",
                                           value: "\(dd) × \(stored ? l : chunks) × \(n)")
    let columns = ScanColumns(inputs, initialState: h0)
    let yT = UnsafeMutablePointer<Double>.allocate(capacity: dd * l)   // (D, L)
    let final = UnsafeMutablePointer<Double>.allocate(capacity: dd * n) // (D, N)
    defer { yT.deallocate(); final.deallocate() }
    let (outY, outFinal) = (DisjointWrites(yT), DisjointWrites(final))
    let states = [Double](unsafeUninitializedCapacity: keptCount) { buffer, count in
        let kept = DisjointWrites(buffer.baseAddress!)
        forEachChannelRange(dd, workers: threads) { lo, hi, _ in
            let decay = UnsafeMutablePointer<Double>.allocate(capacity: chunk * n)     // (T, N): Ā
            let scratch = UnsafeMutablePointer<Double>.allocate(capacity: chunk * n)   // (T, N): a chunk's states
            defer { decay.deallocate(); scratch.deallocate() }
            for d in lo..<hi {
                var before = UnsafePointer(columns.h0 + d * n)
                for (k, start) in stride(from: 0, to: l, by: chunk).enumerated() {
                    let count = min(chunk, l - start)
                    if !stored { (kept.base + (d * chunks + k) * n).update(from: before, count: n) }
                    let target = stored ? kept.base + (d * l + start) * n : scratch
                    columns.fillDecay(channel: d, from: start, count: count, into: decay)
                    columns.runChunk(channel: d, from: start, count: count, before: before, decay: decay, states: target,
                                     y: outY.base + d * l, kernel: kernel)
                    before = UnsafePointer(target + (count - 1) * n)
                    if !stored, start + count == l { (outFinal.base + d * n).update(from: before, count: n) }
                }
                if stored { (outFinal.base + d * n).update(from: before, count: n) }
            }
        }
        count = keptCount
    }
    let y = transposedMatrix(yT, rows: dd, cols: l)                    // (L, D)
    let finalState = Matrix(unchecked: dd, n, Array(UnsafeBufferPointer(start: final, count: dd * n)))
    try requireNoOverflow(allFinite(y.elements), result: "output y", suspects: [OverflowSuspect("initial state h₀", h0)])
    let tape = SelectiveScanTape(inputs: inputs, mode: mode, kernel: kernel, chunk: chunk, initialState: h0, states: states,
                                 columns: columns)
    return (y, finalState, tape)
}

/// The backward of the selective scan: a scan in reverse time with the same decays.
///
/// **Derivation** (one channel d; ⊙ and the sums run over the state index n). Let
/// λ_t = ∂ℓ/∂h_t, the *total* derivative (through y_t and every later state). h_t reaches ℓ
/// through y_t = C_t·h_t + D x_t and through h_{t+1} = Ā_{t+1} ⊙ h_t + B̄_{t+1}x_{t+1}, so
///
///     λ_t = Ā_{t+1} ⊙ λ_{t+1} + C_t ∂y_t,     λ_{L−1} = C_{L−1} ∂y_{L−1} + ∂ℓ/∂h_{L−1}(given)
///
/// — the adjoint recurrence: the forward's linear recurrence with its decays, run from t = L−1
/// down to 0. With λ known, every input's gradient is local to its step:
///
///     ∂C_t  += ∂y_t h_t                     (summed over channels: C is shared)
///     ∂D    += ∂y_t x_t
///     B̄_t x_t = Δ_t x_t B_t:   ∂B_t += Δ_t x_t λ_t   (summed over channels),
///                              ∂x_t  = D ∂y_t + Δ_t (λ_t·B_t),   ∂Δ_t = x_t (λ_t·B_t) + …
///     Ā_t = exp(Δ_t A):        ∂Ā_t = λ_t ⊙ h_{t−1},  and ∂exp(u)/∂u = exp(u), so with
///                              r_t = λ_t ⊙ h_{t−1} ⊙ Ā_t:   ∂Δ_t += r_t·A,   ∂A += Δ_t r_t
///     ∂h₀ = Ā_0 ⊙ λ_0          (the recurrence run one step past t = 0)
///
/// So the backward needs h_{t−1} and h_t at every step: `tape.states` holds them
/// (`.storedStates`), or one state per chunk of T from which each chunk is re-run, last chunk
/// first, into a (T, N) scratch (`.recomputed`). Ā is recomputed in both (L·D·N more
/// exponentials): storing it would double the stored mode's memory.
///
/// - Parameters: `outputGradient` ∂ℓ/∂y (L, D); `finalStateGradient` ∂ℓ/∂h_{L−1} (D, N), nil
///   for 0 (nonzero when the final state feeds a later chunk of a longer sequence).
/// - Returns: ∂ℓ/∂x, Δ, A, B, C, D and ∂ℓ/∂h₀.
/// - Throws: `shapeMismatch` / `nonFinite` for gradients not shaped (L, D), (D, N) or not
///   finite; `invalidParameter` if the gradients overflow Double (naming ∂y).
/// - Complexity: O(L·D·N) work (≈ 2× the forward's flops, plus its L·D·N exponentials again, in
///   both modes; `.recomputed` adds the state updates of one more forward pass, not its
///   exponentials); extra memory: ≈ 7·L·D doubles (per-channel copies of x, Δ and ∂y, the
///   gradients for x and Δ and their transposes) plus `threads`·(2·L·N + 2·T·N) doubles.
public func selectiveScanBackward(_ tape: SelectiveScanTape, outputGradient dy: Matrix,
                                  finalStateGradient: Matrix? = nil, threads: Int = 1) throws -> SelectiveScanGradients {
    let inputs = tape.inputs
    let (l, dd, n) = (inputs.length, inputs.channels, inputs.stateSize)
    try requireGradient(dy, rows: l, cols: dd, "∂ℓ/∂y of the selective scan (L, D)")
    if let finalStateGradient { try requireGradient(finalStateGradient, rows: dd, cols: n, "∂ℓ/∂h_{L−1} of the selective scan (D, N)") }
    let workers = max(1, min(threads, dd))
    let columns = tape.columns                                         // the forward's copies: read only, by every worker
    let buffers = ScanGradientBuffers(length: l, channels: dd, stateSize: n, workers: workers, outputGradient: dy,
                                      finalStateGradient: finalStateGradient)
    forEachChannelRange(dd, workers: workers) { lo, hi, worker in
        let scratch = ChannelScratch(chunk: tape.chunk, stateSize: n)
        tape.states.withUnsafeBufferPointer { states in
            for d in lo..<hi { reverseChannel(d, tape, columns, states.baseAddress!, buffers, worker: worker, scratch) }
        }
    }
    let gradients = buffers.gradients()
    let all = [gradients.x, gradients.delta, gradients.a, gradients.b, gradients.c, gradients.initialState].allSatisfy { allFinite($0.elements) }
    try requireNoOverflow(all && allFinite(gradients.skip), result: "gradients of the selective scan",
                          suspects: [OverflowSuspect("∂ℓ/∂y", dy.elements)])
    return gradients
}

/// One channel's reverse scan, chunk by chunk from the end (see `selectiveScanBackward`).
/// - Complexity: O(L·N), plus one forward of the channel in `.recomputed` mode.
func reverseChannel(_ d: Int, _ tape: SelectiveScanTape, _ columns: ScanColumns, _ states: UnsafePointer<Double>,
                    _ g: ScanGradientBuffers, worker: Int, _ scratch: ChannelScratch) {
    let (l, n, chunk) = (columns.length, columns.stateSize, tape.chunk)
    let stored = tape.mode == .storedStates, chunks = tape.chunkCount
    let lambda = g.initialState + d * n                                // (N): λ, ends as ∂ℓ/∂h₀
    for k in (0..<chunks).reversed() {
        let start = k * chunk, count = min(chunk, l - start)
        columns.fillDecay(channel: d, from: start, count: count, into: scratch.decay)
        let hs: UnsafePointer<Double>, before: UnsafePointer<Double>
        if stored {
            hs = states + (d * l + start) * n
            before = start == 0 ? UnsafePointer(columns.h0 + d * n) : states + (d * l + start - 1) * n
        } else {
            before = states + (d * chunks + k) * n
            columns.runChunk(channel: d, from: start, count: count, before: before, decay: scratch.decay,
                             states: scratch.states, y: nil, kernel: tape.kernel)
            hs = UnsafePointer(scratch.states)
        }
        if tape.kernel == .compiled {
            let at = d * l + start, w = g.b + worker * l * n - g.b    // offset of this worker's ∂B, ∂C rows
            ass_scan_reverse_chunk(count, n, hs, before, scratch.decay, lambda, columns.a + d * n, g.a + d * n,
                                   columns.b + start * n, columns.c + start * n, g.b + w + start * n, g.c + w + start * n,
                                   g.dyT + at, columns.x + at, columns.delta + at, columns.skip[d],
                                   g.xT + at, g.deltaT + at, g.skip + d)
        } else {
            reverseChunk(d, from: start, count: count, states: hs, before: before, decay: scratch.decay, lambda: lambda,
                         columns, g, worker: worker)
        }
    }
}

/// The adjoint recurrence over t = start + count − 1 … start for channel d, updating λ in place
/// and adding every step's gradient (see `selectiveScanBackward` for each line).
/// - Complexity: O(count·N).
@inline(__always)
func reverseChunk(_ d: Int, from start: Int, count: Int, states hs: UnsafePointer<Double>, before: UnsafePointer<Double>,
                  decay: UnsafePointer<Double>, lambda: UnsafeMutablePointer<Double>, _ s: ScanColumns,
                  _ g: ScanGradientBuffers, worker: Int) {
    let (l, n) = (s.length, s.stateSize)
    let a = s.a + d * n, dA = g.a + d * n                              // (N) each
    let dB = g.b + worker * l * n, dC = g.c + worker * l * n           // (L, N): this worker's sums
    for j in stride(from: count - 1, through: 0, by: -1) {
        let t = start + j, at = d * l + t
        let (gy, x, step) = (g.dyT[at], s.x[at], s.delta[at])
        let h = hs + j * n, previous = j == 0 ? before : hs + (j - 1) * n, ab = decay + j * n
        let b = s.b + t * n, c = s.c + t * n, dbt = dB + t * n, dct = dC + t * n
        let drive = step * x
        var (lambdaB, rA) = reverseStepLanes(n: n, lambda: lambda, gy: gy, c: c, h: h, dct: dct, dbt: dbt, drive: drive, b: b,
                                             previous: previous, decay: ab, a: a, dA: dA, step: step)
        for i in (n - n % 4)..<n {
            let total = lambda[i] + gy * c[i]                           // λ_t
            dct[i] += gy * h[i]
            dbt[i] += total * drive
            lambdaB += total * b[i]
            let r = total * previous[i] * ab[i]                          // ∂ℓ/∂(Δ_t A) through Ā_t
            rA += r * a[i]
            dA[i] += r * step
            lambda[i] = ab[i] * total                                     // Ā_t ⊙ λ_t: λ_{t−1} before C_{t−1}∂y_{t−1}
        }
        g.xT[at] = s.skip[d] * gy + step * lambdaB
        g.deltaT[at] = x * lambdaB + rA
        g.skip[d] += gy * x
    }
}

/// The first ⌊N/4⌋·4 state entries of one reverse step (`reverseChunk`'s loop body), four at a
/// time in SIMD registers; returns the partial sums Σ λ_t·B_t and Σ r·A over those entries.
/// The same arithmetic per entry as the scalar loop, in lanes (the two sums in a different order).
/// - Complexity: O(N).
@inline(__always)
func reverseStepLanes(n: Int, lambda: UnsafeMutablePointer<Double>, gy: Double, c: UnsafePointer<Double>, h: UnsafePointer<Double>,
                      dct: UnsafeMutablePointer<Double>, dbt: UnsafeMutablePointer<Double>, drive: Double, b: UnsafePointer<Double>,
                      previous: UnsafePointer<Double>, decay: UnsafePointer<Double>, a: UnsafePointer<Double>,
                      dA: UnsafeMutablePointer<Double>, step: Double) -> (Double, Double) {
    typealias V = SIMD4<Double>
    func load(_ p: UnsafePointer<Double>, _ i: Int) -> V { UnsafeRawPointer(p + i).loadUnaligned(as: V.self) }
    func store(_ v: V, _ p: UnsafeMutablePointer<Double>, _ i: Int) { UnsafeMutableRawPointer(p + i).storeBytes(of: v, as: V.self) }
    var lambdaB = V(), rA = V()
    var i = 0
    while i + 4 <= n {
        let total = load(lambda, i) + gy * load(c, i)                   // λ_t
        store(load(dct, i) + gy * load(h, i), dct, i)
        store(load(dbt, i) + drive * total, dbt, i)
        lambdaB += total * load(b, i)
        let ab = load(decay, i), r = total * load(previous, i) * ab
        rA += r * load(a, i)
        store(load(dA, i) + step * r, dA, i)
        store(ab * total, lambda, i)
        i += 4
    }
    return (lambdaB.sum(), rA.sum())
}
