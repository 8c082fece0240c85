import { createHash } from 'node:crypto';

// Deterministic values derived from the entity id: the same id always gives the same value.

function digest(seed: string, label: string): string {
  return createHash('sha256').update(`${label}\u0000${seed}`).digest('hex');
}

export function derivedHex(seed: string, label: string, length: number): string {
  return digest(seed, label).slice(0, length);
}

export function derivedNumber(seed: string, label: string): number {
  return Number.parseInt(digest(seed, label).slice(0, 12), 16);
}

export function derivedDigits(seed: string, label: string, length: number): string {
  return String(derivedNumber(seed, label)).padStart(length, '0').slice(-length);
}

/** A version-4-shaped UUID (fixed version and variant nibbles) from a hash. */
export function derivedUuid(seed: string, label: string): string {
  const hex = digest(seed, label);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export function txHash(seed: string, label: string): string {
  return `0x${digest(seed, `tx-hash:${label}`)}`;
}

export function evmAddress(seed: string, label: string): string {
  return `0x${digest(seed, `address:${label}`).slice(0, 40)}`;
}

/** ARS between 5,000.00 and 504,999.50, in steps of 0.50. */
export function fiatAmountOf(entityId: string): string {
  return (5000 + (derivedNumber(entityId, 'fiat-amount') % 1_000_000) / 2).toFixed(2);
}

/** USDC between 10.00 and 2,009.99. */
export function cryptoAmountOf(entityId: string): string {
  return (10 + (derivedNumber(entityId, 'crypto-amount') % 200_000) / 100).toFixed(2);
}

/** ARS per USDC between 1150.00 and 1249.99. */
export function rateOf(entityId: string): string {
  return (1150 + (derivedNumber(entityId, 'rate') % 10_000) / 100).toFixed(2);
}

export function marketRateOf(rate: string): string {
  return (Number(rate) * 1.004).toFixed(2);
}

export function divide(numerator: string, denominator: string, decimals: number): string {
  return (Number(numerator) / Number(denominator)).toFixed(decimals);
}

export function minutes(count: number): number {
  return count * 60_000;
}

export function isoMillis(ms: number): string {
  return new Date(ms).toISOString();
}

/** Python-style microseconds, as in Ripio's examples: `2024-10-01T15:20:00.000000Z`. */
export function isoMicros(ms: number): string {
  return new Date(ms).toISOString().replace(/Z$/, '000Z');
}
