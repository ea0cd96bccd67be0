import CVectorMath

/// The allocator's policy for freed memory, process-wide.
///
/// By default glibc hands large arrays (above a threshold that adapts between 128 kB and
/// 32 MB) straight back to the system when they are freed, so the next array of that size
/// page-faults every page again; a training step that allocates its activations and gradients
/// afresh pays that on every step (about a fifth of a small Mamba model's step here), and a
/// memory measurement (`PeakResidentMemory`) sees buffers counted or not depending on what ran
/// before. `retainFreedMemory()` makes glibc keep freed memory for reuse: the resident set
/// then grows only when a computation needs more than any before it — deterministic, and what
/// a measurement of "how much more memory does this mode need" wants.
public enum RetainedMemory {
    /// Keeps freed memory for reuse for the rest of the process (glibc `mallopt`: mmap
    /// threshold 1 GiB, no trimming). Returns false where the allocator refused (not glibc).
    /// - Complexity: O(1).
    @discardableResult
    public static func retainFreedMemory() -> Bool { ass_retain_freed_memory() == 1 }
}
