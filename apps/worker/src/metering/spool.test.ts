import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import type { MeterSample } from './meter';
import { SampleSpool } from './spool';

const sample = (seq: number): MeterSample => ({
  seq,
  at: new Date(Date.UTC(2026, 10, 28, 10, 0, seq)).toISOString(),
  gpus: [{ index: 0, powerW: 100 + seq, util: 50, memoryMiB: 1000 }],
  cpuW: 10,
  method: 'nvml-energy',
});
const seqs = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

/** A server that records what it accepted and can be taken down. */
function server() {
  const got = new Map<string, number[]>();
  let down = false;
  let calls = 0;
  let failOnCall: number | null = null;
  return {
    got,
    set down(v: boolean) {
      down = v;
    },
    failOn(call: number) {
      failOnCall = call;
    },
    get calls() {
      return calls;
    },
    send: async (attemptId: string, samples: MeterSample[]) => {
      calls++;
      if (down || calls === failOnCall) throw new Error('ECONNREFUSED');
      got.set(attemptId, [...(got.get(attemptId) ?? []), ...samples.map((s) => s.seq)]);
    },
  };
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'spool-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('SampleSpool', () => {
  it('delivers every sample exactly once, in order, after the server was down for three flushes', async () => {
    const spool = new SampleSpool(dir, { batchSize: 2 });
    const srv = server();
    srv.down = true;
    let next = { a: 0, b: 0 };
    const add = async (n: number) => {
      await spool.append('att_a', seqs(next.a, next.a + n).map(sample));
      await spool.append('att_b', seqs(next.b, next.b + 1).map(sample));
      next = { a: next.a + n, b: next.b + 1 };
    };
    for (let i = 0; i < 3; i++) {
      await add(3);
      const r = await spool.flush(srv.send);
      expect(r.sent).toBe(0);
      expect(r.error).toBeInstanceOf(Error);
      // 3 + 1 samples added per round, none taken.
      expect(r.pending).toBe(4 * (i + 1));
    }
    srv.down = false;
    await add(1);
    const r = await spool.flush(srv.send);
    // att_a: 3 × 3 + 1 = 10 samples; att_b: 4.
    expect(r).toEqual({ sent: 14, pending: 0 });
    expect(srv.got.get('att_a')).toEqual(seqs(0, 10));
    expect(srv.got.get('att_b')).toEqual(seqs(0, 4));
    expect(readdirSync(dir)).toEqual([]);
    // Nothing left to send twice.
    expect(await spool.flush(srv.send)).toEqual({ sent: 0, pending: 0 });
    expect(srv.got.get('att_a')).toHaveLength(10);
  });

  it('keeps the acknowledged batches gone when the server fails part-way through a flush', async () => {
    const spool = new SampleSpool(dir, { batchSize: 2 });
    const srv = server();
    await spool.append('att_a', seqs(0, 5).map(sample));
    srv.failOn(2); // the first batch (0, 1) is acknowledged, the second (2, 3) fails
    const first = await spool.flush(srv.send);
    expect(first).toMatchObject({ sent: 2, pending: 3 });
    expect(first.error).toBeInstanceOf(Error);
    expect(await spool.flush(srv.send)).toEqual({ sent: 3, pending: 0 });
    expect(srv.got.get('att_a')).toEqual([0, 1, 2, 3, 4]);
  });

  it('hands what one spool held to a new one on the same directory (a worker restart)', async () => {
    const before = new SampleSpool(dir);
    const srv = server();
    srv.down = true;
    await before.append('att_a', seqs(0, 3).map(sample));
    await before.flush(srv.send);
    await before.append('att_a', seqs(3, 4).map(sample));

    const after = new SampleSpool(dir);
    expect(await after.pending()).toEqual(new Map([['att_a', 4]]));
    srv.down = false;
    expect(await after.flush(srv.send)).toEqual({ sent: 4, pending: 0 });
    expect(srv.got.get('att_a')).toEqual([0, 1, 2, 3]);
  });

  it('skips a line a crash left half-written, and appends cleanly after it', async () => {
    const file = join(dir, 'att_a.jsonl');
    const whole = [sample(0), sample(1)].map((s) => JSON.stringify(s) + '\n').join('');
    writeFileSync(file, whole + JSON.stringify(sample(2)).slice(0, 20));

    const spool = new SampleSpool(dir);
    expect(await spool.pending()).toEqual(new Map([['att_a', 2]]));
    // Without cutting the torn tail first, seq 2 would be glued onto it and lost.
    await spool.append('att_a', [sample(2), sample(3)]);
    expect(readFileSync(file, 'utf8')).toBe(
      whole + [sample(2), sample(3)].map((s) => JSON.stringify(s) + '\n').join(''),
    );

    const srv = server();
    expect(await spool.flush(srv.send)).toEqual({ sent: 4, pending: 0 });
    expect(srv.got.get('att_a')).toEqual([0, 1, 2, 3]);
  });

  it('sends the complete lines before a torn tail and leaves nothing behind', async () => {
    writeFileSync(join(dir, 'att_a.jsonl'), JSON.stringify(sample(0)) + '\n{"seq":1,"a');
    const srv = server();
    expect(await new SampleSpool(dir).flush(srv.send)).toEqual({ sent: 1, pending: 0 });
    expect(srv.got.get('att_a')).toEqual([0]);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('keeps samples appended while a batch is in flight', async () => {
    const spool = new SampleSpool(dir);
    await spool.append('att_a', seqs(0, 2).map(sample));
    const got: number[] = [];
    let release!: () => void;
    const gate = new Promise<void>((ok) => (release = ok));
    const flushing = spool.flush(async (_id, samples) => {
      got.push(...samples.map((s) => s.seq));
      if (got.length === 2) await gate;
    });
    await new Promise((r) => setTimeout(r, 20));
    await spool.append('att_a', seqs(2, 4).map(sample));
    release();
    expect(await flushing).toEqual({ sent: 4, pending: 0 });
    expect(got).toEqual([0, 1, 2, 3]);
  });

  it('ignores a rewrite a crash interrupted, and round-trips attempt ids that are not file names', async () => {
    const spool = new SampleSpool(dir);
    await spool.append('att/with slash', [sample(0)]);
    writeFileSync(join(dir, 'att_x.jsonl.tmp'), JSON.stringify(sample(9)) + '\n');
    const srv = server();
    expect(await spool.flush(srv.send)).toEqual({ sent: 1, pending: 0 });
    expect([...srv.got.keys()]).toEqual(['att/with slash']);
    expect(readdirSync(dir)).toEqual([]);
  });
});
