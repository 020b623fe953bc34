// Development certificates for PayPal webhooks: a local CA, an intermediate and a signing
// certificate named like PayPal's, made at run time (never committed). The simulator signs with
// the leaf's key, fake-paypal serves the chain, and the gateway trusts the CA through
// PAYPAL_WEBHOOK_CA_FILE. Tests also make deliberately bad ones (expired, foreign subject).
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import forge from 'node-forge';

export interface DevCertificate {
  certPem: string;
  keyPem: string;
}

export interface DevChain {
  ca: DevCertificate;
  intermediate: DevCertificate;
  leaf: DevCertificate;
  /** What the certificate URL serves: the leaf, then the intermediate. */
  chainPem: string;
}

export interface IssueOptions {
  commonName: string;
  notBefore?: Date;
  notAfter?: Date;
  isCa?: boolean;
}

const DAY_MS = 86_400_000;

function newKeyPair(): { publicPem: string; privatePem: string } {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  return { publicPem: publicKey, privatePem: privateKey };
}

/** Issues a certificate signed by `issuer` (self-signed when null). */
export function issueCertificate(issuer: DevCertificate | null, options: IssueOptions): DevCertificate {
  const keys = newKeyPair();
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(keys.publicPem);
  // A positive serial: the high bit clear.
  cert.serialNumber = `01${randomBytes(8).toString('hex')}`;
  const now = Date.now();
  cert.validity.notBefore = options.notBefore ?? new Date(now - DAY_MS);
  cert.validity.notAfter = options.notAfter ?? new Date(now + 365 * DAY_MS);
  const subject = [
    { name: 'commonName', value: options.commonName },
    { name: 'organizationName', value: 'ipn-gateway development' },
  ];
  cert.setSubject(subject);
  cert.setIssuer(issuer === null ? subject : forge.pki.certificateFromPem(issuer.certPem).subject.attributes);
  cert.setExtensions(
    options.isCa
      ? [
          { name: 'basicConstraints', cA: true, critical: true },
          { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
        ]
      : [
          { name: 'basicConstraints', cA: false },
          { name: 'keyUsage', digitalSignature: true, critical: true },
        ],
  );
  const signingKey = forge.pki.privateKeyFromPem(issuer?.keyPem ?? keys.privatePem);
  cert.sign(signingKey as forge.pki.rsa.PrivateKey, forge.md.sha256.create());
  return { certPem: forge.pki.certificateToPem(cert), keyPem: keys.privatePem };
}

export const DEV_SIGNER_NAME = 'messageverificationcerts.dev.paypal.com';

/** A fresh CA → intermediate → signing certificate chain. */
export function createDevChain(leafOptions: Partial<IssueOptions> = {}): DevChain {
  const ca = issueCertificate(null, { commonName: 'ipn-gateway development root CA', isCa: true });
  const intermediate = issueCertificate(ca, {
    commonName: 'ipn-gateway development intermediate',
    isCa: true,
  });
  const leaf = issueCertificate(intermediate, { commonName: DEV_SIGNER_NAME, ...leafOptions, isCa: false });
  return { ca, intermediate, leaf, chainPem: `${leaf.certPem}${intermediate.certPem}` };
}
