import { localDate } from '../domain/calendar.js';
import type { Clock } from '../domain/clock.js';
import {
  auditReason,
  decodeQuestion,
  describeBasis,
  describeQuestion,
  encodeQuestion,
  parseFigureForm,
  presetQuestion,
  PRESETS,
  type FigureField,
  type PresetId,
} from '../domain/figureQuestions.js';
import { answerQuestion, DIMENSIONS, tooDetailed, type FigureQuestion } from '../domain/figures.js';
import { suppress, type SuppressedTable } from '../domain/suppression.js';
import { figuresCsv } from '../reports/figuresCsv.js';
import type { AuditAction, AuditLog } from '../storage/auditLog.js';
import type { TableClient } from '@azure/data-tables';
import { StatisticsStore } from '../storage/statisticsStore.js';
import type { Directory } from './directory.js';
import { refusal, type Actor, type Refused } from './results.js';
import { StatisticsIndex, type SyncReport } from './statisticsIndex.js';

export interface FiguresServiceDeps {
  index: StatisticsIndex;
  audit: AuditLog;
  directory: Directory;
  clock: Clock;
  timeZone: string;
  /** Tests only: how long to wait for the index (INDEX_WAIT_MS). */
  indexWaitMs?: number;
}

/** One table as shown: its dimensions' names, its categories and the suppressed figures. */
export interface ShownTable {
  rowsName: string;
  columnsName: string | undefined;
  rowLabels: string[];
  columnLabels: string[];
  figures: SuppressedTable;
}

/** A figures answer: the question in words, what the period was read against, the tables, and when. */
export interface FigureAnswer {
  question: FigureQuestion;
  /** The question as the export button carries it. */
  encoded: Record<string, string>;
  title: string;
  basis: string;
  tables: ShownTable[];
  /** When the counts were made (ISO instant). */
  asOf: string;
  sync: SyncReport;
}

export type FormResult = Refused | { kind: 'form'; today: string };
/** The index is still loading (first use with no snapshot, or a rebuild): said plainly, not left to Teams' timeout. */
export type Preparing = { kind: 'preparing'; reason: string };
export type AnswerResult =
  Refused | Preparing | { kind: 'invalid'; errors: Partial<Record<FigureField | 'since', string>>; today: string } | { kind: 'answer'; answer: FigureAnswer };
/** The question asks for a table too big to check for small numbers in time. */
type TooDetailed = { kind: 'tooDetailed'; reason: string };
export type FileResult = Refused | Preparing | { kind: 'file'; name: string; bytes: Buffer; answer: FigureAnswer };

const presetIds = Object.keys(PRESETS) as PresetId[];
type Current = Awaited<ReturnType<StatisticsIndex['current']>>;
const NOT_ALLOWED = 'Only the Modern Slavery Lead, deputies and the protocol coordinators can see figures.';
/** How long a request waits for the index: Teams wants an answer to a click within 5 seconds. */
export const INDEX_WAIT_MS = 3_500;
const PREPARING: Preparing = {
  kind: 'preparing',
  reason: 'The figures are being prepared (this happens once, after an upgrade or a rebuild, and takes a minute or so). Please try again shortly.',
};

/**
 * Figures about concerns, for the Modern Slavery Lead, deputies and the coordinators: a question
 * from the form or a preset, answered from the statistics index, with small numbers suppressed in
 * every figure shown or exported. Every answer and every export is audited with the question (its
 * dimensions, who, the period; nothing typed), and so is every refusal.
 */
export class FiguresService {
  constructor(private readonly deps: FiguresServiceDeps) {}

  /** Today in the protocol's time zone. */
  today(): string {
    return localDate(this.deps.clock.now(), this.deps.timeZone);
  }

  /** The figures form (the card offers the periods and the presets). */
  async form(actor: Actor): Promise<FormResult> {
    if (!(await this.allowed(actor, 'figures'))) return refusal(NOT_ALLOWED);
    return { kind: 'form', today: this.today() };
  }

  /** The answer to the form's question. */
  async answer(actor: Actor, data: Record<string, unknown>): Promise<AnswerResult> {
    if (!(await this.allowed(actor, 'figures'))) return refusal(NOT_ALLOWED);
    const parsed = parseFigureForm(data, this.today());
    if (!parsed.ok) return { kind: 'invalid', errors: parsed.errors, today: this.today() };
    const current = await this.ready();
    if (!current) return PREPARING;
    const answer = await this.viewed(actor, parsed.question, current, 'figures.viewed');
    return 'kind' in answer ? { kind: 'invalid', errors: { columns: answer.reason }, today: this.today() } : { kind: 'answer', answer };
  }

  /** The answer to a preset question, one click. */
  async preset(actor: Actor, preset: unknown, data: Record<string, unknown>): Promise<AnswerResult> {
    if (!(await this.allowed(actor, 'figures preset'))) return refusal(NOT_ALLOWED);
    const id = presetIds.find((p) => p === preset);
    if (!id) return this.tampered(actor, 'figures preset: card not valid');
    const today = this.today();
    // One sync for both: the index says when the first concern was raised (the years preset starts there), then counts.
    const current = await this.ready();
    if (!current) return PREPARING;
    const earliest = current.earliestRaisedOn;
    const question = presetQuestion(id, { today, since: data.since, ...(earliest ? { earliestRaisedOn: earliest } : {}) });
    if ('error' in question) return { kind: 'invalid', errors: { since: question.error }, today };
    const answer = await this.viewed(actor, question, current, 'figures.viewed', `preset ${id}`);
    return 'kind' in answer ? { kind: 'invalid', errors: { columns: answer.reason }, today } : { kind: 'answer', answer };
  }

  /**
   * The answer as a CSV file: offered first (Teams' consent card needs its size), then counted
   * again and uploaded when the person accepts it; the upload is the export, and is audited.
   */
  async file(actor: Actor, encoded: unknown, purpose: 'offer' | 'upload'): Promise<FileResult> {
    if (!(await this.allowed(actor, 'export figures'))) return refusal(NOT_ALLOWED);
    const question = encoded && typeof encoded === 'object' ? decodeQuestion(encoded as Record<string, unknown>, this.today()) : undefined;
    if (!question) return this.tampered(actor, 'figures export: card not valid');
    const current = await this.ready();
    if (!current) return PREPARING;
    // The offer shows the figures again on the card (a view); the upload is the export.
    const answer =
      purpose === 'upload'
        ? await this.viewed(actor, question, current, 'figures.exported', 'as CSV')
        : await this.viewed(actor, question, current, 'figures.viewed', 'CSV offered');
    if ('kind' in answer) return refusal(answer.reason);
    const bytes = figuresCsv(answer, this.deps.timeZone);
    return { kind: 'file', name: `Modern-Slavery-Figures-${this.today()}.csv`, bytes, answer };
  }

  /** The index, current, or undefined when it is still loading after INDEX_WAIT_MS (it goes on loading for the next request). */
  private async ready(): Promise<Current | undefined> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), this.deps.indexWaitMs ?? INDEX_WAIT_MS);
    });
    try {
      return await Promise.race([this.deps.index.current(), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** The figures, counted and audited as seen (or exported). */
  private async viewed(actor: Actor, question: FigureQuestion, current: Current, action: AuditAction, note?: string): Promise<FigureAnswer | TooDetailed> {
    const answer = this.count(question, current);
    if ('kind' in answer) return answer;
    await this.audit(actor, action, 'allowed', `${auditReason(question)}${note ? ` (${note})` : ''}`);
    return answer;
  }

  private count(question: FigureQuestion, current: Current): FigureAnswer | TooDetailed {
    const { rows, report } = current;
    const asOf = this.deps.clock.now().toISOString();
    const counted = answerQuestion(rows, question);
    const tooBig = counted.map(tooDetailed).find(Boolean);
    if (tooBig) return { kind: 'tooDetailed', reason: tooBig };
    const tables = counted.map((table): ShownTable => ({
      rowsName: DIMENSIONS[table.spec.rows].label,
      columnsName: table.spec.columns ? DIMENSIONS[table.spec.columns].label : undefined,
      rowLabels: table.rowLabels,
      columnLabels: table.columnLabels,
      figures: suppress(table.counts),
    }));
    return { question, encoded: encodeQuestion(question), title: describeQuestion(question), basis: describeBasis(question.basis), tables, asOf, sync: report };
  }

  private async tampered(actor: Actor, reason: string): Promise<Refused> {
    await this.audit(actor, 'request.refused', 'refused', reason);
    return refusal('This card is not valid any more. Type "figures" to ask again.');
  }

  /** Leads, deputies and coordinators; anyone else is refused, and the refusal audited. */
  private async allowed(actor: Actor, what: string): Promise<boolean> {
    const roles = this.deps.directory.roles(actor);
    if (roles.modernSlaveryLead || roles.coordinator) return true;
    await this.audit(actor, 'request.refused', 'refused', `${what}: not a Modern Slavery Lead, deputy or coordinator`);
    return false;
  }

  private async audit(actor: Actor, action: AuditAction, outcome: 'allowed' | 'refused', reason: string): Promise<void> {
    await this.deps.audit.append({ at: this.deps.clock.now().toISOString(), actorId: actor.aadObjectId, action, outcome, reason });
  }
}

/**
 * The figures service with its own statistics index over the concerns table (where each concern's
 * projection row lives): one per app, since the index is the app's copy of the projection.
 */
export function createFiguresService(deps: Omit<FiguresServiceDeps, 'index'> & { concerns: TableClient }): FiguresService {
  const index = new StatisticsIndex({ store: new StatisticsStore(deps.concerns), timeZone: deps.timeZone });
  return new FiguresService({ audit: deps.audit, directory: deps.directory, clock: deps.clock, timeZone: deps.timeZone, index });
}
