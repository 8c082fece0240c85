import { describe, expect, it } from 'vitest';
import { DEAD_LETTER_REASONS } from '@ripio-webhooks/contracts';
import { ENTITY_KINDS } from '@ripio-webhooks/schemas';
import { readConsoleScripts, readPublic, renderConsolePage } from './console-page.js';

describe('the console page', () => {
  it('offers every entity kind and dead-letter reason from their one definition', () => {
    const page = renderConsolePage(readPublic('index.html'));
    expect(page).not.toMatch(/<!-- options:/);
    const select = (id: string) =>
      new RegExp(`<select id="${id}"[^>]*>([\\s\\S]*?)</select>`).exec(page)?.[1];
    const values = (html: string | undefined) =>
      [...(html ?? '').matchAll(/<option value="([^"]*)">/g)].map((m) => m[1]);
    expect(values(select('entity-kind'))).toEqual([...ENTITY_KINDS]);
    expect(values(select('dlq-reason'))).toEqual(['', ...DEAD_LETTER_REASONS]);
  });

  it('refuses a marker it has no list for', () => {
    expect(() => renderConsolePage('<select><!-- options: planets --></select>')).toThrow(/planets/);
  });

  it('serves the compiled console modules, each relative import resolving to one of them', () => {
    const scripts = readConsoleScripts();
    expect(scripts.get('console.js')).toMatch(/^import \{ .+ \} from '\.\/dom\.js';$/m);
    for (const [name, source] of scripts) {
      for (const [, target] of source.matchAll(/ from '\.\/([^']+)'/g)) {
        expect(scripts.has(target ?? ''), `${name} imports ./${target}`).toBe(true);
      }
    }
  });
});
