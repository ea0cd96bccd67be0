import Foundation
import PropertyBased
import Testing
@testable import StateSpace

/// A selective case scanned with 1…8 time blocks (more blocks than the case's channels or
/// length included: the scan clamps to L blocks).
struct TwoLevelCase: CustomStringConvertible {
    let scan: SelectiveCase
    let blocks: Int
    var description: String { "\(scan), \(blocks) blocks" }
    static let generator = zip(SelectiveCase.generator, Gen.int(in: 1...8)).map { TwoLevelCase(scan: $0.0, blocks: $0.1) }
}

/// The wrong ingredient: every time block scanned from a zero state (no carries, no fix-up).
func blocksFromZeroState(_ inputs: SelectiveScanInputs, blocks: Int) throws -> Matrix {
    let (l, count) = (inputs.length, max(1, min(blocks, inputs.length)))
    let pieces = try (0..<count).map { k in selectiveScan(try slice(inputs, (k * l / count)..<((k + 1) * l / count))).elements }
    return try Matrix(rows: l, cols: inputs.channels, elements: Array(pieces.joined()))
}

@Suite("Two-level parallel scan (scan blocks, combine carries, fix up)")
struct TwoLevelScanTests {
    /// Same tolerance as sequential = Blelloch (`selectiveProperty`): the two-level scan is the
    /// same recurrence with the carried state's decay formed as exp(A·ΣΔ) instead of ∏ exp(Δ_t A).
    @Test("two-level = sequential = materialised (300 cases, L ≤ 521, 1–8 blocks)")
    func equalsSequential() async {
        let run = await checkProperty("two-level scan", count: 300, seed: 0x2_1E7E1, input: TwoLevelCase.generator) { c in
            try selectiveProperty(c.scan) { inputs, _ in selectiveScanTwoLevel(inputs, threads: c.blocks) }
        }
        #expect(run.cases.contains { $0.blocks >= 3 && $0.scan.length >= 3 } && run.cases.contains { $0.blocks == 1 })
    }

    @Test("caught: blocks scanned from zero, without carries")
    func missingCarriesAreCaught() async {
        await expectCaught {
            await checkProperty("two-level scan without carries", count: 300, seed: 0x2_1E7E1, input: TwoLevelCase.generator) { c in
                try selectiveProperty(c.scan) { inputs, _ in try! blocksFromZeroState(inputs, blocks: max(2, c.blocks)) }
            }
        }
    }

    @Test("one thread is the sequential scan, bit for bit")
    func oneBlock() throws {
        let inputs = try randomInputs(length: 300, channels: 70, stateSize: 8, seed: 11)
        #expect(selectiveScanTwoLevel(inputs, threads: 1).elements == selectiveScan(inputs).elements)
    }
}
