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
}

export interface ComposeFile {
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
}

/** docker-compose.yml as Compose sees it: YAML merge keys (`<<: *app`) resolved. */
export function readComposeFile(): { text: string; data: unknown; compose: ComposeFile } {
  const text = readRepoFile('docker-compose.yml');
  const data: unknown = parse(text, { merge: true });
  return { text, data, compose: data as ComposeFile };
}

/** A service's `environment`, as a map (both the map and the list form), values as strings. */
export function environmentOf(service: ComposeService): Map<string, string> {
  const env = new Map<string, string>();
  const source = service.environment ?? {};
  if (Array.isArray(source)) {
    for (const entry of source) {
      const [name = '', ...rest] = entry.split('=');
      env.set(name, rest.join('='));
    }
  } else {
    for (const [name, value] of Object.entries(source)) env.set(name, value === null ? '' : String(value));
  }
  return env;
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
