'use client';

import { Bar, BarChart, CartesianGrid, Cell, LabelList, Tooltip, XAxis, YAxis } from 'recharts';

export type WaterfallBar = {
  name: string;
  /** Where the bar starts and ends on the value axis. */
  from: number;
  to: number;
  kind: 'total' | 'up' | 'down';
};

export type WaterfallChartProps = {
  /** What the chart shows, for screen readers (the table beside it carries the numbers). */
  label: string;
  bars: readonly WaterfallBar[];
  format: (value: number) => string;
  /** Text for a step: its signed change. */
  formatDelta: (value: number) => string;
  /** Where the value axis starts (totals are drawn from here); 0 unless small steps need room. */
  axisStart?: number;
};

const COLOURS = { total: '#475569', up: '#b91c1c', down: '#17804a' } as const;
const AXIS_TICK = { fontSize: 12, fill: '#334155' };
const ROW_PX = 40;

/** About five round ticks from `start` to past `max`, so the axis begins exactly where the totals do. */
function ticksFrom(start: number, max: number): number[] {
  const raw = (max - start) / 4;
  if (!(raw > 0)) return [start];
  const unit = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * unit).find((x) => x >= raw)!;
  const ticks = [start];
  while (ticks[ticks.length - 1]! < max) ticks.push(ticks[ticks.length - 1]! + step);
  return ticks;
}

/**
 * A horizontal waterfall (Recharts, loaded lazily): the baseline total, one floating bar per step
 * (green where it saves, red where it costs), and the resulting total. Categories run down the
 * side so long lever names fit on a phone.
 */
export default function WaterfallChart({
  label,
  bars,
  format,
  formatDelta,
  axisStart = 0,
}: WaterfallChartProps) {
  const data = bars.map((b) => ({
    name: b.name,
    kind: b.kind,
    range: [Math.min(b.from, b.to), Math.max(b.from, b.to)] as [number, number],
    delta: b.to - b.from,
    to: b.to,
    text: b.kind === 'total' ? format(b.to) : formatDelta(b.to - b.from),
  }));
  const height = 40 + ROW_PX * data.length;
  const ticks = ticksFrom(axisStart, Math.max(...bars.map((b) => Math.max(b.from, b.to))));
  return (
    <div role="img" aria-label={label} className="w-full">
      <BarChart
        responsive
        accessibilityLayer={false}
        layout="vertical"
        style={{ width: '100%', height }}
        data={data}
        margin={{ top: 8, right: 60, bottom: 8, left: 0 }}
        barCategoryGap={8}
      >
        <CartesianGrid strokeDasharray="3 3" stroke="#e2e8f0" horizontal={false} />
        <XAxis
          type="number"
          domain={[ticks[0]!, ticks[ticks.length - 1]!]}
          ticks={ticks}
          tickFormatter={format}
          tick={AXIS_TICK}
        />
        <YAxis type="category" dataKey="name" width={96} tick={AXIS_TICK} interval={0} />
        <Tooltip
          cursor={{ fill: '#f1f5f9' }}
          formatter={(_value, _name, item) => {
            const row = item.payload as (typeof data)[number];
            return row.kind === 'total'
              ? format(row.to)
              : `${formatDelta(row.delta)} → ${format(row.to)}`;
          }}
        />
        <Bar dataKey="range" name="Total per year" isAnimationActive={false}>
          {data.map((d) => (
            <Cell key={d.name} fill={COLOURS[d.kind]} />
          ))}
          <LabelList dataKey="text" position="right" style={{ fontSize: 11, fill: '#0f172a' }} />
        </Bar>
      </BarChart>
    </div>
  );
}
