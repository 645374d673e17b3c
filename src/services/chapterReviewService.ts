import {
  allChapters,
  chapterOf,
  chaptersFor,
  expectedGroups,
  parseReview,
  type ChapterReview,
  type ReviewForm,
  type ReviewSummary,
} from '../domain/chapterReview.js';
import type { Clock } from '../domain/clock.js';
import { GROUP_IDS, GROUP_INFO, type GroupId } from '../domain/groups.js';
import { newOutboxEntry, type ChapterReviewPayload } from '../domain/outbox.js';
import type { AuditLog } from '../storage/auditLog.js';
import { reviewPartition, type ChapterReviewStore } from '../storage/chapterReviewStore.js';
import type { CollationRecord, CollationStore } from '../storage/collationStore.js';
import type { OutboxStore } from '../storage/outboxStore.js';
import type { Directory } from './directory.js';
import { type Actor, type Refused, refusal } from './results.js';

export interface ChapterReviewServiceDeps {
  reviews: ChapterReviewStore;
  /** The outbox beside the answers (the collations table): one review card per group lead per version. */
  outbox: OutboxStore;
  collations: CollationStore;
  directory: Directory;
  audit: AuditLog;
  clock: Clock;
  outboxWritten: () => void;
}

export type AnswerResult = Refused | { kind: 'stale'; reason: string } | { kind: 'form'; form: ReviewForm };
export type CommentsResult = Refused | { kind: 'none'; reason: string } | { kind: 'summary'; summary: ReviewSummary };

/**
 * After a collation, each group's leads review the protocol chapter by chapter (agree, or comment on
 * what should change); the coordinator reads the answers by chapter. Only a group's leads answer
 * for it, only on the current version; every answer and refusal is audited, never with the comment.
 */
export class ChapterReviewService {
  constructor(private readonly deps: ChapterReviewServiceDeps) {}

  /** A collation was recorded: every group's leads are sent its review card through the outbox. */
  async requestReviews(record: CollationRecord): Promise<void> {
    const now = this.deps.clock.now();
    const entries = this.deps.directory.groups().flatMap((group) =>
      this.deps.directory.groupLeads(group).map((lead) =>
        newOutboxEntry({
          kind: 'chapterReview',
          recipient: lead.aadObjectId,
          revision: record.version,
          now,
          key: group, // a person leading two groups gets one card for each
          payload: { version: record.version, group },
        }),
      ),
    );
    await this.deps.outbox.add(reviewPartition(record.version), entries);
    this.deps.outboxWritten();
  }

  /**
   * The review card as it is when sent: nothing when a newer version was collated meanwhile (its own
   * card follows) or the recipient no longer leads the group.
   */
  async formFor(payload: ChapterReviewPayload, recipient: string): Promise<ReviewForm | undefined> {
    const { currentVersion } = await this.deps.collations.state();
    if (currentVersion !== payload.version) return undefined;
    if (!this.deps.directory.roles(recipient).leadOf.includes(payload.group)) return undefined;
    const record = await this.deps.collations.version(payload.version);
    return record && this.form(record, payload.group, {});
  }

  /** A lead's answers from their card: `version` and `group` are what the card carries, checked here. */
  async answer(actor: Actor, version: number, group: GroupId, data: Record<string, unknown>): Promise<AnswerResult> {
    const about = `review version ${version} ${group}`;
    if (!this.deps.directory.roles(actor).leadOf.includes(group)) {
      await this.audit(actor, 'request.refused', 'refused', `${about}: not a group lead`);
      return refusal(`Only a lead of the ${GROUP_INFO[group].name} group can answer for it. Your group lead can.`);
    }
    const { currentVersion } = await this.deps.collations.state();
    const record = version === currentVersion ? await this.deps.collations.version(version) : undefined;
    if (!record) {
      await this.audit(actor, 'request.refused', 'refused', `${about}: stale (current version ${currentVersion})`);
      return {
        kind: 'stale',
        reason:
          version < currentVersion
            ? `Not saved: this card is for protocol version ${version}, and version ${currentVersion} has been collated since. Answer on the card for version ${currentVersion}, sent to this chat.`
            : 'Not saved: that version of the protocol does not exist.',
      };
    }
    const chapters = chaptersFor(group, Boolean(record.sources.pathway[group]));
    const parsed = parseReview(data, chapters);
    if (!parsed.ok) {
      const problems = Object.keys(parsed.errors).join(', ') || 'nothing answered';
      await this.audit(actor, 'request.refused', 'refused', `${about}: not saved (${problems})`);
      const text = parsed.general ?? 'Not saved: please check the chapters marked below. Nothing was saved.';
      return { kind: 'form', form: await this.form(record, group, { values: parsed.values, errors: parsed.errors, notice: { text, tone: 'attention' } }) };
    }
    const at = this.deps.clock.now().toISOString();
    const reviews: ChapterReview[] = parsed.answers.map((a) => ({ ...a, version, group, by: actor, at }));
    await this.deps.reviews.save(version, reviews);
    // Which chapters and how, never what the comment says.
    const what = reviews.map((r) => `${r.chapter}=${r.answer}${r.comment ? ' (comment)' : ''}`).join(', ');
    await this.audit(actor, 'protocol.reviewed', 'allowed', `version ${version} ${group}: ${what}`);
    const count = reviews.length === 1 ? '1 chapter' : `${reviews.length} chapters`;
    const text = `Saved your answers on ${count} for the ${GROUP_INFO[group].name} group. The coordinator sees them; you can change them until the protocol is collated again.`;
    return { kind: 'form', form: await this.form(record, group, { notice: { text, tone: 'good' } }) };
  }

  /** "review comments": the current version's answers by chapter, for a coordinator; `only` opens one chapter. */
  async comments(actor: Actor, only?: unknown): Promise<CommentsResult> {
    if (!this.deps.directory.roles(actor).coordinator) {
      await this.audit(actor, 'request.refused', 'refused', 'review comments: not a coordinator');
      return refusal("Only a protocol coordinator can read the groups' review comments.");
    }
    const { currentVersion } = await this.deps.collations.state();
    const record = currentVersion ? await this.deps.collations.version(currentVersion) : undefined;
    if (!record) return { kind: 'none', reason: 'The protocol has not been collated yet, so there is nothing to review. Type "collate" first.' };
    const groups = this.deps.directory.groups();
    const reviews = await this.deps.reviews.forVersion(record.version);
    const chosen = typeof only === 'string' ? chapterOf(only) : undefined;
    const available = allChapters(GROUP_IDS.filter((g) => record.sources.pathway[g]));
    const chapters = available.filter((c) => !chosen || c.id === chosen.id);
    const order = (r: ChapterReview) => groups.indexOf(r.group);
    return {
      kind: 'summary',
      summary: {
        version: record.version,
        collatedAt: record.collatedAt,
        groups: groups.length,
        groupsAnswered: new Set(reviews.map((r) => r.group)).size,
        available,
        ...(chosen && chapters.length ? { only: chosen.id } : {}),
        chapters: (chapters.length ? chapters : available).map((chapter) => {
          const here = reviews.filter((r) => r.chapter === chapter.id).sort((a, b) => order(a) - order(b));
          return { chapter, reviews: here, notAnswered: expectedGroups(chapter.id, groups).filter((g) => !here.some((r) => r.group === g)) };
        }),
      },
    };
  }

  private async form(record: CollationRecord, group: GroupId, extra: Pick<ReviewForm, 'values' | 'errors' | 'notice'>): Promise<ReviewForm> {
    const strategy = record.sources.strategy[group]?.version;
    const pathway = record.sources.pathway[group]?.version;
    return {
      version: record.version,
      collatedAt: record.collatedAt,
      group,
      sources: { ...(strategy ? { strategy } : {}), ...(pathway ? { pathway } : {}) },
      chapters: chaptersFor(group, Boolean(pathway)),
      answers: await this.deps.reviews.forGroup(record.version, group),
      ...extra,
    };
  }

  private async audit(actor: Actor, action: 'protocol.reviewed' | 'request.refused', outcome: 'allowed' | 'refused', reason: string) {
    await this.deps.audit.append({ at: this.deps.clock.now().toISOString(), actorId: actor.aadObjectId, action, outcome, reason });
  }
}
