import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import type { Site as CostSite } from '@wattwise/cost-model';
import { DEFAULT_DATA_DIR, gridSite } from '@wattwise/cost-model/node';
import type { Site } from '@wattwise/db';

/** The bundled grid files: beside the source in development, copied next to the bundle in production. */
function dataDir(): string {
  const beside = fileURLToPath(new URL('./data/', import.meta.url));
  return existsSync(beside) ? beside : DEFAULT_DATA_DIR;
}

const DAY_MS = 86_400_000;

/**
 * A site's prices and carbon by hour, for deferral and bills: its grid zone's recorded year laid over
 * the weeks around now (same weekday and hour), until a live feed is configured. Null when the site
 * names no zone.
 */
export function siteRates(site: Site, nowMs: number): CostSite | null {
  if (!site.gridZone) return null;
  const key = `${site.id}|${site.gridZone}|${site.pue}`;
  const hit = cache.get(key);
  // The window reaches 60 days ahead; rebuild once a day so that it always covers a long job's end.
  if (hit && nowMs - hit.builtMs < DAY_MS) return hit.site;
  const built = buildSite(site, site.gridZone, nowMs);
  cache.set(key, { site: built, builtMs: nowMs });
  return built;
}

const cache = new Map<string, { site: CostSite; builtMs: number }>();

function buildSite(site: Site, zone: string, nowMs: number): CostSite {
  const grid = gridSite(zone, {
    pue: site.pue,
    dataDir: dataDir(),
    window: { fromMs: nowMs - 400 * DAY_MS, toMs: nowMs + 60 * DAY_MS },
  });
  return { ...grid, id: site.id, name: site.name, currency: grid.currency };
}
