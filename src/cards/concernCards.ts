import { AGE_BANDS, EXPLOITATION_TYPES, OUTCOMES } from '../domain/concern.js';
import type { ConcernRecord } from '../domain/concernRecord.js';
import { GROUP_INFO, type GroupId } from '../domain/groups.js';
import { STATUS_LABELS } from '../domain/status.js';
import { formatLocal, labels } from './format.js';
import { escapeMarkdown } from './markdown.js';
import { cardTemplate, renderCard, type Card } from './renderCard.js';
import channelNoticeJson from './templates/channelNotice.json';
import myConcernsJson from './templates/myConcerns.json';
import openConcernsJson from './templates/openConcerns.json';
import receiptJson from './templates/receipt.json';
import { VERBS, type Verb } from './verbs.js';

// The Lead's card has its own module; it is part of this family of concern cards.
export { leadCard, type LeadCardContext } from './leadCard.js';

interface ReceiptView {
  heading: string;
  urgent: boolean;
  reference: string;
  raisedAt: string;
  status: string;
  nextSteps: string;
  verbs: { myConcerns: Verb };
}
const receiptTemplate = cardTemplate<ReceiptView>(receiptJson);

/** The reporter's receipt: reference, what happens next, where to get help. */
export function receiptCard(concern: ConcernRecord, options: { timeZone: string; alreadySubmitted?: boolean }): Card {
  const { timeZone, alreadySubmitted = false } = options;
  return renderCard(receiptTemplate, {
    heading: alreadySubmitted ? `Already submitted: ${concern.reference}` : `Concern raised: ${concern.reference}`,
    urgent: concern.urgent,
    reference: concern.reference,
    raisedAt: formatLocal(concern.createdAt, timeZone),
    status: STATUS_LABELS[concern.status],
    nextSteps: alreadySubmitted
      ? 'This concern was already sent; it has not been sent twice. The Modern Slavery Lead has it.'
      : "The Modern Slavery Lead has the full details now and will decide what to do: an NRM referral, children's services, the police or support. You do not need to do anything else unless they contact you. Use the reference if you are asked about it.",
    verbs: { myConcerns: VERBS.myConcerns },
  });
}

interface ChannelNoticeView {
  heading: string;
  headingColor: string;
  reference: string;
  area: string;
  group: string;
  ageBand: string;
  exploitation: string;
  urgency: string;
  handledBy: string;
  why: string;
}
const channelNoticeTemplate = cardTemplate<ChannelNoticeView>(channelNoticeJson);

/**
 * The minimal notice for a group's channel: reference, area, age band, exploitation types,
 * urgency and who is handling it. Never the observed text, never the place.
 */
export function channelNoticeCard(concern: ConcernRecord, forGroup: GroupId): Card {
  const why =
    forGroup === concern.intake.area
      ? `Sent to ${GROUP_INFO[forGroup].name} because it was encountered in this group's area.`
      : forGroup === concern.group
        ? `Sent to ${GROUP_INFO[forGroup].name} because the Modern Slavery Lead asked this group to handle it.`
        : `Sent to ${GROUP_INFO[forGroup].name} because the person is, or may be, a child or a young person (16-25).`;
  return renderCard(channelNoticeTemplate, {
    heading: concern.urgent ? `Urgent modern slavery concern ${concern.reference}` : `Modern slavery concern ${concern.reference}`,
    headingColor: concern.urgent ? 'Attention' : 'Default',
    reference: concern.reference,
    area: GROUP_INFO[concern.intake.area].name,
    group: GROUP_INFO[concern.group].name,
    ageBand:
      concern.treatedAsChild && concern.intake.ageBand !== 'under16' && concern.intake.ageBand !== '16-17'
        ? 'Not known: may be a child'
        : AGE_BANDS[concern.intake.ageBand],
    exploitation: labels(concern.intake.exploitation, EXPLOITATION_TYPES),
    urgency: concern.urgent ? 'Urgent: possible immediate danger' : 'Not urgent',
    handledBy: concern.handledBy ? `Modern Slavery Lead (${escapeMarkdown(concern.handledBy.name)})` : 'Modern Slavery Lead',
    why,
  });
}

interface MyConcernsView {
  summary: string;
  concerns: { reference: string; raisedAt: string; status: string }[];
}
const myConcernsTemplate = cardTemplate<MyConcernsView>(myConcernsJson);

/** "My concerns": the reporter's own concerns and their status. */
export function myConcernsCard(concerns: ConcernRecord[], timeZone: string): Card {
  return renderCard(myConcernsTemplate, {
    summary: concerns.length
      ? `You have raised ${concerns.length} concern${concerns.length === 1 ? '' : 's'}. Only you can see this list.`
      : 'You have not raised any concerns.',
    concerns: concerns.slice(0, 50).map((c) => ({
      reference: c.reference,
      raisedAt: formatLocal(c.createdAt, timeZone),
      status: c.outcome ? `Closed: ${OUTCOMES[c.outcome]}` : STATUS_LABELS[c.status],
    })),
  });
}

interface OpenConcernsView {
  summary: string;
  concerns: { id: string; reference: string; urgent: string; urgentColor: string; status: string; raisedAt: string; group: string }[];
  verbs: { open: Verb };
}
const openConcernsTemplate = cardTemplate<OpenConcernsView>(openConcernsJson);

/** The Lead's worklist: every open concern, urgent first, with a way to open each one's card. */
export function openConcernsCard(concerns: ConcernRecord[], timeZone: string): Card {
  const shown = concerns.slice(0, 40);
  return renderCard(openConcernsTemplate, {
    summary: concerns.length
      ? `${concerns.length} open concern${concerns.length === 1 ? '' : 's'}, urgent first${concerns.length > shown.length ? `; the oldest ${shown.length} are shown` : ''}.`
      : 'No open concerns.',
    concerns: shown.map((c) => ({
      id: c.id,
      reference: c.reference,
      urgent: c.urgent ? 'Urgent' : 'No',
      urgentColor: c.urgent ? 'Attention' : 'Default',
      status: STATUS_LABELS[c.status],
      raisedAt: formatLocal(c.createdAt, timeZone),
      group: GROUP_INFO[c.group].name,
    })),
    verbs: { open: VERBS.refreshConcern },
  });
}
