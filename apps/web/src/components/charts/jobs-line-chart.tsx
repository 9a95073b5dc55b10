'use client';

import { CartesianGrid, Legend, Line, LineChart, Tooltip, XAxis, YAxis } from 'recharts';

export type ChartSeries = {
  key: string;
  name: string;
  color: string;
  dashed?: boolean;
  /** Which y axis: the left one (default) or a second one on the right. */
  axis?: 'left' | 'right';
};

export type JobsLineChartProps = {
  /** What the chart shows, for screen readers (the table alternative carries the numbers). */
  label: string;
  data: readonly Record<string, number | string | null>[];
  xKey: string;
  formatX: (value: number) => string;
  series: readonly ChartSeries[];
  yLabel: string;
  formatY?: (value: number) => string;
  yDomain?: [number, number];
  rightLabel?: string;
  formatRight?: (value: number) => string;
  rightDomain?: [number, number];
  height?: number;
};

const AXIS_TICK = { fontSize: 12, fill: '#334155' };

/**
 * A line chart of a job's series over time (Recharts, loaded lazily). It is one image to
 * assistive technology, labelled; every chart on the job page has a table beside it.
 */
export default function JobsLineChart({
  label,
  data,
  xKey,
  formatX,
  series,
  yLabel,
  formatY,
  yDomain,
  rightLabel,
  formatRight,
  rightDomain,
  height = 260,
}: JobsLineChartProps) {
  const hasRight = series.some((s) => s.axis === 'right');
  return (
    <div role="img" aria-label={label} className="w-full">
      <LineChart
        responsive
        accessibilityLayer={false}
        style={{ width: '100%', height }}
        data={data as Record<string, number | string | null>[]}
        margin={{ top: 8, right: hasRight ? 4 : 16, bottom: 4, left: 4 }}
      >
        <CartesianGrid strokeDasharray="3 3" stroke="#e2e8f0" />
        <XAxis
          dataKey={xKey}
          type="number"
          domain={['dataMin', 'dataMax']}
          tickFormatter={formatX}
          tick={AXIS_TICK}
          minTickGap={24}
        />
        <YAxis
          yAxisId="left"
          width={56}
          domain={yDomain ?? [0, 'auto']}
          tickFormatter={formatY}
          tick={AXIS_TICK}
          label={{
            value: yLabel,
            angle: -90,
            position: 'insideLeft',
            style: { ...AXIS_TICK, textAnchor: 'middle' },
          }}
        />
        {hasRight && (
          <YAxis
            yAxisId="right"
            orientation="right"
            width={56}
            domain={rightDomain ?? [0, 'auto']}
            tickFormatter={formatRight}
            tick={AXIS_TICK}
            label={{
              value: rightLabel,
              angle: 90,
              position: 'insideRight',
              style: { ...AXIS_TICK, textAnchor: 'middle' },
            }}
          />
        )}
        <Tooltip
          labelFormatter={(v) => (typeof v === 'number' ? formatX(v) : String(v))}
          formatter={(value, _name, item) => {
            if (typeof value !== 'number') return String(value ?? '—');
            const right = series.find((s) => s.key === item.dataKey)?.axis === 'right';
            const f = right ? formatRight : formatY;
            return f ? f(value) : value;
          }}
        />
        <Legend wrapperStyle={{ fontSize: 12 }} />
        {series.map((s) => (
          <Line
            key={s.key}
            yAxisId={s.axis ?? 'left'}
            type="monotone"
            dataKey={s.key}
            name={s.name}
            stroke={s.color}
            strokeWidth={2}
            strokeDasharray={s.dashed ? '5 4' : undefined}
            dot={false}
            connectNulls
            isAnimationActive={false}
          />
        ))}
      </LineChart>
    </div>
  );
}
