import { describe, expect, it } from 'vitest';

import {
  findGridZone,
  parseCarbonIntensityCsv,
  parseCarbonPointsCsv,
  parsePriceCsv,
  pointsMean,
} from './grid';
import { fillGaps, isoHour, seriesStats, sliceSeries } from './series';

const carbon = `Datetime (UTC),Country,Zone Name,Zone Id,Carbon Intensity gCO₂eq/kWh (direct),Carbon Intensity gCO₂eq/kWh (LCA),Low Carbon Percentage,Renewable Percentage,Data Source,Data Estimated,Data Estimation Method
2023-01-01 00:00:00,Germany,Germany,DE,300.5,350,50,40,x,false,
2023-01-01 01:00:00,Germany,Germany,DE,310.5,360,50,40,x,false,
2023-01-01 03:00:00,Germany,Germany,DE,290,340,50,40,x,false,
`;
const prices = `datetime_utc,US-CAL-CISO (USD/MWh),DE-LU (EUR/MWh)
2023-01-01T00:00:00Z,140.5,-1.07
2023-01-01T01:00:00Z,,-500
`;

describe('grid parsers', () => {
  it('reads an Electricity Maps hourly export, keeping a skipped hour as a gap', () => {
    const s = parseCarbonIntensityCsv(carbon);
    expect(s.name).toBe('DE');
    expect(s.unit).toBe('gCO2eq/kWh');
    expect(Array.from(s.values)).toEqual([300.5, 310.5, NaN, 290]);
    expect(seriesStats(s)).toMatchObject({
      count: 3,
      missing: 1,
      mean: (300.5 + 310.5 + 290) / 3,
      min: 290,
    });
    expect(parseCarbonIntensityCsv(carbon, 'lca').values[0]).toBe(350);
    expect(Array.from(fillGaps(s).values)).toEqual([300.5, 310.5, 310.5, 290]);
    expect(Array.from(sliceSeries(s, s.startMs + 3_600_000 * 3, 2).values)).toEqual([290, NaN]);
  });

  it('reads the price file, one series per region, each in its own currency', () => {
    const [caiso, de] = parsePriceCsv(prices);
    expect(caiso).toMatchObject({ name: 'US-CAL-CISO', currency: 'USD', unit: 'USD/MWh' });
    expect(de).toMatchObject({ name: 'DE-LU', currency: 'EUR' });
    expect(Array.from(caiso!.values)).toEqual([140.5, NaN]);
    expect(seriesStats(de!).min).toBe(-500);
    expect(isoHour(seriesStats(de!).minAtMs)).toBe('2023-01-01T01:00Z');
  });

  it('reads 15/30-minute points and averages on a common grid', () => {
    const p = parseCarbonPointsCsv(
      'Time,Carbon Intensity\n2020-01-01 00:00:00,100\n2020-01-01 00:15:00,999\n2020-01-01 00:30:00,200\n2021-01-01 00:00:00,5\n',
    );
    expect(pointsMean(p, Date.UTC(2020, 0, 1), Date.UTC(2021, 0, 1), 30)).toBe(150);
  });

  it('names the field and row that is wrong', () => {
    expect(() => parseCarbonIntensityCsv('')).toThrow(/carbon CSV/);
    expect(() => parseCarbonIntensityCsv('a,b\n1,2')).toThrow(
      /carbon CSV header "a,b" has no "Datetime \(UTC\)" column/,
    );
    expect(() => parseCarbonIntensityCsv(carbon.replace('310.5,360', 'abc,360'))).toThrow(
      /row 3 Carbon Intensity gCO₂eq\/kWh \(direct\) "abc" is not a number/,
    );
    expect(() =>
      parseCarbonIntensityCsv(carbon.replace('2023-01-01 01:00:00', 'yesterday')),
    ).toThrow(/row 3 Datetime \(UTC\) "yesterday" is not a date-time/);
    expect(() =>
      parseCarbonIntensityCsv(carbon.replace('2023-01-01 01:00:00', '2023-01-01 00:30:00')),
    ).toThrow(/must be on the hour/);
    expect(() => parsePriceCsv('datetime_utc,price\n2023-01-01T00:00:00Z,1')).toThrow(
      /no "<REGION> \(<CUR>\/MWh\)" column/,
    );
    expect(() => findGridZone('Mars')).toThrow(/zone "Mars" is not a bundled grid zone/);
    expect(findGridZone('caiso').id).toBe('US-CAL-CISO');
  });
});

// The 2020 series of Wiesner et al. (lets-wait-awhile) are not bundled: their repository carries no
// licence. Point WATTWISE_LETS_WAIT_AWHILE at a folder holding ger_ci.csv, gb_ci.csv and fr_ci.csv to
// check the parser against the published means at 30-minute points.
const lwa = process.env.WATTWISE_LETS_WAIT_AWHILE;
describe.skipIf(!lwa)('lets-wait-awhile 2020 means', () => {
  it.each([
    ['ger_ci', 313.39],
    ['gb_ci', 212.94],
    ['fr_ci', 56.34],
  ])('%s', async (file, mean) => {
    const { readFileSync } = await import('node:fs');
    const p = parseCarbonPointsCsv(readFileSync(`${lwa}/${file}.csv`, 'utf8'));
    expect(pointsMean(p, Date.UTC(2020, 0, 1), Date.UTC(2021, 0, 1), 30)).toBeCloseTo(mean, 2);
  });
});
