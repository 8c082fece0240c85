/**
 * The deepest JSON Redis's Lua `cjson.decode` accepts (lua-cjson's `decode_max_depth`, 1000 in Redis 7): one
 * level deeper fails with "Found too many nested data structures". the store's commit script (commitEvent-8.lua) decodes the stored entity
 * on every later commit of that entity, so an entity deeper than this, once stored, would block its entity for
 * good.
 */
export const LUA_JSON_MAX_DEPTH = 1000;

/**
 * Whether `value`, as JSON, nests objects and arrays deeper than `maxDepth` (`{}` and `[]` are depth 1, a scalar
 * 0). Iterative, and it stops at the first path past the limit, so a 100,000-deep value costs no more than the
 * limit and cannot overflow the stack (JSON.stringify throws a RangeError on such a value).
 */
export function jsonDepthExceeds(value: unknown, maxDepth: number): boolean {
  const pending: Array<{ value: unknown; depth: number }> = [{ value, depth: 0 }];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    if (typeof next.value !== 'object' || next.value === null) continue;
    const depth = next.depth + 1;
    if (depth > maxDepth) return true;
    const children: unknown[] = Array.isArray(next.value) ? next.value : Object.values(next.value);
    for (const child of children) {
      if (typeof child === 'object' && child !== null) pending.push({ value: child, depth });
    }
  }
  return false;
}

/**
 * Why an event's object can never be stored as an entity's `fields`, or undefined when it can: the one depth check
 * of the service, made before the entity is locked. `fields` sits one level inside the entity JSON, which
 * the store's commit script decodes with cjson on the entity's next commit.
 */
export function unstorableFieldsIssue(fields: unknown): string | undefined {
  return jsonDepthExceeds(fields, LUA_JSON_MAX_DEPTH - 1)
    ? `the event's object nests deeper than ${LUA_JSON_MAX_DEPTH - 1} levels: stored as an entity it could ` +
        `not be decoded by Redis's Lua cjson (at most ${LUA_JSON_MAX_DEPTH} levels)`
    : undefined;
}
