import { TRPCError } from '@trpc/server';
import type { DbHandle } from '@wattwise/db/client';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ZodError } from 'zod';

import { describeZodError } from '../src/trpc';
import {
  callerFor,
  costParts,
  describeEachDatabase,
  insertRows,
  openTestDb,
  tokenSecret,
} from './helpers';

/**
 * A hand-made fortnight of cost lines and facility hours, small enough to work out every figure by
 * hand. The period is 1–2 May 2024 (two UTC days); the previous period of equal length is 29–30 April.
 *
 * | day    | job | team | project | node | GPU  | hw | energy | ops | storage | bw | total |
 * |--------|-----|------|---------|------|------|----|--------|-----|---------|----|-------|
 * | 05-01  | j1  | A    | p1      | n1   | H100 | 8  | 4      | 2   | 1       | 0  | 15    |
 * | 05-01  | j3  | B    | p2      | n2   | A100 | 3  | 1      | 1   | 0       | 0  | 5     |
 * | 05-02  | j1  | A    | p1      | n1   | H100 | 8  | 4      | 2   | 1       | 1  | 16    |
 * | 05-02  | j2  | A    | —       | n1   | H100 | 2  | 1      | 0.5 | 0.5     | 0  | 4     |
 * | 05-02  | j3  | B    | p2      | n2   | A100 | 6  | 2      | 2   | 0       | 0  | 10    |
 * | 04-30  | j1  | A    | p1      | n1   | H100 | 6  | 2      | 1   | 1       | 0  | 10    |
 * | 04-29  | j4  | B    | p3      | n2   | A100 | 4  | 2      | 1   | 0       | 0  | 7     |
 *
 * Facility hours (site S): 05-01 05:00 idle 4, shared 4; 05-02 00:00 and 13:00 idle 10, shared 5
 * each; 05-03 02:00 idle 6, shared 1 (a day with no job). Each hour: 16 GPUs, 12 held; 10 kWh IT,
 * 6 of it drawn by jobs; PUE 1.25; 0.4 kg CO2e per kWh.
 */
describeEachDatabase('costs.explore', (adminUrl) => {
  let h: DbHandle;
  let admin: string;
  let memberA: string;
  const FROM = '2024-05-01T00:00:00Z';
  const TO = '2024-05-03T00:00:00Z';

  const caller = async (secret: string) => callerFor(h, secret);
  type Input = Parameters<Awaited<ReturnType<typeof caller>>['costs']['explore']>[0];
  const explore = async (input: Partial<Input>, secret = admin) =>
    (await caller(secret)).costs.explore({
      from: FROM,
      to: TO,
      groupBy: ['team'],
      ...input,
    } as Input);
  /** The refusal's code and message (for a bad input, its fields as the API's 400 names them). */
  const refusal = (p: Promise<unknown>) =>
    p.then(
      () => ({ code: 'OK', message: '' }),
      (e: unknown) => {
        if (!(e instanceof TRPCError)) throw e;
        const message = e.cause instanceof ZodError ? describeZodError(e.cause) : e.message;
        return { code: e.code, message };
      },
    );
  /** Rows as `key/key → total`, for comparing a whole grouping at once. */
  const totals = (rows: { keys: (string | null)[]; total: number }[]) =>
    Object.fromEntries(rows.map((r) => [r.keys.map(String).join('/'), r.total]));

  const job = (id: string, teamId: string, project: string | null) => ({
    id,
    teamId,
    project,
    name: `${id} name`,
  });
  const line = (
    day: string,
    jobId: string,
    teamId: string,
    project: string | null,
    node: string,
    gpuModel: string,
    parts: [number, number, number, number, number],
    [gpuHours, itKWh]: [number, number],
  ) => ({
    jobId,
    day: `2024-${day}`,
    siteId: 'site_S',
    teamId,
    project,
    node,
    gpuModel,
    currency: 'EUR',
    ...costParts(parts),
    gpuHours,
    itKWh,
    facilityKWh: itKWh * 1.25,
    co2eKg: itKWh * 1.25 * 0.4,
  });
  const hour = (at: string, idle: number, shared: number) => ({
    siteId: 'site_S',
    hour: `2024-${at}:00:00Z`,
    currency: 'EUR',
    gpus: 16,
    gpuHoursAllocated: 12,
    gpuHoursUsed: 10,
    itKWh: 10,
    jobsItKWh: 6,
    facilityKWh: 12.5,
    pue: 1.25,
    pricePerKWh: 0.1,
    kgPerKWh: 0.4,
    hardware: 20,
    energy: 1.25,
    operations: idle + shared,
    total: 21.25 + idle + shared,
    jobsCost: 21.25,
    idleCost: idle,
    sharedCost: shared,
    co2eKg: 5,
  });

  beforeAll(async () => {
    h = await openTestDb(adminUrl);
    await insertRows(h.db, {
      teams: { team_A: 'alpha', team_B: 'beta' },
      sites: [{ id: 'site_S', name: 'S', currency: 'EUR', pue: 1.25 }],
      jobs: [
        job('j1', 'team_A', 'p1'),
        job('j2', 'team_A', null),
        job('j3', 'team_B', 'p2'),
        job('j4', 'team_B', 'p3'),
      ],
      costLines: [
        line('05-01', 'j1', 'team_A', 'p1', 'n1', 'H100', [8, 4, 2, 1, 0], [10, 20]),
        line('05-01', 'j3', 'team_B', 'p2', 'n2', 'A100', [3, 1, 1, 0, 0], [4, 5]),
        line('05-02', 'j1', 'team_A', 'p1', 'n1', 'H100', [8, 4, 2, 1, 1], [10, 20]),
        line('05-02', 'j2', 'team_A', null, 'n1', 'H100', [2, 1, 0.5, 0.5, 0], [2, 4]),
        line('05-02', 'j3', 'team_B', 'p2', 'n2', 'A100', [6, 2, 2, 0, 0], [8, 10]),
        line('04-30', 'j1', 'team_A', 'p1', 'n1', 'H100', [6, 2, 1, 1, 0], [6, 8]),
        line('04-29', 'j4', 'team_B', 'p3', 'n2', 'A100', [4, 2, 1, 0, 0], [5, 6]),
      ],
      usageHours: [
        hour('05-01T05', 4, 4),
        hour('05-02T00', 10, 5),
        hour('05-02T13', 10, 5),
        hour('05-03T02', 6, 1),
      ],
    });
    admin = await tokenSecret(h.db, 'admin', 'admin');
    memberA = await tokenSecret(h.db, 'a', 'member', 'team_A');
  });
  afterAll(() => h?.close());

  it('groups by team, with names, parts that add up, quantities and shares of the total', async () => {
    const out = await explore({});
    expect(out.currency).toBe('EUR');
    expect(out.period).toMatchObject({
      start: '2024-05-01T00:00:00.000Z',
      end: '2024-05-03T00:00:00.000Z',
      days: 2,
    });
    expect(out.rows.map((r) => [r.keys[0], r.labels[0], r.total])).toEqual([
      ['team_A', 'alpha', 35], // 15 + 16 + 4
      ['team_B', 'beta', 15], // 5 + 10
    ]);
    const [a, b] = out.rows;
    expect(a).toMatchObject({ hardware: 18, energy: 9, operations: 4.5, storage: 2.5 });
    expect(a!.bandwidth).toBe(1);
    expect(a!.gpuHours).toBe(22); // 10 + 10 + 2
    expect(a!.itKWh).toBe(44); // 20 + 20 + 4
    expect(a!.facilityKWh).toBeCloseTo(55, 9);
    expect(a!.co2eKg).toBeCloseTo(22, 9);
    expect(a!.share).toBeCloseTo(35 / 50, 12);
    expect(b!.share).toBeCloseTo(15 / 50, 12);
    expect(out.totals.total).toBe(50);
    expect(out.totals.gpuHours).toBe(34);
    expect(out.truncated).toBe(false);
    expect(out.previousTotals).toBeNull();
    for (const r of out.rows)
      expect(r.hardware + r.energy + r.operations + r.storage + r.bandwidth).toBeCloseTo(
        r.total,
        12,
      );
  });

  it('groups by team × day, with days as UTC dates', async () => {
    const out = await explore({ groupBy: ['team', 'day'] });
    expect(totals(out.rows)).toEqual({
      'team_A/2024-05-01': 15,
      'team_A/2024-05-02': 20,
      'team_B/2024-05-01': 5,
      'team_B/2024-05-02': 10,
    });
    // Largest first.
    expect(out.rows.map((r) => r.total)).toEqual([20, 15, 10, 5]);
  });

  it('covers whole UTC days: a period that starts and ends mid-day takes in both days', async () => {
    const out = await explore({ from: '2024-05-01T06:00:00Z', to: '2024-05-02T12:00:00Z' });
    expect(out.period.start).toBe('2024-05-01T00:00:00.000Z');
    expect(out.period.end).toBe('2024-05-03T00:00:00.000Z');
    expect(out.totals.total).toBe(50);
  });

  it('unpivots the parts: GPU-hours with hardware, energy and CO2e with energy', async () => {
    const out = await explore({ groupBy: ['part'] });
    expect(totals(out.rows)).toEqual({
      hardware: 27, // 8 + 3 + 8 + 2 + 6
      energy: 12, // 4 + 1 + 4 + 1 + 2
      operations: 7.5, // 2 + 1 + 2 + 0.5 + 2
      storage: 2.5,
      bandwidth: 1,
    });
    const byPart = Object.fromEntries(out.rows.map((r) => [r.keys[0], r]));
    expect(byPart.hardware).toMatchObject({ hardware: 27, energy: 0, gpuHours: 34, itKWh: 0 });
    expect(byPart.energy).toMatchObject({ hardware: 0, energy: 12, gpuHours: 0, itKWh: 59 });
    expect(byPart.operations).toMatchObject({ gpuHours: 0, itKWh: 0, co2eKg: 0 });
    expect(out.totals.total).toBe(50);
  });

  it('filters: team and project, no project, GPU model, and parts', async () => {
    const p1 = await explore({
      groupBy: ['job'],
      filters: { team: ['team_A'], project: ['p1'] },
    });
    expect(p1.rows.map((r) => [r.keys[0], r.labels[0], r.total])).toEqual([['j1', 'j1 name', 31]]);
    const none = await explore({ groupBy: ['job'], filters: { project: [null] } });
    expect(totals(none.rows)).toEqual({ j2: 4 });
    const either = await explore({ groupBy: ['project'], filters: { project: [null, 'p2'] } });
    expect(totals(either.rows)).toEqual({ p2: 15, null: 4 });
    const a100 = await explore({
      groupBy: ['node', 'gpuModel'],
      filters: { gpuModel: ['A100'] },
    });
    expect(totals(a100.rows)).toEqual({ 'n2/A100': 15 });
    const energy = await explore({ filters: { part: ['energy', 'bandwidth'] } });
    // A: energy 4 + 4 + 1, bandwidth 1; B: energy 1 + 2.
    expect(totals(energy.rows)).toEqual({ team_A: 10, team_B: 3 });
    expect(energy.rows[0]).toMatchObject({ energy: 9, bandwidth: 1, hardware: 0 });
    const teamPart = await explore({ groupBy: ['team', 'part'], filters: { node: ['n2'] } });
    expect(totals(teamPart.rows)).toEqual({
      'team_B/hardware': 9,
      'team_B/energy': 3,
      'team_B/operations': 3,
      'team_B/storage': 0,
      'team_B/bandwidth': 0,
    });
  });

  it('idle separate: the facility idle capacity and shared costs as rows of their own', async () => {
    const out = await explore({ idle: 'separate' });
    // Idle 4 + 10 + 10; shared 4 + 5 + 5 (05-03 lies outside the period).
    expect(out.rows.map((r) => [r.kind, r.labels[0], r.total])).toEqual([
      ['jobs', 'alpha', 35],
      ['idle', 'Idle capacity', 24],
      ['jobs', 'beta', 15],
      ['shared', 'Shared costs', 14],
    ]);
    const idle = out.rows.find((r) => r.kind === 'idle')!;
    // Three hours of (16 − 12) GPUs and (10 − 6) kWh IT, × 1.25 PUE, × 0.4 kg/kWh.
    expect(idle).toMatchObject({ idle: 24, hardware: 0, gpuHours: 12, itKWh: 12 });
    expect(idle.facilityKWh).toBeCloseTo(15, 9);
    expect(idle.co2eKg).toBeCloseTo(6, 9);
    expect(out.totals.total).toBe(88);
    expect(out.rows.reduce((s, r) => s + r.share, 0)).toBeCloseTo(1, 12);

    const byDay = await explore({ groupBy: ['team', 'day'], idle: 'separate' });
    const facility = byDay.rows
      .filter((r) => r.kind !== 'jobs')
      .map((r) => [r.kind, r.keys[1], r.total]);
    expect(facility).toEqual(
      expect.arrayContaining([
        ['idle', '2024-05-01', 4],
        ['idle', '2024-05-02', 20],
        ['shared', '2024-05-01', 4],
        ['shared', '2024-05-02', 10],
      ]),
    );
    expect(facility).toHaveLength(4);

    // Idle capacity is nobody's: a filter on who ran leaves it out, and says so.
    const filtered = await explore({ idle: 'separate', filters: { team: ['team_B'] } });
    expect(totals(filtered.rows)).toEqual({ team_B: 15 });
    expect(filtered.notes.join(' ')).toMatch(/left out/);
  });

  it('idle shared: each day spread over its jobs in proportion to their cost', async () => {
    const out = await explore({ idle: 'shared' });
    // 05-01: idle 4 and shared 4 over A 15 : B 5 → A 3 + 3, B 1 + 1.
    // 05-02: idle 20 and shared 10 over A 20 (16 + 4) : B 10 → A 13.33 + 6.67 = 20, B 6.67 + 3.33 = 10.
    const [a, b] = out.rows;
    expect(a!.keys[0]).toBe('team_A');
    expect(a!.idle).toBeCloseTo(3 + 40 / 3, 9);
    expect(a!.shared).toBeCloseTo(3 + 20 / 3, 9);
    expect(a!.total).toBeCloseTo(35 + 6 + 20, 9);
    expect(b!.idle).toBeCloseTo(1 + 20 / 3, 9);
    expect(b!.shared).toBeCloseTo(1 + 10 / 3, 9);
    expect(b!.total).toBeCloseTo(15 + 2 + 10, 9);
    expect(out.totals.total).toBeCloseTo(88, 9);
    expect(out.allocation).toMatchObject({
      idlePolicy: 'proportional',
      sharedPolicy: 'proportional',
      basis: 'site-day',
      unallocated: { idle: 0, shared: 0 },
    });
    for (const r of out.rows)
      expect(
        r.hardware + r.energy + r.operations + r.storage + r.bandwidth + r.idle + r.shared,
      ).toBeCloseTo(r.total, 9);

    // A filter does not change a job's share: its weight is against every job of the day.
    const onlyB = await explore({ idle: 'shared', filters: { team: ['team_B'] } });
    expect(onlyB.rows[0]!.total).toBeCloseTo(27, 9);

    // Grouped by part, the spread shows as the parts "idle" and "shared".
    const parts = await explore({ groupBy: ['part'], idle: 'shared' });
    const byPart = totals(parts.rows);
    expect(byPart.idle).toBeCloseTo(24, 9);
    expect(byPart.shared).toBeCloseTo(14, 9);
    expect(byPart.hardware).toBe(27);

    // 05-03 had facility hours and no job: nothing to spread it over.
    const longer = await explore({ idle: 'shared', to: '2024-05-04T00:00:00Z' });
    expect(longer.allocation!.unallocated).toEqual({ idle: 6, shared: 1 });
    expect(longer.totals.total).toBeCloseTo(88, 9);
  });

  it('compares with the previous period of equal length, row by row', async () => {
    const out = await explore({ compare: true });
    expect(out.previousPeriod).toEqual({
      start: '2024-04-29T00:00:00.000Z',
      end: '2024-05-01T00:00:00.000Z',
    });
    expect(out.previousTotals!.total).toBe(17); // 10 + 7
    expect(out.comparison!.change.amount).toBe(33);
    expect(out.comparison!.change.ratio).toBeCloseTo(33 / 17, 12);
    const [a, b] = out.rows;
    expect(a).toMatchObject({ previousTotal: 10, change: { amount: 25, ratio: 2.5 } });
    expect(b!.previousTotal).toBe(7);
    expect(b!.change!.amount).toBe(8);
    expect(b!.change!.ratio).toBeCloseTo(8 / 7, 12);

    // Days are matched to the day one period earlier: 05-01 ↔ 04-29, 05-02 ↔ 04-30.
    const days = await explore({ groupBy: ['team', 'day'], compare: true });
    const prev = Object.fromEntries(
      days.rows.map((r) => [r.keys.join('/'), [r.previousTotal, r.change!.ratio]]),
    );
    expect(prev).toEqual({
      'team_A/2024-05-01': [0, null],
      'team_A/2024-05-02': [10, 1],
      'team_B/2024-05-01': [7, -2 / 7],
      'team_B/2024-05-02': [0, null],
    });

    // A previous row with nothing now is counted, not listed.
    const projects = await explore({ groupBy: ['project'], compare: true });
    expect(projects.rows.map((r) => r.keys[0])).not.toContain('p3');
    expect(projects.comparison!.unmatched).toEqual({ rows: 1, total: 7 });
  });

  it('lists the largest rows up to the limit and says how many there were', async () => {
    const out = await explore({ groupBy: ['team', 'day'], limit: 2 });
    expect(out.rows.map((r) => r.total)).toEqual([20, 15]);
    expect(out).toMatchObject({ groups: 4, truncated: true });
    expect(out.totals.total).toBe(50);
    expect(out.rows[0]!.share).toBeCloseTo(20 / 50, 12);
    expect(out.notes.join(' ')).toMatch(/largest 2 of 4/);
  });

  it("shows a member only their team's jobs, and no facility-wide figures", async () => {
    const own = await explore({ groupBy: ['job'] }, memberA);
    expect(totals(own.rows)).toEqual({ j1: 31, j2: 4 });
    expect(own.totals.total).toBe(35);
    const teams = await explore({ compare: true }, memberA);
    expect(teams.rows.map((r) => [r.keys[0], r.total, r.previousTotal])).toEqual([
      ['team_A', 35, 10],
    ]);
    expect(teams.previousTotals!.total).toBe(10);
    expect(await refusal(explore({ filters: { team: ['team_B'] } }, memberA))).toEqual({
      code: 'FORBIDDEN',
      message: expect.stringMatching(/^filters\.team: .*team_B/),
    });
    for (const idle of ['separate', 'shared'] as const)
      expect(await refusal(explore({ idle }, memberA))).toEqual({
        code: 'FORBIDDEN',
        message: expect.stringMatching(/^idle: .*only an admin/),
      });
    expect(await refusal(explore({ filters: { team: ['team_A'] } }, memberA))).toMatchObject({
      code: 'OK',
    });
  });

  it('refuses bad input with a 400 that names the field', async () => {
    const cases: [Partial<Input>, RegExp][] = [
      [{ from: TO, to: FROM }, /^to: must be after from/],
      [{ from: '2023-01-01T00:00:00Z' }, /^from: the period spans 488 days; at most 400/],
      [{ from: 'yesterday' }, /^from: /],
      [{ groupBy: [] }, /^groupBy: /],
      [{ groupBy: ['team', 'team'] }, /^groupBy: must name two different dimensions/],
      [{ groupBy: ['team', 'day', 'job'] }, /^groupBy: /],
      [{ groupBy: ['rack' as 'team'] }, /^groupBy\.0: /],
      [{ filters: { part: ['fuel' as 'energy'] } }, /^filters\.part\.0: /],
      [{ filters: { day: ['2024-05-01'] } as Input['filters'] }, /filters: .*day/],
      [{ idle: 'everything' as 'hidden' }, /^idle: /],
      [{ limit: 0 }, /^limit: /],
      [{ siteId: 'site_nowhere' }, /^siteId: no site site_nowhere/],
    ];
    for (const [input, message] of cases)
      expect(await refusal(explore(input)), JSON.stringify(input)).toEqual({
        code: 'BAD_REQUEST',
        message: expect.stringMatching(message),
      });
  });
});
