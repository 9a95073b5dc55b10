import { InputError, finite, nonNegative, positiveInteger } from './errors';
import { MS_PER_HOUR } from './series';
import type { CostByPart } from './tco';
import { badRecord, type GroupKey, type UsageColumns } from './usage';

export type IdlePolicy = 'none' | 'weighted' | 'even';
export type SharedPolicy = 'proportional' | 'even' | { weights: Readonly<Record<string, number>> };

export type AllocationInput = {
  usage: UsageColumns;
  /** Whole UTC hours from `startMs`. */
  period: { startMs: number; hours: number };
  /** Who a cost is charged to. */
  groupBy: GroupKey;
  /** Length of a time bucket (default 24: one per day from the period start; ≥ hours: one bucket). */
  bucketHours?: number;
  facility: {
    currency: string;
    /** Accelerators in the facility, idle or not. */
    gpuCount: number;
    /** Amortised hardware (and cost of capital) per GPU-hour of capacity. */
    hardwarePerGpuHour: number;
    /** Metered IT energy of the whole facility for each hour of the period, kWh. */
    itKWhPerHour: Float64Array;
    /** Price per kWh for each hour, or one price. */
    pricePerKWh: Float64Array | number;
    pue: Float64Array | number;
    /** Period totals, shared by `sharedPolicy`. */
    operations: number;
    storage: number;
    bandwidth: number;
  };
  /** How idle hardware and idle energy are shared: not at all, by GPU-hours used, or evenly. */
  idlePolicy: IdlePolicy;
  /** How operations, storage and bandwidth are shared: by direct cost, evenly, or by fixed weights. */
  sharedPolicy: SharedPolicy;
};

export const ALLOCATION_COLUMNS = [
  'hardware',
  'energy',
  'idleHardware',
  'idleEnergy',
  'operations',
  'storage',
  'bandwidth',
] as const;
export type AllocationColumn = (typeof ALLOCATION_COLUMNS)[number];

export type Allocation = {
  groupBy: GroupKey;
  owners: readonly string[];
  buckets: { startMs: number; endMs: number }[];
  currency: string;
  /** Money per owner × bucket, index `owner * buckets.length + bucket`. */
  cells: Record<AllocationColumn, Float64Array>;
  /** Quantities per cell: GPU-hours held, IT kWh, and the metered part of those kWh. */
  quantities: { gpuHours: Float64Array; energyKWh: Float64Array; measuredKWh: Float64Array };
  facility: CostByPart & { total: number };
  unallocated: {
    idleHardware: number;
    idleEnergy: number;
    operations: number;
    storage: number;
    bandwidth: number;
    total: number;
  };
  records: { used: number; outsidePeriod: number };
  warnings: string[];
};

function perHour(field: string, v: Float64Array | number, hours: number): Float64Array {
  if (typeof v === 'number') return new Float64Array(hours).fill(finite(field, v));
  if (!(v instanceof Float64Array) || v.length !== hours)
    throw new InputError(field, v?.length, `must be a number or a Float64Array of ${hours} hours`);
  v.forEach((x, i) => finite(`${field}[${i}]`, x));
  return v;
}

/**
 * Allocate a period's facility cost to owners × time buckets so that every record's bill plus what
 * stays unallocated adds up to the facility total.
 *
 * Direct costs: hardware time on max(requested, used) GPUs × hours × rate; energy as the record's kWh
 * spread evenly over its time, × price × PUE of each hour it covers. Idle hardware and idle energy are
 * what the facility cost in a bucket beyond the direct costs there; operations, storage and bandwidth
 * are spread over buckets by their length. Both are then shared within each bucket by the policies.
 */
export function allocate(input: AllocationInput): Allocation {
  const { usage: u, period, facility: f, groupBy } = input;
  if (!Number.isFinite(period.startMs) || period.startMs % MS_PER_HOUR !== 0)
    throw new InputError('period.startMs', period.startMs, 'must be a UTC time on the hour (ms)');
  const hours = positiveInteger('period.hours', period.hours);
  const bucketHours = Math.min(positiveInteger('bucketHours', input.bucketHours ?? 24), hours);
  const nb = Math.ceil(hours / bucketHours);
  if (!/^[A-Z]{3}$/.test(f.currency))
    throw new InputError('facility.currency', f.currency, 'must be an ISO 4217 code such as USD');
  nonNegative('facility.gpuCount', f.gpuCount);
  const rate = nonNegative('facility.hardwarePerGpuHour', f.hardwarePerGpuHour);
  const itKWh = perHour('facility.itKWhPerHour', f.itKWhPerHour, hours);
  itKWh.forEach((x, i) => nonNegative(`facility.itKWhPerHour[${i}]`, x));
  const price = perHour('facility.pricePerKWh', f.pricePerKWh, hours);
  const pue = perHour('facility.pue', f.pue, hours);
  pue.forEach((x, i) => {
    if (!(x >= 1)) throw new InputError(`facility.pue[${i}]`, x, 'must be ≥ 1');
  });
  const shared = {
    operations: nonNegative('facility.operations', f.operations),
    storage: nonNegative('facility.storage', f.storage),
    bandwidth: nonNegative('facility.bandwidth', f.bandwidth),
  };
  if (!['none', 'weighted', 'even'].includes(input.idlePolicy))
    throw new InputError('idlePolicy', input.idlePolicy, 'must be none, weighted or even');
  const ownerCol = u[groupBy];
  if (!ownerCol) throw new InputError('groupBy', groupBy, 'must be job, team, project or node');
  const owners = u.names[groupBy];
  const no = owners.length;

  // Cost of a kWh at each hour (price × PUE), and its running sum, interleaved [C0, W0, C1, W1, …] so
  // the integral of any interval is two lookups: F(x) = C[⌊x⌋] + (x − ⌊x⌋)·W[⌊x⌋].
  const pw = new Float64Array(2 * (hours + 1));
  for (let h = 0, c = 0; h < hours; h++) {
    const w = price[h]! * pue[h]!;
    pw[2 * h] = c;
    pw[2 * h + 1] = w;
    c += w;
    pw[2 * h + 2] = c;
  }

  const acc = new Float64Array(no * nb * 4);
  const p0 = period.startMs;
  const n = u.length;
  const outside = accumulate(u, ownerCol, no, groupBy, p0, hours, bucketHours, nb, pw, acc);

  const size = no * nb;
  const cells = Object.fromEntries(
    ALLOCATION_COLUMNS.map((k) => [k, new Float64Array(size)]),
  ) as Record<AllocationColumn, Float64Array>;
  const quantities = {
    gpuHours: new Float64Array(size),
    energyKWh: new Float64Array(size),
    measuredKWh: new Float64Array(size),
  };
  for (let c = 0; c < size; c++) {
    quantities.gpuHours[c] = acc[4 * c]!;
    cells.hardware[c] = acc[4 * c]! * rate;
    cells.energy[c] = acc[4 * c + 1]!;
    quantities.energyKWh[c] = acc[4 * c + 2]! + acc[4 * c + 3]!;
    quantities.measuredKWh[c] = acc[4 * c + 2]!;
  }

  const weights = sharedWeights(input.sharedPolicy, owners);
  const buckets: { startMs: number; endMs: number }[] = [];
  const facilityTotals = {
    hardware: 0,
    energy: 0,
    operations: shared.operations,
    storage: shared.storage,
    bandwidth: shared.bandwidth,
    total: 0,
  };
  const unallocated = {
    idleHardware: 0,
    idleEnergy: 0,
    operations: 0,
    storage: 0,
    bandwidth: 0,
    total: 0,
  };
  const warnings: string[] = [];
  const w = new Float64Array(no);
  for (let k = 0; k < nb; k++) {
    const h0 = k * bucketHours;
    const h1 = Math.min(hours, h0 + bucketHours);
    buckets.push({ startMs: p0 + h0 * MS_PER_HOUR, endMs: p0 + h1 * MS_PER_HOUR });
    const hwB = f.gpuCount * (h1 - h0) * rate;
    let enB = 0;
    for (let h = h0; h < h1; h++) enB += itKWh[h]! * pw[2 * h + 1]!;
    facilityTotals.hardware += hwB;
    facilityTotals.energy += enB;

    let directHw = 0;
    let directEn = 0;
    for (let o = 0; o < no; o++) {
      directHw += cells.hardware[o * nb + k]!;
      directEn += cells.energy[o * nb + k]!;
    }
    const idleHw = hwB - directHw;
    const idleEn = enB - directEn;
    if (idleHw < -1e-9 * Math.max(1, hwB))
      warnings.push(
        `bucket ${k}: records hold more GPU-hours than the facility has (${(directHw / rate).toFixed(3)} > ${(hwB / rate).toFixed(3)}); idle hardware is negative`,
      );
    if (idleEn < -1e-9 * Math.max(1, Math.abs(enB)))
      warnings.push(
        `bucket ${k}: records' energy cost exceeds the facility meter's; idle energy is negative`,
      );

    // Idle
    if (shareWeights(input.idlePolicy === 'none' ? null : input.idlePolicy, k)) {
      for (let o = 0; o < no; o++) {
        cells.idleHardware[o * nb + k] = idleHw * w[o]!;
        cells.idleEnergy[o * nb + k] = idleEn * w[o]!;
      }
    } else {
      unallocated.idleHardware += idleHw;
      unallocated.idleEnergy += idleEn;
    }

    // Operations, storage, bandwidth: this bucket's slice of the period, by its length.
    const slice = (h1 - h0) / hours;
    if (shareWeights(input.sharedPolicy, k)) {
      for (let o = 0; o < no; o++) {
        const c = o * nb + k;
        cells.operations[c] = shared.operations * slice * w[o]!;
        cells.storage[c] = shared.storage * slice * w[o]!;
        cells.bandwidth[c] = shared.bandwidth * slice * w[o]!;
      }
    } else {
      unallocated.operations += shared.operations * slice;
      unallocated.storage += shared.storage * slice;
      unallocated.bandwidth += shared.bandwidth * slice;
    }
  }

  /** Fill `w` with owner shares in bucket k (summing to 1); false when no owner qualifies. */
  function shareWeights(policy: IdlePolicy | SharedPolicy | null, k: number): boolean {
    if (policy === null) return false;
    let total = 0;
    for (let o = 0; o < no; o++) {
      const c = o * nb + k;
      const active = quantities.gpuHours[c]! > 0 || quantities.energyKWh[c]! > 0;
      let x = 0;
      if (active) {
        if (policy === 'weighted') x = quantities.gpuHours[c]!;
        else if (policy === 'even') x = 1;
        // Direct cost can be negative when wholesale prices are; a negative share makes no sense.
        else if (policy === 'proportional') x = Math.max(0, cells.hardware[c]! + cells.energy[c]!);
        else x = weights![o]!;
      }
      w[o] = x;
      total += x;
    }
    if (!(total > 0)) return false;
    for (let o = 0; o < no; o++) w[o] = w[o]! / total;
    return true;
  }

  facilityTotals.total =
    facilityTotals.hardware +
    facilityTotals.energy +
    shared.operations +
    shared.storage +
    shared.bandwidth;
  unallocated.total =
    unallocated.idleHardware +
    unallocated.idleEnergy +
    unallocated.operations +
    unallocated.storage +
    unallocated.bandwidth;
  if (outside > 0) warnings.push(`${outside} records fall outside the period and were not charged`);
  return {
    groupBy,
    owners,
    buckets,
    currency: f.currency,
    cells,
    quantities,
    facility: facilityTotals,
    unallocated,
    records: { used: n - outside, outsidePeriod: outside },
    warnings,
  };
}

/** Records per call of `accumulateChunk`. */
const CHUNK = 4096;

/**
 * Adds every record's GPU-hours, energy cost and kWh into `acc` and returns how many records fell
 * outside the period. Cells hold four numbers side by side, so one record touches one cache line:
 * GPU-hours, energy cost, metered kWh, modelled kWh.
 *
 * The records go through `accumulateChunk` a few thousand at a time, so the few it leaves to
 * `accumulateOther` (bad values, to be named; instants; anything its quick checks do not pass) are
 * handled while that chunk's columns are still in cache, in record order, with a small buffer.
 */
function accumulate(
  u: UsageColumns,
  ownerCol: Int32Array,
  no: number,
  groupBy: GroupKey,
  p0: number,
  hours: number,
  bucketHours: number,
  nb: number,
  pw: Float64Array,
  acc: Float64Array,
): number {
  const n = u.length;
  const p1 = p0 + hours * MS_PER_HOUR;
  const ctx: OtherContext = { u, ownerCol, no, groupBy, p0, p1, bucketHours, nb, pw, acc };
  const pending = new Int32Array(Math.min(n, CHUNK));
  // [records left for accumulateOther in this chunk, records outside the period so far]
  const tally = new Int32Array(2);
  let outside = 0;
  for (let i0 = 0; i0 < n; i0 += CHUNK) {
    accumulateChunk(
      u.startMs,
      u.endMs,
      u.energyKWh,
      ownerCol,
      u.energyMeasured,
      u.gpusRequested,
      u.gpusUsed,
      i0,
      Math.min(n, i0 + CHUNK),
      p0,
      p1,
      hours,
      bucketHours,
      nb,
      no,
      pw,
      acc,
      pending,
      tally,
    );
    for (let j = 0, np = tally[0]!; j < np; j++) outside += accumulateOther(ctx, pending[j]!);
  }
  return outside + tally[1]!;
}

/**
 * The hot loop, for records i0 ≤ i < i1. A record's energy is spread evenly over [start, end), so its
 * cost is rate × (F(b) − F(a)) with F the running integral of price × PUE in `pw`: two lookups
 * whatever its length. A record that stays inside one bucket and inside the period (most of them)
 * adds three numbers to one cell; one that crosses bucket edges or the period's edges is clipped and
 * split at the edges here too, since edges are whole hours and F there is a single lookup. A sliver
 * of TINY hours or less at an edge is not a stay in that bucket, as in `accumulateOther`.
 *
 * Anything else — a value these checks do not pass, an instant — goes to `pending` (count in
 * `tally[0]`) for `accumulateOther`; sending a record there is always correct, only slower.
 * Records wholly outside the period are counted in `tally[1]`.
 */
function accumulateChunk(
  starts: Float64Array,
  ends: Float64Array,
  kwh: Float64Array,
  owners: Int32Array,
  measured: Uint8Array,
  req: Float64Array,
  used: Float64Array,
  i0: number,
  i1: number,
  p0In: number,
  p1In: number,
  hoursIn: number,
  bucketHoursIn: number,
  nbIn: number,
  noIn: number,
  pw: Float64Array,
  acc: Float64Array,
  pending: Int32Array,
  tally: Int32Array,
): void {
  // Numbers made once here: V8 can otherwise re-check a parameter's type on every record.
  const p0 = +p0In;
  const p1 = +p1In;
  const hours = +hoursIn;
  const bucketHours = bucketHoursIn | 0;
  const nb = nbIn | 0;
  const no = noIn | 0;
  // Reciprocals, not division: a division costs more than the floor loop's whole work per record.
  // A last-bit error at a bucket edge at worst moves a sliver of 1e-13 h across the edge.
  const invH = 1 / MS_PER_HOUR;
  const invB = 1 / bucketHours;
  const tiny = TINY;
  const end = i1 | 0;
  let np = 0;
  let outside = 0;
  for (let i = i0 | 0; i < end; i = (i + 1) | 0) {
    const s = starts[i]!;
    const e = ends[i]!;
    const k0 = kwh[i]!;
    const o = owners[i]!;
    const m = measured[i]!;
    const r = req[i]!;
    const g = used[i]!;
    const a = (s - p0) * invH;
    const b = (e - p0) * invH;
    const gpus = r > g ? r : g;
    const dh = b - a;
    // Inside the period and inside one bucket, with values that need no second look (written so
    // that NaN fails; the sum is finite only when all three are, as they are ≥ 0).
    if (a >= 0 && b <= hours && b > a) {
      const k = (a * invB) | 0;
      if (
        k === ((b * invB) | 0) &&
        o >= 0 &&
        o < no &&
        m <= 1 &&
        k0 >= 0 &&
        r >= 0 &&
        g >= 0 &&
        k0 + r + g < Infinity
      ) {
        const h0 = a | 0;
        const h1 = b | 0;
        // F(b) − F(a) with the whole hours apart first, so that the running sum does not swamp a
        // record shorter than its rounding.
        const cost =
          pw[2 * h1]! - pw[2 * h0]! + ((b - h1) * pw[2 * h1 + 1]! - (a - h0) * pw[2 * h0 + 1]!);
        const c = (o * nb + k) * 4;
        acc[c]! += gpus * dh;
        acc[c + 1]! += (k0 / dh) * cost;
        acc[c + 3 - m]! += k0;
        continue;
      }
    }
    if (!(
      b > a &&
      dh < Infinity &&
      o >= 0 &&
      o < no &&
      m <= 1 &&
      k0 >= 0 &&
      r >= 0 &&
      g >= 0 &&
      k0 + r + g < Infinity
    )) {
      pending[np++] = i;
      continue;
    }
    // Outside the period: compared in ms, exactly (an hour offset can be off in its last bit).
    if (!(e > p0 && s < p1)) {
      outside++;
      continue;
    }
    // Clipped to the period and split at bucket edges.
    const x0 = a > 0 ? a : 0;
    const x1 = b < hours ? b : hours;
    const h0 = x0 | 0;
    const h1 = x1 | 0;
    const perHour = k0 / dh;
    const slot = 3 - m;
    const kLast = (x1 * invB) | 0;
    const last = kLast < nb ? kLast : nb - 1;
    let k = (x0 * invB) | 0;
    let c = (o * nb + k) * 4;
    let y0 = x0;
    let f0 = pw[2 * h0]! + (x0 - h0) * pw[2 * h0 + 1]!;
    const fEnd = pw[2 * h1]! + (x1 - h1) * pw[2 * h1 + 1]!;
    for (; k <= last; k++, c += 4) {
      let y1 = x1;
      let f1 = fEnd;
      if (k < last) {
        const edge = (k + 1) * bucketHours;
        y1 = edge;
        f1 = pw[2 * edge]!;
      }
      const d = y1 - y0;
      if (d > tiny) {
        acc[c]! += gpus * d;
        acc[c + 1]! += perHour * (f1 - f0);
        acc[c + slot]! += perHour * d;
      }
      y0 = y1;
      f0 = f1;
    }
  }
  tally[0] = np;
  tally[1] = tally[1]! + outside;
}

/** Hours; far above the rounding error of a product, far below any real usage. */
const TINY = 1e-9;

/** Any other record: checked field by field, clipped to the period, split at bucket edges. 1 when outside. */
type OtherContext = {
  u: UsageColumns;
  ownerCol: Int32Array;
  no: number;
  groupBy: GroupKey;
  p0: number;
  p1: number;
  bucketHours: number;
  nb: number;
  pw: Float64Array;
  acc: Float64Array;
};

function accumulateOther(ctx: OtherContext, i: number): number {
  const { u, ownerCol, no, groupBy, p0, p1, bucketHours, nb, pw, acc } = ctx;
  const s0 = u.startMs[i]!;
  const e0 = u.endMs[i]!;
  const r = u.gpusRequested[i]!;
  const g = u.gpusUsed[i]!;
  const k0 = u.energyKWh[i]!;
  const o = ownerCol[i]!;
  const m = u.energyMeasured[i]!;
  if (!(
    e0 >= s0 &&
    r >= 0 &&
    g >= 0 &&
    k0 >= 0 &&
    o >= 0 &&
    o < no &&
    e0 - s0 < Infinity &&
    k0 < Infinity &&
    r < Infinity &&
    g < Infinity
  )) {
    throw badRecord(u, i, groupBy);
  }
  if (m > 1) throw new InputError(`usage[${i}].energyMeasured`, m, 'must be 0 or 1');
  const slot = 3 - m;
  if (e0 === s0) {
    // An instant (a metered burst): all its energy at that hour's price, no GPU time. Exact
    // division, so an instant on the hour lands in that hour.
    if (s0 < p0 || s0 >= p1) return 1;
    const h = Math.floor((s0 - p0) / MS_PER_HOUR);
    const c = (o * nb + Math.floor(h / bucketHours)) * 4;
    acc[c + 1]! += k0 * pw[2 * h + 1]!;
    acc[c + slot]! += k0;
    return 0;
  }
  const s = s0 > p0 ? s0 : p0;
  const e = e0 < p1 ? e0 : p1;
  if (e <= s) return 1;
  const gpus = r > g ? r : g;
  const perHourKWh = (k0 * MS_PER_HOUR) / (e0 - s0);
  const a = (s - p0) / MS_PER_HOUR;
  const b = (e - p0) / MS_PER_HOUR;
  const last = Math.min(nb - 1, Math.floor(b / bucketHours));
  for (let k = Math.floor(a / bucketHours); k <= last; k++) {
    const x0 = a > k * bucketHours ? a : k * bucketHours;
    const x1 = b < (k + 1) * bucketHours ? b : (k + 1) * bucketHours;
    const dh = x1 - x0;
    // A sliver from rounding at a bucket edge is not a stay in that bucket.
    if (dh <= TINY) continue;
    const h0 = x0 | 0;
    const h1 = x1 | 0;
    const cost =
      pw[2 * h1]! + (x1 - h1) * pw[2 * h1 + 1]! - pw[2 * h0]! - (x0 - h0) * pw[2 * h0 + 1]!;
    const c = (o * nb + k) * 4;
    acc[c]! += gpus * dh;
    acc[c + 1]! += perHourKWh * cost;
    acc[c + slot]! += perHourKWh * dh;
  }
  return 0;
}

function sharedWeights(policy: SharedPolicy, owners: readonly string[]): Float64Array | null {
  if (typeof policy === 'string') {
    if (policy !== 'proportional' && policy !== 'even')
      throw new InputError('sharedPolicy', policy, 'must be proportional, even or { weights }');
    return null;
  }
  if (!policy || typeof policy.weights !== 'object')
    throw new InputError('sharedPolicy', policy, 'must be proportional, even or { weights }');
  const out = new Float64Array(owners.length);
  owners.forEach((name, o) => {
    const v = policy.weights[name];
    if (v !== undefined) out[o] = nonNegative(`sharedPolicy.weights.${name}`, v);
  });
  return out;
}

/** Sum of every allocated cell. With `unallocated.total` it equals `facility.total`. */
export function allocatedTotal(a: Allocation): number {
  let sum = 0;
  for (const k of ALLOCATION_COLUMNS) for (const v of a.cells[k]) sum += v;
  return sum;
}

export type AllocationRow = {
  owner: string;
  startMs: number;
  endMs: number;
  gpuHours: number;
  energyKWh: number;
  measuredKWh: number;
  total: number;
} & Record<AllocationColumn, number>;

/** One row per owner × bucket that was charged anything. */
export function allocationRows(a: Allocation): AllocationRow[] {
  const nb = a.buckets.length;
  const rows: AllocationRow[] = [];
  a.owners.forEach((owner, o) => {
    for (let k = 0; k < nb; k++) {
      const c = o * nb + k;
      const parts = Object.fromEntries(
        ALLOCATION_COLUMNS.map((col) => [col, a.cells[col][c]!]),
      ) as Record<AllocationColumn, number>;
      const total = ALLOCATION_COLUMNS.reduce((s, col) => s + parts[col], 0);
      if (total === 0 && a.quantities.gpuHours[c] === 0 && a.quantities.energyKWh[c] === 0)
        continue;
      rows.push({
        owner,
        ...a.buckets[k]!,
        ...parts,
        total,
        gpuHours: a.quantities.gpuHours[c]!,
        energyKWh: a.quantities.energyKWh[c]!,
        measuredKWh: a.quantities.measuredKWh[c]!,
      });
    }
  });
  return rows;
}
