import { createDb } from '../src/client';
import type { DbHandle } from '../src/client';
import { createScratchDatabase } from '../src/testing';

/** A migrated, empty database of the given kind; `close()` also drops a scratch PostgreSQL database. */
export async function openTestDb(adminUrl?: string): Promise<DbHandle> {
  if (!adminUrl) {
    const handle = await createDb('pglite:memory:');
    await handle.migrate();
    return handle;
  }
  const scratch = await createScratchDatabase(adminUrl);
  const handle = await createDb(scratch.url);
  await handle.migrate();
  return {
    ...handle,
    async close() {
      await handle.close();
      await scratch.drop();
    },
  };
}
