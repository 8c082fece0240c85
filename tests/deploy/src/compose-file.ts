import { parse } from 'yaml';
import { readRepoFile } from './repo.js';

/** The parts of a compose service the tests look at (the compose schema check covers the rest). */
export interface ComposeService {
  image?: string;
  build?: { context?: string; target?: string };
  command?: string[] | string;
  entrypoint?: string[] | string;
  environment?: Record<string, string | number | boolean | null> | string[];
  env_file?: string | string[];
  ports?: (string | { target: number; published?: string | number; host_ip?: string })[];
  volumes?: (string | { source?: string; target: string })[];
  depends_on?: Record<string, { condition: string }> | string[];
  deploy?: { replicas?: number };
  healthcheck?: { test?: string[] | string };
  /** The compose secrets mounted at /run/secrets/<name> (short syntax). */
  secrets?: string[];
}

export interface ComposeFile {
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
  secrets?: Record<string, { file?: string }>;
}

/** docker-compose.yml as Compose sees it: YAML merge keys (`<<: *app`) resolved. */
export function readComposeFile(): { text: string; data: unknown; compose: ComposeFile } {
  const text = readRepoFile('docker-compose.yml');
  const data: unknown = parse(text, { merge: true });
  return { text, data, compose: data as ComposeFile };
}

/**
 * A service's `environment` as the file declares it (map or list form): a value, or null for a bare name, which
 * compose fills from .env or the shell (and leaves unset when neither has it).
 */
export function environmentOf(service: ComposeService): Map<string, string | null> {
  const env = new Map<string, string | null>();
  const source = service.environment ?? {};
  if (Array.isArray(source)) {
    for (const entry of source) {
      const [name = '', ...rest] = entry.split('=');
      env.set(name, rest.length === 0 ? null : rest.join('='));
    }
  } else {
    for (const [name, value] of Object.entries(source)) env.set(name, value === null ? null : String(value));
  }
  return env;
}

/**
 * What the container receives, resolved against a .env as compose resolves it: a bare name takes the .env value
 * (absent when .env lacks it), and `${NAME}`, `${NAME:-default}`, `${NAME-default}`, `${NAME:?message}` are interpolated
 * (`:?` throws the message when NAME is unset or empty, as compose refuses the file).
 */
export function resolveEnvironment(
  service: ComposeService,
  dotenv: ReadonlyMap<string, string>,
): Map<string, string> {
  const resolved = new Map<string, string>();
  for (const [name, declared] of environmentOf(service)) {
    if (declared === null) {
      const value = dotenv.get(name);
      if (value !== undefined) resolved.set(name, value);
      continue;
    }
    resolved.set(
      name,
      declared.replace(
        /(?<!\$)\$\{([A-Z][A-Z0-9_]*)(?:(:-|:\?|-)([^}]*))?\}/g,
        (_match, variable: string, operator?: string, word?: string) => {
          // `-`: the default only when NAME is unset (an empty value stays empty).
          if (operator === '-') return dotenv.get(variable) ?? word ?? '';
          const value = dotenv.get(variable) ?? '';
          if (value !== '') return value;
          if (operator === ':?') throw new Error(word ?? `${variable} is required`);
          return operator === ':-' ? (word ?? '') : '';
        },
      ),
    );
  }
  return resolved;
}

export interface PortMapping {
  hostIp: string | undefined;
  published: string | undefined;
  target: number;
}

/** Reads the short (`[ip:]published:target`) and long forms of `ports`. */
export function portsOf(service: ComposeService): PortMapping[] {
  return (service.ports ?? []).map((port) => {
    if (typeof port !== 'string') {
      return {
        hostIp: port.host_ip,
        published: port.published === undefined ? undefined : String(port.published),
        target: port.target,
      };
    }
    const parts = port.replace(/\/tcp$/, '').split(':');
    const target = Number(parts.at(-1));
    if (parts.length === 3) return { hostIp: parts[0], published: parts[1], target };
    if (parts.length === 2) return { hostIp: undefined, published: parts[0], target };
    return { hostIp: undefined, published: undefined, target };
  });
}

/** The `${NAME...}` variables the compose file interpolates (compose-level settings, read from .env). */
export function interpolatedVariables(text: string): Set<string> {
  return new Set([...text.matchAll(/(?<!\$)\$\{([A-Z][A-Z0-9_]*)/g)].map((match) => match[1] ?? ''));
}
