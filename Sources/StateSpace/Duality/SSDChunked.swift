import Dispatch
import Foundation

/// The SSD layer by chunks (Mamba-2's algorithm): split time into chunks of Q steps and mix the
/// two forms — quadratic (matmul) inside each chunk, recurrent between chunks — so that almost
/// all the work is GEMM. For each chunk c (rows c₀ ..< c₀+q, q ≤ Q; the last may be shorter):
///
/// 1. **Diagonal block** (intra-chunk, quadratic): Y_c += (L_c ∘ C_c B_cᵀ) X_c, with L_c the
///    chunk's own decay mask from the stable `segsum` of log a over the chunk.
/// 2. **Chunk state**: S_c = Σ_j (a_end ⋯ a_{j+1}) x_j B_jᵀ = (X_c ∘ w)ᵀ B_c, w = the mask's
///    last row (decay from each step to the chunk's end). One GEMM for all heads when B is shared.
/// 3. **State passing** (inter-chunk, recurrent, T/Q steps): h_c = (a_{c₀} ⋯ a_{end})·h_{c−1} + S_c.
/// 4. **State → output**: Y_c += diag(a_{c₀}⋯a_t) · C_c h_{c−1}ᵀ, the incoming state read by
///    every row of the chunk. One GEMM for all heads when C is shared.
///
/// Steps 1, 2 and 4 are cblas GEMMs on sub-blocks (leading dimensions, no copies of X or Y);
/// the exponentials of the masks go through libmvec. Q = T is the quadratic form, Q = 1 the
/// recurrence; in between, cost ≈ T·(2QP + 4PN) per head plus 2TQN per group.
/// Heads are independent given B and C, so `threads` workers each take a contiguous range of
/// heads (with OpenBLAS single-threaded meanwhile: see `BLASThreads`).
/// - Parameters: `inputs`; `chunk` Q ≥ 1 (any T: the last chunk is shorter); `threads` ≥ 1;
///   `mistake`: nil (the algorithm), or one deliberately wrong step (`SSDChunkedMistake`).
/// - Returns: Y, (T, H·P).
/// - Throws: `invalidParameter` for Q ≤ 0, threads ≤ 0, or a chunk whose (Q, Q) masks for
///   the H heads (H·q² numbers, q = min(Q, T)) would exceed the 2³⁰-element cap
///   (`maximumResultElements`), checked before anything is allocated.
/// - Complexity: see `SSDFlops.chunked`.
public func ssdChunked(_ inputs: SSDInputs, chunk: Int, threads: Int = 1, profile: SSDProfile? = nil,
                       mistake: SSDChunkedMistake? = nil) throws -> Matrix {
    try requireChunk(chunk, threads: threads, inputs)
    let count = inputs.length * inputs.heads * inputs.headDim
    // Y is written in full by step 4 of each chunk (a GEMM with β = 0), so it is not
    // zero-filled first: that pass over 8·T·H·P bytes would cost as much as step 4.
    let elements = [Double](unsafeUninitializedCapacity: count) { buffer, initialized in
        ssdChunkedCore(inputs, chunk: chunk, threads: threads, profile: profile, mistake: mistake, out: buffer.baseAddress!)
        initialized = count
    }
    return Matrix(unchecked: inputs.length, inputs.heads * inputs.headDim, elements)
}

/// `ssdChunked` writing into an existing Y (T, H·P) — for callers that run the layer again and
/// again and reuse its output buffer (no allocation, no first-touch page faults).
/// - Throws: as `ssdChunked`; `shapeMismatch` unless `output` is (T, H·P).
/// - Complexity: as `ssdChunked`.
public func ssdChunked(_ inputs: SSDInputs, chunk: Int, threads: Int = 1, profile: SSDProfile? = nil, into output: inout Matrix) throws {
    try requireChunk(chunk, threads: threads, inputs)
    guard output.rows == inputs.length, output.cols == inputs.heads * inputs.headDim else {
        throw StateSpaceError.shapeMismatch(name: "output Y (T, H·P)", expected: "\(inputs.length)×\(inputs.heads * inputs.headDim)",
                                            actual: "\(output.rows)×\(output.cols)")
    }
    output.elements.withUnsafeMutableBufferPointer {
        ssdChunkedCore(inputs, chunk: chunk, threads: threads, profile: profile, mistake: nil, out: $0.baseAddress!)
    }
}

/// The chunked SSD from a given state, returning the state after the last step as well — what
/// Mamba-2's `ssd_minimal` takes as `initial_states` and returns as its final state, per head a
/// (P, N) matrix, stacked here as (H·P, N) (row h·P + i is head h's row i). Scanning [0, T) is
/// scanning [0, T₁) and then [T₁, T) from the returned state: what chunked training, a
/// checkpointed backward pass and generation after a prompt need. The incoming state enters
/// exactly as a chunk's incoming state does (step 4 of `ssdChunked`), so the algorithm is the
/// same with h₋₁ in place of zero.
/// - Parameters: as `ssdChunked(_:chunk:threads:profile:mistake:)`; `initialState` h₋₁ (H·P, N) or nil for zero.
/// - Returns: Y (T, H·P) and `finalState` h_{T−1} (H·P, N).
/// - Throws: as `ssdChunked`; `shapeMismatch` unless the initial state is (H·P, N); `nonFinite`;
///   `invalidParameter` if N·max|C|·max|h₋₁| > 2¹⁰²¹ (what it adds to an output could overflow).
/// - Complexity: as `ssdChunked`.
public func ssdChunked(_ inputs: SSDInputs, chunk: Int, initialState: Matrix?, threads: Int = 1) throws -> (y: Matrix, finalState: Matrix) {
    try requireChunk(chunk, threads: threads, inputs)
    let rows = inputs.heads * inputs.headDim
    if let initialState { try requireInitialState(initialState, rows: rows, inputs.stateSize, c: inputs.c, "initial state h (H·P, N)") }
    var y = Matrix(zeros: inputs.length, rows)                         // (T, H·P)
    var final = Matrix(zeros: rows, inputs.stateSize)                  // (H·P, N)
    y.elements.withUnsafeMutableBufferPointer { py in
        final.elements.withUnsafeMutableBufferPointer { pf in
            let start = initialState?.elements ?? [Double](repeating: 0, count: rows * inputs.stateSize)
            start.withUnsafeBufferPointer { p0 in
                ssdChunkedCore(inputs, chunk: chunk, threads: threads, profile: nil, mistake: nil, out: py.baseAddress!,
                               initial: UnsafeSendable(p0.baseAddress!), final: DisjointWrites(pf.baseAddress!))
            }
        }
    }
    return (y, final)
}

/// Q ≥ 1, threads ≥ 1, and the chunk's work arrays allocatable: H·q² numbers for the (Q, Q)
/// masks of every head (q = min(Q, T), the chunk actually used).
/// - Complexity: O(1).
func requireChunk(_ chunk: Int, threads: Int, _ inputs: SSDInputs) throws {
    try requirePositive(chunk, "chunk size Q")
    try requirePositive(threads, "threads")
    let q = min(chunk, inputs.length)
    _ = try requireAllocatable([inputs.heads, q, q], "chunk size Q",
                               value: "\(chunk) (with T = \(inputs.length): H = \(inputs.heads) masks of \(q)×\(q))")
}

/// Splits the heads over `threads` workers (OpenBLAS single-threaded meanwhile) and runs the
/// chunked algorithm; `out` is Y (T, H·P), every element of which gets written.
func ssdChunkedCore(_ inputs: SSDInputs, chunk: Int, threads: Int, profile: SSDProfile?, mistake: SSDChunkedMistake?,
                    out base: UnsafeMutablePointer<Double>, initial: UnsafeSendable<UnsafePointer<Double>>? = nil,
                    final: DisjointWrites<Double>? = nil) {
    let (t, hh) = (inputs.length, inputs.heads)
    let logA = inputs.logA.elements                                    // (T, H)
    let out = DisjointWrites(base)                                     // a worker writes only its heads' columns
    let workers = max(1, min(threads, hh))
    let run: @Sendable (Int) -> Void = { worker in
        let started = DispatchTime.now().uptimeNanoseconds
        var gemmClock = GEMMClock()
        withUnsafeMutablePointer(to: &gemmClock) { clock in
            ssdChunkedHeads(inputs, logA: logA, chunk: min(chunk, t), heads: (worker * hh / workers)..<((worker + 1) * hh / workers),
                            out: out, clock: profile == nil ? nil : clock, mistake: mistake, initial: initial?.value, final: final)
        }
        profile?.add(worker: Double(DispatchTime.now().uptimeNanoseconds - started) * 1e-9, gemm: gemmClock)
    }
    // The GEMMs are chunk-sized (Q×Q, Q×P, …): splitting each over OpenBLAS's pool costs more
    // than it saves, and with our own workers it would oversubscribe the cores.
    BLASThreads.withSingleThreadedBLAS {
        if workers == 1 { run(0) } else { DispatchQueue.concurrentPerform(iterations: workers, execute: run) }
    }
}

/// The chunked algorithm for a contiguous range of heads (heads are independent given B and C):
/// writes those heads' columns of Y. Steps 2 and 4 are one GEMM per group over all the range's
/// heads of that group.
func ssdChunkedHeads(_ inputs: SSDInputs, logA: [Double], chunk q: Int, heads: Range<Int>, out: DisjointWrites<Double>,
                     clock: UnsafeMutablePointer<GEMMClock>?, mistake: SSDChunkedMistake? = nil,
                     initial: UnsafePointer<Double>? = nil, final: DisjointWrites<Double>? = nil) {
    /// Every GEMM of the algorithm goes through here, so a profile can time them.
    func gemm(transposeA: Bool = false, transposeB: Bool = false, m: Int, n: Int, k: Int,
              _ a: UnsafePointer<Double>, lda: Int, _ b: UnsafePointer<Double>, ldb: Int,
              beta: Double = 0, _ c: UnsafeMutablePointer<Double>, ldc: Int) {
        let started = clock == nil ? 0 : DispatchTime.now().uptimeNanoseconds
        StateSpace.gemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, a, lda: lda, b, ldb: ldb, beta: beta, c, ldc: ldc)
        if let clock {
            clock.pointee.seconds += Double(DispatchTime.now().uptimeNanoseconds - started) * 1e-9
            clock.pointee.flops += 2 * Double(m) * Double(n) * Double(k)
        }
    }
    let (t, hh, p, n, gg) = (inputs.length, inputs.heads, inputs.headDim, inputs.stateSize, inputs.groups)
    let (hp, gn, count) = (hh * p, gg * n, heads.count)
    guard count > 0 else { return }
    var state = [Double](repeating: 0, count: count * p * n)          // (range·P, N): h_{c−1}
    if let initial { for i in state.indices { state[i] = initial[heads.lowerBound * p * n + i] } }   // h₋₁ of these heads
    var chunkState = [Double](repeating: 0, count: count * p * n)     // (range·P, N): S_c
    var scores = [Double](repeating: 0, count: q * q)                 // (Q, Q): C_c B_cᵀ for one group
    let packed = q * (q + 1) / 2
    var decays = [Double](repeating: 0, count: count * packed)        // (range, Q(Q+1)/2): L_c's lower triangle, row i at i(i+1)/2
    var masks = [Double](repeating: 0, count: count * q * q)          // (range, Q, Q): L_c ∘ C Bᵀ (zero above the diagonal, never written)
    var weighted = [Double](repeating: 0, count: q * hp)              // (Q, H·P): X_c ∘ w (this range's columns)
    var cumulative = [Double](repeating: 0, count: count * q)         // (range, Q): Σ_{k=c₀}^{c₀+i} log a_k
    // The range's heads, split by group: (group, first head, head count).
    let spans = (0..<gg).compactMap { g -> (Int, Int, Int)? in
        let lo = max(heads.lowerBound, g * hh / gg), hi = min(heads.upperBound, (g + 1) * hh / gg)
        return lo < hi ? (g, lo, hi - lo) : nil
    }
    inputs.x.elements.withUnsafeBufferPointer { px in
        inputs.b.elements.withUnsafeBufferPointer { pb in
            inputs.c.elements.withUnsafeBufferPointer { pc in
                let x = px.baseAddress!, b = pb.baseAddress!, c = pc.baseAddress!, y = out.base
                for start in stride(from: 0, to: t, by: q) {
                    let len = min(q, t - start)
                    chunkDecays(logA, heads: hh, range: heads, start: start, length: len, chunk: q, cumulative: &cumulative, decays: &decays,
                                offByOne: mistake == .segsumOffByOne)
                    // 4. state → output (the incoming state, before this chunk updates it).
                    state.withUnsafeBufferPointer { ps in
                        for (g, first, k) in spans {
                            gemm(transposeB: true, m: len, n: k * p, k: n, c + start * gn + g * n, lda: gn,
                                 ps.baseAddress! + (first - heads.lowerBound) * p * n, ldb: n, y + start * hp + first * p, ldc: hp)
                        }
                    }
                    for head in heads {
                        let local = head - heads.lowerBound
                        for i in 0..<len {
                            let scale = exp(cumulative[local * q + i])
                            let row = y + (start + i) * hp + head * p
                            for j in 0..<p { row[j] *= scale }
                        }
                    }
                    // 1. diagonal blocks: (L_c ∘ C Bᵀ) X_c, accumulated onto step 4's output.
                    masks.withUnsafeMutableBufferPointer { pm in
                        scores.withUnsafeMutableBufferPointer { psc in
                          decays.withUnsafeBufferPointer { pdecays in
                           weighted.withUnsafeMutableBufferPointer { pweighted in   // a pointer: the copy below vectorises
                            for (g, first, k) in spans {
                                gemm(transposeB: true, m: len, n: len, k: n, c + start * gn + g * n, lda: gn,
                                     b + start * gn + g * n, ldb: gn, psc.baseAddress!, ldc: q)
                                for head in first..<(first + k) {
                                    let mask = pm.baseAddress! + (head - heads.lowerBound) * q * q
                                    let decay = pdecays.baseAddress! + (head - heads.lowerBound) * packed
                                    // The decay to the chunk's end (the last row of L_c) weights X for step 2.
                                    let last = decay + (len - 1) * len / 2
                                    for j in 0..<len {
                                        let w = last[j], row = x + (start + j) * hp + head * p, dst = pweighted.baseAddress! + j * hp + head * p
                                        for e in 0..<p { dst[e] = row[e] * w }
                                    }
                                    for i in 0..<len {                 // L_c ∘ C Bᵀ, lower triangle
                                        let li = decay + i * (i + 1) / 2
                                        for j in 0...i { mask[i * q + j] = li[j] * psc[i * q + j] }
                                    }
                                    gemm(m: len, n: p, k: len, mask, lda: q, x + start * hp + head * p, ldb: hp,
                                         beta: 1, y + start * hp + head * p, ldc: hp)
                                }
                            }
                           }
                          }
                        }
                    }
                    // 2. chunk states S_c = (X_c ∘ w)ᵀ B_c, one GEMM per group.
                    weighted.withUnsafeBufferPointer { pw in
                        chunkState.withUnsafeMutableBufferPointer { pcs in
                            for (g, first, k) in spans {
                                gemm(transposeA: true, m: k * p, n: n, k: len, pw.baseAddress! + first * p, lda: hp,
                                     b + start * gn + g * n, ldb: gn, pcs.baseAddress! + (first - heads.lowerBound) * p * n, ldc: n)
                            }
                        }
                    }
                    // 3. state passing: h_c = (a_{c₀}⋯a_end)·h_{c−1} + S_c.
                    for local in 0..<count where mistake != .statePassingSkipped {
                        let total = exp(cumulative[local * q + len - 1])
                        for i in (local * p * n)..<((local + 1) * p * n) { state[i] = total * state[i] + chunkState[i] }
                    }
                }
            }
        }
    }
    if let final { for i in state.indices { final[heads.lowerBound * p * n + i] = state[i] } }   // h_{T−1} of these heads
}

/// Time and flops spent inside GEMM calls by one worker.
struct GEMMClock {
    var seconds = 0.0
    var flops = 0.0
}

/// Where the chunked SSD spends its time: each worker's wall time and the part of it inside
/// GEMM calls, with the flops those calls did. Pass one to `ssdChunked(_:chunk:threads:profile:)`.
public final class SSDProfile: @unchecked Sendable {
    private let lock = NSLock()
    /// Summed over workers.
    public private(set) var workerSeconds = 0.0, gemmSeconds = 0.0, gemmFlops = 0.0
    public init() {}

    func add(worker seconds: Double, gemm clock: GEMMClock) {
        lock.lock(); defer { lock.unlock() }
        workerSeconds += seconds
        gemmSeconds += clock.seconds
        gemmFlops += clock.flops
    }

    /// The share of the workers' time spent in GEMM (0 before any run, not 0/0).
    public var gemmShare: Double { workerSeconds > 0 ? gemmSeconds / workerSeconds : 0 }
    /// GEMM flops per second of GEMM time, per worker (per core) (0 before any GEMM was timed).
    public var gemmRatePerCore: Double { gemmSeconds > 0 ? gemmFlops / gemmSeconds : 0 }
}

/// For one chunk and the heads in `range` (indexed from 0 in the buffers): cumulative[h, i] =
/// Σ_{k=c₀}^{c₀+i} log a_{k,h}, and the lower triangle of the chunk's mask, packed by rows,
/// L_c[h, i, j] = exp(log a_{j+1} + … + log a_i) for j ≤ i — each a stable running sum from
/// the diagonal, exponentiated through libmvec in one call per head (half the entries of Q×Q).
/// - Complexity: O(H·Q²).
func chunkDecays(_ logA: [Double], heads hh: Int, range: Range<Int>, start: Int, length len: Int, chunk q: Int,
                 cumulative: inout [Double], decays: inout [Double], offByOne: Bool = false) {
    let packed = q * (q + 1) / 2
    decays.withUnsafeMutableBufferPointer { pd in
        for head in range {
            let local = head - range.lowerBound
            var running = 0.0
            for i in 0..<len { running += logA[(start + i) * hh + head]; cumulative[local * q + i] = running }
            let decay = pd.baseAddress! + local * packed
            for i in 0..<len {
                let row = decay + i * (i + 1) / 2
                var sum = 0.0
                row[i] = 0
                var j = i - 1
                let shift = offByOne ? 0 : 1                           // the wrong one sums log a_j … log a_{i−1}
                while j >= 0 { sum += logA[(start + j + shift) * hh + head]; row[j] = sum; j -= 1 }
            }
            let used = len * (len + 1) / 2
            vectorExp(UnsafeBufferPointer(start: decay, count: used), into: UnsafeMutableBufferPointer(start: decay, count: used))
        }
    }
}

/// A deliberately wrong variant of one step of the chunked algorithm, for watching checks catch
/// it (a chapter's `--inject`). Each is a mistake one could plausibly make writing the algorithm.
public enum SSDChunkedMistake: Sendable, Equatable {
    /// The diagonal blocks' segsum shifted by one step: L_c[i, j] = a_{i−1} ⋯ a_j (the sum
    /// log a_j + … + log a_{i−1}) in place of a_i ⋯ a_{j+1}.
    case segsumOffByOne
    /// Step 3 skipped: no state is passed between chunks, so each chunk starts from zero and
    /// the off-diagonal blocks of M are dropped.
    case statePassingSkipped
}
