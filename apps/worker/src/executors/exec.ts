// The child's half of the built-in job kinds: `wattwise-worker exec <kind>` (hidden) reads a payload,
// checks it, runs it and reports as child.ts describes. Run by hand (no --messages-fd) it prints
// progress on stderr and the result as one JSON object on stdout.
import { readFileSync, writeSync } from 'node:fs';

import { describePayloadIssues, nnTrainPayload, simulatePayload } from '@wattwise/api/payloads';

import type { ExecKind, ExecMessage, JobIo } from './protocol';
import { EXEC_KINDS, EXIT_REFUSED, JobInputError } from './protocol';

export type ExecOptions = {
  /** A file holding the payload; default stdin. */
  payload?: string;
  /** Where the JSON lines go; none: progress on stderr, the result on stdout. */
  messagesFd?: number;
};

const sleeper = new Int32Array(new SharedArrayBuffer(4));

/** Writes all of `text` to a descriptor, waiting while a non-blocking pipe is full. */
function writeAll(fd: number, text: string): void {
  const buf = Buffer.from(text, 'utf8');
  let off = 0;
  while (off < buf.length) {
    try {
      off += writeSync(fd, buf, off, buf.length - off);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') throw err;
      Atomics.wait(sleeper, 0, 0, 5);
    }
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

const fmt = (v: unknown) => (typeof v === 'number' ? Number(v.toPrecision(4)) : v);

/** One human line for a progress report. */
function progressLine(kind: ExecKind, p: Record<string, unknown>): string {
  if (kind === 'nn-train') {
    const parts = [`epoch ${p.epoch}/${p.epochs}`, `loss ${fmt(p.loss)}`];
    if (p.accuracy !== undefined) parts.push(`accuracy ${fmt(p.accuracy)}`);
    if (p.valLoss !== undefined) parts.push(`val loss ${fmt(p.valLoss)}`);
    if (p.valAccuracy !== undefined) parts.push(`val accuracy ${fmt(p.valAccuracy)}`);
    parts.push(`${Math.round(Number(p.samplesPerSecond))} samples/s`);
    return parts.join(', ');
  }
  return `simulate ${p.label}: ${Math.floor(100 * Number(p.share))} % done`;
}

/**
 * Runs one job in this process and returns the exit status: 0 done, 1 failed, 2 input refused.
 * Never throws: every failure is reported as the protocol says.
 */
export async function runExec(kind: string, opts: ExecOptions): Promise<number> {
  const fd = opts.messagesFd;
  const send = (msg: ExecMessage) => {
    if (fd !== undefined) writeAll(fd, `${JSON.stringify(msg)}\n`);
  };
  // By hand, stdout carries only the result: everything else (TensorFlow.js's banners too) goes to stderr.
  const human = fd !== undefined ? process.stdout : process.stderr;
  if (fd === undefined) console.log = console.error;
  const say = (line: string) => human.write(`${line}\n`);
  const fail = (message: string, field: string | undefined, code: number) => {
    process.stderr.write(`error: ${message}\n`);
    send({ type: 'error', message, ...(field !== undefined ? { field } : {}) });
    return code;
  };

  if (!(EXEC_KINDS as readonly string[]).includes(kind))
    return fail(`no built-in job kind "${kind}" (known: ${EXEC_KINDS.join(', ')})`, undefined, 2);
  const k = kind as ExecKind;

  let raw: unknown;
  try {
    const text =
      opts.payload !== undefined ? readFileSync(opts.payload, 'utf8') : await readStdin();
    raw = JSON.parse(text);
  } catch (err) {
    return fail(
      `cannot read the payload: ${err instanceof Error ? err.message : String(err)}`,
      undefined,
      EXIT_REFUSED,
    );
  }
  const parsed =
    k === 'nn-train'
      ? { kind: 'nn-train' as const, ...nnTrainPayload.safeParse(raw) }
      : { kind: 'simulate' as const, ...simulatePayload.safeParse(raw) };
  if (!parsed.success) {
    const first = parsed.error.issues[0]?.path.join('.');
    return fail(
      `invalid ${k} payload: ${describePayloadIssues(parsed.error)}`,
      first || undefined,
      EXIT_REFUSED,
    );
  }

  const io: JobIo = {
    progress: (p) => {
      say(progressLine(k, p));
      send({ type: 'progress', progress: p });
    },
    say,
  };
  try {
    let output: Record<string, unknown>;
    if (parsed.kind === 'nn-train') {
      const { trainJob } = await import('./nn-train');
      output = await trainJob(parsed.data, io);
    } else {
      const { simulateJob } = await import('./simulate');
      output = await simulateJob(parsed.data, io);
    }
    if (fd !== undefined) send({ type: 'result', output });
    else process.stdout.write(`${JSON.stringify(output, null, 2)}\n`);
    return 0;
  } catch (err) {
    if (err instanceof JobInputError) return fail(err.message, err.field, EXIT_REFUSED);
    if (err instanceof Error && err.stack) process.stderr.write(`${err.stack}\n`);
    return fail(err instanceof Error ? err.message : String(err), undefined, 1);
  }
}
