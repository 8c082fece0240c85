import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { parseSettings } from './parse-settings.js';

const readText = (path: string): string => readFileSync(path, 'utf8');

const Settings = z.object({
  PORT: z.coerce.number().int().min(1).default(8080),
  TOKEN: z.string({ error: 'TOKEN is required' }).min(4),
});

describe('parseSettings', () => {
  it('returns the parsed settings with defaults', () => {
    expect(parseSettings(Settings, { TOKEN: 'abcd' }, 'test', readText)).toEqual({
      ok: true,
      env: { PORT: 8080, TOKEN: 'abcd' },
    });
  });

  it('names every bad or missing variable, one line each', () => {
    expect(parseSettings(Settings, { PORT: 'eighty' }, 'test', readText)).toEqual({
      ok: false,
      message:
        'invalid test settings:\n  PORT: Invalid input: expected number, received NaN\n  TOKEN: TOKEN is required',
    });
  });
});
