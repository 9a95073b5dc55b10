'use client';

import { keepPreviousData, useQuery } from '@tanstack/react-query';

import type { RouterInputs, RouterOutputs } from './trpc';
import { api } from './trpc';

export type EnergyData = RouterOutputs['facility']['energy'];
export type NodesData = RouterOutputs['facility']['nodes'];
type Period = RouterInputs['facility']['energy'];

/** Grid price and carbon, usage and the heat map for a window; the previous window stays shown while the next loads. */
export function useFacilityEnergy(input: Period) {
  return useQuery({
    queryKey: ['facility.energy', input] as const,
    queryFn: ({ signal }) => api.facility.energy.query(input, { signal }),
    placeholderData: keepPreviousData,
    staleTime: 5 * 60_000,
  });
}

/** Nodes over a window and the live workers' GPUs, refreshed every 15 s for the telemetry. */
export function useFacilityNodes(input: Period) {
  return useQuery({
    queryKey: ['facility.nodes', input] as const,
    queryFn: ({ signal }) => api.facility.nodes.query(input, { signal }),
    placeholderData: keepPreviousData,
    refetchInterval: 15_000,
  });
}
