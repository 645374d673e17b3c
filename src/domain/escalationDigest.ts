/** One concern step in an escalation digest: what the card shows, and nothing that identifies anyone. */
export interface EscalationDigestItem {
  concernId: string;
  reference: string;
  /** The escalation step's id, e.g. "urgent-60m". */
  step: string;
  /** Words for how long it has waited: "1 hour", "1 working day". */
  after: string;
  urgent: boolean;
  /** Treated as a child (under 18, or may be). */
  child: boolean;
  raisedAt: string;
}

/** The concern steps one escalation pass won, for one deputy or coordinator, the most pressing first. */
export interface EscalationDigestPayload {
  total: number;
  urgent: number;
  /** The first DIGEST_ITEMS_KEPT of them: a card shows fewer still, then says how many more. */
  items: EscalationDigestItem[];
}

/** More than a Teams card can show: what is not kept is counted, and "open concerns" lists it. */
const DIGEST_ITEMS_KEPT = 50;

/** Urgent first, then children, then the longest waiting. */
function morePressing(a: EscalationDigestItem, b: EscalationDigestItem): number {
  return Number(b.urgent) - Number(a.urgent) || Number(b.child) - Number(a.child) || a.raisedAt.localeCompare(b.raisedAt);
}

/** A digest of concern steps (at least one). */
export function escalationDigest(items: readonly EscalationDigestItem[]): EscalationDigestPayload {
  return {
    total: items.length,
    urgent: items.filter((i) => i.urgent).length,
    items: [...items].sort(morePressing).slice(0, DIGEST_ITEMS_KEPT),
  };
}

/**
 * The digest as it stands when it goes out: concerns acknowledged since the pass are left out (and
 * out of its counts); undefined when none it lists is still waiting, so nothing is sent.
 */
export function stillUnacknowledged(digest: EscalationDigestPayload, waiting: (concernId: string) => boolean): EscalationDigestPayload | undefined {
  const gone = digest.items.filter((item) => !waiting(item.concernId));
  if (gone.length === digest.items.length) return undefined;
  return {
    total: digest.total - gone.length,
    urgent: digest.urgent - gone.filter((item) => item.urgent).length,
    items: digest.items.filter((item) => waiting(item.concernId)),
  };
}

/** The outbox partition of one escalation pass's digests. */
export const digestOwner = (passId: string) => `digest|${passId}`;

export function isDigestOwner(owner: string): boolean {
  return owner.startsWith('digest|');
}
