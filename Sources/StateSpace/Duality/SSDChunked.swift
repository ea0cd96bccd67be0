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
/// - Parameters: `inputs`; `chunk` Q ≥ 1 (any T: the last chunk is shorter); `threads` ≥ 1.
/// - Returns: Y, (T, H·P).
/// - Throws: `invalidParameter` for Q ≤ 0 or threads ≤ 0.
/// - Complexity: see `SSDFlops.chunked`.
public func ssdChunked(_ inputs: SSDInputs, chunk: Int, threads: Int = 1) throws -> Matrix {
    try requirePositive(chunk, "chunk size Q")
    try requirePositive(threads, "threads")
    let (t, hh, p) = (inputs.length, inputs.heads, inputs.headDim)
    let logA = inputs.a.elements.map { log($0) }                       // (T, H)
    var y = Matrix(zeros: t, hh * p)                                   // (T, H·P)
    y.elements.withUnsafeMutableBufferPointer { py in
        let out = DisjointWrites(py.baseAddress!)                      // a worker writes only its heads' columns
        let workers = max(1, min(threads, hh))
        let run: @Sendable (Int) -> Void = { worker in
            ssdChunkedHeads(inputs, logA: logA, chunk: min(chunk, t), heads: (worker * hh / workers)..<((worker + 1) * hh / workers), out: out)
        }
        if workers == 1 {
            run(0)
        } else {
            // Our workers each run small GEMMs: keep OpenBLAS from also splitting every one of them.
            BLASThreads.withSingleThreadedBLAS { DispatchQueue.concurrentPerform(iterations: workers, execute: run) }
        }
    }
    return y
}

/// The chunked algorithm for a contiguous range of heads (heads are independent given B and C):
/// writes those heads' columns of Y. Steps 2 and 4 are one GEMM per group over all the range's
/// heads of that group.
func ssdChunkedHeads(_ inputs: SSDInputs, logA: [Double], chunk q: Int, heads: Range<Int>, out: DisjointWrites<Double>) {
    let (t, hh, p, n, gg) = (inputs.length, inputs.heads, inputs.headDim, inputs.stateSize, inputs.groups)
    let (hp, gn, count) = (hh * p, gg * n, heads.count)
    guard count > 0 else { return }
    var state = [Double](repeating: 0, count: count * p * n)          // (range·P, N): h_{c−1}
    var chunkState = [Double](repeating: 0, count: count * p * n)     // (range·P, N): S_c
    var scores = [Double](repeating: 0, count: q * q)                 // (Q, Q): C_c B_cᵀ for one group
    var masks = [Double](repeating: 0, count: count * q * q)          // (range, Q, Q): L_c, then L_c ∘ C Bᵀ
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
                    chunkDecays(logA, heads: hh, range: heads, start: start, length: len, chunk: q, cumulative: &cumulative, masks: &masks)
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
                            for (g, first, k) in spans {
                                gemm(transposeB: true, m: len, n: len, k: n, c + start * gn + g * n, lda: gn,
                                     b + start * gn + g * n, ldb: gn, psc.baseAddress!, ldc: q)
                                for head in first..<(first + k) {
                                    let mask = pm.baseAddress! + (head - heads.lowerBound) * q * q
                                    // Keep the decay to the chunk's end (last row) for step 2, then weight by the scores.
                                    for j in 0..<len {
                                        let w = mask[(len - 1) * q + j]
                                        for e in 0..<p { weighted[j * hp + head * p + e] = x[(start + j) * hp + head * p + e] * w }
                                    }
                                    for i in 0..<len { for j in 0...i { mask[i * q + j] *= psc[i * q + j] } }
                                    gemm(m: len, n: p, k: len, mask, lda: q, x + start * hp + head * p, ldb: hp,
                                         beta: 1, y + start * hp + head * p, ldc: hp)
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
                    for local in 0..<count {
                        let total = exp(cumulative[local * q + len - 1])
                        for i in (local * p * n)..<((local + 1) * p * n) { state[i] = total * state[i] + chunkState[i] }
                    }
                }
            }
        }
    }
}

/// For one chunk and the heads in `range` (indexed from 0 in the buffers): cumulative[h, i] = Σ_{k=c₀}^{c₀+i} log a_{k,h} and the masks
/// L_c[h, i, j] = exp(log a_{j+1} + … + log a_i) (stable running sums from j, 0 above the
/// diagonal), exponentials through libmvec.
/// - Complexity: O(H·Q²).
func chunkDecays(_ logA: [Double], heads hh: Int, range: Range<Int>, start: Int, length len: Int, chunk q: Int,
                 cumulative: inout [Double], masks: inout [Double]) {
    for head in range {
        let local = head - range.lowerBound
        var running = 0.0
        for i in 0..<len { running += logA[(start + i) * hh + head]; cumulative[local * q + i] = running }
    }
    masks.withUnsafeMutableBufferPointer { pm in
        for head in range {
            let mask = pm.baseAddress! + (head - range.lowerBound) * q * q
            for i in 0..<(q * q) { mask[i] = -.infinity }
            for j in 0..<len {
                var sum = 0.0
                mask[j * q + j] = 0
                for i in (j + 1)..<max(j + 1, len) {
                    sum += logA[(start + i) * hh + head]
                    mask[i * q + j] = sum
                }
            }
        }
        vectorExp(UnsafeBufferPointer(pm), into: pm)                  // exp(−∞) = 0 above the diagonal
    }
}
