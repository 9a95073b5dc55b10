'use client';

import {
  ESTIMATE_DEFAULTS,
  findAccelerator,
  type JobEstimate,
  type JobEstimateInput,
} from '@wattwise/cost-model';

import { sig } from '../../lib/estimate-params';
import { ownBreakEven, type CloudEstimate } from '../../lib/own-vs-cloud';
import { Explain, weakestLabel, type ExplainInput } from '../explain';
import { Figure } from './figure';

const n = (x: number, unit = '') => `${sig(x)}${unit ? ` ${unit}` : ''}`;

function runRows(e: JobEstimate) {
  const s = e.sources;
  const acc = findAccelerator(e.accelerator.id);
  const count: ExplainInput = { name: 'Accelerators', value: `${e.count} × ${e.accelerator.name}` };
  const durationInputs: ExplainInput[] = [
    ...(e.flops !== null ? [{ name: 'FLOPs', value: n(e.flops), source: s.flops }] : []),
    count,
    ...(e.precision && e.flops !== null
      ? [
          {
            name: `Peak ${e.precision} rate per accelerator`,
            value: n(acc.peakFlops[e.precision] ?? NaN, 'FLOP/s'),
            source: { label: 'rated' as const, note: acc.source.title },
          },
        ]
      : []),
    ...(e.mfu !== null ? [{ name: 'MFU', value: sig(e.mfu, 3), source: s.duration }] : []),
  ];
  const durationFormula =
    e.flops !== null && s.duration.label === 'modelled'
      ? 'hours = FLOPs ÷ (count × peak FLOP/s × MFU) ÷ 3,600; days = hours ÷ 24'
      : 'as given; hours = GPU-hours ÷ count, or days × 24';
  return [
    {
      key: 'days',
      name: 'Duration',
      unit: 'days',
      value: e.days,
      range: { low: e.ranges.hours.low / 24, high: e.ranges.hours.high / 24 },
      explain: {
        formula: durationFormula,
        label: s.duration.label,
        inputs: [
          ...durationInputs,
          { name: 'Duration', value: n(e.hours, 'h'), source: s.duration },
        ],
        notes: 'The range comes from the MFU range (high MFU, short run).',
      },
    },
    {
      key: 'gpuHours',
      name: 'GPU-hours',
      unit: 'GPU-h',
      value: e.gpuHours,
      range: e.ranges.gpuHours,
      explain: {
        formula: 'GPU-hours = hours × count',
        label: s.duration.label,
        inputs: [{ name: 'Hours', value: n(e.hours, 'h'), source: s.duration }, count],
      },
    },
    {
      key: 'mfu',
      name: 'MFU',
      unit: '',
      value: e.mfu,
      range: e.ranges.mfu,
      explain: {
        formula:
          s.duration.label === 'modelled'
            ? 'as given, or the default'
            : 'implied: FLOPs ÷ (count × peak FLOP/s × hours × 3,600)',
        label: e.flops !== null && s.duration.label !== 'modelled' ? 'modelled' : s.duration.label,
        inputs: durationInputs,
        notes: e.precision ? `Against the ${e.precision} peak.` : undefined,
      },
    },
    {
      key: 'powerW',
      name: 'Power per accelerator',
      unit: 'W',
      value: e.powerW,
      range: e.ranges.powerW,
      explain: {
        formula:
          'as given, implied by metered energy, or the catalogue TDP (range down to 60 % of it)',
        label: s.power.label,
        inputs: [{ name: 'Power', value: n(e.powerW, 'W'), source: s.power }],
      },
    },
    {
      key: 'itEnergyKWh',
      name: 'IT energy',
      unit: 'MWh',
      scale: 1000,
      value: e.itEnergyKWh,
      range: e.ranges.itEnergyKWh,
      explain: {
        formula: 'IT kWh = count × power (W) × hours ÷ 1,000',
        label: weakestLabel([s.energy.label, s.power.label, s.duration.label]),
        inputs: [
          count,
          { name: 'Power per accelerator', value: n(e.powerW, 'W'), source: s.power },
          { name: 'Hours', value: n(e.hours, 'h'), source: s.duration },
        ],
        notes: s.energy.note,
      },
    },
    {
      key: 'facilityEnergyKWh',
      name: 'Facility energy',
      unit: 'MWh',
      scale: 1000,
      value: e.facilityEnergyKWh,
      range: e.ranges.facilityEnergyKWh,
      explain: {
        formula: 'facility kWh = IT kWh × PUE',
        label: weakestLabel([s.energy.label, s.pue.label, s.duration.label]),
        inputs: [
          { name: 'IT energy', value: n(e.itEnergyKWh, 'kWh'), source: s.energy },
          { name: 'PUE', value: String(e.pue), source: s.pue },
        ],
      },
    },
    {
      key: 'co2eKg',
      name: 'CO2e',
      unit: 't',
      scale: 1000,
      value: e.co2eKg,
      range: e.ranges.co2eKg,
      explain: {
        formula: 'kgCO2e = facility kWh × grid intensity (kg/kWh); location-based',
        label: weakestLabel([s.energy.label, s.pue.label, s.carbon.label, s.duration.label]),
        inputs: [
          { name: 'Facility energy', value: n(e.facilityEnergyKWh, 'kWh'), source: s.energy },
          { name: 'Grid intensity', value: `${e.gridKgPerKWh} kgCO2e/kWh`, source: s.carbon },
        ],
      },
    },
  ] as const;
}

function costRows(e: JobEstimate, input: JobEstimateInput, rented: boolean) {
  const s = e.sources;
  const cur = e.cost.currency;
  const price = rented ? 0 : (input.pricePerKWh ?? ESTIMATE_DEFAULTS.pricePerKWh.value);
  const rate = e.gpuHours > 0 ? e.cost.hardware / e.gpuHours : 0;
  const opsRate = e.gpuHours > 0 ? e.cost.operations / e.gpuHours : 0;
  const gpuHours: ExplainInput = { name: 'GPU-hours', value: n(e.gpuHours), source: s.duration };
  return [
    {
      key: 'hardware',
      name: rented ? 'Rent' : 'Hardware (amortised)',
      value: e.cost.hardware,
      explain: {
        formula: `GPU-hours × ${rented ? 'rental price' : 'hardware rate'} per GPU-hour`,
        label: weakestLabel([s.hardware.label, s.duration.label]),
        inputs: [gpuHours, { name: 'Rate per GPU-hour', value: n(rate, cur), source: s.hardware }],
      },
    },
    {
      key: 'energy',
      name: 'Energy',
      value: e.cost.energy,
      explain: {
        formula: 'facility kWh × price per kWh',
        label: weakestLabel([s.price.label, s.energy.label, s.pue.label]),
        inputs: [
          { name: 'Facility energy', value: n(e.facilityEnergyKWh, 'kWh'), source: s.energy },
          { name: 'Price', value: `${price} ${cur}/kWh`, source: s.price },
        ],
      },
    },
    {
      key: 'operations',
      name: 'Operations',
      value: e.cost.operations,
      explain: {
        formula: 'GPU-hours × operations rate per GPU-hour',
        label: s.operations.label,
        inputs: [
          gpuHours,
          { name: 'Rate per GPU-hour', value: n(opsRate, cur), source: s.operations },
        ],
      },
    },
    {
      key: 'storage',
      name: 'Storage',
      value: e.cost.storage,
      explain: {
        formula: 'as given for the run',
        label: s.storage.label,
        inputs: [{ name: 'Storage', value: n(e.cost.storage, cur), source: s.storage }],
      },
    },
    {
      key: 'bandwidth',
      name: 'Bandwidth',
      value: e.cost.bandwidth,
      explain: {
        formula: 'as given for the run',
        label: s.bandwidth.label,
        inputs: [{ name: 'Bandwidth', value: n(e.cost.bandwidth, cur), source: s.bandwidth }],
      },
    },
    {
      key: 'total',
      name: 'Total',
      value: e.cost.total,
      explain: {
        formula: 'hardware + energy + operations + storage + bandwidth',
        label: weakestLabel([s.hardware.label, s.price.label, s.energy.label, s.operations.label]),
        inputs: [
          {
            name: rented ? 'Rent' : 'Hardware',
            value: n(e.cost.hardware, cur),
            source: s.hardware,
          },
          { name: 'Energy', value: n(e.cost.energy, cur), source: s.price },
          { name: 'Operations', value: n(e.cost.operations, cur), source: s.operations },
          { name: 'Storage', value: n(e.cost.storage, cur), source: s.storage },
          { name: 'Bandwidth', value: n(e.cost.bandwidth, cur), source: s.bandwidth },
        ],
        notes: rented
          ? undefined
          : `Range ${sig(e.ranges.costTotal.low)} – ${sig(e.ranges.costTotal.high)} ${cur}, from the duration and power ranges.`,
      },
    },
  ] as const;
}

const th = 'px-3 py-2 text-left text-xs font-semibold uppercase tracking-wide text-slate-600';
const td = 'px-3 py-2 text-right align-top';

/** The run (time, energy, CO2e), then its cost owned and rented, side by side. */
export function EstimatorResults({
  estimate,
  input,
  clouds,
  cloud,
  onCloud,
}: {
  estimate: JobEstimate;
  input: JobEstimateInput;
  clouds: readonly CloudEstimate[];
  cloud: CloudEstimate | null;
  onCloud: (id: string) => void;
}) {
  const cur = estimate.cost.currency;
  const own = costRows(estimate, input, false);
  const rent = cloud ? costRows(cloud.estimate, input, true) : null;
  const breakEven = cloud ? ownBreakEven(estimate, cloud) : null;
  return (
    <div className="space-y-6">
      <section
        aria-labelledby="run-heading"
        className="rounded-lg border border-slate-200 bg-white"
      >
        <h2
          id="run-heading"
          className="border-b border-slate-200 px-4 py-3 text-base font-semibold"
        >
          The run: {estimate.count} × {estimate.accelerator.name}
          {estimate.precision ? `, ${estimate.precision}` : ''}
        </h2>
        <table className="w-full text-sm">
          <caption className="sr-only">Time, energy and CO2e of the run, with ranges</caption>
          <thead className="bg-slate-50">
            <tr>
              <th scope="col" className={th}>
                Figure
              </th>
              <th scope="col" className={`${th} text-right`}>
                Estimate (range)
              </th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {runRows(estimate).map((row) => (
              <tr key={row.key}>
                <th scope="row" className="px-3 py-2 text-left font-medium text-slate-800">
                  {row.name}
                  {row.unit ? (
                    <span className="font-normal text-slate-600"> ({row.unit})</span>
                  ) : null}
                </th>
                <td className={td}>
                  <Figure
                    testId={`estimate-${row.key}`}
                    field={row.key}
                    value={row.value}
                    scale={'scale' in row ? row.scale : 1}
                    range={row.range}
                    explain={
                      row.value === null ? null : (
                        <Explain
                          title={row.name}
                          value={`${sig(row.value / ('scale' in row ? row.scale : 1))} ${row.unit}`}
                          {...row.explain}
                        />
                      )
                    }
                  />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>

      <section
        aria-labelledby="cost-heading"
        className="rounded-lg border border-slate-200 bg-white"
      >
        <div className="flex flex-wrap items-end justify-between gap-3 border-b border-slate-200 px-4 py-3">
          <h2 id="cost-heading" className="text-base font-semibold">
            Owning or renting ({cur})
          </h2>
          {clouds.length > 0 && cloud && (
            <label className="flex w-full min-w-0 flex-wrap items-center gap-2 text-sm sm:w-auto">
              <span className="font-medium text-slate-800">Cloud offer</span>
              <select
                value={cloud.id}
                onChange={(e) => onCloud(e.target.value)}
                className="w-full min-w-0 max-w-full rounded border border-slate-400 bg-white px-2 py-1 text-sm sm:w-auto"
              >
                {clouds.map((c) => (
                  <option key={c.id} value={c.id}>
                    {c.offer.provider} {c.offer.instance} — {sig(c.perGpuHour)} USD/GPU-h
                  </option>
                ))}
              </select>
            </label>
          )}
        </div>
        <div className="overflow-x-auto">
          <table className="w-full text-sm">
            <caption className="sr-only">
              Cost of the run by part, owning the accelerators and renting them
            </caption>
            <thead className="bg-slate-50">
              <tr>
                <th scope="col" className={th}>
                  Part
                </th>
                <th scope="col" className={`${th} text-right`}>
                  Owning
                </th>
                <th scope="col" className={`${th} text-right`}>
                  {cloud ? `Renting (${cloud.offer.provider})` : 'Renting'}
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {own.map((row, i) => {
                const r = rent?.[i];
                const total = row.key === 'total';
                return (
                  <tr key={row.key} className={total ? 'bg-slate-50 font-semibold' : undefined}>
                    <th scope="row" className="px-3 py-2 text-left font-medium text-slate-800">
                      {row.name}
                      {r && r.name !== row.name ? (
                        <span className="font-normal text-slate-600">
                          {' '}
                          / {r.name.toLowerCase()}
                        </span>
                      ) : null}
                    </th>
                    <td className={td}>
                      <Figure
                        testId={`estimate-cost-${row.key}`}
                        field={`cost.${row.key}`}
                        value={row.value}
                        range={total ? estimate.ranges.costTotal : null}
                        explain={
                          <Explain
                            title={`${row.name}, owning`}
                            value={`${sig(row.value)} ${cur}`}
                            {...row.explain}
                          />
                        }
                      />
                    </td>
                    <td className={td}>
                      {r ? (
                        <Figure
                          testId={`cloud-cost-${row.key}`}
                          field={`cost.${row.key}`}
                          value={r.value}
                          explain={
                            <Explain
                              title={`${r.name}, renting`}
                              value={`${sig(r.value)} ${cur}`}
                              {...r.explain}
                            />
                          }
                        />
                      ) : (
                        <span className="text-slate-600">—</span>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
        <div className="space-y-1 border-t border-slate-200 px-4 py-3 text-sm text-slate-700">
          {cloud ? (
            <>
              <p>
                Renting: {cloud.offer.provider} {cloud.offer.instance} ({cloud.offer.region}),
                on-demand {cloud.offer.usdPerHour} USD per hour for {cloud.offer.gpus} GPU
                {cloud.offer.gpus > 1 ? 's' : ''}, as of {cloud.offer.asOf}; energy and operations
                are in the price. {cloud.offer.note ?? ''}
              </p>
              <p>
                <span>
                  Owning a fleet of these costs less than renting above{' '}
                  <strong
                    data-testid="break-even-utilisation"
                    data-value={breakEven === null ? '' : String(breakEven)}
                  >
                    {breakEven === null
                      ? 'no utilisation (renting is always cheaper)'
                      : `${sig(breakEven * 100, 3)} % utilisation`}
                  </strong>
                  .
                </span>{' '}
                <Explain
                  title="Break-even utilisation"
                  value={breakEven === null ? 'none' : `${sig(breakEven * 100, 3)} %`}
                  formula="u = owned fixed cost per GPU-hour ÷ (cloud price − owned energy cost per busy GPU-hour); cost-model breakEvenUtilisation"
                  label="modelled"
                  inputs={[
                    {
                      name: 'Owned fixed per GPU-hour (hardware + operations)',
                      value: `${sig((estimate.cost.hardware + estimate.cost.operations) / estimate.gpuHours)} ${cur}`,
                      source: estimate.sources.hardware,
                    },
                    {
                      name: 'Owned energy per busy GPU-hour',
                      value: `${sig(estimate.cost.energy / estimate.gpuHours)} ${cur}`,
                      source: estimate.sources.price,
                    },
                    {
                      name: 'Cloud price per GPU-hour',
                      value: `${sig(cloud.perGpuHour)} USD`,
                      source: cloud.estimate.sources.hardware,
                    },
                  ]}
                />
              </p>
            </>
          ) : (
            <p>
              {cur !== 'USD'
                ? 'The cloud catalogue is in USD only.'
                : `No cloud offer for ${estimate.accelerator.name} in cost-model's catalogue.`}
            </p>
          )}
        </div>
      </section>
    </div>
  );
}
