/**
 * The same training run rented instead of owned: cost-model's estimateJob with the cloud offer's
 * price per GPU-hour as the hardware rate (the use its docs name: "give hardwarePerGpuHour, e.g. a
 * cloud rate"), energy and operations at 0 because the rent includes them, storage and bandwidth
 * as given. Time, energy and CO2e are the same run's.
 */
import {
  breakEvenUtilisation,
  cloudOffersFor,
  cloudPricePerGpuHour,
  estimateJob,
  type CloudOffer,
  type JobEstimate,
  type JobEstimateInput,
} from '@wattwise/cost-model';

export type CloudEstimate = {
  offer: CloudOffer;
  /** Stable id for the URL: provider and instance. */
  id: string;
  perGpuHour: number;
  estimate: JobEstimate;
};

export function offerId(offer: CloudOffer): string {
  return `${offer.provider} ${offer.instance}`
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

/** The run on each cloud offer of its accelerator, cheapest first. Only USD offers exist, so only USD runs. */
export function cloudEstimates(input: JobEstimateInput, own: JobEstimate): CloudEstimate[] {
  if (own.cost.currency !== 'USD') return [];
  return cloudOffersFor(own.accelerator.id)
    .map((offer) => {
      const perGpuHour = cloudPricePerGpuHour(offer);
      const estimate = estimateJob({
        ...input,
        hardwarePerGpuHour: perGpuHour,
        pricePerKWh: 0,
        operationsPerGpuHour: 0,
      });
      const ref = `${offer.source.title}, ${offer.asOf}`;
      estimate.sources.hardware = {
        label: 'rated',
        note: `${offer.provider} ${offer.instance} (${offer.region}) on-demand ${offer.usdPerHour} USD per hour${offer.gpuOnly ? ' for the GPU alone' : ''} ÷ ${offer.gpus} GPU${offer.gpus > 1 ? 's' : ''} (${ref})${offer.note ? `; ${offer.note}` : ''}`,
      };
      estimate.sources.price = { label: 'rated', note: 'included in the rental price' };
      estimate.sources.operations = { label: 'rated', note: 'included in the rental price' };
      return { offer, id: offerId(offer), perGpuHour, estimate };
    })
    .sort((a, b) => a.perGpuHour - b.perGpuHour);
}

/**
 * The GPU utilisation above which owning the accelerators costs less per busy hour than renting
 * them from `cloud`: hardware and operations accrue every hour, energy only while busy. Null when
 * renting is always cheaper.
 */
export function ownBreakEven(own: JobEstimate, cloud: CloudEstimate): number | null {
  if (!(own.gpuHours > 0)) return null;
  return breakEvenUtilisation({
    ownedFixedPerGpuHour: (own.cost.hardware + own.cost.operations) / own.gpuHours,
    ownedVariablePerBusyGpuHour: own.cost.energy / own.gpuHours,
    cloudPerGpuHour: cloud.perGpuHour,
  });
}
