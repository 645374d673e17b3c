import type { Application, TurnState } from '@microsoft/teams-ai';
import type { TurnContext } from 'botbuilder';
import { z } from 'zod';
import { messageCard } from '../cards/concernCards.js';
import {
  compareCard,
  dashboardCard,
  groupStatusCard,
  historyCard,
  pathwayDraftCard,
  pickGroupCard,
  strategyDraftCard,
  submissionCard,
  type DeadlineContext,
  type Notice,
} from '../cards/protocolCards.js';
import { CardTooLargeError } from '../cards/renderCard.js';
import { VERBS } from '../cards/verbs.js';
import type { Clock } from '../domain/clock.js';
import { GROUP_INFO, type GroupId } from '../domain/groups.js';
import type { Protocol } from '../domain/protocol.js';
import { deadlineInstant } from '../domain/schedule.js';
import { TEMPLATE_NAMES, type TemplateId } from '../domain/templates.js';
import { groupSchema, templateSchema, type Actor, type ProtocolService } from '../services/protocolService.js';
import type { ReminderService } from '../services/reminderService.js';
import { channelKey, type GroupChannelStore } from '../storage/conversationStore.js';
import { cardOrTooLarge, onCardAction } from './cardActions.js';
import { actorOf, channelConversationId, refusalCard, sendCard } from './turn.js';

type Card = Record<string, unknown>;

export interface ProtocolHandlerDeps {
  protocolService: ProtocolService;
  reminders: ReminderService;
  groupChannels: GroupChannelStore;
  protocol: Protocol;
  clock: Clock;
}

export const DRAFT_COMMAND = /^\s*draft\s+(strategy|pathway)\s*$/i;
export const STATUS_COMMAND = /^\s*(status|dashboard)\s*$/i;

const UNKNOWN_USER = 'Teams did not say who you are, so this cannot be done.';
const target = z.object({ group: groupSchema, template: templateSchema });
/** "housing|strategy|4": the dashboard's group-and-template choice, with the revision shown. */
const item = z
  .string()
  .max(100)
  .transform((v) => v.split('|'))
  .pipe(z.union([z.tuple([groupSchema, templateSchema]), z.tuple([groupSchema, templateSchema, z.string().regex(/^\d{1,9}$/)])]));

/** Drafting, versions, submitting, reviewing, the dashboard and "remind now". */
export function registerProtocolHandlers(app: Application<TurnState>, deps: ProtocolHandlerDeps): void {
  const { protocolService: service, protocol } = deps;
  const tz = protocol.timeZone;
  const context = (): DeadlineContext => ({ now: deps.clock.now(), deadline: deadlineInstant(protocol.deadline, tz), deadlineDate: protocol.deadline, timeZone: tz });
  const invalid = (text: string) => messageCard('Please check', text, 'attention');

  /** A card action about one group's template: the person and the (validated) group and template. */
  const onTemplateAction = (verb: string, handler: (actor: Actor, group: GroupId, template: TemplateId, data: Record<string, unknown>) => Promise<Card>) =>
    onCardAction(app, verb, (turn, data) => {
      const actor = actorOf(turn);
      const parsed = target.safeParse(data);
      if (!actor) return Promise.resolve(refusalCard(UNKNOWN_USER));
      if (!parsed.success) return Promise.resolve(invalid('This card is not valid any more: type "draft strategy", "draft pathway" or "status" again.'));
      return handler(actor, parsed.data.group, parsed.data.template, data);
    });

  /** A dashboard action: the chosen "group|template|revision". */
  const onItemAction = (verb: string, handler: (actor: Actor, group: GroupId, template: TemplateId, shownRevision: string | undefined, data: Record<string, unknown>) => Promise<Card>) =>
    onCardAction(app, verb, (turn, data) => {
      const actor = actorOf(turn);
      const parsed = item.safeParse(data.item);
      if (!actor) return Promise.resolve(refusalCard(UNKNOWN_USER));
      if (!parsed.success) return Promise.resolve(invalid('Choose a group and template first.'));
      const [group, template, shownRevision] = parsed.data;
      return handler(actor, group, template, shownRevision, data);
    });

  /** The group a channel belongs to, when the activity comes from a linked group channel. */
  async function channelGroup(turn: TurnContext): Promise<GroupId | undefined> {
    const id = channelConversationId(turn);
    return id ? deps.groupChannels.groupOfChannel(channelKey(id)) : undefined;
  }

  async function draftCard(actor: Actor, group: GroupId, template: TemplateId, notice?: Notice): Promise<Card> {
    const view = await service.openDraft(actor, group, template);
    if (view.kind === 'refused') return refusalCard(view.reason);
    return template === 'strategy' ? strategyDraftCard(group, view.record, view.latest, tz, notice ? { notice } : {}) : pathwayDraftCard(group, view.record, view.latest, tz, notice ? { notice } : {});
  }

  /** Which group's template to open: the channel's group, the person's only group, or a choice. */
  async function openFor(turn: TurnContext, template: TemplateId): Promise<Card> {
    const actor = actorOf(turn);
    if (!actor) return refusalCard(UNKNOWN_USER);
    const groups = service.draftingGroups(actor);
    const inChannel = await channelGroup(turn);
    if (inChannel) return draftCard(actor, inChannel, template);
    if (!groups.length) return refusalCard(`Only members of a Task and Finish group can draft its ${TEMPLATE_NAMES[template]}. If you should be in a group, ask the coordinator.`);
    if (groups.length === 1) return draftCard(actor, groups[0]!, template);
    return pickGroupCard(template, groups);
  }

  app.message(DRAFT_COMMAND, async (turn) => {
    const template = (DRAFT_COMMAND.exec(turn.activity.text ?? '')![1]!.toLowerCase()) as TemplateId;
    await sendCard(turn, await cardOrTooLarge(() => openFor(turn, template)));
  });

  onTemplateAction(VERBS.openDraft, async (actor, group, template) => {
    return draftCard(actor, group, template);
  });

  onTemplateAction(VERBS.saveDraft, async (actor, group, template, data) => {
    const result = await service.saveDraft(actor, group, template, data, data.baseVersion);
    if (result.kind === 'refused') return refusalCard(result.reason);
    const view = await service.openDraft(actor, group, template);
    if (view.kind === 'refused') return refusalCard(view.reason);
    if (result.kind === 'invalid') {
      const refusedCard = (keep: (text: string) => string, notice: Notice) =>
        template === 'strategy'
          ? strategyDraftCard(group, view.record, view.latest, tz, { values: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, typeof v === 'string' ? keep(v) : v])), errors: result.errors, notice })
          : pathwayDraftCard(group, view.record, view.latest, tz, { value: keep(typeof data.flowcharts === 'string' ? data.flowcharts : ''), errors: result.pathwayErrors, notice });
      try {
        return refusedCard((text) => text, { text: 'Not saved: please fix what is marked below. Your text is kept.', tone: 'attention' });
      } catch (error) {
        if (!(error instanceof CardTooLargeError)) throw error;
        // Too much to show back whole: show the start of each part, and say plainly that the rest is not on the card.
        return refusedCard((text) => text.slice(0, 800), { text: 'Not saved, and too long to show back whole: only the start of each part is shown below. Copy your full text from where you wrote it, shorten it, and save again.', tone: 'attention' });
      }
    }
    const notice: Notice = { text: result.note ?? `Saved as version ${result.record.latestVersion}.`, tone: result.note ? 'attention' : 'good' };
    return template === 'strategy' ? strategyDraftCard(group, view.record, view.latest, tz, { notice }) : pathwayDraftCard(group, view.record, view.latest, tz, { notice });
  });

  async function history(actor: Actor, group: GroupId, template: TemplateId, notice?: Notice): Promise<Card> {
    const view = await service.history(actor, group, template);
    return view.kind === 'refused' ? refusalCard(view.reason) : historyCard(view.record, view.versions, view.canSubmit, context(), notice);
  }

  onTemplateAction(VERBS.history, async (actor, group, template) => {
    return history(actor, group, template);
  });

  onTemplateAction(VERBS.compare, async (actor, group, template, data) => {
    const result = await service.compare(actor, group, template, data.from, data.to);
    if (result.kind === 'refused') return refusalCard(result.reason);
    if (result.kind === 'invalid') return history(actor, group, template, { text: result.reason, tone: 'attention' });
    return compareCard(group, template, result.from, result.to, result.parts, tz);
  });

  onTemplateAction(VERBS.submitTemplate, async (actor, group, template, data) => {
    const result = await service.submit(actor, group, template, data.version);
    if (result.kind === 'refused') return refusalCard(result.reason);
    const notice: Notice =
      result.kind === 'ok'
        ? { text: `Version ${result.record.submittedVersion} submitted as the ${GROUP_INFO[group].name} ${TEMPLATE_NAMES[template]}. The coordinator has been told.`, tone: 'good' }
        : { text: result.reason, tone: 'attention' };
    return history(actor, group, template, notice);
  });

  async function dashboard(actor: Actor, notice?: Notice, selected?: string): Promise<Card> {
    const result = await service.dashboard(actor);
    return result.kind === 'refused' ? refusalCard(result.reason) : dashboardCard(result.records, context(), { ...(notice ? { notice } : {}), ...(selected ? { selected } : {}) });
  }

  app.message(STATUS_COMMAND, async (turn) => sendCard(turn, await cardOrTooLarge(() => statusFor(turn))));

  /** "status": the dashboard for a coordinator, a group's own status in its channel or for its members. */
  async function statusFor(turn: TurnContext): Promise<Card> {
    const actor = actorOf(turn);
    if (!actor) return refusalCard(UNKNOWN_USER);
    const inChannel = await channelGroup(turn);
    if (!inChannel && service.isCoordinator(actor)) return dashboard(actor);
    const group = inChannel ?? service.draftingGroups(actor)[0];
    if (!group) return refusalCard('"status" shows a Task and Finish group\'s templates to its members, and every group to the coordinators.');
    const result = await service.groupStatus(actor, group);
    return result.kind === 'refused' ? refusalCard(result.reason) : groupStatusCard(group, result.records, context());
  }


  onCardAction(app, VERBS.dashboard, async (turn) => {
    const actor = actorOf(turn);
    return actor ? dashboard(actor) : refusalCard(UNKNOWN_USER);
  });

  onItemAction(VERBS.viewSubmission, async (actor, group, template) => {
    const result = await service.submission(actor, group, template);
    if (result.kind === 'refused') return refusalCard(result.reason);
    if (result.kind === 'invalid') return service.isCoordinator(actor) ? dashboard(actor, { text: result.reason, tone: 'attention' }, `${group}|${template}`) : invalid(result.reason);
    return submissionCard(result.record, result.info, result.content, result.canReview, tz);
  });

  for (const [verb, decision] of [
    [VERBS.accept, 'accept'],
    [VERBS.returnTemplate, 'return'],
  ] as const) {
    onItemAction(verb, async (actor, group, template, shownRevision, data) => {
      const result = await service.review(actor, group, template, decision, data.comment, data.revision ?? shownRevision);
      if (result.kind === 'refused') return refusalCard(result.reason);
      const notice: Notice =
        result.kind === 'ok'
          ? { text: `${decision === 'accept' ? 'Accepted' : 'Returned'}: ${GROUP_INFO[group].name} ${TEMPLATE_NAMES[template]}, version ${result.record.submittedVersion}. The group's lead has been told.`, tone: 'good' }
          : { text: result.reason, tone: 'attention' };
      if (data.from === 'dashboard') return dashboard(actor, notice, `${group}|${template}`);
      const view = await service.submission(actor, group, template);
      return view.kind === 'ok' ? submissionCard(view.record, view.info, view.content, view.canReview, tz, notice) : dashboard(actor, notice);
    });
  }

  onItemAction(VERBS.remind, async (actor, group, template) => {
    const result = await deps.reminders.remindNow(actor, group, template);
    if (result.kind === 'refused') return refusalCard(result.reason);
    const notice: Notice =
      result.kind === 'ok'
        ? { text: result.item.sent ? `Reminder sent to ${result.item.recipients.join(' and ')}.` : 'A reminder was already sent this minute.', tone: 'good' }
        : { text: result.reason, tone: 'attention' };
    return dashboard(actor, notice, `${group}|${template}`);
  });
}
