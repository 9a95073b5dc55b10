import Papa from 'papaparse';

import { InputError } from './errors';
import { MS_PER_HOUR, type HourlySeries } from './series';

/** The grid zones whose 2023 data ships in `data/` (see data/README.md for sources and licences). */
export const GRID_ZONES = [
  { id: 'US-CAL-CISO', alias: 'CAISO', currency: 'USD', hasPrices: true },
  { id: 'US-TEX-ERCO', alias: 'ERCOT', currency: 'USD', hasPrices: true },
  { id: 'US-MIDA-PJM', alias: 'PJM', currency: 'USD', hasPrices: true },
  { id: 'US-NY-NYIS', alias: 'NYISO', currency: 'USD', hasPrices: true },
  { id: 'DE-LU', alias: 'DE', currency: 'EUR', hasPrices: true },
  { id: 'GB', alias: 'UK', currency: 'GBP', hasPrices: false },
  { id: 'SG', alias: 'Singapore', currency: 'SGD', hasPrices: true },
] as const;

export type GridZoneId = (typeof GRID_ZONES)[number]['id'];

export function findGridZone(name: string): (typeof GRID_ZONES)[number] {
  const q = name.trim().toUpperCase();
  const zone = GRID_ZONES.find((z) => z.id === q || z.alias.toUpperCase() === q);
  if (!zone)
    throw new InputError(
      'zone',
      name,
      `is not a bundled grid zone; known: ${GRID_ZONES.map((z) => `${z.id} (${z.alias})`).join(', ')}`,
    );
  return zone;
}

/** "2023-01-01 00:00:00" (stated UTC by the column name) or ISO 8601 with Z or an offset → ms. */
function parseUtc(field: string, text: string): number {
  const naive = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2})?$/.test(text);
  const ms = Date.parse(naive ? `${text.replace(' ', 'T')}Z` : text);
  if (!Number.isFinite(ms)) throw new InputError(field, text, 'is not a date-time');
  return ms;
}

function parseRows(text: string, what: string): string[][] {
  if (typeof text !== 'string' || text.trim() === '')
    throw new InputError(what, text, 'must be non-empty CSV text');
  const parsed = Papa.parse<string[]>(text.trim(), { skipEmptyLines: true });
  const bad = parsed.errors[0];
  if (bad) throw new InputError(`${what} row ${(bad.row ?? 0) + 1}`, bad.code, bad.message);
  return parsed.data;
}

function column(
  header: string[],
  what: string,
  test: (name: string) => boolean,
  describe: string,
): number {
  const i = header.findIndex(test);
  if (i < 0) throw new InputError(`${what} header`, header.join(','), `has no ${describe} column`);
  return i;
}

/**
 * Rows of (time, value) → an hourly series. Times must fall on the hour and rise; a skipped hour
 * becomes NaN rather than an error because the upstream files have a few.
 */
function toHourly(
  what: string,
  times: number[],
  values: number[],
  meta: Omit<HourlySeries, 'startMs' | 'values'>,
): HourlySeries {
  if (times.length === 0) throw new InputError(what, 0, 'must hold at least one data row');
  const startMs = times[0]!;
  const hours = (times[times.length - 1]! - startMs) / MS_PER_HOUR + 1;
  const out = new Float64Array(hours).fill(NaN);
  let prev = -Infinity;
  for (let r = 0; r < times.length; r++) {
    const t = times[r]!;
    if (t % MS_PER_HOUR !== 0)
      throw new InputError(
        `${what} row ${r + 2} time`,
        new Date(t).toISOString(),
        'must be on the hour',
      );
    if (t <= prev)
      throw new InputError(
        `${what} row ${r + 2} time`,
        new Date(t).toISOString(),
        'must be later than the row before',
      );
    prev = t;
    out[(t - startMs) / MS_PER_HOUR] = values[r]!;
  }
  return { ...meta, startMs, values: out };
}

function parseNumber(field: string, text: string | undefined): number {
  if (text === undefined || text.trim() === '') return NaN;
  const v = Number(text);
  if (!Number.isFinite(v)) throw new InputError(field, text, 'is not a number');
  return v;
}

export type CarbonBasis = 'direct' | 'lca';

/**
 * An Electricity Maps hourly export (as in green-dcc's carbon_intensity files) → gCO2eq/kWh per hour.
 * `direct` is operational (stack) emissions; `lca` adds the life cycle of the plants.
 */
export function parseCarbonIntensityCsv(text: string, basis: CarbonBasis = 'direct'): HourlySeries {
  if (basis !== 'direct' && basis !== 'lca')
    throw new InputError('basis', basis, 'must be "direct" or "lca"');
  const rows = parseRows(text, 'carbon CSV');
  const header = rows[0]!;
  const tCol = column(
    header,
    'carbon CSV',
    (h) => /^Datetime \(UTC\)$/i.test(h),
    '"Datetime (UTC)"',
  );
  const zCol = column(header, 'carbon CSV', (h) => /^Zone Id$/i.test(h), '"Zone Id"');
  const vCol = column(
    header,
    'carbon CSV',
    (h) => /carbon intensity/i.test(h) && (basis === 'direct' ? /\(direct\)/i : /\(LCA\)/i).test(h),
    `carbon intensity (${basis})`,
  );
  const times: number[] = [];
  const values: number[] = [];
  for (let r = 1; r < rows.length; r++) {
    const row = rows[r]!;
    times.push(parseUtc(`carbon CSV row ${r + 1} ${header[tCol]}`, row[tCol] ?? ''));
    values.push(parseNumber(`carbon CSV row ${r + 1} ${header[vCol]}`, row[vCol]));
  }
  const zone = rows[1]?.[zCol] ?? 'unknown';
  return toHourly('carbon CSV', times, values, { name: zone, unit: 'gCO2eq/kWh' });
}

/**
 * The derived price file: `datetime_utc` plus one column per region named "<REGION> (<CUR>/MWh)".
 * Each series keeps its own currency; nothing is converted.
 */
export function parsePriceCsv(text: string): HourlySeries[] {
  const rows = parseRows(text, 'price CSV');
  const header = rows[0]!;
  const tCol = column(header, 'price CSV', (h) => /^datetime_utc$/i.test(h), '"datetime_utc"');
  const regions = header
    .map((h, i) => ({ i, m: /^(.+?) \(([A-Z]{3})\/MWh\)$/.exec(h) }))
    .filter((c): c is { i: number; m: RegExpExecArray } => c.m !== null);
  if (regions.length === 0)
    throw new InputError(
      'price CSV header',
      header.join(','),
      'has no "<REGION> (<CUR>/MWh)" column',
    );
  const times: number[] = [];
  const values = regions.map(() => [] as number[]);
  for (let r = 1; r < rows.length; r++) {
    const row = rows[r]!;
    times.push(parseUtc(`price CSV row ${r + 1} datetime_utc`, row[tCol] ?? ''));
    regions.forEach((c, k) =>
      values[k]!.push(parseNumber(`price CSV row ${r + 1} ${header[c.i]}`, row[c.i])),
    );
  }
  return regions.map((c, k) =>
    toHourly('price CSV', times, values[k]!, {
      name: c.m[1]!,
      unit: `${c.m[2]!}/MWh`,
      currency: c.m[2]!,
    }),
  );
}

/** Irregular (time, value) points, e.g. the 15- and 30-minute series of Wiesner et al. 2021. */
export type PointSeries = { unit: string; times: Float64Array; values: Float64Array };

/**
 * A two-column "Time,Carbon Intensity" file (lets-wait-awhile format). Its timestamps carry no zone;
 * they are read as UTC.
 */
export function parseCarbonPointsCsv(text: string, unit = 'gCO2/kWh'): PointSeries {
  const rows = parseRows(text, 'carbon points CSV');
  const header = rows[0]!;
  const tCol = column(header, 'carbon points CSV', (h) => /^time$/i.test(h), '"Time"');
  const vCol = column(
    header,
    'carbon points CSV',
    (h) => /carbon intensity/i.test(h),
    '"Carbon Intensity"',
  );
  const n = rows.length - 1;
  const times = new Float64Array(n);
  const values = new Float64Array(n);
  for (let r = 1; r <= n; r++) {
    times[r - 1] = parseUtc(`carbon points CSV row ${r + 1} Time`, rows[r]![tCol] ?? '');
    values[r - 1] = parseNumber(`carbon points CSV row ${r + 1} Carbon Intensity`, rows[r]![vCol]);
  }
  return { unit, times, values };
}

/**
 * Mean of the points in [fromMs, toMs) whose minute is a multiple of `everyMinutes` — so a 15-minute
 * and a 30-minute series can be compared on the same grid.
 */
export function pointsMean(
  points: PointSeries,
  fromMs: number,
  toMs: number,
  everyMinutes = 1,
): number {
  const step = everyMinutes * 60_000;
  let sum = 0;
  let n = 0;
  for (let i = 0; i < points.times.length; i++) {
    const t = points.times[i]!;
    const v = points.values[i]!;
    if (t < fromMs || t >= toMs || t % step !== 0 || Number.isNaN(v)) continue;
    sum += v;
    n++;
  }
  return n ? sum / n : NaN;
}
