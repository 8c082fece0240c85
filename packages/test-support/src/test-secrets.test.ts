import { secretProblem } from '@ripio-webhooks/core';
import { describe, expect, it } from 'vitest';
import * as secrets from './test-secrets.js';

describe('test secrets', () => {
  it.each(Object.entries(secrets))('%s passes the apps’ secret rule', (_name, value) => {
    expect(secretProblem(value)).toBeUndefined();
  });

  it('are all different', () => {
    const values = Object.values(secrets);
    expect(new Set(values).size).toBe(values.length);
  });
});
