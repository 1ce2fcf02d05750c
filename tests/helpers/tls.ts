import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

let cached: { key: Buffer; cert: Buffer; keyFile: string; certFile: string } | undefined;

/** A self-signed certificate for localhost/127.0.0.1, made once per test process with openssl. */
export const selfSignedCert = () => {
  if (cached) return cached;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'email-server-cert-'));
  const keyFile = path.join(dir, 'key.pem');
  const certFile = path.join(dir, 'cert.pem');
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyFile, '-out', certFile,
    '-days', '2', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1',
  ], { stdio: 'ignore' });
  fs.chmodSync(dir, 0o755);
  fs.chmodSync(keyFile, 0o644);
  cached = { key: fs.readFileSync(keyFile), cert: fs.readFileSync(certFile), keyFile, certFile };
  return cached;
};
