import Foundation
import Testing
@testable import StateSpace

/// The bad-input catalogue: every public throwing function of the library, fed the inputs a
/// careless or hostile caller would give it (non-positive, zero, negative, NaN, ±∞, huge,
/// mismatched shapes, out-of-range indices, empty).
///
/// Each row must end in a `StateSpaceError` whose message names the parameter and the value
/// (and, by the error type's construction, what is allowed) — never a trap (the runner would
/// crash), never a hang, never a result holding NaN. Rows live beside this file, one file per
/// library folder (`BadInputCatalogue+Numerics.swift`, …), each contributing a static list to
/// `BadInput.all`.
struct BadInput: CustomTestStringConvertible, Sendable {
    /// The call, as a reader would write it: "Matrix(rows: Int.max, cols: 2, elements: [])".
    let call: String
    /// Text the error message must contain: the parameter's name, and the bad value as printed.
    let mentions: [String]
    /// Runs the call. Return the numbers it produced (if it did not throw), so a NaN result is
    /// caught too; throwing is what we expect.
    let run: @Sendable () throws -> [Double]

    init(_ call: String, mentions: [String], _ run: @escaping @Sendable () throws -> [Double]) {
        self.call = call
        self.mentions = mentions
        self.run = run
    }

    /// For calls whose result is not numbers: succeeding at all is the failure.
    init(_ call: String, mentions: [String], void run: @escaping @Sendable () throws -> Void) {
        self.init(call, mentions: mentions) { try run(); return [] }
    }

    var testDescription: String { call }
}

/// What a row produced.
enum BadInputOutcome: Equatable {
    case clearError
    case vagueError(String)
    case foreignError(String)
    case returned(nanCount: Int)
}

extension BadInput {
    func outcome() -> BadInputOutcome {
        do {
            let values = try run()
            return .returned(nanCount: values.filter { !$0.isFinite }.count)
        } catch let error as StateSpaceError {
            let message = error.description
            return mentions.allSatisfy(message.contains) ? .clearError : .vagueError(message)
        } catch {
            return .foreignError("\(type(of: error)): \(error)")
        }
    }
}

@Suite("Bad-input catalogue")
struct BadInputCatalogueTests {
    @Test("every bad input gives a StateSpaceError naming the parameter and the value", arguments: BadInput.all)
    func clearError(_ row: BadInput) {
        #expect(row.outcome() == .clearError, "\(row.call)")
    }

    @Test("the catalogue covers every area of the library")
    func size() {
        // The README quotes this count; update both together.
        #expect(BadInput.all.count >= 420, "\(BadInput.all.count) rows")
    }
}
