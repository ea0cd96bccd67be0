/// segsum: the T×T matrix of range sums of log a that the SSD mask is made of,
///
///     segsum[t, s] = log a_{s+1} + … + log a_t   (t ≥ s; 0 on the diagonal),   −∞ for t < s,
///
/// so that L = exp(segsum) has L_ts = a_t ⋯ a_{s+1} below the diagonal, 1 on it, 0 above.
///
/// **Stable** (this function): each entry is the sum of its own range, accumulated term by
/// term from the diagonal outward. All terms have the same sign (log a ≤ 0), so the relative error is ≤ (t − s)·ε —
/// no cancellation.
/// **Naive** (`segsumNaive`): cumulative sums S_t = Σ_{k≤t} log a_k, then S_t − S_s. Exact in
/// exact arithmetic, but the subtraction cancels: its absolute error is ≈ ε·|S_t|, which grows
/// with t however short the range. Chapter 06 measures both, in Double and Float.
/// - Parameter logA: (T), each finite and ≤ 0 (the log of a decay a ∈ (0, 1]).
/// - Returns: (T, T) row-major.
/// - Throws: `nonFinite` for NaN/±∞ (log a = −∞ would make the naive form's −∞ − (−∞) NaN);
///   `invalidParameter` for an entry > 0, or a T×T result beyond the 2³⁰-element cap
///   (`maximumResultElements`: T ≤ 32 768), checked before anything is allocated.
/// - Complexity: O(T²).
public func segsum(_ logA: [Double]) throws -> [Double] { try segsumStable(requireLogDecays(logA)) }
/// `segsum` in single precision. (T) → (T, T). - Throws: as the Double version.
public func segsum(_ logA: [Float]) throws -> [Float] { try segsumStable(requireLogDecays(logA)) }
#if arch(x86_64)
/// `segsum` in x87 extended precision (64-bit significand): the reference the chapter measures against.
/// - Throws: as the Double version.
public func segsum(_ logA: [Float80]) throws -> [Float80] { try segsumStable(requireLogDecays(logA)) }
#endif

/// `logA` itself, once the (T, T) result may be allocated and every entry is finite and ≤ 0.
/// - Complexity: O(T).
func requireLogDecays<F: BinaryFloatingPoint>(_ logA: [F]) throws -> [F] {
    let t = logA.count
    _ = try requireAllocatable([t, t], "sequence length T (the length of log a)", value: "\(t) (a T×T segsum matrix)")
    for (i, v) in logA.enumerated() {
        guard v.isFinite else { throw StateSpaceError.nonFinite(name: "log a", index: i, value: Double(v)) }
        guard v <= 0 else {
            throw StateSpaceError.invalidParameter(name: "log a[\(i)]", value: "\(Double(v))",
                                                   allowed: "must be ≤ 0: the log of a decay a ∈ (0, 1]")
        }
    }
    return logA
}

/// The generic body of `segsum`; the public entry points above are its specialisations, so
/// callers in other modules (and debug builds) run optimised code.
func segsumStable<F: BinaryFloatingPoint>(_ logA: [F]) -> [F] {
    var out = [F](repeating: 0, count: logA.count * logA.count)       // (T, T)
    out.withUnsafeMutableBufferPointer { fillSegsum(logA, into: $0.baseAddress!) }
    return out
}

/// `segsum` written into caller-owned storage of T² elements (no allocation, for hot loops).
/// - Complexity: O(T²).
func fillSegsum<F: BinaryFloatingPoint>(_ logA: [F], into out: UnsafeMutablePointer<F>) {
    let t = logA.count
    for row in 0..<t {
        let line = out + row * t
        // Walk left from the diagonal so that each entry is its own range's sum, accumulated
        // term by term (log a_row + … + log a_{s+1}), and the row is written contiguously.
        var sum: F = 0
        line[row] = 0
        var s = row - 1
        while s >= 0 {
            sum += logA[s + 1]
            line[s] = sum
            s -= 1
        }
        for s in (row + 1)..<max(row + 1, t) { line[s] = -F.infinity }
    }
}

/// segsum by differences of cumulative sums: S_t − S_s. Cancels for long sequences (see
/// `segsum`); here to measure that. (T) → (T, T).
/// - Throws: as `segsum`; `invalidParameter` naming log a when a cumulative sum S_t overflows
///   to −∞ (entries near the type's largest magnitude: then S_t − S_s would be −∞ − (−∞) = NaN).
///   The stable `segsum` never subtracts, so it has no such limit.
/// - Complexity: O(T²).
public func segsumNaive(_ logA: [Double]) throws -> [Double] { try segsumByDifferences(requireLogDecays(logA)) }
/// `segsumNaive` in single precision. (T) → (T, T). - Throws: as the Double version.
public func segsumNaive(_ logA: [Float]) throws -> [Float] { try segsumByDifferences(requireLogDecays(logA)) }

func segsumByDifferences<F: BinaryFloatingPoint>(_ logA: [F]) throws -> [F] {
    let t = logA.count
    var cumulative = [F](repeating: 0, count: t)                      // (T): S_t
    var running: F = 0
    for i in 0..<t {
        running += logA[i]
        guard running.isFinite else { throw cumulativeOverflow(logA, at: i) }
        cumulative[i] = running
    }
    var out = [F](repeating: -F.infinity, count: t * t)               // (T, T)
    for row in 0..<t { for s in 0...row { out[row * t + s] = cumulative[row] - cumulative[s] } }
    return out
}

/// The error for a cumulative sum S_t = Σ_{k≤t} log a_k that overflowed at t: it names log a,
/// its largest |entry| and where the sum left the type's range.
func cumulativeOverflow<F: BinaryFloatingPoint>(_ logA: [F], at t: Int) -> StateSpaceError {
    var largest = 0
    for i in logA.indices where abs(logA[i]) > abs(logA[largest]) { largest = i }
    return StateSpaceError.invalidParameter(
        name: "log a", value: "log a[\(largest)] = \(logA[largest]) (its largest |entry|)",
        allowed: "too large for the naive segsum: the cumulative sum S_\(t) = log a_0 + … + log a_\(t) overflows \(F.self) "
            + "(|S_t| must stay ≤ \(F.greatestFiniteMagnitude), else S_t − S_s is −∞ − (−∞) = NaN); the stable segsum has no such limit")
}
