import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';

import type { RouterInputs, RouterOutputs } from '@wattwise/api';
import { GRID_ZONES } from '@wattwise/cost-model';
import { bundledDataDirs, bundledPath } from '@wattwise/scheduler/node';
import Table from 'cli-table3';
import type { Command } from 'commander';

import {
  connectionOptions,
  createApi,
  describeCallError,
  serverUrl,
  token,
  type ConnectionOptions,
} from '../connection';
import { CliError } from '../errors';

/** The options as commander hands them over: every value still the string the user typed. */
export type HistoryLoadOptions = ConnectionOptions & {
  trace?: string;
  nodes?: string;
  site?: string;
  days?: string;
  end?: string;
  replace?: boolean;
  pue?: string;
  fxPerUsd?: string;
  json?: boolean;
};

type LoadInput = RouterInputs['history']['load'];
type LoadResult = RouterOutputs['history']['load'];

/** What the server takes per file (UTF-8). */
const MAX_FILE_BYTES = 5 * 1024 * 1024;
/** A month of the bundled trace takes tens of seconds on a small machine. */
const LOAD_TIMEOUT_MS = 600_000;

const usage = (message: string) => new CliError(message, 2);
const zones = GRID_ZONES.filter((z) => z.hasPrices);

function readCsv(option: string, path: string) {
  if (!existsSync(path)) throw usage(`${option} file ${JSON.stringify(path)} does not exist`);
  const bytes = statSync(path).size;
  if (bytes > MAX_FILE_BYTES)
    throw usage(`${option} file ${JSON.stringify(path)} is ${bytes} bytes: at most 5 MB`);
  return { text: readFileSync(path, 'utf8'), file: basename(path) };
}

/** The request `history.load` takes: files read, every option checked (bad ones exit 2, named). */
export function historyRequest(opts: HistoryLoadOptions): LoadInput {
  const trace = opts.trace;
  if (!trace || !/^alibaba2023(:|$)/.test(trace))
    throw usage(
      `--trace ${trace === undefined ? 'is required' : `${JSON.stringify(trace)} must be`}: alibaba2023:POD_CSV, or alibaba2023 alone for the bundled pod list`,
    );
  const dirs = bundledDataDirs();
  const pods = readCsv(
    '--trace',
    trace.slice('alibaba2023:'.length) || bundledPath('alibaba2023', dirs.trace),
  );
  const nodes = readCsv('--nodes', opts.nodes ?? bundledPath('alibaba2023Nodes', dirs.trace));
  const site = (opts.site ?? 'US-CAL-CISO').trim().toUpperCase();
  const zone = zones.find((z) => z.id === site || z.alias.toUpperCase() === site);
  if (!zone)
    throw usage(
      `--site ${JSON.stringify(opts.site)} must be a bundled grid zone with hourly prices: ${zones.map((z) => z.id).join(', ')}`,
    );
  const days = opts.days === undefined ? 30 : Number(opts.days);
  if (!/^\d+$/.test(opts.days?.trim() ?? '30') || days < 1 || days > 400)
    throw usage(`--days ${JSON.stringify(opts.days)} must be a whole number from 1 to 400`);
  let end: string | undefined;
  if (opts.end !== undefined) {
    const ms = Date.parse(opts.end);
    if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d/.test(opts.end) || Number.isNaN(ms))
      throw usage(
        `--end ${JSON.stringify(opts.end)} must be an ISO time such as 2026-06-01T00:00Z`,
      );
    end = new Date(ms).toISOString();
  }
  const number = (
    option: string,
    text: string | undefined,
    ok: (v: number) => boolean,
    what: string,
  ) => {
    if (text === undefined) return undefined;
    const v = Number(text);
    if (text.trim() === '' || !Number.isFinite(v) || !ok(v))
      throw usage(`${option} ${JSON.stringify(text)} must be ${what}`);
    return v;
  };
  const pue = number('--pue', opts.pue, (v) => v >= 1 && v <= 5, 'a number from 1 to 5');
  const fxPerUsd = number('--fx-per-usd', opts.fxPerUsd, (v) => v > 0, 'a rate above 0');
  if (zone.currency !== 'USD' && fxPerUsd === undefined)
    throw usage(`--fx-per-usd is required for --site ${zone.id}, which bills in ${zone.currency}`);
  return {
    trace: pods.text,
    traceFile: pods.file,
    nodes: nodes.text,
    nodesFile: nodes.file,
    zone: zone.id,
    days,
    ...(end ? { end } : {}),
    replace: opts.replace === true,
    ...(pue !== undefined ? { pue } : {}),
    ...(fxPerUsd !== undefined ? { fxPerUsd } : {}),
  };
}

const num = (x: number, digits = 0) =>
  x.toLocaleString('en', { maximumFractionDigits: digits, minimumFractionDigits: digits });

/** The load in a few lines: the site and window, then the counts and the month's figures. */
export function formatHistory(r: LoadResult): string {
  const { counts: c, totals: t, window: w } = r;
  const cur = t.currency;
  const share = (x: number) => `${num((100 * x) / t.total, 1)} %`;
  const table = new Table({ style: { head: [], border: [] } });
  table.push(
    ['jobs', `${num(c.jobs)} (${num(c.running)} still running at the end)`],
    ['bills', num(c.bills)],
    ['cost lines', num(c.costLines)],
    ['hours', num(c.hours)],
    ['nodes', num(c.nodes)],
    [
      'GPU-hours used / held / capacity',
      `${num(t.gpuHoursUsed)} / ${num(t.gpuHoursAllocated)} / ${num(t.gpuHoursCapacity)} (${num((100 * t.gpuHoursAllocated) / t.gpuHoursCapacity, 2)} % held)`,
    ],
    [`facility cost (${cur})`, num(t.total, 2)],
    [`  jobs (${cur})`, `${num(t.jobs, 2)} (${share(t.jobs)})`],
    [`  idle (${cur})`, `${num(t.idle, 2)} (${share(t.idle)})`],
    [`  shared (${cur})`, `${num(t.shared, 2)} (${share(t.shared)})`],
    ['energy, IT / facility (MWh)', `${num(t.itKWh / 1000, 1)} / ${num(t.facilityKWh / 1000, 1)}`],
    ['CO2e (t)', num(t.co2eKg / 1000, 1)],
    ['time (s)', `${num(r.seconds.compute, 1)} simulating, ${num(r.seconds.write, 1)} writing`],
  );
  const head =
    `${r.site.name}${r.site.created ? ' (new site)' : ''}: ${w.from.slice(0, 16)}Z to ${w.to.slice(0, 16)}Z, ` +
    `${w.days} days${w.compression > 1 ? `, arrivals ${num(w.compression, 2)}× the trace's pace` : ''}\n`;
  return `${head}${table.toString()}\n${r.notes.map((n) => `- ${n}\n`).join('')}`;
}

/** `wattwise history load …`: a simulated month of the Alibaba 2023 cluster stored as history. */
export function registerHistoryCommand(program: Command): void {
  const history = program
    .command('history')
    .description('past use of a facility: load a simulated stretch of a public GPU cluster trace');
  connectionOptions(
    history
      .command('load')
      .description(
        'simulate the Alibaba 2023 cluster over a window and store it as jobs, bills, cost lines and hourly usage',
      )
      .option(
        '--trace <alibaba2023[:POD_CSV]>',
        'the pod list (alibaba2023 alone: the bundled openb_pod_list_default.csv)',
      )
      .option('--nodes <NODE_CSV>', 'the node list (default: the bundled GPU node list)')
      .option(
        '--site <ZONE>',
        `grid zone of the site "alibaba-2023 ZONE": ${zones.map((z) => z.id).join(', ')} (default US-CAL-CISO)`,
      )
      .option('--days <N>', 'length of the window, days (default 30)')
      .option('--end <ISO_TIME>', 'end of the window (default: now), taken down to the hour')
      .option('--replace', "replace the site's earlier history instead of refusing")
      .option('--pue <P>', 'PUE of a site made now (default 1.2)')
      .option('--fx-per-usd <RATE>', 'site currency per USD, for a zone that does not bill in USD')
      .option('--json', 'print the result as JSON'),
  ).action(async (opts: HistoryLoadOptions) => {
    const input = historyRequest(opts);
    const url = serverUrl(opts);
    const api = createApi(url, token(opts), LOAD_TIMEOUT_MS);
    let result: LoadResult;
    try {
      result = await api.history.load.mutate(input);
    } catch (err) {
      throw new CliError(describeCallError(err, url));
    }
    process.stdout.write(
      opts.json ? `${JSON.stringify(result, null, 2)}\n` : formatHistory(result),
    );
  });
}
