import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const FIXTURES_DIR = fileURLToPath(new URL('../fixtures/', import.meta.url));

/** The file names in one fixture folder, sorted. */
export function fixtureNames(folder: 'docs' | 'realistic'): string[] {
  return readdirSync(`${FIXTURES_DIR}${folder}`).sort();
}

/** The exact text of a fixture (UTF-8; Ripio's bodies are ASCII). */
export function readFixture(folder: 'docs' | 'realistic', name: string): string {
  return readFileSync(`${FIXTURES_DIR}${folder}/${name}`, 'utf8');
}
