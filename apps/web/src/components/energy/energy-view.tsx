'use client';

import { useMemo } from 'react';

import {
  STATUS_TEXT,
  cellName,
  energyChartRows,
  formatCarbon,
  formatPrice,
  lowestCell,
  timeFormatter,
  type GridPoint,
  type ValueStatus,
} from '../../lib/energy-view';
import { downloadCsv, toCsv } from '../../lib/facility-csv';
import { useFacilityEnergy, type EnergyData } from '../../lib/facility-queries';
import { useFacilityUrlState } from '../../lib/facility-url-state';
import { windowPeriod } from '../../lib/facility-window';
import { formatEnergy, formatNumber, formatPercent } from '../../lib/format';
import { describeError } from '../../lib/trpc';
import { JobsDataTable, type DataColumn } from '../charts/jobs-data-table';
import { Explain, type ProvenanceLabel } from '../explain';
import { CsvButton, FacilityToolbar, Segmented, Stat } from '../facility/facility-toolbar';
import { HeatmapTable } from './heatmap-table';
import { LazyTimeChart } from './time-chart-lazy';

/** Hours after now the page asks for: the day-ahead forecast. */
const FORECAST_HOURS = 24;
const PRICE_COLOUR = '#0369a1';
const CARBON_COLOUR = '#15803d';

type Usage = NonNullable<EnergyData['usage']>;
type UsagePoint = Usage['points'][number];

/** How many points of each status, e.g. "696 estimated, 24 forecast". */
function statusCounts(points: readonly GridPoint[], key: 'priceStatus' | 'carbonStatus'): string {
  const counts = new Map<ValueStatus, number>();
  for (const p of points) counts.set(p[key], (counts.get(p[key]) ?? 0) + 1);
  return [...counts].map(([s, n]) => `${n} ${STATUS_TEXT[s]}`).join(', ');
}

export function EnergyView() {
  const { window, site, tz, update } = useFacilityUrlState();
  const period = useMemo(() => windowPeriod(window, Date.now(), FORECAST_HOURS), [window]);
  const query = useFacilityEnergy({ ...period, ...(site ? { siteId: site } : {}) });
  const data = query.data;

  return (
    <div className="space-y-6">
      <FacilityToolbar
        idPrefix="energy"
        window={window}
        onWindowChange={(w) => update({ window: w })}
        sites={data?.sites}
        site={data?.site?.id ?? site}
        onSiteChange={(id) => update({ site: id })}
      >
        <Segmented
          legend="Times in"
          name="energy-tz"
          value={tz}
          options={[
            { value: 'utc', label: 'UTC' },
            {
              value: 'site',
              label: data?.site ? `Site time (${data.site.timezone})` : 'Site time',
            },
          ]}
          onChange={(v) => update({ tz: v })}
        />
      </FacilityToolbar>
      {query.error && (
        <p role="alert" className="text-sm text-red-800">
          Could not load the energy data: {describeError(query.error).message}
        </p>
      )}
      {!data && !query.error && <p className="text-sm text-slate-700">Loading energy data…</p>}
      {data && !data.site && (
        <p className="text-sm text-slate-700">
          No site is configured yet: there is no grid, tariff or usage to show.
        </p>
      )}
      {data?.site && <EnergyBody data={data} tz={tz} loading={query.isPlaceholderData} />}
    </div>
  );
}

function EnergyBody({
  data,
  tz,
  loading,
}: {
  data: EnergyData;
  tz: 'utc' | 'site';
  loading: boolean;
}) {
  const site = data.site!;
  const zone = tz === 'site' ? site.timezone : 'UTC';
  const zoneName = tz === 'site' ? site.timezone : 'UTC';
  const fmt = timeFormatter(zone, data.resolution);
  const fmtHour = timeFormatter(zone, 'hour');
  const { rows, forecastFrom } = useMemo(
    () => energyChartRows(data.points, data.resolution),
    [data.points, data.resolution],
  );
  const map = tz === 'site' ? (data.heatmap?.local ?? null) : (data.heatmap?.utc ?? null);
  const cheapest = lowestCell(map, 'price');
  const cleanest = lowestCell(map, 'carbon');
  const currency = data.currency;
  const sources = data.sources!;
  const forecastHours = data.points.filter(
    (p) => p.priceStatus === 'forecast' || p.carbonStatus === 'forecast',
  ).length;
  const daily = data.resolution === 'day';
  const span = `${fmt(Date.parse(data.window.from))} to ${fmt(Date.parse(data.window.to) - (daily ? 1 : 3_600_000))}`;
  const fileBase = `wattwise-energy-${site.name}-${data.window.from.slice(0, 10)}-to-${data.window.to.slice(0, 10)}`;

  const saveSeries = () => {
    const usage = new Map((data.usage?.points ?? []).map((u) => [u.t, u]));
    const header = [
      'start_utc',
      'hours',
      `price_${currency}_per_kwh`,
      'price_min',
      'price_max',
      'price_basis',
      'carbon_kg_per_kwh',
      'carbon_min',
      'carbon_max',
      'carbon_basis',
      ...(data.usage
        ? ['it_kwh', 'jobs_it_kwh', 'idle_it_kwh', 'facility_kwh', 'pue', 'active_kw', 'idle_kw']
        : []),
    ];
    const body = data.points.map((p) => {
      const u = usage.get(p.t);
      return [
        p.t,
        p.hours,
        p.price,
        p.priceMin,
        p.priceMax,
        p.priceStatus,
        p.carbon,
        p.carbonMin,
        p.carbonMax,
        p.carbonStatus,
        ...(data.usage
          ? [u?.itKWh, u?.jobsItKWh, u?.idleItKWh, u?.facilityKWh, u?.pue, u?.activeKW, u?.idleKW]
          : []),
      ];
    });
    downloadCsv(`${fileBase}.csv`, toCsv(header, body));
  };
  const saveHeatmap = () => {
    if (!map) return;
    downloadCsv(
      `${fileBase}-hours-${tz === 'site' ? 'site-time' : 'utc'}.csv`,
      toCsv(
        [
          'time_zone',
          'weekday',
          'hour',
          `mean_price_${currency}_per_kwh`,
          'price_hours',
          'cheapest',
          'mean_carbon_kg_per_kwh',
          'carbon_hours',
          'cleanest',
        ],
        map.cells.map((c) => [
          map.timeZone,
          c.weekday,
          c.hour,
          c.price,
          c.priceHours,
          c.cheapest,
          c.carbon,
          c.carbonHours,
          c.cleanest,
        ]),
      ),
    );
  };

  const seriesColumns: DataColumn<GridPoint>[] = [
    {
      key: 't',
      header: daily ? 'Day (UTC)' : `Hour (${zoneName})`,
      cell: (p) => fmt(Date.parse(p.t)),
    },
    { key: 'price', header: `Price ${currency}/kWh`, numeric: true, cell: (p) => num(p.price, 4) },
    ...(daily
      ? [
          {
            key: 'range',
            header: 'Price range',
            numeric: true,
            cell: (p: GridPoint) => `${num(p.priceMin, 3)}–${num(p.priceMax, 3)}`,
          },
        ]
      : []),
    { key: 'ps', header: 'Price basis', cell: (p) => STATUS_TEXT[p.priceStatus] },
    {
      key: 'carbon',
      header: 'Carbon g/kWh',
      numeric: true,
      cell: (p) => (p.carbon === null ? '—' : formatNumber(p.carbon * 1000, 4)),
    },
    { key: 'cs', header: 'Carbon basis', cell: (p) => STATUS_TEXT[p.carbonStatus] },
  ];

  return (
    <div className={`space-y-6 ${loading ? 'opacity-60' : ''}`} aria-busy={loading}>
      <p className="text-sm text-slate-700">
        <span className="font-medium">{site.name}</span>
        {sources.zone ? ` on the ${sources.zone} grid` : ''}: {span} ({zoneName})
        {daily ? ', daily means of UTC days' : ', hour by hour'}
        {forecastHours > 0
          ? `, with the next ${forecastHours} ${daily ? 'days' : 'hours'} forecast`
          : ''}
        .
      </p>
      <dl className="grid grid-cols-2 gap-3 lg:grid-cols-3 xl:grid-cols-6">
        <Stat
          label="Mean price"
          testId="energy-mean-price"
          value={formatPrice(data.summary?.price?.mean ?? null, currency)}
          explain={
            data.summary?.price && (
              <Explain
                title="Mean price"
                value={formatPrice(data.summary.price.mean, currency)}
                formula="Σ hourly price ÷ hours, over the hours of the window that have begun (forecast hours left out)"
                label={sources.price.label}
                inputs={[
                  { name: 'Hours', value: data.summary.price.hours },
                  {
                    name: 'Lowest',
                    value: `${formatPrice(data.summary.price.min, currency)} at ${fmtHour(Date.parse(data.summary.price.minAt))}`,
                  },
                  {
                    name: 'Highest',
                    value: `${formatPrice(data.summary.price.max, currency)} at ${fmtHour(Date.parse(data.summary.price.maxAt))}`,
                  },
                  {
                    name: `Price per hour (${sources.price.kind})`,
                    value: statusCounts(data.points, 'priceStatus'),
                    source: { label: sources.price.label, note: sources.price.note },
                  },
                ]}
                notes="The same prices the site's bills use for these hours."
              />
            )
          }
        />
        <Stat
          label="Mean grid carbon"
          testId="energy-mean-carbon"
          value={formatCarbon(data.summary?.carbon?.mean ?? null)}
          explain={
            data.summary?.carbon && (
              <Explain
                title="Mean grid carbon"
                value={formatCarbon(data.summary.carbon.mean)}
                formula="Σ hourly grid intensity ÷ hours, over the hours of the window that have begun (location-based, direct emissions)"
                label={sources.carbon.label}
                inputs={[
                  { name: 'Hours', value: data.summary.carbon.hours },
                  {
                    name: 'Lowest',
                    value: `${formatCarbon(data.summary.carbon.min)} at ${fmtHour(Date.parse(data.summary.carbon.minAt))}`,
                  },
                  {
                    name: 'Highest',
                    value: `${formatCarbon(data.summary.carbon.max)} at ${fmtHour(Date.parse(data.summary.carbon.maxAt))}`,
                  },
                  {
                    name: 'Intensity per hour',
                    value: statusCounts(data.points, 'carbonStatus'),
                    source: { label: sources.carbon.label, note: sources.carbon.note },
                  },
                ]}
              />
            )
          }
        />
        <BestHourStat
          label="Cheapest hour"
          cell={cheapest}
          measure="price"
          zone={zoneName}
          shown={cheapest ? formatPrice(cheapest.price, currency) : '—'}
          source={sources.price}
        />
        <BestHourStat
          label="Cleanest hour"
          cell={cleanest}
          measure="carbon"
          zone={zoneName}
          shown={cleanest ? formatCarbon(cleanest.carbon) : '—'}
          source={sources.carbon}
        />
        {data.usage && data.usage.totals.hours > 0 && <UsageStats usage={data.usage} />}
      </dl>

      <section
        aria-labelledby="grid-heading"
        className="space-y-3 rounded-lg border border-slate-200 bg-white p-4"
      >
        <div className="flex flex-wrap items-center justify-between gap-3">
          <h2 id="grid-heading" className="text-base font-semibold">
            Grid price and carbon intensity
          </h2>
          <CsvButton label="Download CSV (series)" onClick={saveSeries} />
        </div>
        <p className="text-sm text-slate-700">
          Price ({sources.price.kind}): {statusCounts(data.points, 'priceStatus')}. Carbon:{' '}
          {statusCounts(data.points, 'carbonStatus')}.{' '}
          {sources.carbon.kind === 'hourly' &&
            `Past hours repeat the recorded ${sources.recordedYear} series in 52-week steps: estimates for this year, not measurements. `}
          Dashed lines after the shaded line are forecasts.
        </p>
        <div data-testid="energy-grid-chart">
          <LazyTimeChart
            label={`Grid price in ${currency} per kWh (${daily ? 'daily mean with the day’s range' : 'hourly'}) and carbon intensity in grams CO2e per kWh for ${site.name}, ${span}${forecastHours ? `; the last ${forecastHours} ${daily ? 'days' : 'hours'} are a forecast` : ''}. The table below lists every value.`}
            data={rows}
            formatX={fmt}
            leftLabel={`${currency}/kWh`}
            formatLeft={(v) => formatNumber(v, 3)}
            rightLabel="g CO2e/kWh"
            formatRight={(v) => formatNumber(v, 3)}
            shade={
              forecastFrom !== null
                ? { from: forecastFrom, to: rows.at(-1)!.t, label: 'forecast' }
                : null
            }
            series={[
              ...(daily
                ? [
                    {
                      key: 'priceBand',
                      name: 'Price range in the day',
                      color: PRICE_COLOUR,
                      kind: 'band' as const,
                    },
                  ]
                : []),
              {
                key: 'price',
                name: `Price ${currency}/kWh`,
                color: PRICE_COLOUR,
                kind: daily ? ('line' as const) : ('area' as const),
                step: true,
              },
              {
                key: 'priceForecast',
                name: 'Price forecast',
                color: PRICE_COLOUR,
                kind: 'line',
                step: true,
                dashed: true,
              },
              {
                key: 'carbon',
                name: 'Carbon g/kWh',
                color: CARBON_COLOUR,
                kind: 'line',
                axis: 'right',
              },
              {
                key: 'carbonForecast',
                name: 'Carbon forecast',
                color: CARBON_COLOUR,
                kind: 'line',
                axis: 'right',
                dashed: true,
              },
            ]}
          />
        </div>
        <JobsDataTable
          caption={`Grid price and carbon, ${daily ? 'day' : 'hour'} by ${daily ? 'day' : 'hour'} (table of the chart)`}
          columns={seriesColumns}
          rows={data.points}
          rowKey={(p) => p.t}
          maxHeight={240}
        />
      </section>

      <UsageSection usage={data.usage} fmt={fmt} daily={daily} zoneName={zoneName} span={span} />

      <section
        aria-labelledby="heatmap-heading"
        className="space-y-4 rounded-lg border border-slate-200 bg-white p-4"
      >
        <div className="flex flex-wrap items-center justify-between gap-3">
          <h2 id="heatmap-heading" className="text-base font-semibold">
            Cheapest and cleanest hours ({zoneName})
          </h2>
          <CsvButton label="Download CSV (hours of the week)" onClick={saveHeatmap} />
        </div>
        <p className="text-sm text-slate-700">
          The mean of every hour of the window that has begun, by weekday and hour of the day in{' '}
          {zoneName}. Work that can wait is cheapest and cleanest in the starred hours.
        </p>
        {map ? (
          <>
            <h3 className="text-sm font-semibold">Price, {currency} per MWh</h3>
            <HeatmapTable
              map={map}
              measure="price"
              caption={`Mean price by weekday and hour, ${currency} per MWh`}
              unit={`${currency}/MWh`}
              format={(v) => formatNumber(v * 1000, 3)}
              testId="heatmap-price"
            />
            <h3 className="text-sm font-semibold">Grid carbon intensity, g CO2e per kWh</h3>
            <HeatmapTable
              map={map}
              measure="carbon"
              caption="Mean grid carbon intensity by weekday and hour, g CO2e per kWh"
              unit="g/kWh"
              format={(v) => formatNumber(v * 1000, 3)}
              testId="heatmap-carbon"
            />
          </>
        ) : (
          <p className="text-sm text-slate-700">No hour of this window has begun yet.</p>
        )}
      </section>
    </div>
  );
}

const num = (v: number | null, digits: number) => (v === null ? '—' : formatNumber(v, digits));

function BestHourStat({
  label,
  cell,
  measure,
  zone,
  shown,
  source,
}: {
  label: string;
  cell: ReturnType<typeof lowestCell>;
  measure: 'price' | 'carbon';
  zone: string;
  shown: string;
  source: { label: ProvenanceLabel; note: string };
}) {
  return (
    <Stat
      label={label}
      testId={`energy-${measure === 'price' ? 'cheapest' : 'cleanest'}-hour`}
      value={cell ? cellName(cell) : '—'}
      detail={cell ? `${shown} on average (${zone})` : undefined}
      explain={
        cell && (
          <Explain
            title={label}
            value={`${cellName(cell)}: ${shown}`}
            formula={`the weekday and hour (${zone}) whose mean ${measure === 'price' ? 'price' : 'grid intensity'} over the window is lowest`}
            label={source.label}
            inputs={[
              {
                name: 'Hours averaged',
                value: measure === 'price' ? cell.priceHours : cell.carbonHours,
              },
              { name: 'Hourly values', value: measure, source },
            ]}
          />
        )
      }
    />
  );
}

function UsageStats({ usage }: { usage: Usage }) {
  const t = usage.totals;
  const label: ProvenanceLabel =
    t.hours > 0 && t.meteredHours === t.hours ? 'measured' : 'modelled';
  const basis = {
    label,
    note: `${t.meteredHours} of ${t.hours} hours metered by workers; the rest simulated from loaded history`,
  };
  const idleShare = t.itKWh > 0 ? t.idleItKWh / t.itKWh : null;
  return (
    <>
      <Stat
        label="PUE"
        testId="energy-pue"
        value={t.pue === null ? '—' : formatNumber(t.pue, 3)}
        explain={
          t.pue !== null && (
            <Explain
              title="PUE"
              value={formatNumber(t.pue, 4)}
              formula="Σ facility kWh ÷ Σ IT kWh over the usage hours of the window"
              label={label}
              inputs={[
                { name: 'Facility energy', value: formatEnergy(t.facilityKWh), source: basis },
                { name: 'IT energy', value: formatEnergy(t.itKWh), source: basis },
              ]}
            />
          )
        }
      />
      <Stat
        label="Idle share of IT power"
        testId="energy-idle-share"
        value={formatPercent(idleShare)}
        detail={`${formatEnergy(t.idleItKWh)} of ${formatEnergy(t.itKWh)}`}
        explain={
          idleShare !== null && (
            <Explain
              title="Idle share of IT power"
              value={formatPercent(idleShare)}
              formula="(IT kWh − jobs' IT kWh) ÷ IT kWh: what the IT equipment drew with no job to show for it"
              label={label}
              inputs={[
                { name: 'IT energy', value: formatEnergy(t.itKWh), source: basis },
                { name: "Jobs' IT energy", value: formatEnergy(t.jobsItKWh), source: basis },
              ]}
            />
          )
        }
      />
    </>
  );
}

function UsageSection({
  usage,
  fmt,
  daily,
  zoneName,
  span,
}: {
  usage: EnergyData['usage'];
  fmt: (ms: number) => string;
  daily: boolean;
  zoneName: string;
  span: string;
}) {
  const rows = useMemo(
    () =>
      (usage?.points ?? []).map((u) => ({
        t: Date.parse(u.t),
        activeKW: u.activeKW,
        idleKW: u.idleKW,
        pue: u.pue,
      })),
    [usage],
  );
  const columns: DataColumn<UsagePoint>[] = [
    {
      key: 't',
      header: daily ? 'Day (UTC)' : `Hour (${zoneName})`,
      cell: (u) => fmt(Date.parse(u.t)),
    },
    { key: 'pue', header: 'PUE', numeric: true, cell: (u) => num(u.pue, 3) },
    { key: 'active', header: 'Active kW', numeric: true, cell: (u) => formatNumber(u.activeKW, 4) },
    { key: 'idle', header: 'Idle kW', numeric: true, cell: (u) => formatNumber(u.idleKW, 4) },
    { key: 'it', header: 'IT kWh', numeric: true, cell: (u) => formatNumber(u.itKWh, 4) },
    {
      key: 'fac',
      header: 'Facility kWh',
      numeric: true,
      cell: (u) => formatNumber(u.facilityKWh, 4),
    },
    {
      key: 'src',
      header: 'Metered hours',
      numeric: true,
      cell: (u) => `${u.meteredHours}/${u.hours}`,
    },
  ];
  return (
    <section
      aria-labelledby="usage-heading"
      className="space-y-3 rounded-lg border border-slate-200 bg-white p-4"
    >
      <h2 id="usage-heading" className="text-base font-semibold">
        PUE and active against idle IT power
      </h2>
      {usage === null ? (
        <p className="text-sm text-slate-700">
          The facility&apos;s own energy is shown to administrators; your team&apos;s energy is on
          its jobs&apos; bills.
        </p>
      ) : usage.points.length === 0 ? (
        <p className="text-sm text-slate-700">No usage is recorded for this site in this window.</p>
      ) : (
        <>
          <p className="text-sm text-slate-700">
            Active: the IT power jobs drew; idle: the rest of the IT power (
            {formatPercent(
              usage.totals.itKWh > 0 ? usage.totals.idleItKWh / usage.totals.itKWh : null,
            )}{' '}
            over the window). PUE on the right axis.
          </p>
          <div data-testid="energy-usage-chart">
            <LazyTimeChart
              label={`Active and idle IT power in kW, stacked, with PUE on the right axis, ${daily ? 'daily means' : 'hourly'}, ${span}. The table below lists every value.`}
              data={rows}
              formatX={fmt}
              leftLabel="IT power kW"
              formatLeft={(v) => formatNumber(v, 3)}
              rightLabel="PUE"
              formatRight={(v) => formatNumber(v, 3)}
              series={[
                {
                  key: 'activeKW',
                  name: 'Active (jobs) kW',
                  color: '#1d4ed8',
                  kind: 'area',
                  stack: 'power',
                },
                { key: 'idleKW', name: 'Idle kW', color: '#64748b', kind: 'area', stack: 'power' },
                { key: 'pue', name: 'PUE', color: '#c2410c', kind: 'line', axis: 'right' },
              ]}
            />
          </div>
          <JobsDataTable
            caption="PUE and IT power (table of the chart)"
            columns={columns}
            rows={usage.points}
            rowKey={(u) => u.t}
            maxHeight={240}
          />
        </>
      )}
    </section>
  );
}
