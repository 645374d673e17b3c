import type { ConcernStatus } from './concern.js';

/** What a Lead can do to a concern; each is one event in its history. */
export type ConcernCommand = 'acknowledge' | 'recordAction' | 'reroute' | 'close';

/**
 * The concern state machine: from a status, which commands are allowed and where they lead.
 * Recording an action on a new concern also counts as acknowledging it: a Lead who has already
 * phoned the police should not have to press a second button first.
 */
const TRANSITIONS: Record<ConcernStatus, Partial<Record<ConcernCommand, ConcernStatus>>> = {
  new: { acknowledge: 'acknowledged', recordAction: 'inProgress', reroute: 'new', close: 'closed' },
  acknowledged: { recordAction: 'inProgress', reroute: 'acknowledged', close: 'closed' },
  inProgress: { recordAction: 'inProgress', reroute: 'inProgress', close: 'closed' },
  closed: {},
};

export const STATUS_LABELS: Record<ConcernStatus, string> = {
  new: 'New: not yet acknowledged',
  acknowledged: 'Acknowledged',
  inProgress: 'In progress',
  closed: 'Closed',
};

/** The status after a command, or undefined when the command is not allowed from this status. */
export function nextStatus(from: ConcernStatus, command: ConcernCommand): ConcernStatus | undefined {
  return TRANSITIONS[from][command];
}

/** Commands allowed from a status, for showing only the buttons that can work. */
export function allowedCommands(from: ConcernStatus): ConcernCommand[] {
  return Object.keys(TRANSITIONS[from]) as ConcernCommand[];
}
