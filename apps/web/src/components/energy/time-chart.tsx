'use client';

import {
  Area,
  CartesianGrid,
  ComposedChart,
  Legend,
  Line,
  ReferenceArea,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';

export type TimeChartSeries = {
  key: string;
  name: string;
  color: string;
  /** `area` fills to zero (stacked with others of the same `stack`); `band` fills between [low, high]. */
  kind: 'area' | 'line' | 'band';
  axis?: 'left' | 'right';
  dashed?: boolean;
  /** Hold each value to the next point (prices are per hour or day, not a curve). */
  step?: boolean;
  stack?: string;
};

export type TimeChartProps = {
  /** What the chart shows, for screen readers (the table beside it carries the numbers). */
  label: string;
  data: readonly Record<string, number | [number, number] | null>[];
  formatX: (ms: number) => string;
  series: readonly TimeChartSeries[];
  leftLabel: string;
  formatLeft: (v: number) => string;
  rightLabel?: string;
  formatRight?: (v: number) => string;
  /** A shaded span with a caption, e.g. the forecast hours. */
  shade?: { from: number; to: number; label: string } | null;
  height?: number;
};

const AXIS_TICK = { fontSize: 12, fill: '#334155' };

/**
 * Series on one time axis with up to two y axes (Recharts, loaded lazily): the price band under the
 * carbon line, or active and idle power under PUE. One labelled image to assistive technology.
 */
export default function TimeChart({
  label,
  data,
  formatX,
  series,
  leftLabel,
  formatLeft,
  rightLabel,
  formatRight,
  shade,
  height = 300,
}: TimeChartProps) {
  const hasRight = series.some((s) => s.axis === 'right');
  const formatFor = (key: unknown) =>
    series.find((s) => s.key === key)?.axis === 'right' ? formatRight : formatLeft;
  return (
    <div role="img" aria-label={label} className="w-full">
      <ComposedChart
        responsive
        accessibilityLayer={false}
        style={{ width: '100%', height }}
        data={data as Record<string, number | [number, number] | null>[]}
        margin={{ top: 8, right: hasRight ? 4 : 16, bottom: 4, left: 4 }}
      >
        <CartesianGrid strokeDasharray="3 3" stroke="#e2e8f0" />
        <XAxis
          dataKey="t"
          type="number"
          scale="time"
          domain={['dataMin', 'dataMax']}
          tickFormatter={formatX}
          tick={AXIS_TICK}
          minTickGap={40}
        />
        <YAxis
          yAxisId="left"
          width={64}
          tickFormatter={formatLeft}
          tick={AXIS_TICK}
          label={{
            value: leftLabel,
            angle: -90,
            position: 'insideLeft',
            style: { ...AXIS_TICK, textAnchor: 'middle' },
          }}
        />
        {hasRight && (
          <YAxis
            yAxisId="right"
            orientation="right"
            width={64}
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
        {shade && (
          <ReferenceArea
            yAxisId="left"
            x1={shade.from}
            x2={shade.to}
            fill="#e2e8f0"
            fillOpacity={0.6}
            label={{ value: shade.label, position: 'insideTop', fontSize: 12, fill: '#334155' }}
          />
        )}
        <Tooltip
          labelFormatter={(v) => (typeof v === 'number' ? formatX(v) : String(v))}
          formatter={(value, _name, item) => {
            const f = formatFor(item.dataKey);
            if (Array.isArray(value))
              return value.map((v) => (f ? f(Number(v)) : String(v))).join(' – ');
            if (typeof value !== 'number') return String(value ?? '—');
            return f ? f(value) : value;
          }}
        />
        <Legend wrapperStyle={{ fontSize: 12 }} />
        {series.map((s) =>
          s.kind === 'line' ? (
            <Line
              key={s.key}
              yAxisId={s.axis ?? 'left'}
              type={s.step ? 'stepAfter' : 'linear'}
              dataKey={s.key}
              name={s.name}
              stroke={s.color}
              strokeWidth={2}
              strokeDasharray={s.dashed ? '5 4' : undefined}
              dot={false}
              isAnimationActive={false}
            />
          ) : (
            <Area
              key={s.key}
              yAxisId={s.axis ?? 'left'}
              type={s.step ? 'stepAfter' : 'linear'}
              dataKey={s.key}
              name={s.name}
              stackId={s.stack}
              stroke={s.color}
              strokeDasharray={s.dashed ? '5 4' : undefined}
              fill={s.color}
              fillOpacity={s.kind === 'band' ? 0.18 : 0.3}
              strokeWidth={s.kind === 'band' ? 0 : 1.5}
              isAnimationActive={false}
            />
          ),
        )}
      </ComposedChart>
    </div>
  );
}
