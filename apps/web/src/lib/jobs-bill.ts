import { z } from 'zod';

/** The five parts of a bill, in the order cost-model adds them (`COST_PARTS`). */
export const BILL_PARTS = ['hardware', 'energy', 'operations', 'storage', 'bandwidth'] as const;
export type BillPart = (typeof BILL_PARTS)[number];

export const BILL_PART_LABEL: Record<BillPart, string> = {
  hardware: 'Hardware',
  energy: 'Energy',
  operations: 'Operations',
  storage: 'Storage',
  bandwidth: 'Bandwidth',
};

const billInput = z.object({
  name: z.string(),
  value: z.number(),
  unit: z.string(),
  /** measured, modelled, rated, or reported estimate (trade-press prices). */
  label: z.string(),
  source: z.string().optional(),
});
export type BillInput = z.infer<typeof billInput>;

const billLine = z.object({ formula: z.string(), inputs: z.array(billInput) });
export type BillLine = z.infer<typeof billLine>;

const billHour = z.object({
  hourStartMs: z.number(),
  itKWh: z.number(),
  pue: z.number(),
  pricePerKWh: z.number(),
  kgPerKWh: z.number(),
  cost: z.number(),
});
export type BillHour = z.infer<typeof billHour>;

const detailSchema = z.object({
  lines: z.partialRecord(z.enum(BILL_PARTS), billLine).optional(),
  hourly: z.array(billHour).optional(),
  range: z.object({ low: z.number(), high: z.number() }).nullish(),
  hours: z.number().nullish(),
});

export type BillDetail = {
  lines: Partial<Record<BillPart, BillLine>>;
  hourly: BillHour[];
  range: { low: number; high: number } | null;
  hours: number | null;
};

/**
 * A stored bill's `detail` (cost-model's lines, hourly rows, range and hours), checked: the column
 * is JSON to the database, so a bill written by an older server shows what it has and no more.
 */
export function parseBillDetail(detail: unknown): BillDetail {
  const parsed = detailSchema.safeParse(detail);
  if (!parsed.success) return { lines: {}, hourly: [], range: null, hours: null };
  const d = parsed.data;
  return {
    lines: d.lines ?? {},
    hourly: d.hourly ?? [],
    range: d.range ?? null,
    hours: d.hours ?? null,
  };
}

/** Each part's share of the total, 0–1; null when the total is 0. */
export function partShare(amount: number, total: number): number | null {
  return total > 0 ? amount / total : null;
}

/** Sums of the hourly rows, for the table's footer. */
export function hourlyTotals(rows: readonly BillHour[]): { itKWh: number; cost: number } {
  let itKWh = 0;
  let cost = 0;
  for (const r of rows) {
    itKWh += r.itKWh;
    cost += r.cost;
  }
  return { itKWh, cost };
}
