/// Every way the library refuses bad input.
///
/// Each case names the parameter, the value it got and what is allowed, so a chapter can print
/// `error.description` as it is and a reader knows what to change.
public enum StateSpaceError: Error, Equatable, CustomStringConvertible, Sendable {
    /// A scalar parameter outside its allowed range (a step Δ ≤ 0, a size N = 0, …).
    case invalidParameter(name: String, value: String, allowed: String)
    /// A NaN or ±∞ inside an input array.
    case nonFinite(name: String, index: Int, value: Double)
    /// Two arrays or matrices whose shapes do not fit together.
    case shapeMismatch(name: String, expected: String, actual: String)
    /// A matrix that must be square but is not.
    case notSquare(name: String, rows: Int, cols: Int)
    /// LAPACK found an exactly zero pivot: the system has no unique solution.
    case singularMatrix(name: String, pivot: Int)
    /// A discrete system whose state would grow: spectral radius of Ā > 1.
    case unstable(name: String, spectralRadius: Double)
    /// A LAPACK routine reported failure (`info ≠ 0`) for a reason other than the above.
    case lapackFailure(routine: String, info: Int)
    /// A matrix so ill-conditioned that a result computed through it would be mostly rounding:
    /// its condition number exceeds the limit the routine documents.
    case illConditioned(name: String, condition: Double, limit: Double, consequence: String)

    public var description: String {
        switch self {
        case let .invalidParameter(name, value, allowed):
            return "invalid \(name) = \(value): \(allowed)"
        case let .nonFinite(name, index, value):
            return "\(name)[\(index)] = \(value): every entry of \(name) must be finite (no NaN or ±∞)"
        case let .shapeMismatch(name, expected, actual):
            return "shape mismatch for \(name): expected \(expected), got \(actual)"
        case let .notSquare(name, rows, cols):
            return "\(name) is \(rows)×\(cols): it must be square"
        case let .singularMatrix(name, pivot):
            return "\(name) is singular (zero pivot at row \(pivot)): the linear system has no unique solution"
        case let .unstable(name, radius):
            return "\(name) is unstable: spectral radius \(radius) > 1, so the state grows without bound; use a stable A (eigenvalues with negative real part) or a smaller step"
        case let .lapackFailure(routine, info):
            return "LAPACK \(routine) failed with info = \(info)"
        case let .illConditioned(name, condition, limit, consequence):
            return "\(name) is ill-conditioned: condition number \(condition) exceeds the limit \(limit); \(consequence)"
        }
    }
}
