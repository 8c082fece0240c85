import type { Spread } from '../stats.js';

export const ms = (value: number): string =>
  Number.isFinite(value) ? value.toFixed(value < 10 ? 2 : 1) : 'n/a';
export const int = (value: number): string =>
  Number.isFinite(value) ? Math.round(value).toLocaleString('en-US') : 'n/a';
export const spreadRps = (spread: Spread): string =>
  `${int(spread.median)} (${int(spread.min)}-${int(spread.max)})`;
export const spreadMs = (spread: Spread): string =>
  `${ms(spread.median)} (${ms(spread.min)}-${ms(spread.max)})`;
export const ratio = (value: number): string => (Number.isFinite(value) ? `${value.toFixed(2)}x` : 'n/a');

/** A Markdown table. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  return [
    `| ${header.join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...rows.map((row) => `| ${row.join(' | ')} |`),
  ].join('\n');
}
