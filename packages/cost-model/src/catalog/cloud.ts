import { nonNegative, positive } from '../errors';
import type { Reference } from '../sources';

export type CloudOffer = {
  provider: 'AWS' | 'Google Cloud' | 'Azure';
  instance: string;
  region: string;
  /** Catalogue id of the accelerator (the closest entry; see `note` where it differs). */
  accelerator: string;
  gpus: number;
  /** On-demand, Linux, no discounts, USD per instance-hour (per GPU-hour where `gpuOnly`). */
  usdPerHour: number;
  /** True where the provider prices the GPU apart from the VM it attaches to. */
  gpuOnly?: boolean;
  note?: string;
  /** When the price was in force. Cloud prices move: check before relying on one. */
  asOf: string;
  source: Reference;
};

const AWS: Reference = {
  title: 'Amazon EC2 On-Demand Pricing',
  url: 'https://aws.amazon.com/ec2/pricing/on-demand/',
  date: '2024-06',
};
const GCP: Reference = {
  title: 'Google Compute Engine GPU pricing',
  url: 'https://cloud.google.com/compute/gpus-pricing',
  date: '2024-06',
};
const AZURE: Reference = {
  title: 'Azure Linux Virtual Machines pricing',
  url: 'https://azure.microsoft.com/en-us/pricing/details/virtual-machines/linux/',
  date: '2024-06',
};

export const CLOUD_OFFERS: readonly CloudOffer[] = [
  {
    provider: 'AWS',
    instance: 'p3dn.24xlarge',
    region: 'us-east-1',
    accelerator: 'v100-sxm2-32gb',
    gpus: 8,
    usdPerHour: 31.212,
    asOf: '2024-06',
    source: AWS,
  },
  {
    provider: 'AWS',
    instance: 'p4d.24xlarge',
    region: 'us-east-1',
    accelerator: 'a100-sxm4-40gb',
    gpus: 8,
    usdPerHour: 32.7726,
    asOf: '2024-06',
    source: AWS,
  },
  {
    provider: 'AWS',
    instance: 'p4de.24xlarge',
    region: 'us-east-1',
    accelerator: 'a100-sxm4-80gb',
    gpus: 8,
    usdPerHour: 40.9657,
    asOf: '2024-06',
    source: AWS,
  },
  {
    provider: 'AWS',
    instance: 'p5.48xlarge',
    region: 'us-east-1',
    accelerator: 'h100-sxm5-80gb',
    gpus: 8,
    usdPerHour: 98.32,
    asOf: '2024-06',
    source: AWS,
    note: 'AWS cut P5 on-demand prices in June 2025; this is the price before the cut',
  },
  {
    provider: 'AWS',
    instance: 'g6e.xlarge',
    region: 'us-east-1',
    accelerator: 'l40s-48gb',
    gpus: 1,
    usdPerHour: 1.861,
    asOf: '2024-09',
    source: { ...AWS, date: '2024-09' },
  },
  {
    provider: 'AWS',
    instance: 'g4dn.xlarge',
    region: 'us-east-1',
    accelerator: 't4-16gb',
    gpus: 1,
    usdPerHour: 0.526,
    asOf: '2024-06',
    source: AWS,
  },
  {
    provider: 'Google Cloud',
    instance: 'a2-highgpu-1g',
    region: 'us-central1',
    accelerator: 'a100-sxm4-40gb',
    gpus: 1,
    usdPerHour: 3.673477,
    asOf: '2024-06',
    source: GCP,
  },
  {
    provider: 'Google Cloud',
    instance: 'nvidia-tesla-v100 (attached GPU)',
    region: 'us-central1',
    accelerator: 'v100-sxm2-32gb',
    gpus: 1,
    usdPerHour: 2.48,
    gpuOnly: true,
    note: 'V100 16 GB; VM priced apart',
    asOf: '2024-06',
    source: GCP,
  },
  {
    provider: 'Google Cloud',
    instance: 'nvidia-tesla-t4 (attached GPU)',
    region: 'us-central1',
    accelerator: 't4-16gb',
    gpus: 1,
    usdPerHour: 0.35,
    gpuOnly: true,
    note: 'VM priced apart',
    asOf: '2024-06',
    source: GCP,
  },
  {
    provider: 'Azure',
    instance: 'ND96asr_v4',
    region: 'East US',
    accelerator: 'a100-sxm4-40gb',
    gpus: 8,
    usdPerHour: 27.197,
    asOf: '2024-06',
    source: AZURE,
  },
  {
    provider: 'Azure',
    instance: 'ND96isr_H100_v5',
    region: 'East US',
    accelerator: 'h100-sxm5-80gb',
    gpus: 8,
    usdPerHour: 98.32,
    asOf: '2024-06',
    source: AZURE,
  },
  {
    provider: 'Azure',
    instance: 'NC6s_v3',
    region: 'East US',
    accelerator: 'v100-sxm2-32gb',
    gpus: 1,
    usdPerHour: 3.06,
    note: 'V100 16 GB',
    asOf: '2024-06',
    source: AZURE,
  },
];

export function cloudOffersFor(acceleratorId: string): CloudOffer[] {
  return CLOUD_OFFERS.filter((o) => o.accelerator === acceleratorId);
}

export function cloudPricePerGpuHour(offer: CloudOffer): number {
  return offer.usdPerHour / offer.gpus;
}

export type OwnVsCloudInput = {
  /** Owned cost that accrues every hour whether the GPU works or not (amortised capex, space, staff). */
  ownedFixedPerGpuHour: number;
  /** Owned cost that accrues only while the GPU works (energy above idle). */
  ownedVariablePerBusyGpuHour: number;
  /** Rental price per GPU-hour, paid only while used. */
  cloudPerGpuHour: number;
};

/**
 * The utilisation above which owning is cheaper than renting: owning costs fixed/u + variable per busy
 * hour, renting costs the cloud price. Null when renting is always cheaper.
 */
export function breakEvenUtilisation(input: OwnVsCloudInput): number | null {
  const fixed = nonNegative('ownedFixedPerGpuHour', input.ownedFixedPerGpuHour);
  const variable = nonNegative('ownedVariablePerBusyGpuHour', input.ownedVariablePerBusyGpuHour);
  const cloud = positive('cloudPerGpuHour', input.cloudPerGpuHour);
  if (cloud <= variable) return null;
  const u = fixed / (cloud - variable);
  return u > 1 ? null : u;
}
