import { z } from 'zod';
import type { Clock } from '../domain/clock.js';
import type { PersonRef } from '../domain/concernRecord.js';
import { diffLines, type DiffLine } from '../domain/diff.js';
import { GROUP_IDS, GROUP_INFO, type GroupId } from '../domain/groups.js';
import { parsePathway } from '../domain/pathway.js';
import { rolesOf, type Protocol } from '../domain/protocol.js';
import { emptyTemplateRecord, nextSubmissionStatus, type TemplateEvent, type TemplateEventType, type TemplateRecord, type VersionInfo } from '../domain/submission.js';
import { cardBytes, DRAFT_LIMITS, STRATEGY_SECTIONS, strategyContentSchema, TEMPLATE_IDS, TEMPLATE_NAMES, type DraftContent, type TemplateId } from '../domain/templates.js';
import { newOutboxEntry } from '../messaging/outboxEntry.js';
import type { AuditLog } from '../storage/auditLog.js';
import { StaleTemplateError, type ProtocolStore } from '../storage/protocolStore.js';

export type Actor = PersonRef;
export const groupSchema = z.enum(GROUP_IDS);
export const templateSchema = z.enum(TEMPLATE_IDS);

type Refused = { kind: 'refused'; reason: string };
export type DraftView = { kind: 'ok'; record: TemplateRecord; latest?: { info: VersionInfo; content: DraftContent } };
export type SaveResult = Refused | { kind: 'invalid'; errors: Record<string, string>; pathwayErrors: string[] } | { kind: 'saved'; record: TemplateRecord; content: DraftContent; note?: string };
export type HistoryView = { kind: 'ok'; record: TemplateRecord; versions: VersionInfo[]; canSubmit: boolean };
export type CompareView = { kind: 'ok'; from: VersionInfo; to: VersionInfo; parts: { title: string; lines: DiffLine[] }[] };
export type StatusChange = Refused | { kind: 'invalid'; reason: string } | { kind: 'stale'; record: TemplateRecord; reason: string } | { kind: 'ok'; record: TemplateRecord };

export interface ProtocolServiceDeps {
  store: ProtocolStore;
  audit: AuditLog;
  protocol: Protocol;
  clock: Clock;
  outboxWritten: () => void;
}

/** A draft's text for comparing versions: one part per section (Strategy) or the whole (Pathway). */
function partsOf(content: DraftContent): { title: string; text: string }[] {
  return content.template === 'strategy' ? STRATEGY_SECTIONS.map((s) => ({ title: s.title, text: content.sections[s.id] })) : [{ title: 'Flowcharts', text: content.text }];
}

/**
 * Drafting, submitting and reviewing the groups' templates. Roles come from the protocol file:
 * group members draft, group leads submit, coordinators review and see every group.
 */
export class ProtocolService {
  constructor(private readonly deps: ProtocolServiceDeps) {}

  /** The groups whose templates this person may draft. */
  draftingGroups(actor: Actor): GroupId[] {
    return rolesOf(this.deps.protocol, actor.aadObjectId).memberOf;
  }

  isCoordinator(actor: Actor): boolean {
    return rolesOf(this.deps.protocol, actor.aadObjectId).coordinator;
  }

  private canDraft(actor: Actor, group: GroupId): boolean {
    return this.draftingGroups(actor).includes(group);
  }

  private canSee(actor: Actor, group: GroupId): boolean {
    return this.canDraft(actor, group) || this.isCoordinator(actor);
  }

  private refusal(what: string): Refused {
    return { kind: 'refused', reason: what };
  }

  async openDraft(actor: Actor, group: GroupId, template: TemplateId): Promise<Refused | DraftView> {
    if (!this.canDraft(actor, group)) return this.refusal(`Only members of the ${GROUP_INFO[group].name} group can draft its ${TEMPLATE_NAMES[template]}.`);
    const { record } = await this.deps.store.status(group, template);
    const latest = record.latestVersion ? await this.deps.store.version(group, template, record.latestVersion) : undefined;
    return { kind: 'ok', record, ...(latest ? { latest } : {}) };
  }

  /** Saves the card's text as a new version. `baseVersion` is the version the card was opened on. */
  async saveDraft(actor: Actor, group: GroupId, template: TemplateId, data: Record<string, unknown>, baseVersion: unknown): Promise<SaveResult> {
    if (!this.canDraft(actor, group)) return this.refusal(`Only members of the ${GROUP_INFO[group].name} group can save its ${TEMPLATE_NAMES[template]}.`);
    const content = this.validateContent(template, data);
    if ('errors' in content) return { kind: 'invalid', ...content };
    const now = this.deps.clock.now();
    const record = await this.deps.store.saveVersion(group, template, content, actor, now, (current) => {
      const next: TemplateRecord = {
        ...current,
        status: nextSubmissionStatus(current.status, 'saveDraft') ?? current.status,
        revision: current.revision + 1,
        latestVersion: current.latestVersion + 1,
        lastChangeAt: now.toISOString(),
        lastChangeBy: actor,
      };
      return { record: next, event: templateEvent(next, 'saved', actor, now, `Version ${next.latestVersion} saved`) };
    });
    const base = Number(baseVersion);
    const others = Number.isInteger(base) && record.latestVersion - 1 > base ? record.latestVersion - 1 - base : 0;
    const note = others ? `Saved as version ${record.latestVersion}. ${others === 1 ? 'Another version was' : `${others} other versions were`} saved since you opened this card; nothing was overwritten: compare versions to see both.` : undefined;
    return { kind: 'saved', record, content, ...(note ? { note } : {}) };
  }

  private validateContent(template: TemplateId, data: Record<string, unknown>): DraftContent | { errors: Record<string, string>; pathwayErrors: string[] } {
    if (template === 'strategy') {
      const parsed = strategyContentSchema.safeParse(data);
      if (parsed.success) return { template, sections: parsed.data };
      const errors: Record<string, string> = {};
      for (const issue of parsed.error.issues) errors[String(issue.path[0] ?? 'pursue')] ??= issue.message;
      return { errors, pathwayErrors: [] };
    }
    const text = typeof data.flowcharts === 'string' ? data.flowcharts.replace(/\r\n?/g, '\n').trim() : '';
    if (text.length > DRAFT_LIMITS.pathway) {
      return { errors: {}, pathwayErrors: [`The flowcharts are ${text.length.toLocaleString('en-GB')} characters; the limit is ${DRAFT_LIMITS.pathway.toLocaleString('en-GB')}. Shorten them and save again: nothing was saved.`] };
    }
    if (cardBytes(text) > DRAFT_LIMITS.pathwayBytes) {
      return { errors: {}, pathwayErrors: [`The flowcharts are too long to show on one Teams card (over ${DRAFT_LIMITS.pathwayBytes / 1000} KB; letters outside the Latin alphabet take more room). Shorten them and save again: nothing was saved.`] };
    }
    const parsed = parsePathway(text);
    if (!parsed.ok) return { errors: {}, pathwayErrors: parsed.errors };
    return { template, text };
  }

  async history(actor: Actor, group: GroupId, template: TemplateId): Promise<Refused | HistoryView> {
    if (!this.canSee(actor, group)) return this.refusal(`Only members of the ${GROUP_INFO[group].name} group and coordinators can see its versions.`);
    const [{ record }, versions] = await Promise.all([this.deps.store.status(group, template), this.deps.store.versions(group, template)]);
    return { kind: 'ok', record, versions, canSubmit: rolesOf(this.deps.protocol, actor.aadObjectId).leadOf.includes(group) };
  }

  async compare(actor: Actor, group: GroupId, template: TemplateId, from: unknown, to: unknown): Promise<Refused | { kind: 'invalid'; reason: string } | CompareView> {
    if (!this.canSee(actor, group)) return this.refusal(`Only members of the ${GROUP_INFO[group].name} group and coordinators can compare its versions.`);
    const [a, b] = [Number(from), Number(to)].sort((x, y) => x - y) as [number, number];
    const [older, newer] = await Promise.all([Number.isInteger(a) ? this.deps.store.version(group, template, a) : undefined, Number.isInteger(b) ? this.deps.store.version(group, template, b) : undefined]);
    if (!older || !newer) return { kind: 'invalid', reason: 'Choose two versions that exist.' };
    const newerParts = partsOf(newer.content);
    const parts = partsOf(older.content).map((part, i) => ({ title: part.title, lines: diffLines(part.text, newerParts[i]?.text ?? '') }));
    return { kind: 'ok', from: older.info, to: newer.info, parts };
  }

  /** A group lead hands in a chosen version; the coordinators are told. */
  async submit(actor: Actor, group: GroupId, template: TemplateId, version: unknown): Promise<StatusChange> {
    if (!rolesOf(this.deps.protocol, actor.aadObjectId).leadOf.includes(group)) {
      await this.audit(actor, 'refused', `submit ${group} ${template}: not a group lead`);
      return this.refusal(`Only a lead of the ${GROUP_INFO[group].name} group can submit its ${TEMPLATE_NAMES[template]}. Ask your group lead.`);
    }
    const chosen = Number(version);
    const { record, etag } = await this.deps.store.status(group, template);
    if (!Number.isInteger(chosen) || chosen < 1 || chosen > record.latestVersion) return { kind: 'invalid', reason: 'Choose a saved version to submit.' };
    return this.change(actor, record, etag, 'submit', `Version ${chosen} submitted`, (r, now) => ({ ...r, submittedVersion: chosen, submittedBy: actor, submittedAt: now, comment: undefined, reviewedBy: undefined, reviewedAt: undefined }), (next, now) =>
      this.deps.protocol.coordinators.map((c) => newOutboxEntry('review', c.aadObjectId, next.revision, now, undefined, { group, template, decision: 'submitted', version: chosen, by: actor.name })),
    );
  }

  /** The coordinator accepts or returns the submission; the group's leads are told. */
  async review(actor: Actor, group: GroupId, template: TemplateId, decision: 'accept' | 'return', comment: unknown, cardRevision: unknown): Promise<StatusChange> {
    if (!this.isCoordinator(actor)) {
      await this.audit(actor, 'refused', `${decision} ${group} ${template}: not a coordinator`);
      return this.refusal('Only a protocol coordinator can accept or return a submission.');
    }
    const text = typeof comment === 'string' ? comment.trim() : '';
    if (decision === 'return' && !text) return { kind: 'invalid', reason: 'Say what the group should change when returning it.' };
    if (text.length > 1000) return { kind: 'invalid', reason: 'Keep the comment to 1,000 characters.' };
    const { record, etag } = await this.deps.store.status(group, template);
    // The card must say which state the coordinator saw, so a resubmission meanwhile is never accepted unseen.
    if (Number(cardRevision) !== record.revision) {
      return { kind: 'stale', record, reason: `Not changed: the ${TEMPLATE_NAMES[template]} changed since this card was shown (now ${record.status}, version ${record.submittedVersion ?? '-'} submitted). Check it again.` };
    }
    const leads = this.deps.protocol.groups.find((g) => g.id === group)?.leads ?? [];
    const label = decision === 'accept' ? `Version ${record.submittedVersion ?? '?'} accepted` : `Version ${record.submittedVersion ?? '?'} returned`;
    return this.change(actor, record, etag, decision, label, (r, now) => ({ ...r, reviewedBy: actor, reviewedAt: now, ...(decision === 'return' ? { comment: text } : { comment: undefined }) }), (next, now) =>
      leads.map((l) => newOutboxEntry('review', l.aadObjectId, next.revision, now, undefined, { group, template, decision: decision === 'accept' ? 'accepted' : 'returned', version: next.submittedVersion, by: actor.name, comment: text })),
    );
  }

  private async change(
    actor: Actor,
    record: TemplateRecord,
    etag: string | undefined,
    command: 'submit' | 'accept' | 'return',
    detail: string,
    apply: (record: TemplateRecord, now: string) => TemplateRecord,
    messages: (next: TemplateRecord, now: Date) => ReturnType<typeof newOutboxEntry>[],
  ): Promise<StatusChange> {
    const to = nextSubmissionStatus(record.status, command);
    if (!to) return { kind: 'invalid', reason: `The ${TEMPLATE_NAMES[record.template]} is ${record.status === 'notStarted' ? 'not started' : record.status}: it cannot be ${command === 'submit' ? 'submitted' : `${command}ed`} now.` };
    const now = this.deps.clock.now();
    const next: TemplateRecord = { ...apply(record, now.toISOString()), status: to, revision: record.revision + 1, lastChangeAt: now.toISOString(), lastChangeBy: actor };
    const type: TemplateEventType = command === 'submit' ? 'submitted' : command === 'accept' ? 'accepted' : 'returned';
    try {
      await this.deps.store.changeStatus(next, etag, templateEvent(next, type, actor, now, detail), messages(next, now));
    } catch (error) {
      if (!(error instanceof StaleTemplateError)) throw error;
      const latest = await this.deps.store.status(record.group, record.template);
      return { kind: 'stale', record: latest.record, reason: 'Not changed: someone else changed it at the same moment. Check it again.' };
    }
    await this.audit(actor, 'allowed', `${type} ${record.group} ${record.template}`);
    this.deps.outboxWritten();
    return { kind: 'ok', record: next };
  }

  /** The submitted version, for the coordinator (and the group's members). */
  async submission(actor: Actor, group: GroupId, template: TemplateId): Promise<Refused | { kind: 'invalid'; reason: string } | { kind: 'ok'; record: TemplateRecord; content: DraftContent; info: VersionInfo; canReview: boolean }> {
    if (!this.canSee(actor, group)) return this.refusal(`Only members of the ${GROUP_INFO[group].name} group and coordinators can see its submission.`);
    const { record } = await this.deps.store.status(group, template);
    if (!record.submittedVersion) return { kind: 'invalid', reason: `The ${GROUP_INFO[group].name} group has not submitted its ${TEMPLATE_NAMES[template]} yet.` };
    const version = await this.deps.store.version(group, template, record.submittedVersion);
    if (!version) return { kind: 'invalid', reason: 'The submitted version could not be found.' };
    return { kind: 'ok', record, content: version.content, info: version.info, canReview: this.isCoordinator(actor) && record.status === 'submitted' };
  }

  /** Every group's two templates, for the coordinator's dashboard. */
  async dashboard(actor: Actor): Promise<Refused | { kind: 'ok'; records: TemplateRecord[] }> {
    if (!this.isCoordinator(actor)) return this.refusal('The dashboard is for protocol coordinators. In your group\'s channel, "status" shows your group.');
    return { kind: 'ok', records: await this.allRecords() };
  }

  async groupStatus(actor: Actor, group: GroupId): Promise<Refused | { kind: 'ok'; records: TemplateRecord[] }> {
    if (!this.canSee(actor, group)) return this.refusal(`Only members of the ${GROUP_INFO[group].name} group can see its status.`);
    const records = await Promise.all(TEMPLATE_IDS.map(async (t) => (await this.deps.store.status(group, t)).record));
    return { kind: 'ok', records };
  }

  /** All 14 records (7 groups by 2 templates), with "not started" for those never touched. */
  async allRecords(): Promise<TemplateRecord[]> {
    const stored = await this.deps.store.allStatuses();
    return GROUP_IDS.flatMap((group) => TEMPLATE_IDS.map((template) => stored.find((r) => r.group === group && r.template === template) ?? emptyTemplateRecord(group, template)));
  }

  private async audit(actor: Actor, outcome: 'allowed' | 'refused', reason: string) {
    await this.deps.audit.append({ at: this.deps.clock.now().toISOString(), actorId: actor.aadObjectId, action: outcome === 'refused' ? 'request.refused' : 'template.changed', outcome, reason });
  }
}

function templateEvent(record: TemplateRecord, type: TemplateEventType, by: Actor, at: Date, detail: string): TemplateEvent {
  return { revision: record.revision, type, by, at: at.toISOString(), detail };
}

