import Foundation

/// A mass m on a spring (stiffness k) with a damper (coefficient c), pushed by a force F(t):
///
///     m x'' + c x' + k x = F(t).
///
/// With state (position, velocity) this is the SSM
///
///     A = [  0     1  ]    B = [ 0  ]    C = [1  0],  D = 0.
///         [−k/m  −c/m ]        [1/m ]
///
/// Natural frequency ω₀ = √(k/m), damping ratio ζ = c / (2√(km)).
public struct MassSpringDamper: Sendable {
    public let mass: Double
    public let stiffness: Double
    public let damping: Double

    /// - Throws: `invalidParameter` unless m > 0, k > 0 and c ≥ 0 are finite, and the model's
    ///   coefficients are representable: 1/m, 1/k, c/m and ω₀² = k/m finite, k/m ≥ the smallest
    ///   normal Double (ω₀ > 0), and ζ finite. (m = 1e-300 with c = 1e300 would put ∞ in A.)
    /// - Complexity: O(1).
    public init(mass: Double, stiffness: Double, damping: Double) throws {
        try requirePositive(mass, "mass m")
        try requirePositive(stiffness, "stiffness k")
        guard damping.isFinite, damping >= 0 else {
            throw StateSpaceError.invalidParameter(name: "damping c", value: "\(damping)", allowed: "must be finite and ≥ 0")
        }
        try Self.requireRepresentable(mass: mass, stiffness: stiffness, damping: damping)
        self.mass = mass
        self.stiffness = stiffness
        self.damping = damping
    }

    /// The ratios the model is made of must be finite Doubles (see `init`).
    private static func requireRepresentable(mass m: Double, stiffness k: Double, damping c: Double) throws {
        func refuse(_ name: String, _ value: String, _ allowed: String) -> StateSpaceError {
            .invalidParameter(name: name, value: value, allowed: allowed)
        }
        guard (1 / m).isFinite else { throw refuse("mass m", "\(m)", "too small: 1/m (the input gain) must be finite") }
        guard (1 / k).isFinite else { throw refuse("stiffness k", "\(k)", "too small: 1/k (the static deflection) must be finite") }
        guard (k / m).isFinite, k / m >= .leastNormalMagnitude else {
            throw refuse("stiffness k / mass m", "\(k) / \(m)",
                         "ω₀² = k/m must be finite and ≥ \(Double.leastNormalMagnitude) (no overflow or underflow)")
        }
        guard (c / m).isFinite else { throw refuse("damping c / mass m", "\(c) / \(m)", "c/m (an entry of A) must be finite") }
        let zeta = (c / m) / (2 * (k / m).squareRoot())
        guard (4 * zeta).isFinite else {                               // the roots use ζ + √(ζ²−1) ≤ 2ζ
            throw refuse("damping c", "\(c)", "too large: the damping ratio ζ = c/(2√(km)) must stay finite (4ζ < ∞)")
        }
    }

    /// ω₀ = √(k/m), in rad per unit time.
    public var naturalFrequency: Double { (stiffness / mass).squareRoot() }
    /// ζ = c / (2√(km)) = (c/m)/(2ω₀): < 1 underdamped (rings), = 1 critical, > 1 overdamped.
    /// (Computed from the ratios, which `init` checked, so k·m cannot overflow.)
    public var dampingRatio: Double { (damping / mass) / (2 * naturalFrequency) }

    /// The SSM (A, B, C, D) above. - Complexity: O(1).
    public var stateSpace: StateSpaceModel {
        // Shapes are fixed (N = 2) and k/m, c/m, 1/m finite by init, so this cannot throw.
        try! StateSpaceModel(
            a: Matrix([[0, 1], [-stiffness / mass, -damping / mass]]),
            b: [0, 1 / mass], c: [1, 0], d: 0)
    }

    /// The largest phase ω·t the closed forms evaluate: 2⁵². Beyond it cos(ωt) keeps no correct
    /// digit (the spacing of Doubles near ωt exceeds 1 rad), so a ringing response is noise.
    static let maximumPhase = 0x1p52

    /// The closed-form position after a unit force switched on at t = 0 from rest (the step
    /// response), in each damping regime (r₁,₂ = −ω₀(ζ ∓ √(ζ²−1)) are the characteristic roots):
    ///
    ///     ζ < 1:  s(t) = (1/k)[1 − e^{−ζω₀t}(cos ω_d t + (ζω₀/ω_d) sin ω_d t)],  ω_d = ω₀√(1−ζ²)
    ///     ζ = 1:  s(t) = (1/k)[1 − e^{−ω₀t}(1 + ω₀t)]
    ///     ζ > 1:  s(t) = (1/k)[1 + (r₂e^{r₁t} − r₁e^{r₂t})/(r₁ − r₂)]
    ///
    /// s(t) = 0 for t ≤ 0. (Near ζ = 1 the overdamped form cancels; we switch to the critical
    /// one within 1e-9 of it. r₁ is computed as −ω₀/(ζ + √(ζ²−1)), which does not cancel.)
    /// Once the envelope e^{−ζω₀t} has underflowed, s(t) = 1/k exactly.
    /// - Parameter t: finite; while the response still rings (envelope > 0), ω_d·t ≤ 2⁵².
    /// - Throws: `invalidParameter` for t NaN or ±∞, or a ringing phase ω_d·t > 2⁵².
    /// - Complexity: O(1).
    public func stepResponse(at t: Double) throws -> Double {
        guard t.isFinite else {
            throw StateSpaceError.invalidParameter(name: "time t", value: "\(t)", allowed: "must be finite")
        }
        guard t > 0 else { return 0 }
        let w0 = naturalFrequency, zeta = dampingRatio
        if abs(zeta - 1) < 1e-9 {
            let decay = exp(-w0 * t)
            return decay == 0 ? 1 / stiffness : (1 - decay * (1 + w0 * t)) / stiffness
        } else if zeta < 1 {
            let decay = exp(-zeta * w0 * t)
            guard decay > 0 else { return 1 / stiffness }
            let wd = w0 * (1 - zeta * zeta).squareRoot()
            guard wd * t <= Self.maximumPhase else {
                throw StateSpaceError.invalidParameter(
                    name: "time t", value: "\(t)",
                    allowed: "the phase ω_d·t = \(wd * t) must be ≤ 2^52 while the response still rings "
                        + "(beyond it cos(ω_d·t) has no correct digit)")
            }
            return (1 - decay * (cos(wd * t) + zeta * w0 / wd * sin(wd * t))) / stiffness
        } else {
            let root = (zeta - 1).squareRoot() * (zeta + 1).squareRoot()   // √(ζ²−1) without overflow
            let r1 = -w0 / (zeta + root), r2 = -w0 * (zeta + root)
            return (1 + (r2 * exp(r1 * t) - r1 * exp(r2 * t)) / (r1 - r2)) / stiffness
        }
    }

    /// The exact continuous position x(t_k) at t_k = kΔ, k = 0…L−1, from rest, when the force is
    /// held at F = u_k on (t_k − Δ, t_k] — the same timing as the ZOH recurrence
    /// x_k = Ā x_{k−1} + B̄ u_k with x_{−1} = 0.
    ///
    /// By superposition of step responses (the system is linear and time-invariant): the force
    /// is Σ_j (u_j − u_{j−1}) · H(t − (j−1)Δ) with u_{−1} = 0, so
    ///
    ///     x(t_k) = Σ_{j ≤ k} (u_j − u_{j−1}) · s((k − j + 1)Δ).
    ///
    /// This uses only the closed form of s(t): no matrix exponential, no recurrence — an
    /// independent reference for the discretised model.
    /// - Parameters: `force` u (L), `step` Δ > 0 with L·Δ finite (and, for a response still
    ///   ringing at L·Δ, ω_d·L·Δ ≤ 2⁵², as `stepResponse`).
    /// - Returns: positions, (L).
    /// - Throws: `invalidParameter` (Δ ≤ 0 or too large, L = 0, u so large that x overflows),
    ///   `nonFinite`.
    /// - Complexity: O(L·J), J = the number of steps where the force changes.
    public func exactPosition(force u: [Double], step: Double) throws -> [Double] {
        try requirePositive(u.count, "sequence length L")
        try requirePositive(step, "step Δ")
        try requireFinite(u, "force u")
        do {
            _ = try stepResponse(at: Double(u.count) * step)        // the longest time asked for
        } catch let StateSpaceError.invalidParameter(_, _, allowed) {
            throw StateSpaceError.invalidParameter(
                name: "step Δ", value: "\(step)", allowed: "too large for L = \(u.count) steps: at t = L·Δ, \(allowed)")
        }
        let x = try positions(force: u, step: step)                 // (L)
        try requireNoOverflow(x, "force u", value: "max |u| = \(maxMagnitude(u))", "scale the force down")
        return x
    }

    /// The superposition sum of `exactPosition`, its inputs already checked.
    private func positions(force u: [Double], step: Double) throws -> [Double] {
        var jumps: [(index: Int, size: Double)] = []
        var previous = 0.0
        for (j, value) in u.enumerated() where value != previous {
            jumps.append((j, value - previous))
            previous = value
        }
        return try (0..<u.count).map { k in
            var x = 0.0
            for jump in jumps where jump.index <= k {
                x += jump.size * (try stepResponse(at: Double(k - jump.index + 1) * step))
            }
            return x
        }
    }
}
