import Papa from 'papaparse';

import { ALLOCATION_COLUMNS, type Allocation, type AllocationColumn } from './allocate';
import { InputError } from './errors';

/** The FinOps FOCUS 1.0 column set, in the specification's order (custom columns follow, prefixed x_). */
export const FOCUS_COLUMNS = [
  'AvailabilityZone',
  'BilledCost',
  'BillingAccountId',
  'BillingAccountName',
  'BillingCurrency',
  'BillingPeriodEnd',
  'BillingPeriodStart',
  'ChargeCategory',
  'ChargeClass',
  'ChargeDescription',
  'ChargeFrequency',
  'ChargePeriodEnd',
  'ChargePeriodStart',
  'CommitmentDiscountCategory',
  'CommitmentDiscountId',
  'CommitmentDiscountName',
  'CommitmentDiscountStatus',
  'CommitmentDiscountType',
  'ConsumedQuantity',
  'ConsumedUnit',
  'ContractedCost',
  'ContractedUnitPrice',
  'EffectiveCost',
  'InvoiceIssuerName',
  'ListCost',
  'ListUnitPrice',
  'PricingCategory',
  'PricingQuantity',
  'PricingUnit',
  'ProviderName',
  'PublisherName',
  'RegionId',
  'RegionName',
  'ResourceId',
  'ResourceName',
  'ResourceType',
  'ServiceCategory',
  'ServiceName',
  'SkuId',
  'SkuPriceId',
  'SubAccountId',
  'SubAccountName',
  'Tags',
] as const;

export const FOCUS_CUSTOM_COLUMNS = [
  'x_CostPart',
  'x_AllocationGroup',
  'x_Owner',
  'x_EnergySource',
] as const;

export type FocusRow = Record<
  (typeof FOCUS_COLUMNS)[number] | (typeof FOCUS_CUSTOM_COLUMNS)[number],
  string | number
>;

export type FocusOptions = {
  billingAccountId: string;
  billingAccountName?: string;
  /** Who runs the facility (ProviderName, PublisherName, InvoiceIssuerName). */
  providerName: string;
  regionId?: string;
  regionName?: string;
};

const PART: Record<
  AllocationColumn,
  { service: string; category: string; frequency: string; description: string }
> = {
  hardware: {
    service: 'GPU compute',
    category: 'Compute',
    frequency: 'Usage-Based',
    description: 'Accelerator hardware time',
  },
  energy: {
    service: 'Data centre energy',
    category: 'Compute',
    frequency: 'Usage-Based',
    description: 'Energy at the hourly price × PUE',
  },
  idleHardware: {
    service: 'GPU compute',
    category: 'Compute',
    frequency: 'Usage-Based',
    description: 'Share of idle accelerator hardware',
  },
  idleEnergy: {
    service: 'Data centre energy',
    category: 'Compute',
    frequency: 'Usage-Based',
    description: 'Share of idle energy',
  },
  operations: {
    service: 'Operations',
    category: 'Management and Governance',
    frequency: 'Recurring',
    description: 'Share of staff, maintenance and licences',
  },
  storage: {
    service: 'Storage',
    category: 'Storage',
    frequency: 'Recurring',
    description: 'Share of storage',
  },
  bandwidth: {
    service: 'Networking',
    category: 'Networking',
    frequency: 'Recurring',
    description: 'Share of network egress and transit',
  },
};

const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

/**
 * An allocation as FOCUS rows: one per owner × bucket × cost part charged, plus one per part left
 * unallocated (SubAccountId "unallocated"). Internal chargeback has no discounts, so billed, effective,
 * list and contracted cost are the same number. BilledCost over all rows equals the facility total.
 */
export function focusRows(a: Allocation, options: FocusOptions): FocusRow[] {
  if (!options.billingAccountId)
    throw new InputError(
      'billingAccountId',
      options.billingAccountId,
      'must be a non-empty string',
    );
  if (!options.providerName)
    throw new InputError('providerName', options.providerName, 'must be a non-empty string');
  const periodStart = a.buckets[0]!.startMs;
  const periodEnd = a.buckets[a.buckets.length - 1]!.endMs;
  const nb = a.buckets.length;
  const base = {
    AvailabilityZone: '',
    BillingAccountId: options.billingAccountId,
    BillingAccountName: options.billingAccountName ?? options.billingAccountId,
    BillingCurrency: a.currency,
    BillingPeriodEnd: iso(periodEnd),
    BillingPeriodStart: iso(periodStart),
    ChargeCategory: 'Usage',
    ChargeClass: '',
    CommitmentDiscountCategory: '',
    CommitmentDiscountId: '',
    CommitmentDiscountName: '',
    CommitmentDiscountStatus: '',
    CommitmentDiscountType: '',
    ContractedUnitPrice: '',
    InvoiceIssuerName: options.providerName,
    ListUnitPrice: '',
    ProviderName: options.providerName,
    PublisherName: options.providerName,
    RegionId: options.regionId ?? '',
    RegionName: options.regionName ?? options.regionId ?? '',
    ResourceType: '',
    SkuPriceId: '',
    x_AllocationGroup: a.groupBy,
  };
  const rows: FocusRow[] = [];
  const row = (
    part: AllocationColumn,
    cost: number,
    owner: string,
    start: number,
    end: number,
    quantity: { amount: number; unit: string } | null,
    energySource: string,
    idle: boolean,
  ): FocusRow => {
    const p = PART[part];
    const unitPrice = quantity && quantity.amount > 0 ? cost / quantity.amount : '';
    return {
      ...base,
      BilledCost: cost,
      EffectiveCost: cost,
      ListCost: cost,
      ContractedCost: cost,
      ChargeDescription: `${p.description} for ${a.groupBy} ${owner}`,
      ChargeFrequency: p.frequency,
      // Energy is bought at a price that moves hour by hour.
      PricingCategory: part === 'energy' || part === 'idleEnergy' ? 'Dynamic' : 'Standard',
      ChargePeriodStart: iso(start),
      ChargePeriodEnd: iso(end),
      ConsumedQuantity: quantity?.amount ?? '',
      ConsumedUnit: quantity?.unit ?? '',
      PricingQuantity: quantity?.amount ?? '',
      PricingUnit: quantity?.unit ?? '',
      ContractedUnitPrice: unitPrice,
      ListUnitPrice: unitPrice,
      ResourceId: a.groupBy === 'job' || a.groupBy === 'node' ? owner : '',
      ResourceName: a.groupBy === 'job' || a.groupBy === 'node' ? owner : '',
      ServiceCategory: p.category,
      ServiceName: p.service,
      SkuId: part,
      SubAccountId: owner,
      SubAccountName: owner,
      Tags: JSON.stringify({
        'wattwise/part': part,
        'wattwise/idle': String(idle),
        [`wattwise/${a.groupBy}`]: owner,
      }),
      x_CostPart: part,
      x_Owner: owner,
      x_EnergySource: energySource,
    };
  };

  a.owners.forEach((owner, o) => {
    for (let k = 0; k < nb; k++) {
      const c = o * nb + k;
      const { startMs, endMs } = a.buckets[k]!;
      const kwh = a.quantities.energyKWh[c]!;
      const metered = a.quantities.measuredKWh[c]!;
      const source =
        kwh === 0
          ? ''
          : metered >= kwh * (1 - 1e-12)
            ? 'measured'
            : metered === 0
              ? 'modelled'
              : 'mixed';
      for (const part of ALLOCATION_COLUMNS) {
        const cost = a.cells[part][c]!;
        if (cost === 0) continue;
        const quantity =
          part === 'hardware'
            ? { amount: a.quantities.gpuHours[c]!, unit: 'GPU-Hours' }
            : part === 'energy'
              ? { amount: kwh, unit: 'kWh' }
              : null;
        rows.push(
          row(
            part,
            cost,
            owner,
            startMs,
            endMs,
            quantity,
            part === 'energy' ? source : '',
            part.startsWith('idle'),
          ),
        );
      }
    }
  });
  const u = a.unallocated;
  const left: [AllocationColumn, number][] = [
    ['idleHardware', u.idleHardware],
    ['idleEnergy', u.idleEnergy],
    ['operations', u.operations],
    ['storage', u.storage],
    ['bandwidth', u.bandwidth],
  ];
  for (const [part, cost] of left) {
    if (cost !== 0)
      rows.push(
        row(part, cost, 'unallocated', periodStart, periodEnd, null, '', part.startsWith('idle')),
      );
  }
  return rows;
}

/** FOCUS rows as CSV (RFC 4180, header first). Numbers keep full precision so the totals add up. */
export function focusCsv(a: Allocation, options: FocusOptions): string {
  return Papa.unparse(focusRows(a, options), {
    columns: [...FOCUS_COLUMNS, ...FOCUS_CUSTOM_COLUMNS],
    newline: '\n',
  });
}
