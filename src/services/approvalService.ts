import { z } from 'zod';
import {
  APPROVAL_DECISIONS,
  APPROVAL_STEPS,
  approvalErrors,
  nextStep,
  previousStepDate,
  stepRefusal,
  type ApprovalErrors,
  type ApprovalFields,
  type ApprovalRecord,
  type ApprovalsView,
} from '../domain/approvals.js';
import { localDate } from '../domain/calendar.js';
import type { Clock } from '../domain/clock.js';
import type { ApprovalContext, ApprovalStore } from '../storage/approvalStore.js';
import type { AuditLog } from '../storage/auditLog.js';
import type { CollationStore } from '../storage/collationStore.js';
import type { Directory } from './directory.js';
import { type Actor, type Refused, refusal } from './results.js';

export interface ApprovalServiceDeps {
  approvals: ApprovalStore;
  collations: CollationStore;
  audit: AuditLog;
  directory: Directory;
  clock: Clock;
  timeZone: string;
}

/** What the coordinator entered, kept to show again when it is refused (comments cut at twice the limit). */
export type ApprovalValues = { decision: string; date: string; comments: string };

/** Why a step from the card was not recorded: a field to correct, a collation meanwhile, or not the next step. */
export type NotRecorded =
  { kind: 'invalid'; reason: string; errors: ApprovalErrors; values: ApprovalValues } | { kind: 'stale' | 'outOfOrder'; reason: string };

/** The answer to a step sent from the card: recorded, or why not, always with the card as it is now. */
export type ApprovalResult = Refused | { kind: 'recorded'; record: ApprovalRecord; view: ApprovalsView } | (NotRecorded & { view: ApprovalsView });

const KEPT_COMMENTS = 2000;
const text = (max: number) =>
  z.preprocess(
    (v) => (typeof v === 'string' ? v : ''),
    z.string().transform((s) => s.slice(0, max)),
  );
/** What the card sends: the version and step it showed (checked, never trusted), and the inputs. */
const form = z.object({
  version: z.coerce.number().int().min(1).max(1_000_000),
  step: z.enum(APPROVAL_STEPS),
  decision: text(50),
  date: text(50),
  comments: text(KEPT_COMMENTS),
});

/**
 * The protocol's approvals: the Lived Experience Advisory Panel, then the Council, then publication,
 * recorded by a coordinator for the current collated version. The step is decided by the server
 * from where the protocol stands; a form for another version or step is refused with its reason.
 * Every recorded step and every refusal is audited (never the comments: they are free text).
 */
export class ApprovalService {
  constructor(private readonly deps: ApprovalServiceDeps) {}

  /** The card's content: the current version, its status, its recorded steps and the next one. */
  async overview(actor: Actor): Promise<Refused | { kind: 'approvals'; view: ApprovalsView }> {
    if (!this.deps.directory.roles(actor).coordinator) {
      await this.audit(actor, 'request.refused', 'refused', 'approvals: not a coordinator');
      return refusal('Only a protocol coordinator can see and record the protocol’s approvals.');
    }
    return { kind: 'approvals', view: await this.view(await this.deps.approvals.current()) };
  }

  /** Records the step the card sent, if it is the next one for the version it showed and its fields are right. */
  async record(actor: Actor, data: unknown): Promise<ApprovalResult> {
    if (!this.deps.directory.roles(actor).coordinator) {
      await this.audit(actor, 'request.refused', 'refused', 'record approval: not a coordinator');
      return refusal('Only a protocol coordinator can record the protocol’s approvals.');
    }
    const parsed = form.safeParse(data);
    if (!parsed.success) {
      // The version and step are the card's own data: a form the server could not have sent.
      await this.audit(actor, 'request.refused', 'refused', 'record approval: card not valid');
      return refusal('This card is not valid any more: type "approvals" again.');
    }
    const { version, step, ...values } = parsed.data;
    const decision = (APPROVAL_DECISIONS as readonly string[]).includes(values.decision) ? (values.decision as ApprovalFields['decision']) : undefined;
    const fields: ApprovalFields = { decision, date: values.date.trim(), comments: values.comments.trim() };
    const collatedAt = (await this.deps.collations.version(version))?.collatedAt;
    const now = this.deps.clock.now();
    const today = localDate(now, this.deps.timeZone);

    const outcome = await this.deps.approvals.record<NotRecorded>((current) => {
      if (!current.version) return { other: { kind: 'outOfOrder', reason: `Not recorded: ${stepRefusal('draft', step, 0)}` } };
      if (current.version !== version)
        return {
          other: {
            kind: 'stale',
            reason: `Not recorded: this form was for protocol version ${version}, and the protocol is now at version ${current.version}. Its approvals start again: here it is.`,
          },
        };
      const outOfOrder = stepRefusal(current.status, step, version);
      if (outOfOrder) return { other: { kind: 'outOfOrder', reason: `Not recorded: ${outOfOrder}` } };
      const bounds = { today, collatedOn: localDate(new Date(collatedAt ?? now), this.deps.timeZone), timeZone: this.deps.timeZone };
      const errors = approvalErrors(step, fields, { ...bounds, previous: previousStepDate(current.approvals) });
      if (Object.keys(errors).length) return { other: { kind: 'invalid', reason: 'Not recorded: please check the form.', errors, values } };
      const record: ApprovalRecord = {
        protocolVersion: version,
        n: current.approvals.length + 1,
        step,
        ...(step === 'publish' ? {} : { decision }),
        date: fields.date,
        ...(fields.comments ? { comments: fields.comments } : {}),
        recordedBy: { aadObjectId: actor.aadObjectId, name: actor.name },
        recordedAt: now.toISOString(),
      };
      return { record };
    });
    const view = await this.view(await this.deps.approvals.current());
    if ('record' in outcome) {
      const { record } = outcome;
      await this.audit(actor, 'protocol.approval', 'allowed', `version ${version}: ${step}${record.decision ? ` ${record.decision}` : ''} on ${record.date}`);
      return { kind: 'recorded', record, view };
    }
    await this.audit(actor, 'protocol.approval', 'refused', `version ${version}: ${step} ${outcome.other.kind}`);
    return { ...outcome.other, view };
  }

  private async view(current: ApprovalContext): Promise<ApprovalsView> {
    const collatedAt = current.version ? (await this.deps.collations.version(current.version))?.collatedAt : undefined;
    return {
      version: current.version,
      collatedAt,
      status: current.status,
      approvals: current.approvals,
      next: nextStep(current.status),
      today: localDate(this.deps.clock.now(), this.deps.timeZone),
      timeZone: this.deps.timeZone,
    };
  }

  private async audit(actor: Actor, action: 'protocol.approval' | 'request.refused', outcome: 'allowed' | 'refused', reason: string) {
    await this.deps.audit.append({ at: this.deps.clock.now().toISOString(), actorId: actor.aadObjectId, action, outcome, reason });
  }
}
