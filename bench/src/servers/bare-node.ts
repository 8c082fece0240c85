// Benchmark ceiling 1 of 2: the least a Node HTTP server can do per webhook. It reads the whole body and answers
// 202, nothing else (no signature, no parsing, no Redis). Nothing real should be faster than this on one core.
import { createServer } from 'node:http';

const port = Number(process.env['PORT'] ?? '8080');

const server = createServer((req, res) => {
  let bytes = 0;
  req.on('data', (chunk: Buffer) => {
    bytes += chunk.length;
  });
  req.on('end', () => {
    res.statusCode = bytes > 0 ? 202 : 400;
    res.end();
  });
});
server.keepAliveTimeout = 65_000;
server.listen(port, '127.0.0.1');
process.once('SIGTERM', () => server.close(() => process.exit(0)));
