import { describe, expect, it } from 'vitest';

import { hourlyPriceSite } from '../test/sites';
import { decide, type NodeState, type QueuedJob } from './online';
import { policyPreset } from './policy';

const T = Date.UTC(2023, 0, 1);
const free = (id: string, gpuFree: number[], model = 'T4'): NodeState => ({
  id,
  model,
  gpuFree,
  cpuMilliFree: 32_000,
  memoryMiBFree: 65_536,
});

describe('decide (what the server asks when a worker claims a job)', () => {
  const queued: QueuedJob[] = [
    { id: 'job_big', submitMs: T, gpus: 4, expectedSeconds: 600 },
    { id: 'job_small', submitMs: T + 1000, gpus: 1, expectedSeconds: 300 },
  ];
  const nodes = [free('node_a', [1000, 1000, 0, 0])];

  it('FIFO: the first job, or nothing when it does not fit', () => {
    const d = decide({ nowMs: T + 2000, queued, nodes, policy: policyPreset('fifo') });
    expect(d.jobId).toBeNull();
    expect(d.reason).toMatch(/job_big is first and no node has room for it now \(4 GPU\)/);
    expect(d.waiting).toEqual([
      { jobId: 'job_big', reason: 'no node has room for it now (4 GPU)' },
      { jobId: 'job_small', reason: 'behind job_big (strict FIFO)' },
    ]);
  });

  it('backfill: a later job that fits, keeping the first one’s reservation', () => {
    const d = decide({
      nowMs: T + 2000,
      queued,
      nodes,
      running: [{ id: 'job_r', nodeId: 'node_a', expectedEndMs: T + 3_600_000, gpus: 2 }],
      policy: policyPreset('backfill'),
    });
    expect(d.jobId).toBe('job_small');
    expect(d.placement).toEqual([{ nodeId: 'node_a', gpuIndices: [0], milliPerGpu: 1000 }]);
    expect(d.reason).toMatch(
      /^backfilled while job_big waits \(its reservation from 2023-01-01T01:00:00.000Z is kept\)$/,
    );
  });

  it('places a share on the tightest GPU with best fit', () => {
    const d = decide({
      nowMs: T,
      queued: [{ id: 'job_s', submitMs: T, gpus: 0.25 }],
      nodes: [free('node_a', [1000, 400]), free('node_b', [300])],
      policy: policyPreset('fifo'),
    });
    expect(d.placement).toEqual([{ nodeId: 'node_b', gpuIndices: [0], milliPerGpu: 250 }]);
  });

  it('fair share: the team furthest below its money share goes first', () => {
    const d = decide({
      nowMs: T,
      queued: [
        { id: 'job_a', submitMs: T, gpus: 1, team: 'a' },
        { id: 'job_b', submitMs: T + 1, gpus: 1, team: 'b' },
      ],
      nodes: [free('node_a', [1000])],
      teams: { a: { ratePerHour: 4, spent: 100 }, b: { ratePerHour: 1, spent: 10 } },
      policy: policyPreset('fair', { weights: { a: 3, b: 1 } }),
    });
    // a: 4 / 3 per hour per weight; b: 1 / 1: b is further below its share.
    expect(d.jobId).toBe('job_b');
  });

  it('cost-aware: defers a deferrable job and says until when and what it saves', () => {
    const site = hourlyPriceSite((h) => (h === 4 ? 0.02 : 0.3));
    const d = decide({
      nowMs: T,
      queued: [
        {
          id: 'job_batch',
          submitMs: T,
          gpus: 1,
          expectedSeconds: 3600,
          deadlineMs: T + 12 * 3_600_000,
        },
      ],
      nodes: [free('node_a', [1000])],
      site,
      policy: policyPreset('cost-aware'),
    });
    expect(d.jobId).toBeNull();
    expect(d.waiting[0]!.jobId).toBe('job_batch');
    expect(d.waiting[0]!.reason).toMatch(/^starts 2023-01-01T04:00Z, saves USD \d+\.\d\d/);
  });
});
