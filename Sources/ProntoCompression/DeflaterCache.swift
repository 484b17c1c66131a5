import NIOPosix

/// Deflaters kept per thread for in-memory bodies, reset between uses: a response then
/// pays for zlib's work, not for setting up its state (see ``Deflater/reset()``).
///
/// In-memory bodies are compressed synchronously, on the thread that runs the middleware
/// (an event loop), so a thread's deflaters are never used by two responses at once. Each
/// thread keeps at most ``capacity`` of them (about 256 KiB each), one per coding and level
/// it has used.
enum DeflaterCache {
    static let capacity = 4

    // @unchecked Sendable: a Slot is reached only through the thread-specific variable,
    // so only by the thread it belongs to.
    private final class Slot: @unchecked Sendable {
        var deflaters: [(coding: ContentCoding, level: Int, deflater: Deflater)] = []
    }

    private static let slots = ThreadSpecificVariable<Slot>()

    /// Runs `body` with a deflater for `coding` and `level` at the start of a stream; `body`
    /// must finish the stream. A deflater `body` threw with is dropped, not reused.
    static func withDeflater<Result>(coding: ContentCoding, level: CompressionLevel, _ body: (Deflater) throws -> Result) throws -> Result {
        let slot: Slot
        if let current = slots.currentValue {
            slot = current
        } else {
            slot = Slot()
            slots.currentValue = slot
        }
        let deflater: Deflater
        if let index = slot.deflaters.firstIndex(where: { $0.coding == coding && $0.level == level.value }) {
            deflater = slot.deflaters.remove(at: index).deflater
        } else {
            deflater = try Deflater(coding: coding, level: level)
        }
        let result = try body(deflater)
        try deflater.reset()
        if slot.deflaters.count < capacity { slot.deflaters.append((coding, level.value, deflater)) }
        return result
    }
}
