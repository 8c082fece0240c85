// What `npm start` prints: its own lines, and the apps' output with a coloured prefix per app.
const env = process.env;
const useColor = process.stdout.isTTY === true && env.NO_COLOR === undefined;

export const paint = (color, text) => (useColor ? `${color}${text}\x1b[0m` : text);
export const bold = (text) => paint('\x1b[1m', text);

export function say(text) {
  process.stdout.write(`${paint('\x1b[1m', '[start-local]')} ${text}\n`);
}

export function fail(text) {
  process.stderr.write(`${paint('\x1b[31m', '[start-local]')} ${text}\n`);
}

const LEVELS = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' };
const QUIET_FIELDS = new Set(['level', 'time', 'msg', 'pid', 'hostname', 'service']);

/** A pino JSON line as `HH:MM:SS level message {other fields}`; any other line unchanged. */
function renderLine(line) {
  if (env.START_LOCAL_RAW_LOGS === '1' || !line.startsWith('{')) return line;
  try {
    const record = JSON.parse(line);
    const time = typeof record.time === 'number' ? new Date(record.time).toISOString().slice(11, 19) : '';
    const level = LEVELS[record.level] ?? String(record.level ?? '');
    const rest = Object.fromEntries(Object.entries(record).filter(([key]) => !QUIET_FIELDS.has(key)));
    const extra = Object.keys(rest).length > 0 ? ` ${JSON.stringify(rest)}` : '';
    const shownLevel = level === 'error' || level === 'fatal' ? paint('\x1b[31m', level) : level;
    return `${time} ${shownLevel.padEnd(5)} ${record.msg ?? ''}${extra}`;
  } catch {
    return line;
  }
}

/** Copies `stream` to `out` line by line, each line rendered and prefixed. */
export function pipeWithPrefix(stream, prefix, out) {
  let pending = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk) => {
    pending += chunk;
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) out.write(`${prefix} ${renderLine(line)}\n`);
  });
  stream.on('end', () => {
    if (pending !== '') out.write(`${prefix} ${renderLine(pending)}\n`);
  });
}
