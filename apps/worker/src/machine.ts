import { availableParallelism, hostname, totalmem } from 'node:os';

import { findAccelerator, InputError } from '@wattwise/cost-model';
import { detectGpus } from '@wattwise/nn-core/gpus';
import type { GpuDetection, GpuInfo } from '@wattwise/nn-core/gpus';

export type MachineInfo = {
  hostname: string;
  cpus: number;
  memoryMb: number;
  gpus: GpuInfo[];
};

/** A GPU the worker registers without having it: its catalogue TDP and idle draw, for the meter's model. */
export type VirtualGpu = GpuInfo & { tdpW: number; idleW: number; acceleratorId: string };

/** What to register instead of what the machine has (replays and demos); each part optional. */
export type VirtualMachine = {
  gpus?: VirtualGpu[];
  cpus?: number;
  memoryMb?: number;
};

/**
 * `--virtual-gpus`: "2xT4", "8xA100-SXM4-80GB", "8 x H100 SXM" or a bare "T4" (one) → that many GPUs of
 * one catalogue model (cost-model's findAccelerator: id, name or alias), indices 0…n−1, named as the
 * catalogue names them so that the server's scheduler and bills recognise them. Throws an
 * InputError naming what is wrong.
 */
export function parseVirtualGpus(spec: string): VirtualGpu[] {
  const m = /^\s*(?:(\d+)\s*[x×*]\s*)?(\S.*?)\s*$/i.exec(spec);
  const count = m?.[1] === undefined ? 1 : Number(m[1]);
  if (!m || !Number.isInteger(count) || count < 1 || count > 64)
    throw new InputError(
      '--virtual-gpus',
      spec,
      'must look like 2xT4: 1 to 64 GPUs of one catalogue model',
    );
  const acc = findAccelerator(m[2]!);
  return Array.from({ length: count }, (_, index) => ({
    index,
    name: acc.name,
    memoryMb: Math.round(acc.memoryGB * 1024),
    tdpW: acc.tdpW,
    idleW: acc.idle.watts,
    acceleratorId: acc.id,
  }));
}

/** What the worker tells the server about this machine when it registers. */
export async function describeMachine(
  opts: { env?: NodeJS.ProcessEnv; virtual?: VirtualMachine } = {},
): Promise<{
  machine: MachineInfo;
  detection: GpuDetection;
}> {
  const virtual = opts.virtual ?? {};
  const detection: GpuDetection = virtual.gpus
    ? { tool: '--virtual-gpus', available: true, gpus: virtual.gpus }
    : await detectGpus({ env: opts.env });
  return {
    machine: {
      hostname: hostname(),
      cpus: virtual.cpus ?? availableParallelism(),
      memoryMb: virtual.memoryMb ?? Math.floor(totalmem() / (1024 * 1024)),
      // Only the fields the server takes: the power figures stay with the worker's meter.
      gpus: detection.gpus.map(({ index, name, uuid, memoryMb }) => ({
        index,
        name,
        ...(uuid === undefined ? {} : { uuid }),
        ...(memoryMb === undefined ? {} : { memoryMb }),
      })),
    },
    detection,
  };
}
