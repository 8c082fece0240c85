import { readFileSync } from 'node:fs';
import type { RedisClient } from './connection.js';

/** The Lua scripts in `lua/`, by file name (`<name>-<numberOfKeys>.lua`). */
export const SCRIPT_FILES = [
  'lockAndLoad-7.lua',
  'commitEvent-8.lua',
  'releaseLock-1.lua',
  'parkEvent-3.lua',
  'holdOnFailure-5.lua',
  'markDeadLettered-2.lua',
  'releaseHold-5.lua',
  'casBreaker-1.lua',
] as const;
export type ScriptFile = (typeof SCRIPT_FILES)[number];

type ScriptArg = string | number;
type ScriptCommand = (...args: ScriptArg[]) => Promise<unknown>;

const sources = new Map<ScriptFile, string>();

/** A file of `lua/` at the package root: `../lua` from both `src/` and `dist/`. */
function readLua(path: string): string {
  return readFileSync(new URL(`../lua/${path}`, import.meta.url), 'utf8');
}

/**
 * A script's source, with each `--@include <name>` line replaced by `lua/includes/<name>.lua`: a piece of Lua
 * two operations share (a hold's advance, entity retention) is written once and still runs inside each script.
 */
function scriptSource(file: ScriptFile): string {
  let source = sources.get(file);
  if (source === undefined) {
    source = readLua(file).replace(/^--@include (\w+)$/gm, (_line, name: string) =>
      readLua(`includes/${name}.lua`),
    );
    sources.set(file, source);
  }
  return source;
}

function commandName(file: ScriptFile): string {
  return `ripio_${file.replace(/-\d+\.lua$/, '')}`;
}

function numberOfKeys(file: ScriptFile): number {
  const match = /-(\d+)\.lua$/.exec(file);
  if (match?.[1] === undefined) throw new Error(`script file ${file} does not end in -<numberOfKeys>.lua`);
  return Number(match[1]);
}

const defined = new WeakMap<RedisClient, Set<ScriptFile>>();

/**
 * Runs one script: defined once per client with `defineCommand`, so ioredis sends EVALSHA and falls back to EVAL
 * when the server does not know the script yet (after a restart or a SCRIPT FLUSH).
 */
export async function runScript(
  redis: RedisClient,
  file: ScriptFile,
  keys: readonly string[],
  args: readonly ScriptArg[],
): Promise<unknown> {
  const expectedKeys = numberOfKeys(file);
  if (keys.length !== expectedKeys) {
    throw new Error(`${file} takes ${expectedKeys} keys, got ${keys.length}`);
  }
  let files = defined.get(redis);
  if (files === undefined) {
    files = new Set();
    defined.set(redis, files);
  }
  const name = commandName(file);
  if (!files.has(file)) {
    redis.defineCommand(name, { lua: scriptSource(file), numberOfKeys: expectedKeys });
    files.add(file);
  }
  const command = (redis as unknown as Record<string, ScriptCommand>)[name];
  if (command === undefined) throw new Error(`script command ${name} is not defined`);
  return command.call(redis, ...keys, ...args);
}
