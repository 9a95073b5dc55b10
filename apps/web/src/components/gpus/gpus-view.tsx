'use client';

import { useCallback, useMemo, useState, type ReactNode } from 'react';

import { downloadCsv, toCsv } from '../../lib/facility-csv';
import { useFacilityNodes, type NodesData } from '../../lib/facility-queries';
import { useFacilityUrlState } from '../../lib/facility-url-state';
import { WINDOW_LABELS, windowPeriod } from '../../lib/facility-window';
import {
  formatDayMinute,
  formatEnergy,
  formatMoney,
  formatNumber,
  formatPercent,
} from '../../lib/format';
import type { NodeRow } from '../../lib/gpus-view';
import { useTeams } from '../../lib/queries';
import { describeError } from '../../lib/trpc';
import { Explain, type ExplainSource } from '../explain';
import { CsvButton, FacilityToolbar, Segmented, Stat } from '../facility/facility-toolbar';
import { HeldIdleList, LiveGpus } from './live-gpus';
import { NodeTable } from './node-table';
import { RackGrid } from './rack-grid';

/** Where the node figures come from, for every Explain on this page. */
const COST_LINES: ExplainSource = {
  label: 'modelled',
  note: "the jobs' daily cost lines: GPUs held × hours each attempt ran, and the bill's energy and cost (metered or modelled per job; loaded history is simulated)",
};

export function GpusView() {
  const { window, site, colour, node, update } = useFacilityUrlState();
  const period = useMemo(() => windowPeriod(window, Date.now()), [window]);
  const query = useFacilityNodes({ ...period, ...(site ? { siteId: site } : {}) });
  const data = query.data;
  return (
    <div className="space-y-6">
      <FacilityToolbar
        idPrefix="gpus"
        window={window}
        onWindowChange={(w) => update({ window: w })}
        sites={data?.sites}
        site={data?.site?.id ?? site}
        onSiteChange={(id) => update({ site: id, node: undefined })}
      >
        <Segmented
          legend="Colour by"
          name="gpus-colour"
          value={colour}
          options={[
            { value: 'util', label: 'Utilisation' },
            { value: 'power', label: 'Power' },
          ]}
          onChange={(v) => update({ colour: v })}
        />
      </FacilityToolbar>
      {query.error && (
        <p role="alert" className="text-sm text-red-800">
          Could not load the nodes: {describeError(query.error).message}
        </p>
      )}
      {!data && !query.error && <p className="text-sm text-slate-700">Loading nodes…</p>}
      {data && !data.site && <p className="text-sm text-slate-700">No site is configured yet.</p>}
      {data?.site && (
        <GpusBody
          data={data}
          windowLabel={WINDOW_LABELS[window]}
          colour={colour}
          node={node}
          onSelect={(name) => update({ node: name === node ? undefined : name })}
          loading={query.isPlaceholderData}
        />
      )}
    </div>
  );
}

function GpusBody({
  data,
  windowLabel,
  colour,
  node,
  onSelect,
  loading,
}: {
  data: NodesData;
  windowLabel: string;
  colour: 'util' | 'power';
  node: string | undefined;
  onSelect: (name: string) => void;
  loading: boolean;
}) {
  const site = data.site!;
  const currency = data.currency!;
  const totals = data.totals!;
  const team = data.scope === 'team';
  const teams = useTeams();
  const teamName = useCallback(
    (id: string) => teams.data?.find((t) => t.id === id)?.name ?? id,
    [teams.data],
  );
  const [sorted, setSorted] = useState<NodeRow[]>([]);
  const selected = data.nodes.find((n) => n.name === node);
  const coverage = `${formatDayMinute(data.coverage.from)} to ${formatDayMinute(data.coverage.to)}`;
  const whose = team ? "your team's jobs" : 'all jobs';

  const saveNodes = () =>
    downloadCsv(
      `wattwise-nodes-${site.name}-${data.coverage.from.slice(0, 10)}-to-${data.coverage.to.slice(0, 10)}.csv`,
      toCsv(
        [
          'node',
          'rack',
          'gpu_model',
          'gpus',
          'power_state',
          'utilisation',
          'gpu_hours',
          'mean_kw',
          'it_kwh',
          'facility_kwh',
          'energy_share',
          `cost_${currency}`,
          'cost_share',
          'co2e_kg',
          'scope',
        ],
        (sorted.length ? sorted : data.nodes).map((n) => [
          n.name,
          n.rack,
          n.gpuModel,
          n.gpuCount,
          n.powerState,
          n.utilisation,
          n.gpuHours,
          n.avgKW,
          n.itKWh,
          n.facilityKWh,
          n.energyShare,
          n.cost,
          n.costShare,
          n.co2eKg,
          data.scope,
        ]),
      ),
    );

  return (
    <div className={`space-y-6 ${loading ? 'opacity-60' : ''}`} aria-busy={loading}>
      <p className="text-sm text-slate-700">
        <span className="font-medium">{site.name}</span>, last {windowLabel}. Node figures are{' '}
        {whose}&apos; over the whole UTC days {coverage} ({formatNumber(data.coverage.hours, 4)} h
        so far): cost lines are kept per day.
        {team && ' Capacity is everyone’s; use and cost are only your team’s.'}
      </p>
      <dl className="grid grid-cols-2 gap-3 lg:grid-cols-3 xl:grid-cols-5">
        <Stat
          label="Capacity"
          testId="gpus-capacity"
          value={`${totals.gpus} GPUs`}
          detail={`${totals.nodes} nodes in ${data.racks.length} rack${data.racks.length === 1 ? '' : 's'}`}
        />
        <Stat
          label={team ? "Your team's utilisation" : 'GPU utilisation'}
          testId="gpus-utilisation"
          value={formatPercent(totals.utilisation)}
          explain={
            totals.utilisation !== null && (
              <Explain
                title="GPU utilisation"
                value={formatPercent(totals.utilisation)}
                formula={`Σ GPU-hours ${whose} held on the site's nodes ÷ (GPUs × hours)`}
                label="modelled"
                inputs={[
                  {
                    name: 'GPU-hours held',
                    value: formatNumber(totals.gpuHours - data.otherHosts!.gpuHours, 6),
                    source: COST_LINES,
                  },
                  {
                    name: 'GPUs',
                    value: totals.gpus,
                    source: { label: 'rated', note: 'the nodes table' },
                  },
                  { name: 'Hours', value: formatNumber(data.coverage.hours, 4) },
                ]}
                notes={
                  data.otherHosts!.hosts > 0
                    ? `${formatNumber(data.otherHosts!.gpuHours, 4)} GPU-hours ran on ${data.otherHosts!.hosts} host(s) that are not nodes of the site and are left out.`
                    : undefined
                }
              />
            )
          }
        />
        <Stat
          label={team ? "Your team's IT energy" : "Jobs' IT energy"}
          testId="gpus-energy"
          value={formatEnergy(totals.itKWh)}
          detail={`${formatEnergy(totals.facilityKWh)} at the meter`}
          explain={
            <Explain
              title="IT energy"
              value={formatEnergy(totals.itKWh)}
              formula={`Σ IT kWh of ${whose} on every node and host of the site over the days`}
              label="modelled"
              inputs={[
                { name: 'IT energy', value: formatEnergy(totals.itKWh), source: COST_LINES },
              ]}
            />
          }
        />
        <Stat
          label={team ? "Your team's cost" : "Jobs' cost"}
          testId="gpus-cost"
          value={formatMoney(totals.cost, currency)}
          explain={
            <Explain
              title="Cost"
              value={formatMoney(totals.cost, currency)}
              formula={`Σ cost (hardware + energy + operations + storage + bandwidth) of ${whose} over the days; idle and shared costs are on the overview`}
              label="modelled"
              inputs={[
                { name: 'Cost', value: formatMoney(totals.cost, currency), source: COST_LINES },
              ]}
            />
          }
        />
        <Stat
          label="GPUs held but idle"
          testId="gpus-held-idle"
          value={String(data.heldIdle.length)}
          detail={`under ${data.idleUtilPct} % over the last ${data.recentMinutes} min of samples`}
        />
      </dl>

      <section
        aria-labelledby="racks-heading"
        className="space-y-3 rounded-lg border border-slate-200 bg-white p-4"
      >
        <h2 id="racks-heading" className="text-base font-semibold">
          Racks
        </h2>
        <div className="grid grid-cols-[minmax(0,1fr)] gap-4 xl:grid-cols-[minmax(0,1fr)_20rem]">
          <RackGrid
            nodes={data.nodes}
            by={colour}
            selected={node}
            onSelect={onSelect}
            label={`Rack grid of ${site.name}: ${data.nodes.length} nodes as cells in rack columns, coloured by ${colour === 'util' ? 'GPU utilisation' : 'mean job power'}; each cell prints the figure and opens the node. The nodes table below holds the same figures.`}
          />
          {selected ? (
            <NodeDetails
              node={selected}
              currency={currency}
              coverageHours={data.coverage.hours}
              whose={whose}
              onClose={() => onSelect(selected.name)}
            />
          ) : (
            <p className="text-sm text-slate-600">
              Choose a node in the grid or the table for its details.
            </p>
          )}
        </div>
      </section>

      <section
        aria-labelledby="nodes-heading"
        className="space-y-3 rounded-lg border border-slate-200 bg-white p-4"
      >
        <div className="flex flex-wrap items-center justify-between gap-3">
          <h2 id="nodes-heading" className="text-base font-semibold">
            Nodes ({data.nodes.length})
          </h2>
          <CsvButton label="Download CSV (nodes)" onClick={saveNodes} />
        </div>
        <NodeTable
          nodes={data.nodes}
          currency={currency}
          selected={node}
          onSelect={onSelect}
          onSortedChange={setSorted}
        />
        <p className="text-xs text-slate-600">
          Energy and cost shares are of {whose}&apos; totals at the site over the days (
          {formatEnergy(totals.itKWh)}, {formatMoney(totals.cost, currency)}), hosts that are not
          nodes included.
        </p>
      </section>

      <section
        aria-labelledby="idle-heading"
        className="space-y-3 rounded-lg border border-slate-200 bg-white p-4"
      >
        <h2 id="idle-heading" className="text-base font-semibold">
          GPUs held but idle
        </h2>
        <HeldIdleList
          items={data.heldIdle}
          idleUtilPct={data.idleUtilPct}
          recentMinutes={data.recentMinutes}
          teamName={teamName}
        />
      </section>

      <section
        aria-labelledby="live-heading"
        className="space-y-3 rounded-lg border border-slate-200 bg-white p-4"
      >
        <h2 id="live-heading" className="text-base font-semibold">
          Live workers: per-GPU telemetry
        </h2>
        <p className="text-sm text-slate-700">
          Refreshed every 15 s from the samples running jobs&apos; workers send (measured by NVML
          where the GPU has it).
        </p>
        <LiveGpus
          workers={data.workers}
          recentMinutes={data.recentMinutes}
          idleUtilPct={data.idleUtilPct}
          teamName={teamName}
        />
      </section>
    </div>
  );
}

function NodeDetails({
  node,
  currency,
  coverageHours,
  whose,
  onClose,
}: {
  node: NodeRow;
  currency: string;
  coverageHours: number;
  whose: string;
  onClose: () => void;
}) {
  const row = (label: string, value: ReactNode) => (
    <div className="flex justify-between gap-3 py-1">
      <dt className="text-slate-600">{label}</dt>
      <dd className="text-right tabular-nums">{value}</dd>
    </div>
  );
  return (
    <aside
      aria-labelledby="node-heading"
      data-testid="node-details"
      className="rounded border border-slate-200 p-3 text-sm"
    >
      <div className="flex items-start justify-between gap-2">
        <h3 id="node-heading" className="text-base font-semibold">
          {node.name}
        </h3>
        <button
          type="button"
          onClick={onClose}
          className="rounded border border-slate-300 px-2 py-0.5 text-xs text-slate-700 hover:bg-slate-100"
        >
          Close
        </button>
      </div>
      <dl className="mt-2 divide-y divide-slate-100">
        {row('Rack', node.rack ?? '—')}
        {row('GPUs', node.gpuCount ? `${node.gpuCount}× ${node.gpuModel ?? 'GPU'}` : 'none')}
        {row('CPU / memory', `${node.cpuCores} cores, ${node.memoryGb} GB`)}
        {row('Power state', node.powerState)}
        {row(
          'Utilisation',
          <span className="inline-flex items-center gap-1.5">
            {formatPercent(node.utilisation)}
            {node.utilisation !== null && (
              <Explain
                title={`Utilisation of ${node.name}`}
                value={formatPercent(node.utilisation)}
                formula={`GPU-hours ${whose} held on the node ÷ (GPUs × hours)`}
                label="modelled"
                inputs={[
                  {
                    name: 'GPU-hours held',
                    value: formatNumber(node.gpuHours, 6),
                    source: COST_LINES,
                  },
                  {
                    name: 'GPUs',
                    value: node.gpuCount,
                    source: { label: 'rated', note: 'the nodes table' },
                  },
                  { name: 'Hours', value: formatNumber(coverageHours, 4) },
                ]}
              />
            )}
          </span>,
        )}
        {row('Mean job draw', node.avgKW === null ? '—' : `${formatNumber(node.avgKW, 3)} kW`)}
        {row(
          'IT energy',
          <span className="inline-flex items-center gap-1.5">
            {formatEnergy(node.itKWh)} ({formatPercent(node.energyShare)})
            <Explain
              title={`IT energy on ${node.name}`}
              value={formatEnergy(node.itKWh)}
              formula={`Σ IT kWh of ${whose} on the node; the share is of their total at the site`}
              label="modelled"
              inputs={[
                { name: 'Share', value: formatPercent(node.energyShare), source: COST_LINES },
              ]}
            />
          </span>,
        )}
        {row(
          'Cost',
          <span className="inline-flex items-center gap-1.5">
            {formatMoney(node.cost, currency)} ({formatPercent(node.costShare)})
            <Explain
              title={`Cost on ${node.name}`}
              value={formatMoney(node.cost, currency)}
              formula={`Σ cost of ${whose} on the node; the share is of their total at the site`}
              label="modelled"
              inputs={[{ name: 'Share', value: formatPercent(node.costShare), source: COST_LINES }]}
            />
          </span>,
        )}
        {row('Live worker', node.workerId ?? 'none')}
      </dl>
    </aside>
  );
}
