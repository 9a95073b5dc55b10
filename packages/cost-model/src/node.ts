/**
 * Node-only helpers: read the grid files bundled in `data/`. Import from `@wattwise/cost-model/node`;
 * the main entry stays free of `fs` so the portal can run it in the browser.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { InputError } from './errors';
import { findGridZone, parseCarbonIntensityCsv, parsePriceCsv, type CarbonBasis } from './grid';
import { repeatWeekly, type HourlySeries } from './series';
import {
  carbonFromIntensitySeries,
  tariffFromPriceSeries,
  validateSite,
  type Pue,
  type Site,
  type Tariff,
} from './site';

/**
 * Where `data/` is: beside `src/` when run from source. A bundle (the CLI's esbuild build) moves
 * `import.meta.url`, so it passes the folder it copied the data to.
 */
export const DEFAULT_DATA_DIR = fileURLToPath(new URL('../data/', import.meta.url));

export function dataPath(name: string, dataDir = DEFAULT_DATA_DIR): string {
  return join(dataDir, name);
}

/** Hourly 2023 grid intensity for a bundled zone (id or alias: "DE-LU", "CAISO"), gCO2eq/kWh. */
export function readCarbonIntensity(
  zone: string,
  basis: CarbonBasis = 'direct',
  dataDir = DEFAULT_DATA_DIR,
): HourlySeries {
  const z = findGridZone(zone);
  const series = parseCarbonIntensityCsv(
    readFileSync(dataPath(`carbon/${z.id}_2023_hourly.csv`, dataDir), 'utf8'),
    basis,
  );
  // The DE-LU file says "DE" in its Zone Id column; name the series by the bidding zone it covers.
  return { ...series, name: z.id };
}

// The price file holds every region; parse it once per folder and hand out copies.
const pricesCache = new Map<string, HourlySeries[]>();

/** Every bundled hourly 2023 wholesale price series, each in its native currency per MWh. */
export function readPrices(dataDir = DEFAULT_DATA_DIR): HourlySeries[] {
  let prices = pricesCache.get(dataDir);
  if (!prices) {
    const file = dataPath('prices_2023_hourly_utc_native_currency.csv', dataDir);
    prices = parsePriceCsv(readFileSync(file, 'utf8'));
    pricesCache.set(dataDir, prices);
  }
  return prices.map((s) => ({ ...s, values: s.values.slice() }));
}

/** The price series of one zone, or null for a zone with carbon data only (GB). */
export function readPrice(zone: string, dataDir = DEFAULT_DATA_DIR): HourlySeries | null {
  const z = findGridZone(zone);
  return readPrices(dataDir).find((s) => s.name === z.id) ?? null;
}

export type GridSiteOptions = {
  pue: Pue;
  /** Network charges, levies and taxes on top of the wholesale price, per kWh. */
  adderPerKWh?: number;
  /** Required for a zone without a bundled price series. */
  tariff?: Tariff;
  basis?: CarbonBasis;
  dataDir?: string;
  /** Price live jobs: the recorded year's hours repeated over this span (see repeatWeekly). */
  window?: { fromMs: number; toMs: number };
};

/** A site on a bundled grid zone: hourly wholesale tariff (plus adder) and hourly carbon, in native currency. */
export function gridSite(zone: string, options: GridSiteOptions): Site {
  const z = findGridZone(zone);
  const onWindow = (series: HourlySeries) =>
    options.window ? repeatWeekly(series, options.window.fromMs, options.window.toMs) : series;
  const recorded = readPrice(z.id, options.dataDir);
  const price = recorded && onWindow(recorded);
  let tariff = options.tariff;
  if (!tariff) {
    if (!price)
      throw new InputError(
        'tariff',
        undefined,
        `is required: zone ${zone} has no bundled price series`,
      );
    tariff = tariffFromPriceSeries(price, options.adderPerKWh ?? 0);
  }
  return validateSite({
    id: z.id,
    name: `${z.alias} grid (2023 data)`,
    currency: z.currency,
    pue: options.pue,
    tariff,
    carbon: carbonFromIntensitySeries(
      onWindow(readCarbonIntensity(z.id, options.basis, options.dataDir)),
    ),
  });
}
