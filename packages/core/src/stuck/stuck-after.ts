import { parseDurationMs } from '../settings/duration.js';
import { ENTITY_KINDS, type EntityKind } from '@ripio-webhooks/schemas';
import { settledStatuses } from '../flows/settled-statuses.js';
import { machineOf } from '../machines/machines.js';

/** How long an entity may rest in one status that is not settled before it counts as stuck. */
export interface StuckThreshold {
  kind: EntityKind;
  status: string;
  /** 0: never counts as stuck (the rule is off). */
  afterSeconds: number;
}

const HOUR = 3_600;

/**
 * The defaults, from Ripio's flows (Ripio documents no timings: these are the waits past which an operator should
 * look, well beyond a normal run of the flow). Ramps move from deposit to trade to withdrawal within minutes; an
 * off-ramp's fiat payout may take a few hours of banking time; a blocked Sell and Pay deposit waits for its refund
 * (a compliance decision, up to a day); a KYC review is manual and may take two days.
 */
const DEFAULTS: Readonly<Record<string, number>> = {
  'on-ramp:DEPOSIT_RECEIVED': 1 * HOUR,
  'on-ramp:TRADE_COMPLETED': 1 * HOUR,
  'on-ramp:WITHDRAWAL_PROCESSING': 2 * HOUR,
  'off-ramp:DEPOSIT_RECEIVED': 1 * HOUR,
  'off-ramp:TRADE_COMPLETED': 1 * HOUR,
  'off-ramp:WITHDRAWAL_PROCESSING': 4 * HOUR,
  'sell-and-pay:DEPOSIT_RECEIVED': 2 * HOUR,
  'sell-and-pay:DEPOSIT_BLOCKED': 24 * HOUR,
  'kyc:IN_REVIEW': 48 * HOUR,
};

/**
 * The statuses of `kind` an entity is expected to leave: neither terminal nor where a known flow ends. Only these
 * are indexed and can be stuck.
 */
export function watchedStatuses(kind: EntityKind): readonly string[] {
  return WATCHED[kind];
}

function watchedOf(kind: EntityKind): readonly string[] {
  return machineOf(kind).statuses.filter((status) => !settledStatuses(kind).includes(status));
}

const WATCHED = Object.fromEntries(ENTITY_KINDS.map((kind) => [kind, watchedOf(kind)])) as Record<
  EntityKind,
  readonly string[]
>;

/** Every watched (kind, status) with its default threshold. */
export function defaultStuckThresholds(): StuckThreshold[] {
  return ENTITY_KINDS.flatMap((kind) =>
    watchedStatuses(kind).map((status) => ({
      kind,
      status,
      afterSeconds: DEFAULTS[`${kind}:${status}`] ?? 0,
    })),
  );
}

/** `90s`, `30m`, `4h`, `2d` or `0` in seconds; undefined when unreadable. */
export function parseDurationSeconds(text: string): number | undefined {
  const bare = text.trim();
  if (/^\d+$/.test(bare)) return Number(bare) === 0 ? 0 : undefined;
  const ms = parseDurationMs(bare, ['s', 'm', 'h', 'd']);
  return ms === undefined ? undefined : ms / 1_000;
}

export type StuckAfterParse = { ok: true; thresholds: StuckThreshold[] } | { ok: false; error: string };

/**
 * The thresholds for `STUCK_AFTER`: the defaults, each overridden by an item `kind:STATUS=duration` of the
 * comma-separated list (`0` turns a rule off). A kind, status or duration that does not exist is an error.
 */
export function parseStuckAfter(text: string): StuckAfterParse {
  const thresholds = defaultStuckThresholds();
  for (const item of text.split(',').map((part) => part.trim())) {
    if (item === '') continue;
    const match = /^([a-z-]+):([A-Z_]+)=(.+)$/.exec(item);
    if (match === null) return { ok: false, error: `"${item}" is not kind:STATUS=duration` };
    const [, kind = '', status = '', duration = ''] = match;
    const rule = thresholds.find((each) => each.kind === kind && each.status === status);
    if (rule === undefined) {
      return { ok: false, error: `${kind}:${status} is not a status an entity waits in (${watchedList()})` };
    }
    const seconds = parseDurationSeconds(duration);
    if (seconds === undefined) {
      return { ok: false, error: `"${duration}" is not a duration (30m, 4h, 2d, 0)` };
    }
    rule.afterSeconds = seconds;
  }
  return { ok: true, thresholds };
}

function watchedList(): string {
  return defaultStuckThresholds()
    .map(({ kind, status }) => `${kind}:${status}`)
    .join(', ');
}
