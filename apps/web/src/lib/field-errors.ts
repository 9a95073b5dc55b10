import type { FieldIssue } from './trpc';

/** Maps server issue paths (`payload.argv.0`) to the submit form's fields. */
export type SubmitField = 'name' | 'team' | 'command' | 'timeout';

const FIELD_OF_PATH: [prefix: string, field: SubmitField][] = [
  ['name', 'name'],
  ['teamId', 'team'],
  ['payload.argv', 'command'],
  ['payload.timeoutSeconds', 'timeout'],
];

export function fieldFor(path: string): SubmitField | null {
  const hit = FIELD_OF_PATH.find(([prefix]) => path === prefix || path.startsWith(`${prefix}.`));
  return hit ? hit[1] : null;
}

/**
 * Per-field messages from a refused submission. Zod issues come with paths; a domain refusal
 * such as `teamId: required for an admin token` names its field at the start of the message.
 */
export function fieldErrors(
  message: string,
  issues: FieldIssue[],
): Partial<Record<SubmitField, string>> {
  const found = issues.length ? issues : parseNamedMessage(message);
  const out: Partial<Record<SubmitField, string>> = {};
  for (const issue of found) {
    const field = fieldFor(issue.path);
    if (field && !out[field]) out[field] = issue.message;
  }
  return out;
}

function parseNamedMessage(message: string): FieldIssue[] {
  const match = /^([A-Za-z][\w.]*): (.+)$/.exec(message);
  return match ? [{ path: match[1]!, message: match[2]! }] : [];
}
