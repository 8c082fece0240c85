import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handlersModuleUrl, loadHandlers, validateHandlerMap } from './load-handlers.js';

describe('loading HANDLERS_MODULE', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ripio-handlers-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('imports a module by absolute path or file URL and returns its handlers', async () => {
    const file = join(dir, 'handlers.mjs');
    await writeFile(
      file,
      "export default { 'OFF-RAMP.WITHDRAWAL.COMPLETED': async () => {}, '*': () => {} };\n",
      'utf8',
    );
    expect(Object.keys(await loadHandlers(file)).sort()).toEqual(['*', 'OFF-RAMP.WITHDRAWAL.COMPLETED']);
    expect(Object.keys(await loadHandlers(pathToFileURL(file).href))).toHaveLength(2);
  });

  it('refuses relative paths, missing default exports, unknown event types and non-functions', async () => {
    expect(() => handlersModuleUrl('./handlers.js')).toThrow(/absolute path/);
    const empty = join(dir, 'empty.mjs');
    await writeFile(empty, 'export const x = 1;\n', 'utf8');
    await expect(loadHandlers(empty)).rejects.toThrow(/export default/);
    expect(() => validateHandlerMap({ 'OFF-RAMP.TELEPORTED': () => undefined, '*': 'nope' }, 'm')).toThrow(
      /OFF-RAMP\.TELEPORTED: not a canonical event type[\s\S]*\*: not a function/,
    );
  });
});
