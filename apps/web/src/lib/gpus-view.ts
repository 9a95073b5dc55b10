import type { NodesData } from './facility-queries';
import { formatNumber } from './format';

export type NodeRow = NodesData['nodes'][number];
export type LiveWorker = NodesData['workers'][number];
export type LiveGpu = LiveWorker['gpus'][number];
export type HeldIdleGpu = NodesData['heldIdle'][number];

/** A colour and the text colour that reads on it (WCAG AA for small text), with what it means. */
export type Swatch = { background: string; text: string; label: string };

const DARK = '#0f172a';
const LIGHT = '#ffffff';

/** Utilisation steps, light to dark blue. */
const UTIL_STEPS: readonly { upTo: number; background: string; text: string }[] = [
  { upTo: 0.05, background: '#f1f5f9', text: DARK },
  { upTo: 0.25, background: '#dbeafe', text: DARK },
  { upTo: 0.5, background: '#93c5fd', text: DARK },
  { upTo: 0.75, background: '#2563eb', text: LIGHT },
  { upTo: Infinity, background: '#1e3a8a', text: LIGHT },
];
const UTIL_LABELS = ['under 5 %', '5–25 %', '25–50 %', '50–75 %', '75 % and over'];

/** Power steps, light to dark orange, in quarters of the busiest node's mean draw. */
const POWER_STEPS = [
  { background: '#f1f5f9', text: DARK },
  { background: '#fed7aa', text: DARK },
  { background: '#fb923c', text: DARK },
  { background: '#c2410c', text: LIGHT },
  { background: '#7c2d12', text: LIGHT },
] as const;

export const NO_DATA: Swatch = { background: '#ffffff', text: '#334155', label: 'no GPUs' };
export const POWERED_OFF: Swatch = { background: '#e2e8f0', text: '#334155', label: 'powered off' };

export type ColourBy = 'util' | 'power';

/** The legend and a node → swatch function for the rack grid. */
export function nodeColours(nodes: readonly NodeRow[], by: ColourBy) {
  if (by === 'util') {
    const legend: Swatch[] = UTIL_STEPS.map((s, i) => ({ ...s, label: UTIL_LABELS[i]! }));
    const of = (n: NodeRow): Swatch => {
      if (n.powerState === 'off') return POWERED_OFF;
      if (n.utilisation === null) return NO_DATA;
      return legend[UTIL_STEPS.findIndex((s) => n.utilisation! < s.upTo)]!;
    };
    return { legend, of };
  }
  const max = Math.max(0, ...nodes.map((n) => n.avgKW ?? 0));
  const q = max / 4;
  // With no job energy anywhere there is nothing to grade: one swatch says so.
  const steps = max > 0 ? POWER_STEPS : POWER_STEPS.slice(0, 1);
  const legend: Swatch[] = steps.map((s, i) => ({
    ...s,
    label:
      i === 0 ? 'no job energy' : `${formatNumber((i - 1) * q, 2)}–${formatNumber(i * q, 2)} kW`,
  }));
  const of = (n: NodeRow): Swatch => {
    if (n.powerState === 'off') return POWERED_OFF;
    const kw = n.avgKW ?? 0;
    if (kw <= 0 || q === 0) return legend[0]!;
    return legend[Math.min(4, Math.ceil(kw / q))]!;
  };
  return { legend, of };
}

/** What a grid cell prints, short enough for the cell: utilisation in whole percent, or mean kW. */
export function cellText(n: NodeRow, by: ColourBy): string {
  if (n.powerState === 'off') return 'off';
  const v = by === 'util' ? n.utilisation : n.avgKW;
  if (v === null) return '–';
  if (by === 'util') return v > 0 && v < 0.005 ? '<1' : String(Math.round(v * 100));
  return v > 0 && v < 0.01 ? '<0.01' : formatNumber(v, 2);
}

/** Nodes grouped by rack in the API's rack order (unracked last). */
export function racksOf(nodes: readonly NodeRow[]): { rack: string | null; nodes: NodeRow[] }[] {
  const byRack = new Map<string | null, NodeRow[]>();
  for (const n of nodes) {
    const list = byRack.get(n.rack) ?? [];
    list.push(n);
    byRack.set(n.rack, list);
  }
  return [...byRack].map(([rack, list]) => ({ rack, nodes: list }));
}
