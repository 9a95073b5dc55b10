import { sql } from 'drizzle-orm';

import type { Db } from './client';
import { newId } from './ids';
import { nodes, sites, teams } from './schema';
import { countTokens, createToken } from './tokens';

/** On a database with no tokens, creates the first admin token and returns its secret (shown once). */
export async function ensureAdminToken(db: Db): Promise<string | null> {
  if ((await countTokens(db)) > 0) return null;
  const { secret } = await createToken(db, { name: 'admin (first start)', role: 'admin' });
  return secret;
}

/** Demo data for an empty database: one site, a few GPU nodes, two teams. Does nothing otherwise. */
export async function seedDemo(db: Db): Promise<boolean> {
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(teams);
  if ((row?.n ?? 0) > 0) return false;
  await db.transaction(async (tx) => {
    await tx.insert(teams).values([
      { id: newId('team'), name: 'research' },
      { id: newId('team'), name: 'inference' },
    ]);
    const siteId = newId('site');
    await tx.insert(sites).values({
      id: siteId,
      name: 'demo-ashburn',
      region: 'PJM',
      timezone: 'America/New_York',
      currency: 'USD',
      pue: 1.3,
      gridZone: 'US-MIDA-PJM',
      // Demo rates, to be replaced with a site's own: a 64-core host of about USD 20,000 over 5 years
      // is 0.007 per core-hour; operations (staff, maintenance) as a flat charge per GPU-hour.
      rates: {
        operationsPerGpuHour: 0.25,
        operationsPerCoreHour: 0.002,
        cpuCorePerHour: 0.007,
        storagePerGbMonth: 0.02,
        networkPerGb: 0.01,
        hardwareLifeYears: 4,
        costOfCapital: 0.08,
      },
    });
    await tx.insert(nodes).values([
      {
        id: newId('node'),
        siteId,
        name: 'h100-01',
        gpuModel: 'H100-SXM',
        gpuCount: 8,
        cpuCores: 112,
        memoryGb: 2048,
      },
      {
        id: newId('node'),
        siteId,
        name: 'h100-02',
        gpuModel: 'H100-SXM',
        gpuCount: 8,
        cpuCores: 112,
        memoryGb: 2048,
      },
      {
        id: newId('node'),
        siteId,
        name: 'a100-01',
        gpuModel: 'A100-80GB',
        gpuCount: 8,
        cpuCores: 128,
        memoryGb: 1024,
      },
      {
        id: newId('node'),
        siteId,
        name: 'l40s-01',
        gpuModel: 'L40S',
        gpuCount: 4,
        cpuCores: 64,
        memoryGb: 512,
      },
    ]);
  });
  return true;
}
