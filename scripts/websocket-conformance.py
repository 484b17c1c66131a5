#!/usr/bin/env python3
"""WebSocket conformance against hello's /ws/echo, after the Autobahn testsuite (which needs
Python 2 or Docker, neither of which runs here): each case is named after its Autobahn
number, sends frames from a raw socket (exact bytes: masks, reserved bits, chopped writes)
and checks what the server answers, then the library cases check interoperation with the
`websockets` client from PyPI.

    websocket-conformance.py HELLO_BINARY

Sections: 1 (framing), 2 (pings and pongs), 3 (reserved bits), 4 (opcodes),
5 (fragmentation), 6 (UTF-8), 7 (closing), 9 (large messages, within the 1 MiB default
limit, and past it), 12 and 13 (permessage-deflate: message sizes, and every combination of
the negotiation parameters, through the `websockets` client's implementation; plus raw cases
for what a client must not send: RSV1 on a continuation, corrupt deflate data, a message
that inflates past the limit). Prints "N passed, N failed"; exits non-zero on any failure.
"""
import asyncio
import base64
import hashlib
import os
import socket
import struct
import sys
import time

import checks
import serverprocess

GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
TEXT, BINARY, CONT, CLOSE, PING, PONG = 0x1, 0x2, 0x0, 0x8, 0x9, 0xA
TIMEOUT = 3.0
PORT = 0


class Client:
    """One raw WebSocket client connection."""

    def __init__(self, path="/ws/echo", extra_headers=""):
        self.sock = socket.create_connection(("127.0.0.1", PORT), timeout=TIMEOUT)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall((f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                           f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n{extra_headers}\r\n").encode())
        self.buffer = b""
        while b"\r\n\r\n" not in self.buffer:
            self.buffer += self.recv()
        head, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
        self.head = head.decode()
        if not self.head.startswith("HTTP/1.1 101"):
            raise AssertionError(f"handshake refused: {self.head.splitlines()[0]}")
        accept = base64.b64encode(hashlib.sha1((key + GUID).encode()).digest()).decode()
        if f"sec-websocket-accept: {accept}".lower() not in self.head.lower():
            raise AssertionError("wrong Sec-WebSocket-Accept")

    def recv(self):
        data = self.sock.recv(65536)
        if not data:
            raise ConnectionError("closed by the server")
        return data

    @staticmethod
    def frame(opcode, payload=b"", fin=True, rsv=0, mask=True):
        head = bytes([(0x80 if fin else 0) | rsv | opcode])
        bit = 0x80 if mask else 0
        n = len(payload)
        if n < 126:
            head += bytes([bit | n])
        elif n < 65536:
            head += bytes([bit | 126]) + struct.pack("!H", n)
        else:
            head += bytes([bit | 127]) + struct.pack("!Q", n)
        if not mask:
            return head + payload
        key = os.urandom(4)
        return head + key + bytes(b ^ key[i % 4] for i, b in enumerate(payload))

    def send(self, opcode, payload=b"", fin=True, rsv=0, mask=True, chop=None):
        data = self.frame(opcode, payload, fin, rsv, mask)
        if chop:
            for i in range(0, len(data), chop):
                self.sock.sendall(data[i:i + chop])
                time.sleep(0.001)
        else:
            self.sock.sendall(data)

    def send_raw(self, data):
        self.sock.sendall(data)

    def read_frame(self):
        """The next frame: (fin, rsv, opcode, payload)."""
        while True:
            if len(self.buffer) >= 2:
                b0, b1 = self.buffer[0], self.buffer[1]
                if b1 & 0x80:
                    raise AssertionError("the server masked a frame")
                n, offset = b1 & 0x7F, 2
                if n == 126 and len(self.buffer) >= 4:
                    n, offset = struct.unpack("!H", self.buffer[2:4])[0], 4
                elif n == 127 and len(self.buffer) >= 10:
                    n, offset = struct.unpack("!Q", self.buffer[2:10])[0], 10
                if (b1 & 0x7F) < 126 or offset > 2:
                    if len(self.buffer) >= offset + n:
                        payload = self.buffer[offset:offset + n]
                        self.buffer = self.buffer[offset + n:]
                        return bool(b0 & 0x80), b0 & 0x70, b0 & 0x0F, payload
            self.buffer += self.recv()

    def expect(self, opcode, payload):
        fin, rsv, got, data = self.read_frame()
        if (got, data, fin, rsv) != (opcode, payload, True, 0):
            raise AssertionError(f"expected opcode {opcode} with {len(payload)} bytes, got opcode {got} with {len(data)} bytes "
                                 f"{data[:40]!r} (fin {fin}, rsv {rsv})")

    def expect_close(self, codes):
        """A close frame with one of `codes` (None: no code), then the TCP close."""
        while True:
            _, _, opcode, data = self.read_frame()
            if opcode == CLOSE:
                break
            if opcode not in (PONG, TEXT, BINARY):
                raise AssertionError(f"expected a close frame, got opcode {opcode}")
        code = struct.unpack("!H", data[:2])[0] if len(data) >= 2 else None
        if code not in codes:
            raise AssertionError(f"close code {code}, expected one of {codes}")
        if len(data) >= 2:
            data[2:].decode("utf-8")  # the reason must be UTF-8
        self.expect_tcp_close()

    def expect_tcp_close(self):
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            try:
                if not self.sock.recv(65536):
                    return
            except ConnectionResetError:
                return
            except socket.timeout:
                break
        raise AssertionError("the server did not close the TCP connection")

    def close_normally(self):
        self.send(CLOSE, struct.pack("!H", 1000))
        self.expect_close([1000])


def echo_case(opcode, payload, chop=None):
    def run():
        c = Client()
        c.send(opcode, payload, chop=chop)
        c.expect(opcode, payload)
        c.close_normally()
    return run


def fail_case(frames, codes=(1002,), before=None):
    """Sends `frames` (each a dict for Client.send, or raw bytes) and expects the connection to fail with `codes`."""
    def run():
        c = Client()
        for frame in frames:
            if isinstance(frame, bytes):
                c.send_raw(frame)
            else:
                c.send(**frame)
        if before:
            for opcode, payload in before:
                c.expect(opcode, payload)
        c.expect_close(list(codes))
    return run


def f(opcode, payload=b"", **kw):
    return dict(opcode=opcode, payload=payload, **kw)


def section1():
    for i, n in enumerate([0, 125, 126, 127, 128, 65535, 65536], 1):
        checks.check(f"1.1.{i} text message of {n} bytes", echo_case(TEXT, b"*" * n))
        checks.check(f"1.2.{i} binary message of {n} bytes", echo_case(BINARY, bytes([0xFE]) * n))
    checks.check("1.1.8 text message of 65536 bytes in 997-byte chops", echo_case(TEXT, b"*" * 65536, chop=997))
    checks.check("1.2.8 binary message of 65536 bytes in 997-byte chops", echo_case(BINARY, b"\xfe" * 65536, chop=997))


def section2():
    def ping(payloads, chop=None):
        def run():
            c = Client()
            for p in payloads:
                c.send(PING, p, chop=chop)
            for p in payloads:
                c.expect(PONG, p)
            c.close_normally()
        return run

    def unsolicited_pong(payload):
        def run():
            c = Client()
            c.send(PONG, payload)
            c.send(TEXT, b"after")  # nothing answers the pong: the echo comes first
            c.expect(TEXT, b"after")
            c.close_normally()
        return run

    checks.check("2.1 ping without payload", ping([b""]))
    checks.check("2.2 ping with a text payload", ping([b"Hello, world!"]))
    checks.check("2.3 ping with a binary payload", ping([bytes([0, 0xFF, 0xFE, 0xFD, 0xFC, 0xFB, 0, 0xFF])]))
    checks.check("2.4 ping with 125 bytes", ping([b"\xfe" * 125]))
    checks.check("2.5 ping with 126 bytes fails", fail_case([f(PING, b"\xfe" * 126)]))
    checks.check("2.6 ping with 125 bytes in 1-byte chops", ping([b"\xfe" * 125], chop=1))
    checks.check("2.7 unsolicited pong without payload", unsolicited_pong(b""))
    checks.check("2.8 unsolicited pong with payload", unsolicited_pong(b"unsolicited"))

    def pong_then_ping():
        c = Client()
        c.send(PONG, b"unsolicited")
        c.send(PING, b"solicited")
        c.expect(PONG, b"solicited")
        c.close_normally()
    checks.check("2.9 unsolicited pong, then a ping", pong_then_ping)
    checks.check("2.10 10 pings", ping([f"ping {i}".encode() for i in range(10)]))
    checks.check("2.11 10 pings in 1-byte chops", ping([f"ping {i}".encode() for i in range(10)], chop=1))


def section3():
    checks.check("3.1 RSV1 on a text frame", fail_case([f(TEXT, b"Hello", rsv=0x40)]))
    checks.check("3.2 RSV2 after a valid text frame", fail_case([f(TEXT, b"Hello"), f(TEXT, b"Hello", rsv=0x20), f(PING)],
                                                                before=[(TEXT, b"Hello")]))
    checks.check("3.3 RSV1+RSV2 after a valid text frame", fail_case([f(TEXT, b"Hello"), f(TEXT, b"Hello", rsv=0x60), f(PING)],
                                                                     before=[(TEXT, b"Hello")]))
    checks.check("3.4 RSV3 after a valid text frame, chopped", fail_case([f(TEXT, b"Hello", chop=1), f(TEXT, b"Hello", rsv=0x10, chop=1)],
                                                                         before=[(TEXT, b"Hello")]))
    checks.check("3.5 RSV1+RSV3 on a binary frame", fail_case([f(BINARY, b"\xff" * 8, rsv=0x50)]))
    checks.check("3.6 RSV2+RSV3 on a ping", fail_case([f(PING, b"Hello", rsv=0x30)]))
    checks.check("3.7 all RSV bits on a close", fail_case([f(CLOSE, b"", rsv=0x70)]))


def section4():
    for i, op in enumerate([3, 4, 5, 6, 7], 1):
        checks.check(f"4.1.{i} reserved non-control opcode {op}", fail_case([f(op, b"reserved" if i > 1 else b"")]))
    for i, op in enumerate([0xB, 0xC, 0xD, 0xE, 0xF], 1):
        checks.check(f"4.2.{i} reserved control opcode {op}", fail_case([f(op, b"reserved" if i > 1 else b"")]))


def section5():
    checks.check("5.1 ping in 2 fragments", fail_case([f(PING, b"frag", fin=False), f(CONT, b"ment")]))
    checks.check("5.2 pong in 2 fragments", fail_case([f(PONG, b"frag", fin=False), f(CONT, b"ment")]))

    def fragments(parts, opcode=TEXT, chop=None, pings=False):
        def run():
            c = Client()
            for i, part in enumerate(parts):
                c.send(opcode if i == 0 else CONT, part, fin=i == len(parts) - 1, chop=chop)
                if pings and i < len(parts) - 1:
                    c.send(PING, b"between", chop=chop)
            if pings:
                for _ in range(len(parts) - 1):
                    c.expect(PONG, b"between")
            c.expect(opcode, b"".join(parts))
            c.close_normally()
        return run

    checks.check("5.3 text message in 2 fragments", fragments([b"frag", b"ment"]))
    checks.check("5.4 text message in 2 fragments, in 1-byte chops", fragments([b"frag", b"ment"], chop=1))
    checks.check("5.6 text message in 2 fragments with a ping between", fragments([b"frag", b"ment"], pings=True))
    checks.check("5.7 the same in 1-byte chops", fragments([b"frag", b"ment"], pings=True, chop=1))
    checks.check("5.8 binary message in 100 fragments with pings between", fragments([bytes([i]) * 10 for i in range(100)], BINARY, pings=True))
    checks.check("5.9 continuation without a message (fin set)", fail_case([f(CONT, b"fragment", fin=True), f(TEXT, b"x")]))
    checks.check("5.10 the same in 1-byte chops", fail_case([f(CONT, b"fragment", fin=True, chop=1)]))
    checks.check("5.12 continuation without a message (fin clear)", fail_case([f(CONT, b"fragment", fin=False), f(CONT, b"x")]))
    checks.check("5.15 a new message after a fragmented one ended twice",
                 fail_case([f(TEXT, b"a", fin=False), f(CONT, b"b", fin=True), f(CONT, b"c", fin=False), f(CONT, b"d", fin=True)],
                           before=[(TEXT, b"ab")]))
    checks.check("5.18 a text message started inside a fragmented one", fail_case([f(TEXT, b"a", fin=False), f(TEXT, b"b")]))
    checks.check("5.20 a binary message started inside a fragmented text, pings between",
                 fail_case([f(TEXT, b"a", fin=False), f(PING, b"p"), f(BINARY, b"b")], before=[(PONG, b"p")]))


VALID_UTF8 = ["Hello-µ@ßöäüàá-UTF-8!!", "κόσμε", "\u0080", "\u07ff", "\u0800", "\uffff", "\U00010000", "\U0010ffff", "\ud7ff", "\ue000"]
INVALID_UTF8 = [
    b"\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5\xed\xa0\x80\x65\x64\x69\x74\x65\x64",  # 6.3: a surrogate inside text
    b"\xf4\x90\x80\x80", b"\xf8\x88\x80\x80\x80", b"\xfc\x84\x80\x80\x80\x80",  # above U+10FFFF, 5 and 6 bytes
    b"\x80", b"\xbf", b"\x80\xbf", b"\xc0 ", b"\xe0\x80 ", b"\xfe", b"\xff", b"\xfe\xfe\xff\xff",
    b"\xc0\xaf", b"\xe0\x80\xaf", b"\xf0\x80\x80\xaf", b"\xc1\xbf", b"\xe0\x9f\xbf", b"\xf0\x8f\xbf\xbf",  # overlong
    b"\xed\xa0\x80", b"\xed\xbf\xbf", b"\xed\xa0\x80\xed\xb0\x80",  # surrogates
    b"\xce\xba\xe1",  # truncated at the end
]


def section6():
    checks.check("6.1.1 empty text message", echo_case(TEXT, b""))
    checks.check("6.1.2 empty fragments", lambda: (lambda c: (c.send(TEXT, b"", fin=False), c.send(CONT, b"", fin=False), c.send(CONT, b""),
                                                             c.expect(TEXT, b""), c.close_normally()))(Client()))
    for i, text in enumerate(VALID_UTF8, 1):
        data = text.encode()
        checks.check(f"6.2.{i} valid UTF-8 {text!r}", echo_case(TEXT, data))

    def split_everywhere(data):
        def run():
            c = Client()
            for cut in range(1, len(data)):
                c.send(TEXT, data[:cut], fin=False)
                c.send(CONT, data[cut:])
                c.expect(TEXT, data)
            c.close_normally()
        return run
    checks.check("6.2.x valid UTF-8 split into fragments at every byte", split_everywhere("κόσμε 𝄞 €".encode()))
    for i, data in enumerate(INVALID_UTF8, 1):
        checks.check(f"6.3-6.21 #{i} invalid UTF-8 {data!r}", fail_case([f(TEXT, data)], codes=(1007,)))
    bad = INVALID_UTF8[0]
    checks.check("6.4.1 invalid UTF-8 in the second of 3 fragments fails before the third",
                 fail_case([f(TEXT, bad[:12], fin=False), f(CONT, bad[12:], fin=False)], codes=(1007,)))
    def fail_fast_inside_frame():
        c = Client()
        data = bad + b"*" * 200
        frame = Client.frame(TEXT, data)
        c.send_raw(frame[:8 + 14])  # the head, then the payload up to just past the bad sequence
        c.expect_close([1007])  # before the rest of the frame is sent
    checks.check("6.4.3 invalid UTF-8 inside a text frame still arriving fails before the frame ends", fail_fast_inside_frame)
    checks.check("6.4.2 invalid UTF-8 split inside a character across fragments",
                 fail_case([f(TEXT, b"\xce\xba\xed", fin=False), f(CONT, b"\xa0\x80", fin=False)], codes=(1007,)))


def section7():
    def close_then(after):
        def run():
            c = Client()
            c.send(CLOSE, struct.pack("!H", 1000))
            for frame in after:
                try:
                    c.send(**frame)
                except OSError:
                    pass
            c.expect_close([1000])
        return run

    def echo_then_close():
        c = Client()
        c.send(TEXT, b"Hello")
        c.expect(TEXT, b"Hello")
        c.close_normally()
    checks.check("7.1.1 echo, then a clean close", echo_then_close)
    checks.check("7.1.2 close, then close again", close_then([f(CLOSE, struct.pack("!H", 1000))]))
    checks.check("7.1.3 close, then a ping (ignored)", close_then([f(PING, b"ignored")]))
    checks.check("7.1.4 close, then text (ignored)", close_then([f(TEXT, b"ignored")]))

    def fragment_then_close():
        c = Client()
        c.send(TEXT, b"frag", fin=False)
        c.send(CLOSE, struct.pack("!H", 1000))
        c.expect_close([1000])
    checks.check("7.1.5 a fragment, then close", fragment_then_close)

    def big_then_close():
        c = Client()
        c.send(TEXT, b"*" * 262144)
        c.send(CLOSE, struct.pack("!H", 1000))
        c.expect(TEXT, b"*" * 262144)
        c.expect_close([1000])
    checks.check("7.1.6 a 256 KiB message, then close: the echo comes before the close", big_then_close)

    def close_with(payload, codes):
        def run():
            c = Client()
            c.send(CLOSE, payload)
            c.expect_close(codes)
        return run
    checks.check("7.3.1 close without payload", close_with(b"", [None]))
    checks.check("7.3.2 close with a 1-byte payload", close_with(b"\x03", [1002]))
    checks.check("7.3.3 close 1000 without reason", close_with(struct.pack("!H", 1000), [1000]))
    checks.check("7.3.4 close 1000 with a reason", close_with(struct.pack("!H", 1000) + b"Hello World!", [1000]))
    checks.check("7.3.5 close with a 123-byte reason", close_with(struct.pack("!H", 1000) + b"*" * 123, [1000]))
    checks.check("7.3.6 close payload of 126 bytes", close_with(struct.pack("!H", 1000) + b"*" * 124, [1002]))
    checks.check("7.5.1 close reason that is not UTF-8", close_with(struct.pack("!H", 1000) + b"\xce\xba\xed\xa0\x80", [1007]))
    for i, code in enumerate([1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 3000, 3999, 4000, 4999], 1):
        checks.check(f"7.7.{i} valid close code {code} is echoed", close_with(struct.pack("!H", code), [code]))
    for i, code in enumerate([0, 999, 1004, 1005, 1006, 1016, 1100, 2000, 2999], 1):
        checks.check(f"7.9.{i} invalid close code {code}", close_with(struct.pack("!H", code), [1002]))
    checks.check("7.13.1 close code 5000", close_with(struct.pack("!H", 5000), [1002]))
    checks.check("7.13.2 close code 65535", close_with(struct.pack("!H", 65535), [1002]))


def section9():
    for i, n in enumerate([65536, 262144, 1048576], 1):
        checks.check(f"9.1.{i} text message of {n} bytes", echo_case(TEXT, b"*" * n))
        checks.check(f"9.2.{i} binary message of {n} bytes", echo_case(BINARY, b"\xfe" * n))
    for i, size in enumerate([64, 256, 1024, 4096, 16384, 65536], 1):
        def run(size=size):
            c = Client()
            data = b"*" * 1048576
            parts = [data[j:j + size] for j in range(0, len(data), size)]
            for j, part in enumerate(parts):
                c.send(TEXT if j == 0 else CONT, part, fin=j == len(parts) - 1)
            c.expect(TEXT, data)
            c.close_normally()
        checks.check(f"9.4.{i} 1 MiB text message in {size}-byte fragments", run)
    checks.check("9.x a message of 1 MiB + 1 byte (over the limit) fails with 1009", fail_case([f(BINARY, b"\xfe" * 1048577)], codes=(1009,)))
    checks.check("9.x fragments over the limit fail with 1009",
                 fail_case([f(BINARY, b"\xfe" * 700000, fin=False), f(CONT, b"\xfe" * 700000)], codes=(1009,)))


def section12():
    import zlib

    def deflate(data, wbits=-15):
        compressor = zlib.compressobj(6, zlib.DEFLATED, wbits)
        out = compressor.compress(data) + compressor.flush(zlib.Z_SYNC_FLUSH)
        assert out.endswith(b"\x00\x00\xff\xff")
        return out[:-4]

    def negotiated(offer):
        c = Client(extra_headers=f"Sec-WebSocket-Extensions: {offer}\r\n")
        for line in c.head.split("\r\n"):
            if line.lower().startswith("sec-websocket-extensions:"):
                return c, line.split(":", 1)[1].strip()
        return c, None

    def raw_compressed():
        c, response = negotiated("permessage-deflate; client_max_window_bits")
        checks.assert_equal(response, "permessage-deflate")
        text = ("compress me " * 100).encode()
        c.send(TEXT, deflate(text), rsv=0x40)
        fin, rsv, opcode, payload = c.read_frame()
        checks.assert_equal((fin, rsv, opcode), (True, 0x40, TEXT))
        checks.assert_equal(zlib.decompressobj(-15).decompress(payload + b"\x00\x00\xff\xff"), text)
        c.close_normally()

    def fragmented_compressed():
        c, _ = negotiated("permessage-deflate")
        data = deflate(("fragmented " * 300).encode())
        c.send(TEXT, data[:10], fin=False, rsv=0x40)
        c.send(CONT, data[10:200], fin=False)
        c.send(CONT, data[200:])
        _, rsv, opcode, payload = c.read_frame()
        checks.assert_equal(zlib.decompressobj(-15).decompress(payload + b"\x00\x00\xff\xff"), ("fragmented " * 300).encode())
        c.close_normally()

    def declined(offer):
        def run():
            c, response = negotiated(offer)
            checks.assert_equal(response, None)
            c.send(TEXT, b"plain")
            c.expect(TEXT, b"plain")
            c.close_normally()
        return run

    checks.check("12.0.1 a compressed text message (RSV1) is inflated, echoed compressed", raw_compressed)
    checks.check("12.0.2 a compressed message in 3 fragments (RSV1 on the first only)", fragmented_compressed)
    checks.check("12.0.3 RSV1 on a continuation frame fails",
                 lambda: (lambda c: (c[0].send(TEXT, deflate(b"a" * 100)[:5], fin=False, rsv=0x40), c[0].send(CONT, b"x", rsv=0x40),
                                     c[0].expect_close([1002])))(negotiated("permessage-deflate")))
    checks.check("12.0.4 corrupt deflate data fails with 1007",
                 lambda: (lambda c: (c[0].send(BINARY, b"\xff\xff\xff\xff garbage", rsv=0x40), c[0].expect_close([1007])))(negotiated("permessage-deflate")))
    checks.check("12.0.5 a zip bomb (2 MiB of zeros in a few KiB) fails with 1009, not out of memory",
                 lambda: (lambda c: (c[0].send(BINARY, deflate(bytes(2 << 20)), rsv=0x40), c[0].expect_close([1009])))(negotiated("permessage-deflate")))
    checks.check("12.0.6 an offer with an unknown parameter is declined", declined("permessage-deflate; foo=1"))
    checks.check("12.0.7 an offer with server_max_window_bits=8 is declined (zlib cannot deflate with it)",
                 declined("permessage-deflate; server_max_window_bits=8"))
    checks.check("12.0.8 an offer repeating a parameter is declined", declined("permessage-deflate; server_no_context_takeover; server_no_context_takeover"))
    checks.check("12.0.9 the second offer is taken when the first is invalid",
                 lambda: checks.assert_equal(negotiated("permessage-deflate; bogus, permessage-deflate; server_no_context_takeover")[1],
                                             "permessage-deflate; server_no_context_takeover"))

    from websockets.extensions.permessage_deflate import ClientPerMessageDeflateFactory
    import websockets.asyncio.client as client

    def library(case, factory, sizes):
        async def run():
            async with client.connect(f"ws://127.0.0.1:{PORT}/ws/echo", extensions=[factory], compression=None, max_size=2 ** 21) as ws:
                assert ws.protocol.extensions, "permessage-deflate was not negotiated"
                for size in sizes:
                    for kind in ("text", "binary"):
                        data = ("abcdefghij" * (size // 10 + 1))[:size]
                        message = data if kind == "text" else data.encode()
                        for _ in range(3):  # context takeover across messages
                            await ws.send(message)
                            checks.assert_equal(await ws.recv(), message)
        return lambda: asyncio.run(run())

    sizes = [16, 64, 256, 1024, 4096, 8192, 16384, 32768, 65536, 131072]
    checks.check("12.1 compressed messages of 16 B to 128 KiB, text and binary, context kept",
                 library("12.1", ClientPerMessageDeflateFactory(), sizes))
    parameters = [
        ("13.1 server_no_context_takeover", dict(server_no_context_takeover=True)),
        ("13.2 client_no_context_takeover", dict(client_no_context_takeover=True)),
        ("13.3 server_max_window_bits=9", dict(server_max_window_bits=9)),
        ("13.4 server_max_window_bits=15", dict(server_max_window_bits=15)),
        ("13.5 client_max_window_bits=9", dict(client_max_window_bits=9)),
        ("13.6 client_max_window_bits=15", dict(client_max_window_bits=15)),
        ("13.7 both no_context_takeover, both windows 9", dict(server_no_context_takeover=True, client_no_context_takeover=True,
                                                                server_max_window_bits=9, client_max_window_bits=9)),
    ]
    for name, options in parameters:
        checks.check(name, library(name, ClientPerMessageDeflateFactory(**options), [16, 1024, 65536]))


def library_cases():
    import websockets.asyncio.client as client

    async def echo():
        async with client.connect(f"ws://127.0.0.1:{PORT}/ws/echo", max_size=2 ** 21, compression=None) as ws:
            await ws.send("hello from websockets")
            checks.assert_equal(await ws.recv(), "hello from websockets")
            await ws.send(b"\x00\x01binary")
            checks.assert_equal(await ws.recv(), b"\x00\x01binary")
            await ws.send(["frag", "ment", "ed"])  # an iterable sends one fragmented message
            checks.assert_equal(await ws.recv(), "fragmented")
            latency = await (await ws.ping(b"lib"))
            assert latency >= 0
            big = os.urandom(1 << 20)
            await ws.send(big)
            checks.assert_equal(await ws.recv(), big)
        checks.assert_equal(ws.close_code, 1000)

    async def many():
        async def one(i):
            async with client.connect(f"ws://127.0.0.1:{PORT}/ws/echo") as ws:
                for j in range(20):
                    await ws.send(f"{i}:{j}")
                    checks.assert_equal(await ws.recv(), f"{i}:{j}")
        await asyncio.wait_for(asyncio.gather(*(one(i) for i in range(50))), 20)

    async def refused():
        try:
            async with client.connect(f"ws://127.0.0.1:{PORT}/plaintext"):
                raise AssertionError("a plain route accepted a WebSocket")
        except Exception as error:  # websockets raises InvalidStatus with the HTTP response
            if "404" not in str(error) and "426" not in str(error) and "200" not in str(error):
                raise AssertionError(f"unexpected refusal: {error!r}")

    checks.check("websockets: text, binary, fragmented, ping, 1 MiB, clean close", lambda: asyncio.run(echo()))
    checks.check("websockets: 50 concurrent connections x 20 messages", lambda: asyncio.run(many()))
    checks.check("websockets: a plain route refuses the handshake", lambda: asyncio.run(refused()))


def main():
    global PORT
    binary = sys.argv[1]
    PORT = serverprocess.free_port()
    process = serverprocess.start([binary, "--host", "127.0.0.1", "--port", str(PORT), "--log-level", "error"], PORT, "hello")
    try:
        for section in (section1, section2, section3, section4, section5, section6, section7, section9, section12, library_cases):
            section()
    finally:
        status = serverprocess.stop(process)
        checks.check("hello exits cleanly on SIGTERM", lambda: checks.assert_equal(status, 0))
    sys.exit(checks.summary())


if __name__ == "__main__":
    main()
