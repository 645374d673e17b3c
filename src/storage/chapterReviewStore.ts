import type { TableClient, TransactionAction } from '@azure/data-tables';
import type { ChapterId, ChapterReview, ReviewAnswer } from '../domain/chapterReview.js';
import type { GroupId } from '../domain/groups.js';
import { rowsStartingWith } from './tables.js';

/**
 * The partition of one collated version's review, in the collations table: the groups' answers
 * (one row per group and chapter) and the outbox entries that asked the leads for them.
 */
export const reviewPartition = (version: number) => `review|${String(version).padStart(6, '0')}`;
const answerRow = (group: GroupId, chapter: ChapterId) => `answer|${group}|${chapter}`;

interface AnswerEntity {
  version: number;
  group: GroupId;
  chapter: ChapterId;
  answer: ReviewAnswer;
  comment?: string;
  byId: string;
  byName: string;
  at: string;
}

/** The groups' chapter-by-chapter answers on each collated version of the protocol. */
export class ChapterReviewStore {
  constructor(private readonly table: TableClient) {}

  /**
   * Saves a group's answers on one version together (one transaction in the version's partition).
   * Each replaces that group's earlier answer on the chapter: answering twice, or changing a comment, updates it.
   */
  async save(version: number, reviews: ChapterReview[]): Promise<void> {
    if (!reviews.length) return;
    const partitionKey = reviewPartition(version);
    const actions: TransactionAction[] = reviews.map((r) => {
      const entity: AnswerEntity & { partitionKey: string; rowKey: string } & Record<string, unknown> = {
        partitionKey,
        rowKey: answerRow(r.group, r.chapter),
        version,
        group: r.group,
        chapter: r.chapter,
        answer: r.answer,
        byId: r.by.aadObjectId,
        byName: r.by.name,
        at: r.at,
        ...(r.comment ? { comment: r.comment } : {}),
      };
      return ['upsert', entity, 'Replace'];
    });
    await this.table.submitTransaction(actions);
  }

  /** Every group's answers on a version, by group then chapter. */
  async forVersion(version: number): Promise<ChapterReview[]> {
    return this.read(rowsStartingWith(reviewPartition(version), 'answer'));
  }

  /** One group's answers on a version. */
  async forGroup(version: number, group: GroupId): Promise<ChapterReview[]> {
    return this.read(rowsStartingWith(reviewPartition(version), `answer|${group}`));
  }

  private async read(filter: string): Promise<ChapterReview[]> {
    const found: ChapterReview[] = [];
    for await (const row of this.table.listEntities<AnswerEntity>({ queryOptions: { filter } })) {
      found.push({
        version: row.version,
        group: row.group,
        chapter: row.chapter,
        answer: row.answer,
        by: { aadObjectId: row.byId, name: row.byName },
        at: row.at,
        ...(row.comment ? { comment: row.comment } : {}),
      });
    }
    return found;
  }
}
