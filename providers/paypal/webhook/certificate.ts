// The signing certificate comes from a URL in the request, so it proves nothing by itself: it must
// chain to a trusted CA, every link must be within its validity, and the signer must be PayPal.

import { X509Certificate } from 'node:crypto';
import { rootCertificates } from 'node:tls';

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;
const MAX_CHAIN = 8;
const PAYPAL_HOST_SUFFIX = '.paypal.com';

export type ChainResult = { ok: true; leaf: X509Certificate } | { ok: false; reason: string };

/** Every certificate in a PEM text, in order; unreadable blocks are skipped. */
export function parsePemCertificates(pem: string): X509Certificate[] {
  const certificates: X509Certificate[] = [];
  for (const block of pem.match(PEM_BLOCK) ?? []) {
    try {
      certificates.push(new X509Certificate(block));
    } catch {
      // not a certificate; the chain check reports what is missing
    }
  }
  return certificates;
}

/** The trusted CAs: the configured bundle, else the system's roots. */
export function trustedCertificates(caBundle: string | null): X509Certificate[] {
  return caBundle === null ? rootCertificates.flatMap(parsePemCertificates) : parsePemCertificates(caBundle);
}

function commonNames(certificate: X509Certificate): string[] {
  return certificate.subject
    .split('\n')
    .filter((line) => line.startsWith('CN='))
    .map((line) => line.slice(3).trim().toLowerCase());
}

function validityProblem(certificate: X509Certificate, now: Date): string | null {
  if (now < new Date(certificate.validFrom))
    return `certificate ${certificate.subject.replace(/\n/g, ', ')} is not yet valid`;
  if (now > new Date(certificate.validTo))
    return `certificate ${certificate.subject.replace(/\n/g, ', ')} has expired`;
  return null;
}

const issuedBy = (child: X509Certificate, parent: X509Certificate) =>
  child.checkIssued(parent) && child.verify(parent.publicKey);

export function checkCertificateChain(
  pem: string,
  trusted: readonly X509Certificate[],
  now: Date,
): ChainResult {
  const [leaf, ...intermediates] = parsePemCertificates(pem);
  if (!leaf) return { ok: false, reason: 'no certificate found at the certificate URL' };
  if (!commonNames(leaf).some((name) => name.endsWith(PAYPAL_HOST_SUFFIX))) {
    return {
      ok: false,
      reason: `certificate subject is not a PayPal host (${leaf.subject.replace(/\n/g, ', ')})`,
    };
  }
  let current = leaf;
  for (let depth = 0; depth < MAX_CHAIN; depth++) {
    const expired = validityProblem(current, now);
    if (expired) return { ok: false, reason: expired };
    if (trusted.some((anchor) => anchor.fingerprint256 === current.fingerprint256)) return { ok: true, leaf };
    const anchor = trusted.find((candidate) => issuedBy(current, candidate));
    if (anchor) {
      const anchorExpired = validityProblem(anchor, now);
      return anchorExpired ? { ok: false, reason: anchorExpired } : { ok: true, leaf };
    }
    const parent = intermediates.find(
      (candidate) => candidate !== current && candidate.ca && issuedBy(current, candidate),
    );
    if (!parent) break;
    current = parent;
  }
  return { ok: false, reason: 'certificate does not chain to a trusted CA (PAYPAL_WEBHOOK_CA_FILE)' };
}
