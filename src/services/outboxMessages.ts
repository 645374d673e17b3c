import { chapterReviewCard } from '../cards/chapterReviewCards.js';
import { channelNoticeCard, leadCard } from '../cards/concernCards.js';
import { escalationDigestMessage } from '../cards/escalationDigestCard.js';
import { signUpFormCard } from '../cards/signUpCards.js';
import {
  escalationMessage,
  reminderMessage,
  reporterUpdateMessage,
  reviewMessage,
  shortenedMessage,
  undeliveredMessage,
  waitingMessage,
} from '../cards/notificationCards.js';
import { CardTooLargeError, type Card } from '../cards/renderCard.js';
import type { Deadline } from '../domain/deadline.js';
import { isDigestOwner, stillUnacknowledged } from '../domain/escalationDigest.js';
import { GROUP_INFO, isGroupId, type GroupId } from '../domain/groups.js';
import { payloadOf, type OutboxKind } from '../domain/outbox.js';
import { SIGN_UP_INVITES } from '../domain/signUp.js';
import { awaitingSubmission } from '../domain/submission.js';
import { TEMPLATE_NAMES, type TemplateId } from '../domain/templates.js';
import { DeliveryError } from '../messaging/delivery.js';
import type { ComposedMessage, ComposeMessage } from '../messaging/teamsDelivery.js';
import type { Clock } from '../domain/clock.js';
import type { ConcernStore } from '../storage/concernStore.js';
import type { StoredOutboxEntry } from '../storage/outboxStore.js';
import type { ProtocolStore } from '../storage/protocolStore.js';
import type { WaitingStore } from '../storage/waitingStore.js';
import type { ChapterReviewService } from './chapterReviewService.js';
import type { Directory } from './directory.js';
import { keptBriefly } from './keptBriefly.js';

export interface OutboxMessageDeps {
  concerns: ConcernStore;
  protocolStore: ProtocolStore;
  waiting: WaitingStore;
  directory: Directory;
  deadline: Deadline;
  clock: Clock;
  /** The Teams user ids whose Lead cards refresh automatically. */
  leadRefreshIds: () => Promise<string[]>;
  /** A group lead's review card for a collated version, as it stands when sent. */
  chapterReviews: ChapterReviewService;
}

type Entry<K extends OutboxKind> = StoredOutboxEntry & { kind: K };

/** Long enough for one change's (or one pass's) messages to go to everyone; a later change has a new revision anyway. */
const ONE_SENDING_KEPT_MS = 10_000;

/**
 * What each outbox entry says and where it goes, decided when it is sent: concern messages are
 * rendered from the concern as stored now, so a late delivery shows the current state; a reminder
 * or escalation that is no longer needed is not sent at all.
 */
export function outboxMessages(deps: OutboxMessageDeps): ComposeMessage {
  const timeZone = deps.deadline.timeZone;
  const person = (entry: StoredOutboxEntry) => ({ person: entry.recipient });
  const channel = (entry: StoredOutboxEntry) => ({ group: entry.recipient as GroupId });
  const leadCards = keptBriefly<Card>(ONE_SENDING_KEPT_MS);
  // Every deputy's and coordinator's digest of a pass lists the same concerns: each is read once.
  const statuses = keptBriefly<string | undefined>(ONE_SENDING_KEPT_MS, 2_000);
  const statusOf = (concernId: string) => statuses.get(concernId, async () => (await deps.concerns.get(concernId))?.record.status);

  async function concernOf(entry: StoredOutboxEntry) {
    const stored = await deps.concerns.get(entry.ownerId);
    if (!stored) throw new DeliveryError('concern missing', 404);
    return stored.record;
  }

  /**
   * A reminder is sent only if it is still the latest one recorded and the template is still not
   * submitted; what it says (days left, status) is worked out now, not when it was recorded.
   */
  async function reminder(entry: Entry<'reminder' | 'reminderChannel'>): Promise<ComposedMessage | undefined> {
    const payload = payloadOf(entry);
    const [{ record }, recorded] = await Promise.all([
      deps.protocolStore.status(payload.group, payload.template),
      deps.protocolStore.remindersSent(payload.group, payload.template),
    ]);
    if (!awaitingSubmission(record.status) || recorded.at(-1)?.step !== payload.step) return undefined;
    const card = reminderMessage(payload, { daysLeft: deps.deadline.daysLeft(deps.clock.now()), status: record.status, deadline: deps.deadline.words });
    return { to: entry.kind === 'reminder' ? person(entry) : channel(entry), card };
  }

  /** What an undelivered message was about, in words: a concern reference or a group's template. */
  async function subjectOf(owner: string): Promise<string> {
    if (owner === SIGN_UP_INVITES) return 'the sign-up to the protocol';
    if (isDigestOwner(owner)) return 'concerns not acknowledged in time';
    if (/^review\|\d+$/.test(owner)) return `protocol version ${Number(owner.slice('review|'.length))}`;
    const [group, template] = owner.split('|');
    if (template && group && isGroupId(group)) return `the ${GROUP_INFO[group].name} ${TEMPLATE_NAMES[template as TemplateId] ?? template}`;
    const concern = await deps.concerns.get(owner);
    return concern ? `concern ${concern.record.reference}` : 'a concern';
  }

  /** The one notice per cause; nothing to say when the wait ended before it was ever sent. */
  async function waiting(entry: Entry<'waitingNotice'>): Promise<ComposedMessage | undefined> {
    const about = payloadOf(entry);
    const record = await deps.waiting.get(about.recipient);
    if (!record || (record.resolvedAt && !entry.activityId)) return undefined;
    return { to: person(entry), card: waitingMessage(record, deps.directory.nameOf(about.recipient), timeZone) };
  }

  /**
   * The short form of a message too large for a Teams card, to the same place: what it is, what it
   * is about, and, for a Lead or deputy, a button to open the concern (its card answers that).
   */
  async function shortened(entry: StoredOutboxEntry): Promise<ComposedMessage> {
    const [subject, concern] = await Promise.all([subjectOf(entry.ownerId), deps.concerns.get(entry.ownerId)]);
    const open = concern && deps.directory.roles(entry.recipient).modernSlaveryLead ? concern.record.id : undefined;
    return { to: isGroupId(entry.recipient) ? channel(entry) : person(entry), card: shortenedMessage(entry.kind, subject, open) };
  }

  // Too large is never a reason not to deliver (or to retry): the short form goes instead.
  return async (entry, options) => {
    if (options?.shortened) return shortened(entry);
    try {
      return await full(entry);
    } catch (error) {
      if (error instanceof CardTooLargeError) return shortened(entry);
      throw error;
    }
  };

  async function full(entry: StoredOutboxEntry): Promise<ComposedMessage | undefined> {
    switch (entry.kind) {
      case 'leadCard': {
        const concern = await concernOf(entry);
        const refreshUserIds = await deps.leadRefreshIds();
        // Every Lead gets the same card for a revision: its history is read, and the card made, once.
        const card = leadCards.get(`${concern.id}@${concern.revision}@${refreshUserIds.join(' ')}`, async () =>
          leadCard(concern, { timeZone, events: await deps.concerns.events(concern.id), refreshUserIds }),
        );
        return { to: person(entry), card: await card };
      }
      case 'channelNotice':
        return { to: channel(entry), card: channelNoticeCard(await concernOf(entry), entry.recipient as GroupId) };
      case 'escalation': {
        const concern = await concernOf(entry);
        if (concern.status !== 'new') return undefined; // acknowledged meanwhile
        return { to: person(entry), card: escalationMessage(concern, payloadOf(entry as Entry<'escalation'>), timeZone) };
      }
      case 'escalationDigest': {
        // Concerns acknowledged since the pass are left out; if none is left, nothing is sent.
        const listed = payloadOf(entry as Entry<'escalationDigest'>);
        const statusNow = await Promise.all(listed.items.map((item) => statusOf(item.concernId)));
        const waiting = new Set(listed.items.filter((_, i) => statusNow[i] === 'new').map((item) => item.concernId));
        const digest = stillUnacknowledged(listed, (id) => waiting.has(id));
        return digest && { to: person(entry), card: escalationDigestMessage(digest, timeZone, deps.directory.roles(entry.recipient).modernSlaveryLead) };
      }
      case 'reminder':
      case 'reminderChannel':
        return reminder(entry as Entry<'reminder' | 'reminderChannel'>);
      case 'review':
        return { to: person(entry), card: reviewMessage(payloadOf(entry as Entry<'review'>)) };
      case 'reporterUpdate':
        return { to: person(entry), card: reporterUpdateMessage(await concernOf(entry), payloadOf(entry as Entry<'reporterUpdate'>)) };
      case 'coordinatorNotice': {
        const about = payloadOf(entry as Entry<'coordinatorNotice'>);
        return { to: person(entry), card: undeliveredMessage(about, await subjectOf(about.owner), deps.directory.nameOf(about.recipient)) };
      }
      case 'waitingNotice':
        return waiting(entry as Entry<'waitingNotice'>);
      case 'signUpInvite':
        return { to: isGroupId(entry.recipient) ? channel(entry) : person(entry), card: signUpFormCard() };
      case 'chapterReview': {
        // Not sent once a newer version is collated (its own card follows) or the person no longer leads the group.
        const form = await deps.chapterReviews.formFor(payloadOf(entry as Entry<'chapterReview'>), entry.recipient);
        return form && { to: person(entry), card: chapterReviewCard(form, timeZone) };
      }
    }
  }
}
