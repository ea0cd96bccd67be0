/// A continuous-time, single-input single-output linear time-invariant SSM:
///
///     x'(t) = A x(t) + B u(t)      (state equation)
///     y(t)  = C x(t) + D u(t)      (observation equation)
///
/// with state x ∈ ℝᴺ. Shapes: A (N, N), B (N), C (N), D scalar.
public struct StateSpaceModel: Sendable {
    public let a: Matrix                                       // (N, N)
    public let b: [Double]                                     // (N)
    public let c: [Double]                                     // (N)
    public let d: Double

    /// - Throws: `notSquare`, `invalidParameter` (N = 0), `shapeMismatch` (B or C not of
    ///   length N), `nonFinite`.
    /// - Complexity: O(N²).
    public init(a: Matrix, b: [Double], c: [Double], d: Double = 0) throws {
        try a.requireSquare("A")
        try requirePositive(a.rows, "state size N")
        try requireCount(b.count, a.rows, "B (must have length N = \(a.rows))")
        try requireCount(c.count, a.rows, "C (must have length N = \(a.rows))")
        try a.requireFinite("A")
        try requireFinite(b, "B")
        try requireFinite(c, "C")
        try requireFinite([d], "D")
        self.a = a
        self.b = b
        self.c = c
        self.d = d
    }

    /// N, the state size.
    public var stateSize: Int { a.rows }

    /// The recurrence for step Δ (see `DiscretizationMethod`).
    /// - Parameter requireStable: also throw `unstable` when the spectral radius of Ā exceeds 1
    ///   (forward Euler with too large a Δ, or an unstable A). Off by default: a chapter may
    ///   want to show an unstable recurrence. Its views still never return NaN: one whose
    ///   state overflows throws `unstable` then.
    /// - Throws: as `discretize(a:b:step:method:)`; `unstable`.
    /// - Complexity: O(N³).
    public func discretized(step: Double, method: DiscretizationMethod, requireStable: Bool = false) throws -> DiscreteStateSpaceModel {
        let (aBar, bBar) = try discretize(a: a, b: b, step: step, method: method)
        let model = DiscreteStateSpaceModel(unchecked: aBar, bBar, c, d, step, method)
        if requireStable { try model.requireStable() }
        return model
    }
}

/// The discrete recurrence x_k = Ā x_{k−1} + B̄ u_k, y_k = C x_k + D u_k (x_{−1} = 0), and its
/// three equivalent views: recurrent (`scan`), convolutional (`kernel`, `convolve`) and matmul
/// (`toeplitz`, `matmul`). Shapes: Ā (N, N), B̄ (N), C (N).
public struct DiscreteStateSpaceModel: Sendable {
    public let aBar: Matrix                                    // (N, N)
    public let bBar: [Double]                                  // (N)
    public let c: [Double]                                     // (N)
    public let d: Double
    /// Δ and the method that produced Ā, B̄ (for printing; the views do not use them).
    public let step: Double
    public let method: DiscretizationMethod

    public var stateSize: Int { aBar.rows }

    /// A recurrence given directly by its matrices (e.g. Ā = e^{ΔA} with B̄ = B to sample the
    /// impulse response e^{kΔA}B, or a model discretised elsewhere).
    /// - Throws: `notSquare`, `invalidParameter` (N = 0, Δ ≤ 0), `shapeMismatch`, `nonFinite`.
    /// - Complexity: O(N²).
    public init(aBar: Matrix, bBar: [Double], c: [Double], d: Double = 0, step: Double, method: DiscretizationMethod) throws {
        try aBar.requireSquare("Ā")
        try requirePositive(aBar.rows, "state size N")
        try requireCount(bBar.count, aBar.rows, "B̄ (must have length N = \(aBar.rows))")
        try requireCount(c.count, aBar.rows, "C (must have length N = \(aBar.rows))")
        try requirePositive(step, "step Δ")
        try aBar.requireFinite("Ā")
        try requireFinite(bBar, "B̄")
        try requireFinite(c, "C")
        try requireFinite([d], "D")
        self.init(unchecked: aBar, bBar, c, d, step, method)
    }

    init(unchecked aBar: Matrix, _ bBar: [Double], _ c: [Double], _ d: Double, _ step: Double, _ method: DiscretizationMethod) {
        self.aBar = aBar
        self.bBar = bBar
        self.c = c
        self.d = d
        self.step = step
        self.method = method
    }

    /// Throws `unstable` if the spectral radius of Ā exceeds 1 (beyond 1e-12 of rounding
    /// slack): the state would then grow without bound. Marginal stability, |μ| = 1 (an
    /// undamped oscillator, bilinear's image of an imaginary eigenvalue), is allowed.
    /// - Complexity: O(N³).
    public func requireStable() throws {
        let radius = try spectralRadius(aBar, name: "Ā")
        guard radius <= 1 + 1e-12 else {
            throw StateSpaceError.unstable(name: "Ā (\(method), Δ = \(step))", spectralRadius: radius)
        }
    }

    /// Throws if a view's result overflowed — finite inputs, a NaN or ±∞ out. If ρ(Ā) > 1 the
    /// state grew as ρᵏ past Double's range over the L steps: `unstable`, with the radius.
    /// Otherwise the inputs were too large: `invalidParameter` naming the input u's largest
    /// entry (or B̄ and C when there is no input, as for a kernel).
    /// - Parameters: `values`, the view's result; `length` L; `u` (L), the input, if any.
    /// - Complexity: O(len(values)); O(N³) more only when it throws.
    func requireFiniteResult(_ values: [Double], length: Int, input u: [Double]?) throws {
        guard values.contains(where: { !$0.isFinite }) else { return }
        let radius = try spectralRadius(aBar, name: "Ā")
        guard radius <= 1 + 1e-12 else {
            throw StateSpaceError.unstable(name: "Ā (\(method), Δ = \(step)) over L = \(length) steps", spectralRadius: radius)
        }
        if let u {
            try requireNoOverflow(values, "input u", value: "max |u| = \(maxMagnitude(u))", "scale u (or B̄, C, D) down")
        }
        try requireNoOverflow(values, "B̄ and C", value: "max |B̄| = \(maxMagnitude(bBar)), max |C| = \(maxMagnitude(c))",
                              "scale them down")
    }
}
