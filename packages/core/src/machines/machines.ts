import type { EntityKind } from '@ripio-webhooks/schemas';
import { accountMachine } from './account.js';
import { kycMachine } from './kyc.js';
import { offRampMachine } from './off-ramp.js';
import { onRampMachine } from './on-ramp.js';
import { sellAndPayOrphanDepositMachine } from './sell-and-pay-orphan-deposit.js';
import { sellAndPayMachine } from './sell-and-pay.js';
import type { StateMachine } from './state-machine.js';
import { supportTicketMachine } from './support-ticket.js';

/** The state machine of every entity kind. */
const MACHINES: { readonly [K in EntityKind]: StateMachine } = {
  'on-ramp': onRampMachine,
  'off-ramp': offRampMachine,
  'sell-and-pay': sellAndPayMachine,
  'sell-and-pay-orphan-deposit': sellAndPayOrphanDepositMachine,
  'support-ticket': supportTicketMachine,
  kyc: kycMachine,
  account: accountMachine,
};

export function machineOf(kind: EntityKind): StateMachine {
  return MACHINES[kind];
}

/** A status with no way out. Throws for a status the kind does not have (a bug, not an input). */
export function isTerminal(kind: EntityKind, status: string): boolean {
  return directNext(machineOf(kind), status).length === 0;
}

function directNext(machine: StateMachine, status: string): readonly string[] {
  if (!Object.hasOwn(machine.next, status)) {
    throw new Error(`Status ${status} is not a status of ${machine.kind}`);
  }
  return machine.next[status] ?? [];
}

const closures = new Map<EntityKind, ReadonlyMap<string, ReadonlySet<string>>>();

/** Every status reachable from `status` in one or more moves (the transitive closure of `next`). */
export function reachableFrom(kind: EntityKind, status: string): ReadonlySet<string> {
  let closure = closures.get(kind);
  if (closure === undefined) {
    closure = closureOf(machineOf(kind));
    closures.set(kind, closure);
  }
  const reachable = closure.get(status);
  if (reachable === undefined) throw new Error(`Status ${status} is not a status of ${kind}`);
  return reachable;
}

function closureOf(machine: StateMachine): ReadonlyMap<string, ReadonlySet<string>> {
  const closure = new Map<string, ReadonlySet<string>>();
  for (const start of machine.statuses) {
    const seen = new Set<string>();
    const pending = [...directNext(machine, start)];
    for (let status = pending.pop(); status !== undefined; status = pending.pop()) {
      if (seen.has(status)) continue;
      seen.add(status);
      pending.push(...directNext(machine, status));
    }
    closure.set(start, seen);
  }
  return closure;
}
