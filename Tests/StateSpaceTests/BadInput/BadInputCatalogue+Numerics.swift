import Foundation
@testable import StateSpace

extension BadInput {
    /// Rows for this area of the library (see BadInputCatalogue.swift for what a row asserts).
    static let numerics: [BadInput] = [
    ]
}
