// TCP echo server on Node's net module (a peer of `pronto-bench echo`): every connection is
// piped into itself (socket.pipe(socket)), so what is read is written back, and reading
// pauses while the socket's write buffer is full. TCP_NODELAY on every connection. One
// process, Node's one event loop thread.
//
//   node Benchmarks/Echo/echo.js --host 127.0.0.1 --port 25000
'use strict';
const net = require('net');
const { parseArgs } = require('util');

const { values } = parseArgs({
  options: {
    host: { type: 'string', default: '127.0.0.1' },
    port: { type: 'string', default: '25000' },
  },
});
const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`invalid --port ${values.port}`);
  process.exit(2);
}

const server = net.createServer({ noDelay: true }, (socket) => {
  socket.setNoDelay(true);
  socket.on('error', () => socket.destroy());
  socket.pipe(socket);
});
server.listen({ host: values.host, port, backlog: 1024 }, () => {
  const address = server.address();
  console.log(`echo server (node ${process.version}) listening on ${address.address}:${address.port}`);
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.exit(0));
