import { Application, type TeamsAdapter, type TurnState } from '@microsoft/teams-ai';
import { messageCard } from '../cards/messageCard.js';
import type { Deadline } from '../domain/deadline.js';
import type { Logger } from '../logger.js';
import type { ApprovalService } from '../services/approvalService.js';
import type { CaseDetailsService } from '../services/caseDetailsService.js';
import type { ChannelService } from '../services/channelService.js';
import type { ChapterReviewService } from '../services/chapterReviewService.js';
import type { CollationService } from '../services/collationService.js';
import type { ConcernService } from '../services/concernService.js';
import type { ConcernRecordsService } from '../services/concernRecordsService.js';
import type { ConversationService } from '../services/conversationService.js';
import type { Directory } from '../services/directory.js';
import type { DraftingService } from '../services/draftingService.js';
import type { FiguresService } from '../services/figuresService.js';
import type { PeopleService } from '../services/peopleService.js';
import type { ReminderService } from '../services/reminderService.js';
import type { SignUpService } from '../services/signUpService.js';
import type { SubmissionService } from '../services/submissionService.js';
import type { TeamImports } from '../services/teamImport.js';
import { registerApprovalHandlers } from './approvalHandlers.js';
import { registerCaseRecordHandlers } from './caseRecordHandlers.js';
import { registerChannelHandlers } from './channelHandlers.js';
import { registerChapterReviewHandlers } from './chapterReviewHandlers.js';
import { registerCollationHandlers } from './collationHandlers.js';
import { registerConcernHandlers } from './concernHandlers.js';
import { registerDraftingHandlers } from './draftingHandlers.js';
import { registerFiguresHandlers } from './figuresHandlers.js';
import { registerGuards } from './guards.js';
import { registerPeopleHandlers, teamOffer } from './peopleHandlers.js';
import { registerReviewHandlers } from './reviewHandlers.js';
import { registerSignUpHandlers } from './signUpHandlers.js';
import { registerStatusHandlers } from './statusHandlers.js';
import { answerInvoke, isInvoke, sendCard } from './turn.js';
import { registerWelcomeHandlers } from './welcomeHandlers.js';

/** The services the bot hands each activity to; the bot itself keeps no state and reads no store. */
export interface BotServices {
  concerns: ConcernService;
  drafting: DraftingService;
  submissions: SubmissionService;
  reminders: ReminderService;
  channels: ChannelService;
  conversations: ConversationService;
  directory: Directory;
  collations: CollationService;
  signUps: SignUpService;
  approvals: ApprovalService;
  chapterReviews: ChapterReviewService;
  figures: FiguresService;
  /** The Lead's case details and legal hold, and a concern's audit trail and subject access export. */
  caseDetails: CaseDetailsService;
  concernRecords: ConcernRecordsService;
  /** People and roles managed in Teams ("people", "members"), and a team's members offered to a group. */
  people: PeopleService;
  teamImports: TeamImports;
}

export interface BotDeps {
  adapter: TeamsAdapter;
  /** Activities from any other tenant are refused. */
  tenantId: string;
  services: BotServices;
  deadline: Deadline;
  now: () => Date;
  logger: Logger;
}

/** The teams-ai Application with every feature's handlers; the catch-all handlers come last. */
export function createBot(deps: BotDeps): Application<TurnState> {
  const { services } = deps;
  const clock = { now: deps.now, deadline: deps.deadline };
  const app = new Application<TurnState>({ adapter: deps.adapter, startTypingTimer: false, removeRecipientMention: true });
  registerGuards(app, { tenantId: deps.tenantId, conversations: services.conversations, logger: deps.logger });
  registerConcernHandlers(app, { concerns: services.concerns, timeZone: deps.deadline.timeZone, logger: deps.logger });
  registerCaseRecordHandlers(app, { caseDetails: services.caseDetails, records: services.concernRecords, timeZone: deps.deadline.timeZone });
  registerChannelHandlers(app, services.channels, services.directory, teamOffer(services.teamImports, deps.tenantId));
  // Cards refused before any feature service sees them (changed or forged card data) are audited by the conversation service.
  const refusals = services.conversations;
  registerDraftingHandlers(app, { drafting: services.drafting, submissions: services.submissions, clock, refusals });
  registerReviewHandlers(app, { submissions: services.submissions, clock, refusals });
  registerStatusHandlers(app, { submissions: services.submissions, reminders: services.reminders, clock, refusals });
  registerCollationHandlers(app, services.collations);
  registerSignUpHandlers(app, services.signUps, deps.deadline.timeZone);
  registerApprovalHandlers(app, services.approvals);
  registerFiguresHandlers(app, services.figures, deps.deadline.timeZone);
  registerChapterReviewHandlers(app, { reviews: services.chapterReviews, timeZone: deps.deadline.timeZone, refusals });
  registerPeopleHandlers(app, { people: services.people, teamImports: services.teamImports, tenantId: deps.tenantId, logger: deps.logger });
  registerWelcomeHandlers(app, { directory: services.directory, conversations: services.conversations });

  // One turn-error handler: log ids only, and tell the person plainly that their last step may not be saved.
  app.error(async (context, error) => {
    // The error's message can quote what someone typed, so only its kind and where it was thrown are logged.
    deps.logger.error('turn.failed', {
      type: context.activity.type,
      activityName: context.activity.name,
      error: error.name,
      thrownAt: error.stack
        ?.split('\n')
        .slice(1, 3)
        .map((line) => line.trim())
        .join(' | '),
    });
    const text = 'Something went wrong and your last step may not have been saved. Please try again. If someone is in immediate danger, call 999.';
    // Only a person's message or click gets an apology; a proactive send has nobody waiting.
    if (!isInvoke(context) && context.activity.type !== 'message') return;
    try {
      if (isInvoke(context)) {
        await answerInvoke(context, { statusCode: 500, type: 'application/vnd.microsoft.error', value: { code: 'InternalError', message: text } }, 200);
      } else {
        await sendCard(context, messageCard('Sorry', text, 'attention'));
      }
    } catch (sendError) {
      deps.logger.error('turn.error_reply_failed', { error: String(sendError).slice(0, 200) });
    }
  });
  return app;
}
