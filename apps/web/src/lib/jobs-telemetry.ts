/** Telemetry samples turned into chart rows: one row per sample, one column per GPU and the CPU. */

export type Sample = {
  seq: number;
  at: string;
  gpus: { index: number; powerW: number | null; util: number | null; memoryMiB: number | null }[];
  cpuW: number | null;
  method: string;
};

export type TelemetryRow = {
  /** Seconds since the attempt's first sample. */
  t: number;
  at: string;
  cpuW: number | null;
  /** `gpu<index>W`, `gpu<index>Util`, `gpu<index>MiB`. */
  [key: `gpu${number}${'W' | 'Util' | 'MiB'}`]: number | null;
};

export type TelemetryTable = {
  rows: TelemetryRow[];
  gpuIndices: number[];
  hasCpu: boolean;
  methods: string[];
};

export function telemetryRows(samples: readonly Sample[]): TelemetryTable {
  const gpuSet = new Set<number>();
  const methods = new Set<string>();
  let hasCpu = false;
  for (const s of samples) {
    for (const g of s.gpus) gpuSet.add(g.index);
    if (s.cpuW !== null) hasCpu = true;
    methods.add(s.method);
  }
  const gpuIndices = [...gpuSet].sort((a, b) => a - b);
  const t0 = samples.length ? Date.parse(samples[0]!.at) : 0;
  const rows = samples.map((s) => {
    const row: TelemetryRow = { t: (Date.parse(s.at) - t0) / 1000, at: s.at, cpuW: s.cpuW };
    for (const i of gpuIndices) {
      const g = s.gpus.find((x) => x.index === i);
      row[`gpu${i}W`] = g?.powerW ?? null;
      row[`gpu${i}Util`] = g?.util ?? null;
      row[`gpu${i}MiB`] = g?.memoryMiB ?? null;
    }
    return row;
  });
  return { rows, gpuIndices, hasCpu, methods: [...methods] };
}

/**
 * At most `max` rows for a chart: consecutive rows averaged in equal buckets (the first and last
 * times kept), so a long attempt draws as fast as a short one. The table shows every row.
 */
export function downsample(rows: readonly TelemetryRow[], max: number): TelemetryRow[] {
  if (rows.length <= max) return rows.slice();
  const out: TelemetryRow[] = [];
  const size = rows.length / max;
  for (let b = 0; b < max; b++) {
    const bucket = rows.slice(Math.floor(b * size), Math.floor((b + 1) * size));
    if (bucket.length === 0) continue;
    const first = bucket[0]!;
    const row: Record<string, number | string | null> = { t: first.t, at: first.at };
    for (const key of Object.keys(first)) {
      if (key === 't' || key === 'at') continue;
      let sum = 0;
      let n = 0;
      for (const r of bucket) {
        const v = (r as Record<string, unknown>)[key];
        if (typeof v === 'number') {
          sum += v;
          n++;
        }
      }
      row[key] = n ? sum / n : null;
    }
    out.push(row as TelemetryRow);
  }
  return out;
}
