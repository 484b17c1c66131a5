// TCP echo server on Go's net package (a peer of `pronto-bench echo`): one goroutine per
// connection reading into a 64 KiB buffer and writing back what it read. Meant to run with
// GOMAXPROCS=1 (Benchmarks/echo.sh sets it), so that one OS thread runs the goroutines,
// like the single-threaded event loops it is compared with. Go sets TCP_NODELAY on every
// TCP connection by default.
//
//	go build -o Benchmarks/.build/echo-go Benchmarks/Echo/echo.go
//	GOMAXPROCS=1 Benchmarks/.build/echo-go --host 127.0.0.1 --port 25000
//
// A plain read/write loop rather than io.Copy: io.Copy from a *net.TCPConn to a
// *net.TCPConn goes through splice(2) on Linux, which would measure a different path.
package main

import (
	"flag"
	"fmt"
	"net"
	"os"
	"runtime"
	"strconv"
)

func serve(conn net.Conn) {
	defer conn.Close()
	buf := make([]byte, 64*1024)
	for {
		n, err := conn.Read(buf)
		if n > 0 {
			if _, werr := conn.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}

func main() {
	host := flag.String("host", "127.0.0.1", "address to bind")
	port := flag.Int("port", 25000, "port (0 picks a free one)")
	flag.Parse()

	ln, err := net.Listen("tcp", net.JoinHostPort(*host, strconv.Itoa(*port)))
	if err != nil {
		fmt.Fprintln(os.Stderr, "listen:", err)
		os.Exit(1)
	}
	fmt.Printf("echo server (go, GOMAXPROCS=%d) listening on %s\n", runtime.GOMAXPROCS(0), ln.Addr())
	for {
		conn, err := ln.Accept()
		if err != nil {
			fmt.Fprintln(os.Stderr, "accept:", err)
			continue
		}
		go serve(conn)
	}
}
