/** The portal's pages (see PORTAL.md), in navigation order. */
export type PortalPage = { href: string; title: string };

export const PORTAL_PAGES: readonly PortalPage[] = [
  { href: '/', title: 'Overview' },
  { href: '/cost', title: 'Cost explorer' },
  { href: '/jobs', title: 'Jobs' },
  { href: '/energy', title: 'Energy & carbon' },
  { href: '/gpus', title: 'GPUs & nodes' },
  { href: '/teams', title: 'Teams & budgets' },
  { href: '/scheduler', title: 'Scheduler lab' },
  { href: '/estimator', title: 'Estimator' },
  { href: '/what-if', title: 'What-if' },
  { href: '/recommendations', title: 'Recommendations' },
  { href: '/playground', title: 'Playground' },
  { href: '/methodology', title: 'Methodology' },
];
