/// The selective SSM of one channel as a matrix: y_d = M_d x_d + D_d x_d with
///
///     M_ts = Σ_n C_{t,n} · (Ā_{t,n} Ā_{t−1,n} ⋯ Ā_{s+1,n}) · Δ_s B_{s,n}    (t ≥ s; 0 above the diagonal)
///
/// — the matmul (attention-like) view. It is *semiseparable*: every block below the diagonal
/// has rank ≤ N. Unlike an LTI SSM's Toeplitz matrix, M_ts depends on t and s separately, not
/// on t − s: there is no kernel. Each row is built right to left, multiplying the running
/// product by one more Ā (no exponentials of differences, so no cancellation).
/// - Parameters: `inputs`; `channel` d.
/// - Returns: M_d, (L, L), lower triangular.
/// - Throws: `invalidParameter` for a channel out of range, or an (L, L) matrix beyond the
///   2³⁰-element cap (`maximumResultElements`: L ≤ 32 768), checked before anything is allocated.
/// - Complexity: O(L²·N) time, O(L²) memory.
public func selectiveMatrix(_ inputs: SelectiveScanInputs, channel d: Int) throws -> Matrix {
    try requireChannel(d, inputs, "channel")
    try requireSquareAllocatable(inputs)
    let (l, n) = (inputs.length, inputs.stateSize)
    // Ā (L, N) and Δ_s·B_s (L, N) for this channel.
    var decay = [Double](repeating: 0, count: l * n), drive = [Double](repeating: 0, count: l * n)
    let deltaColumn = inputs.delta.column(d)                           // (L)
    deltaColumn.withUnsafeBufferPointer { pdelta in
        decay.withUnsafeMutableBufferPointer { pdecay in
            inputs.fillDecay(channel: d, delta: pdelta.baseAddress!, from: 0, count: l, into: pdecay.baseAddress!)
        }
    }
    for s in 0..<l { for i in 0..<n { drive[s * n + i] = deltaColumn[s] * inputs.b[s, i] } }
    var m = Matrix(zeros: l, l)                                       // (L, L)
    var product = [Double](repeating: 1, count: n)                    // (N): ∏_{k=s+1..t} Ā_k
    for t in 0..<l {
        for i in 0..<n { product[i] = 1 }
        for s in stride(from: t, through: 0, by: -1) {
            var entry = 0.0
            for i in 0..<n { entry += inputs.c[t, i] * product[i] * drive[s * n + i] }
            m[t, s] = entry
            for i in 0..<n { product[i] *= decay[s * n + i] }
        }
    }
    return m
}

/// y = M_d x_d + D_d x_d for the listed channels, by `selectiveMatrix` and a matrix-vector
/// product (BLAS). Returns (L, channels.count), column j for channels[j].
/// - Throws: `invalidParameter` for an empty list, a channel outside 0..<D (the offending
///   position is named), or L too long for `selectiveMatrix`; all checked before any work.
/// - Complexity: O(|channels|·L²·N).
public func selectiveScanMaterialised(_ inputs: SelectiveScanInputs, channels: [Int]) throws -> Matrix {
    guard !channels.isEmpty else {
        throw StateSpaceError.invalidParameter(name: "channels", value: "[]", allowed: "must list at least one channel in 0..<\(inputs.channels)")
    }
    for (j, d) in channels.enumerated() { try requireChannel(d, inputs, "channels[\(j)]") }
    try requireSquareAllocatable(inputs)
    var y = Matrix(zeros: inputs.length, channels.count)              // (L, |channels|)
    for (j, d) in channels.enumerated() {
        let xd = inputs.x.column(d)                                   // (L)
        let yd = try selectiveMatrix(inputs, channel: d) * xd         // (L)
        for t in 0..<inputs.length { y[t, j] = yd[t] + inputs.skip[d] * xd[t] }
    }
    return y
}


/// Throws unless an (L, L) matrix may be allocated (L² ≤ 2³⁰), naming the sequence length L.
/// - Complexity: O(1).
func requireSquareAllocatable(_ inputs: SelectiveScanInputs) throws {
    let l = inputs.length
    _ = try requireAllocatable([l, l], "sequence length L", value: "\(l) (an L×L matrix)")
}
