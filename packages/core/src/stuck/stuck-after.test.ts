import { ENTITY_KINDS } from '@ripio-webhooks/schemas';
import { describe, expect, it } from 'vitest';
import { isTerminal } from '../machines/machines.js';
import {
  defaultStuckThresholds,
  parseDurationSeconds,
  parseStuckAfter,
  watchedStatuses,
} from './stuck-after.js';

describe('stuck thresholds (STUCK_AFTER)', () => {
  it('watches exactly the statuses an entity is expected to leave, each with a default', () => {
    const watched = defaultStuckThresholds().map(({ kind, status }) => `${kind}:${status}`);
    expect(watched).toEqual([
      'on-ramp:DEPOSIT_RECEIVED',
      'on-ramp:TRADE_COMPLETED',
      'on-ramp:WITHDRAWAL_PROCESSING',
      'off-ramp:DEPOSIT_RECEIVED',
      'off-ramp:TRADE_COMPLETED',
      'off-ramp:WITHDRAWAL_PROCESSING',
      'sell-and-pay:DEPOSIT_RECEIVED',
      'sell-and-pay:DEPOSIT_BLOCKED',
      'kyc:IN_REVIEW',
    ]);
    for (const threshold of defaultStuckThresholds()) expect(threshold.afterSeconds).toBeGreaterThan(0);
    for (const kind of ENTITY_KINDS) {
      for (const status of watchedStatuses(kind)) expect(isTerminal(kind, status)).toBe(false);
    }
    // A cancelled order may see a refund, but a flow ends there: it is not watched.
    expect(watchedStatuses('off-ramp')).not.toContain('ORDER_CANCELLED');
    expect(watchedStatuses('account')).toEqual([]);
  });

  it('reads durations in s, m, h, d and 0', () => {
    expect(parseDurationSeconds('90s')).toBe(90);
    expect(parseDurationSeconds('30m')).toBe(1_800);
    expect(parseDurationSeconds('4h')).toBe(14_400);
    expect(parseDurationSeconds('2d')).toBe(172_800);
    expect(parseDurationSeconds('0')).toBe(0);
    expect(parseDurationSeconds('15')).toBeUndefined();
    expect(parseDurationSeconds('1w')).toBeUndefined();
    expect(parseDurationSeconds('')).toBeUndefined();
  });

  it('overrides the defaults item by item, 0 turning a rule off', () => {
    const parsed = parseStuckAfter('off-ramp:WITHDRAWAL_PROCESSING=30m, kyc:IN_REVIEW=0');
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    const of = (kind: string, status: string) =>
      parsed.thresholds.find((each) => each.kind === kind && each.status === status)?.afterSeconds;
    expect(of('off-ramp', 'WITHDRAWAL_PROCESSING')).toBe(1_800);
    expect(of('kyc', 'IN_REVIEW')).toBe(0);
    expect(of('on-ramp', 'WITHDRAWAL_PROCESSING')).toBe(7_200);
    expect(parseStuckAfter('')).toEqual({ ok: true, thresholds: defaultStuckThresholds() });
  });

  it('refuses an unknown kind or status, a settled status, a bad duration and a malformed item', () => {
    expect(parseStuckAfter('off-ramp:WITHDRAWAL_COMPLETED=1h')).toMatchObject({ ok: false });
    expect(parseStuckAfter('boat:SAILING=1h')).toMatchObject({ ok: false });
    const soon = parseStuckAfter('kyc:IN_REVIEW=soon');
    expect(soon.ok ? '' : soon.error).toContain('"soon" is not a duration');
    expect(parseStuckAfter('kyc IN_REVIEW 1h')).toMatchObject({ ok: false });
  });
});
