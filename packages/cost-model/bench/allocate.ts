/**
 * Allocate 1 M usage records over 30 days with hourly prices into team × day, beside the floor: a bare
 * loop that only sums the same records' energy. Both run in the same process, interleaved, and the
 * median of several runs is reported; a third loop that only reads the columns the allocation reads
 * is printed for reference. Run with `pnpm --filter @wattwise/cost-model bench`.
 */
import { loadavg } from 'node:os';

import { allocate, type AllocationInput } from '../src/allocate';
import { MS_PER_HOUR } from '../src/series';
import { createUsageColumns, type UsageColumns } from '../src/usage';

const RECORDS = 1_000_000;
const DAYS = 30;
const HOURS = DAYS * 24;
const TEAMS = 64;
const RUNS = 15;
const start = Date.UTC(2023, 5, 1);

// A fixed-seed generator so every run measures the same records.
let seed = 0x9e3779b9;
function random(): number {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return (seed >>> 0) / 4294967296;
}

const names = {
  job: Array.from({ length: 200_000 }, (_, i) => `job_${i}`),
  team: Array.from({ length: TEAMS }, (_, i) => `team_${i}`),
  project: Array.from({ length: 512 }, (_, i) => `proj_${i}`),
  node: Array.from({ length: 1024 }, (_, i) => `node_${i}`),
};
const usage = createUsageColumns(RECORDS, names);
for (let i = 0; i < RECORDS; i++) {
  usage.job[i] = (random() * names.job.length) | 0;
  usage.team[i] = (random() * TEAMS) | 0;
  usage.project[i] = (random() * names.project.length) | 0;
  usage.node[i] = (random() * names.node.length) | 0;
  // Most records are short; one in ten runs up to two days and so spans midnight.
  const hours = random() < 0.9 ? random() * 4 : random() * 48;
  const s = start + random() * HOURS * MS_PER_HOUR;
  usage.startMs[i] = s;
  usage.endMs[i] = s + hours * MS_PER_HOUR;
  const req = [1, 2, 4, 8][(random() * 4) | 0]!;
  usage.gpusRequested[i] = req;
  usage.gpusUsed[i] = req * (0.5 + 0.5 * random());
  usage.energyKWh[i] = usage.gpusUsed[i]! * 0.5 * hours;
  usage.energyMeasured[i] = random() < 0.9 ? 1 : 0;
}

// Hourly prices with a daily shape (cheap at night, dear in the evening), EUR per kWh.
const price = Float64Array.from(
  { length: HOURS },
  (_, h) => 0.09 + 0.04 * Math.sin(((h % 24) - 9) * (Math.PI / 12)),
);
const input: AllocationInput = {
  usage,
  period: { startMs: start, hours: HOURS },
  groupBy: 'team',
  bucketHours: 24,
  facility: {
    currency: 'EUR',
    gpuCount: 8192,
    hardwarePerGpuHour: 1.2,
    itKWhPerHour: new Float64Array(HOURS).fill(5000),
    pricePerKWh: price,
    pue: 1.25,
    operations: 250_000,
    storage: 40_000,
    bandwidth: 15_000,
  },
  idlePolicy: 'weighted',
  sharedPolicy: 'proportional',
};

function floor(): number {
  const e = usage.energyKWh;
  let sum = 0;
  for (let i = 0; i < e.length; i++) sum += e[i]!;
  return sum;
}

/**
 * Not a target, a reference: a function that is handed the columns, as `allocate` is, and only reads
 * the seven of them that the allocation reads for each record (start, end, kWh, requested, used,
 * team, metered). It shows how much of the gap to the floor is loading the records at all.
 */
function columns(u: UsageColumns): number {
  const { startMs, endMs, energyKWh, gpusRequested, gpusUsed, team, energyMeasured } = u;
  let x = 0;
  let y = 0;
  for (let i = 0; i < u.length; i++) {
    x += startMs[i]! + endMs[i]! + energyKWh[i]! + gpusRequested[i]!;
    y += gpusUsed[i]! + team[i]! + energyMeasured[i]!;
  }
  return x + y;
}

const time = (f: () => unknown): { ms: number; out: unknown } => {
  const t = process.hrtime.bigint();
  const out = f();
  return { ms: Number(process.hrtime.bigint() - t) / 1e6, out };
};
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

// Warm all three up so the JIT has compiled them before anything is timed.
for (let i = 0; i < 3; i++) {
  floor();
  columns(usage);
  allocate(input);
}
// Each run times the floor, the column reads and the allocation back to back, so a burst of load
// from elsewhere on the machine lands on all of them; ratios are taken per run, then the median.
const floorMs: number[] = [];
const columnsMs: number[] = [];
const allocMs: number[] = [];
const ratios: number[] = [];
const columnRatios: number[] = [];
let check = 0;
for (let r = 0; r < RUNS; r++) {
  const f = time(floor);
  const c = time(() => columns(usage));
  const a = time(() => allocate(input));
  floorMs.push(f.ms);
  columnsMs.push(c.ms);
  allocMs.push(a.ms);
  ratios.push(a.ms / f.ms);
  columnRatios.push(c.ms / f.ms);
  check += (f.out as number) > 0 && Number.isFinite(c.out) ? 1 : 0;
}

const perSec = (ms: number) => RECORDS / (ms / 1000);
const fm = median(floorMs);
const am = median(allocMs);
const ratio = median(ratios);
const fmt = (x: number) => (x >= 1e6 ? `${(x / 1e6).toFixed(1)} M` : `${(x / 1e3).toFixed(1)} k`);
const range = (xs: number[]) => `${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)} ms`;
console.log(
  `allocate ${RECORDS.toLocaleString('en')} records, ${DAYS} days of hourly prices, ${TEAMS} teams × ${DAYS} days (median of ${RUNS} runs, Node ${process.version})`,
);
console.log(
  `  floor (sum energy):    ${fm.toFixed(2).padStart(8)} ms  ${fmt(perSec(fm)).padStart(9)} records/s   (runs ${range(floorMs)})`,
);
console.log(
  `  allocate (team × day): ${am.toFixed(2).padStart(8)} ms  ${fmt(perSec(am)).padStart(9)} records/s   (runs ${range(allocMs)})`,
);
console.log(`  allocate / floor:      ${ratio.toFixed(2)}× (median of per-run ratios)`);
const cm = median(columnsMs);
console.log(
  `  reference, read the 7 columns only: ${cm.toFixed(2)} ms, ${median(columnRatios).toFixed(2)}× the floor (runs ${range(columnsMs)})`,
);
console.log(
  `  load average while running: ${loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')} (${process.platform}, shared machines make single runs noisy)`,
);
const met = perSec(am) >= 1e6 && ratio <= 5;
console.log(`  target ≥ 1 M records/s and within 5× of the floor: ${met ? 'met' : 'not met'}`);
if (check !== RUNS) process.exitCode = 1;
