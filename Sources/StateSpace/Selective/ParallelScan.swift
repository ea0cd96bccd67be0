import CVectorMath
/// The selective scan as a parallel prefix scan (Blelloch 1990).
///
/// The recurrence h_t = a_t h_{t−1} + b_t composes: applying (a₁, b₁) then (a₂, b₂) is the
/// single step (a₁a₂, a₂b₁ + b₂). This operator ⊕ is associative (not commutative), so all
/// prefixes h_t = b-part of (a₀,b₀) ⊕ … ⊕ (a_t,b_t) can be computed by a balanced tree:
///
/// - **up-sweep** (reduce): for s = 1, 2, 4, …: e[i] ← e[i−s] ⊕ e[i] for i = 2s−1, 4s−1, …
///   After it, each tree node holds the combination of its subtree.
/// - **down-sweep**: the root gets the identity (1, 0); for s = P/2, …, 1: a node's prefix
///   p passes to its left child, and p ⊕ (left subtree) to its right child.
///   After it, e[i] holds the *exclusive* prefix e₀ ⊕ … ⊕ e_{i−1}.
/// - h_t = exclusive_t ⊕ (a_t, b_t).
///
/// Every iteration of the inner loops at one level is independent: that is the parallel
/// structure (depth 2·log₂P levels instead of L sequential steps). The price is work: 2(P − 1)
/// combines in the sweeps plus L to finish, against L − 1 for the sequential scan — about 3×.
/// With thousands of cores (a GPU) the depth wins; on two cores the work does, so here channels
/// are what is spread over the cores, and each channel's tree runs its levels in order.
/// Sequences are padded to P = 2^⌈log₂L⌉ with identity elements.
///
/// This entry point runs each channel's tree in C (`ass_scan_blelloch`,
/// Sources/CVectorMath/scan_selective.c): the same levels and the same order of combines as the
/// readable generic form below (`selectiveScanParallel(_:threads:combine:)`), with a node's N
/// entries eight per AVX-512 register and a₂b₁ + b₂ by one FMA where the CPU has them.
///
/// - Parameters: `inputs`; `threads` ≥ 1 (channels split over them; < 1 counts as 1).
/// - Returns: y, (L, D).
/// - Complexity: O(L·D·N) work (≈ 3× the sequential scan's combines), depth O(log L) per channel.
public func selectiveScanParallel(_ inputs: SelectiveScanInputs, threads: Int = 1) -> Matrix {
    selectiveScanParallel(inputs, threads: threads, portable: false)
}

/// `selectiveScanParallel(_:threads:)` with `portable` choosing the C kernel's portable form (tests).
func selectiveScanParallel(_ inputs: SelectiveScanInputs, threads: Int, portable: Bool) -> Matrix {
    let (l, n) = (inputs.length, inputs.stateSize)
    let kernel = portable ? ass_scan_blelloch_portable : ass_scan_blelloch
    let padded = ScanCost.powerOfTwo(atLeast: l)                      // l ≤ the elements of x: far below 2⁶²
    return forEachChannel(inputs, threads: threads, scratch: 3 * padded * n + 64) { d, channel, work in
        withRows(inputs) { _, _, a, b, c in
            kernel(channel.x, channel.delta, 1, a + d * n, b, c, inputs.skip[d], l, padded, n, work, channel.y)
        }
    }
}

/// The combine operator of a scan over pairs (a, b) that stand for the affine step h ↦ a·h + b:
/// `combine(a₁, b₁, a₂, b₂)` is the pair for "(a₁, b₁), then (a₂, b₂)". Blelloch's algorithm is
/// correct for any associative operator; for the selective scan it must be `AffineComposition`.
/// The parameter exists so that a reader can run the same tree with a different operator (a
/// wrong one, to watch a check catch it) without copying the algorithm.
public protocol ScanCombine: SendableMetatype {
    static func combine(_ a1: Double, _ b1: Double, _ a2: Double, _ b2: Double) -> (a: Double, b: Double)
    /// The same operator on four independent pairs at once (one per SIMD lane). The default
    /// applies the scalar `combine` lane by lane; an operator may give vector arithmetic that
    /// rounds exactly as its scalar form.
    static func combine(_ a1: SIMD4<Double>, _ b1: SIMD4<Double>, _ a2: SIMD4<Double>, _ b2: SIMD4<Double>) -> (a: SIMD4<Double>, b: SIMD4<Double>)
}

extension ScanCombine {
    @inline(__always)
    public static func combine(_ a1: SIMD4<Double>, _ b1: SIMD4<Double>, _ a2: SIMD4<Double>, _ b2: SIMD4<Double>) -> (a: SIMD4<Double>, b: SIMD4<Double>) {
        var a = SIMD4<Double>(), b = SIMD4<Double>()
        for i in 0..<4 { (a[i], b[i]) = combine(a1[i], b1[i], a2[i], b2[i]) }
        return (a, b)
    }
}

/// (a₁, b₁) ⊕ (a₂, b₂) = (a₁a₂, a₂b₁ + b₂): h ↦ a₂(a₁h + b₁) + b₂. Associative, not commutative.
public enum AffineComposition: ScanCombine {
    @inline(__always)
    public static func combine(_ a1: Double, _ b1: Double, _ a2: Double, _ b2: Double) -> (a: Double, b: Double) {
        (a1 * a2, a2 * b1 + b2)
    }

    /// Four lanes of the scalar combine, with the same roundings.
    @inline(__always)
    public static func combine(_ a1: SIMD4<Double>, _ b1: SIMD4<Double>, _ a2: SIMD4<Double>, _ b2: SIMD4<Double>) -> (a: SIMD4<Double>, b: SIMD4<Double>) {
        (a1 * a2, a2 * b1 + b2)
    }
}

/// `selectiveScanParallel(_:threads:)` with the combine operator `Op` in every level of the tree
/// and in the final step (up-sweep e[i] ← e[i−s] ⊕ e[i], down-sweep p ⊕ left, h_t = exclusive ⊕ e_t):
/// the readable form, in Swift. The loops over the N state entries of a node combine four at a
/// time (`ScanCombine`'s SIMD form, which rounds exactly as the scalar one).
/// - Complexity: as `selectiveScanParallel(_:threads:)`.
public func selectiveScanParallel<Op: ScanCombine>(_ inputs: SelectiveScanInputs, threads: Int, combine _: Op.Type) -> Matrix {
    let (l, n) = (inputs.length, inputs.stateSize)
    let padded = ScanCost.powerOfTwo(atLeast: l)                      // l ≤ the elements of x: far below 2⁶²
    return forEachChannel(inputs, threads: threads, scratch: 3 * padded * n) { d, channel, work in
        let ea = work, eb = work + padded * n                         // (P, N) each: a- and b-parts
        let decay = work + 2 * padded * n                             // (L, N): the original Ā, kept for the last step
        inputs.fillDecay(channel: d, delta: channel.delta, from: 0, count: l, into: decay)
        ea.update(from: decay, count: l * n)
        inputs.b.elements.withUnsafeBufferPointer { pb in
            for t in 0..<l {                                          // b_t = Δ_t x_t B_t (drive)
                let scale = channel.delta[t] * channel.x[t], row = pb.baseAddress! + t * n
                for k in 0..<n { eb[t * n + k] = scale * row[k] }
            }
        }
        for i in l * n..<padded * n { ea[i] = 1; eb[i] = 0 }            // identity padding
        // Up-sweep: e[i] ← e[i−s] ⊕ e[i] = (a_{i−s}·a_i, a_i·b_{i−s} + b_i).
        var s = 1
        while s < padded {
            for i in stride(from: 2 * s - 1, to: padded, by: 2 * s) {   // independent: one parallel level
                let left = (i - s) * n, right = i * n
                forStates(n) { k in                                    // four state entries at a time, then the rest
                    let r = Op.combine(load4(ea + left + k), load4(eb + left + k), load4(ea + right + k), load4(eb + right + k))
                    store4(r.a, ea + right + k); store4(r.b, eb + right + k)
                } rest: { k in
                    (ea[right + k], eb[right + k]) = Op.combine(ea[left + k], eb[left + k], ea[right + k], eb[right + k])
                }
            }
            s *= 2
        }
        // Down-sweep to exclusive prefixes: the root's prefix is the identity (1, 0).
        for k in 0..<n { ea[(padded - 1) * n + k] = 1; eb[(padded - 1) * n + k] = 0 }
        s = padded / 2
        while s >= 1 {
            for i in stride(from: 2 * s - 1, to: padded, by: 2 * s) {   // independent: one parallel level
                let left = (i - s) * n, right = i * n
                forStates(n) { k in
                    let (pa, pb) = (load4(ea + right + k), load4(eb + right + k))   // this node's prefix p
                    let (la, lb) = (load4(ea + left + k), load4(eb + left + k))     // the left subtree's combination
                    store4(pa, ea + left + k); store4(pb, eb + left + k)           // left child: p
                    let r = Op.combine(pa, pb, la, lb)                             // right child: p ⊕ left
                    store4(r.a, ea + right + k); store4(r.b, eb + right + k)
                } rest: { k in
                    let pa = ea[right + k], pb = eb[right + k]
                    let la = ea[left + k], lb = eb[left + k]
                    ea[left + k] = pa; eb[left + k] = pb
                    (ea[right + k], eb[right + k]) = Op.combine(pa, pb, la, lb)
                }
            }
            s /= 2
        }
        // Inclusive: h_t = b-part of exclusive_t ⊕ (a_t, b_t) (= a_t·(exclusive b) + b_t); then read out.
        let skip = inputs.skip[d]
        inputs.b.elements.withUnsafeBufferPointer { pb in
            inputs.c.elements.withUnsafeBufferPointer { pc in
                for t in 0..<l {
                    let scale = channel.delta[t] * channel.x[t], b = pb.baseAddress! + t * n, c = pc.baseAddress! + t * n
                    let (a, e) = (ea + t * n, eb + t * n), g = decay + t * n
                    var lanes = SIMD4<Double>(), out = 0.0
                    forStates(n) { k in
                        lanes += load4(c + k) * Op.combine(load4(a + k), load4(e + k), load4(g + k), SIMD4(repeating: scale) * load4(b + k)).b
                    } rest: { k in
                        out += c[k] * Op.combine(a[k], e[k], g[k], scale * b[k]).b
                    }
                    channel.y[t] = lanes.sum() + out + skip * channel.x[t]
                }
            }
        }
    }
}

/// Runs `body(k)` for k = 0, 4, 8, … while four state entries remain, then `rest(k)` for each
/// remaining k < n: the loops over the state, four lanes at a time.
@inline(__always)
private func forStates(_ n: Int, _ body: (Int) -> Void, rest: (Int) -> Void) {
    var k = 0
    while k + 4 <= n { body(k); k += 4 }
    while k < n { rest(k); k += 1 }
}

@inline(__always) private func load4(_ p: UnsafeMutablePointer<Double>) -> SIMD4<Double> {
    UnsafeRawPointer(p).loadUnaligned(as: SIMD4<Double>.self)
}
@inline(__always) private func load4(_ p: UnsafePointer<Double>) -> SIMD4<Double> {
    UnsafeRawPointer(p).loadUnaligned(as: SIMD4<Double>.self)
}
@inline(__always) private func store4(_ v: SIMD4<Double>, _ p: UnsafeMutablePointer<Double>) {
    UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD4<Double>.self)
}

/// Work and depth of the two scans for one (channel, state) sequence of length L, counted in
/// applications of ⊕ (each 3 flops: two multiplies and an add).
/// Each count is O(1) to evaluate, and refuses an L whose count would not fit in Int.
public enum ScanCost {
    /// The largest padded length: 2⁶², the largest power of two in Int.
    public static let largestPaddedLength = 1 << 62
    /// The largest L `blelloch` counts: 2⁶¹ (its work 2(P − 1) + L must fit in Int).
    public static let largestBlellochLength = 1 << 61

    /// P = 2^⌈log₂L⌉ (1 for L ≤ 1), from the bit length of L − 1 (no doubling loop to wrap).
    /// - Throws: `invalidParameter` for L < 0 or L > 2⁶².
    public static func paddedLength(_ l: Int) throws -> Int {
        try requireLength(l, largestPaddedLength, because: "P = 2^⌈log₂L⌉ must fit in Int")
        return powerOfTwo(atLeast: l)
    }

    /// Sequential: L − 1 combines, one after another (none for L ≤ 1).
    /// - Throws: `invalidParameter` for L < 0.
    public static func sequential(_ l: Int) throws -> (work: Int, depth: Int) {
        try requireLength(l, Int.max, because: "a length")
        return (max(0, l - 1), max(0, l - 1))
    }

    /// Blelloch: (P − 1) up + (P − 1) down + L finishing combines; depth 2·log₂P + 1.
    /// - Throws: `invalidParameter` for L < 0 or L > 2⁶¹.
    public static func blelloch(_ l: Int) throws -> (work: Int, depth: Int) {
        try requireLength(l, largestBlellochLength, because: "the work 2(P − 1) + L must fit in Int")
        let p = powerOfTwo(atLeast: l)
        return (2 * (p - 1) + l, 2 * p.trailingZeroBitCount + 1)
    }

    /// 2^⌈log₂L⌉ for 0 ≤ L ≤ 2⁶² (1 for L ≤ 1).
    static func powerOfTwo(atLeast l: Int) -> Int {
        l <= 1 ? 1 : 1 << (Int.bitWidth - (l - 1).leadingZeroBitCount)
    }

    private static func requireLength(_ l: Int, _ largest: Int, because reason: String) throws {
        guard l >= 0, l <= largest else {
            throw StateSpaceError.invalidParameter(name: "sequence length L", value: "\(l)",
                                                   allowed: "must be in 0...\(largest) (\(reason))")
        }
    }
}
