/** How a figure of energy was obtained, carried by every sample and total. */
export type MeterMethod = 'nvml-energy' | 'nvml-power' | 'rapl' | 'modelled';

export type CounterTotal = { joules: number; resets: number; wraps: number };

/**
 * Energy from successive readings of a cumulative counter in millijoules (NVML's total energy
 * since driver load). A reading below the previous one is a wrap when the counter could have
 * gone round within `maxStepMj` (`width` is the counter's modulus), otherwise a reset: the counter
 * restarted from zero, so the new reading is the energy since then.
 */
export function counterEnergy(
  readingsMj: readonly number[],
  opts: { width?: number; maxStepMj?: number } = {},
): CounterTotal {
  const width = opts.width ?? 2 ** 64;
  const maxStep = opts.maxStepMj ?? 0;
  let mj = 0;
  let resets = 0;
  let wraps = 0;
  for (let i = 1; i < readingsMj.length; i++) {
    const prev = readingsMj[i - 1]!;
    const cur = readingsMj[i]!;
    if (cur >= prev) {
      mj += cur - prev;
    } else if (width - prev + cur <= maxStep) {
      mj += width - prev + cur;
      wraps++;
    } else {
      mj += cur;
      resets++;
    }
  }
  return { joules: mj / 1000, resets, wraps };
}

/** Trapezoidal integral of power samples (W at ms timestamps) in joules. */
export function integratePower(samples: readonly { tMs: number; watts: number }[]): number {
  let joules = 0;
  for (let i = 1; i < samples.length; i++) {
    const a = samples[i - 1]!;
    const b = samples[i]!;
    joules += ((a.watts + b.watts) / 2) * ((b.tMs - a.tMs) / 1000);
  }
  return joules;
}
