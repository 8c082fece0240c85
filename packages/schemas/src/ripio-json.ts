/**
 * Serializes a value the way Ripio sends it: compact JSON (no spaces after separators) with every code unit
 * outside printable ASCII escaped as a lowercase `\uXXXX`, like Python's `json.dumps(..., separators=(',', ':'))`
 * with its default `ensure_ascii=True`. That includes DEL (U+007F), which `JSON.stringify` leaves raw; characters
 * outside the BMP become their UTF-16 surrogate pair, and lone surrogates are already escaped by `JSON.stringify`.
 * Control characters below U+0020 get the same short escapes (`\n`, `\t`, ...) from both.
 */
export function toRipioJson(value: unknown): string {
  return JSON.stringify(value).replace(
    /[\u007f-\uffff]/g,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
