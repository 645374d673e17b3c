import { AGE_BANDS, EXPLOITATION_TYPES } from '../domain/concern.js';
import type { ConcernRecord } from '../domain/concernRecord.js';
import { GROUP_INFO, isGroupId } from '../domain/groups.js';
import type {
  EscalationPayload,
  OutboxKind,
  ReminderPayload,
  ReporterUpdatePayload,
  ReviewPayload,
  UndeliveredPayload,
  WaitingRecord,
} from '../domain/outbox.js';
import { SUBMISSION_LABELS, type SubmissionStatus } from '../domain/submission.js';
import { TEMPLATE_NAMES } from '../domain/templates.js';
import { formatLocal, labels } from './format.js';
import { escapeMarkdown } from './markdown.js';
import { noticeCard } from './messageCard.js';
import type { Card } from './renderCard.js';
import { VERBS } from './verbs.js';

/** The state of things when a reminder is actually sent (it may have waited for an install). */
export interface ReminderFacts {
  daysLeft: number;
  status: SubmissionStatus;
  /** The deadline as people say it: "Friday 2 July 2027". */
  deadline: string;
}

const days = (n: number) => `${n} day${n === 1 ? '' : 's'}`;

/** The reminder to a group lead (or the group's channel) about a template not yet submitted. */
export function reminderMessage(payload: ReminderPayload, facts: ReminderFacts): Card {
  const p = { ...payload, ...facts };
  const what = `The ${GROUP_INFO[p.group].name} group's ${TEMPLATE_NAMES[p.template]}`;
  const state =
    p.status === 'returned'
      ? 'was returned by the coordinator and has not been resubmitted'
      : `has not been submitted yet (${SUBMISSION_LABELS[p.status].toLowerCase()})`;
  const when =
    p.daysLeft > 0
      ? `${days(p.daysLeft)} left: the deadline is the end of ${p.deadline}.`
      : p.daysLeft === 0
        ? `It is due today: the deadline is the end of today, ${p.deadline}.`
        : `It was due by the end of ${p.deadline} and is ${days(-p.daysLeft)} late.`;
  const title =
    p.daysLeft < 0
      ? `Late: ${TEMPLATE_NAMES[p.template]} for ${GROUP_INFO[p.group].name}`
      : `Reminder: ${TEMPLATE_NAMES[p.template]} for ${GROUP_INFO[p.group].name}`;
  return noticeCard(
    title,
    [`${what} ${state}.`, when, 'A group lead submits a saved version from "Versions and submit".'],
    [
      { title: 'Open the draft', verb: VERBS.openDraft, data: { group: p.group, template: p.template } },
      { title: 'Versions and submit', verb: VERBS.history, data: { group: p.group, template: p.template } },
    ],
    p.daysLeft <= 1 ? 'attention' : 'default',
  );
}

/** A submission for the coordinators, or the coordinator's decision for the group's leads. */
export function reviewMessage(p: ReviewPayload): Card {
  const what = `${GROUP_INFO[p.group].name} ${TEMPLATE_NAMES[p.template]}`;
  const button = { group: p.group, template: p.template };
  if (p.decision === 'submitted') {
    return noticeCard(
      `Submitted: ${what}`,
      [`${escapeMarkdown(p.by)} submitted version ${p.version ?? '?'} of the ${what}. Please accept it or return it with a comment.`],
      [{ title: 'View submission', verb: VERBS.viewSubmission, data: { item: `${p.group}|${p.template}` } }],
    );
  }
  if (p.decision === 'accepted') {
    return noticeCard(
      `Accepted: ${what}`,
      [`${escapeMarkdown(p.by)} accepted version ${p.version ?? '?'} of your group's ${TEMPLATE_NAMES[p.template]}. Thank you.`],
      [],
      'good',
    );
  }
  return noticeCard(
    `Returned: ${what}`,
    [
      `${escapeMarkdown(p.by)} returned version ${p.version ?? '?'} of your group's ${TEMPLATE_NAMES[p.template]} with this comment:`,
      escapeMarkdown(p.comment ?? ''),
      'Change the draft, save it, and submit the new version.',
    ],
    [
      { title: 'Open the draft', verb: VERBS.openDraft, data: button },
      { title: 'Versions and submit', verb: VERBS.history, data: button },
    ],
    'attention',
  );
}

/** An unacknowledged concern, for deputies and coordinators: no observed text, no place. */
export function escalationMessage(concern: ConcernRecord, p: EscalationPayload, timeZone: string): Card {
  return noticeCard(
    `${concern.urgent ? 'Urgent concern' : 'Concern'} ${concern.reference} not acknowledged`,
    [
      `Concern ${concern.reference} has not been acknowledged by the Modern Slavery Lead after ${p.after}.`,
      `Raised ${formatLocal(concern.createdAt, timeZone)}; area ${GROUP_INFO[concern.intake.area].name}; age band ${AGE_BANDS[concern.intake.ageBand]}; ${labels(concern.intake.exploitation, EXPLOITATION_TYPES)}.`,
      concern.urgent ? 'Someone may be in immediate danger.' : 'Please make sure someone picks it up.',
    ],
    [{ title: 'Open the concern', verb: VERBS.refreshConcern, data: { concernId: concern.id } }],
    'attention',
  );
}

const KIND_NAMES: Record<OutboxKind, string> = {
  leadCard: "The Modern Slavery Lead's card",
  channelNotice: 'The group channel notice',
  coordinatorNotice: 'A coordinator notice',
  waitingNotice: 'A coordinator notice',
  escalation: 'An escalation',
  escalationDigest: 'An escalation digest',
  reminder: 'A deadline reminder',
  reminderChannel: 'A deadline reminder',
  review: 'A review message',
  reporterUpdate: 'An update for the person who raised it',
  signUpInvite: 'The sign-up card',
  chapterReview: 'A chapter review card',
};

const REASONS: Partial<Record<string, string>> = {
  '403': 'Teams refused it (the app is blocked by that person, or no longer in that team)',
  '404': 'that conversation no longer exists (the app was removed)',
  network: 'Teams could not be reached, however often it was tried',
  '413': 'it was too large for a Teams card',
};

/** How a coordinator puts it right, in words: the real command for a group, or what to ask of a person. */
function howToFix(recipient: string, recipientName: string): string {
  if (isGroupId(recipient)) {
    return `In the ${GROUP_INFO[recipient].name} group's team channel, check that the app is still added, then @mention the bot and send "link ${recipient}".`;
  }
  return `Ask ${escapeMarkdown(recipientName)} to unblock or add the app again in Teams.`;
}

/**
 * Tells a coordinator that a message will not be delivered, without any detail of its content.
 * `subject` is what it was about ("concern MS-2027-000001"); `recipientName` who should have had it.
 */
export function undeliveredMessage(about: UndeliveredPayload, subject: string, recipientName: string): Card {
  const target = isGroupId(about.recipient) ? `the ${GROUP_INFO[about.recipient].name} channel` : escapeMarkdown(recipientName);
  const why = REASONS[about.reason] ?? `Teams kept refusing it (${about.reason})`;
  const instead = about.sentInsteadTo === 'deputies' ? ['It was sent to the deputies instead, so the concern is not held up.'] : [];
  return noticeCard(
    `Not delivered: ${subject}`,
    [`${KIND_NAMES[about.failedKind]} for ${subject} could not be delivered to ${target}: ${why}.`, ...instead, howToFix(about.recipient, recipientName)],
    [],
    'attention',
  );
}

/**
 * The short form of a message too large for a Teams card: what kind of message it is and what it
 * is about (`subject`, e.g. "concern MS-2027-000001"), with a button to open the concern when
 * `openConcernId` is given (only for someone who may open it).
 */
export function shortenedMessage(kind: OutboxKind, subject: string, openConcernId?: string): Card {
  return noticeCard(
    subject.charAt(0).toUpperCase() + subject.slice(1),
    [
      `${KIND_NAMES[kind]} for ${subject} is too long for a Teams message, so it is shortened here.`,
      openConcernId ? 'Open the concern to see it in full and act on it.' : 'Nothing has been lost: the full record is kept.',
    ],
    openConcernId ? [{ title: 'Open the concern', verb: VERBS.refreshConcern, data: { concernId: openConcernId } }] : [],
  );
}

/**
 * The one notice per cause: messages wait for a person to install the app, or for a group's
 * channel to be linked. Sent once, then updated in place as more queue and when the wait ends.
 */
export function waitingMessage(record: WaitingRecord, recipientName: string, timeZone: string): Card {
  const group = isGroupId(record.recipient) ? record.recipient : undefined;
  const who = group ? `the ${GROUP_INFO[group].name} group's channel` : escapeMarkdown(recipientName);
  const messages = `${record.count} message${record.count === 1 ? '' : 's'}`;
  if (record.resolvedAt) {
    const fixed = group ? `The ${GROUP_INFO[group].name} channel is linked now` : `${escapeMarkdown(recipientName)} has the app now`;
    return noticeCard(`Sorted: ${fixed.replace(/^The /, 'the ')}`, [`${fixed}: the ${messages} that waited are being delivered.`], [], 'good');
  }
  const why = group ? `no channel is linked to the ${GROUP_INFO[group].name} group yet` : `${who} has not installed the app yet`;
  const fix = group
    ? `To link it: in the ${GROUP_INFO[group].name} group's team channel, @mention the bot and send "link ${group}".`
    : `Ask ${who} to add the app in Teams (Apps, then search for it); everything waiting reaches them at once.`;
  return noticeCard(group ? `Waiting: the ${GROUP_INFO[group].name} channel is not linked` : `Waiting: ${who} has not installed the app`, [
    `${messages} for ${who} ${record.count === 1 ? 'is' : 'are'} waiting (since ${formatLocal(record.since, timeZone)}): ${why}. Nothing is lost: they are sent as soon as that is put right.`,
    fix,
  ]);
}

/**
 * The reporter's concern was picked up, or closed. Nothing of what the Lead did: the reporter
 * sees the status, as in "my concerns", and where to turn if they are worried.
 */
export function reporterUpdateMessage(concern: ConcernRecord, p: ReporterUpdatePayload): Card {
  const title = p.update === 'closed' ? `Concern ${concern.reference}: closed` : `Concern ${concern.reference}: picked up`;
  const line =
    p.update === 'closed'
      ? `The Modern Slavery Lead has closed the concern you raised (${concern.reference}). Thank you for raising it: suspicion was enough.`
      : `The Modern Slavery Lead has picked up the concern you raised (${concern.reference}) and is dealing with it. You do not need to do anything unless they contact you.`;
  return noticeCard(
    title,
    [line, 'If you see something new, raise a new concern. Danger to life: call 999.'],
    [{ title: 'My concerns', verb: VERBS.myConcerns }],
    'good',
  );
}
