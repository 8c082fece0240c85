import { FLOWS, type Flow } from '@ripio-webhooks/core';
import { catalogEntryOf, type Family } from '@ripio-webhooks/schemas';

/** The flows a simulation may choose from, grouped by family, in FLOWS order. */
export function flowsByFamily(
  families: readonly Family[],
  includeInferred: boolean,
  flows: readonly Flow[] = FLOWS,
): Map<Family, Flow[]> {
  const grouped = new Map<Family, Flow[]>();
  for (const flow of flows) {
    if (!flow.documented && !includeInferred) continue;
    const family = familyOfFlow(flow);
    if (!families.includes(family)) continue;
    grouped.set(family, [...(grouped.get(family) ?? []), flow]);
  }
  return grouped;
}

function familyOfFlow(flow: Flow): Family {
  const first = flow.events[0];
  const entry = first === undefined ? undefined : catalogEntryOf(first);
  if (entry === undefined) throw new Error(`flow ${flow.name} has no catalog event`);
  return entry.family;
}
