import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { findBinary, runCommand } from './binaries.js';
import { readRepoFile, repoPath, repoRoot } from './repo.js';

/** README.md and every page of docs/ but the generated settings table. */
const DOC_FILES = [
  'README.md',
  ...readdirSync(repoPath('docs'))
    .filter((name) => name.endsWith('.md') && name !== 'configuration.md')
    .map((name) => `docs/${name}`),
];
const docs = DOC_FILES.map((file) => ({ file, text: readRepoFile(...file.split('/')) }));
const rootScripts = (JSON.parse(readRepoFile('package.json')) as { scripts: Record<string, string> }).scripts;
const cli = repoPath('packages', 'cli', 'dist', 'main.js');

/** Subcommands that take a second word (`entity get`, `dlq list`). */
const GROUPS = new Set(['entity', 'dlq']);

interface CliLine {
  where: string;
  words: string[];
}

/**
 * Every `npm run cli -- ...` the docs show, in code blocks and inline code: the words after `--`, with shell
 * comments, continuations and quoting removed (a continued line is joined to the next).
 */
function documentedCliLines(): CliLine[] {
  const lines: CliLine[] = [];
  for (const { file, text } of docs) {
    const joined = text.replace(/\\\n\s*/g, ' ');
    for (const [index, line] of joined.split('\n').entries()) {
      for (const match of line.matchAll(/npm run(?: -s)? cli -- ([^`]*)/g)) {
        const command = (match[1] ?? '').replace(/\s+#.*$/, '').trim();
        const words = [...command.matchAll(/'[^']*'|"[^"]*"|\S+/g)].map((word) => word[0]);
        lines.push({ where: `${file}:${index + 1}: ${command}`, words });
      }
    }
  }
  return lines;
}

/** The subcommand a documented line runs (`dlq list`, `stats`), or undefined for a placeholder (`<command>`). */
function subcommandOf(words: readonly string[]): string[] | undefined {
  const [first, second] = words;
  if (first === undefined || first.startsWith('<')) return undefined;
  if (GROUPS.has(first) && second !== undefined && !second.startsWith('-')) return [first, second];
  return [first];
}

describe('commands the README and the docs print', () => {
  const lines = documentedCliLines();

  it('call the CLI as `npm run cli -- ...` (no pnpm on a new machine), through the bootstrap', () => {
    expect(lines.length).toBeGreaterThan(20);
    for (const { file, text } of docs) {
      expect(text, file).not.toMatch(
        /pnpm ripio-webhooks|`ripio-webhooks (?:simulate|verify|entity|dlq|stats)/,
      );
    }
    expect(rootScripts.cli).toBe('node scripts/bootstrap.mjs cli');
    expect(readRepoFile('scripts', 'bootstrap.mjs')).toMatch(/target === 'cli'/);
  });

  it('each documented `npm run <script>` / `npm start|test` is a root script', () => {
    for (const { file, text } of docs) {
      for (const match of text.matchAll(/\bnpm (?:run(?: -s)? ([\w:-]+)|(start|test)\b)/g)) {
        const script = match[1] ?? match[2] ?? '';
        expect(rootScripts[script], `${file}: npm ${match[0]}`).toBeDefined();
      }
    }
  });

  it('each documented CLI line names a real subcommand and only options its --help lists', async () => {
    const helps = new Map<string, string>();
    for (const { where, words } of lines) {
      const subcommand = subcommandOf(words);
      if (subcommand === undefined) continue;
      const key = subcommand.join(' ');
      let help = helps.get(key);
      if (help === undefined) {
        const result = await runCommand(process.execPath, [cli, ...subcommand, '--help']);
        expect(result.code, `${where}\n${result.stdout}${result.stderr}`).toBe(0);
        help = result.stdout;
        helps.set(key, help);
      }
      for (const option of words.filter((word) => /^--[a-z]/.test(word))) {
        const name = option.split('=')[0] ?? option;
        expect(help, `${where}: ${name} is not in \`${key} --help\``).toContain(name);
      }
    }
    expect([...helps.keys()].sort()).toEqual(
      expect.arrayContaining(['dlq list', 'entity get', 'simulate', 'stats', 'verify']),
    );
  });

  const npm = findBinary('npm');
  it.skipIf(npm === undefined)('`npm run cli -- --help` runs the CLI as printed', async () => {
    const result = await runCommand(npm ?? 'npm', ['run', '-s', 'cli', '--', '--help'], { cwd: repoRoot });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout.startsWith('ripio-webhooks <command>')).toBe(true);
  });
});
