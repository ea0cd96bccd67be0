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

    /// - Throws: `invalidParameter` unless m > 0, k > 0 and c ≥ 0 (all finite).
    /// - Complexity: O(1).
    public init(mass: Double, stiffness: Double, damping: Double) throws {
        try requirePositive(mass, "mass m")
        try requirePositive(stiffness, "stiffness k")
        guard damping.isFinite, damping >= 0 else {
            throw StateSpaceError.invalidParameter(name: "damping c", value: "\(damping)", allowed: "must be finite and ≥ 0")
        }
        self.mass = mass
        self.stiffness = stiffness
        self.damping = damping
    }

    /// ω₀ = √(k/m), in rad per unit time.
    public var naturalFrequency: Double { (stiffness / mass).squareRoot() }
    /// ζ = c / (2√(km)): < 1 underdamped (rings), = 1 critical, > 1 overdamped.
    public var dampingRatio: Double { damping / (2 * (stiffness * mass).squareRoot()) }

    /// The SSM (A, B, C, D) above. - Complexity: O(1).
    public var stateSpace: StateSpaceModel {
        // Shapes are fixed (N = 2) and entries finite by init, so this cannot throw.
        try! StateSpaceModel(
            a: Matrix([[0, 1], [-stiffness / mass, -damping / mass]]),
            b: [0, 1 / mass], c: [1, 0], d: 0)
    }

    /// The closed-form position after a unit force switched on at t = 0 from rest (the step
    /// response), in each damping regime (r₁,₂ = −ω₀(ζ ∓ √(ζ²−1)) are the characteristic roots):
    ///
    ///     ζ < 1:  s(t) = (1/k)[1 − e^{−ζω₀t}(cos ω_d t + (ζω₀/ω_d) sin ω_d t)],  ω_d = ω₀√(1−ζ²)
    ///     ζ = 1:  s(t) = (1/k)[1 − e^{−ω₀t}(1 + ω₀t)]
    ///     ζ > 1:  s(t) = (1/k)[1 + (r₂e^{r₁t} − r₁e^{r₂t})/(r₁ − r₂)]
    ///
    /// s(t) = 0 for t ≤ 0. (Near ζ = 1 the overdamped form cancels; we switch to the critical
    /// one within 1e-9 of it.)
    /// - Complexity: O(1).
    public func stepResponse(at t: Double) -> Double {
        guard t > 0 else { return 0 }
        let w0 = naturalFrequency, zeta = dampingRatio
        if abs(zeta - 1) < 1e-9 {
            return (1 - exp(-w0 * t) * (1 + w0 * t)) / stiffness
        } else if zeta < 1 {
            let wd = w0 * (1 - zeta * zeta).squareRoot()
            let decay = exp(-zeta * w0 * t)
            return (1 - decay * (cos(wd * t) + zeta * w0 / wd * sin(wd * t))) / stiffness
        } else {
            let root = (zeta * zeta - 1).squareRoot()
            let r1 = -w0 * (zeta - root), r2 = -w0 * (zeta + root)
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
    /// - Parameters: `force` u (L), `step` Δ > 0.
    /// - Returns: positions, (L).
    /// - Throws: `invalidParameter` (Δ ≤ 0, L = 0), `nonFinite`.
    /// - Complexity: O(L·J), J = the number of steps where the force changes.
    public func exactPosition(force u: [Double], step: Double) throws -> [Double] {
        try requirePositive(u.count, "sequence length L")
        try requirePositive(step, "step Δ")
        try requireFinite(u, "force u")
        var jumps: [(index: Int, size: Double)] = []
        var previous = 0.0
        for (j, value) in u.enumerated() where value != previous {
            jumps.append((j, value - previous))
            previous = value
        }
        return (0..<u.count).map { k in
            var x = 0.0
            for jump in jumps where jump.index <= k {
                x += jump.size * stepResponse(at: Double(k - jump.index + 1) * step)
            }
            return x
        }
    }
}
