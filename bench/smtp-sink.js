/** Postfix's smtp-sink on a free loopback port, for the sending benchmarks. */
const { spawn } = require('node:child_process');
require('./require-ts');
// The tests' port helpers, so the benchmarks get their fixes too (ports handed out twice).
const { freePort, waitForPort } = require('../tests/helpers/net.ts');

/** A counting sink (no dump) as root drops to vmail; returns { port, stop }. */
const startSink = async () => {
  const port = await freePort();
  const child = spawn('smtp-sink', ['-u', 'vmail', '-c', `127.0.0.1:${port}`, '1000'], { stdio: 'ignore' });
  await waitForPort(port);
  return { port, stop: () => child.kill('SIGTERM') };
};

/** The server a benchmark sends through: the sink on `port`, enabled, not the default. */
const sinkRelay = (port, overrides = {}) => ({
  name: 'Bench relay',
  type: 'smtp',
  senderEmail: 'bench@example.com',
  smtpHost: '127.0.0.1',
  smtpPort: port,
  smtpSecurity: 'none',
  isDefault: false,
  enabled: true,
  ...overrides,
});

module.exports = { startSink, sinkRelay };
