import type { Site } from '@wattwise/cost-model';

import { buildCluster, type Cluster, type NodeSpec } from '../src/model';

/** A site with one flat price and one carbon intensity: every hour costs the same. */
export function flatSite(perKWh = 0.1, kgPerKWh = 0.5, pue = 1): Site {
  return {
    id: 'test',
    name: 'test site',
    currency: 'USD',
    pue,
    tariff: { kind: 'flat', perKWh },
    carbon: { kind: 'constant', kgPerKWh },
  };
}

/** `count` nodes of one kind: n0, n1, … */
export function nodes(
  count: number,
  gpus: number,
  model = 'T4',
  cpuMilli = 64_000,
  memoryMiB = 256 * 1024,
): Cluster {
  const list: NodeSpec[] = Array.from({ length: count }, (_, i) => ({
    id: `n${i}`,
    cpuMilli,
    memoryMiB,
    gpus,
    model,
  }));
  return buildCluster(list);
}

export const T0 = Date.UTC(2023, 0, 1);
