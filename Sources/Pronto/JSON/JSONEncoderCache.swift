#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// One ``_JSONStreamEncoder`` per thread, kept in a pthread key: encoding then costs no
/// allocation for the encoder or its stacks. A thread's encoder is released when the
/// thread exits.
enum JSONEncoderCache {
    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        let result = pthread_key_create(&key) { pointer in
            #if canImport(Darwin)
            Unmanaged<_JSONStreamEncoder>.fromOpaque(pointer).release()
            #else
            if let pointer { Unmanaged<_JSONStreamEncoder>.fromOpaque(pointer).release() }
            #endif
        }
        precondition(result == 0, "pthread_key_create failed: \(result)")
        return key
    }()

    /// This thread's encoder, or a fresh one while it is busy (an encode inside an
    /// `encode(to:)`).
    @inline(__always)
    static func acquire() -> _JSONStreamEncoder {
        if let pointer = pthread_getspecific(key) {
            let encoder = Unmanaged<_JSONStreamEncoder>.fromOpaque(pointer).takeUnretainedValue()
            return encoder.inUse ? _JSONStreamEncoder() : encoder
        }
        let encoder = _JSONStreamEncoder()
        pthread_setspecific(key, Unmanaged.passRetained(encoder).toOpaque())
        return encoder
    }
}
