import { createHash } from 'node:crypto';
import { statusOfApprovals } from '../domain/approvals.js';
import type { Clock } from '../domain/clock.js';
import type { CollatedTemplate, CollationInput, VersionChange } from '../domain/collation.js';
import { GROUP_IDS, type GroupId } from '../domain/groups.js';
import type { TemplateRecord } from '../domain/submission.js';
import { TEMPLATE_IDS, type TemplateId } from '../domain/templates.js';
import type { ApprovalStore } from '../storage/approvalStore.js';
import type { AuditLog } from '../storage/auditLog.js';
import type { CollationRecord, CollationSources, CollationStore } from '../storage/collationStore.js';
import type { ProtocolStore } from '../storage/protocolStore.js';
import type { Directory } from './directory.js';
import { type Actor, type Refused, refusal } from './results.js';

export type Basis = CollationRecord['basis'];

/** The two documents of one collation, ready to send or write. */
export interface CollatedDocument {
  kind: 'strategy' | 'pathways';
  name: string;
  bytes: Buffer;
}

/** Builds the Word documents from a collation; the reports are handed in by app.ts. */
export interface DocumentWriters {
  strategy: (input: CollationInput) => Promise<Buffer>;
  pathways: (input: CollationInput) => Promise<Buffer>;
}

export interface CollationServiceDeps {
  collations: CollationStore;
  /** The approvals recorded for each version: the documents' status (DRAFT until the Council approves). */
  approvals: ApprovalStore;
  templates: ProtocolStore;
  audit: AuditLog;
  directory: Directory;
  clock: Clock;
  timeZone: string;
  writers: DocumentWriters;
  /** Told of each collation once it is recorded (app.ts: the groups' leads are asked to review it). */
  collated?: (record: CollationRecord) => Promise<void>;
}

export type Collated = {
  kind: 'collated';
  record: CollationRecord;
  input: CollationInput;
  missing: Record<TemplateId, GroupId[]>;
  documents: CollatedDocument[];
  /** What changed since the previous version (which groups' templates); undefined for the first. */
  changes?: VersionChange[];
};

/** The version of a group's template that goes into a collation on this basis, if any. */
function chosenVersion(record: TemplateRecord, basis: Basis): number | undefined {
  if (!record.submittedVersion) return undefined;
  if (record.status === 'accepted') return record.submittedVersion;
  return basis === 'latestSubmitted' && record.status === 'submitted' ? record.submittedVersion : undefined;
}

/**
 * Combines the seven groups' Strategies and Pathways into the city-wide protocol. Each collation is
 * a numbered version that records which version of each group's template went in, so any version
 * can be rebuilt exactly and two versions compared. Coordinators only; every collation and export is audited.
 */
export class CollationService {
  /**
   * The documents of the latest few collations, by their exact content (so a change of status is a
   * new entry), so that accepting the file (an invoke Teams gives 5 seconds) uploads at once
   * instead of drawing every diagram again. Per instance: another instance rebuilds them from the
   * recorded versions, which gives the same content.
   */
  private readonly built = new Map<string, CollatedDocument[]>();

  constructor(private readonly deps: CollationServiceDeps) {}

  async collate(actor: Actor | 'operator', basis: Basis): Promise<Refused | Collated> {
    if (actor !== 'operator' && !this.deps.directory.roles(actor).coordinator) {
      await this.audit(actor, 'request.refused', 'refused', 'collate: not a coordinator');
      return refusal('Only a protocol coordinator can collate the protocol.');
    }
    const statuses = await this.deps.templates.allStatuses();
    const sources: CollationSources = { strategy: {}, pathway: {} };
    for (const record of statuses) {
      const version = chosenVersion(record, basis);
      if (version)
        sources[record.template][record.group] = { version, status: record.status, ...(record.submittedBy ? { submittedBy: record.submittedBy.name } : {}) };
    }
    const by = actor === 'operator' ? { aadObjectId: 'operator', name: 'Operator (command line)' } : actor;
    const record = await this.deps.collations.record((version) => ({ version, collatedAt: this.deps.clock.now().toISOString(), by, basis, sources }));
    await this.audit(actor, 'protocol.collated', 'allowed', `version ${record.version} (${basis})`);
    await this.deps.collated?.(record);
    const input = await this.inputOf(record);
    const documents = await this.write(input);
    this.remember(input, documents);
    const changes = record.version > 1 ? await this.compare(record.version - 1, record.version) : undefined;
    return { kind: 'collated', record, input, missing: missingOf(sources), documents, ...(changes ? { changes } : {}) };
  }

  /** A recorded collation rebuilt from the template versions it recorded: the same content every time. */
  async rebuild(version: number): Promise<CollationInput | undefined> {
    const record = await this.deps.collations.version(version);
    return record && this.inputOf(record);
  }

  /** Both documents of a recorded collation, for the coordinator (or an operator at the command line). */
  async documents(
    actor: Actor | 'operator',
    version: number,
    only?: CollatedDocument['kind'],
  ): Promise<Refused | { kind: 'documents'; documents: CollatedDocument[] }> {
    if (actor !== 'operator' && !this.deps.directory.roles(actor).coordinator) {
      await this.audit(actor, 'request.refused', 'refused', `export protocol version ${version}: not a coordinator`);
      return refusal('Only a protocol coordinator can download the protocol.');
    }
    const input = await this.rebuild(version);
    if (!input) {
      // Only a changed file consent card names a collation that was never made.
      await this.audit(actor, 'request.refused', 'refused', `export protocol version ${version}: no such version`);
      return refusal('That version of the protocol does not exist.');
    }
    const cached = this.built.get(contentKey(input))?.filter((d) => !only || d.kind === only);
    const documents = cached?.length ? cached : await this.write(input, only);
    await this.audit(actor, 'protocol.exported', 'allowed', `version ${version}${only ? ` ${only}` : ''}`);
    return { kind: 'documents', documents };
  }

  private remember(input: CollationInput, documents: CollatedDocument[]): void {
    this.built.set(contentKey(input), documents);
    // Maps keep insertion order: the oldest go first.
    for (const old of [...this.built.keys()].slice(0, -3)) this.built.delete(old);
  }

  /** Builds the documents (or only one: a coordinator accepting one file waits for that one alone). */
  private async write(input: CollationInput, only?: CollatedDocument['kind']): Promise<CollatedDocument[]> {
    const kinds = only ? [only] : (['strategy', 'pathways'] as const);
    return Promise.all(
      kinds.map(async (kind) => ({
        kind,
        name: documentName(kind === 'strategy' ? 'Strategy' : 'Pathways', input.protocolVersion),
        bytes: await this.deps.writers[kind](input),
      })),
    );
  }

  /** Which groups' text changed between two collations (a version used, added or dropped). */
  async compare(a: number, b: number): Promise<VersionChange[] | undefined> {
    const [older, newer] = await Promise.all([this.deps.collations.version(Math.min(a, b)), this.deps.collations.version(Math.max(a, b))]);
    if (!older || !newer) return undefined;
    return TEMPLATE_IDS.flatMap((template) =>
      GROUP_IDS.flatMap((group) => {
        const from = older.sources[template][group]?.version;
        const to = newer.sources[template][group]?.version;
        return from === to ? [] : [{ template, group, ...(from ? { from } : {}), ...(to ? { to } : {}) }];
      }),
    );
  }

  private async inputOf(record: CollationRecord): Promise<CollationInput> {
    // Every saved version is read at once; the groups stay in their fixed order.
    const pick = async (template: TemplateId): Promise<Partial<Record<GroupId, CollatedTemplate>>> => {
      const read = await Promise.all(
        GROUP_IDS.map(async (group) => {
          const source = record.sources[template][group];
          const saved = source ? await this.deps.templates.version(group, template, source.version) : undefined;
          return source && saved ? [[group, { ...source, content: saved.content }] as const] : [];
        }),
      );
      return Object.fromEntries(read.flat());
    };
    const [status, strategies, pathways] = await Promise.all([
      this.deps.approvals.forVersion(record.version).then(statusOfApprovals),
      pick('strategy'),
      pick('pathway'),
    ]);
    return {
      protocolVersion: record.version,
      collatedAt: record.collatedAt,
      timeZone: this.deps.timeZone,
      // The status this version reached through its own approvals: the current version's status, and for
      // a superseded one what it had reached when the next was collated (no step is recorded for it since).
      status,
      basis: record.basis,
      strategies,
      pathways,
    };
  }

  private async audit(
    actor: Actor | 'operator',
    action: 'protocol.collated' | 'protocol.exported' | 'request.refused',
    outcome: 'allowed' | 'refused',
    reason: string,
  ) {
    await this.deps.audit.append({
      at: this.deps.clock.now().toISOString(),
      actorId: actor === 'operator' ? 'operator' : actor.aadObjectId,
      action,
      outcome,
      reason,
    });
  }
}

/** The exact content of a collation, as a short key. */
function contentKey(input: CollationInput): string {
  return createHash('sha256').update(JSON.stringify(input)).digest('base64url');
}

function missingOf(sources: CollationSources): Record<TemplateId, GroupId[]> {
  return { strategy: GROUP_IDS.filter((g) => !sources.strategy[g]), pathway: GROUP_IDS.filter((g) => !sources.pathway[g]) };
}

/** "Coventry-Modern-Slavery-Protocol-Strategy-v3.docx": safe in any file system and in Teams. */
export function documentName(part: 'Strategy' | 'Pathways', version: number): string {
  return `Coventry-Modern-Slavery-Protocol-${part}-v${version}.docx`;
}
