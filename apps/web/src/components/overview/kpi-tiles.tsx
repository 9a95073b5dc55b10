'use client';

import {
  formatFigure,
  PROVENANCE_LABEL,
  PROVENANCE_NOTE,
  type OverviewFigure,
  type OverviewSummary,
} from '../../lib/overview-figures';
import { formatPercent } from '../../lib/format';
import { Explain } from '../explain';

type FigureKey = keyof OverviewSummary['figures'];

/** The tiles in reading order; facility-only ones are absent (null) for a member. */
const TILES: readonly FigureKey[] = [
  'totalCost',
  'costPerHour',
  'idleCost',
  'itKWh',
  'facilityKWh',
  'pue',
  'co2e',
  'gpuHoursAllocated',
  'gpuHoursUsed',
];

/** "54 % of capacity", "12 % of total cost", or what a ratio is of. */
function caption(key: FigureKey, f: OverviewFigure): string | null {
  if (f.share) return `${formatPercent(f.share.value)} of ${f.share.of}`;
  return key === 'pue' ? 'facility ÷ IT energy' : null;
}

/** The headline figures, each with an Explain button: formula, inputs and where they come from. */
export function KpiTiles({ summary }: { summary: OverviewSummary }) {
  const { figures, currency } = summary;
  return (
    <ul
      className="grid grid-cols-2 gap-3 md:grid-cols-3 xl:grid-cols-5"
      aria-label="Headline figures"
    >
      {TILES.map((key) => {
        const f = figures[key];
        if (!f) return null;
        const shown = formatFigure(f.value, f.unit, currency);
        const extra = caption(key, f);
        return (
          <li
            key={key}
            data-figure={key}
            className="flex flex-col justify-between rounded-lg border border-slate-200 bg-white p-3"
          >
            <div className="flex items-start justify-between gap-2">
              <span className="text-xs font-medium uppercase tracking-wide text-slate-600">
                {f.label}
              </span>
              <Explain
                title={f.label}
                value={shown}
                formula={f.formula}
                label={PROVENANCE_LABEL[f.provenance]}
                inputs={f.inputs.map((i) => ({
                  name: i.name,
                  value: formatFigure(i.value, i.unit, currency),
                  source: {
                    label: PROVENANCE_LABEL[i.provenance],
                    note: `${i.note}${i.provenance === 'simulated' ? ` (${PROVENANCE_NOTE.simulated})` : ''}`,
                  },
                }))}
                notes={
                  <>
                    {f.note && <p>{f.note}</p>}
                    <p className="mt-1">{PROVENANCE_NOTE[f.provenance]}.</p>
                  </>
                }
              />
            </div>
            <p
              className="mt-1 text-lg font-semibold tabular-nums md:text-xl"
              data-testid={`figure-${key}`}
            >
              {shown}
            </p>
            <p className="mt-1 min-h-4 text-xs text-slate-600">{extra}</p>
          </li>
        );
      })}
    </ul>
  );
}
