import { eq } from 'drizzle-orm';

import type { Db } from './client';
import { QueueError } from './errors';
import { sites, type Site } from './schema';

export async function getSite(db: Db, id: string): Promise<Site | null> {
  const [site] = await db.select().from(sites).where(eq(sites.id, id));
  return site ?? null;
}

export async function listSites(db: Db): Promise<Site[]> {
  return db.select().from(sites).orderBy(sites.name);
}

/**
 * The site a worker says it is at (by name), or the only site when it says nothing; null when
 * there are several and it did not say, since guessing would bill at the wrong prices.
 */
export async function resolveSite(db: Db, name: string | undefined): Promise<Site | null> {
  if (name) {
    const [site] = await db.select().from(sites).where(eq(sites.name, name));
    if (!site) throw new QueueError('BAD_REQUEST', `site: no site is named "${name}"`);
    return site;
  }
  const all = await db.select().from(sites).limit(2);
  return all.length === 1 ? all[0]! : null;
}
