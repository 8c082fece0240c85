import { isAppName, type AppName } from './repo.js';

const METRIC_TYPES = ['counter', 'gauge', 'histogram', 'summary'] as const;
type MetricType = (typeof METRIC_TYPES)[number];

interface Exporter {
  app: AppName;
  /** An env variable that must be "true" for the app to export the metric (an opt-in), else undefined. */
  onlyWith: string | undefined;
}

export interface CatalogueEntry {
  name: string;
  type: MetricType;
  exporters: Exporter[];
  labels: string[];
}

const ROW = /^\|\s*`(ripio_[a-z0-9_]+)`\s*\|\s*([a-z]+)\s*\|([^|]+)\|([^|]+)\|(.+)\|\s*$/;
const EXPORTER = /^(\w+)(?:\s+\(only with ([A-Z0-9_]+)=true\))?$/;

/**
 * Reads the metric tables of docs/metrics.md: every row whose first cell is a backticked `ripio_` name. Columns:
 * name | type | exported by | labels (backticked names) | meaning. Throws on a row it cannot read, so a typo
 * in the catalogue fails the tests instead of silently dropping a metric.
 */
export function parseCatalogue(markdown: string): Map<string, CatalogueEntry> {
  const entries = new Map<string, CatalogueEntry>();
  for (const line of markdown.split('\n')) {
    if (!line.startsWith('| `ripio_')) continue;
    const match = ROW.exec(line);
    if (match === null) throw new Error(`docs/metrics.md: cannot read the row ${line}`);
    const [, name = '', type = '', exportedBy = '', labelCell = ''] = match;
    if (!isMetricType(type)) throw new Error(`docs/metrics.md: ${name} has the unknown type ${type}`);
    if (entries.has(name)) throw new Error(`docs/metrics.md: ${name} is listed twice`);
    const exporters = exportedBy.split(',').map((cell) => parseExporter(name, cell.trim()));
    const labels = [...labelCell.matchAll(/`([a-zA-Z_][a-zA-Z0-9_]*)`/g)].map((label) => label[1] ?? '');
    entries.set(name, { name, type, exporters, labels });
  }
  return entries;
}

function parseExporter(metric: string, cell: string): Exporter {
  const match = EXPORTER.exec(cell);
  const app = match?.[1];
  if (match === null || app === undefined || !isAppName(app)) {
    throw new Error(`docs/metrics.md: ${metric} has the unreadable exporter "${cell}"`);
  }
  return { app, onlyWith: match[2] };
}

function isMetricType(value: string): value is MetricType {
  return (METRIC_TYPES as readonly string[]).includes(value);
}

/** The names an app exports when started with `flags` (env variables set to true). */
export function expectedNamesFor(
  catalogue: Map<string, CatalogueEntry>,
  app: AppName,
  flags: ReadonlySet<string> = new Set(),
): Set<string> {
  const names = new Set<string>();
  for (const entry of catalogue.values()) {
    const exporter = entry.exporters.find((candidate) => candidate.app === app);
    if (exporter === undefined) continue;
    if (exporter.onlyWith === undefined || flags.has(exporter.onlyWith)) names.add(entry.name);
  }
  return names;
}

const HISTOGRAM_SUFFIXES = ['_bucket', '_sum', '_count'] as const;

/**
 * The catalogue entry a series name belongs to: the name itself, or for `_bucket`/`_sum`/`_count` the histogram
 * (or summary) it is part of. Undefined when the catalogue does not know it.
 */
export function entryOfSeries(
  catalogue: Map<string, CatalogueEntry>,
  series: string,
): CatalogueEntry | undefined {
  const direct = catalogue.get(series);
  if (direct !== undefined) return direct;
  for (const suffix of HISTOGRAM_SUFFIXES) {
    if (!series.endsWith(suffix)) continue;
    const base = catalogue.get(series.slice(0, -suffix.length));
    if (
      base !== undefined &&
      (base.type === 'histogram' || (base.type === 'summary' && suffix !== '_bucket'))
    ) {
      return base;
    }
  }
  return undefined;
}

/** Every `ripio_` metric name a PromQL expression mentions. */
export function metricNamesIn(expression: string): string[] {
  return [...new Set([...expression.matchAll(/\bripio_[a-zA-Z0-9_]+/g)].map((match) => match[0]))];
}
