import Dispatch
import Foundation

/// A raw pointer to memory that several threads write at disjoint indices. The caller promises
/// the disjointness; that promise is what `@unchecked Sendable` records.
public struct DisjointWrites<Element>: @unchecked Sendable {
    public let base: UnsafeMutablePointer<Element>
    public init(_ base: UnsafeMutablePointer<Element>) { self.base = base }
    @inlinable public subscript(i: Int) -> Element {
        get { base[i] }
        nonmutating set { base[i] = newValue }
    }
}

/// Runs `body` on `chunks` interleaved or contiguous pieces of 0..<count, one per core, when
/// the work is large enough to pay for the threads (count ≥ `threshold`); otherwise inline.
/// - Parameters: `count` items; `threshold`; `body(chunkIndex, chunkCount)`.
/// - Complexity: the work of `body`, divided over `ProcessInfo.activeProcessorCount` cores.
public func parallelChunks(count: Int, threshold: Int, _ body: @Sendable (_ chunk: Int, _ chunks: Int) -> Void) {
    let chunks = count >= threshold ? max(1, ProcessInfo.processInfo.activeProcessorCount) : 1
    if chunks == 1 { body(0, 1); return }
    DispatchQueue.concurrentPerform(iterations: chunks) { body($0, chunks) }
}

/// A value handed to worker threads that only read it (or own disjoint parts of it).
struct UnsafeSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}

/// The first error thrown by any worker, rethrown on the calling thread.
final class FirstError: @unchecked Sendable {
    private let lock = NSLock()
    private var error: Error?
    func record(_ e: Error) { lock.lock(); if error == nil { error = e }; lock.unlock() }
    func rethrow() throws { lock.lock(); defer { lock.unlock() }; if let error { throw error } }
}
