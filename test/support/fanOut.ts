import { newOutboxEntry } from '../../src/domain/outbox.js';
import type { ConversationStore } from '../../src/storage/conversationStore.js';
import type { OutboxStore } from '../../src/storage/outboxStore.js';
import type { FakeConnector, RecordedCall } from './fakeConnector.js';
import { TENANT } from './people.js';

/** The personal conversation of a fan-out recipient at the stand-in. */
export const fanOutConversation = (recipient: string) => `a:fanout-${recipient}`;

/**
 * Makes each recipient reachable (a stored personal conversation at the stand-in, as an install
 * would leave) and queues `count(recipient)` sign-up cards to each in `outbox`, all due now: the
 * same path as a reminder (outbox, compose, Teams), without a reminder step on record for each.
 */
export async function queueFanOut(
  stores: { conversations: ConversationStore; outbox: OutboxStore },
  connector: FakeConnector,
  recipients: string[],
  count: (recipient: string) => number,
): Promise<number> {
  const now = new Date(Date.now() - 1_000);
  let queued = 0;
  for (const recipient of recipients) {
    const conversation = { id: fanOutConversation(recipient), conversationType: 'personal', tenantId: TENANT };
    const reference = {
      channelId: 'msteams',
      serviceUrl: connector.url,
      conversation,
      bot: { id: '28:bot', name: 'Concerns Bot' },
      user: { id: `29:${recipient}` },
    };
    await stores.conversations.savePersonal(recipient, { reference, serviceUrl: connector.url }, now);
    const entries = Array.from({ length: count(recipient) }, (_, n) => newOutboxEntry({ kind: 'signUpInvite', recipient, now, key: `fanout-${n}` }));
    await stores.outbox.add(`fanout-${recipient}`, entries);
    queued += entries.length;
  }
  return queued;
}

/** Messages the stand-in accepted (refused ones are recorded too, with their status). */
export const accepted = (connector: FakeConnector): RecordedCall[] =>
  connector.calls.filter((call) => call.status === 200 && call.method === 'POST' && call.conversationId.startsWith('a:fanout-'));
