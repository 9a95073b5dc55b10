// What passes between the worker and the child that runs a built-in job kind (`exec <kind>`).
//
// The child reads the payload on stdin. It writes what a person reads to stdout and stderr (the
// output tail) and JSON lines to fd 3:
//   {"type":"progress","progress":{…}}          any number of times
//   {"type":"result","output":{…}}              once, on success (exit 0)
//   {"type":"error","message":"…","field":"…"}  once, on failure: exit 2 when the input was refused
//                                               (payload, CSV, files), 1 when the work itself failed

export const EXEC_KINDS = ['nn-train', 'simulate'] as const;
export type ExecKind = (typeof EXEC_KINDS)[number];

/** The child's exit status when it refused its input (bad payload, CSV or file): retrying cannot help. */
export const EXIT_REFUSED = 2;

/** The lines on fd 3. */
export type ExecMessage =
  | { type: 'progress'; progress: Record<string, unknown> }
  | { type: 'result'; output: Record<string, unknown> }
  | { type: 'error'; message: string; field?: string };

/** Input a job refuses (a CSV row, a missing file): exit 2, the field named. */
export class JobInputError extends Error {
  constructor(
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'JobInputError';
  }
}

/** What a job's body gets: a progress report and a line for the person reading the output. */
export type JobIo = {
  progress(progress: Record<string, unknown>): void;
  say(line: string): void;
};
