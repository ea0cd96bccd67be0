/// The selective scan as a framework without kernel fusion computes it (Mamba's reference
/// `selective_scan_ref`): first *materialise* the discretised inputs for every time step,
/// channel and state entry,
///
///     Ā = exp(Δ ⊗ A)        (L, D, N)
///     B̄x = Δ ⊗ B ⊗ x        (L, D, N)       (Euler's B̄, as the reference code)
///
/// in main memory, then scan them. The result is the same y as `selectiveScan`; the difference is
/// memory: 2·L·D·N doubles written and read back, against the fused scan's state, (D, N) doubles
/// (`fusedScanWorkingSetBytes`). This is the expansion the hardware-aware algorithm of the Mamba
/// paper (§3.3.2, Appendix D) keeps out of slow memory: it loads Δ, A, B, C and forms Ā, B̄x
/// where the scan uses them (GPU SRAM; here, registers and L1).
///
/// - Returns: y (L, D) and the bytes of the two materialised arrays (2·L·D·N·8).
/// - Throws: `invalidParameter` if 2·L·D·N exceeds the allocation cap (`maximumResultElements`).
/// - Complexity: O(L·D·N) time and O(L·D·N) memory.
public func selectiveScanUnfused(_ inputs: SelectiveScanInputs) throws -> (y: Matrix, materialisedBytes: Int) {
    let (l, dd, n) = (inputs.length, inputs.channels, inputs.stateSize)
    let count = try requireAllocatable([2, l, dd, n], "2·L·D·N (Ā and B̄x materialised)", value: "2·\(l)·\(dd)·\(n)") / 2
    var decay = [Double](repeating: 0, count: count)                   // (L, D, N): Ā
    var drive = [Double](repeating: 0, count: count)                   // (L, D, N): B̄x
    for t in 0..<l {
        for d in 0..<dd {
            let (delta, x) = (inputs.delta[t, d], inputs.x[t, d])
            for i in 0..<n {
                decay[(t * dd + d) * n + i] = delta * inputs.a[d, i]
                drive[(t * dd + d) * n + i] = delta * inputs.b[t, i] * x
            }
        }
    }
    decay.withUnsafeMutableBufferPointer { p in vectorExp(UnsafeBufferPointer(p), into: p) }  // in place: no third (L, D, N) array
    var h = [Double](repeating: 0, count: dd * n)                      // (D, N)
    var y = Matrix(zeros: l, dd)                                       // (L, D)
    for t in 0..<l {
        for d in 0..<dd {
            var out = 0.0
            for i in 0..<n {
                let k = (t * dd + d) * n + i
                h[d * n + i] = decay[k] * h[d * n + i] + drive[k]
                out += inputs.c[t, i] * h[d * n + i]
            }
            y[t, d] = out + inputs.skip[d] * inputs.x[t, d]
        }
    }
    return (y, 2 * count * MemoryLayout<Double>.size)
}

/// The bytes `selectiveScan` allocates besides its inputs and output: per worker, the state of its
/// channels ((hi − lo)·N doubles) and one buffer of Ā for a block of channels (max(1024, N)
/// doubles) — D·N + workers·max(1024, N) doubles in all, independent of L.
/// - Complexity: O(1).
public func fusedScanWorkingSetBytes(_ inputs: SelectiveScanInputs, threads: Int) -> Int {
    let workers = max(1, min(threads, inputs.channels))
    return (inputs.channels * inputs.stateSize + workers * max(1024, inputs.stateSize)) * MemoryLayout<Double>.size
}
