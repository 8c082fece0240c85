// Small DOM helpers: every value from the server goes in as text, never parsed as HTML.
export function $<T extends HTMLElement = HTMLElement>(id: string): T {
  const node = document.getElementById(id);
  if (node === null) throw new Error(`missing element #${id}`);
  return node as T;
}
export const input = (id: string): HTMLInputElement | HTMLSelectElement => $<HTMLInputElement>(id);

/** Creates an element with text content and attributes (no HTML parsing). */
export function el(
  tag: string,
  text?: string | number | null,
  attributes: Record<string, string> = {},
): HTMLElement {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  return node;
}
