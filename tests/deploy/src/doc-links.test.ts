import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { markdownLinkProblems } from './markdown-links.js';
import { repoRoot } from './repo.js';

describe('markdown links of README.md and docs/', () => {
  it('each resolves: relative links to existing files and headings, absolute links only to https pages', async () => {
    expect(await markdownLinkProblems(repoRoot, ['README.md', 'docs'])).toEqual([]);
  });
});

describe('the link check', () => {
  const root = mkdtempSync(join(tmpdir(), 'ripio-links-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('reports a missing file, a missing heading, a link out of the tree and a non-https link', async () => {
    mkdirSync(join(root, 'docs'));
    writeFileSync(join(root, 'docs', 'other.md'), '# Other\n\n## A heading\n');
    writeFileSync(
      join(root, 'README.md'),
      [
        '# Readme',
        '',
        '[fine](docs/other.md#a-heading) [fine too](https://docs.ripio.com/ramps-api/webhooks/introduction)',
        '',
        '[gone](docs/missing.md)',
        '',
        '[no such heading](docs/other.md#nowhere)',
        '',
        '[outside](../shared/notes.md)',
        '',
        '[plain http](http://example.com/page) [local](https://localhost:8080/x)',
        '',
      ].join('\n'),
    );
    const problems = await markdownLinkProblems(root, ['README.md', 'docs']);
    expect([...problems].sort()).toEqual([
      'README.md:11: absolute link http://example.com/page is not https',
      'README.md:11: link https://localhost:8080/x points at a local machine, not a public page',
      'README.md:5: Cannot find file `docs/missing.md`',
      'README.md:7: Cannot find heading for `#nowhere` in `docs/other.md`',
      'README.md:9: Cannot find file `../shared/notes.md`',
      'README.md:9: link ../shared/notes.md points outside the repository',
    ]);
  });
});
