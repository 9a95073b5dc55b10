import { mkdirSync } from 'node:fs';
import { open, readdir, readFile, rename, rm, truncate } from 'node:fs/promises';
import { join } from 'node:path';

import type { MeterSample } from './meter';

export type FlushResult = {
  /** Samples the server acknowledged in this flush. */
  sent: number;
  /** Samples still spooled (for the next flush). */
  pending: number;
  /** What stopped the flush, if anything did. */
  error?: unknown;
};

const EXT = '.jsonl';

/**
 * A disk-backed buffer of samples, so that they survive an unreachable server and a worker restart.
 *
 * One append-only file of JSON lines per attempt, `<dir>/<encoded attempt id>.jsonl`. `append`
 * writes its lines in one write and fsyncs before it resolves. `flush` sends each attempt's lines in
 * order, in batches, and after each acknowledged batch rewrites the file without it (copy the rest
 * to a temporary file, fsync, rename over: a crash leaves either the old file or the new one).
 *
 * Delivery: nothing acknowledged is sent again by this process, and nothing unacknowledged is ever
 * dropped. One window remains: a crash after the server acknowledged a batch but before the rewrite
 * reached the disk makes the next process send that batch again. That is safe because the server
 * keys samples by (attempt, seq) and ignores a repeated one; for the same reason a batch whose
 * request failed after the server stored it (a lost reply) can be resent.
 *
 * A crash during `append` can leave a torn last line (no newline). It was never confirmed to the
 * caller, so it is skipped when reading and cut off before the next append to that file.
 *
 * One process per directory: two workers sharing a spool would send each other's samples twice.
 */
export class SampleSpool<T extends { seq: number } = MeterSample> {
  private lock: Promise<unknown> = Promise.resolve();
  private flushing: Promise<unknown> = Promise.resolve();
  /** Attempts whose file this process has checked for a torn tail. */
  private readonly checked = new Set<string>();

  constructor(
    readonly dir: string,
    private readonly opts: { batchSize?: number } = {},
  ) {
    mkdirSync(dir, { recursive: true });
  }

  /** Adds samples to the attempt's spool; resolves once they are on disk. */
  append(attemptId: string, samples: readonly T[]): Promise<void> {
    if (samples.length === 0) return Promise.resolve();
    return this.locked(async () => {
      const file = this.file(attemptId);
      if (!this.checked.has(attemptId)) {
        await cutTornTail(file);
        this.checked.add(attemptId);
      }
      const fh = await open(file, 'a');
      let created: boolean;
      try {
        created = (await fh.stat()).size === 0;
        await fh.write(samples.map((s) => JSON.stringify(s) + '\n').join(''));
        await fh.sync();
      } finally {
        await fh.close();
      }
      if (created) await syncDir(this.dir);
    });
  }

  /**
   * Sends every spooled sample, attempt by attempt, in the order appended, and forgets each batch
   * once `send` resolves. Stops at the first rejection and leaves that batch and everything after it
   * for the next flush. Never rejects; a flush called while one runs starts when that one ends.
   */
  flush(send: (attemptId: string, samples: T[]) => Promise<void>): Promise<FlushResult> {
    const run = this.flushing.then(() => this.flushOnce(send));
    this.flushing = run.catch(() => undefined);
    return run;
  }

  /** The attempts with samples spooled, and how many each. */
  async pending(): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    for (const id of await this.attempts()) {
      const n = (await this.read(id)).lines.length;
      if (n) out.set(id, n);
    }
    return out;
  }

  private async flushOnce(
    send: (attemptId: string, samples: T[]) => Promise<void>,
  ): Promise<FlushResult> {
    const batchSize = this.opts.batchSize ?? 500;
    let sent = 0;
    let error: unknown;
    try {
      await this.locked(() => removeStrayTemps(this.dir));
      error = await this.sendAll(send, batchSize, (n) => (sent += n));
    } catch (e) {
      error = e; // the spool's own disk, not the server
    }
    let pending = 0;
    try {
      for (const n of (await this.pending()).values()) pending += n;
    } catch (e) {
      error ??= e;
    }
    return error === undefined ? { sent, pending } : { sent, pending, error };
  }

  /** Sends until done (undefined) or until `send` rejects (its reason). */
  private async sendAll(
    send: (attemptId: string, samples: T[]) => Promise<void>,
    batchSize: number,
    acked: (n: number) => void,
  ): Promise<unknown> {
    for (const id of await this.attempts()) {
      for (;;) {
        // Only this flush removes lines, and appends only add after the end, so what is read here
        // stays the file's prefix until the rewrite below.
        const { lines } = await this.locked(() => this.read(id));
        if (lines.length === 0) {
          await this.locked(() => this.dropIfEmpty(id));
          break;
        }
        const batch = lines.slice(0, batchSize);
        try {
          await send(
            id,
            batch.map((l) => l.sample),
          );
        } catch (e) {
          return e ?? new Error('send rejected');
        }
        acked(batch.length);
        await this.locked(() => this.dropPrefix(id, batch.at(-1)!.end));
      }
    }
    return undefined;
  }

  private file(attemptId: string): string {
    return join(this.dir, encodeURIComponent(attemptId) + EXT);
  }

  private async attempts(): Promise<string[]> {
    const names = await readdir(this.dir);
    return names
      .filter((n) => n.endsWith(EXT))
      .sort()
      .map((n) => decodeURIComponent(n.slice(0, -EXT.length)));
  }

  /** The file's complete lines with the byte offset where each ends; a torn tail is left out. */
  private async read(attemptId: string): Promise<{ lines: { sample: T; end: number }[] }> {
    let buf: Buffer;
    try {
      buf = await readFile(this.file(attemptId));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { lines: [] };
      throw e;
    }
    const lines: { sample: T; end: number }[] = [];
    let start = 0;
    for (let nl = buf.indexOf(10); nl !== -1; nl = buf.indexOf(10, start)) {
      const text = buf.subarray(start, nl).toString('utf8');
      start = nl + 1;
      if (text.trim() === '') continue;
      try {
        lines.push({ sample: JSON.parse(text) as T, end: start });
      } catch {
        // A complete line that does not parse is a disk fault, not a crash; nothing can be sent for
        // it. It goes out with the batch before it (or, first in the file, with the next one).
        const last = lines.at(-1);
        if (last) last.end = start;
      }
    }
    return { lines };
  }

  /** Rewrites the attempt's file without its first `bytes` bytes, atomically. */
  private async dropPrefix(attemptId: string, bytes: number): Promise<void> {
    const file = this.file(attemptId);
    const rest = (await readFile(file)).subarray(bytes);
    if (rest.length === 0) {
      await rm(file, { force: true });
    } else {
      const tmp = file + '.tmp';
      const fh = await open(tmp, 'w');
      try {
        await fh.write(rest);
        await fh.sync();
      } finally {
        await fh.close();
      }
      await rename(tmp, file);
    }
    await syncDir(this.dir);
  }

  private async dropIfEmpty(attemptId: string): Promise<void> {
    if ((await this.read(attemptId)).lines.length === 0) {
      await rm(this.file(attemptId), { force: true });
      this.checked.delete(attemptId);
    }
  }

  private locked<R>(fn: () => Promise<R>): Promise<R> {
    const run = this.lock.then(fn);
    this.lock = run.catch(() => undefined);
    return run;
  }
}

/** Cuts a file back to its last newline, dropping a line a crash left half-written. */
async function cutTornTail(file: string): Promise<void> {
  let buf: Buffer;
  try {
    buf = await readFile(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw e;
  }
  if (buf.length === 0 || buf[buf.length - 1] === 10) return;
  await truncate(file, buf.lastIndexOf(10) + 1);
}

/** A crash between writing a rewrite's temporary file and renaming it leaves the original intact. */
async function removeStrayTemps(dir: string): Promise<void> {
  for (const n of await readdir(dir))
    if (n.endsWith(EXT + '.tmp')) await rm(join(dir, n), { force: true });
}

/** Makes a file's creation, rename or removal durable (Linux: fsync on the directory). */
async function syncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}
