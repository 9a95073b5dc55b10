import { availableParallelism, hostname, totalmem } from 'node:os';

import { detectGpus } from '@wattwise/nn-core/gpus';
import type { GpuDetection, GpuInfo } from '@wattwise/nn-core/gpus';

export type MachineInfo = {
  hostname: string;
  cpus: number;
  memoryMb: number;
  gpus: GpuInfo[];
};

/** What the worker tells the server about this machine when it registers. */
export async function describeMachine(opts: { env?: NodeJS.ProcessEnv } = {}): Promise<{
  machine: MachineInfo;
  detection: GpuDetection;
}> {
  const detection = await detectGpus({ env: opts.env });
  return {
    machine: {
      hostname: hostname(),
      cpus: availableParallelism(),
      memoryMb: Math.floor(totalmem() / (1024 * 1024)),
      gpus: detection.gpus,
    },
    detection,
  };
}
