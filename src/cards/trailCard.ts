import { formatLocal } from './format.js';
import { escapeMarkdown } from './markdown.js';
import { cardTemplate, renderFitting, type Card } from './renderCard.js';
import trailJson from './templates/trail.json';
import { VERBS, type Verb } from './verbs.js';

/** One row of a concern's audit trail as the card shows it: who (a name, else the id), what, when, and whether it was allowed. */
export interface TrailEntry {
  at: string;
  who: string;
  action: string;
  outcome: 'allowed' | 'refused';
  reason?: string;
}

/** What each audited action on a concern is called on the card. */
const ACTIONS: Record<string, string> = {
  'concern.raised': 'Raised the concern',
  'concern.viewed': 'Opened the concern',
  'concern.changed': 'Changed the concern',
  'concern.refused': 'Tried to see or change the concern',
  'concern.duplicateSubmit': 'Sent the same concern again',
  'concern.escalated': 'Escalated: not acknowledged in time',
  'concern.exported': 'Exported everything held about it',
  'concern.trailViewed': 'Looked at who has seen or changed it',
  'concern.legalHold': 'Legal hold',
  'concern.anonymised': 'Anonymised it',
};

/** The server's reasons, in words where a person would not read them as they are. */
const REASONS: Record<string, string> = {
  acknowledged: 'acknowledged',
  actionRecorded: 'recorded an action',
  rerouted: 'rerouted',
  closed: 'closed',
  set: 'set',
  lifted: 'lifted',
};

interface TrailView {
  concernId: string;
  reference: string;
  summary: string;
  more: string;
  entries: { line: string; refused: boolean }[];
  verbs: { refresh: Verb };
}
const trailTemplate = cardTemplate<TrailView>(trailJson);

/** How many rows the card tries to show, newest first; fewer if long names would make it too big for Teams. */
const SIZES = [50, 25, 10];

function line(entry: TrailEntry, timeZone: string): string {
  const what = ACTIONS[entry.action] ?? entry.action;
  const reason = entry.reason ? `: ${REASONS[entry.reason] ?? entry.reason}` : '';
  return `${formatLocal(entry.at, timeZone)}: ${escapeMarkdown(entry.who)}, ${escapeMarkdown(`${what}${reason}`)} (${entry.outcome === 'refused' ? 'refused' : 'allowed'})`;
}

/**
 * "Who has seen or changed this": a concern's audit trail, newest first, the latest 50 (fewer if
 * they would not fit a Teams card), saying how many earlier ones are not shown.
 */
export function trailCard(concern: { id: string; reference: string }, entries: TrailEntry[], timeZone: string): Card {
  const newestFirst = [...entries].sort((a, b) => b.at.localeCompare(a.at));
  const view = (size: number): TrailView => {
    const shown = newestFirst.slice(0, size);
    const hidden = newestFirst.length - shown.length;
    return {
      concernId: concern.id,
      reference: concern.reference,
      summary: `${newestFirst.length} ${newestFirst.length === 1 ? 'entry' : 'entries'} in the audit log, newest first. Times are local (${timeZone}).`,
      more: hidden > 0 ? `${hidden} earlier ${hidden === 1 ? 'entry is' : 'entries are'} not shown here: export the concern to see them all.` : '',
      entries: shown.map((e) => ({ line: line(e, timeZone), refused: e.outcome === 'refused' })),
      verbs: { refresh: VERBS.refreshConcern },
    };
  };
  return renderFitting(trailTemplate, [...SIZES, 0], view);
}
