'use client';

import { Bar, BarChart, CartesianGrid, Cell, LabelList, Tooltip, XAxis, YAxis } from 'recharts';

export type NamedBar = { name: string; value: number };

export type NamedBarChartProps = {
  /** What the chart shows, for screen readers (a table beside it carries the numbers). */
  label: string;
  bars: readonly NamedBar[];
  format: (value: number) => string;
  /** Colours in bar order, repeated; a bar named "Others" is drawn grey. */
  palette?: readonly string[];
  /** Width of the names down the side, px; longer names are cut with "…". */
  nameWidth?: number;
};

export const BAR_PALETTE = [
  '#1d4ed8',
  '#c2410c',
  '#15803d',
  '#7e22ce',
  '#0e7490',
  '#be123c',
  '#4d7c0f',
  '#a16207',
  '#334155',
] as const;
const OTHERS = '#94a3b8';
const AXIS_TICK = { fontSize: 12, fill: '#334155' };
const ROW_PX = 32;
const compact = new Intl.NumberFormat('en', { notation: 'compact', maximumSignificantDigits: 3 });

/** One horizontal bar per name (Recharts, loaded lazily), names down the side so they fit on a phone. */
export default function NamedBarChart({
  label,
  bars,
  format,
  palette = BAR_PALETTE,
  nameWidth = 132,
}: NamedBarChartProps) {
  const maxChars = Math.max(6, Math.floor(nameWidth / 6.5));
  const data = bars.map((b) => ({
    ...b,
    tick: b.name.length > maxChars ? `${b.name.slice(0, maxChars - 1)}…` : b.name,
    text: format(b.value),
  }));
  return (
    <div role="img" aria-label={label} className="w-full">
      <BarChart
        responsive
        accessibilityLayer={false}
        layout="vertical"
        style={{ width: '100%', height: 44 + ROW_PX * Math.max(1, data.length) }}
        data={data}
        margin={{ top: 4, right: 80, bottom: 4, left: 0 }}
        barCategoryGap={5}
      >
        <CartesianGrid strokeDasharray="3 3" stroke="#e2e8f0" horizontal={false} />
        <XAxis
          type="number"
          tickFormatter={(v: number) => compact.format(v)}
          tick={AXIS_TICK}
          tickCount={3}
        />
        <YAxis type="category" dataKey="tick" width={nameWidth} tick={AXIS_TICK} interval={0} />
        <Tooltip
          cursor={{ fill: '#f1f5f9' }}
          formatter={(v) => format(Number(v))}
          labelFormatter={(_, payload) => String(payload?.[0]?.payload?.name ?? '')}
        />
        <Bar dataKey="value" name={label} isAnimationActive={false}>
          {data.map((d, i) => (
            <Cell key={d.name} fill={d.name === 'Others' ? OTHERS : palette[i % palette.length]} />
          ))}
          <LabelList dataKey="text" position="right" style={{ fontSize: 11, fill: '#0f172a' }} />
        </Bar>
      </BarChart>
    </div>
  );
}
