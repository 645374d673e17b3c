import { ALL_VERBS } from '../cards/verbs.js';
import type { Clock } from '../domain/clock.js';
import type { ActivityLedger } from '../storage/activityLedger.js';
import type { AuditLog } from '../storage/auditLog.js';
import type { ConversationStore, SavedConversation } from '../storage/conversationStore.js';
import type { Actor } from './results.js';
import { concernIdSchema } from './concernService.js';

/** Where an activity came from: a person's personal chat, or a team channel. */
export type ArrivedFrom = { personal: string; installed: boolean; removed?: boolean } | { channelId: string };

export interface ConversationServiceDeps {
  conversations: ConversationStore;
  ledger: ActivityLedger;
  audit: AuditLog;
  clock: Clock;
  /** A person became reachable (installed the app): deliver what was waiting for them. */
  wake: (recipient: string) => Promise<void>;
}

/**
 * What happens as each activity arrives, before any feature sees it: the conversation is
 * remembered for proactive messages, repeat deliveries are recognised, and refusals are audited.
 */
export class ConversationService {
  constructor(private readonly deps: ConversationServiceDeps) {}

  /**
   * Stores (or refreshes) the conversation, because Teams can move it to a new service URL, and
   * clears any mark that Teams refused a send there (the person reached the bot, so it works
   * again). A person who has just installed the app, or whose reference was dropped because Teams
   * no longer knew the conversation and who now writes to the bot, gets what waited for them.
   */
  async remember(from: ArrivedFrom, conversation: SavedConversation): Promise<void> {
    const now = this.deps.clock.now();
    if ('channelId' in from) {
      await this.deps.conversations.saveChannel(from.channelId, conversation, now);
      return;
    }
    const saved = await this.deps.conversations.savePersonal(from.personal, conversation, now, { checkStore: from.installed || from.removed === true });
    if (from.installed || (saved === 'new' && !from.removed)) await this.deps.wake(from.personal);
  }

  /** True the first time an activity is seen; false when Teams delivers it again. */
  async firstSeen(conversationId: string, activityId: string): Promise<boolean> {
    return this.deps.ledger.firstSeen(conversationId, activityId);
  }

  /** An activity refused before any feature saw it (another tenant, no user id): audited. */
  async refused(actorId: string | undefined, reason: string, concernId?: string): Promise<void> {
    await this.deps.audit.append({
      at: this.deps.clock.now().toISOString(),
      actorId: actorId ?? 'unknown',
      action: 'request.refused',
      outcome: 'refused',
      reason,
      // Only an id of the server's own shape is kept: anything else on a forged card is text, not an id.
      ...(concernId && concernIdSchema.safeParse(concernId).success ? { concernId } : {}),
    });
  }

  /**
   * A card action no feature could take: a verb no handler has (`'unknown verb'`), or card data the
   * server never puts on a card, such as a group that is not one (`'card not valid'`). Both come
   * from an edited or forged card (or one from a much older version of the app), so they are
   * audited like any other refusal. The verb is whatever the client sent: it is named in the audit
   * only when it is one of ours, otherwise only its length is, so no sent text reaches the log.
   */
  async refusedCardAction(actor: Actor, verb: unknown, problem: 'unknown verb' | 'card not valid'): Promise<void> {
    const reason =
      typeof verb !== 'string'
        ? 'card action without a verb'
        : ALL_VERBS.includes(verb)
          ? `card action ${verb}: ${problem}`
          : `card action with an unknown verb (${verb.length} characters)`;
    await this.refused(actor.aadObjectId, reason);
  }
}
