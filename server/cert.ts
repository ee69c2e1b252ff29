/**
 * A self-signed certificate for HTTPS=1, so phones on the LAN get a secure context (cameras
 * need one). It is kept in DATA_DIR and reused, so a phone that accepted it once keeps
 * trusting it across restarts; a new one is made when it is missing or near expiry.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';
import selfsigned from 'selfsigned';

export interface Cert {
  key: string;
  cert: string;
}

export async function loadOrCreateCert(dataDir: string): Promise<Cert> {
  const keyFile = path.join(dataDir, 'tls-key.pem');
  const certFile = path.join(dataDir, 'tls-cert.pem');
  try {
    const [key, cert] = await Promise.all([fs.readFile(keyFile, 'utf8'), fs.readFile(certFile, 'utf8')]);
    const x509 = new crypto.X509Certificate(cert);
    const ips = lanAddresses();
    const coversIps = ips.every((ip) => x509.checkIP(ip) !== undefined);
    if (new Date(x509.validTo).getTime() - Date.now() > 30 * 864e5 && coversIps) return { key, cert };
  } catch {
    // missing or unreadable: make a new one below
  }
  const made = await selfSignedCert();
  await fs.mkdir(dataDir, { recursive: true });
  await fs.writeFile(keyFile, made.key, { mode: 0o600 });
  await fs.writeFile(certFile, made.cert);
  return made;
}

function lanAddresses(): string[] {
  return Object.values(os.networkInterfaces())
    .flat()
    .filter((i): i is os.NetworkInterfaceInfo => !!i && i.family === 'IPv4')
    .map((i) => i.address);
}

export async function selfSignedCert(): Promise<Cert> {
  const ips = lanAddresses();
  const pems = await selfsigned.generate([{ name: 'commonName', value: 'kanbridge.local' }], {
    keySize: 2048,
    algorithm: 'sha256',
    notAfterDate: new Date(Date.now() + 365 * 864e5),
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2 as const, value: 'localhost' },
          { type: 2 as const, value: os.hostname() },
          ...ips.map((ip) => ({ type: 7 as const, ip }))
        ]
      }
    ]
  });
  return { key: pems.private, cert: pems.cert };
}
