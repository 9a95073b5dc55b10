// The Alibaba 2023 trace names no team or project. Loaded history needs both (the cost explorer
// groups by them), so each pod is given one: deterministically, from its QoS class and a hash of its
// name, so the same trace always lands the same way. The split is made up; the docs say so.

/** Teams history is filed under, made when missing. */
export const HISTORY_TEAMS = [
  'research',
  'inference',
  'vision',
  'speech',
  'recsys',
  'platform',
] as const;
export type HistoryTeam = (typeof HISTORY_TEAMS)[number];

/** Projects of each team, one drawn per pod. */
export const HISTORY_PROJECTS: Record<HistoryTeam, readonly string[]> = {
  research: ['llm-pretrain', 'rl-agents', 'ablations'],
  inference: ['chat-serving', 'search-ranking', 'batch-embeddings'],
  vision: ['detection', 'segmentation'],
  speech: ['asr', 'tts'],
  recsys: ['ranking', 'retrieval'],
  platform: ['ci', 'monitoring'],
};

/**
 * Latency-sensitive pods (LS) serve: inference, recsys and speech; best-effort pods (BE) train and
 * experiment: research, vision and speech; the rest (Burstable, Guaranteed, none) are the platform's
 * own. Shares within a class are cumulative bounds on a uniform draw.
 */
const BY_QOS: Record<string, readonly [HistoryTeam, number][]> = {
  LS: [
    ['inference', 0.5],
    ['recsys', 0.8],
    ['speech', 1],
  ],
  BE: [
    ['research', 0.5],
    ['vision', 0.85],
    ['speech', 1],
  ],
};

/** FNV-1a, 32 bits: a stable hash of a name, as a share in [0, 1). */
export function nameShare(name: string, salt = ''): number {
  let h = 0x811c9dc5;
  const text = salt + name;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) / 2 ** 32;
}

/** The team and project a pod is filed under. */
export function assignPod(name: string, qos: string): { team: HistoryTeam; project: string } {
  const bands = BY_QOS[qos.toUpperCase()];
  const u = nameShare(name);
  const team = bands ? bands.find(([, upTo]) => u < upTo)![0] : 'platform';
  const projects = HISTORY_PROJECTS[team];
  const project = projects[Math.floor(nameShare(name, 'project:') * projects.length)]!;
  return { team, project };
}
