import Foundation

/// The SSD layer as masked attention: per head,
///
///     Y = (L ∘ C Bᵀ) X,   L = exp(segsum(log a))  (L_ts = a_t ⋯ a_{s+1} for t ≥ s, 0 above)
///
/// — exactly causal linear attention with queries C, keys B, values X, and a decay mask L.
/// Quadratic in T, but all matmul: C Bᵀ and M X are GEMMs (cblas), the mask an elementwise
/// product. With a ≡ 1, L is the causal mask of ones: plain causal linear attention.
/// - Returns: Y, (T, H·P).
/// - Precondition: T² ≤ 2³⁰ (`maximumResultElements`, T ≤ 32 768): the two (T, T) work arrays
///   must be allocatable. Checked with a message that survives -O; `ssdChunked` has no such limit.
/// - Complexity: 2T²N per group + (T² + 2T²P) per head flops; O(T²) memory per head.
public func ssdQuadratic(_ inputs: SSDInputs) -> Matrix {
    let (t, hh, p, n, gg) = (inputs.length, inputs.heads, inputs.headDim, inputs.stateSize, inputs.groups)
    requirePrecondition(t <= 1 << 15,
                        "ssdQuadratic: sequence length T = \(t) is too long for the quadratic form: its (T, T) masks would hold "
                            + "\(t)² numbers, at most 2^30 (T ≤ 32768) are allowed; use ssdChunked")
    let (hp, gn) = (hh * p, gg * n)
    var y = Matrix(zeros: t, hp)                                       // (T, H·P)
    var scores = [Double](repeating: 0, count: t * t)                 // (T, T): C Bᵀ for one group
    var mask = [Double](repeating: 0, count: t * t)                   // (T, T): L ∘ C Bᵀ for one head
    var scoresGroup = -1
    inputs.b.elements.withUnsafeBufferPointer { pb in
        inputs.c.elements.withUnsafeBufferPointer { pc in
            inputs.x.elements.withUnsafeBufferPointer { px in
                y.elements.withUnsafeMutableBufferPointer { py in
                    for head in 0..<hh {
                        let g = inputs.group(ofHead: head)
                        if g != scoresGroup {                          // C Bᵀ: (T, N)·(N, T)
                            scores.withUnsafeMutableBufferPointer { ps in
                                gemm(transposeB: true, m: t, n: t, k: n, pc.baseAddress! + g * n, lda: gn,
                                     pb.baseAddress! + g * n, ldb: gn, ps.baseAddress!, ldc: t)
                            }
                            scoresGroup = g
                        }
                        mask.withUnsafeMutableBufferPointer { pm in  // L = exp(segsum), then L ∘ C Bᵀ, in place
                            fillSegsum(inputs.logA.column(head), into: pm.baseAddress!)
                            vectorExp(UnsafeBufferPointer(pm), into: pm)   // exp(−∞) = 0 above the diagonal
                            for i in 0..<t * t { pm[i] *= scores[i] }
                        }
                        mask.withUnsafeBufferPointer { pm in         // (T, T)·(T, P) into Y's head columns
                            gemm(m: t, n: p, k: t, pm.baseAddress!, lda: t, px.baseAddress! + head * p, ldb: hp,
                                 py.baseAddress! + head * p, ldc: hp)
                        }
                    }
                }
            }
        }
    }
    return y
}

/// The decay mask L = exp(segsum(log a)) of one head, (T, T): L_ts = a_t ⋯ a_{s+1} for t ≥ s,
/// 1 on the diagonal, 0 above. For figures and checks.
/// - Throws: `invalidParameter` for a head outside 0..<H, or a T×T mask beyond the 2³⁰-element
///   cap (`maximumResultElements`: T ≤ 32 768), checked before anything is allocated.
/// - Complexity: O(T²).
public func ssdMask(_ inputs: SSDInputs, head: Int) throws -> Matrix {
    guard (0..<inputs.heads).contains(head) else {
        throw StateSpaceError.invalidParameter(name: "head", value: "\(head)",
                                               allowed: "must be a head index in 0..<\(inputs.heads) (H = \(inputs.heads))")
    }
    let t = inputs.length
    _ = try requireAllocatable([t, t], "sequence length T", value: "\(t) (a T×T mask)")
    return try Matrix(rows: t, cols: t, elements: vectorExp(try segsum(inputs.logA.column(head))))
}
