import { findAccelerator } from '@wattwise/cost-model';
import { describe, expect, it } from 'vitest';

import { describeMachine, parseVirtualGpus } from './machine';

describe('parseVirtualGpus', () => {
  it('makes N GPUs of one catalogue model, named so that the catalogue finds them again', () => {
    const gpus = parseVirtualGpus('8xA100-SXM4-80GB');
    expect(gpus.map((g) => g.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    const acc = findAccelerator('a100-sxm4-80gb');
    for (const g of gpus) {
      expect(g).toMatchObject({ name: acc.name, tdpW: acc.tdpW, idleW: acc.idle.watts });
      expect(findAccelerator(g.name).id).toBe(acc.id);
    }
    expect(parseVirtualGpus('2 x T4').map((g) => g.acceleratorId)).toEqual(['t4-16gb', 't4-16gb']);
    expect(parseVirtualGpus('T4')).toHaveLength(1);
  });

  it('refuses a count out of range and a model the catalogue does not know', () => {
    expect(() => parseVirtualGpus('0xT4')).toThrow(/--virtual-gpus.*1 to 64/);
    expect(() => parseVirtualGpus('65xT4')).toThrow(/1 to 64/);
    expect(() => parseVirtualGpus('2xG2')).toThrow(/not in the catalogue/);
  });
});

describe('describeMachine with virtual parts', () => {
  it('registers the virtual GPUs, cores and memory, and only the fields the server takes', async () => {
    const { machine, detection } = await describeMachine({
      virtual: { gpus: parseVirtualGpus('2xT4'), cpus: 32, memoryMb: 131_072 },
    });
    expect(detection.available).toBe(true);
    expect(machine).toMatchObject({ cpus: 32, memoryMb: 131_072 });
    expect(machine.gpus).toEqual([
      { index: 0, name: 'NVIDIA T4 16 GB', memoryMb: 16_384 },
      { index: 1, name: 'NVIDIA T4 16 GB', memoryMb: 16_384 },
    ]);
  });
});
