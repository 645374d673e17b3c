import type { OutboxStore, StoredOutboxEntry } from '../storage/outboxStore.js';

/** Due entries read from each store per pass. */
const PAGE = 1_000;

/**
 * A pass's entries from every store, with recipients taking turns: everyone's first message, then
 * everyone's second, and so on (each recipient's own in their order). A burst of messages to one
 * conversation then does not keep every sender waiting on that conversation's rate limit while
 * messages to everyone else queue behind it. `more` says a store had more due than one page.
 * Recipients the rate limits hold back (`held`) are left out without their entries being read.
 */
export async function dueInTurns(
  stores: OutboxStore[],
  now: Date,
  held: (recipient: string) => boolean = () => false,
): Promise<{ queue: StoredOutboxEntry[]; more: boolean }> {
  const pages = await Promise.all(stores.map((store) => store.due(now, PAGE, held)));
  return { queue: inTurns(pages.flatMap((page) => page.entries)), more: pages.some((page) => page.more) };
}

/** Reorders entries so that recipients take turns. */
function inTurns<T extends { recipient: string }>(entries: T[]): T[] {
  const byRecipient = new Map<string, T[]>();
  for (const entry of entries) {
    const queue = byRecipient.get(entry.recipient);
    if (queue) queue.push(entry);
    else byRecipient.set(entry.recipient, [entry]);
  }
  const queues = [...byRecipient.values()];
  const ordered: T[] = [];
  for (let turn = 0; ordered.length < entries.length; turn++) for (const queue of queues) if (queue[turn]) ordered.push(queue[turn]!);
  return ordered;
}
