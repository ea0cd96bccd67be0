import Course
import Foundation

/// One graded input: a label naming its sizes (shown when it fails) and, for an edge case, the
/// hint to give when the student fails *only* there (a mistake no model below reproduces, such
/// as dividing by a singular A).
struct GradingCase<Input> {
    let label: String
    let input: Input
    var edgeHint: Hint? = nil
}

/// A classic mistake, as the output it produces: when the student's output matches `model`
/// (within `Judge.modelMatch`) and the model is visibly wrong, the student gets `hint`.
struct Mistake<Input> {
    let hint: Hint
    let model: (Input) throws -> [Double]
}

/// A student output of the wrong size, detected before it is used.
struct ShapeError: Error, CustomStringConvertible {
    let description: String
}

/// Throws `ShapeError` unless `array` has `count` entries.
func requireCount<T>(_ array: [T], _ count: Int, _ what: String) throws {
    guard array.count == count else { throw ShapeError(description: "\(what) has \(array.count) entries, expected \(count)") }
}

enum Judge {
    /// A student output within this relative distance of a mistake's model is taken to *be* that
    /// mistake: a mistaken implementation differs from the model only by rounding (≈ 1e-13 at
    /// these sizes), while two different mistakes differ by ≥ 1e-3 on the random cases.
    static let modelMatch = 1e-6

    /// max_i |a_i − b_i| / max(‖b‖∞, 1e-300), and the index where it is largest. Entries that
    /// are −∞ in both count as equal.
    static func relativeError(_ a: [Double], _ b: [Double]) -> (value: Double, index: Int) { relativeError(a, b, floor: 0) }

    /// As `relativeError`, relative to max(‖b‖∞, `floor`).
    static func relativeError(_ a: [Double], _ b: [Double], floor: Double) -> (value: Double, index: Int) {
        let scale = max(b.reduce(0) { max($0, $1.isFinite ? abs($1) : 0) }, floor, 1e-300)
        var worst = (value: 0.0, index: 0)
        for i in b.indices {
            if a[i] == b[i] { continue }
            let e = (a[i].isNaN || !b[i].isFinite || !a[i].isFinite) ? Double.infinity : abs(a[i] - b[i]) / scale
            if e > worst.value { worst = (e, i) }
        }
        return worst
    }

    /// The relative error entry by entry, |a_i − b_i| / |b_i| (what catches cancellation in one
    /// small entry of a large matrix); −∞ must match −∞ exactly.
    static func entrywiseError(_ a: [Double], _ b: [Double]) -> (value: Double, index: Int) {
        var worst = (value: 0.0, index: 0)
        for i in b.indices {
            if a[i] == b[i] { continue }
            let e = (a[i].isNaN || !b[i].isFinite || !a[i].isFinite) ? Double.infinity : abs(a[i] - b[i]) / max(abs(b[i]), 1e-300)
            if e > worst.value { worst = (e, i) }
        }
        return worst
    }

    /// Grades `student` against `reference` on every case, in order; at the first case that
    /// disagrees, names the mistake: a matching model's hint, else the case's edge hint, else
    /// the generic one. `shape` describes the expected output for shape errors.
    ///
    /// `scale`, when given, is a floor under the reference's largest entry in the relative error:
    /// the size of the terms a result is summed from (Σ|terms|), for results that can cancel to
    /// far below their terms — then rounding is judged against what was summed, not against a
    /// sum that happens to be near 0.
    static func grade<Input>(_ cases: [GradingCase<Input>], tolerance: Double, shape: String,
                             scale: ((Input) -> Double)? = nil,
                             error measure: ([Double], [Double]) -> (value: Double, index: Int) = relativeError,
                             reference: (Input) throws -> [Double], student: (Input) throws -> [Double],
                             mistakes: [Mistake<Input>]) -> Verdict {
        var largest = 0.0
        for c in cases {
            let floor = scale?(c.input) ?? 0
            func error(_ a: [Double], _ b: [Double]) -> (value: Double, index: Int) {
                floor > 0 ? relativeError(a, b, floor: floor) : measure(a, b)
            }
            let expected: [Double]
            do { expected = try reference(c.input) } catch {
                return .failed(hint: Hint("grader", "the grader could not compute its reference: \(error) (please report)"), detail: c.label)
            }
            let got: [Double]
            do { got = try student(c.input) } catch is NotImplemented {
                return .notImplemented
            } catch let e as ShapeError {
                return .failed(hint: CommonHint.shape("\(e.description); expected \(shape)"), detail: "case \(c.label)")
            } catch {
                return .failed(hint: CommonHint.threw(error), detail: "case \(c.label)")
            }
            guard got.count == expected.count else {
                return .failed(hint: CommonHint.shape("returned \(got.count) numbers, expected \(expected.count): \(shape)"),
                               detail: "case \(c.label)")
            }
            if let i = got.indices.first(where: { !got[$0].isFinite && expected[$0].isFinite }) {
                if let hint = c.edgeHint { return .failed(hint: hint, detail: "case \(c.label): entry \(i) is \(got[i])") }
                return .failed(hint: CommonHint.nonFinite, detail: "case \(c.label): entry \(i) is \(got[i])")
            }
            let (e, index) = error(got, expected)
            largest = max(largest, e)
            if e <= tolerance { continue }
            let detail = "case \(c.label): relative error \(short(e)) at entry \(index) (tolerance \(short(tolerance)))"
            for m in mistakes {
                guard let model = try? m.model(c.input), model.count == got.count else { continue }
                if error(got, model).value <= modelMatch && error(model, expected).value > tolerance {
                    return .failed(hint: m.hint, detail: detail)
                }
            }
            return .failed(hint: c.edgeHint ?? CommonHint.mismatch, detail: detail)
        }
        return .passed(detail: "max relative error \(short(largest)) over \(cases.count) cases (tolerance \(short(tolerance)))")
    }

    static func short(_ x: Double) -> String { x == 0 ? "0" : String(format: "%.2g", x) }
}
