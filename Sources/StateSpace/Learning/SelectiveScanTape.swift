/// How the selective scan's forward keeps what its backward needs (`selectiveScanForward`).
///
/// The backward (`selectiveScanBackward`) needs every state h_{t−1} (for ∂Ā_t) and h_t (for ∂C_t).
///
/// - `storedStates`: the forward writes every h_t: L·D·N doubles (Mamba's sizes L = 2048,
///   D = 1536, N = 16 make that 403 MB per sequence and layer: why the reference kernel does not).
/// - `recomputed(checkpointEvery: T)`: the forward keeps only the state entering every chunk of
///   T steps, ⌈L/T⌉·D·N doubles; the backward re-runs each chunk from its checkpoint (chunk by
///   chunk from the end) into a T·N scratch per worker, then runs the reverse scan through it. It
///   computes every state twice, in exchange for a factor ≈ T less memory. (Mamba, §3.3.2: the
///   fused kernel does not save the intermediate states but recomputes them in the backward,
///   when it loads the inputs into SRAM.)
///
/// Both modes run the same floating-point operations on the same values (`ScanColumns.runChunk`
/// for every state), so they agree to the bit — with one caveat: Ā is exponentiated one chunk
/// at a time through libmvec, and when N is not a multiple of 4 a chunk boundary can move an
/// entry between the vector and the scalar exp, which may round differently (by an ulp). Tests:
/// identical bits at N = 16, ≤ 1e-12 relative at N = 5.
public enum ScanGradientMode: Sendable, Equatable, CustomStringConvertible {
    case storedStates
    case recomputed(checkpointEvery: Int)

    public var description: String {
        switch self {
        case .storedStates: "stored states"
        case let .recomputed(t): "recomputed (checkpoint every \(t) steps)"
        }
    }

    /// The chunk length the backward works in: T (recomputed) or a fixed block of 256 steps
    /// (stored: only Ā is recomputed, a block at a time, so it stays in cache).
    /// - Throws: `invalidParameter` for a checkpoint interval T ≤ 0.
    /// - Complexity: O(1).
    func chunkLength(_ length: Int) throws -> Int {
        switch self {
        case .storedStates:
            return min(length, 256)
        case let .recomputed(t):
            guard t >= 1 else {
                throw StateSpaceError.invalidParameter(name: "checkpoint interval T", value: "\(t)",
                                                       allowed: "must be ≥ 1: the forward keeps the state every T steps (T = 1 keeps every state; T ≥ L keeps only h₀)")
            }
            return min(t, length)
        }
    }

    /// Doubles the forward keeps for the backward (states only; the inputs are the caller's):
    /// L·D·N stored, ⌈L/T⌉·D·N recomputed — plus h₀ (D·N) in both.
    /// - Throws: `invalidParameter` for T ≤ 0, a negative L, D or N, or a count that overflows Int.
    /// - Complexity: O(1).
    public func keptDoubles(length l: Int, channels d: Int, stateSize n: Int) throws -> Int {
        for (value, name) in [(l, "length L"), (d, "channels D"), (n, "state size N")] where value < 0 {
            throw StateSpaceError.invalidParameter(name: "kept doubles: \(name)", value: "\(value)", allowed: "must be ≥ 0")
        }
        let chunk = try chunkLength(max(1, l))
        let states: Int                                               // L + 1 or ⌈L/T⌉ + 1 (h₀ included)
        switch self {
        case .storedStates: states = try checkedSum(l, 1, "kept doubles: L + 1 states")
        case .recomputed: states = l / chunk + (l % chunk == 0 ? 0 : 1) + 1
        }
        return try checkedProduct(try checkedProduct(states, d, "kept doubles: states × D"), n, "kept doubles: states × D × N")
    }
}

/// Which code runs the inner loops of the training scan (forward and backward) for one channel.
///
/// `.readable` is the Swift in `ScanColumns.runChunk` and `reverseChunk`, written to be read
/// next to the derivation. `.compiled` is the same arithmetic in C
/// (Sources/CVectorMath/selective_scan_gradient.c), compiled for AVX-512, AVX2 and baseline
/// x86-64 and chosen for the running CPU, with the sums over the state index free to run in
/// vector lanes: it rounds differently (tests bound the difference by 1e-12 relative) and is
/// what training uses. A tape remembers the kernel its forward used, and its backward uses the same.
public enum ScanKernel: Sendable, Equatable {
    case readable
    case compiled
}

/// What `selectiveScanForward` keeps for `selectiveScanBackward`: the inputs, h₀, and the
/// states of `mode` (every h_t, or one per chunk).
public struct SelectiveScanTape: Sendable {
    public let inputs: SelectiveScanInputs
    public let mode: ScanGradientMode
    public let kernel: ScanKernel
    /// T: the chunk the backward walks in (see `ScanGradientMode.chunkLength`).
    let chunk: Int
    let initialState: [Double]                                         // (D, N): h₀ (h_{−1})
    /// stored: (D, L, N), h_t of channel d at (d·L + t)·N; recomputed: (D, ⌈L/T⌉, N), the
    /// state entering chunk k (h_{kT−1}) at (d·⌈L/T⌉ + k)·N.
    let states: [Double]
    /// The forward's raw copies of the inputs (x and Δ transposed), reused by the backward
    /// instead of copied again: O(L·D + L·N + D·N) doubles, against the states' L·D·N.
    let columns: ScanColumns

    /// Bytes of states this tape holds (h₀ included): what each mode costs.
    public var keptBytes: Int { (states.count + initialState.count) * MemoryLayout<Double>.stride }

    var chunkCount: Int { (inputs.length + chunk - 1) / chunk }
}

/// Every gradient of a selective scan: ∂ℓ/∂(each input), shaped like the input.
public struct SelectiveScanGradients: Sendable {
    public var x: Matrix                                               // (L, D)
    public var delta: Matrix                                           // (L, D)
    public var a: Matrix                                               // (D, N)
    public var b: Matrix                                               // (L, N)
    public var c: Matrix                                               // (L, N)
    public var skip: [Double]                                          // (D)
    public var initialState: Matrix                                    // (D, N): ∂ℓ/∂h₀
}
