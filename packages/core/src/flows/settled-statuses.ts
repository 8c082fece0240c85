import { ENTITY_KINDS, type EntityKind } from '@ripio-webhooks/schemas';
import { isTerminal, machineOf } from '../machines/machines.js';
import { expectedFinalStatus, FLOWS } from './flows.js';

/**
 * The statuses an entity may rest in for good, so that its retention clock runs there: every terminal status (no
 * way out), and every status a known flow ends in although the machine lets it move on (ORDER_CANCELLED, which a
 * refund may follow; KYC FAILED, which a resubmission may turn COMPLETED). A status on the way (DEPOSIT_RECEIVED,
 * DEPOSIT_BLOCKED, always followed by its refund) is not settled: an entity waiting there is kept.
 */
export function settledStatuses(kind: EntityKind): readonly string[] {
  return SETTLED[kind];
}

function settledOf(kind: EntityKind): readonly string[] {
  const flowEnds = new Set(FLOWS.filter((flow) => flow.kind === kind).map(expectedFinalStatus));
  return machineOf(kind).statuses.filter((status) => isTerminal(kind, status) || flowEnds.has(status));
}

const SETTLED = Object.fromEntries(ENTITY_KINDS.map((kind) => [kind, settledOf(kind)])) as Record<
  EntityKind,
  readonly string[]
>;
