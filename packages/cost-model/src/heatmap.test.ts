import { describe, expect, it } from 'vitest';

import { hourOfWeekHeatmap } from './heatmap';

// 2024-01-01 was a Monday.
const MONDAY = Date.UTC(2024, 0, 1);
const WEEK = 168;

describe('hourOfWeekHeatmap', () => {
  it('averages each hour of the week over the weeks it saw, Monday 00:00 first', () => {
    // Two weeks. Price: the hour of the day in week 1, that + 10 in week 2 → cell mean hour + 5.
    // Carbon: 1 + weekday index (Monday 0) in both weeks, except one gap on Tuesday 03:00 of week 2.
    const price: number[] = [];
    const carbon: number[] = [];
    for (let i = 0; i < 2 * WEEK; i++) {
      const hour = i % 24;
      const day = Math.floor((i % WEEK) / 24);
      price.push(hour + (i >= WEEK ? 10 : 0));
      carbon.push(i === WEEK + 24 + 3 ? NaN : 1 + day);
    }
    const map = hourOfWeekHeatmap({ startMs: MONDAY, price, carbon });
    expect(map.timeZone).toBe('UTC');
    expect(map.cells).toHaveLength(168);
    const at = (weekday: number, hour: number) =>
      map.cells.find((c) => c.weekday === weekday && c.hour === hour)!;
    expect(map.cells[0]).toMatchObject({ weekday: 1, hour: 0, price: 5, carbon: 1 });
    expect(at(3, 17)).toMatchObject({ price: 22, carbon: 3, priceHours: 2, carbonHours: 2 });
    // The gap is skipped, not counted as zero.
    expect(at(2, 3)).toMatchObject({ carbon: 2, priceHours: 2, carbonHours: 1 });
    expect(at(7, 23)).toMatchObject({ price: 28, carbon: 7 });
  });

  it('flags the cheapest and cleanest tenth of the cells, and nothing when all are alike', () => {
    // One week; price 100 except Saturday and Sunday 10:00–15:00 (12 cells at 20) and Wednesday
    // 02:00–07:00 (5 cells at 50): 17 cells = ceil(0.1 × 168) are flagged, the 12 + 5 lowest.
    const price = Array.from({ length: WEEK }, (_, i) => {
      const day = Math.floor(i / 24);
      const hour = i % 24;
      if (day >= 5 && hour >= 10 && hour < 16) return 20;
      if (day === 2 && hour >= 2 && hour < 7) return 50;
      return 100;
    });
    const carbon = new Array<number>(WEEK).fill(0.4);
    const map = hourOfWeekHeatmap({ startMs: MONDAY, price, carbon });
    const cheap = map.cells.filter((c) => c.cheapest);
    expect(cheap).toHaveLength(17);
    expect(cheap.filter((c) => c.price === 20)).toHaveLength(12);
    expect(cheap.filter((c) => c.weekday === 3).map((c) => c.hour)).toEqual([2, 3, 4, 5, 6]);
    expect(map.cells.some((c) => c.cleanest)).toBe(false);
    // A share of 0.05 → ceil(8.4) = 9 cells: the cut is 20, so exactly the 12 cells at 20 (ties kept).
    expect(
      hourOfWeekHeatmap({ startMs: MONDAY, price, carbon }, { bestShare: 0.05 }).cells.filter(
        (c) => c.cheapest,
      ),
    ).toHaveLength(12);
  });

  it('reads weekdays and hours in the time zone asked for, across a daylight-saving switch', () => {
    // New York is UTC−5 in January: UTC Monday 05:00 is local Monday 00:00, and UTC Monday
    // 00:00 is local Sunday 19:00.
    const price = Array.from({ length: WEEK }, (_, i) => i);
    const map = hourOfWeekHeatmap(
      { startMs: MONDAY, price, carbon: price },
      { timeZone: 'America/New_York' },
    );
    expect(map.cells[0]).toMatchObject({ weekday: 1, hour: 0, price: 5 });
    expect(map.cells.find((c) => c.weekday === 7 && c.hour === 19)!.price).toBe(0);
    // 2024-03-10: clocks go forward at 07:00 UTC (02:00 EST → 03:00 EDT). UTC 06:00 is 01:00 EST,
    // UTC 07:00 is 03:00 EDT; local 02:00 never happens that Sunday.
    const start = Date.UTC(2024, 2, 10, 0);
    const dst = hourOfWeekHeatmap(
      {
        startMs: start,
        price: Array.from({ length: 12 }, (_, i) => i),
        carbon: new Array(12).fill(1),
      },
      { timeZone: 'America/New_York' },
    );
    const sunday = (hour: number) => dst.cells.find((c) => c.weekday === 7 && c.hour === hour)!;
    expect(sunday(1).price).toBe(6);
    expect(sunday(2).priceHours).toBe(0);
    expect(sunday(3).price).toBe(7);
  });

  it('refuses inputs that cannot be read, naming the field', () => {
    const ok = { startMs: MONDAY, price: [1], carbon: [1] };
    expect(() => hourOfWeekHeatmap({ ...ok, startMs: MONDAY + 1 })).toThrow(/startMs/);
    expect(() => hourOfWeekHeatmap({ ...ok, carbon: [1, 2] })).toThrow(/carbon 2 must hold/);
    expect(() => hourOfWeekHeatmap(ok, { timeZone: 'Mars/Olympus' })).toThrow(/timeZone/);
    expect(() => hourOfWeekHeatmap(ok, { bestShare: 2 })).toThrow(/bestShare/);
  });
});
