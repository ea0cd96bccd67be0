import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Ctrl-C (SIGINT) or SIGTERM while `Book` runs: the program being run (`swift build`, a
/// chapter) is stopped, the scratch folder removed, and `Book` exits 130 (143 for SIGTERM),
/// leaving the book folder as it was — pages are only written once every chapter has run.
final class Interruption: @unchecked Sendable {
    static let shared = Interruption()

    private let lock = NSLock()
    private var child: Process?
    private var scratch: URL?
    private var sources: [DispatchSourceSignal] = []

    /// Takes over SIGINT and SIGTERM (the children inherit them ignored: `stop` ends them).
    func install() {
        for number in [SIGINT, SIGTERM] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { [unowned self] in stop(signal: number) }
            source.resume()
            sources.append(source)
        }
    }

    /// The program now running (nil once it has ended).
    func running(_ process: Process?) { lock.withLock { child = process } }

    /// The scratch folder to remove if interrupted (nil once it is kept or removed).
    func scratchFolder(_ folder: URL?) { lock.withLock { scratch = folder } }

    private func stop(signal number: Int32) {
        lock.lock()
        if let child, child.isRunning { child.terminate() }
        if let scratch { try? FileManager.default.removeItem(at: scratch) }
        FileHandle.standardError.write(Data("\nBook: interrupted; the book folder was left as it was.\n".utf8))
        exit(128 + number)
    }
}
