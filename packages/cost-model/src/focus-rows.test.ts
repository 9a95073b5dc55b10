import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';

import { FOCUS_COLUMNS, FOCUS_CUSTOM_COLUMNS } from './focus';
import {
  FOCUS_VIEW_COLUMNS,
  focusCsvFromRows,
  focusViewRows,
  type GroupedCostRow,
  type GroupedCostView,
} from './focus-rows';

const zero = {
  hardware: 0,
  energy: 0,
  operations: 0,
  storage: 0,
  bandwidth: 0,
  idle: 0,
  shared: 0,
  gpuHours: 0,
  facilityKWh: 0,
  co2eKg: 0,
};
const jobsRow: GroupedCostRow = {
  ...zero,
  kind: 'jobs',
  keys: ['team_1', '2024-05-02'],
  labels: ['vision, "beta"', null],
  hardware: 8,
  energy: 4,
  operations: 2,
  storage: 1,
  bandwidth: 0.5,
  idle: 3,
  shared: 1.5,
  total: 20,
  gpuHours: 10,
  facilityKWh: 26,
  co2eKg: 13,
};
const idleRow: GroupedCostRow = {
  ...zero,
  kind: 'idle',
  keys: [null, '2024-05-01'],
  labels: ['Idle capacity', null],
  idle: 6.25,
  total: 6.25,
  gpuHours: 4,
};
const view: GroupedCostView = {
  currency: 'EUR',
  period: { startMs: Date.UTC(2024, 4, 1), endMs: Date.UTC(2024, 4, 3) },
  groupBy: ['team', 'day'],
  rows: [jobsRow, idleRow],
};
const options = { billingAccountId: 'dc-1', providerName: 'Wattwise DC' };

describe('focusViewRows', () => {
  it('writes one FOCUS row per row shown, its total as every cost column', () => {
    const [jobs, idle] = focusViewRows(view, options);
    expect(jobs).toMatchObject({
      BilledCost: 20,
      EffectiveCost: 20,
      ListCost: 20,
      ContractedCost: 20,
      BillingCurrency: 'EUR',
      BillingAccountId: 'dc-1',
      BillingAccountName: 'dc-1',
      BillingPeriodStart: '2024-05-01T00:00:00Z',
      BillingPeriodEnd: '2024-05-03T00:00:00Z',
      // The day dimension is the charge period.
      ChargePeriodStart: '2024-05-02T00:00:00Z',
      ChargePeriodEnd: '2024-05-03T00:00:00Z',
      ChargeCategory: 'Usage',
      ChargeFrequency: 'Usage-Based',
      ChargeDescription: 'team vision, "beta", day 2024-05-02',
      ConsumedQuantity: 10,
      ConsumedUnit: 'GPU-Hours',
      ListUnitPrice: '',
      SubAccountId: 'team_1',
      SubAccountName: 'vision, "beta"',
      ResourceId: '',
      ServiceCategory: 'Compute',
      ServiceName: 'GPU compute',
      SkuId: '',
      ProviderName: 'Wattwise DC',
      x_AllocationGroup: 'team,day',
      x_Dimension1: 'team',
      x_Value1: 'team_1',
      x_Dimension2: 'day',
      x_Value2: '2024-05-02',
      x_Hardware: 8,
      x_Idle: 3,
      x_Shared: 1.5,
      x_FacilityKWh: 26,
      x_CO2eKg: 13,
    });
    expect(JSON.parse(String(jobs!.Tags))).toEqual({
      'wattwise/team': 'team_1',
      'wattwise/day': '2024-05-02',
    });
    // The facility's idle capacity belongs to no team.
    expect(idle).toMatchObject({
      BilledCost: 6.25,
      SubAccountId: 'unallocated',
      SkuId: 'idle',
      ServiceName: 'Idle capacity',
      ChargePeriodStart: '2024-05-01T00:00:00Z',
      ChargeDescription: 'team Idle capacity, day 2024-05-01',
      x_Value1: '',
      x_Idle: 6.25,
    });
    expect(JSON.parse(String(idle!.Tags))).toEqual({
      'wattwise/day': '2024-05-01',
      'wattwise/facility': 'idle',
    });
  });

  it('takes the period as the charge period without a day, and names parts, jobs and nodes', () => {
    const rows = focusViewRows(
      {
        ...view,
        groupBy: ['job', 'part'],
        rows: [
          {
            ...zero,
            kind: 'jobs',
            keys: ['job_7', 'energy'],
            labels: ['train resnet', null],
            energy: 2.5,
            total: 2.5,
            facilityKWh: 10,
          },
        ],
      },
      { ...options, regionId: 'PJM' },
    );
    expect(rows[0]).toMatchObject({
      ChargePeriodStart: '2024-05-01T00:00:00Z',
      ChargePeriodEnd: '2024-05-03T00:00:00Z',
      ResourceId: 'job_7',
      ResourceName: 'train resnet',
      ResourceType: 'Job',
      SkuId: 'energy',
      x_CostPart: 'energy',
      ServiceName: 'Data centre energy',
      PricingCategory: 'Dynamic',
      ConsumedQuantity: '',
      RegionId: 'PJM',
      RegionName: 'PJM',
      SubAccountId: '',
      x_Dimension2: 'part',
      x_Value2: 'energy',
    });
  });

  it('refuses a view it cannot write, naming the field', () => {
    expect(() => focusViewRows({ ...view, currency: 'euro' }, options)).toThrow(/^currency "euro"/);
    expect(() => focusViewRows({ ...view, period: { startMs: 5, endMs: 5 } }, options)).toThrow(
      /^period /,
    );
    expect(() => focusViewRows({ ...view, rows: [{ ...jobsRow, keys: ['x'] }] }, options)).toThrow(
      /^rows\[0\]\.keys/,
    );
    expect(() => focusViewRows({ ...view, rows: [{ ...jobsRow, total: NaN }] }, options)).toThrow(
      /^rows\[0\]\.total NaN/,
    );
    expect(() =>
      focusViewRows({ ...view, rows: [{ ...jobsRow, keys: ['t', 'May 2'] }] }, options),
    ).toThrow(/YYYY-MM-DD/);
    expect(() => focusViewRows(view, { ...options, providerName: '' })).toThrow(/^providerName/);
  });
});

describe('focusCsvFromRows', () => {
  it('writes the FOCUS columns in order and reads back to the same rows and total', () => {
    const csv = focusCsvFromRows(view, options);
    const parsed = Papa.parse<Record<string, string>>(csv, { header: true });
    expect(parsed.errors).toEqual([]);
    expect(parsed.meta.fields).toEqual([
      ...FOCUS_COLUMNS,
      ...FOCUS_CUSTOM_COLUMNS,
      ...FOCUS_VIEW_COLUMNS,
    ]);
    expect(parsed.data).toHaveLength(2);
    // A comma and quotes in a team's name survive the round trip.
    expect(parsed.data[0]!.SubAccountName).toBe('vision, "beta"');
    expect(parsed.data.reduce((s, r) => s + Number(r.BilledCost), 0)).toBe(26.25);
  });
});
