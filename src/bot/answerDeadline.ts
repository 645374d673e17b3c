import type { TurnContext } from 'botbuilder';

/**
 * Teams stops waiting for an invoke's answer after 5 seconds and shows the person an error. Ours
 * leaves by this long after the activity arrived, whatever storage is doing, with room for the
 * answer's own journey.
 */
export const ANSWER_WITHIN_MS = 4_000;
/** Refreshing the stored conversation may take at most this much of that time. */
export const CONVERSATION_WITHIN_MS = 1_000;

const ARRIVED = Symbol('arrivedAt');

/** Notes when the activity arrived (the guard does, first thing). */
export function noteArrival(context: TurnContext): void {
  context.turnState.set(ARRIVED, Date.now());
}

/** What `work` came to, or `late` (told 'timeout' or the error's name) if it is not done, or failed, by the time the answer must leave. */
export async function beforeTeamsGivesUp<T>(context: TurnContext, work: Promise<T>, late: (why: string) => T): Promise<T> {
  const arrivedAt = context.turnState.get<number | undefined>(ARRIVED) ?? Date.now();
  return within(work, arrivedAt + ANSWER_WITHIN_MS - Date.now(), late);
}

/** What `work` came to, or `late` if it takes longer than `ms` or fails; a failure after that is not left unhandled. */
export async function within<T>(work: Promise<T>, ms: number, late: (why: string) => T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), Math.max(0, ms));
  });
  const settled = work.then(
    (value) => ({ value }),
    (error: unknown) => (error instanceof Error ? error.name : 'failed'),
  );
  try {
    const outcome = await Promise.race([settled, timeout]);
    return typeof outcome === 'string' ? late(outcome) : outcome.value;
  } finally {
    clearTimeout(timer);
  }
}
