import CVectorMath
import Dispatch

/// The selective scan split along *time* over `threads` cores by the two-level scheme CPUs use
/// (scan-then-propagate): few cores, long blocks, and no more than ~2× the sequential work.
///
/// The recurrence h_t = Ā_t ⊙ h_{t−1} + B̄_t x_t is linear in the state, so the state at any
/// step is "what the block computed from zero" plus "what the state entering the block became":
///
///     h_t = h_t^{local} + (Ā_t ⊙ ⋯ ⊙ Ā_{t₀}) ⊙ h_{t₀−1}        for t in a block starting at t₀
///
/// Split [0, L) into P = `threads` blocks of ≈ L/P steps. Then
///
/// 1. **each thread scans its block** from a zero state (block 0 from h_{−1}), writing y and
///    keeping the block's last local state s_k and its decay ∏_{t in k} Ā_t (all channels) —
///    which costs no product per step: A is the same at every step, so the exponents add,
///    ∏_t exp(Δ_t A) = exp(A · Σ_t Δ_t) (`blockDecay`). Step 2 reads the decays of blocks
///    1 … P−2 only (block 0's multiplies h_in(0) = 0, the last block's carries into nothing),
///    so only those are formed;
/// 2. **carries are combined**, sequentially over the P blocks: the state entering block k is
///    h_in(k) = (∏ Ā over block k−1) ⊙ h_in(k−1) + s_{k−1}, h_in(0) = h_{−1}: P − 1 steps of
///    the same affine composition (a₁, b₁) ⊕ (a₂, b₂) = (a₁a₂, a₂b₁ + b₂) as the Blelloch tree;
/// 3. **blocks are fixed up**: every block k ≥ 1 adds the carried state's contribution,
///    y_t += C_t·(Ā_t ⊙ ⋯ ⊙ Ā_{t₀} ⊙ h_in(k)) — itself a scan with no input, whose channels are
///    split over all P threads.
///
/// Work: the sequential scan's L steps, plus (P−1)/P·L fix-up steps (each with its own
/// exponentials); time ≈ (L/P)·(2 − 1/P) per core against L for one core: 0.75 L at P = 2 on
/// cores that do not slow each other down (`Bench` measures how much two of them do).
/// Blelloch's tree does ≈ 3L combines to buy a depth of 2 log₂ L that only thousands of cores
/// can use; with 2 cores, the depth that matters is P, and the two-level scheme's work is
/// within 2× of the sequential scan's. Where channels are plenty (D = 256 and more), splitting
/// *channels* over the cores (`selectiveScan(_:threads:)`) does no extra work at all and is
/// faster still: splitting time is for when the sequence is the only parallelism there is.
/// With `threads` = 1 this is the sequential scan.
///
/// - Parameters: `inputs`; `threads` ≥ 1 (< 1 counts as 1; at most L blocks).
/// - Returns: y, (L, D) — equal to the sequential scan's up to rounding (the carried state is
///   combined in a different order).
/// - Complexity: O(L·D·N·(2 − 1/P)) work, depth O(L/P + P).
public func selectiveScanTwoLevel(_ inputs: SelectiveScanInputs, threads: Int = 1) -> Matrix {
    selectiveScanTwoLevel(inputs, threads: threads, portable: false)
}

/// `selectiveScanTwoLevel(_:threads:)` with `portable` choosing `scanRows`' portable C form (tests).
func selectiveScanTwoLevel(_ inputs: SelectiveScanInputs, threads: Int, portable: Bool) -> Matrix {
    let (l, dd, n) = (inputs.length, inputs.channels, inputs.stateSize)
    let blocks = max(1, min(threads, l))
    var y = Matrix(zeros: l, dd)                                       // (L, D)
    let size = dd * n
    let local = UnsafeMutablePointer<Double>.allocate(capacity: blocks * size)     // (P, D, N): s_k
    let decay = UnsafeMutablePointer<Double>.allocate(capacity: blocks * size)     // (P, D, N): ∏ Ā over block k
    let entering = UnsafeMutablePointer<Double>.allocate(capacity: blocks * size)  // (P, D, N): h_in(k)
    defer { local.deallocate(); decay.deallocate(); entering.deallocate() }
    local.initialize(repeating: 0, count: blocks * size)
    decay.initialize(repeating: 1, count: blocks * size)
    entering.initialize(repeating: 0, count: blocks * size)
    let (states, products, carries) = (UnsafeSendable(local), UnsafeSendable(decay), UnsafeSendable(entering))
    let times: @Sendable (Int) -> Range<Int> = { k in (k * l / blocks)..<((k + 1) * l / blocks) }
    y.elements.withUnsafeMutableBufferPointer { buffer in
        let out = DisjointWrites(buffer.baseAddress!)                  // phase 1: block k writes its rows; phase 3: its channels
        // 1. Each block from a zero state: y and its last state s_k; then its decay ∏ Ā (blocks 1 … P−2 use it).
        concurrent(blocks) { k in
            scanRows(inputs, times: times(k), channels: 0..<dd, state: states.value + k * size, mode: .scan, y: out, portable: portable)
            if k >= 1 && k < blocks - 1 { blockDecay(inputs, times: times(k), into: products.value + k * size, portable: portable) }
        }
        // 2. Carries, in block order: h_in(k) = ∏Ā(k−1) ⊙ h_in(k−1) + s_{k−1}, h_in(0) = 0.
        for k in 1..<blocks {
            let (previous, next) = (carries.value + (k - 1) * size, carries.value + k * size)
            let (a, b) = (products.value + (k - 1) * size, states.value + (k - 1) * size)
            for i in 0..<size { next[i] = a[i] * previous[i] + b[i] }
        }
        // 3. Fix-ups: block k ≥ 1 adds C_t·(Ā_t ⋯ Ā_{t₀} ⊙ h_in(k)); thread w takes channel range w of every block.
        guard blocks > 1 else { return }
        concurrent(blocks) { w in
            let channels = (w * dd / blocks)..<((w + 1) * dd / blocks)
            for k in 1..<blocks where !channels.isEmpty {
                scanRows(inputs, times: times(k), channels: channels, state: carries.value + k * size + channels.lowerBound * n,
                         mode: .carry, y: out, portable: portable)
            }
        }
    }
    return y
}

/// ∏_{t ∈ times} Ā_t for every (d, n), into `decay` (D, N). A is the same at every step, so the
/// exponents add: ∏_t exp(Δ_{t,d} A_{d,n}) = exp(A_{d,n} · Σ_t Δ_{t,d}) — D sums over the block's
/// rows and D·N exponentials, instead of a product per step. (Equal up to rounding; with A < 0
/// and Δ ≥ 0 the exponent is ≤ 0, and a sum that overflows gives exp(−∞) = 0, as the product would.)
/// `portable` takes the exponentials from `ass_vector_exp` (the portable form's exp) instead of the
/// scan's widest one.
/// - Complexity: O(|times|·D + D·N).
func blockDecay(_ inputs: SelectiveScanInputs, times: Range<Int>, into decay: UnsafeMutablePointer<Double>, portable: Bool = false) {
    let (dd, n) = (inputs.channels, inputs.stateSize)
    var total = [Double](repeating: 0, count: dd)                      // (D): Σ_{t ∈ times} Δ_t
    total.withUnsafeMutableBufferPointer { sum in
        inputs.delta.elements.withUnsafeBufferPointer { delta in
            for t in times { for d in 0..<dd { sum[d] += delta[t * dd + d] } }
        }
        inputs.a.elements.withUnsafeBufferPointer { a in
            for d in 0..<dd { for i in 0..<n { decay[d * n + i] = a[d * n + i] * sum[d] } }
        }
    }
    (portable ? ass_vector_exp : ass_scan_exp)(decay, decay, dd * n)   // (D, N), in place
}

/// Runs `body(0..<count)` on `count` threads (inline when count = 1).
private func concurrent(_ count: Int, _ body: @Sendable (Int) -> Void) {
    if count == 1 { body(0) } else { DispatchQueue.concurrentPerform(iterations: count, execute: body) }
}
