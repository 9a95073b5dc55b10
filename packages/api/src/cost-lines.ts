// A job's bill cut into UTC hours and days: the days are its cost lines (what the cost explorer
// groups), the hours are what the facility's hourly account adds up as the jobs' cost.
import { COST_PARTS, MS_PER_HOUR, type CostByPart, type JobBill } from '@wattwise/cost-model';

export const MS_PER_DAY = 24 * MS_PER_HOUR;

/** A span the job held its resources (one attempt), UTC ms. */
export type HeldSpan = { startMs: number; endMs: number };

/** A job's cost in one UTC hour or day. */
export type CostPiece = CostByPart & {
  /** Start of the hour or day, UTC ms. */
  startMs: number;
  total: number;
  /** GPUs held (whole or a share) × hours held in this hour or day. */
  gpuHours: number;
  itKWh: number;
  facilityKWh: number;
  co2eKg: number;
};

const emptyPiece = (startMs: number): CostPiece => ({
  startMs,
  hardware: 0,
  energy: 0,
  operations: 0,
  storage: 0,
  bandwidth: 0,
  total: 0,
  gpuHours: 0,
  itKWh: 0,
  facilityKWh: 0,
  co2eKg: 0,
});

const hourOf = (ms: number) => Math.floor(ms / MS_PER_HOUR) * MS_PER_HOUR;

/**
 * The bill by UTC hour. Energy, kWh and CO2e are the bill's own hourly rows (each hour priced at its
 * PUE, tariff and carbon). Hardware, operations, storage and bandwidth accrue with time held, so each
 * hour takes them in proportion to the time the job held its resources in it (overlapping attempts
 * count twice, as the bill's hours do); a job that held nothing for any time puts them in the hour
 * it started. Parts sum to the bill's parts, hours to its total, up to rounding.
 */
export function hourlyCost(bill: JobBill, spans: readonly HeldSpan[], gpus: number): CostPiece[] {
  const pieces = new Map<number, CostPiece>();
  const at = (hourMs: number) => {
    let p = pieces.get(hourMs);
    if (!p) pieces.set(hourMs, (p = emptyPiece(hourMs)));
    return p;
  };
  const held = new Map<number, number>();
  let heldMs = 0;
  for (const s of spans) {
    for (let h = hourOf(s.startMs); h < s.endMs; h += MS_PER_HOUR) {
      const ms = Math.min(s.endMs, h + MS_PER_HOUR) - Math.max(s.startMs, h);
      held.set(h, (held.get(h) ?? 0) + ms);
      heldMs += ms;
    }
  }
  for (const row of bill.hourly) {
    const p = at(row.hourStartMs);
    const facility = row.itKWh * row.pue;
    p.energy += row.cost;
    p.itKWh += row.itKWh;
    p.facilityKWh += facility;
    p.co2eKg += facility * row.kgPerKWh;
  }
  const accrued = COST_PARTS.filter((k) => k !== 'energy');
  if (heldMs > 0) {
    for (const [h, ms] of held) {
      const p = at(h);
      for (const k of accrued) p[k] += (bill.parts[k] * ms) / heldMs;
      p.gpuHours += (gpus * ms) / MS_PER_HOUR;
    }
  } else if (spans.length > 0 || bill.hourly.length > 0) {
    const first = Math.min(
      ...spans.map((s) => s.startMs),
      ...bill.hourly.map((r) => r.hourStartMs),
    );
    const p = at(hourOf(first));
    for (const k of accrued) p[k] += bill.parts[k];
  }
  const out = [...pieces.values()].sort((a, b) => a.startMs - b.startMs);
  for (const p of out) p.total = COST_PARTS.reduce((sum, k) => sum + p[k], 0);
  return out;
}

/** Hourly pieces summed by UTC day (the day's start, 00:00Z). */
export function dailyCost(hours: readonly CostPiece[]): CostPiece[] {
  const days = new Map<number, CostPiece>();
  for (const h of hours) {
    const day = Math.floor(h.startMs / MS_PER_DAY) * MS_PER_DAY;
    let d = days.get(day);
    if (!d) days.set(day, (d = emptyPiece(day)));
    for (const k of COST_PARTS) d[k] += h[k];
    d.total += h.total;
    d.gpuHours += h.gpuHours;
    d.itKWh += h.itKWh;
    d.facilityKWh += h.facilityKWh;
    d.co2eKg += h.co2eKg;
  }
  return [...days.values()].sort((a, b) => a.startMs - b.startMs);
}
