import type { RouterOutputs } from '@wattwise/api';

import type { Api } from '../connection';
import { CliError } from '../errors';

export const JOB_STATES = ['queued', 'running', 'succeeded', 'failed', 'cancelled'] as const;

type Team = RouterOutputs['admin']['teams'][number];
type Job = RouterOutputs['jobs']['list']['items'][number];
type JobDetail = RouterOutputs['jobs']['get'];
type Submitted = RouterOutputs['jobs']['submit'];
type Bill = NonNullable<RouterOutputs['jobs']['bill']>;

/** A team given by id or by name, as the server knows it. */
export async function resolveTeam(api: Api, nameOrId: string): Promise<Team> {
  const teams = await api.admin.teams.query();
  const team = teams.find((t) => t.id === nameOrId) ?? teams.find((t) => t.name === nameOrId);
  if (!team) {
    const known = teams.map((t) => t.name).join(', ') || 'none';
    throw new CliError(`no team named or with id "${nameOrId}" (teams: ${known})`);
  }
  return team;
}

export type SubmitOptions = {
  name: string;
  team?: string;
  timeout?: number;
  maxAttempts?: number;
  priority?: number;
  env?: Record<string, string>;
  cwd?: string;
  gpus?: number;
  cpu?: number;
  memory?: number;
  gpuModel?: string;
  expected?: number;
  earliest?: string;
  deadline?: string;
};

export async function submitJob(api: Api, argv: string[], opts: SubmitOptions): Promise<Submitted> {
  const teamId = opts.team ? (await resolveTeam(api, opts.team)).id : undefined;
  return api.jobs.submit.mutate({
    name: opts.name,
    kind: 'command',
    payload: {
      argv,
      ...(opts.env && Object.keys(opts.env).length ? { env: opts.env } : {}),
      ...(opts.cwd ? { cwd: opts.cwd } : {}),
      ...(opts.timeout !== undefined ? { timeoutSeconds: opts.timeout } : {}),
    },
    ...(teamId ? { teamId } : {}),
    ...(opts.maxAttempts !== undefined ? { maxAttempts: opts.maxAttempts } : {}),
    ...(opts.priority !== undefined ? { priority: opts.priority } : {}),
    resources: {
      ...(opts.gpus !== undefined ? { gpus: opts.gpus } : {}),
      ...(opts.cpu !== undefined ? { cpuMilli: Math.round(opts.cpu * 1000) } : {}),
      ...(opts.memory !== undefined ? { memoryMiB: opts.memory } : {}),
      ...(opts.gpuModel ? { gpuModel: opts.gpuModel } : {}),
    },
    ...(opts.expected !== undefined ? { expectedSeconds: opts.expected } : {}),
    ...(opts.earliest ? { earliestStart: opts.earliest } : {}),
    ...(opts.deadline ? { deadline: opts.deadline } : {}),
  });
}

/** One job as lines: what it asked for, why it waits, and each attempt. */
export function formatJob(job: JobDetail): string {
  const lines = [
    `${job.id}  ${job.state}  "${job.name}" (${job.kind})`,
    `  needs      ${job.gpus} GPU${job.gpuModel ? ` (${job.gpuModel})` : ''}, ${job.cpuMilli / 1000} cores, ${job.memoryMiB} MiB`,
    `  submitted  ${when(job.createdAt)}`,
  ];
  if (job.expectedSeconds !== null) lines.push(`  expected   ${job.expectedSeconds} s`);
  if (job.deadlineAt) lines.push(`  deadline   ${when(job.deadlineAt)}`);
  if (job.waitReason) lines.push(`  waits      ${job.waitReason}`);
  if (job.plannedStartAt) lines.push(`  planned    ${when(job.plannedStartAt)}`);
  if (job.error) lines.push(`  error      ${job.error}`);
  for (const a of job.attemptList) {
    const gpus = a.gpuIndices.length ? ` GPU ${a.gpuIndices.join(',')}` : '';
    lines.push(
      `  attempt ${a.number}  ${a.state}  ${a.workerId}${gpus}  ${when(a.startedAt)} → ${when(a.finishedAt)}${a.energy ? `  ${(a.energy.itKWh * 1000).toFixed(3)} Wh (${a.energy.method})` : ''}`,
    );
  }
  return lines.join('\n') + '\n';
}

/** The bill: each part with its formula, then the total, energy and carbon. */
export function formatBill(bill: Bill): string {
  const detail = bill.detail as {
    lines: Record<string, { formula: string }>;
    range: { low: number; high: number } | null;
  };
  const money = (x: number) => `${x.toFixed(6)} ${bill.currency}`;
  const parts = ['hardware', 'energy', 'operations', 'storage', 'bandwidth'] as const;
  const width = Math.max(...parts.map((p) => money(bill[p]).length));
  const lines = [`bill for ${bill.jobId}`];
  for (const p of parts) {
    lines.push(
      `  ${p.padEnd(10)} ${money(bill[p]).padStart(width)}  ${detail.lines[p]?.formula ?? ''}`,
    );
  }
  lines.push(`  ${'total'.padEnd(10)} ${money(bill.total).padStart(width)}`);
  if (detail.range)
    lines.push(
      `  range      ${money(detail.range.low)} to ${money(detail.range.high)} (modelled energy)`,
    );
  lines.push(
    `  energy     ${bill.itKWh.toPrecision(4)} kWh IT, ${bill.facilityKWh.toPrecision(4)} kWh at the meter (${bill.energyMethod})`,
    `  carbon     ${bill.co2eKg.toPrecision(4)} kgCO2e`,
  );
  return lines.join('\n') + '\n';
}

export type ListOptions = { state?: (typeof JOB_STATES)[number]; limit: number };

export function listJobs(api: Api, opts: ListOptions) {
  return api.jobs.list.query({
    ...(opts.state ? { state: opts.state } : {}),
    limit: opts.limit,
    offset: 0,
  });
}

/** Dates arrive as ISO strings (the API has no transformer); show them to the second, in UTC. */
function when(value: unknown): string {
  if (!value) return '-';
  const iso = value instanceof Date ? value.toISOString() : String(value);
  return iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}

/** Jobs as an aligned table, newest first, with a line saying how many there are in all. */
export function formatJobTable(
  list: { items: Job[]; total: number },
  teams: Map<string, string>,
): string {
  if (list.items.length === 0) return `no jobs (${list.total} in all)\n`;
  const header = ['ID', 'STATE', 'ATTEMPTS', 'TEAM', 'CREATED', 'NAME'];
  const rows = list.items.map((j) => [
    j.id,
    j.state,
    `${j.attempts}/${j.maxAttempts}`,
    teams.get(j.teamId) ?? j.teamId,
    when(j.createdAt),
    j.name,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return (
    [line(header), ...rows.map(line), '', `${list.items.length} shown of ${list.total}`].join(
      '\n',
    ) + '\n'
  );
}
