#if canImport(Glibc)
import Glibc
#endif

/// How the process's allocator treats freed memory.
enum FreedMemory {
    /// A publication allocates and frees large arrays (each audited component's tableau, the merge's counters, the
    /// driver's receive buffers, the snapshot's bytes) on every core. By default glibc maps each one afresh and unmaps
    /// it on free, so the kernel faults in and zeroes its pages every time (7 % of a national publication's CPU).
    /// Freed memory is kept for reuse instead, by `gradebench publish` (national: CPU −3 %, peak RSS +20 MiB) and by
    /// the server (a publish request ~6 % faster; the server's resident memory stays at its peak, ~150 MiB after a
    /// national publication, rather than falling back between publications).
    static func keepForReuse() {
        #if canImport(Glibc)
        // glibc's malloc.h, which Swift's Glibc module leaves out: mallopt and its parameters.
        typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return }
        let mallopt = unsafeBitCast(symbol, to: Mallopt.self)
        let (trimThreshold, topPad, mmapThreshold): (Int32, Int32, Int32) = (-1, -2, -3)
        _ = mallopt(mmapThreshold, 256 << 20)
        _ = mallopt(trimThreshold, 1 << 30)
        _ = mallopt(topPad, 16 << 20)
        #endif
    }
}
