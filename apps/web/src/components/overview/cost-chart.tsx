'use client';

import { Area, CartesianGrid, ComposedChart, Legend, Line, Tooltip, XAxis, YAxis } from 'recharts';

import { COST_PARTS, PART_COLORS, PART_LABELS, type CostPart } from '../../lib/overview-figures';

/** One bucket: the parts that happened, and where the forecast has it, its band and central value. */
export type CostChartRow = { t: number } & Partial<Record<CostPart, number>> & {
    band?: [number, number];
    expected?: number;
  };

export type CostChartProps = {
  /** What the chart shows, for screen readers (the table alternative carries the numbers). */
  label: string;
  rows: readonly CostChartRow[];
  formatX: (ms: number) => string;
  formatY: (value: number) => string;
  formatValue: (value: number) => string;
  height?: number;
};

const AXIS_TICK = { fontSize: 12, fill: '#334155' };
const BAND = '#64748b';

/**
 * The five cost parts stacked over time, and after them the forecast: its band (shaded) and its
 * central value (dashed). Recharts, loaded lazily; one labelled image to assistive technology.
 */
export default function CostChart({
  label,
  rows,
  formatX,
  formatY,
  formatValue,
  height = 300,
}: CostChartProps) {
  return (
    <div role="img" aria-label={label} className="w-full">
      <ComposedChart
        responsive
        accessibilityLayer={false}
        style={{ width: '100%', height }}
        data={rows as CostChartRow[]}
        margin={{ top: 8, right: 16, bottom: 4, left: 4 }}
      >
        <CartesianGrid strokeDasharray="3 3" stroke="#e2e8f0" />
        <XAxis
          dataKey="t"
          type="number"
          scale="time"
          domain={['dataMin', 'dataMax']}
          tickFormatter={formatX}
          tick={AXIS_TICK}
          minTickGap={32}
        />
        <YAxis width={64} tickFormatter={formatY} tick={AXIS_TICK} domain={[0, 'auto']} />
        <Tooltip
          labelFormatter={(v) => (typeof v === 'number' ? formatX(v) : String(v))}
          formatter={(value) =>
            Array.isArray(value)
              ? value.map((v) => formatValue(Number(v))).join(' – ')
              : typeof value === 'number'
                ? formatValue(value)
                : String(value ?? '—')
          }
        />
        {/* In drawing order (hardware at the bottom of the stack), not alphabetical. */}
        <Legend wrapperStyle={{ fontSize: 12 }} itemSorter={null} />
        {COST_PARTS.map((part) => (
          <Area
            key={part}
            type="linear"
            dataKey={part}
            name={PART_LABELS[part]}
            stackId="parts"
            stroke={PART_COLORS[part]}
            fill={PART_COLORS[part]}
            fillOpacity={0.55}
            isAnimationActive={false}
          />
        ))}
        <Area
          type="linear"
          dataKey="band"
          name="Forecast band"
          stroke="none"
          fill={BAND}
          fillOpacity={0.25}
          isAnimationActive={false}
          connectNulls
        />
        <Line
          type="linear"
          dataKey="expected"
          name="Forecast"
          stroke="#0f172a"
          strokeDasharray="5 4"
          strokeWidth={2}
          dot={false}
          isAnimationActive={false}
          connectNulls
        />
      </ComposedChart>
    </div>
  );
}
