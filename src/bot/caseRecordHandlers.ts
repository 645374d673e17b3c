import type { Application, TurnState } from '@microsoft/teams-ai';
import type { TurnContext } from 'botbuilder';
import { z } from 'zod';
import { caseDetailsCard } from '../cards/caseDetailsCard.js';
import { leadCard } from '../cards/leadCard.js';
import { legalHoldCard } from '../cards/legalHoldCard.js';
import { messageCard, noticeCard, refusalCard } from '../cards/messageCard.js';
import type { Card } from '../cards/renderCard.js';
import { trailCard } from '../cards/trailCard.js';
import { VERBS } from '../cards/verbs.js';
import type { CaseDetailsService, CaseForm, ChangeResult, HoldForm } from '../services/caseDetailsService.js';
import type { ConcernRecordsService } from '../services/concernRecordsService.js';
import { onCardAction } from './cardActions.js';
import { offerFile, onFileConsent } from './fileConsent.js';
import { isRepeatDelivery } from './guards.js';
import { isPersonalChat } from './turn.js';

/** A change that came back as its form (opened, invalid or out of date). */
type FormResult<F> = Extract<ChangeResult<F>, { kind: 'form' }>;

export interface CaseRecordHandlerDeps {
  caseDetails: CaseDetailsService;
  records: ConcernRecordsService;
  timeZone: string;
}

/** What the subject access file's consent card carries: the concern, checked again (role and all) when it comes back. */
const exportContext = z.object({ subjectAccess: z.uuid() });

/**
 * The Lead card's records, beside the workflow: "Case details for figures" (a form), legal hold,
 * "Who has seen or changed this" (the concern's audit trail) and the subject access export,
 * delivered as Teams delivers files from bots (a consent card, then the upload).
 */
export function registerCaseRecordHandlers(app: Application<TurnState>, deps: CaseRecordHandlerDeps): void {
  const { caseDetails, records, timeZone } = deps;

  /** The answer to a change: the Lead's card with a line saying what happened, or the form again with everything sent. */
  function answer<F>(result: ChangeResult<F>, form: (shown: FormResult<F>) => Card): Card {
    if (result.kind === 'refused') return refusalCard(result.reason);
    if (result.kind === 'form') return form(result);
    const { concern, events, refreshUserIds, notice } = result;
    return leadCard(concern, { timeZone, events, refreshUserIds, ...(notice ? { notice } : {}) });
  }
  const detailsForm = (r: FormResult<CaseForm>) =>
    caseDetailsCard(r.concern, { values: r.form.values, errors: r.form.errors, ...(r.notice ? { notice: r.notice } : {}) });
  const holdForm = (r: FormResult<HoldForm>) =>
    legalHoldCard(r.concern, { timeZone, reason: r.form.reason, error: r.form.error, ...(r.notice ? { notice: r.notice } : {}) });
  const repeat = async (context: TurnContext) => ({ repeat: await isRepeatDelivery(context) });

  onCardAction(app, VERBS.openCaseDetails, async (actor, data) => answer(await caseDetails.openDetails(actor, data.concernId), detailsForm));
  onCardAction(app, VERBS.saveCaseDetails, async (actor, data, context) =>
    answer(await caseDetails.saveDetails(actor, data.concernId, data.revision, data, await repeat(context)), detailsForm),
  );
  onCardAction(app, VERBS.openLegalHold, async (actor, data) => answer(await caseDetails.openHold(actor, data.concernId), holdForm));
  onCardAction(app, VERBS.setLegalHold, async (actor, data, context) =>
    answer(await caseDetails.setHold(actor, data.concernId, data.revision, data.holdReason, await repeat(context)), holdForm),
  );
  onCardAction(app, VERBS.liftLegalHold, async (actor, data, context) =>
    answer(await caseDetails.liftHold(actor, data.concernId, data.revision, await repeat(context)), holdForm),
  );

  onCardAction(app, VERBS.concernTrail, async (actor, data) => {
    const result = await records.trail(actor, data.concernId);
    return result.kind === 'refused' ? refusalCard(result.reason) : trailCard(result.concern, result.entries, timeZone);
  });

  // The file goes to the Lead's own OneDrive, so it is offered in personal chat only.
  onCardAction(app, VERBS.exportConcern, async (actor, data, context) => {
    if (!isPersonalChat(context))
      return messageCard('Please use a personal chat', 'Concerns are exported only in a personal chat with me: the file goes to your own OneDrive.');
    const result = await records.exportFile(actor, data.concernId, 'offer');
    if (result.kind === 'refused') return refusalCard(result.reason);
    await offerFile(context, {
      name: result.name,
      description: `Everything held about concern ${result.concern.reference} (JSON), for a subject access request`,
      size: result.bytes.length,
      about: { subjectAccess: result.concern.id },
    });
    return noticeCard(
      `Export of ${result.concern.reference}`,
      ['The file is offered below: accept it to save it to your OneDrive. The export is recorded in the audit log when the file is saved.'],
      [{ title: 'Back to the concern', verb: VERBS.refreshConcern, data: { concernId: result.concern.id } }],
    );
  });

  // On accept, the file is made again now (the record may have changed) and the export audited.
  onFileConsent(app, {
    context: exportContext,
    declined: 'The subject access file was not saved. Press "Export for a subject access request" on the concern to make it again.',
    bytes: (actor, about) => records.exportFile(actor, about.subjectAccess, 'upload'),
  });
}
