#!/usr/bin/env node
import { runCli } from './cli.js';
import { loadEnv, processEnv } from './env.js';

const io = {
  out: (text: string) => process.stdout.write(`${text}\n`),
  err: (text: string) => process.stderr.write(`${text}\n`),
};

try {
  const env = loadEnv(processEnv());
  process.exitCode = await runCli(process.argv.slice(2), { io, env, stdout: process.stdout });
} catch (error) {
  io.err(error instanceof Error ? `error: ${error.message}` : `error: ${String(error)}`);
  process.exitCode = 1;
}
