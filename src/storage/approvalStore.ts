import type { TableClient } from '@azure/data-tables';
import { statusAfter, statusOfApprovals, type ApprovalRecord } from '../domain/approvals.js';
import type { CollationStatus } from '../domain/collation.js';
import { PARTITION, STATE_ROW } from './collationStore.js';
import { getOrUndefined, isConflict, isStale, rowsStartingWith } from './tables.js';

const pad = (n: number, width: number) => String(n).padStart(width, '0');
const versionPrefix = (version: number) => `approval|${pad(version, 6)}`;
const approvalRow = (version: number, n: number) => `${versionPrefix(version)}|${pad(n, 3)}`;

/** Where the current version stands when a step is about to be recorded. */
export interface ApprovalContext {
  /** The current collation's number; 0 before the first. */
  version: number;
  status: CollationStatus;
  /** The steps already recorded for it, oldest first. */
  approvals: ApprovalRecord[];
}

type StateRow = { currentVersion: number };

/**
 * The approvals of each collated version of the protocol, in the collations' partition so that a
 * step and the status it brings are written in one transaction, guarded by the state row's ETag:
 * a collation or another step meanwhile makes the write fail, and the decision is taken again on
 * what is there now (two coordinators recording the same step: one wins, the other is refused).
 */
export class ApprovalStore {
  constructor(private readonly table: TableClient) {}

  /** The steps recorded for one version, oldest first. */
  async forVersion(version: number): Promise<ApprovalRecord[]> {
    const found: ApprovalRecord[] = [];
    const filter = rowsStartingWith(PARTITION, versionPrefix(version));
    for await (const row of this.table.listEntities<{ record: string }>({ queryOptions: { filter } })) found.push(JSON.parse(row.record) as ApprovalRecord);
    return found.sort((a, b) => a.n - b.n);
  }

  /** The current version, the status its own steps reached, and those steps. */
  async current(): Promise<ApprovalContext> {
    const state = await getOrUndefined<StateRow>(this.table, PARTITION, STATE_ROW);
    return this.contextOf(state);
  }

  /**
   * Records the step `decide` makes of the current context, with the status it brings, or returns
   * what `decide` answered instead (a refusal). `decide` may run more than once (after a race).
   */
  async record<Other>(
    decide: (context: ApprovalContext) => { record: ApprovalRecord } | { other: Other },
  ): Promise<{ record: ApprovalRecord } | { other: Other }> {
    for (let attempt = 0; attempt < 20; attempt++) {
      const state = await getOrUndefined<StateRow>(this.table, PARTITION, STATE_ROW);
      const context = await this.contextOf(state);
      const decided = decide(context);
      if ('other' in decided) return decided;
      const { record } = decided;
      if (!state || record.protocolVersion !== context.version) throw new Error('an approval must be for the current collated version');
      const status = statusAfter(context.status, record.step, record.decision);
      try {
        await this.table.submitTransaction([
          ['create', { partitionKey: PARTITION, rowKey: approvalRow(record.protocolVersion, record.n), record: JSON.stringify(record) }],
          ['update', { partitionKey: PARTITION, rowKey: STATE_ROW, status }, 'Merge', { etag: state.etag }],
        ]);
        return decided;
      } catch (error) {
        if (!isConflict(error) && !isStale(error)) throw error;
      }
    }
    throw new Error('too many approvals at once; try again');
  }

  private async contextOf(state: StateRow | undefined): Promise<ApprovalContext> {
    if (!state?.currentVersion) return { version: 0, status: 'draft', approvals: [] };
    const approvals = await this.forVersion(state.currentVersion);
    return { version: state.currentVersion, status: statusOfApprovals(approvals), approvals };
  }
}
