import {
  ACCELERATORS,
  CLOUD_OFFERS,
  ESTIMATE_DEFAULTS,
  GRID_ZONES,
  amortisedCostPerHour,
  cloudPricePerGpuHour,
  defaultPrecision,
  findAccelerator,
  type Reference,
} from '@wattwise/cost-model';
import type { Metadata } from 'next';
import Link from 'next/link';
import type { ReactNode } from 'react';

import { Explain } from '../../components/explain';
import { sig } from '../../lib/estimate-params';

export const metadata: Metadata = { title: 'Methodology' };

const LIFE = ESTIMATE_DEFAULTS.hardwareLifeYears;
const th = 'px-3 py-2 text-left text-xs font-semibold uppercase tracking-wide text-slate-600';
const thNum = `${th} text-right`;
const td = 'px-3 py-2 align-top';
const tdNum = `${td} text-right tabular-nums`;

function Ref({ source }: { source: Reference }) {
  return (
    <>
      {source.url ? (
        <a
          href={source.url}
          className="text-brand-700 underline underline-offset-2"
          rel="noreferrer"
        >
          {source.title}
        </a>
      ) : (
        source.title
      )}{' '}
      <span className="whitespace-nowrap text-slate-600">({source.date})</span>
    </>
  );
}

function Section({ id, title, children }: { id: string; title: string; children: ReactNode }) {
  return (
    <section aria-labelledby={id} className="rounded-lg border border-slate-200 bg-white p-5">
      <h2 id={id} className="text-lg font-semibold">
        {title}
      </h2>
      <div className="mt-3 space-y-3 text-sm text-slate-800">{children}</div>
    </section>
  );
}

/** Distinct notes as numbered footnotes, so long "estimate: …" bases are not repeated on every row. */
function footnotes(texts: readonly string[]) {
  const list = [...new Set(texts)];
  return { list, mark: (t: string) => list.indexOf(t) + 1 };
}

const TERA = 1e12;

export default function MethodologyPage() {
  const idle = footnotes(ACCELERATORS.map((a) => a.idle.basis));
  const price = footnotes(ACCELERATORS.flatMap((a) => (a.listPrice ? [a.listPrice.basis] : [])));
  const d = ESTIMATE_DEFAULTS;

  return (
    <div className="max-w-6xl space-y-6">
      <div>
        <h1 className="text-2xl font-semibold">Methodology</h1>
        <p className="mt-1 max-w-3xl text-slate-700">
          Where the numbers come from: the price sheets, emission factors and defaults that
          @wattwise/cost-model ships, and how a bill is computed. Every figure is labelled{' '}
          <strong>measured</strong> (read from a meter or a log), <strong>modelled</strong>{' '}
          (computed from a model and assumptions) or <strong>rated</strong> (a datasheet or
          price-list figure taken as is); purchase prices no vendor publishes are{' '}
          <strong>reported estimates</strong>.
        </p>
        <nav aria-label="On this page" className="mt-3 flex flex-wrap gap-x-4 gap-y-1 text-sm">
          {[
            ['bill', 'How a bill is computed'],
            ['estimate', 'How an estimate is computed'],
            ['defaults', 'Defaults'],
            ['accelerators', 'Accelerators'],
            ['cloud', 'Cloud offers'],
            ['grid', 'Emission factors and grid zones'],
          ].map(([id, label]) => (
            <a key={id} href={`#${id}`} className="text-brand-700 underline underline-offset-2">
              {label}
            </a>
          ))}
        </nav>
      </div>

      <Section id="bill" title="How a bill is computed">
        <p>
          A finished job&apos;s bill (cost-model <code>billJob</code>) has five parts. Each part on
          a job page carries its formula with the numbers in it, and each input its label.
        </p>
        <ol className="list-decimal space-y-2 pl-5">
          <li>
            <strong>Hardware</strong> — the accelerator&apos;s catalogue price amortised per hour
            (straight line over the hardware life, {LIFE} years by default; with a cost of capital,
            the equivalent annual cost) × accelerators held × hours held, plus CPU cores × the
            site&apos;s core rate × hours held.
          </li>
          <li>
            <strong>Energy</strong> — the sum over the hours the job ran of IT kWh × that
            hour&apos;s PUE × that hour&apos;s price. IT kWh is measured by the worker (NVML energy
            counter, NVML power samples integrated, RAPL) or, where nothing can be read, modelled
            from utilisation (±30 %) or from TDP and cores (±50 %); each attempt&apos;s energy is
            spread over the hours it spans in proportion to its time in each.
          </li>
          <li>
            <strong>Operations</strong> — accelerator-hours × the site&apos;s rate per
            accelerator-hour + core-hours × its rate per core-hour (staff, maintenance).
          </li>
          <li>
            <strong>Storage</strong> — GB-months × price per GB-month.
          </li>
          <li>
            <strong>Bandwidth</strong> — egress GB × price per GB.
          </li>
        </ol>
        <p>
          The total is the sum of the five parts. <strong>Carbon</strong> is the sum over hours of
          facility kWh (IT kWh × PUE) × the grid&apos;s intensity in that hour: location-based,
          operational only. A facility&apos;s market-based figure counts energy under renewable
          contracts at zero and the rest at the residual mix, or at the grid average where no
          residual mix is known (GHG Protocol Scope 2 Guidance). Sites on a bundled grid zone price
          live hours from the recorded 2023 year, repeated in 52-week steps (same weekday and hour)
          until a live feed is configured.
        </p>
      </Section>

      <Section id="estimate" title="How an estimate is computed">
        <p>
          The{' '}
          <Link href="/estimator" className="text-brand-700 underline underline-offset-2">
            Estimator
          </Link>{' '}
          and <code>wattwise estimate training</code> call the same function,{' '}
          <code>estimateJob</code>:
        </p>
        <ul className="list-disc space-y-1.5 pl-5">
          <li>work: FLOPs as given, or 6 × parameters × tokens for a dense transformer;</li>
          <li>
            hours = FLOPs ÷ (accelerators × peak FLOP/s at the precision × MFU) ÷ 3,600, or the
            GPU-hours or days as given (then the MFU is implied);
          </li>
          <li>
            IT kWh = accelerators × power per accelerator (W) × hours ÷ 1,000; facility kWh = IT kWh
            × PUE;
          </li>
          <li>CO2e = facility kWh × grid intensity;</li>
          <li>
            cost = GPU-hours × hardware rate + facility kWh × price + GPU-hours × operations rate +
            storage + bandwidth. Renting puts the offer&apos;s price per GPU-hour in place of the
            hardware rate, with energy and operations included in it.
          </li>
        </ul>
        <p>
          The{' '}
          <Link href="/what-if" className="text-brand-700 underline underline-offset-2">
            What-if
          </Link>{' '}
          page runs <code>facilityTco</code> over 30 days, hour by hour, and applies each lever with{' '}
          <code>applyLever</code>.
        </p>
      </Section>

      <Section id="defaults" title="Defaults the estimator uses (ESTIMATE_DEFAULTS)">
        <div
          className="overflow-x-auto"
          tabIndex={0}
          role="region"
          aria-label="Estimator defaults (scrolls sideways)"
        >
          <table className="w-full min-w-[40rem]">
            <caption className="sr-only">Estimator defaults with their sources</caption>
            <thead className="bg-slate-50">
              <tr>
                <th scope="col" className={th}>
                  Assumption
                </th>
                <th scope="col" className={thNum}>
                  Value
                </th>
                <th scope="col" className={th}>
                  Source
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              <tr>
                <th scope="row" className={`${td} text-left font-medium`}>
                  Model FLOPs utilisation
                </th>
                <td className={tdNum}>
                  {d.mfu.value} ({d.mfu.low}–{d.mfu.high})
                </td>
                <td className={td}>{d.mfu.note}</td>
              </tr>
              <tr>
                <th scope="row" className={`${td} text-left font-medium`}>
                  PUE
                </th>
                <td className={tdNum}>{d.pue.value}</td>
                <td className={td}>{d.pue.note}</td>
              </tr>
              <tr>
                <th scope="row" className={`${td} text-left font-medium`}>
                  Energy price
                </th>
                <td className={tdNum}>
                  {d.pricePerKWh.value} {d.pricePerKWh.currency}/kWh
                </td>
                <td className={td}>{d.pricePerKWh.note}</td>
              </tr>
              <tr>
                <th scope="row" className={`${td} text-left font-medium`}>
                  Grid intensity
                </th>
                <td className={tdNum}>{d.gridKgPerKWh.value} kgCO2e/kWh</td>
                <td className={td}>{d.gridKgPerKWh.note}</td>
              </tr>
              <tr>
                <th scope="row" className={`${td} text-left font-medium`}>
                  Hardware life
                </th>
                <td className={tdNum}>{d.hardwareLifeYears} years</td>
                <td className={td}>
                  straight-line amortisation of the accelerator&apos;s catalogue price (accelerator
                  only, not host or network)
                </td>
              </tr>
              <tr>
                <th scope="row" className={`${td} text-left font-medium`}>
                  Low end of rated power
                </th>
                <td className={tdNum}>{d.ratedPowerLowShare * 100} % of TDP</td>
                <td className={td}>
                  training rarely holds a board at its limit: rated TDP is the top of the power
                  range, this share of it the bottom
                </td>
              </tr>
            </tbody>
          </table>
        </div>
      </Section>

      <Section id="accelerators" title="Accelerators: power, speed and price">
        <p>
          The catalogue cost-model prices hardware and power from. TDP and peak rates are rated
          (datasheets, dense figures); idle draw and purchase prices are estimates, each with its
          basis below. Amortised cost per GPU-hour is the price spread evenly over {LIFE} years of
          hours.
        </p>
        <div
          className="overflow-x-auto"
          tabIndex={0}
          role="region"
          aria-label="Accelerator catalogue (scrolls sideways)"
        >
          <table className="w-full">
            <caption className="sr-only">
              Accelerator catalogue with power, peak rate, price and sources
            </caption>
            <thead className="bg-slate-50">
              <tr>
                <th scope="col" className={th}>
                  Accelerator
                </th>
                <th scope="col" className={thNum}>
                  TDP (W)
                </th>
                <th scope="col" className={thNum}>
                  Idle (W)
                </th>
                <th scope="col" className={thNum}>
                  Peak (TFLOP/s)
                </th>
                <th scope="col" className={thNum}>
                  Memory (GB)
                </th>
                <th scope="col" className={thNum}>
                  Price (USD)
                </th>
                <th scope="col" className={thNum}>
                  Per GPU-hour (USD, {LIFE} y)
                </th>
                <th scope="col" className={th}>
                  Source
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {ACCELERATORS.map((a) => {
                const p = defaultPrecision(a);
                const perHour = a.listPrice
                  ? amortisedCostPerHour({ capex: a.listPrice.usd, lifeYears: LIFE })
                  : null;
                return (
                  <tr key={a.id} data-testid={`accelerator-${a.id}`}>
                    <th scope="row" className={`${td} text-left font-medium`}>
                      {a.name}
                      <span className="block text-xs font-normal text-slate-600">{a.id}</span>
                    </th>
                    <td className={tdNum}>{a.tdpW.toLocaleString('en')}</td>
                    <td className={tdNum}>
                      {a.idle.watts}
                      <sup className="text-slate-600">
                        <a
                          href={`#idle-${idle.mark(a.idle.basis)}`}
                          aria-label={`idle note ${idle.mark(a.idle.basis)}`}
                        >
                          i{idle.mark(a.idle.basis)}
                        </a>
                      </sup>
                    </td>
                    <td className={tdNum}>
                      {sig((a.peakFlops[p] ?? NaN) / TERA)}{' '}
                      <span className="text-xs text-slate-600">{p}</span>
                    </td>
                    <td className={tdNum}>{a.memoryGB}</td>
                    <td className={tdNum}>
                      {a.listPrice ? (
                        <>
                          {a.listPrice.usd.toLocaleString('en')}
                          <sup className="text-slate-600">
                            <a
                              href={`#price-${price.mark(a.listPrice.basis)}`}
                              aria-label={`price note ${price.mark(a.listPrice.basis)}`}
                            >
                              p{price.mark(a.listPrice.basis)}
                            </a>
                          </sup>
                          <span className="block text-xs text-slate-600">{a.listPrice.date}</span>
                        </>
                      ) : (
                        <span className="text-slate-600">not sold</span>
                      )}
                    </td>
                    <td className={tdNum}>
                      {perHour === null ? (
                        '—'
                      ) : (
                        <span className="inline-flex items-center gap-1.5">
                          <span data-value={String(perHour)}>{sig(perHour)}</span>
                          <Explain
                            title={`${a.name}, amortised cost per GPU-hour`}
                            value={`${sig(perHour)} USD per GPU-hour`}
                            formula={`purchase price ÷ (${LIFE} years × 8,760 hours); straight line, no residual value, no cost of capital (cost-model amortisedCostPerHour)`}
                            label="reported estimate"
                            inputs={[
                              {
                                name: 'Purchase price',
                                value: `${a.listPrice!.usd.toLocaleString('en')} USD (${a.listPrice!.date})`,
                                source: { label: 'reported estimate', note: a.listPrice!.basis },
                              },
                              {
                                name: 'Life',
                                value: `${LIFE} years`,
                                source: {
                                  label: 'modelled',
                                  note: 'ESTIMATE_DEFAULTS.hardwareLifeYears',
                                },
                              },
                            ]}
                            notes="Accelerator only: host, network and facility are not included."
                          />
                        </span>
                      )}
                    </td>
                    <td className={`${td} min-w-64 text-xs`}>
                      <Ref source={a.source} />
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
        <div className="text-xs text-slate-700">
          <p className="font-semibold">Notes</p>
          <ul className="mt-1 space-y-1">
            {idle.list.map((t, i) => (
              <li key={t} id={`idle-${i + 1}`}>
                i{i + 1}: {t}
              </li>
            ))}
            {price.list.map((t, i) => (
              <li key={t} id={`price-${i + 1}`}>
                p{i + 1}: {t}
              </li>
            ))}
          </ul>
        </div>
      </Section>

      <Section id="cloud" title="Cloud offers">
        <p>
          On-demand Linux prices without discounts, in USD, used to compare owning with renting.
          Cloud prices move: each row says when it was in force.
        </p>
        <div
          className="overflow-x-auto"
          tabIndex={0}
          role="region"
          aria-label="Cloud offers (scrolls sideways)"
        >
          <table className="w-full">
            <caption className="sr-only">Cloud GPU offers with prices and sources</caption>
            <thead className="bg-slate-50">
              <tr>
                <th scope="col" className={th}>
                  Offer
                </th>
                <th scope="col" className={th}>
                  Accelerator
                </th>
                <th scope="col" className={thNum}>
                  GPUs
                </th>
                <th scope="col" className={thNum}>
                  USD per hour
                </th>
                <th scope="col" className={thNum}>
                  Per GPU-hour (USD)
                </th>
                <th scope="col" className={th}>
                  As of, source
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {CLOUD_OFFERS.map((o) => {
                const per = cloudPricePerGpuHour(o);
                const acc = findAccelerator(o.accelerator);
                return (
                  <tr key={`${o.provider}-${o.instance}`}>
                    <th scope="row" className={`${td} text-left font-medium`}>
                      {o.provider} {o.instance}
                      <span className="block text-xs font-normal text-slate-600">{o.region}</span>
                    </th>
                    <td className={td}>
                      {acc.name}
                      {o.note && <span className="block text-xs text-slate-600">{o.note}</span>}
                    </td>
                    <td className={tdNum}>{o.gpus}</td>
                    <td className={tdNum}>
                      {o.usdPerHour}
                      {o.gpuOnly && <span className="block text-xs text-slate-600">GPU only</span>}
                    </td>
                    <td className={tdNum}>
                      <span className="inline-flex items-center gap-1.5">
                        <span data-value={String(per)}>{sig(per)}</span>
                        <Explain
                          title={`${o.provider} ${o.instance}, price per GPU-hour`}
                          value={`${sig(per)} USD per GPU-hour`}
                          formula="instance price per hour ÷ GPUs in the instance (cost-model cloudPricePerGpuHour)"
                          label="rated"
                          inputs={[
                            {
                              name: 'Instance price',
                              value: `${o.usdPerHour} USD per hour`,
                              source: { label: 'rated', note: `${o.source.title}, ${o.asOf}` },
                            },
                            { name: 'GPUs', value: String(o.gpus) },
                          ]}
                          notes={
                            o.gpuOnly
                              ? 'The GPU is priced apart from the VM it attaches to; the VM is not included.'
                              : undefined
                          }
                        />
                      </span>
                    </td>
                    <td className={`${td} min-w-56 text-xs`}>
                      {o.asOf}: <Ref source={o.source} />
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      </Section>

      <Section id="grid" title="Emission factors and grid zones">
        <p>
          With no site given, an estimate uses the world average grid intensity,{' '}
          <strong>{d.gridKgPerKWh.value} kgCO2e/kWh</strong> ({d.gridKgPerKWh.note}), and{' '}
          <strong>
            {d.pricePerKWh.value} {d.pricePerKWh.currency}/kWh
          </strong>{' '}
          ({d.pricePerKWh.note}).
        </p>
        <p>
          Sites on a bundled grid zone use recorded hourly data for 2023, shipped with cost-model:
          carbon intensity from Electricity Maps (through HPE&apos;s green-dcc repository, MIT
          licence; direct and life-cycle, gCO2eq/kWh, 8,760 hours, UTC) and wholesale prices in each
          zone&apos;s own currency per MWh (day-ahead or real-time, no network charges). Missing
          hours are filled with the hour before. The CLI&apos;s <code>--site</code> uses the 2023
          means.
        </p>
        <div
          className="overflow-x-auto"
          tabIndex={0}
          role="region"
          aria-label="Grid zones (scrolls sideways)"
        >
          <table className="w-full min-w-[40rem]">
            <caption className="sr-only">Bundled grid zones with their data</caption>
            <thead className="bg-slate-50">
              <tr>
                <th scope="col" className={th}>
                  Zone
                </th>
                <th scope="col" className={th}>
                  Also called
                </th>
                <th scope="col" className={th}>
                  Currency
                </th>
                <th scope="col" className={th}>
                  Carbon intensity
                </th>
                <th scope="col" className={th}>
                  Prices
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {GRID_ZONES.map((z) => (
                <tr key={z.id}>
                  <th scope="row" className={`${td} text-left font-medium`}>
                    {z.id}
                  </th>
                  <td className={td}>{z.alias}</td>
                  <td className={td}>{z.currency}</td>
                  <td className={td}>2023 hourly, Electricity Maps via green-dcc</td>
                  <td className={td}>
                    {z.hasPrices
                      ? `2023 hourly wholesale, ${z.currency}/MWh`
                      : 'none bundled: the site gives its tariff'}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </Section>
    </div>
  );
}
