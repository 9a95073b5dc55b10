'use client';

import {
  HEAT_COLOURS,
  WEEKDAYS,
  cellName,
  heatBins,
  type Heatmap,
  type HeatmapCell,
} from '../../lib/energy-view';

const HOURS = Array.from({ length: 24 }, (_, h) => h);

/**
 * Mean price or carbon by weekday (rows) and hour of day (columns) as a table: each cell prints its
 * value, its colour repeats it, and a star (spoken as "best") marks the cheapest or cleanest hours.
 */
export function HeatmapTable({
  map,
  measure,
  caption,
  format,
  unit,
  testId,
}: {
  map: Heatmap;
  measure: 'price' | 'carbon';
  caption: string;
  /** The cell's value as printed (short: the table has 24 columns). */
  format: (v: number) => string;
  unit: string;
  testId: string;
}) {
  const flag: keyof HeatmapCell = measure === 'price' ? 'cheapest' : 'cleanest';
  const { colourOf, edges, single } = heatBins(map.cells.map((c) => c[measure]));
  const byDay = WEEKDAYS.map((_, d) => map.cells.slice(d * 24, d * 24 + 24));
  return (
    <div className="space-y-2">
      <div
        role="region"
        aria-label={caption}
        tabIndex={0}
        // Relative: the cells' screen-reader text is positioned inside the scrolling box, not the page.
        className="relative overflow-x-auto rounded border border-slate-200 bg-white"
      >
        <table data-testid={testId} className="w-full border-collapse text-center text-[11px]">
          <caption className="sr-only">{caption}</caption>
          <thead>
            <tr>
              <th
                scope="col"
                className="sticky left-0 bg-slate-50 px-1.5 py-1 text-left font-semibold"
              >
                <span className="sr-only">Weekday</span>
              </th>
              {HOURS.map((h) => (
                <th
                  key={h}
                  scope="col"
                  className="bg-slate-50 px-0.5 py-1 font-semibold tabular-nums text-slate-700"
                >
                  {String(h).padStart(2, '0')}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {byDay.map((cells, d) => (
              <tr key={WEEKDAYS[d]}>
                <th
                  scope="row"
                  className="sticky left-0 bg-slate-50 px-1.5 py-1 text-left font-semibold"
                >
                  {WEEKDAYS[d]}
                </th>
                {cells.map((c) => {
                  const v = c[measure];
                  const best = c[flag] === true;
                  return (
                    <td
                      key={c.hour}
                      data-weekday={c.weekday}
                      data-hour={c.hour}
                      data-value={v ?? ''}
                      data-best={best ? 'true' : undefined}
                      title={`${cellName(c)}: ${v === null ? 'no data' : `${format(v)} ${unit}`}${best ? ` (among the ${measure === 'price' ? 'cheapest' : 'cleanest'})` : ''}`}
                      className={
                        'min-w-9 border border-white px-0.5 py-1 tabular-nums text-slate-900 ' +
                        (best
                          ? 'font-bold outline outline-2 -outline-offset-2 outline-slate-900'
                          : '')
                      }
                      style={{ background: v === null ? '#f8fafc' : colourOf(v) }}
                    >
                      {v === null ? '–' : format(v)}
                      {best && (
                        <>
                          <span aria-hidden="true">★</span>
                          <span className="sr-only"> best</span>
                        </>
                      )}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <ul
        className="flex flex-wrap items-center gap-x-3 gap-y-1 text-xs text-slate-700"
        aria-label={`Legend: ${caption}`}
      >
        {single ? (
          <li className="flex items-center gap-1">
            <span
              aria-hidden="true"
              className="inline-block h-3 w-5 rounded-sm border border-slate-300"
              style={{ background: HEAT_COLOURS[0] }}
            />
            every hour alike
          </li>
        ) : (
          edges.map((e, i) => (
            <li key={i} className="flex items-center gap-1">
              <span
                aria-hidden="true"
                className="inline-block h-3 w-5 rounded-sm border border-slate-300"
                style={{ background: e.colour }}
              />
              {format(e.from)}–{format(e.to)} {unit}
            </li>
          ))
        )}
        <li>
          <span aria-hidden="true">★</span> among the{' '}
          {measure === 'price' ? 'cheapest' : 'cleanest'} {Math.round(map.bestShare * 100)} % of the
          week&apos;s hours
        </li>
      </ul>
    </div>
  );
}
