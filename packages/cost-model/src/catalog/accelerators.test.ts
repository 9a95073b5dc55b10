import { describe, expect, it } from 'vitest';

import {
  ACCELERATORS,
  PRECISIONS,
  defaultPrecision,
  findAccelerator,
  modelMatches,
  peakFlops,
} from './accelerators';
import { CLOUD_OFFERS, breakEvenUtilisation, cloudOffersFor, cloudPricePerGpuHour } from './cloud';

describe('accelerator catalogue', () => {
  it('holds the parts the issue lists, each with a dated source and a labelled idle estimate', () => {
    for (const q of [
      'V100',
      'A100 40GB',
      'A100 80GB',
      'H100 SXM',
      'H100 PCIe',
      'H200',
      'B200',
      'L40S',
      'A10',
      'T4',
      'P100',
      'MI300X',
      'TPU v3',
      'TPU v4',
    ]) {
      const a = findAccelerator(q);
      expect(a.source.title.length).toBeGreaterThan(10);
      expect(a.source.date).toMatch(/^\d{4}-\d{2}/);
      expect(a.idle.estimate).toBe(true);
      expect(a.idle.watts).toBeLessThan(a.tdpW);
      expect(a.memoryGB).toBeGreaterThan(0);
      expect(a.memoryBandwidthGBs).toBeGreaterThan(0);
      if (a.listPrice) expect(a.listPrice.date).toMatch(/^\d{4}-\d{2}$/);
    }
    expect(new Set(ACCELERATORS.map((a) => a.id)).size).toBe(ACCELERATORS.length);
  });

  it('gives dense rates that match the datasheets (sparse figures halved)', () => {
    expect(findAccelerator('V100').peakFlops.fp16).toBe(125e12);
    expect(findAccelerator('a100-sxm4-80gb').peakFlops.bf16).toBe(312e12);
    expect(findAccelerator('H100 SXM').peakFlops.bf16! * 2).toBeCloseTo(1978.8e12, -9);
    expect(findAccelerator('TPU v4').peakFlops.bf16).toBe(275e12);
    // Lower precision is never slower on one part.
    for (const a of ACCELERATORS) {
      const r = PRECISIONS.map((p) => a.peakFlops[p]).filter((x): x is number => x !== undefined);
      expect(r.length).toBeGreaterThan(0);
      if (a.peakFlops.fp8 && a.peakFlops.bf16)
        expect(a.peakFlops.fp8).toBeGreaterThan(a.peakFlops.bf16);
      if (a.peakFlops.fp32 && a.peakFlops.bf16)
        expect(a.peakFlops.bf16).toBeGreaterThan(a.peakFlops.fp32);
    }
  });

  it('picks bf16, else fp16, and names a precision a part lacks', () => {
    expect(defaultPrecision(findAccelerator('H100 SXM'))).toBe('bf16');
    expect(defaultPrecision(findAccelerator('T4'))).toBe('fp16');
    expect(() => peakFlops(findAccelerator('A100 40GB'), 'fp8')).toThrow(
      /precision "fp8" is not a rate.*fp32, tf32, bf16, fp16/,
    );
  });

  it('names an unknown or ambiguous accelerator', () => {
    expect(() => findAccelerator('Z9000')).toThrow(/gpu "Z9000" is not in the catalogue/);
    expect(() => findAccelerator('H100')).toThrow(
      /gpu "H100" is ambiguous.*h100-sxm5-80gb.*h100-pcie-80gb/,
    );
    expect(findAccelerator('tesla v100').id).toBe('v100-sxm2-32gb');
  });
});

describe('cloud catalogue', () => {
  it('every offer is dated and points at a catalogue accelerator', () => {
    for (const o of CLOUD_OFFERS) {
      expect(o.asOf).toMatch(/^\d{4}-\d{2}$/);
      expect(() => findAccelerator(o.accelerator)).not.toThrow();
    }
    expect(cloudPricePerGpuHour(cloudOffersFor('h100-sxm5-80gb')[0]!)).toBeCloseTo(98.32 / 8, 9);
  });

  it('break-even utilisation: fixed / (cloud − variable)', () => {
    // Owning costs 1.00/h fixed and 0.10 per busy hour; renting 3.00/h → own above 1 / 2.9 ≈ 34 %.
    expect(
      breakEvenUtilisation({
        ownedFixedPerGpuHour: 1,
        ownedVariablePerBusyGpuHour: 0.1,
        cloudPerGpuHour: 3,
      }),
    ).toBeCloseTo(1 / 2.9, 12);
    expect(
      breakEvenUtilisation({
        ownedFixedPerGpuHour: 5,
        ownedVariablePerBusyGpuHour: 0.1,
        cloudPerGpuHour: 3,
      }),
    ).toBeNull();
    expect(() =>
      breakEvenUtilisation({
        ownedFixedPerGpuHour: 1,
        ownedVariablePerBusyGpuHour: 0,
        cloudPerGpuHour: 0,
      }),
    ).toThrow(/cloudPerGpuHour/);
  });
});

describe('modelMatches', () => {
  it('matches a model by a part of its name, ignoring case, spaces, underscores and hyphens', () => {
    expect(modelMatches('h100-sxm5-80gb', 'H100')).toBe(true);
    expect(modelMatches('NVIDIA A100 80GB PCIe', 'a100-80gb')).toBe(true);
    expect(modelMatches('t4-16gb', 'A100')).toBe(false);
    expect(modelMatches('t4-16gb', ' ')).toBe(false);
  });
});
