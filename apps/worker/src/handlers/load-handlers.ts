import { isAbsolute } from 'node:path';
import { pathToFileURL } from 'node:url';
import { isEventType } from '@ripio-webhooks/schemas';
import type { HandlerMap } from '@ripio-webhooks/handlers';

/** `file:` URL of an absolute path or a `file:` URL; anything else (a relative path) is refused. */
export function handlersModuleUrl(location: string): string {
  if (location.startsWith('file:')) return location;
  if (isAbsolute(location)) return pathToFileURL(location).href;
  throw new Error(`HANDLERS_MODULE must be an absolute path or a file: URL, got ${location}`);
}

/** Checks a module's default export: an object whose keys are canonical event types or `*`, each a function. */
export function validateHandlerMap(value: unknown, location: string): HandlerMap {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error(
      `HANDLERS_MODULE ${location} must export default an object of handlers (see defineHandlers)`,
    );
  }
  const problems: string[] = [];
  for (const [key, handler] of Object.entries(value)) {
    if (key !== '*' && !isEventType(key)) problems.push(`${key}: not a canonical event type`);
    if (typeof handler !== 'function') problems.push(`${key}: not a function`);
  }
  if (problems.length > 0) {
    throw new Error(`HANDLERS_MODULE ${location} is not valid:\n  ${problems.join('\n  ')}`);
  }
  return value;
}

/** Imports the operator's handlers module at start; a bad module stops the worker before it takes jobs. */
export async function loadHandlers(location: string): Promise<HandlerMap> {
  const imported = (await import(handlersModuleUrl(location))) as { default?: unknown };
  return validateHandlerMap(imported.default, location);
}
