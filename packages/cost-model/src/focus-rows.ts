import Papa from 'papaparse';

import { InputError, finite } from './errors';
import { FOCUS_COLUMNS, FOCUS_CUSTOM_COLUMNS, type FocusOptions, type FocusRow } from './focus';

/** One row of a grouped cost view (the cost explorer's): its dimension values and its figures. */
export type GroupedCostRow = {
  /** Jobs' costs, or the facility's idle capacity or shared costs shown as rows of their own. */
  kind: 'jobs' | 'idle' | 'shared';
  /** One value per dimension (a day as YYYY-MM-DD); null where none was recorded. */
  keys: readonly (string | null)[];
  /** Display names per dimension (a team's or job's name), null to show the key. */
  labels: readonly (string | null)[];
  hardware: number;
  energy: number;
  operations: number;
  storage: number;
  bandwidth: number;
  /** Idle capacity and shared costs carried by the row (its own, or its spread share). */
  idle: number;
  shared: number;
  total: number;
  gpuHours: number;
  facilityKWh: number;
  co2eKg: number;
};

export type GroupedCostView = {
  currency: string;
  /** The period the view covers: whole UTC days, [startMs, endMs). */
  period: { startMs: number; endMs: number };
  /** The dimensions, in order (team, project, job, gpuModel, node, part, day). */
  groupBy: readonly string[];
  rows: readonly GroupedCostRow[];
};

/** Columns after FOCUS's own and focus.ts's custom ones: the dimensions and the row's breakdown. */
export const FOCUS_VIEW_COLUMNS = [
  'x_Dimension1',
  'x_Value1',
  'x_Dimension2',
  'x_Value2',
  'x_Hardware',
  'x_Energy',
  'x_Operations',
  'x_Storage',
  'x_Bandwidth',
  'x_Idle',
  'x_Shared',
  'x_FacilityKWh',
  'x_CO2eKg',
] as const;

export type FocusViewRow = FocusRow & Record<(typeof FOCUS_VIEW_COLUMNS)[number], string | number>;

const DAY_MS = 86_400_000;
const PART_SERVICE: Record<string, { name: string; category: string }> = {
  hardware: { name: 'GPU compute', category: 'Compute' },
  energy: { name: 'Data centre energy', category: 'Compute' },
  operations: { name: 'Operations', category: 'Management and Governance' },
  storage: { name: 'Storage', category: 'Storage' },
  bandwidth: { name: 'Networking', category: 'Networking' },
  idle: { name: 'Idle capacity', category: 'Compute' },
  shared: { name: 'Shared costs', category: 'Other' },
};

const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

/**
 * A grouped view as FOCUS 1.0 rows, exactly one per row shown: BilledCost is the row's total, so
 * the file adds up to what the view shows. A `day` dimension sets the charge period to that day,
 * otherwise it is the whole period; a team becomes the sub-account, a job or node the resource, a
 * part the SKU. Internal chargeback has no discounts: billed, effective, list and contracted cost
 * are one number. GPU-hours are the consumed quantity; a row mixes parts, so it has no unit price.
 */
export function focusViewRows(view: GroupedCostView, options: FocusOptions): FocusViewRow[] {
  if (!options.billingAccountId)
    throw new InputError(
      'billingAccountId',
      options.billingAccountId,
      'must be a non-empty string',
    );
  if (!options.providerName)
    throw new InputError('providerName', options.providerName, 'must be a non-empty string');
  if (!/^[A-Z]{3}$/.test(view.currency))
    throw new InputError('currency', view.currency, 'must be an ISO 4217 code such as USD');
  const { startMs, endMs } = view.period;
  if (!(Number.isFinite(startMs) && Number.isFinite(endMs) && endMs > startMs))
    throw new InputError('period', view.period, 'must have startMs < endMs');
  const dims = view.groupBy;
  if (dims.length < 1 || dims.length > 2)
    throw new InputError('groupBy', dims, 'must name one or two dimensions');
  const at = (d: string) => dims.indexOf(d);

  return view.rows.map((row, i) => {
    if (row.keys.length !== dims.length || row.labels.length !== dims.length)
      throw new InputError(
        `rows[${i}].keys`,
        row.keys,
        `must have one value per dimension (${dims.length})`,
      );
    for (const f of [
      'hardware',
      'energy',
      'operations',
      'storage',
      'bandwidth',
      'idle',
      'shared',
      'total',
      'gpuHours',
      'facilityKWh',
      'co2eKg',
    ] as const)
      finite(`rows[${i}].${f}`, row[f]);
    const value = (d: string) => (at(d) < 0 ? undefined : row.keys[at(d)]);
    const name = (d: string) => (at(d) < 0 ? undefined : (row.labels[at(d)] ?? row.keys[at(d)]));
    const shown = dims.map((_, k) => row.labels[k] ?? row.keys[k] ?? '(none)');

    const day = value('day');
    let chargeStart = startMs;
    let chargeEnd = endMs;
    if (day) {
      chargeStart = Date.parse(`${day}T00:00:00Z`);
      if (!Number.isFinite(chargeStart))
        throw new InputError(`rows[${i}].keys`, day, 'must give the day as YYYY-MM-DD');
      chargeEnd = chargeStart + DAY_MS;
    }
    const part = value('part') ?? (row.kind === 'jobs' ? null : row.kind);
    const service = part ? PART_SERVICE[part] : null;
    const facility = row.kind !== 'jobs';
    const team = value('team');
    const resource = value('job') ?? value('node');
    const resourceName = at('job') >= 0 ? name('job') : name('node');
    const cost = row.total;
    const tags: Record<string, string> = {};
    dims.forEach((d, k) => {
      if (row.keys[k] !== null) tags[`wattwise/${d}`] = row.keys[k]!;
    });
    if (facility) tags['wattwise/facility'] = row.kind;

    return {
      AvailabilityZone: '',
      BilledCost: cost,
      BillingAccountId: options.billingAccountId,
      BillingAccountName: options.billingAccountName ?? options.billingAccountId,
      BillingCurrency: view.currency,
      BillingPeriodEnd: iso(endMs),
      BillingPeriodStart: iso(startMs),
      ChargeCategory: 'Usage',
      ChargeClass: '',
      ChargeDescription: dims.map((d, k) => `${d} ${shown[k]}`).join(', '),
      // Shared costs accrue whatever runs; everything else follows use.
      ChargeFrequency: row.kind === 'shared' || part === 'shared' ? 'Recurring' : 'Usage-Based',
      ChargePeriodEnd: iso(chargeEnd),
      ChargePeriodStart: iso(chargeStart),
      CommitmentDiscountCategory: '',
      CommitmentDiscountId: '',
      CommitmentDiscountName: '',
      CommitmentDiscountStatus: '',
      CommitmentDiscountType: '',
      ConsumedQuantity: row.gpuHours > 0 ? row.gpuHours : '',
      ConsumedUnit: row.gpuHours > 0 ? 'GPU-Hours' : '',
      ContractedCost: cost,
      ContractedUnitPrice: '',
      EffectiveCost: cost,
      InvoiceIssuerName: options.providerName,
      ListCost: cost,
      ListUnitPrice: '',
      // Energy is bought at a price that moves hour by hour.
      PricingCategory: part === 'energy' ? 'Dynamic' : 'Standard',
      PricingQuantity: row.gpuHours > 0 ? row.gpuHours : '',
      PricingUnit: row.gpuHours > 0 ? 'GPU-Hours' : '',
      ProviderName: options.providerName,
      PublisherName: options.providerName,
      RegionId: options.regionId ?? '',
      RegionName: options.regionName ?? options.regionId ?? '',
      ResourceId: resource ?? '',
      ResourceName: resourceName ?? '',
      ResourceType: at('job') >= 0 ? 'Job' : at('node') >= 0 ? 'Node' : '',
      ServiceCategory: service?.category ?? 'Compute',
      ServiceName: service?.name ?? 'GPU compute',
      SkuId: part ?? '',
      SkuPriceId: '',
      SubAccountId: facility ? 'unallocated' : (team ?? ''),
      SubAccountName: facility ? 'unallocated' : (name('team') ?? ''),
      Tags: JSON.stringify(tags),
      x_CostPart: part ?? '',
      x_AllocationGroup: dims.join(','),
      x_Owner: shown.join(' / '),
      x_EnergySource: '',
      x_Dimension1: dims[0]!,
      x_Value1: row.keys[0] ?? '',
      x_Dimension2: dims[1] ?? '',
      x_Value2: dims.length > 1 ? (row.keys[1] ?? '') : '',
      x_Hardware: row.hardware,
      x_Energy: row.energy,
      x_Operations: row.operations,
      x_Storage: row.storage,
      x_Bandwidth: row.bandwidth,
      x_Idle: row.idle,
      x_Shared: row.shared,
      x_FacilityKWh: row.facilityKWh,
      x_CO2eKg: row.co2eKg,
    };
  });
}

/** A grouped view as FOCUS CSV (RFC 4180, header first), full precision so the totals add up. */
export function focusCsvFromRows(view: GroupedCostView, options: FocusOptions): string {
  return Papa.unparse(focusViewRows(view, options), {
    columns: [...FOCUS_COLUMNS, ...FOCUS_CUSTOM_COLUMNS, ...FOCUS_VIEW_COLUMNS],
    newline: '\n',
  });
}
