import { describe, expect, it } from 'vitest';
import { jsonDepthExceeds, LUA_JSON_MAX_DEPTH, unstorableFieldsIssue } from './json-depth.js';

describe('jsonDepthExceeds', () => {
  it('counts objects and arrays as JSON nests them; scalars add nothing', () => {
    expect(jsonDepthExceeds('text', 0)).toBe(false);
    expect(jsonDepthExceeds(null, 0)).toBe(false);
    expect(jsonDepthExceeds({}, 0)).toBe(true);
    expect(jsonDepthExceeds({}, 1)).toBe(false);
    const value = { a: [1, { b: [] }], c: 'x' }; // {} [ {} [] = 4
    expect(jsonDepthExceeds(value, 4)).toBe(false);
    expect(jsonDepthExceeds(value, 3)).toBe(true);
  });

  it('finds the deep branch beside shallow ones, and handles 100,000 levels without recursion', () => {
    const deep: unknown = JSON.parse(`${'['.repeat(100_000)}${']'.repeat(100_000)}`);
    expect(jsonDepthExceeds({ shallow: [1, 2], deep }, 1_000)).toBe(true);
    expect(jsonDepthExceeds({ shallow: [1, 2], deep }, 100_001)).toBe(false);
  });
});

describe('unstorableFieldsIssue', () => {
  const nestedArrays = (depth: number): unknown => JSON.parse(`${'['.repeat(depth)}${']'.repeat(depth)}`);

  it('accepts fields as deep as an entity can hold (999 levels, 1000 inside the entity)', () => {
    expect(unstorableFieldsIssue({ nested: nestedArrays(LUA_JSON_MAX_DEPTH - 2) })).toBeUndefined();
  });

  it('refuses fields one level deeper than cjson decodes, or 100,000 deep', () => {
    for (const nested of [nestedArrays(LUA_JSON_MAX_DEPTH - 1), nestedArrays(100_000)]) {
      expect(unstorableFieldsIssue({ nested })).toContain('deeper than 999 levels');
    }
  });
});
