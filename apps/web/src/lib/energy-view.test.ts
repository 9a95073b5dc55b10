import { describe, expect, it } from 'vitest';

import {
  HEAT_COLOURS,
  cellName,
  energyChartRows,
  heatBins,
  lowestCell,
  type GridPoint,
} from './energy-view';

const point = (
  t: string,
  price: number,
  carbon: number,
  status: GridPoint['carbonStatus'],
): GridPoint => ({
  t,
  hours: 1,
  price,
  priceMin: price,
  priceMax: price,
  carbon,
  carbonMin: carbon,
  carbonMax: carbon,
  priceStatus: status,
  carbonStatus: status,
});

describe('energy view helpers', () => {
  it('puts forecast hours in their own keys, joined to the last known hour', () => {
    const { rows, forecastFrom } = energyChartRows(
      [
        point('2025-03-03T00:00:00Z', 0.1, 0.3, 'estimated'),
        point('2025-03-03T01:00:00Z', 0.2, 0.4, 'estimated'),
        point('2025-03-03T02:00:00Z', 0.3, 0.5, 'forecast'),
      ],
      'hour',
    );
    expect(forecastFrom).toBe(Date.parse('2025-03-03T02:00:00Z'));
    expect(rows.map((r) => [r.price, r.priceForecast, r.carbon, r.carbonForecast])).toEqual([
      [0.1, null, 300, null],
      [0.2, 0.2, 400, 400],
      [null, 0.3, null, 500],
    ]);
    expect(rows[0]!.priceBand).toBeNull(); // bands only for daily means
  });

  it('bins values into five equal steps and finds the lowest cell', () => {
    // Ten values 1…10: cuts at the quintiles 3, 5, 7, 9.
    const { bin, edges, single, colourOf } = heatBins([null, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(single).toBe(false);
    expect([1, 2, 3, 6, 10].map(bin)).toEqual([0, 0, 1, 2, 4]);
    expect(edges.map((e) => [e.from, e.to])).toEqual([
      [1, 3],
      [3, 5],
      [5, 7],
      [7, 9],
      [9, 10],
    ]);
    expect(colourOf(10)).toBe(HEAT_COLOURS[4]);
    // One spike does not push the rest into one colour; ties share a bin.
    const spiky = heatBins([1, 1, 1, 1, 2, 2, 2, 3, 3, 100]);
    expect(spiky.edges.map((e) => e.from)).toEqual([1, 2, 3]);
    expect(spiky.bin(100)).toBe(2);
    expect(spiky.colourOf(100)).toBe(HEAT_COLOURS[4]);
    expect(heatBins([5, 5]).single).toBe(true);
    const cell = (weekday: number, hour: number, price: number, carbon: number | null) => ({
      weekday,
      hour,
      price,
      carbon,
      priceHours: 1,
      carbonHours: carbon === null ? 0 : 1,
      cheapest: false,
      cleanest: false,
    });
    const cells = [cell(7, 3, 1, 9), cell(1, 0, 2, null)];
    expect(cellName(lowestCell({ timeZone: 'UTC', bestShare: 0.1, cells }, 'price')!)).toBe(
      'Sun 03:00',
    );
  });
});
