import { execFile } from 'node:child_process';

/** One GPU as the worker registers it and the doctor reports it. */
export type GpuInfo = { index: number; name: string; uuid?: string; memoryMb?: number };

export type GpuDetection = {
  /** The tool asked, as it was run. */
  tool: string;
  /** Whether the tool ran and answered; false when it is missing or failed. */
  available: boolean;
  gpus: GpuInfo[];
  /** Why no GPUs were found, when the tool is missing or failed. */
  reason?: string;
};

/** The query whose output {@link parseNvidiaSmiGpus} reads. */
export const NVIDIA_SMI_ARGS = [
  '--query-gpu=index,name,uuid,memory.total',
  '--format=csv,noheader,nounits',
] as const;

/** nvidia-smi writes these where a field has no value. */
const NO_VALUE = /^\[?(n\/a|not supported|unknown error|insufficient permissions)\]?$/i;

function field(raw: string | undefined): string | undefined {
  const v = raw?.trim();
  return v && !NO_VALUE.test(v) ? v : undefined;
}

/**
 * Reads `nvidia-smi --query-gpu=index,name,uuid,memory.total --format=csv,noheader,nounits`.
 * Lines that are not a GPU (warnings, blank lines, a header) are skipped; a name containing a
 * comma is kept whole (index first, uuid and memory last); memory given with a unit (`81559 MiB`)
 * is read too; `[N/A]` and similar leave the field out.
 */
export function parseNvidiaSmiGpus(text: string): GpuInfo[] {
  const gpus: GpuInfo[] = [];
  for (const line of text.split(/\r?\n/)) {
    const parts = line.split(',');
    if (parts.length < 4) continue;
    const index = parts[0]!.trim();
    if (!/^\d+$/.test(index)) continue;
    const memory = field(parts[parts.length - 1]);
    const uuid = field(parts[parts.length - 2]);
    const name = field(parts.slice(1, -2).join(','));
    const memoryMb =
      memory && /^\d+(\.\d+)?(\s*MiB)?$/i.test(memory) ? Math.round(parseFloat(memory)) : undefined;
    gpus.push({
      index: Number(index),
      name: name ?? 'unknown GPU',
      ...(uuid ? { uuid } : {}),
      ...(memoryMb !== undefined ? { memoryMb } : {}),
    });
  }
  return gpus.sort((a, b) => a.index - b.index);
}

function firstLine(text: string): string {
  return (
    text
      .split(/\r?\n/)
      .map((l) => l.trim())
      .find((l) => l.length > 0) ?? ''
  );
}

export type DetectGpusOptions = {
  /** The program to run; found on the PATH of `env`. Default `nvidia-smi`. */
  command?: string;
  /** Environment of the child (its PATH decides which nvidia-smi runs); default the caller's. */
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
};

/**
 * Lists the NVIDIA GPUs of this machine through nvidia-smi. A missing nvidia-smi means no GPUs;
 * one that fails (no driver, a hung GPU) means no GPUs, with its first line of output as the reason.
 */
export function detectGpus(opts: DetectGpusOptions = {}): Promise<GpuDetection> {
  const command = opts.command ?? 'nvidia-smi';
  const tool = `${command} ${NVIDIA_SMI_ARGS.join(' ')}`;
  return new Promise((resolve) => {
    execFile(
      command,
      [...NVIDIA_SMI_ARGS],
      {
        env: opts.env,
        timeout: opts.timeoutMs ?? 10_000,
        encoding: 'utf8',
        maxBuffer: 1024 * 1024,
      },
      (err, stdout, stderr) => {
        if (err) {
          const code = (err as NodeJS.ErrnoException).code;
          let reason: string;
          if (code === 'ENOENT') reason = `${command} not found on PATH`;
          else if (code === 'EACCES') reason = `${command} is not executable`;
          else if (err.killed)
            reason = `${command} did not answer within ${opts.timeoutMs ?? 10_000} ms`;
          else reason = firstLine(stderr) || firstLine(stdout) || err.message;
          resolve({ tool, available: false, gpus: [], reason });
          return;
        }
        const gpus = parseNvidiaSmiGpus(stdout);
        resolve({
          tool,
          available: true,
          gpus,
          ...(gpus.length === 0
            ? { reason: firstLine(stdout) || `${command} listed no GPUs` }
            : {}),
        });
      },
    );
  });
}
