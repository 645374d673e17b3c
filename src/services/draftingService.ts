import type { Clock } from '../domain/clock.js';
import type { PersonRef } from '../domain/concernRecord.js';
import { diffLines } from '../domain/diff.js';
import { GROUP_INFO, type GroupId } from '../domain/groups.js';
import {
  nextSubmissionStatus,
  type DraftState,
  type TemplateEvent,
  type TemplateEventType,
  type TemplateRecord,
  type VersionHistory,
} from '../domain/submission.js';
import { STRATEGY_SECTIONS, TEMPLATE_NAMES, validateDraft, type DraftContent, type TemplateId } from '../domain/templates.js';
import type { AuditLog } from '../storage/auditLog.js';
import type { ProtocolStore } from '../storage/protocolStore.js';
import { type CompareResult, type Opened, type Refused, type SaveResult, refusal } from './results.js';
import type { TemplateAccess } from './templateAccess.js';

type Actor = PersonRef;

/** A draft's text for comparing versions: one part per section (Strategy) or the whole (Pathway). */
function partsOf(content: DraftContent): { title: string; text: string }[] {
  return content.template === 'strategy'
    ? STRATEGY_SECTIONS.map((s) => ({ title: s.title, text: content.sections[s.id] }))
    : [{ title: 'Flowcharts', text: content.text }];
}

export interface DraftingServiceDeps {
  store: ProtocolStore;
  access: TemplateAccess;
  audit: AuditLog;
  clock: Clock;
}

/**
 * Group members write their templates: open, save as a new version, list versions, compare two.
 * Every refusal is audited: a card names its group, so a refusal is usually a card for another group.
 */
export class DraftingService {
  constructor(private readonly deps: DraftingServiceDeps) {}

  /** "draft strategy": the channel's group, the person's only group, or a choice of their groups. */
  async openFor(actor: Actor, template: TemplateId, channelKey: string | undefined): Promise<Opened> {
    const inChannel = await this.deps.access.channelGroup(channelKey);
    if (inChannel) return this.openDraft(actor, inChannel, template);
    const groups = this.deps.access.groupsOf(actor);
    if (!groups.length)
      return this.refuse(
        actor,
        `draft ${template}: not a group member`,
        `Only members of a Task and Finish group can draft its ${TEMPLATE_NAMES[template]}. If you should be in a group, ask the coordinator.`,
      );
    if (groups.length === 1) return this.openDraft(actor, groups[0]!, template);
    return { kind: 'pickGroup', template, groups };
  }

  async openDraft(actor: Actor, group: GroupId, template: TemplateId): Promise<Refused | { kind: 'draft'; draft: DraftState }> {
    if (!this.deps.access.canDraft(actor, group))
      return this.refuse(
        actor,
        `open ${group} ${template}: not a member`,
        `Only members of the ${GROUP_INFO[group].name} group can draft its ${TEMPLATE_NAMES[template]}.`,
      );
    return { kind: 'draft', draft: await this.draftState(group, template) };
  }

  private async draftState(group: GroupId, template: TemplateId): Promise<DraftState> {
    const { record } = await this.deps.store.status(group, template);
    const latest = record.latestVersion ? await this.deps.store.version(group, template, record.latestVersion) : undefined;
    return { record, ...(latest ? { latest } : {}) };
  }

  /** Saves the card's text as a new version. `baseVersion` is the version the card was opened on. */
  async saveDraft(actor: Actor, group: GroupId, template: TemplateId, data: Record<string, unknown>, baseVersion: unknown): Promise<SaveResult> {
    if (!this.deps.access.canDraft(actor, group))
      return this.refuse(
        actor,
        `save ${group} ${template}: not a member`,
        `Only members of the ${GROUP_INFO[group].name} group can save its ${TEMPLATE_NAMES[template]}.`,
      );
    const content = validateDraft(template, data);
    if ('errors' in content) return { kind: 'invalid', draft: await this.draftState(group, template), ...content };
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
    const note = others
      ? `Saved as version ${record.latestVersion}. ${others === 1 ? 'Another version was' : `${others} other versions were`} saved since you opened this card; nothing was overwritten: compare versions to see both.`
      : undefined;
    return { kind: 'saved', draft: await this.draftState(group, template), ...(note ? { note } : {}) };
  }

  async history(actor: Actor, group: GroupId, template: TemplateId): Promise<Refused | { kind: 'ok'; history: VersionHistory }> {
    if (!this.deps.access.canSee(actor, group))
      return this.refuse(
        actor,
        `versions ${group} ${template}: not a member or coordinator`,
        `Only members of the ${GROUP_INFO[group].name} group and coordinators can see its versions.`,
      );
    return { kind: 'ok', history: await this.deps.access.versionHistory(actor, group, template) };
  }

  async compare(actor: Actor, group: GroupId, template: TemplateId, from: unknown, to: unknown): Promise<CompareResult> {
    if (!this.deps.access.canSee(actor, group))
      return this.refuse(
        actor,
        `compare ${group} ${template}: not a member or coordinator`,
        `Only members of the ${GROUP_INFO[group].name} group and coordinators can compare its versions.`,
      );
    const [a, b] = [Number(from), Number(to)].sort((x, y) => x - y) as [number, number];
    const [older, newer] = await Promise.all([
      Number.isInteger(a) ? this.deps.store.version(group, template, a) : undefined,
      Number.isInteger(b) ? this.deps.store.version(group, template, b) : undefined,
    ]);
    if (!older || !newer) {
      // The card offers only saved versions (and chooses two): one that does not exist was sent by a changed card.
      if (given(from) && given(to)) await this.audit(actor, `compare ${group} ${template}: no such version`);
      return { kind: 'invalid', reason: 'Choose two versions that exist.', history: await this.deps.access.versionHistory(actor, group, template) };
    }
    const newerParts = partsOf(newer.content);
    const parts = partsOf(older.content).map((part, i) => ({ title: part.title, lines: diffLines(part.text, newerParts[i]?.text ?? '') }));
    const { record } = await this.deps.store.status(group, template);
    return { kind: 'compared', comparison: { record, from: older.info, to: newer.info, parts } };
  }

  /** Audits a refusal (`about` names only the action, group and template, never what was sent) and answers it. */
  private async refuse(actor: Actor, about: string, text: string): Promise<Refused> {
    await this.audit(actor, about);
    return refusal(text);
  }

  private async audit(actor: Actor, about: string): Promise<void> {
    await this.deps.audit.append({
      at: this.deps.clock.now().toISOString(),
      actorId: actor.aadObjectId,
      action: 'request.refused',
      outcome: 'refused',
      reason: about,
    });
  }
}

/** A value the card sent, as opposed to an input left empty. */
const given = (value: unknown) => value !== undefined && value !== null && value !== '';

function templateEvent(record: TemplateRecord, type: TemplateEventType, by: PersonRef, at: Date, detail: string): TemplateEvent {
  return { revision: record.revision, type, by, at: at.toISOString(), detail };
}
