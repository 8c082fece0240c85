import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { describeDiagnosis, diagnoseSignature } from '../verify/diagnose-signature.js';
import { printJson, ripioSecretOf, secretFlags, UsageError, type CommandContext } from './common.js';

const VERIFY_USAGE = `ripio-webhooks verify --body <file> --signature <sha256=...> [--secret-file <file>] [--json]

Checks whether Ripio's X-Wh-Signature-256 matches the exact bytes of <file> with Ripio's webhook secret, read from
--secret-file, else RIPIO_WEBHOOK_SECRET or the file named by RIPIO_WEBHOOK_SECRET_FILE (--secret <secret> still
works but is deprecated: the shell history keeps it). On a mismatch it
tries the usual re-serializations of the body (pretty-printed, compact without ASCII escaping, Python's default
separators, an added or removed final newline) and says which one the signature matches: the sign that the body
was parsed and serialized again before verification. Exit code 0 on a match, 1 on a mismatch.`;

export async function verifyCommand(args: readonly string[], context: CommandContext): Promise<number> {
  const { io } = context;
  const { values } = parseArgs({
    args: [...args],
    options: {
      body: { type: 'string' },
      signature: { type: 'string' },
      ...secretFlags,
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) {
    io.out(VERIFY_USAGE);
    return 0;
  }
  if (values.body === undefined || values.signature === undefined) {
    throw new UsageError('verify needs --body and --signature');
  }
  const secret = await ripioSecretOf(values, context);
  if (secret === undefined) {
    throw new UsageError(
      'no secret: set RIPIO_WEBHOOK_SECRET or RIPIO_WEBHOOK_SECRET_FILE, or pass --secret-file',
    );
  }
  const body = await readFile(values.body);
  const diagnosis = diagnoseSignature(body, values.signature, secret);
  if (values.json) printJson(io, diagnosis);
  else io.out(describeDiagnosis(diagnosis));
  return diagnosis.verdict === 'match' ? 0 : 1;
}
