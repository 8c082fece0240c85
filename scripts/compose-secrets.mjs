#!/usr/bin/env node
// Writes the secret files docker-compose.yml mounts (deploy/secrets/<name>), each with a fresh random value, and
// never overwrites one that exists (rotate by editing the file, then `docker compose up -d`). The folder is 700, so
// only its owner reaches the files on the host; the files are 644 because compose bind-mounts each one as it is, and
// the containers read it as their own unprivileged users (node, nobody), not as the file's owner.
//
//   node scripts/compose-secrets.mjs          generate the missing ones; Ripio's secret must already be there
//   node scripts/compose-secrets.mjs --dev    also invent Ripio's secret (a local stack that `simulate` feeds)
//   node scripts/compose-secrets.mjs --dir <dir>   write elsewhere (tests)
//
// ripio_webhook_secrets is the one secret Ripio issues: write it yourself (printf '%s' '<secret>' > the file).
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const hex = () => randomBytes(32).toString('hex');

/** Each compose secret and how to make a value for it (undefined: only the operator can supply it). */
const SECRETS = {
  ripio_webhook_secrets: undefined,
  intake_proof_keys: hex,
  admin_token: hex,
  // The key operators' tokens are hashed with at rest (the admin app).
  operator_token_key: hex,
  // A Standard Webhooks signing secret: give the same value to the service behind FORWARD_URL.
  forward_secret: () => `whsec_${randomBytes(32).toString('base64')}`,
};

const args = process.argv.slice(2);
const dev = args.includes('--dev');
const dirIndex = args.indexOf('--dir');
const dir = dirIndex === -1 ? join(root, 'deploy', 'secrets') : args[dirIndex + 1];
mkdirSync(dir, { recursive: true, mode: 0o700 });
chmodSync(dir, 0o700);

let missing = false;
for (const [name, generate] of Object.entries(SECRETS)) {
  const file = join(dir, name);
  if (existsSync(file)) {
    process.stdout.write(`${file}: kept\n`);
    continue;
  }
  const make = generate ?? (dev ? () => `whsec_local_${randomBytes(24).toString('hex')}` : undefined);
  if (make === undefined) {
    process.stderr.write(
      `${file}: missing; write the secret Ripio gave you there (or use --dev for a local stack)\n`,
    );
    missing = true;
    continue;
  }
  // flag wx: never replace a file another process wrote meanwhile.
  writeFileSync(file, make(), { mode: 0o644, flag: 'wx' });
  process.stdout.write(`${file}: generated\n`);
}
process.exitCode = missing ? 1 : 0;
