import type { FieldIssue, RouterInputs } from './trpc';

/** The submit form's fields, and the server issue paths that belong to each. */
export type JobField =
  | 'name'
  | 'team'
  | 'command'
  | 'timeout'
  | 'gpus'
  | 'cpu'
  | 'memory'
  | 'gpuModel'
  | 'expected'
  | 'earliestStart'
  | 'deadline';

const FIELD_OF_PATH: [prefix: string, field: JobField][] = [
  ['name', 'name'],
  ['teamId', 'team'],
  ['payload.argv', 'command'],
  ['payload.timeoutSeconds', 'timeout'],
  ['resources.gpus', 'gpus'],
  ['resources.cpuMilli', 'cpu'],
  ['resources.memoryMiB', 'memory'],
  ['resources.gpuModel', 'gpuModel'],
  ['expectedSeconds', 'expected'],
  ['earliestStart', 'earliestStart'],
  ['deadline', 'deadline'],
];

/**
 * The form asks in friendlier units than the API takes; a server message about the API's number
 * says which unit it counts in.
 */
const SERVER_UNIT: Partial<Record<JobField, string>> = {
  cpu: 'the server counts milli-cores, 1000 to a core',
  memory: 'the server counts MiB, 1024 to a GiB',
  expected: 'the server counts seconds',
};

export function jobFieldFor(path: string): JobField | null {
  const hit = FIELD_OF_PATH.find(([prefix]) => path === prefix || path.startsWith(`${prefix}.`));
  return hit ? hit[1] : null;
}

/**
 * Per-field messages from a refused submission. Zod issues come with paths; a domain refusal
 * such as `teamId: required for an admin token` names its field at the start of the message.
 */
export function jobFieldErrors(
  message: string,
  issues: FieldIssue[],
): Partial<Record<JobField, string>> {
  const found = issues.length ? issues : parseNamedMessage(message);
  const out: Partial<Record<JobField, string>> = {};
  for (const issue of found) {
    const field = jobFieldFor(issue.path);
    if (field && !out[field]) {
      const unit = SERVER_UNIT[field];
      out[field] = unit && /\d/.test(issue.message) ? `${issue.message} (${unit})` : issue.message;
    }
  }
  return out;
}

function parseNamedMessage(message: string): FieldIssue[] {
  const match = /^([A-Za-z][\w.]*): (.+)$/.exec(message);
  return match ? [{ path: match[1]!, message: match[2]! }] : [];
}

/** The form's raw values, as strings (empty: not given). */
export type JobFormValues = {
  name: string;
  team: string;
  argv: string[];
  timeout: string;
  gpus: string;
  cpuCores: string;
  memoryGiB: string;
  gpuModel: string;
  expectedMinutes: string;
  /** `datetime-local` values: local wall time, no zone. */
  earliestStart: string;
  deadline: string;
};

const num = (s: string) => (s.trim() === '' ? undefined : Number(s));

/** A `datetime-local` value read in the browser's zone, as an ISO instant (UTC). */
export function localToIso(value: string): string | undefined {
  if (!value.trim()) return undefined;
  const ms = new Date(value).getTime();
  // Left as typed when unreadable, so that the server names the field.
  return Number.isNaN(ms) ? value : new Date(ms).toISOString();
}

/**
 * The `jobs.submit` input for a command job. Units are converted (cores → milli-cores, GiB → MiB,
 * minutes → seconds); empty fields are left out, so the server's defaults apply.
 */
export function commandJobInput(v: JobFormValues): RouterInputs['jobs']['submit'] {
  const timeout = num(v.timeout);
  const gpus = num(v.gpus);
  const cores = num(v.cpuCores);
  const gib = num(v.memoryGiB);
  const minutes = num(v.expectedMinutes);
  const gpuModel = v.gpuModel.trim();
  const resources = {
    ...(gpus !== undefined ? { gpus } : {}),
    ...(cores !== undefined ? { cpuMilli: Math.round(cores * 1000) } : {}),
    ...(gib !== undefined ? { memoryMiB: Math.round(gib * 1024) } : {}),
    ...(gpuModel ? { gpuModel } : {}),
  };
  const earliestStart = localToIso(v.earliestStart);
  const deadline = localToIso(v.deadline);
  return {
    name: v.name,
    kind: 'command',
    teamId: v.team || undefined,
    payload: { argv: v.argv, ...(timeout !== undefined ? { timeoutSeconds: timeout } : {}) },
    ...(Object.keys(resources).length ? { resources } : {}),
    ...(minutes !== undefined ? { expectedSeconds: minutes * 60 } : {}),
    ...(earliestStart ? { earliestStart } : {}),
    ...(deadline ? { deadline } : {}),
  };
}

const validNumber = (s: string) =>
  s.trim() === '' || (Number.isFinite(Number(s)) && Number(s) >= 0);

/**
 * The `jobs.preview` input for the form as it stands, or null while a number or time cannot be
 * read (the preview would only be refused). Name and command do not change the answer, so blanks
 * stand in for them until they are typed.
 */
export function previewInput(v: JobFormValues): RouterInputs['jobs']['preview'] | null {
  const numbers = [v.gpus, v.cpuCores, v.memoryGiB, v.expectedMinutes, v.timeout];
  if (!numbers.every(validNumber)) return null;
  const gpus = num(v.gpus);
  if (gpus !== undefined && (gpus > 64 || (gpus > 1 && !Number.isInteger(gpus)))) return null;
  if (num(v.expectedMinutes) === 0) return null;
  for (const t of [v.earliestStart, v.deadline])
    if (t.trim() && Number.isNaN(new Date(t).getTime())) return null;
  const input = commandJobInput({
    ...v,
    name: v.name.trim() || 'preview',
    argv: v.argv.length ? v.argv : ['true'],
  });
  if (input.deadline && input.earliestStart && input.deadline <= input.earliestStart) return null;
  return input;
}
