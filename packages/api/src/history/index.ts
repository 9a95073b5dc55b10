export { computeHistory, HOURS_PER_MONTH } from './compute';
export type {
  HistoryBill,
  HistoryHour,
  HistoryInput,
  HistoryJob,
  HistoryNode,
  HistoryPricing,
  HistoryRows,
} from './compute';
export { loadHistory } from './load';
export type { LoadHistoryDeps, LoadHistoryOptions, LoadHistoryResult } from './load';
export { assignPod, HISTORY_PROJECTS, HISTORY_TEAMS } from './assign';
