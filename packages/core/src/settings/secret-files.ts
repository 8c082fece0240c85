/** One problem with a secret file: the variable it concerns and what is wrong. */
interface SecretFileIssue {
  readonly path: readonly string[];
  readonly message: string;
}

/** Reads a file's text: the one I/O the settings need, supplied by the program (core does no I/O). */
export type ReadTextFile = (path: string) => string;

/** The variable naming the file that holds secret setting `name`'s value (the Docker and Kubernetes convention). */
function secretFileVariable(name: string): string {
  return `${name}_FILE`;
}

export type SecretFilesResult =
  { ok: true; source: Record<string, string | undefined> } | { ok: false; issues: SecretFileIssue[] };

const isSet = (value: string | undefined): value is string => value !== undefined && value.trim() !== '';

/**
 * `source` with each secret setting given as `NAME_FILE` replaced by the file's content (one trailing newline
 * dropped, as `echo` and most editors write one). Setting both `NAME` and `NAME_FILE` is an error, and so is a file
 * that cannot be read; a blank value counts as unset for both. The file's content is never part of a message.
 */
export function readSecretFiles(
  secretNames: readonly string[],
  source: Readonly<Record<string, string | undefined>>,
  readFile: ReadTextFile,
): SecretFilesResult {
  const resolved: Record<string, string | undefined> = { ...source };
  const issues: SecretFileIssue[] = [];
  for (const name of secretNames) {
    const fileVariable = secretFileVariable(name);
    const path = source[fileVariable];
    if (!isSet(path)) continue;
    if (isSet(source[name])) {
      issues.push({ path: [name], message: `set ${name} or ${fileVariable}, not both` });
      continue;
    }
    try {
      resolved[name] = readFile(path.trim()).replace(/\r?\n$/, '');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
      issues.push({ path: [fileVariable], message: `${fileVariable}: cannot read ${path.trim()} (${code})` });
    }
  }
  return issues.length === 0 ? { ok: true, source: resolved } : { ok: false, issues };
}
