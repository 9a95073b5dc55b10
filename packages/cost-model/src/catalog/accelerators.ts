import { InputError } from '../errors';
import type { Reference } from '../sources';

export const PRECISIONS = ['fp32', 'tf32', 'bf16', 'fp16', 'fp8'] as const;
export type Precision = (typeof PRECISIONS)[number];

export type Accelerator = {
  id: string;
  name: string;
  vendor: 'NVIDIA' | 'AMD' | 'Google';
  /** Other names a user may type; matched without case, spaces or hyphens. */
  aliases: readonly string[];
  /** Board power limit (TDP / TBP), W. For TPUs, the maximum measured chip power Google publishes. */
  tdpW: number;
  /** Idle draw. Vendors rarely publish it, so it is always marked as an estimate and says why. */
  idle: { watts: number; estimate: true; basis: string };
  /** Peak dense (no structured sparsity) rate, FLOP/s, for each precision the part supports. */
  peakFlops: Partial<Record<Precision, number>>;
  memoryGB: number;
  memoryBandwidthGBs: number;
  /** Purchase price in USD. NVIDIA, AMD and Google publish none, so these are reported figures. */
  listPrice: { usd: number; estimate: true; basis: string; date: string } | null;
  source: Reference;
};

const T = 1e12;
const NVIDIA_IDLE =
  'estimate: typical nvidia-smi reading of an idle board at its lowest clocks; not a vendor figure';
const REPORTED_PRICE =
  'estimate: street or analyst price reported in the trade press; the vendor publishes no list price';

export const ACCELERATORS: readonly Accelerator[] = [
  {
    id: 'p100-sxm2-16gb',
    name: 'NVIDIA Tesla P100 SXM2 16 GB',
    vendor: 'NVIDIA',
    aliases: ['P100'],
    tdpW: 300,
    idle: { watts: 30, estimate: true, basis: NVIDIA_IDLE },
    peakFlops: { fp32: 10.6 * T, fp16: 21.2 * T },
    memoryGB: 16,
    memoryBandwidthGBs: 732,
    listPrice: { usd: 6_000, estimate: true, basis: REPORTED_PRICE, date: '2016-09' },
    source: { title: 'NVIDIA Tesla P100 datasheet (SXM2 / NVLink column)', date: '2016-10' },
  },
  {
    id: 'v100-sxm2-32gb',
    name: 'NVIDIA Tesla V100 SXM2 32 GB',
    vendor: 'NVIDIA',
    aliases: ['V100', 'Tesla V100'],
    tdpW: 300,
    idle: { watts: 40, estimate: true, basis: NVIDIA_IDLE },
    // Volta has no bf16 or tf32; its tensor cores run fp16 with fp32 accumulate (125 TFLOP/s).
    peakFlops: { fp32: 15.7 * T, fp16: 125 * T },
    memoryGB: 32,
    memoryBandwidthGBs: 900,
    listPrice: { usd: 10_000, estimate: true, basis: REPORTED_PRICE, date: '2018-06' },
    source: {
      title: 'NVIDIA Tesla V100 GPU datasheet (V100 SXM2 column)',
      url: 'https://www.nvidia.com/en-us/data-center/v100/',
      date: '2020-01',
    },
  },
  {
    id: 'a100-sxm4-40gb',
    name: 'NVIDIA A100 SXM4 40 GB',
    vendor: 'NVIDIA',
    aliases: ['A100 40GB'],
    tdpW: 400,
    idle: { watts: 55, estimate: true, basis: NVIDIA_IDLE },
    peakFlops: { fp32: 19.5 * T, tf32: 156 * T, bf16: 312 * T, fp16: 312 * T },
    memoryGB: 40,
    memoryBandwidthGBs: 1_555,
    listPrice: { usd: 10_000, estimate: true, basis: REPORTED_PRICE, date: '2020-11' },
    source: {
      title: 'NVIDIA A100 Tensor Core GPU datasheet (A100 40GB SXM column, dense figures)',
      url: 'https://www.nvidia.com/en-us/data-center/a100/',
      date: '2021-06',
    },
  },
  {
    id: 'a100-sxm4-80gb',
    name: 'NVIDIA A100 SXM4 80 GB',
    vendor: 'NVIDIA',
    aliases: ['A100 80GB'],
    tdpW: 400,
    idle: { watts: 55, estimate: true, basis: NVIDIA_IDLE },
    peakFlops: { fp32: 19.5 * T, tf32: 156 * T, bf16: 312 * T, fp16: 312 * T },
    memoryGB: 80,
    memoryBandwidthGBs: 2_039,
    listPrice: { usd: 15_000, estimate: true, basis: REPORTED_PRICE, date: '2021-06' },
    source: {
      title: 'NVIDIA A100 Tensor Core GPU datasheet (A100 80GB SXM column, dense figures)',
      url: 'https://www.nvidia.com/en-us/data-center/a100/',
      date: '2021-06',
    },
  },
  {
    id: 'h100-sxm5-80gb',
    name: 'NVIDIA H100 SXM5 80 GB',
    vendor: 'NVIDIA',
    // The second alias is how nvidia-smi names the SXM part.
    aliases: ['H100 SXM', 'NVIDIA H100 80GB HBM3'],
    tdpW: 700,
    idle: { watts: 75, estimate: true, basis: NVIDIA_IDLE },
    // The datasheet prints sparse rates (989 / 1,979 / 3,958 TFLOP/s); dense is half.
    peakFlops: { fp32: 67 * T, tf32: 494.7 * T, bf16: 989.4 * T, fp16: 989.4 * T, fp8: 1978.9 * T },
    memoryGB: 80,
    memoryBandwidthGBs: 3_350,
    listPrice: { usd: 30_000, estimate: true, basis: REPORTED_PRICE, date: '2023-06' },
    source: {
      title: 'NVIDIA H100 Tensor Core GPU datasheet (H100 SXM column; sparse figures halved)',
      url: 'https://www.nvidia.com/en-us/data-center/h100/',
      date: '2023-06',
    },
  },
  {
    id: 'h100-pcie-80gb',
    name: 'NVIDIA H100 PCIe 80 GB',
    vendor: 'NVIDIA',
    aliases: ['H100 PCIe', 'NVIDIA H100 PCIe'],
    tdpW: 350,
    idle: { watts: 50, estimate: true, basis: NVIDIA_IDLE },
    peakFlops: { fp32: 51 * T, tf32: 378 * T, bf16: 756.5 * T, fp16: 756.5 * T, fp8: 1513 * T },
    memoryGB: 80,
    memoryBandwidthGBs: 2_000,
    listPrice: { usd: 25_000, estimate: true, basis: REPORTED_PRICE, date: '2023-06' },
    source: {
      title:
        'NVIDIA H100 Tensor Core GPU datasheet (H100 PCIe column, 300–350 W; sparse figures halved)',
      url: 'https://www.nvidia.com/en-us/data-center/h100/',
      date: '2022-09',
    },
  },
  {
    id: 'h200-sxm-141gb',
    name: 'NVIDIA H200 SXM 141 GB',
    vendor: 'NVIDIA',
    aliases: ['H200'],
    tdpW: 700,
    idle: { watts: 75, estimate: true, basis: NVIDIA_IDLE },
    peakFlops: { fp32: 67 * T, tf32: 494.7 * T, bf16: 989.4 * T, fp16: 989.4 * T, fp8: 1978.9 * T },
    memoryGB: 141,
    memoryBandwidthGBs: 4_800,
    listPrice: { usd: 32_000, estimate: true, basis: REPORTED_PRICE, date: '2024-06' },
    source: {
      title: 'NVIDIA H200 Tensor Core GPU datasheet (H200 SXM column; sparse figures halved)',
      url: 'https://www.nvidia.com/en-us/data-center/h200/',
      date: '2024-11',
    },
  },
  {
    id: 'b200-sxm-180gb',
    name: 'NVIDIA B200 (HGX B200) 180 GB',
    vendor: 'NVIDIA',
    aliases: ['B200'],
    tdpW: 1_000,
    idle: { watts: 140, estimate: true, basis: NVIDIA_IDLE },
    // Per-GPU HGX B200 figures: FP8 9 PF, BF16 4.5 PF, TF32 2.2 PF with sparsity; dense is half.
    peakFlops: { fp32: 75 * T, tf32: 1100 * T, bf16: 2250 * T, fp16: 2250 * T, fp8: 4500 * T },
    memoryGB: 180,
    memoryBandwidthGBs: 7_700,
    listPrice: {
      usd: 35_000,
      estimate: true,
      basis: `${REPORTED_PRICE} (NVIDIA's CEO quoted USD 30,000–40,000 in March 2024)`,
      date: '2024-03',
    },
    source: {
      title:
        'NVIDIA Blackwell / HGX B200 datasheet (per-GPU column, up to 1,000 W; sparse figures halved)',
      url: 'https://www.nvidia.com/en-us/data-center/hgx/',
      date: '2025-01',
    },
  },
  {
    id: 'l40s-48gb',
    name: 'NVIDIA L40S 48 GB',
    vendor: 'NVIDIA',
    aliases: ['L40S'],
    tdpW: 350,
    idle: { watts: 35, estimate: true, basis: NVIDIA_IDLE },
    peakFlops: { fp32: 91.6 * T, tf32: 183 * T, bf16: 362.05 * T, fp16: 362.05 * T, fp8: 733 * T },
    memoryGB: 48,
    memoryBandwidthGBs: 864,
    listPrice: { usd: 8_000, estimate: true, basis: REPORTED_PRICE, date: '2023-10' },
    source: {
      title: 'NVIDIA L40S GPU datasheet (dense figures)',
      url: 'https://www.nvidia.com/en-us/data-center/l40s/',
      date: '2023-08',
    },
  },
  {
    id: 'a10-24gb',
    name: 'NVIDIA A10 24 GB',
    vendor: 'NVIDIA',
    aliases: ['A10'],
    tdpW: 150,
    idle: { watts: 20, estimate: true, basis: NVIDIA_IDLE },
    peakFlops: { fp32: 31.2 * T, tf32: 62.5 * T, bf16: 125 * T, fp16: 125 * T },
    memoryGB: 24,
    memoryBandwidthGBs: 600,
    listPrice: { usd: 3_500, estimate: true, basis: REPORTED_PRICE, date: '2021-06' },
    source: {
      title: 'NVIDIA A10 Tensor Core GPU datasheet (dense figures)',
      url: 'https://www.nvidia.com/en-us/data-center/products/a10-gpu/',
      date: '2021-04',
    },
  },
  {
    id: 't4-16gb',
    name: 'NVIDIA T4 16 GB',
    vendor: 'NVIDIA',
    aliases: ['T4', 'Tesla T4'],
    tdpW: 70,
    idle: { watts: 10, estimate: true, basis: NVIDIA_IDLE },
    peakFlops: { fp32: 8.1 * T, fp16: 65 * T },
    memoryGB: 16,
    memoryBandwidthGBs: 320,
    listPrice: { usd: 2_300, estimate: true, basis: REPORTED_PRICE, date: '2019-06' },
    source: {
      title: 'NVIDIA T4 Tensor Core GPU datasheet (mixed-precision FP16/FP32 figure)',
      url: 'https://www.nvidia.com/en-us/data-center/tesla-t4/',
      date: '2019-03',
    },
  },
  {
    id: 'mi300x-192gb',
    name: 'AMD Instinct MI300X 192 GB',
    vendor: 'AMD',
    aliases: ['MI300X'],
    tdpW: 750,
    idle: {
      watts: 140,
      estimate: true,
      basis: 'estimate: reported idle draw of an MI300X OAM module; not a vendor figure',
    },
    peakFlops: {
      fp32: 163.4 * T,
      tf32: 653.7 * T,
      bf16: 1307.4 * T,
      fp16: 1307.4 * T,
      fp8: 2614.9 * T,
    },
    memoryGB: 192,
    memoryBandwidthGBs: 5_300,
    listPrice: {
      usd: 15_000,
      estimate: true,
      basis: `${REPORTED_PRICE} (analyst estimates USD 10,000–15,000)`,
      date: '2024-01',
    },
    source: {
      title: 'AMD Instinct MI300X accelerator data sheet (dense matrix figures)',
      url: 'https://www.amd.com/en/products/accelerators/instinct/mi300/mi300x.html',
      date: '2023-12',
    },
  },
  {
    id: 'tpu-v3',
    name: 'Google Cloud TPU v3 (per chip)',
    vendor: 'Google',
    aliases: ['TPUv3', 'TPU v3'],
    tdpW: 262,
    idle: {
      watts: 123,
      estimate: true,
      basis:
        'estimate: the measured minimum chip power Google publishes (123/220/262 W min/mean/max)',
    },
    peakFlops: { bf16: 123 * T },
    memoryGB: 32,
    memoryBandwidthGBs: 900,
    listPrice: null,
    source: {
      title: 'Google Cloud TPU documentation, "TPU v3" system architecture table',
      url: 'https://cloud.google.com/tpu/docs/v3',
      date: '2024-06',
    },
  },
  {
    id: 'tpu-v4',
    name: 'Google Cloud TPU v4 (per chip)',
    vendor: 'Google',
    aliases: ['TPUv4', 'TPU v4'],
    tdpW: 192,
    idle: {
      watts: 90,
      estimate: true,
      basis:
        'estimate: the measured minimum chip power Google publishes (90/170/192 W min/mean/max)',
    },
    peakFlops: { bf16: 275 * T },
    memoryGB: 32,
    memoryBandwidthGBs: 1_200,
    listPrice: null,
    source: {
      title: 'Google Cloud TPU documentation, "TPU v4" system architecture table',
      url: 'https://cloud.google.com/tpu/docs/v4',
      date: '2024-06',
    },
  },
];

const squash = (s: string) => s.toLowerCase().replace(/[\s_-]+/g, '');

/**
 * Whether a model name answers to `wanted` ("H100", "a100-80gb"): the name starts with it or
 * contains it, ignoring case, spaces, underscores and hyphens, as `findAccelerator` matches.
 */
export function modelMatches(name: string, wanted: string): boolean {
  const w = squash(wanted);
  return w !== '' && squash(name).includes(w);
}

/**
 * Find an accelerator by id, name or alias, ignoring case, spaces and hyphens. A prefix that fits
 * several entries (e.g. "A100") is an error listing them rather than a silent pick.
 */
export function findAccelerator(query: string): Accelerator {
  if (typeof query !== 'string' || query.trim() === '')
    throw new InputError('gpu', query, 'must name an accelerator');
  const q = squash(query);
  const exact = ACCELERATORS.filter((a) =>
    [a.id, a.name, ...a.aliases].some((n) => squash(n) === q),
  );
  if (exact.length === 1) return exact[0]!;
  const partial = ACCELERATORS.filter(
    (a) => squash(a.id).startsWith(q) || squash(a.name).includes(q),
  );
  if (partial.length === 1) return partial[0]!;
  if (partial.length > 1) {
    throw new InputError(
      'gpu',
      query,
      `is ambiguous; pick one of ${partial.map((a) => a.id).join(', ')}`,
    );
  }
  throw new InputError(
    'gpu',
    query,
    `is not in the catalogue; known: ${ACCELERATORS.map((a) => a.id).join(', ')}`,
  );
}

/** bf16 where the part has it, else fp16 (Volta, Turing), else fp32. */
export function defaultPrecision(acc: Accelerator): Precision {
  if (acc.peakFlops.bf16) return 'bf16';
  if (acc.peakFlops.fp16) return 'fp16';
  return 'fp32';
}

export function peakFlops(acc: Accelerator, precision: Precision): number {
  const rate = acc.peakFlops[precision];
  if (rate === undefined) {
    const has = PRECISIONS.filter((p) => acc.peakFlops[p] !== undefined).join(', ');
    throw new InputError('precision', precision, `is not a rate of ${acc.name}; it has ${has}`);
  }
  return rate;
}
