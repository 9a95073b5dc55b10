import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import {
  estimateJob,
  findGridZone,
  GRID_ZONES,
  InputError,
  PRECISIONS,
  seriesStats,
  type JobEstimate,
  type JobEstimateInput,
  type Precision,
  type Range,
} from '@wattwise/cost-model';
import { DEFAULT_DATA_DIR, readCarbonIntensity, readPrice } from '@wattwise/cost-model/node';
import Table from 'cli-table3';
import { Option, type Command } from 'commander';

import { CliError } from '../errors';

/** The options as commander hands them over: every value still the string the user typed. */
type TrainingOptions = {
  params?: string;
  tokens?: string;
  flops?: string;
  gpu?: string;
  count?: string;
  mfu?: string;
  precision?: Precision;
  gpuHours?: string;
  days?: string;
  powerW?: string;
  pue?: string;
  gridIntensity?: string;
  price?: string;
  fxPerUsd?: string;
  hardwarePerGpuHour?: string;
  opsPerGpuHour?: string;
  storageCost?: string;
  bandwidthCost?: string;
  site?: string;
  json?: boolean;
};

/** Library field → the flag a user types, so an error names what to change on the command line. */
const FLAGS: Record<string, string> = {
  flops: '--flops',
  params: '--params',
  tokens: '--tokens',
  gpu: '--gpu',
  count: '--count',
  mfu: '--mfu',
  precision: '--precision',
  gpuHours: '--gpu-hours',
  days: '--days',
  powerW: '--power-w',
  pue: '--pue',
  gridKgPerKWh: '--grid-intensity',
  pricePerKWh: '--price',
  fxPerUsd: '--fx-per-usd',
  hardwarePerGpuHour: '--hardware-per-gpu-hour',
  operationsPerGpuHour: '--ops-per-gpu-hour',
  storageCost: '--storage-cost',
  bandwidthCost: '--bandwidth-cost',
};
const FIELD = new RegExp(`\\b(${Object.keys(FLAGS).join('|')})\\b`, 'g');
/** The model's words for its inputs → the flags that set them. */
const inFlags = (text: string) => text.replace(FIELD, (f) => FLAGS[f] ?? f);
/** In source notes only the hints to pass a cost are re-worded; "count × power" stays prose. */
const hintsInFlags = (text: string) =>
  text.replace(
    /\b(hardwarePerGpuHour|operationsPerGpuHour|storageCost|bandwidthCost)\b/g,
    (f) => FLAGS[f]!,
  );

const usage = (message: string) => new CliError(message, 2);

const SUFFIX: Record<string, number> = { k: 1e3, K: 1e3, M: 1e6, B: 1e9, G: 1e9, T: 1e12 };

/** "175e9", "175B", "3.15e23", "0.4" → a number; anything else is an error naming the flag. */
function number(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const m = /^\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?)\s*([kKMBGT])?\s*$/i.exec(text);
  const value = m ? Number(m[1]) * (m[2] ? SUFFIX[m[2]]! : 1) : NaN;
  if (!Number.isFinite(value)) {
    throw usage(`${flag} ${JSON.stringify(text)} is not a number (e.g. 175e9, 175B, 0.4)`);
  }
  return value;
}

export type SiteFigures = {
  name: string;
  currency: string;
  pricePerKWh: number | null;
  gridKgPerKWh: number;
  note: string;
};

/**
 * The grid data: inside the cost-model package when run from source; in the esbuild bundle, which
 * moves import.meta.url, in a data/ folder next to the bundle (the build must copy it there).
 */
function dataDir(): string {
  if (existsSync(DEFAULT_DATA_DIR)) return DEFAULT_DATA_DIR;
  const beside = fileURLToPath(new URL('./data/', import.meta.url));
  return existsSync(beside) ? beside : DEFAULT_DATA_DIR;
}

/** A bundled grid zone reduced to its 2023 means: an estimate has no start time to price by the hour. */
export function siteFigures(name: string): SiteFigures {
  let zone;
  try {
    zone = findGridZone(name);
  } catch {
    const known = GRID_ZONES.map((z) => `${z.alias} (${z.id})`).join(', ');
    throw usage(`--site ${JSON.stringify(name)} is not a known site; known: ${known}`);
  }
  const dir = dataDir();
  const carbon = seriesStats(readCarbonIntensity(zone.id, 'direct', dir));
  const price = readPrice(zone.id, dir);
  return {
    name: zone.id,
    currency: zone.currency,
    pricePerKWh: price ? seriesStats(price).mean / 1000 : null,
    gridKgPerKWh: carbon.mean / 1000,
    note: `${zone.id} 2023 mean of the hourly data bundled with @wattwise/cost-model (carbon: Electricity Maps via green-dcc; price: day-ahead / real-time wholesale, no network charges)`,
  };
}

/** Turn the flags into the estimator's input, refusing missing or contradictory ones by name. */
export function trainingInput(opts: TrainingOptions): {
  input: JobEstimateInput;
  site: SiteFigures | null;
} {
  if (!opts.gpu) throw usage('--gpu is required (e.g. --gpu H100-SXM, --gpu V100)');
  const hasWork = [opts.flops, opts.params, opts.tokens, opts.gpuHours, opts.days].some(
    (v) => v !== undefined,
  );
  if (!hasWork)
    throw usage('missing input: give --flops, --params with --tokens, --gpu-hours or --days');
  if (opts.flops !== undefined && (opts.params !== undefined || opts.tokens !== undefined)) {
    throw usage('--flops contradicts --params/--tokens: give one or the other');
  }
  if ((opts.params === undefined) !== (opts.tokens === undefined)) {
    throw usage(
      opts.params === undefined
        ? '--params is required with --tokens'
        : '--tokens is required with --params',
    );
  }
  if (opts.gpuHours !== undefined && opts.days !== undefined) {
    throw usage('--gpu-hours contradicts --days: give one duration');
  }
  const site = opts.site !== undefined ? siteFigures(opts.site) : null;
  const price = number('--price', opts.price);
  if (site && site.pricePerKWh === null && price === undefined) {
    throw usage(`--price is required: site ${site.name} has no bundled price series`);
  }
  const input: JobEstimateInput = {
    accelerator: opts.gpu,
    count: number('--count', opts.count),
    flops: number('--flops', opts.flops),
    params: number('--params', opts.params),
    tokens: number('--tokens', opts.tokens),
    mfu: number('--mfu', opts.mfu),
    precision: opts.precision,
    gpuHours: number('--gpu-hours', opts.gpuHours),
    days: number('--days', opts.days),
    powerW: number('--power-w', opts.powerW),
    pue: number('--pue', opts.pue),
    gridKgPerKWh: number('--grid-intensity', opts.gridIntensity) ?? site?.gridKgPerKWh,
    pricePerKWh: price ?? site?.pricePerKWh ?? undefined,
    currency: site?.currency,
    fxPerUsd: number('--fx-per-usd', opts.fxPerUsd),
    hardwarePerGpuHour: number('--hardware-per-gpu-hour', opts.hardwarePerGpuHour),
    operationsPerGpuHour: number('--ops-per-gpu-hour', opts.opsPerGpuHour),
    storageCost: number('--storage-cost', opts.storageCost),
    bandwidthCost: number('--bandwidth-cost', opts.bandwidthCost),
  };
  // Leave out what was not given, so the estimator's defaults (and their sources) apply.
  for (const key of Object.keys(input) as (keyof JobEstimateInput)[]) {
    if (input[key] === undefined) delete input[key];
  }
  return { input, site };
}

/** The estimate, with an InputError from the model re-worded in terms of flags. */
export function estimateTraining(
  opts: TrainingOptions,
): JobEstimate & { site: SiteFigures | null } {
  const { input, site } = trainingInput(opts);
  try {
    const estimate = estimateJob(input);
    for (const s of Object.values(estimate.sources)) if (s) s.note = hintsInFlags(s.note);
    if (site) {
      if (opts.gridIntensity === undefined)
        estimate.sources.carbon = { label: 'measured', note: site.note };
      if (opts.price === undefined) estimate.sources.price = { label: 'rated', note: site.note };
    }
    return { ...estimate, site };
  } catch (err) {
    if (err instanceof InputError) {
      throw usage(inFlags(err.message));
    }
    throw err;
  }
}

const sig = (x: number, digits = 4) =>
  Math.abs(x) >= 1e7 || (Math.abs(x) < 1e-3 && x !== 0)
    ? x.toExponential(2)
    : x.toLocaleString('en', { maximumSignificantDigits: digits });
const span = (r: Range | null, scale = 1, digits = 3) =>
  !r || r.low === r.high ? '' : `${sig(r.low / scale, digits)} – ${sig(r.high / scale, digits)}`;

/** A readable table: what, how much, its range where uncertain, and where it came from. */
export function formatEstimate(e: JobEstimate & { site: SiteFigures | null }): string {
  const table = new Table({
    head: ['', 'estimate', 'range', 'source'],
    style: { head: [], border: [] },
    wordWrap: true,
    colWidths: [24, 22, 17, 52],
  });
  const cur = e.cost.currency;
  const source = (s: { label: string; note: string } | null) => (s ? `${s.label}: ${s.note}` : '');
  table.push(
    ['accelerators', sig(e.count), '', `${e.accelerator.name} (${e.accelerator.id})`],
    ['FLOPs', e.flops === null ? 'not given' : sig(e.flops), '', source(e.sources.flops)],
    [
      'MFU',
      e.mfu === null ? '' : sig(e.mfu, 3),
      span(e.ranges.mfu),
      e.precision ? `against the ${e.precision} peak` : '',
    ],
    ['duration (days)', sig(e.days), span(e.ranges.hours, 24), source(e.sources.duration)],
    ['GPU-hours', sig(e.gpuHours), span(e.ranges.gpuHours), ''],
    ['power per GPU (W)', sig(e.powerW), span(e.ranges.powerW), source(e.sources.power)],
    [
      'IT energy (MWh)',
      sig(e.itEnergyKWh / 1000),
      span(e.ranges.itEnergyKWh, 1000),
      source(e.sources.energy),
    ],
    [
      'facility energy (MWh)',
      sig(e.facilityEnergyKWh / 1000),
      span(e.ranges.facilityEnergyKWh, 1000),
      `× PUE ${e.pue} (${source(e.sources.pue)})`,
    ],
    [
      'CO2e (t)',
      sig(e.co2eKg / 1000),
      span(e.ranges.co2eKg, 1000),
      `× ${e.gridKgPerKWh} kg/kWh (${source(e.sources.carbon)})`,
    ],
    [`hardware (${cur})`, sig(e.cost.hardware), '', source(e.sources.hardware)],
    [`energy (${cur})`, sig(e.cost.energy), '', source(e.sources.price)],
    [`operations (${cur})`, sig(e.cost.operations), '', source(e.sources.operations)],
    [`storage (${cur})`, sig(e.cost.storage), '', source(e.sources.storage)],
    [`bandwidth (${cur})`, sig(e.cost.bandwidth), '', source(e.sources.bandwidth)],
    [`total (${cur})`, sig(e.cost.total), span(e.ranges.costTotal), ''],
  );
  return `${table.toString()}\n`;
}

/** `wattwise estimate training …`: a training run's time, energy, CO2e and cost, offline. */
export function registerEstimateCommand(program: Command): void {
  const estimate = program
    .command('estimate')
    .description('estimate what a job will cost, offline');
  estimate
    .command('training')
    .description(
      'time, energy, CO2e and cost of a training run, from its FLOPs (or 6·N·D) or its GPU-hours or days',
    )
    .option('--params <N>', 'model parameters (with --tokens: FLOPs = 6·N·D), e.g. 175B')
    .option('--tokens <N>', 'training tokens, e.g. 300B')
    .option('--flops <N>', 'total training FLOPs, e.g. 3.15e23')
    .option(
      '--gpu <MODEL>',
      'accelerator, e.g. H100-SXM, A100-80GB, V100, MI300X, TPU-v4 (required)',
    )
    .option('--count <N>', 'accelerators used together (default 1)')
    .option('--mfu <F>', 'model FLOPs utilisation, 0–1 (default 0.4, range 0.3–0.5)')
    .addOption(
      new Option(
        '--precision <P>',
        'peak rate --mfu applies to (default bf16, or fp16 where the part has no bf16)',
      ).choices(PRECISIONS),
    )
    .option('--gpu-hours <H>', 'accelerator-hours, instead of a duration')
    .option('--days <D>', 'wall-clock days with --count accelerators')
    .option('--power-w <W>', 'average power per accelerator, W (default: catalogue TDP)')
    .option('--pue <P>', 'power usage effectiveness of the facility (default 1.58)')
    .option(
      '--grid-intensity <KG_PER_KWH>',
      'grid carbon intensity, kgCO2e/kWh (default 0.48, or the site)',
    )
    .option(
      '--price <PER_KWH>',
      'energy price per kWh in the site currency (default 0.08 USD, or the site)',
    )
    .option('--fx-per-usd <RATE>', 'site currency per USD, to price USD hardware at a non-USD site')
    .option(
      '--hardware-per-gpu-hour <X>',
      'hardware cost per GPU-hour (default: catalogue price over 4 years)',
    )
    .option('--ops-per-gpu-hour <X>', 'operations cost per GPU-hour (default 0)')
    .option('--storage-cost <X>', 'storage cost of the run (default 0)')
    .option('--bandwidth-cost <X>', 'network cost of the run (default 0)')
    .option(
      '--site <NAME>',
      `a bundled grid zone (2023 means): ${GRID_ZONES.map((z) => `${z.alias} (${z.id})`).join(', ')}`,
    )
    .option('--json', 'print one JSON object')
    .action((opts: TrainingOptions) => {
      const e = estimateTraining(opts);
      process.stdout.write(opts.json ? `${JSON.stringify(e, null, 2)}\n` : formatEstimate(e));
    });
}
