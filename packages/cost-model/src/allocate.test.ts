import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import {
  allocate,
  allocatedTotal,
  allocationRows,
  type AllocationInput,
  type IdlePolicy,
  type SharedPolicy,
} from './allocate';
import { MS_PER_HOUR } from './series';
import { usageColumns, type UsageRecord } from './usage';

const H = MS_PER_HOUR;
const t0 = Date.UTC(2024, 4, 1);
const rec = (
  team: string,
  fromH: number,
  toH: number,
  gpusRequested: number,
  gpusUsed: number,
  energyKWh: number,
  extra: Partial<UsageRecord> = {},
): UsageRecord => ({
  job: `job_${team}_${fromH}`,
  team,
  project: `proj_${team}`,
  node: 'node_1',
  startMs: t0 + fromH * H,
  endMs: t0 + toH * H,
  gpusRequested,
  gpusUsed,
  energyKWh,
  energyMeasured: true,
  ...extra,
});

/*
 * Two days, 4 GPUs at 1.00 per GPU-hour, 2 kWh IT every hour, PUE 1.5, price 0.10 on day 1 and 0.20
 * on day 2 (so a kWh costs 0.15, then 0.30). Operations 48 and storage 24 over the period.
 *   A (team a) hours 0–10,  2 requested / 1 used → 20 GPU-h; 5 kWh → 0.5 kWh/h × 10 h × 0.15 = 0.75
 *   B (team b) hours 20–28, 1 / 1, 8 kWh → day 1: 4 GPU-h, 4 kWh × 0.15 = 0.6; day 2: 4 GPU-h, 1.2
 *   C (team a) hours 30–36, 1 requested / 2 used → 12 GPU-h; 6 kWh × 0.30 = 1.8
 * Facility: hardware 96 a day; energy 48 kWh × 0.15 = 7.2 and 48 × 0.30 = 14.4; total 285.6.
 * Idle: day 1 hardware 96 − 24 = 72, energy 7.2 − 1.35 = 5.85; day 2 hardware 96 − 16 = 80, energy 14.4 − 3 = 11.4.
 */
const records = [rec('a', 0, 10, 2, 1, 5), rec('b', 20, 28, 1, 1, 8), rec('a', 30, 36, 1, 2, 6)];
const price = Float64Array.from({ length: 48 }, (_, h) => (h < 24 ? 0.1 : 0.2));
const base = (idlePolicy: IdlePolicy, sharedPolicy: SharedPolicy): AllocationInput => ({
  usage: usageColumns(records),
  period: { startMs: t0, hours: 48 },
  groupBy: 'team',
  facility: {
    currency: 'USD',
    gpuCount: 4,
    hardwarePerGpuHour: 1,
    itKWhPerHour: new Float64Array(48).fill(2),
    pricePerKWh: price,
    pue: 1.5,
    operations: 48,
    storage: 24,
    bandwidth: 0,
  },
  idlePolicy,
  sharedPolicy,
});
const closeTo = (actual: Float64Array, expected: number[]) => {
  expect(actual.length).toBe(expected.length);
  expected.forEach((v, i) => expect(actual[i]).toBeCloseTo(v, 9));
};
// Cell index: owner × 2 buckets + day. Owners in order of first appearance: a = 0, b = 1.
const cell = (owner: number, day: number) => owner * 2 + day;

describe('allocate — hand-worked cases', () => {
  it('direct costs: hardware on max(requested, used), energy at each hour’s price × PUE, split at midnight', () => {
    const r = allocate(base('none', 'even'));
    expect(r.owners).toEqual(['a', 'b']);
    expect(r.buckets).toEqual([
      { startMs: t0, endMs: t0 + 24 * H },
      { startMs: t0 + 24 * H, endMs: t0 + 48 * H },
    ]);
    closeTo(r.cells.hardware, [20, 12, 4, 4]);
    const e = r.cells.energy;
    expect(e[cell(0, 0)]).toBeCloseTo(0.75, 12);
    expect(e[cell(0, 1)]).toBeCloseTo(1.8, 12);
    expect(e[cell(1, 0)]).toBeCloseTo(0.6, 12);
    expect(e[cell(1, 1)]).toBeCloseTo(1.2, 12);
    closeTo(r.quantities.gpuHours, [20, 12, 4, 4]);
    expect(r.facility.total).toBeCloseTo(285.6, 9);
  });

  it('idle policy none: idle hardware and energy stay unallocated', () => {
    const r = allocate(base('none', 'even'));
    expect(r.unallocated.idleHardware).toBeCloseTo(72 + 80, 9);
    expect(r.unallocated.idleEnergy).toBeCloseTo(5.85 + 11.4, 9);
    expect(Array.from(r.cells.idleHardware)).toEqual([0, 0, 0, 0]);
  });

  it('idle policy weighted: by GPU-hours held in the day', () => {
    const r = allocate(base('weighted', 'even'));
    // Day 1: a 20 of 24 GPU-h, b 4; day 2: a 12 of 16, b 4.
    expect(r.cells.idleHardware[cell(0, 0)]).toBeCloseTo(72 * (20 / 24), 9);
    expect(r.cells.idleHardware[cell(1, 0)]).toBeCloseTo(72 * (4 / 24), 9);
    expect(r.cells.idleHardware[cell(0, 1)]).toBeCloseTo(80 * 0.75, 9);
    expect(r.cells.idleEnergy[cell(0, 0)]).toBeCloseTo(5.85 * (20 / 24), 9);
    expect(r.cells.idleEnergy[cell(1, 1)]).toBeCloseTo(11.4 * 0.25, 9);
    expect(r.unallocated.idleHardware).toBe(0);
  });

  it('idle policy even: the same to every team active that day', () => {
    const r = allocate(base('even', 'even'));
    expect(r.cells.idleHardware[cell(0, 0)]).toBeCloseTo(36, 9);
    expect(r.cells.idleHardware[cell(1, 0)]).toBeCloseTo(36, 9);
    expect(r.cells.idleEnergy[cell(0, 1)]).toBeCloseTo(5.7, 9);
  });

  it('shared policy even: each day’s slice (ops 24, storage 12) halved between the two teams', () => {
    const r = allocate(base('none', 'even'));
    closeTo(r.cells.operations, [12, 12, 12, 12]);
    closeTo(r.cells.storage, [6, 6, 6, 6]);
  });

  it('shared policy proportional: by direct hardware + energy cost in the day', () => {
    const r = allocate(base('none', 'proportional'));
    // Day 1: a 20 + 0.75, b 4 + 0.6.
    expect(r.cells.operations[cell(0, 0)]).toBeCloseTo((24 * 20.75) / 25.35, 9);
    expect(r.cells.operations[cell(1, 0)]).toBeCloseTo((24 * 4.6) / 25.35, 9);
    // Day 2: a 12 + 1.8, b 4 + 1.2.
    expect(r.cells.storage[cell(0, 1)]).toBeCloseTo((12 * 13.8) / 19, 9);
  });

  it('shared policy custom weights: 3 : 1, and a team with no weight gets none', () => {
    const r = allocate(base('none', { weights: { a: 3, b: 1 } }));
    closeTo(r.cells.operations, [18, 18, 6, 6]);
    const only = allocate(base('none', { weights: { a: 1 } }));
    closeTo(only.cells.operations, [24, 24, 0, 0]);
    const none = allocate(base('none', { weights: { c: 1 } }));
    expect(none.unallocated.operations).toBeCloseTo(48, 12);
  });

  it('adds up, and gives rows per team × day', () => {
    for (const idle of ['none', 'weighted', 'even'] as const) {
      for (const shared of ['proportional', 'even', { weights: { a: 2, b: 5 } }] as const) {
        const r = allocate(base(idle, shared));
        expect(allocatedTotal(r) + r.unallocated.total).toBeCloseTo(285.6, 9);
      }
    }
    const rows = allocationRows(allocate(base('weighted', 'even')));
    expect(rows.map((x) => [x.owner, new Date(x.startMs).toISOString().slice(0, 10)])).toEqual([
      ['a', '2024-05-01'],
      ['a', '2024-05-02'],
      ['b', '2024-05-01'],
      ['b', '2024-05-02'],
    ]);
    expect(rows.reduce((s, x) => s + x.total, 0)).toBeCloseTo(285.6, 9);
  });

  it('charges only the part of a record inside the period, and an instant at its hour', () => {
    const r = allocate({
      ...base('none', 'even'),
      usage: usageColumns([
        rec('a', -2, 2, 1, 1, 4),
        rec('b', 25, 25, 0, 0, 3),
        rec('c', 50, 60, 1, 1, 1),
      ]),
    });
    // a: 2 of its 4 hours fall inside → 2 GPU-h, 2 kWh × 0.15. b: 3 kWh at hour 25 × 0.30.
    expect(r.cells.hardware[cell(0, 0)]).toBeCloseTo(2, 12);
    expect(r.cells.energy[cell(0, 0)]).toBeCloseTo(0.3, 12);
    expect(r.cells.energy[cell(1, 1)]).toBeCloseTo(0.9, 12);
    expect(r.records).toEqual({ used: 2, outsidePeriod: 1 });
  });

  it('splits a record at every bucket edge it crosses and clips it at the period end', () => {
    // Buckets of 20 h: [0, 20), [20, 40), [40, 48). One GPU, 1 kWh an hour from hour 10 to hour 58:
    // 38 h fall inside. A kWh costs 0.15 before hour 24 and 0.30 after.
    const r = allocate({
      ...base('none', 'even'),
      bucketHours: 20,
      usage: usageColumns([
        rec('a', 10, 58, 1, 1, 48),
        rec('b', 1.5, 2.5, 1, 1, 1),
        rec('b', 27.25, 27.75, 2, 2, 2),
      ]),
    });
    const at = (owner: number, bucket: number) => owner * 3 + bucket;
    expect(r.buckets.map((x) => (x.endMs - x.startMs) / H)).toEqual([20, 20, 8]);
    expect(r.quantities.gpuHours[at(0, 0)]).toBeCloseTo(10, 12);
    expect(r.quantities.gpuHours[at(0, 1)]).toBeCloseTo(20, 12);
    expect(r.quantities.gpuHours[at(0, 2)]).toBeCloseTo(8, 12);
    expect(r.quantities.energyKWh[at(0, 1)]).toBeCloseTo(20, 12);
    expect(r.cells.energy[at(0, 0)]).toBeCloseTo(1.5, 12);
    expect(r.cells.energy[at(0, 1)]).toBeCloseTo(4 * 0.15 + 16 * 0.3, 12);
    expect(r.cells.energy[at(0, 2)]).toBeCloseTo(2.4, 12);
    expect(r.cells.energy[at(1, 0)]).toBeCloseTo(0.15, 12);
    expect(r.cells.energy[at(1, 1)]).toBeCloseTo(0.6, 12);
    expect(r.quantities.gpuHours[at(1, 1)]).toBeCloseTo(1, 12);
    expect(r.records).toEqual({ used: 3, outsidePeriod: 0 });
  });

  it('names the record and field that is wrong', () => {
    const bad = (x: Partial<UsageRecord>) =>
      allocate({
        ...base('none', 'even'),
        usage: usageColumns([records[0]!, rec('b', 1, 2, 1, 1, 1, x)]),
      });
    expect(() => bad({ endMs: t0 })).toThrow(/usage\[1\].endMs/);
    expect(() => bad({ gpusUsed: -1 })).toThrow(/usage\[1\].gpusUsed -1/);
    expect(() => bad({ energyKWh: NaN })).toThrow(/usage\[1\].energyKWh NaN/);
    expect(() => allocate({ ...base('none', 'even'), idlePolicy: 'some' as IdlePolicy })).toThrow(
      /idlePolicy "some"/,
    );
    expect(() => allocate({ ...base('none', { weights: { a: -1 } }) })).toThrow(
      /sharedPolicy.weights.a -1/,
    );
    expect(() =>
      allocate({ ...base('none', 'even'), period: { startMs: t0 + 1, hours: 48 } }),
    ).toThrow(/period.startMs/);
  });
});

describe('allocate — invariant on random inputs', () => {
  const recordArb = (hours: number) =>
    fc.record({
      team: fc.constantFrom('a', 'b', 'c', 'd', 'e'),
      start: fc.double({ min: -10, max: hours + 5, noNaN: true }),
      length: fc.oneof(fc.constant(0), fc.double({ min: 0, max: 60, noNaN: true })),
      req: fc.oneof(fc.constant(0), fc.double({ min: 0, max: 8, noNaN: true })),
      used: fc.double({ min: 0, max: 8, noNaN: true }),
      kwh: fc.double({ min: 0, max: 100, noNaN: true }),
      measured: fc.boolean(),
    });
  const inputArb = fc.integer({ min: 1, max: 100 }).chain((hours) =>
    fc.record({
      hours: fc.constant(hours),
      bucketHours: fc.integer({ min: 1, max: 30 }),
      records: fc.array(recordArb(hours), { maxLength: 60 }),
      prices: fc.array(fc.double({ min: -0.01, max: 0.5, noNaN: true }), {
        minLength: hours,
        maxLength: hours,
      }),
      pue: fc.array(fc.double({ min: 1, max: 2, noNaN: true }), {
        minLength: hours,
        maxLength: hours,
      }),
      it: fc.array(fc.double({ min: 0, max: 20, noNaN: true }), {
        minLength: hours,
        maxLength: hours,
      }),
      gpuCount: fc.integer({ min: 1, max: 64 }),
      rate: fc.double({ min: 0.5, max: 5, noNaN: true }),
      shared: fc.tuple(
        fc.double({ min: 0, max: 1e4, noNaN: true }),
        fc.double({ min: 0, max: 1e4, noNaN: true }),
        fc.double({ min: 0, max: 1e4, noNaN: true }),
      ),
      idle: fc.constantFrom<IdlePolicy>('none', 'weighted', 'even'),
      sharedPolicy: fc.oneof(
        fc.constantFrom<SharedPolicy>('proportional', 'even'),
        fc
          .record({
            a: fc.double({ min: 0, max: 10, noNaN: true }),
            c: fc.double({ min: 0, max: 10, noNaN: true }),
          })
          .map((weights) => ({ weights })),
      ),
      groupBy: fc.constantFrom('team', 'job', 'project', 'node' as const),
    }),
  );

  it('sum of allocations + unallocated = facility total within 1e-9 relative', () => {
    fc.assert(
      fc.property(inputArb, (x) => {
        const usage = usageColumns(
          x.records.map((r, i) => ({
            job: `job_${i}`,
            team: r.team,
            project: `p_${r.team}`,
            node: `node_${i % 3}`,
            startMs: t0 + r.start * H,
            endMs: t0 + (r.start + r.length) * H,
            gpusRequested: r.req,
            gpusUsed: r.used,
            energyKWh: r.kwh,
            energyMeasured: r.measured,
          })),
        );
        const a = allocate({
          usage,
          period: { startMs: t0, hours: x.hours },
          groupBy: x.groupBy,
          bucketHours: x.bucketHours,
          facility: {
            currency: 'EUR',
            gpuCount: x.gpuCount,
            hardwarePerGpuHour: x.rate,
            itKWhPerHour: Float64Array.from(x.it),
            pricePerKWh: Float64Array.from(x.prices),
            pue: Float64Array.from(x.pue),
            operations: x.shared[0],
            storage: x.shared[1],
            bandwidth: x.shared[2],
          },
          idlePolicy: x.idle,
          sharedPolicy: x.sharedPolicy,
        });
        const expected =
          x.gpuCount * x.hours * x.rate +
          x.it.reduce((s, v, h) => s + v * x.pue[h]! * x.prices[h]!, 0) +
          x.shared[0] +
          x.shared[1] +
          x.shared[2];
        expect(Math.abs(a.facility.total - expected)).toBeLessThanOrEqual(
          1e-9 * Math.abs(expected),
        );
        expect(
          Math.abs(allocatedTotal(a) + a.unallocated.total - a.facility.total),
        ).toBeLessThanOrEqual(1e-9 * Math.abs(a.facility.total));
      }),
      { numRuns: 500 },
    );
  });
});
