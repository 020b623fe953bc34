// The transmission headers PayPal signs a webhook with (header names arrive lower-cased).

export interface TransmissionHeaders {
  transmissionId: string;
  transmissionTime: string;
  transmissionSig: string;
  certUrl: string;
  authAlgo: string;
}

const NAMES = {
  transmissionId: 'paypal-transmission-id',
  transmissionTime: 'paypal-transmission-time',
  transmissionSig: 'paypal-transmission-sig',
  certUrl: 'paypal-cert-url',
  authAlgo: 'paypal-auth-algo',
} as const;

export type HeadersResult = { ok: true; headers: TransmissionHeaders } | { ok: false; reason: string };

export function readTransmissionHeaders(headers: Readonly<Record<string, string>>): HeadersResult {
  const found: Partial<TransmissionHeaders> = {};
  const missing: string[] = [];
  for (const [key, name] of Object.entries(NAMES) as Array<[keyof TransmissionHeaders, string]>) {
    const value = headers[name]?.trim();
    if (value) found[key] = value;
    else missing.push(name.toUpperCase());
  }
  if (missing.length > 0) return { ok: false, reason: `missing header ${missing.join(', ')}` };
  return { ok: true, headers: found as TransmissionHeaders };
}

/** Only certificates under a configured prefix are ever fetched. */
export function certUrlAllowed(certUrl: string, prefixes: readonly string[]): boolean {
  try {
    new URL(certUrl);
  } catch {
    return false;
  }
  return prefixes.some((prefix) => certUrl.startsWith(prefix));
}
