// The console's one way to the JSON API: same-origin, JSON both ways, back to /login when signed out.

/** An answer of the API: its contract type when the status is 2xx, the error body otherwise. */
type Answer<T> = { ok: true; status: number; body: T } | { ok: false; status: number; body: unknown };

export async function api<T>(
  method: 'GET' | 'POST' | 'DELETE',
  path: string,
  payload?: unknown,
): Promise<Answer<T>> {
  const response = await fetch(path, {
    method,
    headers: {
      accept: 'application/json',
      ...(payload === undefined ? {} : { 'content-type': 'application/json' }),
    },
    credentials: 'same-origin',
    ...(payload === undefined ? {} : { body: JSON.stringify(payload) }),
  });
  if (response.status === 401) {
    window.location.assign(`/login?next=${encodeURIComponent(window.location.pathname)}`);
    throw new Error('signed out');
  }
  const body: unknown = await response.json().catch(() => null);
  return response.ok
    ? { ok: true, status: response.status, body: body as T }
    : { ok: false, status: response.status, body };
}

export function errorText(answer: { status: number; body: unknown }): string {
  const { body } = answer;
  const error = typeof body === 'object' && body !== null && 'error' in body ? body.error : undefined;
  return typeof error === 'string' ? error : `HTTP ${answer.status}`;
}
