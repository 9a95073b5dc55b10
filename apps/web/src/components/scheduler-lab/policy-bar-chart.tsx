'use client';

import { Bar, BarChart, CartesianGrid, Cell, LabelList, Tooltip, XAxis, YAxis } from 'recharts';

export type PolicyBar = { name: string; value: number };

export type PolicyBarChartProps = {
  /** What the chart shows, for screen readers (a table beside it carries the numbers). */
  label: string;
  bars: readonly PolicyBar[];
  format: (value: number) => string;
};

const COLOURS = [
  '#475569',
  '#1d4ed8',
  '#17804a',
  '#b45309',
  '#7c3aed',
  '#be123c',
  '#0e7490',
  '#4d7c0f',
];
const AXIS_TICK = { fontSize: 12, fill: '#334155' };
const ROW_PX = 36;
const compact = new Intl.NumberFormat('en', { notation: 'compact', maximumSignificantDigits: 3 });

/** One bar per policy (Recharts, loaded lazily), policies down the side so names fit on a phone. */
export default function PolicyBarChart({ label, bars, format }: PolicyBarChartProps) {
  const data = bars.map((b) => ({ ...b, text: format(b.value) }));
  const height = 48 + ROW_PX * data.length;
  return (
    <div role="img" aria-label={label} className="w-full">
      <BarChart
        responsive
        accessibilityLayer={false}
        layout="vertical"
        style={{ width: '100%', height }}
        data={data}
        margin={{ top: 4, right: 80, bottom: 4, left: 0 }}
        barCategoryGap={6}
      >
        <CartesianGrid strokeDasharray="3 3" stroke="#e2e8f0" horizontal={false} />
        <XAxis
          type="number"
          tickFormatter={(v: number) => compact.format(v)}
          tick={AXIS_TICK}
          tickCount={3}
        />
        <YAxis type="category" dataKey="name" width={80} tick={AXIS_TICK} interval={0} />
        <Tooltip cursor={{ fill: '#f1f5f9' }} formatter={(v) => format(Number(v))} />
        <Bar dataKey="value" name={label} isAnimationActive={false}>
          {data.map((d, i) => (
            <Cell key={d.name} fill={COLOURS[i % COLOURS.length]} />
          ))}
          <LabelList dataKey="text" position="right" style={{ fontSize: 11, fill: '#0f172a' }} />
        </Bar>
      </BarChart>
    </div>
  );
}
