import type { TimingConfig } from './policy';
import type { HourlyRates } from './rates';

export type StartPlan = {
  /** Chosen start, simulation seconds. */
  start: number;
  /** Forecast energy cost and CO2e of starting at `start`, and of starting at the earliest time. */
  cost: number;
  co2eKg: number;
  costNow: number;
  co2eKgNow: number;
  /** Why the job waits or runs now, in words ("starts 2023-03-04T02:00Z, saves USD 1.20 …"). */
  reason: string;
};

const formatMoney = (x: number, currency: string) =>
  `${currency} ${x.toFixed(Math.abs(x) >= 100 ? 0 : 2)}`;

/**
 * Choose when a deferrable job starts: within [earliest, latest], the start that minimises the
 * forecast energy price × energy + carbon price × emissions of a constant draw of `watts` over
 * `duration` seconds. Candidates are the earliest time and every hour boundary up to `latest` (the
 * forecast is hourly, so nothing between boundaries can be cheaper). Ties go to the earlier start.
 * Forecasts are made at `now`; the result holds both figures so a caller can say what it expects to save.
 */
export function planStart(
  rates: HourlyRates,
  now: number,
  earliest: number,
  latest: number,
  duration: number,
  watts: number,
  config: TimingConfig,
): StartPlan {
  const kgPrice = config.carbonPricePerTonne / 1000;
  const h0 = rates.hourOf(earliest);
  const h1 = rates.hourOf(Math.max(earliest, latest) + duration) + 1;
  const n = h1 - h0 + 1;
  // Per hour: weight = (price + carbon price × intensity) × PUE, and its running integral.
  const w = new Float64Array(n);
  const money = new Float64Array(n);
  const carbon = new Float64Array(n);
  const cumW = new Float64Array(n + 1);
  const cumM = new Float64Array(n + 1);
  const cumC = new Float64Array(n + 1);
  for (let k = 0; k < n; k++) {
    const f = rates.forecast(h0 + k, now);
    money[k] = f.price * f.pue;
    carbon[k] = f.carbon * f.pue;
    w[k] = money[k]! + kgPrice * carbon[k]!;
    cumW[k + 1] = cumW[k]! + w[k]! * 3600;
    cumM[k + 1] = cumM[k]! + money[k]! * 3600;
    cumC[k + 1] = cumC[k]! + carbon[k]! * 3600;
  }
  const at = (cum: Float64Array, per: Float64Array, t: number) => {
    const k = Math.min(n - 1, Math.max(0, rates.hourOf(t) - h0));
    return cum[k]! + per[k]! * (t - rates.hourStart(h0 + k));
  };
  const integral = (cum: Float64Array, per: Float64Array, s: number) =>
    at(cum, per, s + duration) - at(cum, per, s);
  const kWhPerSecond = watts / 3.6e6;
  let best = earliest;
  let bestScore = integral(cumW, w, earliest);
  for (let h = rates.hourOf(earliest) + 1; ; h++) {
    const s = rates.hourStart(h);
    if (s > latest) break;
    const score = integral(cumW, w, s);
    if (score < bestScore - 1e-12) {
      best = s;
      bestScore = score;
    }
  }
  const scoreNow = integral(cumW, w, earliest);
  const saving = kWhPerSecond * (scoreNow - bestScore);
  if (
    best !== earliest &&
    (scoreNow - bestScore < config.minSavingShare * Math.abs(scoreNow) || saving < config.minSaving)
  )
    best = earliest;
  const cost = kWhPerSecond * integral(cumM, money, best);
  const co2eKg = kWhPerSecond * integral(cumC, carbon, best);
  const costNow = kWhPerSecond * integral(cumM, money, earliest);
  const co2eKgNow = kWhPerSecond * integral(cumC, carbon, earliest);
  const cur = rates.currency;
  const saved = costNow - cost;
  const savedKg = co2eKgNow - co2eKg;
  const kg = (x: number) => `${x.toFixed(2)} kgCO2e`;
  const gain =
    saved >= 0 && savedKg >= 0
      ? `saves ${formatMoney(saved, cur)} and ${kg(savedKg)}`
      : saved >= 0
        ? `saves ${formatMoney(saved, cur)} for ${kg(-savedKg)} more`
        : `saves ${kg(savedKg)} for ${formatMoney(-saved, cur)} more (carbon at ${config.carbonPricePerTonne} ${cur}/t)`;
  const reason =
    best === earliest
      ? `runs at ${rates.iso(earliest)}: no start before ${rates.iso(latest)} is forecast to save ${Math.round(config.minSavingShare * 100)} % and ${formatMoney(config.minSaving, cur)}`
      : `starts ${rates.iso(best)}, ${gain} by forecast against starting at ${rates.iso(earliest)}`;
  return { start: best, cost, co2eKg, costNow, co2eKgNow, reason };
}
