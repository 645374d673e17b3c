import { localDate } from '../domain/calendar.js';
import type { Clock } from '../domain/clock.js';
import { GROUP_IDS, type GroupId } from '../domain/groups.js';
import { newOutboxEntry } from '../domain/outbox.js';
import type { Person } from '../domain/protocol.js';
import { parseSignUp, SIGN_UP_INVITES, type SignUpField, type SignUpRecord } from '../domain/signUp.js';
import { signUpCsv } from '../reports/signUpCsv.js';
import type { AuditAction, AuditLog } from '../storage/auditLog.js';
import type { ConversationStore, GroupChannelStore } from '../storage/conversationStore.js';
import type { OutboxStore } from '../storage/outboxStore.js';
import { signUpKey, type SignUpStore } from '../storage/signUpStore.js';
import type { Directory } from './directory.js';
import { type Actor, type Refused, refusal } from './results.js';

export interface SignUpServiceDeps {
  signUps: SignUpStore;
  conversations: ConversationStore;
  groupChannels: GroupChannelStore;
  /** Where the sign-up cards for people and group channels are queued; the outbox delivers them. */
  invites: OutboxStore;
  outboxWritten: () => void;
  audit: AuditLog;
  /** Also who holds a role: the people a coordinator can send the card to (if they have the app). */
  directory: Directory;
  clock: Clock;
  timeZone: string;
}

export type SignResult = { kind: 'invalid'; errors: Partial<Record<SignUpField, string>> } | { kind: 'signed'; record: SignUpRecord; updated: boolean };
/** Where a coordinator can send the sign-up card: linked group channels, and people who have the app. */
export type Recipients = { kind: 'recipients'; groups: GroupId[]; people: Person[] };
export type SendResult = Refused | (Omit<Recipients, 'kind'> & { kind: 'invalid'; reason: string }) | { kind: 'sent'; groups: GroupId[]; people: Person[] };
export type SignUpList = { kind: 'list'; signUps: SignUpRecord[] };
export type SignUpFile = { kind: 'file'; name: string; bytes: Buffer; signUps: SignUpRecord[] };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const chosen = (value: unknown) => (typeof value === 'string' ? value.split(',').map((v) => v.trim()) : []);

/**
 * Partner organisations sign up to the collated protocol. Anyone in the tenant may sign (it is a
 * form for organisations' representatives; who entered it is recorded); only coordinators send
 * the card, see the list and export it. Every sign-up, send and export is audited, and so is every refusal.
 */
export class SignUpService {
  constructor(private readonly deps: SignUpServiceDeps) {}

  /** Today in the protocol's time zone: the latest date a sign-up can carry. */
  today(): string {
    return localDate(this.deps.clock.now(), this.deps.timeZone);
  }

  /** Records an organisation's sign-up (or updates it, when it signed before); the card's data is checked here. */
  async sign(actor: Actor, data: unknown): Promise<SignResult> {
    const parsed = parseSignUp(data, this.today(), this.deps.timeZone);
    if (!parsed.ok) return { kind: 'invalid', errors: parsed.errors };
    const { record, updated } = await this.deps.signUps.record(parsed.signUp, actor, this.deps.clock.now());
    // The organisation is named by its key only: the audit log holds no text people typed.
    await this.audit(actor, 'signup.recorded', 'allowed', `${updated ? 'updated' : 'new'} sign-up ${signUpKey(record.organisation).slice(0, 16)}`);
    return { kind: 'signed', record, updated };
  }

  /** A coordinator posts the card in the channel (or group chat) they are in. */
  async postHere(actor: Actor): Promise<Refused | { kind: 'ok' }> {
    if (!(await this.isCoordinator(actor, 'send sign-up'))) return refusal('Only a protocol coordinator can send the sign-up card.');
    await this.audit(actor, 'signup.sent', 'allowed', 'card posted in a channel');
    return { kind: 'ok' };
  }

  /** Where the coordinator can send the card: the linked group channels, and the protocol's people who have the app. */
  async recipients(actor: Actor): Promise<Refused | Recipients> {
    if (!(await this.isCoordinator(actor, 'send sign-up'))) return refusal('Only a protocol coordinator can send the sign-up card.');
    return this.reachable();
  }

  /**
   * Queues the card for the chosen channels and people, as the outbox delivers every proactive
   * message (retried, never lost). Only recipients the server offers are taken, whatever the card
   * sent back; `sendId` makes a second click on the same card send nothing more.
   */
  async send(actor: Actor, sendId: unknown, groups: unknown, people: unknown): Promise<SendResult> {
    if (!(await this.isCoordinator(actor, 'send sign-up'))) return refusal('Only a protocol coordinator can send the sign-up card.');
    const offered = await this.reachable();
    const toGroups = offered.groups.filter((g) => chosen(groups).includes(g));
    const toPeople = offered.people.filter((p) => chosen(people).includes(p.aadObjectId));
    if (typeof sendId !== 'string' || !UUID.test(sendId)) {
      // The server puts a UUID on every send card: anything else is a changed card.
      await this.audit(actor, 'request.refused', 'refused', 'send sign-up: card not valid');
      return { ...offered, kind: 'invalid', reason: 'This card is out of date: choose again on this one.' };
    }
    if (!toGroups.length && !toPeople.length) return { ...offered, kind: 'invalid', reason: 'Choose at least one channel or person.' };
    const now = this.deps.clock.now();
    const entries = [...toGroups, ...toPeople.map((p) => p.aadObjectId)].map((recipient) =>
      newOutboxEntry({ kind: 'signUpInvite', recipient, now, key: sendId }),
    );
    await this.deps.invites.add(SIGN_UP_INVITES, entries);
    this.deps.outboxWritten();
    await this.audit(actor, 'signup.sent', 'allowed', `card sent to ${toGroups.length} group channel(s) and ${toPeople.length} person(s)`);
    return { kind: 'sent', groups: toGroups, people: toPeople };
  }

  /** Every organisation signed up, newest first (coordinators only). */
  async list(actor: Actor): Promise<Refused | SignUpList> {
    if (!(await this.isCoordinator(actor, 'list sign-ups'))) return refusal('Only a protocol coordinator can see who has signed up.');
    return { kind: 'list', signUps: await this.deps.signUps.all() };
  }

  /**
   * The list as a CSV file (coordinators only). Offered first (a file consent card, which needs its
   * size), then made again when the coordinator accepts it: the upload is the export, and is audited.
   */
  async file(actor: Actor, purpose: 'offer' | 'upload'): Promise<Refused | SignUpFile> {
    if (!(await this.isCoordinator(actor, 'export sign-ups'))) return refusal('Only a protocol coordinator can export the sign-up list.');
    const signUps = await this.deps.signUps.all();
    const bytes = signUpCsv(signUps, this.deps.timeZone);
    if (purpose === 'upload') await this.audit(actor, 'signup.exported', 'allowed', `${signUps.length} organisation(s) as CSV`);
    return { kind: 'file', name: `Coventry-Modern-Slavery-Protocol-Sign-ups-${this.today()}.csv`, bytes, signUps };
  }

  private async reachable(): Promise<Recipients> {
    const people = this.deps.directory.everyone();
    const [links, saved] = await Promise.all([
      Promise.all(GROUP_IDS.map((g) => this.deps.groupChannels.get(g))),
      Promise.all(people.map((p) => this.deps.conversations.personal(p.aadObjectId))),
    ]);
    return {
      kind: 'recipients',
      groups: GROUP_IDS.filter((_g, i) => links[i] !== undefined),
      people: people.filter((_p, i) => saved[i] !== undefined),
    };
  }

  /** True for a coordinator; anyone else is refused, and the refusal audited. */
  private async isCoordinator(actor: Actor, what: string): Promise<boolean> {
    if (this.deps.directory.roles(actor).coordinator) return true;
    await this.audit(actor, 'request.refused', 'refused', `${what}: not a coordinator`);
    return false;
  }

  private async audit(actor: Actor, action: AuditAction, outcome: 'allowed' | 'refused', reason: string): Promise<void> {
    await this.deps.audit.append({ at: this.deps.clock.now().toISOString(), actorId: actor.aadObjectId, action, outcome, reason });
  }
}
