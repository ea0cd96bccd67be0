import Foundation

/// The inputs of a state space dual (SSD) layer — Mamba-2's SSM, whose A is a scalar per head:
///
///     h_t = a_t·h_{t−1} + x_t B_tᵀ        h (P, N) per head, a_t = exp(Δ_t·A) ∈ (0, 1]
///     y_t = h_t C_t                        y (P) per head
///
/// Shapes: X (T, H, P) stored as (T, H·P); a (T, H); B and C (T, G, N) stored as (T, G·N),
/// with G groups: G = 1 shares B and C across all heads (Mamba-2's default, "one group"), G = H
/// gives each head its own. Head h reads group h·G/H.
///
/// **Scale.** With 0 < a ≤ 1, every state entry is bounded by |h_{t,i,k}| ≤ Σ_s |x_{s,i}||B_{s,k}|
/// ≤ T·Xmax·Bmax and every output by T·N·Xmax·Bmax·Cmax — and so are the quadratic form's
/// (L ∘ CBᵀ)X and the chunked form's partial sums. The inputs are accepted only if that bound is
/// ≤ 2¹⁰²¹, so none of the three forms can overflow to ∞ (and from there to NaN). The check is
/// one read of X, B and C, done once here for every form that runs on these inputs.
public struct SSDInputs: Sendable {
    public let x: Matrix                                               // (T, H·P)
    public let a: Matrix                                               // (T, H), each in (0, 1]
    /// log a = Δ·A ≤ 0, (T, H): what the masks are built from (segsum adds these).
    public let logA: Matrix
    public let b: Matrix                                               // (T, G·N)
    public let c: Matrix                                               // (T, G·N)
    public let heads: Int                                              // H
    public let headDim: Int                                            // P
    public let groups: Int                                             // G
    public let stateSize: Int                                          // N

    public var length: Int { x.rows }

    /// - Throws: `invalidParameter` for T, H, P, N, G of 0, G not dividing H, a ∉ (0, 1], or
    ///   X, B, C beyond the scale bound above; `shapeMismatch` for shapes that do not fit; `nonFinite`.
    /// - Complexity: O(T·(H·P + G·N)).
    public init(x: Matrix, a: Matrix, b: Matrix, c: Matrix, heads: Int, groups: Int = 1) throws {
        try requirePositive(heads, "heads H")
        try requirePositive(groups, "groups G")
        guard heads % groups == 0 else {
            throw StateSpaceError.invalidParameter(name: "groups G", value: "\(groups)", allowed: "must divide heads H = \(heads)")
        }
        try requirePositive(x.rows, "sequence length T")
        guard x.cols % heads == 0, x.cols > 0 else {
            throw StateSpaceError.shapeMismatch(name: "X (T, H·P)", expected: "a multiple of H = \(heads) columns", actual: "\(x.cols)")
        }
        guard b.cols % groups == 0, b.cols > 0 else {
            throw StateSpaceError.shapeMismatch(name: "B (T, G·N)", expected: "a multiple of G = \(groups) columns", actual: "\(b.cols)")
        }
        let t = x.rows
        for (m, name, cols) in [(a, "a (T, H)", heads), (b, "B (T, G·N)", b.cols), (c, "C (T, G·N)", b.cols)] {
            guard m.rows == t, m.cols == cols else {
                throw StateSpaceError.shapeMismatch(name: name, expected: "\(t)×\(cols)", actual: "\(m.rows)×\(m.cols)")
            }
        }
        try x.requireFinite("X")
        try b.requireFinite("B")
        try c.requireFinite("C")
        if let i = a.elements.firstIndex(where: { !($0 > 0 && $0 <= 1) }) {
            throw StateSpaceError.invalidParameter(name: "a[\(i / heads), \(i % heads)]", value: "\(a.elements[i])",
                                                   allowed: "must be in (0, 1]: a = exp(Δ·A) with Δ ≥ 0, A < 0")
        }
        try Self.requireBounded(x: x, b: b, c: c, stateSize: b.cols / groups)
        self.x = x
        self.a = a
        self.logA = Matrix(unchecked: a.rows, a.cols, a.elements.map { Foundation.log($0) })
        self.b = b
        self.c = c
        self.heads = heads
        self.headDim = x.cols / heads
        self.groups = groups
        self.stateSize = b.cols / groups
    }

    /// Throws unless T·N·Xmax·Bmax·Cmax ≤ 2¹⁰²¹ (formed in log₂: no overflow while checking).
    /// - Complexity: O(T·(H·P + G·N)).
    private static func requireBounded(x: Matrix, b: Matrix, c: Matrix, stateSize n: Int) throws {
        let largest = [("X", x), ("B", b), ("C", c)].map { (name, m) in (name, m.cols, largestMagnitude(m.elements)) }
        let factors = [Double(x.rows), Double(n)] + largest.map(\.2.value)
        guard !factors.contains(0) else { return }
        let log2Bound = factors.reduce(0) { $0 + Double.log2($1) }
        guard log2Bound > scanBoundLog2 else { return }
        let scales = largest.map { name, cols, m in "max|\(name)| = \(short(m.value)) at \(name)[\(m.index / cols), \(m.index % cols)]" }
        throw StateSpaceError.invalidParameter(
            name: "scale of X, B, C", value: "T·N·max|X|·max|B|·max|C| = 2^\(String(format: "%.1f", log2Bound)) (T = \(x.rows), N = \(n), "
                + scales.joined(separator: ", ") + ")",
            allowed: "must be ≤ 2¹⁰²¹: it bounds every state and output, which must not overflow Double")
    }

    /// The group whose B and C head h reads: h·G/H.
    /// - Precondition: 0 ≤ h < H (checked with a message that survives -O; the forms call this
    ///   once per head, so a throw would buy nothing but `try` at every call).
    /// - Complexity: O(1).
    @inline(__always) public func group(ofHead h: Int) -> Int {
        requirePrecondition(h >= 0 && h < heads, "SSDInputs.group(ofHead: \(h)): the head h must be in 0..<\(heads) (H = \(heads))")
        return h * groups / heads
    }

    /// Seeded random inputs: X, B, C ~ N(0, 1)·scale, a = exp(−Δ) with Δ ~ U[0.001, 0.1] — a
    /// realistic decay per step (Mamba-2 initialises Δ in that range).
    /// - Throws: `invalidParameter` for a size < 1, G not dividing H, or sizes whose arrays
    ///   (X: T·H·P, B and C: T·G·N numbers) would exceed the 2³⁰-element cap
    ///   (`maximumResultElements`), checked before anything is allocated.
    /// - Complexity: O(T·(H·P + G·N)).
    public static func random(length t: Int, heads h: Int, headDim p: Int, stateSize n: Int, groups g: Int = 1,
                              rng: inout SplitMix64) throws -> SSDInputs {
        for (value, name) in [(t, "sequence length T"), (h, "heads H"), (p, "head dimension P"), (n, "state size N"), (g, "groups G")] {
            try requirePositive(value, name)
        }
        _ = try requireAllocatable([t, h, p], "sequence length T × heads H × head dimension P (X)",
                                   value: "\(t) × \(h) × \(p)")
        _ = try requireAllocatable([t, g, n], "sequence length T × groups G × state size N (B, C)",
                                   value: "\(t) × \(g) × \(n)")
        func gaussian(_ rows: Int, _ cols: Int, scale: Double) throws -> Matrix {
            try Matrix(rows: rows, cols: cols, elements: (0..<rows * cols).map { _ in scale * rng.nextGaussian() })
        }
        let x = try gaussian(t, h * p, scale: 1)
        let b = try gaussian(t, g * n, scale: 1 / Double(n).squareRoot())
        let c = try gaussian(t, g * n, scale: 1 / Double(n).squareRoot())
        let a = try Matrix(rows: t, cols: h, elements: vectorExp((0..<t * h).map { _ in -Double.random(in: 0.001...0.1, using: &rng) }))
        return try SSDInputs(x: x, a: a, b: b, c: c, heads: h, groups: g)
    }
}
