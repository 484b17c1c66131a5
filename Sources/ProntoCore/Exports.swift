// What a handler needs without importing the layers below by name.
@_exported import ProntoHTTP
@_exported import struct NIOCore.ByteBuffer
@_exported import struct NIOCore.ByteBufferAllocator
@_exported import struct NIOCore.TimeAmount
@_exported import enum NIOCore.SocketAddress
