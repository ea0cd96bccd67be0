/// max_i |a_i − b_i| (∞-norm of the difference). Returns NaN if any entry is NaN, so a
/// comparison against a tolerance fails rather than passes.
/// - Precondition: `a.count == b.count` (a violation traps with both lengths).
/// - Complexity: O(n).
public func maxAbsDifference(_ a: [Double], _ b: [Double]) -> Double {
    requirePrecondition(a.count == b.count, "maxAbsDifference: a has length \(a.count) and b has length \(b.count): the lengths must be equal")
    var m = 0.0
    for i in a.indices {
        let d = abs(a[i] - b[i])
        if d.isNaN { return .nan }
        m = max(m, d)
    }
    return m
}

/// max_i |a_i| (∞-norm). NaN if any entry is NaN.
/// - Complexity: O(n).
public func maxAbs(_ a: [Double]) -> Double {
    var m = 0.0
    for x in a {
        if x.isNaN { return .nan }
        m = max(m, abs(x))
    }
    return m
}

/// Normwise relative difference ‖a − b‖∞ / ‖b‖∞ (b is the reference). Elementwise relative
/// error is meaningless where the reference crosses zero, so every check in the project uses
/// this normwise form. When ‖b‖∞ = 0 it returns ‖a − b‖∞.
/// - Complexity: O(n).
public func relativeDifference(_ a: [Double], _ reference: [Double]) -> Double {
    let scale = maxAbs(reference)
    let diff = maxAbsDifference(a, reference)
    return scale > 0 ? diff / scale : diff
}
