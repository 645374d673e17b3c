import type { Clock } from '../domain/clock.js';
import type { PersonRef } from '../domain/concernRecord.js';
import { GROUP_INFO, type GroupId } from '../domain/groups.js';
import { newOutboxEntry, type OutboxEntry } from '../domain/outbox.js';
import { nextSubmissionStatus, type Dashboard, type TemplateEvent, type TemplateEventType, type TemplateRecord } from '../domain/submission.js';
import { TEMPLATE_IDS, TEMPLATE_NAMES, type TemplateId } from '../domain/templates.js';
import type { AuditLog } from '../storage/auditLog.js';
import type { CollationStore } from '../storage/collationStore.js';
import { StaleTemplateError, type ProtocolStore } from '../storage/protocolStore.js';
import type { Directory } from './directory.js';
import { type Outcome, type Refused, type ReviewResult, type StatusResult, type SubmissionResult, type SubmitResult, refusal } from './results.js';
import type { TemplateAccess } from './templateAccess.js';

type Actor = PersonRef;

export interface SubmissionServiceDeps {
  store: ProtocolStore;
  /** The protocol's collations: a submission after one means it needs collating again. */
  collations: CollationStore;
  access: TemplateAccess;
  audit: AuditLog;
  directory: Directory;
  clock: Clock;
  outboxWritten: () => void;
}

/**
 * Group leads submit a version; the coordinator accepts or returns it and sees every group's
 * status. Every change is audited and tells the people it concerns.
 */
export class SubmissionService {
  constructor(private readonly deps: SubmissionServiceDeps) {}

  /** A group lead hands in a chosen version; the coordinators are told. */
  /**
   * `cardRevision` is the template's revision the lead's card showed, when it says: a submit
   * confirmed from a card shown before another submission or review changes nothing.
   */
  async submit(actor: Actor, group: GroupId, template: TemplateId, version: unknown, cardRevision?: unknown): Promise<SubmitResult> {
    if (!this.deps.access.isGroupLead(actor, group)) {
      await this.audit(actor, 'refused', `submit ${group} ${template}: not a group lead`);
      return refusal(`Only a lead of the ${GROUP_INFO[group].name} group can submit its ${TEMPLATE_NAMES[template]}. Ask your group lead.`);
    }
    const outcome = await this.submitVersion(actor, group, template, version, cardRevision);
    // A submission after the protocol was collated means the collated documents are out of date.
    if (outcome.kind === 'ok') await this.deps.collations.markNeedsRecollation();
    return { kind: 'done', outcome, history: await this.deps.access.versionHistory(actor, group, template) };
  }

  private async submitVersion(actor: Actor, group: GroupId, template: TemplateId, version: unknown, cardRevision: unknown): Promise<Outcome> {
    const chosen = Number(version);
    const given = version !== undefined && version !== null && version !== '';
    const { record, etag } = await this.deps.store.status(group, template);
    const shown = cardRevision === undefined || cardRevision === '' ? undefined : Number(cardRevision);
    if (shown !== undefined && shown !== record.revision) {
      return {
        kind: 'stale',
        reason: `Not submitted: the ${TEMPLATE_NAMES[template]} changed since this card was shown (now ${record.status}, version ${record.submittedVersion ?? '-'} submitted). Check the versions again.`,
      };
    }
    if (!Number.isInteger(chosen) || chosen < 1 || chosen > record.latestVersion) {
      // The card offers only saved versions: a version sent that is not one came from a changed card (none chosen is not).
      if (given) await this.audit(actor, 'refused', `submit ${group} ${template}: no such version`);
      return { kind: 'invalid', reason: 'Choose a saved version to submit.' };
    }
    return this.change(
      actor,
      record,
      etag,
      'submit',
      `Version ${chosen} submitted`,
      (r, now) => ({ ...r, submittedVersion: chosen, submittedBy: actor, submittedAt: now, comment: undefined, reviewedBy: undefined, reviewedAt: undefined }),
      (next, now) =>
        this.deps.directory.coordinators().map((c) =>
          newOutboxEntry({
            kind: 'review',
            recipient: c.aadObjectId,
            revision: next.revision,
            now,
            payload: { group, template, decision: 'submitted', version: chosen, by: actor.name },
          }),
        ),
    );
  }

  /**
   * The coordinator accepts or returns the submission; the group's leads are told. `from` says
   * where the decision was made, so the answer shows that place again.
   */
  async review(
    actor: Actor,
    group: GroupId,
    template: TemplateId,
    decision: 'accept' | 'return',
    input: { comment: unknown; revision: unknown; from: unknown },
  ): Promise<ReviewResult> {
    if (!this.deps.access.isCoordinator(actor)) {
      await this.audit(actor, 'refused', `${decision} ${group} ${template}: not a coordinator`);
      return refusal('Only a protocol coordinator can accept or return a submission.');
    }
    const outcome = await this.decide(actor, group, template, decision, input.comment, input.revision);
    if (input.from === 'dashboard') return { kind: 'done', outcome, dashboard: await this.dashboardData() };
    const shown = await this.submission(actor, group, template);
    return shown.kind === 'ok' ? { kind: 'done', outcome, submission: shown.submission } : { kind: 'done', outcome, dashboard: await this.dashboardData() };
  }

  private async decide(
    actor: Actor,
    group: GroupId,
    template: TemplateId,
    decision: 'accept' | 'return',
    comment: unknown,
    cardRevision: unknown,
  ): Promise<Outcome> {
    const text = typeof comment === 'string' ? comment.trim() : '';
    if (decision === 'return' && !text) return { kind: 'invalid', reason: 'Say what the group should change when returning it.' };
    if (text.length > 1000) return { kind: 'invalid', reason: 'Keep the comment to 1,000 characters.' };
    const { record, etag } = await this.deps.store.status(group, template);
    // The card must say which state the coordinator saw, so a resubmission meanwhile is never accepted unseen.
    if (Number(cardRevision) !== record.revision) {
      return {
        kind: 'stale',
        reason: `Not changed: the ${TEMPLATE_NAMES[template]} changed since this card was shown (now ${record.status}, version ${record.submittedVersion ?? '-'} submitted). Check it again.`,
      };
    }
    const label = `Version ${record.submittedVersion ?? '?'} ${decision === 'accept' ? 'accepted' : 'returned'}`;
    return this.change(
      actor,
      record,
      etag,
      decision,
      label,
      (r, now) => ({ ...r, reviewedBy: actor, reviewedAt: now, ...(decision === 'return' ? { comment: text } : { comment: undefined }) }),
      (next, now) =>
        this.deps.directory.groupLeads(group).map((l) =>
          newOutboxEntry({
            kind: 'review',
            recipient: l.aadObjectId,
            revision: next.revision,
            now,
            payload: {
              group,
              template,
              decision: decision === 'accept' ? 'accepted' : 'returned',
              ...(next.submittedVersion ? { version: next.submittedVersion } : {}),
              by: actor.name,
              comment: text,
            },
          }),
        ),
    );
  }

  private async change(
    actor: Actor,
    record: TemplateRecord,
    etag: string | undefined,
    command: 'submit' | 'accept' | 'return',
    detail: string,
    apply: (record: TemplateRecord, now: string) => TemplateRecord,
    messages: (next: TemplateRecord, now: Date) => OutboxEntry[],
  ): Promise<Outcome> {
    const to = nextSubmissionStatus(record.status, command);
    if (!to)
      return {
        kind: 'invalid',
        reason: `The ${TEMPLATE_NAMES[record.template]} is ${record.status === 'notStarted' ? 'not started' : record.status}: it cannot be ${command === 'submit' ? 'submitted' : `${command}ed`} now.`,
      };
    const now = this.deps.clock.now();
    const next: TemplateRecord = {
      ...apply(record, now.toISOString()),
      status: to,
      revision: record.revision + 1,
      lastChangeAt: now.toISOString(),
      lastChangeBy: actor,
    };
    const type: TemplateEventType = command === 'submit' ? 'submitted' : command === 'accept' ? 'accepted' : 'returned';
    try {
      await this.deps.store.changeStatus(next, etag, templateEvent(next, type, actor, now, detail), messages(next, now));
    } catch (error) {
      if (!(error instanceof StaleTemplateError)) throw error;
      return { kind: 'stale', reason: 'Not changed: someone else changed it at the same moment. Check it again.' };
    }
    await this.audit(actor, 'allowed', `${type} ${record.group} ${record.template}`);
    this.deps.outboxWritten();
    return { kind: 'ok', record: next };
  }

  /** The submitted version, for the coordinator (and the group's members). */
  async submission(actor: Actor, group: GroupId, template: TemplateId): Promise<SubmissionResult> {
    if (!this.deps.access.canSee(actor, group)) {
      await this.audit(actor, 'refused', `view ${group} ${template}: not a member or coordinator`);
      return refusal(`Only members of the ${GROUP_INFO[group].name} group and coordinators can see its submission.`);
    }
    const { record } = await this.deps.store.status(group, template);
    const version = record.submittedVersion ? await this.deps.store.version(group, template, record.submittedVersion) : undefined;
    if (!version) {
      const reason = record.submittedVersion
        ? 'The submitted version could not be found.'
        : `The ${GROUP_INFO[group].name} group has not submitted its ${TEMPLATE_NAMES[template]} yet.`;
      return { kind: 'missing', reason, ...(this.deps.access.isCoordinator(actor) ? { dashboard: await this.dashboardData() } : {}) };
    }
    return {
      kind: 'ok',
      submission: { record, content: version.content, info: version.info, canReview: this.deps.access.isCoordinator(actor) && record.status === 'submitted' },
    };
  }

  /** Every group's two templates, for the coordinator's dashboard. */
  async dashboard(actor: Actor): Promise<Refused | { kind: 'dashboard'; dashboard: Dashboard }> {
    if (!this.deps.access.isCoordinator(actor)) {
      await this.audit(actor, 'refused', 'dashboard: not a coordinator');
      return refusal('The dashboard is for protocol coordinators. In your group\'s channel, "status" shows your group.');
    }
    return { kind: 'dashboard', dashboard: await this.dashboardData() };
  }

  private async dashboardData(): Promise<Dashboard> {
    const [records, protocol] = await Promise.all([this.deps.store.allStatuses(), this.deps.collations.state()]);
    return { records, protocol };
  }

  /** "status": the dashboard for a coordinator, a group's own status in its channel or for its members. */
  async statusFor(actor: Actor, channelKey: string | undefined): Promise<StatusResult> {
    const inChannel = await this.deps.access.channelGroup(channelKey);
    if (!inChannel && this.deps.access.isCoordinator(actor)) return this.dashboard(actor);
    const group = inChannel ?? this.deps.access.groupsOf(actor)[0];
    if (!group) {
      await this.audit(actor, 'refused', 'status: not a member or coordinator');
      return refusal('"status" shows a Task and Finish group\'s templates to its members, and every group to the coordinators.');
    }
    if (!this.deps.access.canSee(actor, group)) {
      await this.audit(actor, 'refused', `status ${group}: not a member`);
      return refusal(`Only members of the ${GROUP_INFO[group].name} group can see its status.`);
    }
    const records = await Promise.all(TEMPLATE_IDS.map(async (t) => (await this.deps.store.status(group, t)).record));
    return { kind: 'group', group, records };
  }

  private async audit(actor: Actor, outcome: 'allowed' | 'refused', reason: string) {
    await this.deps.audit.append({
      at: this.deps.clock.now().toISOString(),
      actorId: actor.aadObjectId,
      action: outcome === 'refused' ? 'request.refused' : 'template.changed',
      outcome,
      reason,
    });
  }
}

function templateEvent(record: TemplateRecord, type: TemplateEventType, by: PersonRef, at: Date, detail: string): TemplateEvent {
  return { revision: record.revision, type, by, at: at.toISOString(), detail };
}
