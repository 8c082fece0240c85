/**
 * Serializes a value the way Ripio sends it: compact JSON (no spaces after separators) with every non-ASCII
 * UTF-16 code unit escaped as a lowercase `\uXXXX`, like Python's `json.dumps(..., separators=(',', ':'))`.
 */
export function toRipioJson(value: unknown): string {
  return JSON.stringify(value).replace(/[\u0080-\uffff]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
