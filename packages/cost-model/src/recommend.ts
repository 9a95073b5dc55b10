import { InputError, nonNegative } from './errors';

export type Confidence = 'high' | 'medium' | 'low';

export type Recommendation = {
  kind:
    | 'power-down-idle'
    | 'shift-to-cheaper-hours'
    | 'right-size-request'
    | 'tier-cold-data'
    | 'quantise-inference';
  /** What to act on: a node, a job, a dataset, a service. */
  target: string;
  monthlySaving: number;
  currency: string;
  confidence: Confidence;
  why: string;
};

export type RecommendInput = {
  currency: string;
  pue: number;
  /** Mean price per kWh for each hour of the day (0–23, site local), e.g. from a forecast. */
  priceByHour: readonly number[];
  /** Amortised hardware per GPU-hour: what a freed GPU-hour is worth when someone else can use it. */
  hardwarePerGpuHour: number;
  idleNodes?: readonly {
    node: string;
    gpus: number;
    idleGpuHoursPerMonth: number;
    idleWPerGpu: number;
    measured: boolean;
  }[];
  /** Jobs that could start later: run length, energy per run and how long they may wait. */
  deferrableJobs?: readonly {
    job: string;
    startHour: number;
    hours: number;
    itKWhPerRun: number;
    runsPerMonth: number;
    slackHours: number;
  }[];
  requests?: readonly {
    job: string;
    gpusRequested: number;
    gpusUsedP95: number;
    gpuHoursPerMonth: number;
  }[];
  storage?: {
    datasets: readonly { name: string; tb: number; daysSinceRead: number }[];
    hotPricePerTbMonth: number;
    coldPricePerTbMonth: number;
    coldAfterDays?: number;
  };
  inference?: readonly {
    service: string;
    gpuHoursPerMonth: number;
    precision: 'fp32' | 'tf32' | 'bf16' | 'fp16' | 'int8' | 'fp8';
    powerW: number;
  }[];
};

const RANK: Record<Confidence, number> = { high: 3, medium: 2, low: 1 };
const money = (x: number, cur: string) => `${x.toFixed(2)} ${cur}`;

/** Mean price over `hours` hours from local hour `start` (fractional allowed), wrapping at midnight. */
function meanPrice(byHour: readonly number[], start: number, hours: number): number {
  let sum = 0;
  const steps = Math.max(1, Math.round(hours * 4));
  for (let i = 0; i < steps; i++) {
    const h = Math.floor(start + ((i + 0.5) * hours) / steps) % 24;
    sum += byHour[(h + 24) % 24]!;
  }
  return sum / steps;
}

/**
 * Savings a facility can make, from its state and usage, ranked by estimated monthly saving (ties:
 * the surer first). Each estimate is simple on purpose and says how it was made.
 */
export function recommend(input: RecommendInput): Recommendation[] {
  const cur = input.currency;
  if (!/^[A-Z]{3}$/.test(cur))
    throw new InputError('currency', cur, 'must be an ISO 4217 code such as USD');
  if (input.priceByHour.length !== 24)
    throw new InputError('priceByHour', input.priceByHour.length, 'must hold 24 prices');
  input.priceByHour.forEach((p, h) => {
    if (!Number.isFinite(p))
      throw new InputError(`priceByHour[${h}]`, p, 'must be a finite number');
  });
  const pue = input.pue;
  if (!(pue >= 1)) throw new InputError('pue', pue, 'must be ≥ 1');
  const rate = nonNegative('hardwarePerGpuHour', input.hardwarePerGpuHour);
  const avgPrice = input.priceByHour.reduce((a, b) => a + b, 0) / 24;
  const out: Recommendation[] = [];

  input.idleNodes?.forEach((n, i) => {
    const kwh =
      (nonNegative(`idleNodes[${i}].idleGpuHoursPerMonth`, n.idleGpuHoursPerMonth) *
        nonNegative(`idleNodes[${i}].idleWPerGpu`, n.idleWPerGpu)) /
      1000;
    if (kwh === 0) return;
    out.push({
      kind: 'power-down-idle',
      target: n.node,
      monthlySaving: kwh * pue * avgPrice,
      currency: cur,
      confidence: n.measured ? 'high' : 'medium',
      why: `${n.idleGpuHoursPerMonth.toFixed(0)} idle GPU-hours a month at ${n.idleWPerGpu} W (${n.measured ? 'measured' : 'modelled'}) = ${kwh.toFixed(1)} kWh × PUE ${pue} × ${avgPrice.toFixed(4)}; the hardware cost stays`,
    });
  });

  input.deferrableJobs?.forEach((j, i) => {
    const slack = nonNegative(`deferrableJobs[${i}].slackHours`, j.slackHours);
    const now = meanPrice(input.priceByHour, j.startHour, j.hours);
    let best = now;
    let bestStart = j.startHour;
    for (let d = 1; d <= Math.floor(slack); d++) {
      const p = meanPrice(input.priceByHour, j.startHour + d, j.hours);
      if (p < best) {
        best = p;
        bestStart = (j.startHour + d) % 24;
      }
    }
    const saving =
      nonNegative(`deferrableJobs[${i}].itKWhPerRun`, j.itKWhPerRun) *
      pue *
      (now - best) *
      nonNegative(`deferrableJobs[${i}].runsPerMonth`, j.runsPerMonth);
    if (saving <= 0) return;
    out.push({
      kind: 'shift-to-cheaper-hours',
      target: j.job,
      monthlySaving: saving,
      currency: cur,
      confidence: 'medium',
      why: `starting at ${bestStart}:00 instead of ${j.startHour}:00 (within its ${slack} h slack) pays ${best.toFixed(4)} instead of ${now.toFixed(4)} per kWh on the hourly profile; prices are a forecast`,
    });
  });

  input.requests?.forEach((r, i) => {
    const req = nonNegative(`requests[${i}].gpusRequested`, r.gpusRequested);
    const used = nonNegative(`requests[${i}].gpusUsedP95`, r.gpusUsedP95);
    if (req === 0 || used / req > 0.75) return;
    const freed =
      ((req - Math.max(used, 0)) / req) *
      nonNegative(`requests[${i}].gpuHoursPerMonth`, r.gpuHoursPerMonth);
    out.push({
      kind: 'right-size-request',
      target: r.job,
      monthlySaving: freed * rate,
      currency: cur,
      confidence: 'medium',
      why: `requests ${req} GPUs, uses at most ${used} (p95): ${freed.toFixed(0)} GPU-hours a month held idle, worth ${money(rate, cur)} each to another job`,
    });
  });

  if (input.storage) {
    const s = input.storage;
    const after = s.coldAfterDays ?? 90;
    const diff =
      nonNegative('storage.hotPricePerTbMonth', s.hotPricePerTbMonth) -
      nonNegative('storage.coldPricePerTbMonth', s.coldPricePerTbMonth);
    s.datasets.forEach((d, i) => {
      if (nonNegative(`storage.datasets[${i}].daysSinceRead`, d.daysSinceRead) < after || diff <= 0)
        return;
      out.push({
        kind: 'tier-cold-data',
        target: d.name,
        monthlySaving: nonNegative(`storage.datasets[${i}].tb`, d.tb) * diff,
        currency: cur,
        confidence: 'high',
        why: `${d.tb} TB not read for ${d.daysSinceRead} days: cold tier at ${s.coldPricePerTbMonth} instead of ${s.hotPricePerTbMonth} per TB-month`,
      });
    });
  }

  input.inference?.forEach((svc, i) => {
    if (svc.precision === 'int8' || svc.precision === 'fp8') return;
    // 8-bit math runs at twice the bf16 peak (half the time); count half of that gain as likely.
    const share = 0.25;
    const gh = nonNegative(`inference[${i}].gpuHoursPerMonth`, svc.gpuHoursPerMonth) * share;
    const perGpuHour =
      rate + (nonNegative(`inference[${i}].powerW`, svc.powerW) / 1000) * pue * avgPrice;
    out.push({
      kind: 'quantise-inference',
      target: svc.service,
      monthlySaving: gh * perGpuHour,
      currency: cur,
      confidence: 'low',
      why: `serving in ${svc.precision}: 8-bit weights and math could save about ${(share * 100).toFixed(0)} % of its ${svc.gpuHoursPerMonth} GPU-hours (half the rated 2×); accuracy must be checked first`,
    });
  });

  return out.sort(
    (a, b) => b.monthlySaving - a.monthlySaving || RANK[b.confidence] - RANK[a.confidence],
  );
}
