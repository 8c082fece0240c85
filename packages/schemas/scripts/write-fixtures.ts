// Regenerates fixtures/realistic/ from the sample-event builder:
//   node --experimental-strip-types scripts/write-fixtures.ts        (from packages/schemas)
// Node strips the types but does not map the `.js` import specifiers of src/ to their `.ts` files, so a resolve
// hook does that before src/ is imported. fixtures/docs/ is not generated: it is copied from Ripio's docs.
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { registerHooks } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

registerHooks({
  resolve(specifier, context, nextResolve) {
    if (specifier.startsWith('.') && specifier.endsWith('.js') && context.parentURL !== undefined) {
      const candidate = new URL(specifier.replace(/\.js$/, '.ts'), context.parentURL);
      if (existsSync(fileURLToPath(candidate))) return nextResolve(candidate.href, context);
    }
    return nextResolve(specifier, context);
  },
});

const { realisticFixtures } = await import('../src/realistic-fixtures.js');

const directory = fileURLToPath(new URL('../fixtures/realistic/', import.meta.url));
mkdirSync(directory, { recursive: true });
const fixtures = realisticFixtures();
const wanted = new Set(fixtures.map((fixture) => fixture.fileName));
for (const stale of readdirSync(directory).filter((name) => !wanted.has(name))) {
  rmSync(join(directory, stale));
}
for (const fixture of fixtures) writeFileSync(join(directory, fixture.fileName), fixture.text);
console.log(`wrote ${fixtures.length} fixtures to ${directory}`);
