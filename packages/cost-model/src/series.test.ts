import { describe, expect, it } from 'vitest';

import { MS_PER_HOUR, repeatWeekly, type HourlySeries } from './series';

// 2023-01-02 is a Monday; the recorded value of each hour is its index, so a lookup names its hour.
const start = Date.UTC(2023, 0, 2);
const year: HourlySeries = {
  name: 'test',
  unit: 'x',
  startMs: start,
  values: Float64Array.from({ length: 8760 }, (_, i) => i),
};
const WEEK = 7 * 24 * MS_PER_HOUR;

describe('repeatWeekly', () => {
  it('maps a later year onto the recorded hour 52 weeks earlier', () => {
    // 2026-11-30 05:00 is a Monday, 4 × 52 weeks + 47 weeks after the start, at hour 5 of the day.
    const from = start + (4 * 52 + 47) * WEEK + 5 * MS_PER_HOUR;
    const out = repeatWeekly(year, from, from + 3 * MS_PER_HOUR);
    expect(new Date(from).getUTCDay()).toBe(1);
    expect([...out.values]).toEqual([47 * 168 + 5, 47 * 168 + 6, 47 * 168 + 7]);
    expect(out.startMs).toBe(from);
  });

  it('wraps at the end of the 52 weeks and works before the recording', () => {
    const last = start + (52 * 7 * 24 - 1) * MS_PER_HOUR; // hour 8735, the last of 52 weeks
    expect([...repeatWeekly(year, last, last + 2 * MS_PER_HOUR).values]).toEqual([8735, 0]);
    const before = start - WEEK; // one week before: the 51st week of the period
    expect(repeatWeekly(year, before, before + MS_PER_HOUR).values[0]).toBe(51 * 168);
  });

  it('starts on the hour and refuses a short recording or an empty window', () => {
    const out = repeatWeekly(year, start + 90 * 60_000, start + 150 * 60_000);
    expect(out.startMs).toBe(start + MS_PER_HOUR);
    expect([...out.values]).toEqual([1, 2]);
    const short = { ...year, values: new Float64Array(100) };
    expect(() => repeatWeekly(short, start, start + MS_PER_HOUR)).toThrow(/52 weeks/);
    expect(() => repeatWeekly(year, start, start)).toThrow(/toMs/);
  });
});
