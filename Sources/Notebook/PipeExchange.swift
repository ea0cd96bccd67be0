import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Feeds a child process its input and gathers its two outputs, in one thread with `poll(2)`,
/// until both outputs have ended or a deadline passes.
///
/// No call here can block past the deadline: the input end is non-blocking (a child that
/// never reads cannot stall the write), and nothing waits for end-of-file except through
/// `poll`, so a grandchild that inherited the output pipes and never exits cannot hang us.
/// At the end every pipe end of ours is closed.
struct PipeExchange {
    var stdout = Data()
    var stderr = Data()
    /// The child closed its input before taking all of it (the write failed, e.g. EPIPE).
    var stoppedReading = false
    /// Both outputs reached end-of-file before the deadline.
    var outputsEnded = false

    /// - Complexity: O(input + output bytes), in chunks of up to 64 KiB.
    static func run(input: Data, to stdin: FileHandle, stdout: FileHandle, stderr: FileHandle,
                    deadline: DispatchTime) -> PipeExchange {
        var result = PipeExchange()
        var inputOpen = true, outOpen = true, errOpen = true
        var offset = 0
        let inFd = stdin.fileDescriptor
        _ = fcntl(inFd, F_SETFL, fcntl(inFd, F_GETFL) | O_NONBLOCK)
        if input.isEmpty { try? stdin.close(); inputOpen = false }

        while inputOpen || outOpen || errOpen {
            let now = DispatchTime.now().uptimeNanoseconds
            guard now < deadline.uptimeNanoseconds else { break }
            let waitMilliseconds = Int32(min((deadline.uptimeNanoseconds - now) / 1_000_000 + 1, 60_000))
            var fds: [pollfd] = []                                            // (open ends)
            if inputOpen { fds.append(pollfd(fd: inFd, events: Int16(POLLOUT), revents: 0)) }
            if outOpen { fds.append(pollfd(fd: stdout.fileDescriptor, events: Int16(POLLIN), revents: 0)) }
            if errOpen { fds.append(pollfd(fd: stderr.fileDescriptor, events: Int16(POLLIN), revents: 0)) }
            let ready = poll(&fds, nfds_t(fds.count), waitMilliseconds)
            if ready < 0 && errno != EINTR { break }
            guard ready > 0 else { continue }
            for entry in fds where entry.revents != 0 {
                switch entry.fd {
                case inFd:
                    switch write(input, from: &offset, to: inFd) {
                    case .pending: break
                    case .done: try? stdin.close(); inputOpen = false
                    case .refused: result.stoppedReading = true; try? stdin.close(); inputOpen = false
                    }
                case stdout.fileDescriptor:
                    if !read(entry.fd, into: &result.stdout) { try? stdout.close(); outOpen = false }
                default:
                    if !read(entry.fd, into: &result.stderr) { try? stderr.close(); errOpen = false }
                }
            }
        }
        result.outputsEnded = !outOpen && !errOpen
        if inputOpen { try? stdin.close() }
        if outOpen { try? stdout.close() }
        if errOpen { try? stderr.close() }
        return result
    }

    private enum WriteState { case pending, done, refused }

    /// Writes what the pipe takes now from `input[offset...]`.
    private static func write(_ input: Data, from offset: inout Int, to fd: Int32) -> WriteState {
        let n = input.withUnsafeBytes { bytes in
            Glibc.write(fd, bytes.baseAddress! + offset, min(bytes.count - offset, 65_536))
        }
        if n < 0 { return errno == EAGAIN || errno == EINTR ? .pending : .refused }
        offset += n
        return offset == input.count ? .done : .pending
    }

    /// Appends what `fd` has now; false at end-of-file or on an error.
    private static func read(_ fd: Int32, into data: inout Data) -> Bool {
        var buffer = [UInt8](repeating: 0, count: 65_536)                     // (64 KiB)
        let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress!, $0.count) }
        if n < 0 { return errno == EAGAIN || errno == EINTR }
        data.append(contentsOf: buffer[..<n])
        return n > 0
    }
}
