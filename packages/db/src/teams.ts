import { asc } from 'drizzle-orm';

import type { Db } from './client';
import { teams } from './schema';

export function listTeams(db: Db) {
  return db.select().from(teams).orderBy(asc(teams.name));
}
