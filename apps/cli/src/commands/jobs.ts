import type { RouterOutputs } from '@wattwise/api';

import type { Api } from '../connection';
import { CliError } from '../errors';

export const JOB_STATES = ['queued', 'running', 'succeeded', 'failed', 'cancelled'] as const;

type Team = RouterOutputs['admin']['teams'][number];
type Job = RouterOutputs['jobs']['list']['items'][number];

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
};

export async function submitJob(api: Api, argv: string[], opts: SubmitOptions): Promise<Job> {
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
  });
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
