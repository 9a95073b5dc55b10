'use client';

import { memo, useMemo } from 'react';

import { formatNumber, formatPercent } from '../../lib/format';
import {
  cellText,
  nodeColours,
  racksOf,
  type ColourBy,
  type NodeRow,
  type Swatch,
} from '../../lib/gpus-view';

function nodeSummary(n: NodeRow): string {
  const gpus = n.gpuCount ? `${n.gpuCount}× ${n.gpuModel ?? 'GPU'}` : 'no GPUs';
  const util =
    n.utilisation === null ? 'utilisation n/a' : `${formatPercent(n.utilisation)} utilised`;
  const kw = n.avgKW === null ? '' : `, ${formatNumber(n.avgKW, 3)} kW mean job draw`;
  return `${n.name}: ${util}${kw}, ${gpus}, power ${n.powerState}`;
}

const RackColumn = memo(function RackColumn({
  rack,
  nodes,
  colourOf,
  by,
  selected,
  onSelect,
}: {
  rack: string | null;
  nodes: NodeRow[];
  colourOf: (n: NodeRow) => Swatch;
  by: ColourBy;
  selected: string | undefined;
  onSelect: (name: string) => void;
}) {
  const gpus = nodes.reduce((s, n) => s + n.gpuCount, 0);
  const title = rack ?? 'No rack';
  return (
    <section aria-label={`Rack ${title}: ${nodes.length} nodes, ${gpus} GPUs`} className="shrink-0">
      <h3 className="max-w-16 truncate text-xs font-semibold text-slate-800" title={title}>
        {title}
      </h3>
      <p className="text-[10px] text-slate-600">
        {nodes.length} · {gpus} GPU
      </p>
      <ul className="mt-1 flex flex-col gap-0.5">
        {nodes.map((n) => {
          const s = colourOf(n);
          const isSelected = n.name === selected;
          return (
            <li key={n.id}>
              <button
                type="button"
                data-node={n.name}
                aria-label={nodeSummary(n)}
                aria-pressed={isSelected}
                title={nodeSummary(n)}
                onClick={() => onSelect(n.name)}
                className={
                  'block h-6 w-14 rounded-sm border text-[11px] font-medium tabular-nums leading-none ' +
                  (isSelected ? 'border-slate-900 ring-2 ring-brand-600' : 'border-slate-300')
                }
                style={{ background: s.background, color: s.text }}
              >
                {cellText(n, by)}
              </button>
            </li>
          );
        })}
      </ul>
    </section>
  );
});

/**
 * Every node of the site, racks as columns, each cell coloured by utilisation or by the jobs' mean
 * power and printing the same figure; the legend says what each colour means. A cell opens the node.
 */
export function RackGrid({
  nodes,
  by,
  selected,
  onSelect,
  label,
}: {
  nodes: readonly NodeRow[];
  by: ColourBy;
  selected: string | undefined;
  onSelect: (name: string) => void;
  label: string;
}) {
  const racks = useMemo(() => racksOf(nodes), [nodes]);
  const { legend, of } = useMemo(() => nodeColours(nodes, by), [nodes, by]);
  return (
    <div className="space-y-2">
      <ul
        aria-label="Legend of the rack grid"
        className="flex flex-wrap gap-x-3 gap-y-1 text-xs text-slate-700"
      >
        {legend.map((s) => (
          <li key={s.label} className="flex items-center gap-1">
            <span
              aria-hidden="true"
              className="inline-block h-3 w-5 rounded-sm border border-slate-300"
              style={{ background: s.background }}
            />
            {s.label}
          </li>
        ))}
        <li>
          Cells print {by === 'util' ? 'utilisation in %' : 'the mean job draw in kW'};
          &ldquo;off&rdquo;: powered off.
        </li>
      </ul>
      <div
        role="region"
        aria-label={label}
        tabIndex={0}
        data-testid="rack-grid"
        className="max-h-[640px] overflow-auto rounded border border-slate-200 bg-white p-2"
      >
        <div className="flex gap-2">
          {racks.map((r) => (
            <RackColumn
              key={r.rack ?? '\u0000'}
              rack={r.rack}
              nodes={r.nodes}
              colourOf={of}
              by={by}
              selected={selected}
              onSelect={onSelect}
            />
          ))}
        </div>
      </div>
    </div>
  );
}
