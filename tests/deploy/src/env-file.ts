export interface EnvFile {
  /** Variables set on an uncommented `NAME=value` line. */
  set: Map<string, string>;
  /** Every variable the file mentions, set or shown commented out (`# NAME=default`). */
  documented: Set<string>;
}

const LINE = /^(#\s*)?([A-Z][A-Z0-9_]*)=(.*)$/;

/** Reads a dotenv file such as .env.example (no quoting or interpolation: the file does not use them). */
export function parseEnvFile(text: string): EnvFile {
  const set = new Map<string, string>();
  const documented = new Set<string>();
  for (const line of text.split('\n')) {
    const match = LINE.exec(line.trim());
    if (match === null) continue;
    const [, comment, name = '', value = ''] = match;
    documented.add(name);
    if (comment === undefined) set.set(name, value);
  }
  return { set, documented };
}
