/** The portal's pages (see PORTAL.md), in navigation order. `ready` pages are built; the rest say what is coming. */
export type PortalPage = {
  href: string;
  title: string;
  ready: boolean;
  /** What the page will show, for the placeholder and the page description. */
  summary: string;
  plans: string[];
};

export const PORTAL_PAGES: readonly PortalPage[] = [
  {
    href: '/',
    title: 'Overview',
    ready: false,
    summary: 'The facility at a glance, with every figure traceable to its inputs.',
    plans: [
      'Cost and cost per hour, energy (kWh), PUE and emissions (tCO2e).',
      'GPUs allocated against GPUs actually used, and the cost of idle capacity.',
      'A stacked area of the five cost parts (hardware, energy, operations, storage, bandwidth) with a forecast band.',
      'A reconciliation bar: job bills + idle + shared costs = the facility total.',
    ],
  },
  {
    href: '/cost',
    title: 'Cost explorer',
    ready: false,
    summary: 'Slice the facility bill by who and what spent it.',
    plans: [
      'Group by up to two of team, project, job, GPU model, node and cost part, with filters.',
      'A top-9 + others chart beside a table with a % of total column.',
      'Drill-down; idle cost hidden, shown separately or shared; period-over-period comparison.',
    ],
  },
  {
    href: '/jobs',
    title: 'Jobs',
    ready: true,
    summary: 'Submit command jobs and follow them through the queue.',
    plans: [],
  },
  {
    href: '/energy',
    title: 'Energy & carbon',
    ready: false,
    summary: 'When power is cheap and clean, and how much the facility draws.',
    plans: [
      'Hourly grid carbon intensity over the time-of-use price band, on one time axis (24 h, 72 h, 30 d, 12 mo).',
      'Estimated values marked as such; PUE and active against idle power.',
      'A heat map of the cheapest and cleanest hours (hour of day × weekday).',
    ],
  },
  {
    href: '/gpus',
    title: 'GPUs & nodes',
    ready: false,
    summary: 'Every node and GPU, what it is doing and what it draws.',
    plans: [
      'A rack grid coloured by utilisation or power.',
      'Per-GPU telemetry: power, utilisation, memory.',
      'GPUs that are held by a job but idle.',
    ],
  },
  {
    href: '/teams',
    title: 'Teams & budgets',
    ready: false,
    summary: 'What each team was allocated, what it used, and what it may still spend.',
    plans: [
      'Allocation against use per team.',
      'Budgets with a burn-down forecast.',
      'Jobs held before admission because of a budget.',
    ],
  },
  {
    href: '/scheduler',
    title: 'Scheduler lab',
    ready: true,
    summary: 'Replay a trace under two or more scheduling policies side by side.',
    plans: [
      'A Gantt chart of jobs on GPUs for each policy.',
      'Differences in cost, carbon and waiting time between the policies.',
    ],
  },
  {
    href: '/estimator',
    title: 'Estimator',
    ready: true,
    summary:
      'Time, energy, CO2e and cost of a training run, owned or rented, computed in your browser.',
    plans: [],
  },
  {
    href: '/what-if',
    title: 'What-if',
    ready: true,
    summary: 'Move the levers and see the bill change, computed in your browser.',
    plans: [
      'Sliders for tariff, PUE, amortisation years, utilisation, share of work moved to cleaner hours, quantisation and hardware.',
      'A waterfall from the baseline to the changed total.',
    ],
  },
  {
    href: '/recommendations',
    title: 'Recommendations',
    ready: false,
    summary: 'Changes that would save money or emissions, ranked.',
    plans: [
      'Ranked by money and by tCO2e, each with its confidence and evidence.',
      'A link to try each one in the scheduler lab.',
    ],
  },
  {
    href: '/playground',
    title: 'Playground',
    ready: true,
    summary: 'Train small neural networks in the browser and watch them learn.',
    plans: [
      'Train the demo data and other toy sets; click to add points and watch the decision boundary.',
      'A one-step panel with every activation, loss, gradient and weight update (step back, fixed seed).',
    ],
  },
  {
    href: '/methodology',
    title: 'Methodology',
    ready: true,
    summary: 'Where the numbers come from.',
    plans: [
      'Price sheets and emission factors, with their sources and dates.',
      'Which figures are measured, modelled or rated, and how each is computed.',
    ],
  },
];

export function pageAt(href: string): PortalPage {
  const page = PORTAL_PAGES.find((p) => p.href === href);
  if (!page) throw new Error(`no portal page at ${href}`);
  return page;
}
