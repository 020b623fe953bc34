// Decimal strings in whole cents: amounts stay exact, never floats.

const AMOUNT = /^(\d{1,9})(?:\.(\d{1,2}))?$/;

/** Cents of a positive decimal like `12.34`, or null when it is not one. */
export function parseAmount(text: string): number | null {
  const match = AMOUNT.exec(text.trim());
  if (!match) return null;
  const cents = Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
  return cents > 0 ? cents : null;
}

export function formatCents(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const absolute = Math.abs(cents);
  return `${sign}${Math.floor(absolute / 100)}.${String(absolute % 100).padStart(2, '0')}`;
}
