import { readdirSync, readFileSync } from 'node:fs';
import { DEAD_LETTER_REASONS, EVENT_LOG_OUTCOMES, REDRIVE_OUTCOMES } from '@ripio-webhooks/contracts';
import { ENTITY_KINDS } from '@ripio-webhooks/schemas';
import { escapeHtml } from './html.js';

/** The console's static sources (page and stylesheets) and its modules, compiled by `tsc -p console`. */
const PUBLIC_DIR = new URL('../public/', import.meta.url);
const CONSOLE_DIR = new URL('../dist/console/', import.meta.url);

export function readPublic(name: string): string {
  return readFileSync(new URL(name, PUBLIC_DIR), 'utf8');
}

/**
 * The console's ES modules (console/*.ts as compiled by the admin's build), by file name: console.js, the page's
 * script, and the modules it imports.
 */
export function readConsoleScripts(): Map<string, string> {
  let names: string[];
  try {
    names = readdirSync(CONSOLE_DIR).filter((name) => name.endsWith('.js'));
  } catch (error) {
    throw new Error('the admin console script is not built: run `pnpm run build` first', { cause: error });
  }
  if (!names.includes('console.js')) {
    throw new Error('the admin console script is not built: run `pnpm run build` first');
  }
  return new Map(names.map((name) => [name, readFileSync(new URL(name, CONSOLE_DIR), 'utf8')]));
}

function optionsOf(values: readonly string[]): string {
  return values.map((value) => `<option value="${escapeHtml(value)}">${escapeHtml(value)}</option>`).join('');
}

/** The lists the page's selects offer, from their one definition (`<!-- options: name -->` in index.html). */
const OPTION_LISTS: Record<string, readonly string[]> = {
  'entity-kinds': ENTITY_KINDS,
  'dead-letter-reasons': DEAD_LETTER_REASONS,
  'event-log-outcomes': EVENT_LOG_OUTCOMES,
  'redrive-outcomes': REDRIVE_OUTCOMES,
};

/** index.html with its option lists filled in. */
export function renderConsolePage(template: string): string {
  return template.replace(/<!-- options: ([a-z-]+) -->/g, (_marker, name: string) => {
    const values = OPTION_LISTS[name];
    if (values === undefined) throw new Error(`index.html asks for an unknown option list: ${name}`);
    return optionsOf(values);
  });
}
