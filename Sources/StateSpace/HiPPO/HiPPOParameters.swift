// The parameters every HiPPO function shares — the state size N, a window θ, the time "now"
// and past times — and the ranges they are accepted in. Every public HiPPO entry point checks
// its parameters here, so each is refused the same way wherever it is passed.

/// The largest HiPPO state size: N ≤ 2¹⁴ = 16 384 (A alone is then 2 GiB). The HiPPO and S4
/// papers use N ≤ 1024.
let maximumHiPPOStateSize = 1 << 14

/// 1 ≤ N ≤ 2¹⁴.
/// - Complexity: O(1).
func requireHiPPOStateSize(_ n: Int, _ name: String = "state size N") throws {
    try requirePositive(n, name)
    guard n <= maximumHiPPOStateSize else {
        throw StateSpaceError.invalidParameter(
            name: name, value: "\(n)", allowed: "must be ≤ 2^14 = \(maximumHiPPOStateSize) (A alone would hold N² numbers)")
    }
}

/// A window θ: finite and > 0, and not so small that the transition's largest entry,
/// `largestEntry`/θ, overflows (`largestEntry` = 0 when only the window itself matters).
/// - Complexity: O(1).
func requireWindow(_ theta: Double, largestEntry: Double = 0) throws {
    try requirePositive(theta, "window θ")
    guard (largestEntry / theta).isFinite else {
        throw StateSpaceError.invalidParameter(
            name: "window θ", value: "\(theta)", allowed: "too small: the entries of A (up to \(largestEntry)/θ) must be finite")
    }
}

/// A finite time "now" (LegS: also > 0, since it rescales [0, now]).
/// - Complexity: O(1).
func requireNow(_ t: Double, positive: Bool) throws {
    if positive {
        try requirePositive(t, "now t (LegS remembers [0, t], so t must be finite and > 0)")
    } else if !t.isFinite {
        throw StateSpaceError.invalidParameter(name: "now t", value: "\(t)", allowed: "must be finite")
    }
}

/// How far outside the memory a time may be and still count as rounding: 8 ulps of the
/// larger of |now| and the memory's time scale (the window θ; 1 for LagT, whose basis decays
/// on the unit scale). A time computed from now and θ — now − θ, now − θ + k·θ/M, … — is off by
/// a few roundings of numbers of that size, so it lands within this; a time off by more is a
/// different time, refused. (A slack relative to the window alone, or a fixed 1e-9·|now|,
/// would accept at now = 1.7e9 times a whole window outside it.)
/// - Complexity: O(1).
func roundingSlack(now t: Double, scale: Double) -> Double {
    8 * max(abs(t), scale).ulp
}

/// Past times s_p as fractions of a window [t − span, t] that ends now: u_p = (s_p − t)/span ∈
/// [−1, 0] (−1 is the window's start, 0 is now). A time outside the window is refused by name;
/// one outside by rounding only — by at most `roundingSlack` (8 ulps of max(|t|, span)) — is
/// clamped onto its edge.
/// - Parameters: `times` (P), finite; `now` t; `span` > 0; `window`, the window as the
///   message should print it.
/// - Returns: u, (P).
/// - Complexity: O(P).
func windowFractions(_ times: [Double], now t: Double, span: Double, window: String) throws -> [Double] {
    let slack = roundingSlack(now: t, scale: span)
    return try times.enumerated().map { p, s in
        let offset = s - t                                              // ∈ [−span, 0] inside the window
        guard offset >= -span - slack, offset <= slack else {
            throw StateSpaceError.invalidParameter(
                name: "times[\(p)]", value: "\(s)",
                allowed: "must lie in the remembered window \(window) = [\(t - span), \(t)] (to within rounding, \(slack))")
        }
        return min(0, max(-1, offset / span))
    }
}

/// Ages a_p = t − s_p ≥ 0 of past times (LagT): a time after now is refused; one after it by
/// rounding only — by at most `roundingSlack` (8 ulps of max(|t|, 1)) — is clamped to age 0.
/// - Returns: (P).
/// - Complexity: O(P).
func memoryAges(_ times: [Double], now t: Double) throws -> [Double] {
    let slack = roundingSlack(now: t, scale: 1)
    return try times.enumerated().map { p, s in
        let age = t - s
        guard age.isFinite, age >= -slack else {
            throw StateSpaceError.invalidParameter(
                name: "times[\(p)]", value: "\(s)",
                allowed: "must be ≤ now t = \(t) (a memory holds only the past; to within rounding, \(slack)) with a finite age t − s")
        }
        return max(0, age)
    }
}

/// Points x_p of a basis' domain [lower, upper]: finite, inside it to within 1e-12 (rounding;
/// such points are clamped onto the edge), and at least one.
/// - Complexity: O(P).
func requireBasisPoints(_ x: [Double], in domain: ClosedRange<Double>, _ name: String, _ why: String) throws -> [Double] {
    try requirePositive(x.count, "number of points P (\(name) must not be empty)")
    try requireFinite(x, name)
    return try x.enumerated().map { p, xp in
        guard xp >= domain.lowerBound - 1e-12, xp <= domain.upperBound + 1e-12 else {
            throw StateSpaceError.invalidParameter(
                name: "\(name)[\(p)]", value: "\(xp)", allowed: "must lie in [\(domain.lowerBound), \(domain.upperBound)]: \(why)")
        }
        return min(domain.upperBound, max(domain.lowerBound, xp))
    }
}
