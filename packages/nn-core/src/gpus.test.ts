import { chmodSync, mkdirSync, mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { detectGpus, parseNvidiaSmiGpus } from './gpus';

// Shaped like `nvidia-smi --query-gpu=index,name,uuid,memory.total --format=csv,noheader,nounits`
// on an 8-GPU H100 node (uuids shortened).
const H100_NODE = [
  '0, NVIDIA H100 80GB HBM3, GPU-3b6c2c53-0a1e-4f7e-9d35-1f0e9b7a0c01, 81559',
  '1, NVIDIA H100 80GB HBM3, GPU-3b6c2c53-0a1e-4f7e-9d35-1f0e9b7a0c02, 81559',
  '2, NVIDIA H100 80GB HBM3, GPU-3b6c2c53-0a1e-4f7e-9d35-1f0e9b7a0c03, 81559',
  '3, NVIDIA H100 80GB HBM3, GPU-3b6c2c53-0a1e-4f7e-9d35-1f0e9b7a0c04, 81559',
  '4, NVIDIA H100 80GB HBM3, GPU-3b6c2c53-0a1e-4f7e-9d35-1f0e9b7a0c05, 81559',
  '5, NVIDIA H100 80GB HBM3, GPU-3b6c2c53-0a1e-4f7e-9d35-1f0e9b7a0c06, 81559',
  '6, NVIDIA H100 80GB HBM3, GPU-3b6c2c53-0a1e-4f7e-9d35-1f0e9b7a0c07, 81559',
  '7, NVIDIA H100 80GB HBM3, GPU-3b6c2c53-0a1e-4f7e-9d35-1f0e9b7a0c08, 81559',
  '',
].join('\n');

describe('parseNvidiaSmiGpus', () => {
  it('reads every GPU of an 8-GPU node', () => {
    const gpus = parseNvidiaSmiGpus(H100_NODE);
    expect(gpus).toHaveLength(8);
    expect(gpus[0]).toEqual({
      index: 0,
      name: 'NVIDIA H100 80GB HBM3',
      uuid: 'GPU-3b6c2c53-0a1e-4f7e-9d35-1f0e9b7a0c01',
      memoryMb: 81559,
    });
    expect(gpus.map((g) => g.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it('reads the output of a real H200 machine', () => {
    // Captured on a one-GPU NVIDIA H200 node with the query in NVIDIA_SMI_ARGS.
    const text = '0, NVIDIA H200, GPU-02f5a4eb-60fe-fc2d-1a55-934778c854f2, 143771\n';
    expect(parseNvidiaSmiGpus(text)).toEqual([
      {
        index: 0,
        name: 'NVIDIA H200',
        uuid: 'GPU-02f5a4eb-60fe-fc2d-1a55-934778c854f2',
        memoryMb: 143771,
      },
    ]);
  });

  it('tolerates CRLF, stray lines, units, [N/A] fields and a comma in the name', () => {
    const text = [
      'index, name, uuid, memory.total [MiB]',
      'WARNING: infoROM is corrupted at gpu 0000:41:00.0',
      '1, Tesla V100-SXM2-16GB, GPU-bbbb, 16160 MiB\r',
      '0, Acme, Model X, GPU-aaaa, [N/A]\r',
      '2, NVIDIA A100-SXM4-80GB, [Not Supported], 81920',
      '   ',
    ].join('\n');
    expect(parseNvidiaSmiGpus(text)).toEqual([
      { index: 0, name: 'Acme, Model X', uuid: 'GPU-aaaa' },
      { index: 1, name: 'Tesla V100-SXM2-16GB', uuid: 'GPU-bbbb', memoryMb: 16160 },
      { index: 2, name: 'NVIDIA A100-SXM4-80GB', memoryMb: 81920 },
    ]);
  });

  it('finds nothing in an error message or empty output', () => {
    expect(parseNvidiaSmiGpus('No devices were found\n')).toEqual([]);
    expect(
      parseNvidiaSmiGpus(
        "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver. Make sure that the latest NVIDIA driver is installed and running.",
      ),
    ).toEqual([]);
    expect(parseNvidiaSmiGpus('')).toEqual([]);
  });
});

describe('detectGpus', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wattwise-gpus-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** A fake nvidia-smi in its own directory, found through PATH like the real one. */
  function fakeNvidiaSmi(name: string, script: string): NodeJS.ProcessEnv {
    const bin = join(dir, name);
    mkdirSync(bin);
    const path = join(bin, 'nvidia-smi');
    writeFileSync(path, `#!/bin/sh\n${script}\n`);
    chmodSync(path, 0o755);
    return { PATH: `${bin}:/usr/bin:/bin` };
  }

  it('lists the GPUs a fake nvidia-smi on PATH reports, asked with the documented query', async () => {
    const env = fakeNvidiaSmi(
      'ok',
      [
        'if [ "$1" != "--query-gpu=index,name,uuid,memory.total" ] || [ "$2" != "--format=csv,noheader,nounits" ]; then',
        '  echo "unexpected arguments: $*" >&2; exit 2',
        'fi',
        "printf '0, NVIDIA H200, GPU-1111, 143771\\n1, NVIDIA H200, GPU-2222, 143771\\n'",
      ].join('\n'),
    );
    const found = await detectGpus({ env });
    expect(found.available).toBe(true);
    expect(found.reason).toBeUndefined();
    expect(found.gpus).toEqual([
      { index: 0, name: 'NVIDIA H200', uuid: 'GPU-1111', memoryMb: 143771 },
      { index: 1, name: 'NVIDIA H200', uuid: 'GPU-2222', memoryMb: 143771 },
    ]);
  });

  it('reports a failing nvidia-smi with its first line of output', async () => {
    const env = fakeNvidiaSmi(
      'broken',
      `echo "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver."; exit 9`,
    );
    const found = await detectGpus({ env });
    expect(found).toMatchObject({ available: false, gpus: [] });
    expect(found.reason).toBe(
      "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver.",
    );
  });

  it('means no GPUs when nvidia-smi is not on PATH', async () => {
    const found = await detectGpus({ env: { PATH: join(dir, 'nowhere') } });
    expect(found).toMatchObject({
      available: false,
      gpus: [],
      reason: 'nvidia-smi not found on PATH',
    });
  });
});
