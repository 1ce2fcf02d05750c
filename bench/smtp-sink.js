/** Postfix's smtp-sink on a free loopback port, for the sending benchmarks. */
const { spawn } = require('node:child_process');
const net = require('node:net');

const freePort = () =>
  new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

const waitForPort = async (port) => {
  for (let i = 0; i < 200; i++) {
    const ok = await new Promise((r) => {
      const c = net.connect(port, '127.0.0.1', () => (c.destroy(), r(true)));
      c.on('error', () => r(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('smtp-sink did not start');
};

/** A counting sink (no dump) as root drops to vmail; returns { port, stop }. */
const startSink = async () => {
  const port = await freePort();
  const child = spawn('smtp-sink', ['-u', 'vmail', '-c', `127.0.0.1:${port}`, '1000'], { stdio: 'ignore' });
  await waitForPort(port);
  return { port, stop: () => child.kill('SIGTERM') };
};

module.exports = { startSink };
