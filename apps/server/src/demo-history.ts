import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

import { loadHistory, type LoadHistoryResult } from '@wattwise/api';
import { listSites, listTeams, upsertBudget, type Db } from '@wattwise/db';
import { bundledDataDirs, bundledPath } from '@wattwise/scheduler/node';

import { siteRates } from './grid';

/**
 * The demo's past: the bundled Alibaba 2023 month (every pod on its 1,213 nodes) for the demo site's
 * grid zone and PUE, 30 days up to this hour, so that a new portal opens on realistic data. The
 * traces travel beside the bundle (dist/data/scheduler), as in the CLI.
 */
export async function loadDemoHistory(db: Db): Promise<LoadHistoryResult> {
  const demo = (await listSites(db)).find((s) => s.gridZone);
  const dir = bundledDataDirs().trace;
  const read = (path: string) => ({ text: readFileSync(path, 'utf8'), file: basename(path) });
  const loaded = await loadHistory(
    db,
    { siteRates },
    {
      trace: read(bundledPath('alibaba2023', dir)),
      nodes: read(bundledPath('alibaba2023Nodes', dir)),
      zone: demo?.gridZone ?? 'US-CAL-CISO',
      pue: demo?.pue,
      days: 30,
    },
  );
  await demoBudgets(db, loaded.site.currency);
  return loaded;
}

/** This month's demo budgets (USD at the demo rates): one team that holds work past its budget. */
const DEMO_BUDGETS = [
  { team: 'platform', amount: 3000, holdOverBudget: true },
  { team: 'inference', amount: 4000, holdOverBudget: false },
  { team: 'research', amount: 1000, holdOverBudget: false },
];

async function demoBudgets(db: Db, currency: string) {
  const now = new Date();
  const month = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
  const teams = new Map((await listTeams(db)).map((t) => [t.name, t.id]));
  for (const b of DEMO_BUDGETS) {
    const teamId = teams.get(b.team);
    if (teamId)
      await upsertBudget(db, {
        teamId,
        month,
        amount: b.amount,
        currency,
        holdOverBudget: b.holdOverBudget,
      });
  }
}
