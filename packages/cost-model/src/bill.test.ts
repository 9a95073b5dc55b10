import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import {
  billJob,
  type EnergyMethod,
  type JobBill,
  type JobBillInput,
  type MeteredInterval,
} from './bill';
import { InputError } from './errors';
import { MS_PER_HOUR } from './series';
import type { Site } from './site';
import { COST_PARTS } from './tco';

const H = MS_PER_HOUR;
const at = (iso: string) => Date.parse(iso);

// Flat site: 0.20 USD/kWh, PUE 1.25, 0.5 kgCO2e/kWh — round numbers for hand arithmetic.
const flat: Site = {
  id: 'site_flat',
  name: 'flat',
  currency: 'USD',
  pue: 1.25,
  tariff: { kind: 'flat', perKWh: 0.2 },
  carbon: { kind: 'constant', kgPerKWh: 0.5 },
};

const day = Date.UTC(2024, 2, 5); // 2024-03-05T00:00Z
const iv = (
  fromH: number,
  toH: number,
  kWh: number,
  method: EnergyMethod = 'nvml-energy',
  errorBand?: number,
): MeteredInterval => ({
  startMs: day + fromH * H,
  endMs: day + toH * H,
  itEnergyKWh: kWh,
  method,
  ...(errorBand === undefined ? {} : { errorBand }),
});

/** Parts added in COST_PARTS order, the order the bill promises. */
const partSum = (b: JobBill) => COST_PARTS.reduce((s, k) => s + b.parts[k], 0);

function expectInputError(fn: () => unknown, field: string): InputError {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(InputError);
  const e = caught as InputError;
  expect(e.field).toBe(field);
  expect(e.message.startsWith(field)).toBe(true);
  return e;
}

describe('billJob — one hour, all five parts, worked by hand', () => {
  const site: Site = {
    ...flat,
    pue: 1.5,
    tariff: { kind: 'flat', perKWh: 0.1 },
    carbon: { kind: 'constant', kgPerKWh: 0.4 },
  };
  const input: JobBillInput = {
    site,
    intervals: [iv(10, 11, 8)],
    accelerator: { name: 'H100 SXM', count: 8 },
    cpuCores: 32,
    hardware: { cpuCorePerHour: 0.01 },
    operations: { perGpuHour: 0.5, perCoreHour: 0.002 },
    storage: { gbMonths: 200, pricePerGbMonth: 0.02 },
    network: { egressGb: 100, pricePerGb: 0.05 },
  };
  const b = billJob(input);

  it('prices each part', () => {
    // H100 SXM: 30,000 USD reported price over the default 4 years, straight-line:
    // 30,000 / (4 × 8,760 h) = 0.856164 USD/h; × 8 boards × 1 h = 6.849315 USD.
    // CPU: 32 cores × 0.01 USD × 1 h = 0.32 USD. Hardware = 7.169315 USD.
    expect(b.parts.hardware).toBeCloseTo(240_000 / 35_040 + 0.32, 9);
    expect(b.parts.hardware).toBeCloseTo(7.169315, 6);
    // 8 kWh IT × PUE 1.5 = 12 kWh facility × 0.10 USD = 1.20 USD; × 0.4 kg = 4.8 kgCO2e.
    expect(b.itKWh).toBeCloseTo(8, 12);
    expect(b.facilityKWh).toBeCloseTo(12, 12);
    expect(b.parts.energy).toBeCloseTo(1.2, 12);
    expect(b.co2eKg).toBeCloseTo(4.8, 12);
    // 8 GPU-h × 0.5 + 32 core-h × 0.002 = 4 + 0.064.
    expect(b.parts.operations).toBeCloseTo(4.064, 12);
    // 200 GB-months × 0.02 = 4; 100 GB × 0.05 = 5.
    expect(b.parts.storage).toBeCloseTo(4, 12);
    expect(b.parts.bandwidth).toBeCloseTo(5, 12);
    // 7.169315 + 1.2 + 4.064 + 4 + 5 = 21.433315.
    expect(b.total).toBeCloseTo(21.433315, 6);
    expect(b.total).toBe(partSum(b));
    expect(b.hours).toBe(1);
    expect(b.currency).toBe('USD');
    expect(b.energyMethod).toBe('nvml-energy');
    expect(b.range).toBeUndefined();
    expect(b.hourly).toEqual([
      {
        hourStartMs: day + 10 * H,
        itKWh: 8,
        pue: 1.5,
        pricePerKWh: 0.1,
        kgPerKWh: 0.4,
        cost: expect.closeTo(1.2, 12),
      },
    ]);
  });

  it('writes each formula with its numbers and labels every input', () => {
    expect(b.lines.hardware.formula).toContain('0.856164');
    expect(b.lines.hardware.formula).toContain('30000 USD');
    expect(b.lines.energy.formula).toContain('uniform draw');
    expect(b.lines.energy.formula).toMatch(/8 kWh IT .*PUE 1\.5 .*= 12 kWh × 0\.1 USD\/kWh/);
    expect(b.lines.energy.formula).toContain('= 1.2 USD');
    expect(b.lines.operations.formula).toContain('8 × 0.5 USD + 32 × 0.002 USD = 4.064 USD');
    expect(b.lines.storage.formula).toContain('200 × 0.02 USD/GB-month = 4 USD');
    expect(b.lines.bandwidth.formula).toContain('100 × 0.05 USD/GB = 5 USD');

    const input = (part: keyof JobBill['lines'], name: string) =>
      b.lines[part].inputs.find((x) => x.name === name);
    expect(input('hardware', 'accelerator price')).toMatchObject({
      value: 30_000,
      unit: 'USD',
      label: 'reported estimate',
    });
    expect(input('hardware', 'accelerator price')?.source).toMatch(/trade press/);
    expect(input('hardware', 'life')).toMatchObject({ value: 4, label: 'modelled' });
    expect(input('hardware', 'hours held')).toMatchObject({ value: 1, label: 'measured' });
    expect(input('energy', 'IT energy, metered')).toMatchObject({ value: 8, label: 'measured' });
    expect(input('energy', 'IT energy, metered')?.source).toMatch(/NVML/);
    expect(input('energy', 'energy price (energy-weighted mean)')).toMatchObject({
      value: expect.closeTo(0.1, 12),
      label: 'rated',
    });
    expect(input('storage', 'storage')).toMatchObject({ value: 200, label: 'measured' });
    expect(input('bandwidth', 'egress price')).toMatchObject({ value: 0.05, label: 'rated' });
    for (const part of COST_PARTS) {
      for (const x of b.lines[part].inputs)
        expect(['measured', 'modelled', 'rated', 'reported estimate']).toContain(x.label);
    }
  });
});

describe('billJob — crossing an hour (and month) boundary', () => {
  // 23:00 Jan 31 costs 0.10 USD/kWh at 0.2 kg/kWh; 00:00 Feb 1 costs 0.30 at 0.5 kg/kWh. PUE is
  // monthly: 1.2 in January, 1.5 in February.
  const t0 = at('2024-01-31T23:00:00Z');
  const site: Site = {
    id: 'site_tou',
    name: 'hourly',
    currency: 'USD',
    pue: { monthly: [1.2, 1.5, 1.3, 1.3, 1.3, 1.3, 1.3, 1.3, 1.3, 1.3, 1.3, 1.3] },
    tariff: {
      kind: 'hourly',
      series: {
        name: 'test',
        unit: 'USD/kWh',
        currency: 'USD',
        startMs: t0,
        values: Float64Array.from([0.1, 0.3]),
      },
    },
    carbon: {
      kind: 'hourly',
      series: {
        name: 'test',
        unit: 'kgCO2e/kWh',
        startMs: t0,
        values: Float64Array.from([0.2, 0.5]),
      },
    },
  };
  // 23:30 → 01:00 is 1.5 h with 3 kWh: 0.5 h (1 kWh) in the first hour, 1 h (2 kWh) in the second.
  const b = billJob({
    site,
    intervals: [{ startMs: t0 + H / 2, endMs: t0 + 2 * H, itEnergyKWh: 3, method: 'nvml-power' }],
    accelerator: { name: 'H100 SXM', count: 2 },
  });

  it('splits energy by time and prices each hour at its own PUE and tariff', () => {
    expect(b.hourly).toHaveLength(2);
    const [a, c] = b.hourly;
    expect(a).toMatchObject({ hourStartMs: t0, pue: 1.2, pricePerKWh: 0.1, kgPerKWh: 0.2 });
    expect(a!.itKWh).toBeCloseTo(1, 12);
    expect(a!.cost).toBeCloseTo(1 * 1.2 * 0.1, 12); // 0.12
    expect(c).toMatchObject({ hourStartMs: t0 + H, pue: 1.5, pricePerKWh: 0.3, kgPerKWh: 0.5 });
    expect(c!.itKWh).toBeCloseTo(2, 12);
    expect(c!.cost).toBeCloseTo(2 * 1.5 * 0.3, 12); // 0.90
    // 0.12 + 0.90 = 1.02 USD; facility 1.2 + 3.0 = 4.2 kWh; CO2e 1.2 × 0.2 + 3.0 × 0.5 = 1.74 kg.
    expect(b.parts.energy).toBeCloseTo(1.02, 12);
    expect(b.facilityKWh).toBeCloseTo(4.2, 12);
    expect(b.co2eKg).toBeCloseTo(1.74, 12);
    expect(b.energyMethod).toBe('nvml-power');
    // A flat average would be wrong: 3 kWh × mean PUE 1.35 × mean price 0.20 = 0.81.
    expect(b.parts.energy).not.toBeCloseTo(0.81, 2);
  });

  it('amortises hardware over the 1.5 hours held', () => {
    // 30,000 / 35,040 USD/h × 2 boards × 1.5 h = 90,000 / 35,040 = 2.568493 USD.
    expect(b.hours).toBeCloseTo(1.5, 12);
    expect(b.parts.hardware).toBeCloseTo(2.568493, 6);
    expect(b.total).toBe(partSum(b));
    // Mean PUE 4.2 / 3 = 1.4 and mean price 1.02 / 4.2 in the formula.
    expect(b.lines.energy.formula).toContain('PUE 1.4 (mean)');
    expect(b.lines.energy.formula).toContain('over 2 hours');
  });

  it('names the hour a tariff series does not cover', () => {
    expectInputError(
      () =>
        billJob({
          site,
          intervals: [{ startMs: t0, endMs: t0 + 3 * H, itEnergyKWh: 1, method: 'rapl' }],
        }),
      't',
    );
  });
});

describe('billJob — retries', () => {
  // Given out of order, overlapping, with a gap:
  //   A 10:30–12:30, 4 kWh → 10h 1, 11h 2, 12h 1
  //   B 11:45–12:15, 1 kWh → 11h 0.5, 12h 0.5
  //   D 12:00–14:00, 2 kWh → 12h 1, 13h 1
  //   C 15:00–16:00, 3 kWh → 15h 3
  // Hours: 10h 1, 11h 2.5, 12h 2.5, 13h 1, 15h 3 (no row for 14h: nothing ran then).
  const b = billJob({
    site: flat,
    intervals: [iv(15, 16, 3), iv(11.75, 12.25, 1), iv(12, 14, 2), iv(10.5, 12.5, 4)],
    accelerator: { name: 'A100 80GB', count: 1 },
  });

  it('merges every attempt into one row per hour, in time order', () => {
    expect(b.hourly.map((r) => (r.hourStartMs - day) / H)).toEqual([10, 11, 12, 13, 15]);
    const kWh = [1, 2.5, 2.5, 1, 3];
    b.hourly.forEach((r, i) => expect(r.itKWh).toBeCloseTo(kWh[i]!, 12));
    // 10 kWh × 1.25 = 12.5 kWh × 0.20 = 2.50 USD; × 0.5 kg = 6.25 kg.
    expect(b.itKWh).toBeCloseTo(10, 12);
    expect(b.parts.energy).toBeCloseTo(2.5, 12);
    expect(b.co2eKg).toBeCloseTo(6.25, 12);
  });

  it('bills the hours held by every attempt, overlaps included', () => {
    // 2 + 0.5 + 2 + 1 = 5.5 h; A100 80GB 15,000 / 35,040 USD/h × 5.5 = 2.354452 USD.
    expect(b.hours).toBeCloseTo(5.5, 12);
    expect(b.parts.hardware).toBeCloseTo(2.354452, 6);
    expect(b.lines.hardware.inputs[0]).toMatchObject({
      name: 'hours held',
      value: 5.5,
      source: 'sum of 4 intervals',
    });
  });
});

describe('billJob — zero-length job', () => {
  it('bills nothing for time or energy, but still bills what it stored', () => {
    const b = billJob({
      site: flat,
      intervals: [iv(10, 10, 0)],
      accelerator: { name: 'H100 SXM', count: 8 },
      operations: { perGpuHour: 1 },
      storage: { gbMonths: 10, pricePerGbMonth: 0.1 },
    });
    expect(b.hours).toBe(0);
    expect(b.hourly).toEqual([]);
    expect(b.parts).toEqual({ hardware: 0, energy: 0, operations: 0, storage: 1, bandwidth: 0 });
    expect(b.total).toBe(1);
    expect(b.itKWh).toBe(0);
    expect(b.facilityKWh).toBe(0);
    expect(b.co2eKg).toBe(0);
    expect(b.lines.energy.formula).toContain('no energy drawn');
  });

  it('puts energy reported over zero time in the hour it started', () => {
    // 0.5 kWh at 10:20 → 10:00 row: 0.5 × 1.25 × 0.20 = 0.125 USD.
    const b = billJob({ site: flat, intervals: [iv(10 + 1 / 3, 10 + 1 / 3, 0.5)] });
    expect(b.hourly).toHaveLength(1);
    expect(b.hourly[0]!.hourStartMs).toBe(day + 10 * H);
    expect(b.parts.energy).toBeCloseTo(0.125, 12);
    expect(b.hours).toBe(0);
  });
});

describe('billJob — CPU-only job', () => {
  // 64 cores for 10:00–12:00, 1.6 kWh from RAPL → 0.8 kWh each hour.
  const b = billJob({
    site: flat,
    intervals: [iv(10, 12, 1.6, 'rapl')],
    cpuCores: 64,
    hardware: { cpuCorePerHour: 0.004 },
    operations: { perGpuHour: 0.5, perCoreHour: 0.001 },
  });

  it('bills cores, not accelerators', () => {
    // 64 × 0.004 × 2 h = 0.512; operations 128 core-h × 0.001 = 0.128 (no GPU-hours to charge);
    // energy 1.6 × 1.25 × 0.20 = 0.40. Total 1.04.
    expect(b.parts.hardware).toBeCloseTo(0.512, 12);
    expect(b.parts.operations).toBeCloseTo(0.128, 12);
    expect(b.parts.energy).toBeCloseTo(0.4, 12);
    expect(b.total).toBeCloseTo(1.04, 12);
    expect(b.total).toBe(partSum(b));
    expect(b.energyMethod).toBe('rapl');
    expect(b.hourly.map((r) => r.itKWh)).toEqual([
      expect.closeTo(0.8, 12),
      expect.closeTo(0.8, 12),
    ]);
    expect(b.lines.hardware.formula).toContain('no accelerator');
    expect(b.lines.hardware.inputs.some((x) => x.name === 'accelerator price')).toBe(false);
    expect(b.lines.energy.inputs[0]!.source).toMatch(/RAPL/);
  });
});

describe('billJob — currency, cost of capital, fractions and unsold parts', () => {
  it('converts the catalogue price and charges the cost of capital on half a GPU', () => {
    // A100 80GB 15,000 USD × 0.9 = 13,500 EUR; 5 years at 8 %: capital recovery
    // 13,500 × 0.08 / (1 − 1.08⁻⁵) = 1,080 / (1 − 1 / 1.469328) = 3,381.16 EUR/yr → 0.385977 EUR/h;
    // × 0.5 GPU × 4 h = 0.771955 EUR.
    const b = billJob({
      site: { ...flat, currency: 'EUR' },
      intervals: [iv(0, 4, 2)],
      accelerator: { name: 'A100 80GB', count: 0.5 },
      hardware: { fxPerUsd: 0.9, lifeYears: 5, costOfCapital: 0.08 },
    });
    expect(b.parts.hardware).toBeCloseTo(((13_500 * 0.08) / (1 - 1.08 ** -5) / 8760) * 0.5 * 4, 9);
    expect(b.parts.hardware).toBeCloseTo(0.771955, 6);
    expect(b.currency).toBe('EUR');
    expect(b.lines.hardware.formula).toContain('8 % cost of capital');
    expect(b.lines.hardware.inputs.find((x) => x.name === 'exchange rate')).toMatchObject({
      value: 0.9,
      unit: 'EUR/USD',
    });
  });

  it('charges no hardware for an accelerator with no purchase price, and says so', () => {
    const b = billJob({
      site: { ...flat, currency: 'EUR' },
      intervals: [iv(0, 1, 1)],
      accelerator: { name: 'TPU v4', count: 4 },
    });
    expect(b.parts.hardware).toBe(0);
    expect(b.lines.hardware.formula).toContain('not sold');
  });
});

describe('billJob — energy methods and ranges', () => {
  it('says mixed and gives a range from the modelled energy only', () => {
    // 2 kWh metered + 4 kWh modelled ±25 %: energy 6 × 1.25 × 0.20 = 1.50 USD; the band is
    // 0.25 × 4 × 1.25 × 0.20 = 0.25 USD, so the total (energy only) lies in 1.25–1.75.
    const b = billJob({
      site: flat,
      intervals: [iv(10, 11, 2, 'nvml-energy'), iv(11, 12, 4, 'modelled', 0.25)],
    });
    expect(b.energyMethod).toBe('mixed');
    expect(b.total).toBeCloseTo(1.5, 12);
    expect(b.range!.low).toBeCloseTo(1.25, 12);
    expect(b.range!.high).toBeCloseTo(1.75, 12);
    const names = b.lines.energy.inputs.map((x) => [x.name, x.value, x.label]);
    expect(names).toContainEqual(['IT energy, metered', 2, 'measured']);
    expect(names).toContainEqual(['IT energy, modelled', 4, 'modelled']);
  });

  it('keeps the other parts fixed in the range', () => {
    // Energy 1 × 1.25 × 0.2 = 0.25 ± 30 % (0.075); storage 2 × 1 = 2 → 2.175–2.325.
    const b = billJob({
      site: flat,
      intervals: [iv(0, 1, 1, 'modelled', 0.3)],
      storage: { gbMonths: 2, pricePerGbMonth: 1 },
    });
    expect(b.energyMethod).toBe('modelled');
    expect(b.range!.low).toBeCloseTo(2.175, 12);
    expect(b.range!.high).toBeCloseTo(2.325, 12);
  });

  it('keeps low ≤ high when the modelled energy was paid for at a negative price', () => {
    // 1 kWh × 1.25 × −0.10 = −0.125 USD; ±20 % of its size is 0.025 → −0.150 to −0.100.
    const b = billJob({
      site: { ...flat, tariff: { kind: 'flat', perKWh: -0.1 } },
      intervals: [iv(0, 1, 1, 'modelled', 0.2)],
    });
    expect(b.total).toBeCloseTo(-0.125, 12);
    expect(b.range!.low).toBeCloseTo(-0.15, 12);
    expect(b.range!.high).toBeCloseTo(-0.1, 12);
  });

  it('gives no range when every interval is metered, and one method name when they agree', () => {
    const b = billJob({ site: flat, intervals: [iv(0, 1, 1, 'rapl'), iv(1, 2, 1, 'rapl')] });
    expect(b.energyMethod).toBe('rapl');
    expect(b.range).toBeUndefined();
  });
});

describe('billJob — bad input names the field', () => {
  const ok: JobBillInput = { site: flat, intervals: [iv(0, 1, 1)] };
  const cases: [string, JobBillInput, string][] = [
    ['no intervals', { ...ok, intervals: [] }, 'intervals'],
    ['end before start', { ...ok, intervals: [iv(2, 1, 1)] }, 'intervals[0].endMs'],
    ['NaN start', { ...ok, intervals: [{ ...iv(0, 1, 1), startMs: NaN }] }, 'intervals[0].startMs'],
    [
      'negative energy',
      { ...ok, intervals: [iv(0, 1, 1), iv(1, 2, -1)] },
      'intervals[1].itEnergyKWh',
    ],
    [
      'unknown method',
      { ...ok, intervals: [{ ...iv(0, 1, 1), method: 'guess' as EnergyMethod }] },
      'intervals[0].method',
    ],
    [
      'modelled with no band',
      { ...ok, intervals: [iv(0, 1, 1, 'modelled')] },
      'intervals[0].errorBand',
    ],
    ['band over 1', { ...ok, intervals: [iv(0, 1, 1, 'modelled', 1.5)] }, 'intervals[0].errorBand'],
    [
      'band on a metered interval',
      { ...ok, intervals: [iv(0, 1, 1, 'rapl', 0.1)] },
      'intervals[0].errorBand',
    ],
    [
      'unknown accelerator',
      { ...ok, accelerator: { name: 'Z9000', count: 1 } },
      'accelerator.name',
    ],
    [
      'negative count',
      { ...ok, accelerator: { name: 'H100 SXM', count: -1 } },
      'accelerator.count',
    ],
    ['negative cores', { ...ok, cpuCores: -2 }, 'cpuCores'],
    ['cores with no rate', { ...ok, cpuCores: 4 }, 'hardware.cpuCorePerHour'],
    ['zero life', { ...ok, hardware: { lifeYears: 0 } }, 'hardware.lifeYears'],
    [
      'EUR site with no exchange rate',
      { ...ok, site: { ...flat, currency: 'EUR' }, accelerator: { name: 'H100 SXM', count: 1 } },
      'hardware.fxPerUsd',
    ],
    ['exchange rate on a USD site', { ...ok, hardware: { fxPerUsd: 0.9 } }, 'hardware.fxPerUsd'],
    ['NaN operations rate', { ...ok, operations: { perGpuHour: NaN } }, 'operations.perGpuHour'],
    ['storage with no price', { ...ok, storage: { gbMonths: 10 } }, 'storage.pricePerGbMonth'],
    [
      'negative egress price',
      { ...ok, network: { egressGb: 1, pricePerGb: -1 } },
      'network.pricePerGb',
    ],
    ['bad site currency', { ...ok, site: { ...flat, currency: 'usd' } }, 'currency'],
  ];
  it.each(cases)('%s → %s', (_name, input, field) => {
    expectInputError(() => billJob(input), field);
  });

  it('says why an accelerator name is unknown', () => {
    const e = expectInputError(
      () => billJob({ ...ok, accelerator: { name: 'Z9000', count: 1 } }),
      'accelerator.name',
    );
    expect(e.message).toMatch(/^accelerator\.name "Z9000" is not in the catalogue/);
  });
});

describe('billJob — properties', () => {
  // 100 hours from 2024-01-31T00:00Z (crossing into February for the monthly PUE), with random
  // hourly prices (some negative, as wholesale prices can be) and carbon.
  const t0 = Date.UTC(2024, 0, 31);
  const N = 100;
  const METHODS: EnergyMethod[] = ['nvml-energy', 'nvml-power', 'rapl', 'modelled'];
  const intervalArb = fc.record({
    start: fc.double({ min: 0, max: 60, noNaN: true }),
    length: fc.oneof(fc.constant(0), fc.double({ min: 0, max: 30, noNaN: true })),
    kWh: fc.oneof(fc.constant(0), fc.double({ min: 0, max: 100, noNaN: true })),
    method: fc.constantFrom(...METHODS),
    band: fc.double({ min: 0, max: 1, noNaN: true }),
  });
  const rate = fc.double({ min: 0, max: 10, noNaN: true });
  const inputArb = fc.record({
    intervals: fc.array(intervalArb, { minLength: 1, maxLength: 8 }),
    prices: fc.array(fc.double({ min: -0.05, max: 0.5, noNaN: true }), {
      minLength: N,
      maxLength: N,
    }),
    carbon: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: N, maxLength: N }),
    pueJan: fc.double({ min: 1, max: 2, noNaN: true }),
    pueFeb: fc.double({ min: 1, max: 2, noNaN: true }),
    acc: fc.option(
      fc.record({ name: fc.constantFrom('H100 SXM', 'A100 40GB', 'TPU v4', 'B200'), count: rate }),
      { nil: undefined },
    ),
    cores: rate,
    coreRate: rate,
    ops: fc.record({ perGpuHour: rate, perCoreHour: rate }),
    storage: fc.record({ gbMonths: rate, pricePerGbMonth: rate }),
    network: fc.record({ egressGb: rate, pricePerGb: rate }),
  });

  it('parts add up exactly to the total, and energy matches an hour-by-hour reference', () => {
    fc.assert(
      fc.property(inputArb, (x) => {
        const pue = [x.pueJan, x.pueFeb, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1];
        const site: Site = {
          id: 'site_p',
          name: 'p',
          currency: 'USD',
          pue: { monthly: pue },
          tariff: {
            kind: 'hourly',
            series: {
              name: 'p',
              unit: 'USD/kWh',
              startMs: t0,
              values: Float64Array.from(x.prices),
            },
          },
          carbon: {
            kind: 'hourly',
            series: {
              name: 'p',
              unit: 'kgCO2e/kWh',
              startMs: t0,
              values: Float64Array.from(x.carbon),
            },
          },
        };
        const intervals: MeteredInterval[] = x.intervals.map((r) => ({
          startMs: t0 + Math.round(r.start * H),
          endMs: t0 + Math.round((r.start + r.length) * H),
          itEnergyKWh: r.kWh,
          method: r.method,
          ...(r.method === 'modelled' ? { errorBand: r.band } : {}),
        }));
        const b = billJob({
          site,
          intervals,
          accelerator: x.acc,
          cpuCores: x.cores,
          hardware: { cpuCorePerHour: x.coreRate },
          operations: x.ops,
          storage: x.storage,
          network: x.network,
        });

        expect(b.total).toBe(partSum(b));

        // Reference: every hour of the window, every interval, overlap / duration of its energy.
        const kWh = new Float64Array(N);
        const touched = new Set<number>();
        let cost = 0;
        let heldH = 0;
        for (const v of intervals) {
          const dur = v.endMs - v.startMs;
          heldH += dur / H;
          if (dur === 0) {
            if (v.itEnergyKWh > 0) {
              const h = Math.floor((v.startMs - t0) / H);
              kWh[h]! += v.itEnergyKWh;
              touched.add(h);
            }
            continue;
          }
          for (let h = 0; h < N; h++) {
            const lo = Math.max(v.startMs, t0 + h * H);
            const hi = Math.min(v.endMs, t0 + (h + 1) * H);
            if (hi > lo) {
              kWh[h]! += (v.itEnergyKWh * (hi - lo)) / dur;
              touched.add(h);
            }
          }
        }
        for (let h = 0; h < N; h++) {
          const month = h < 24 ? 0 : 1; // Jan 31 is the first 24 hours
          cost += kWh[h]! * pue[month]! * x.prices[h]!;
        }
        const tol = (v: number) => 1e-9 * Math.max(1, Math.abs(v));
        expect(Math.abs(b.parts.energy - cost)).toBeLessThanOrEqual(tol(cost));
        expect(Math.abs(b.hours - heldH)).toBeLessThanOrEqual(tol(heldH));

        const hours = b.hourly.map((r) => (r.hourStartMs - t0) / H);
        expect(hours).toEqual([...touched].sort((a, c) => a - c));
        b.hourly.forEach((r, i) => {
          expect(Math.abs(r.itKWh - kWh[hours[i]!]!)).toBeLessThanOrEqual(tol(kWh[hours[i]!]!));
        });
        const sumIt = b.hourly.reduce((s, r) => s + r.itKWh, 0);
        expect(Math.abs(sumIt - b.itKWh)).toBeLessThanOrEqual(tol(b.itKWh));

        const modelled = intervals.some((v) => v.method === 'modelled');
        expect(b.range !== undefined).toBe(modelled);
        if (b.range) {
          expect(b.range.low).toBeLessThanOrEqual(b.total + tol(b.total));
          expect(b.range.high).toBeGreaterThanOrEqual(b.total - tol(b.total));
        }
        const methods = new Set(intervals.map((v) => v.method));
        expect(b.energyMethod).toBe(methods.size === 1 ? intervals[0]!.method : 'mixed');
      }),
      { numRuns: 300, seed: 20240131 },
    );
  });
});

describe('billJob — performance', () => {
  it('bills a job spanning 1,000 hours with 1,000 attempts quickly', () => {
    const n = 1000;
    const t0 = Date.UTC(2024, 0, 1);
    const prices = Float64Array.from({ length: n }, (_, h) => 0.05 + (h % 24) / 100);
    const site: Site = {
      id: 'site_perf',
      name: 'perf',
      currency: 'USD',
      pue: { monthly: [1.1, 1.2, 1.3, 1.4, 1.5, 1.6, 1.7, 1.8, 1.9, 2, 1.1, 1.2] },
      tariff: {
        kind: 'hourly',
        series: { name: 'p', unit: 'USD/kWh', startMs: t0, values: prices },
      },
      carbon: { kind: 'constant', kgPerKWh: 0.3 },
    };
    // One attempt over all 1,000 hours at 1 kWh/h, and 999 one-hour retries at 2 kWh each, newest first.
    const intervals: MeteredInterval[] = [
      { startMs: t0, endMs: t0 + n * H, itEnergyKWh: n, method: 'nvml-energy' },
    ];
    for (let h = n - 1; h >= 1; h--)
      intervals.push({
        startMs: t0 + h * H,
        endMs: t0 + (h + 1) * H,
        itEnergyKWh: 2,
        method: 'nvml-energy',
      });

    const t = performance.now();
    const b = billJob({ site, intervals, accelerator: { name: 'H200', count: 8 } });
    const ms = performance.now() - t;

    expect(b.hourly).toHaveLength(n);
    // Hour 0 holds 1 kWh, every other hour 3 kWh; hours 0–743 are January (PUE 1.1), 744–999 February (1.2).
    let expected = 0;
    for (let h = 0; h < n; h++) expected += (h === 0 ? 1 : 3) * (h < 744 ? 1.1 : 1.2) * prices[h]!;
    expect(b.parts.energy).toBeCloseTo(expected, 9);
    expect(b.hours).toBe(n + (n - 1));
    expect(ms).toBeLessThan(100);
  });
});
