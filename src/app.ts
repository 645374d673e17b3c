import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdapter } from './bot/adapter.js';
import { createBot } from './bot/createBot.js';
import type { Config } from './config.js';
import { systemClock, type Clock } from './domain/clock.js';
import { Deadline } from './domain/deadline.js';
import { createLogger, type Logger } from './logger.js';
import { DEFAULT_DISPATCHER_OPTIONS, OutboxDispatcher, type DispatcherOptions } from './messaging/outboxDispatcher.js';
import { reachability, teamsDelivery } from './messaging/teamsDelivery.js';
import { createServer } from './server.js';
import { buildPathwaysDocument } from './reports/pathwaysDocument.js';
import { buildStrategyDocument } from './reports/strategyDocument.js';
import { flowchartPng } from './reports/flowchart.js';
import { ApprovalService } from './services/approvalService.js';
import { recoverAuditIntents } from './services/auditIntents.js';
import { ChannelService } from './services/channelService.js';
import { ChapterReviewService } from './services/chapterReviewService.js';
import { CollationService } from './services/collationService.js';
import { ConcernService } from './services/concernService.js';
import { caseRecordServices } from './services/concernRecordsService.js';
import { ConversationService } from './services/conversationService.js';
import { DeliveryProblems } from './services/deliveryProblems.js';
import { DraftingService } from './services/draftingService.js';
import { createFiguresService } from './services/figuresService.js';
import { outboxMessages } from './services/outboxMessages.js';
import { peopleServices } from './services/peopleService.js';
import { ReminderService } from './services/reminderService.js';
import { RetentionService } from './services/retentionService.js';
import { SignUpService } from './services/signUpService.js';
import { Scheduler } from './services/scheduler.js';
import { SubmissionService } from './services/submissionService.js';
import { TemplateAccess } from './services/templateAccess.js';
import { ActivityLedger } from './storage/activityLedger.js';
import { ApprovalStore } from './storage/approvalStore.js';
import { AuditLog } from './storage/auditLog.js';
import { ChapterReviewStore } from './storage/chapterReviewStore.js';
import { CollationStore } from './storage/collationStore.js';
import { ConcernStore } from './storage/concernStore.js';
import { ConversationStore, GroupChannelStore } from './storage/conversationStore.js';
import { CounterStore } from './storage/counterStore.js';
import { startEmbeddedTables } from './storage/embeddedAzurite.js';
import { OutboxStore } from './storage/outboxStore.js';
import { WaitingStore } from './storage/waitingStore.js';
import { ProtocolStore } from './storage/protocolStore.js';
import { RetentionStore } from './storage/retentionStore.js';
import { SignUpStore } from './storage/signUpStore.js';
import { openTables, type TableAccess } from './storage/tables.js';
import type { Directory } from './services/directory.js';

export interface AppOptions {
  clock?: Clock;
  logger?: Logger;
  dispatcher?: Partial<DispatcherOptions>;
  /** How often the reminder and escalation pass runs; 0 turns the timer off (tests run passes themselves). */
  schedulerIntervalMs?: number;
  /**
   * Tests only: the OpenID metadata document from which inbound Bot Framework tokens' signing keys
   * are read, so a test can sign tokens with keys it made. It is an option, not a setting in the
   * environment, on purpose: a deployment cannot point token validation anywhere but the Bot Framework.
   */
  openIdMetadataUrl?: string;
}

export interface App {
  server: http.Server;
  outbox: OutboxDispatcher;
  reminders: ReminderService;
  retention: RetentionService;
  collations: CollationService;
  directory: Directory;
  stores: {
    concerns: ConcernStore;
    outbox: OutboxStore;
    templateOutbox: OutboxStore;
    protocol: ProtocolStore;
    collations: CollationStore;
    audit: AuditLog;
    conversations: ConversationStore;
    groupChannels: GroupChannelStore;
  };
  /** Listens on the configured host and port (0: any free port); resolves with the base URL. */
  listen(): Promise<string>;
  /** Stops taking requests and drains: requests and the outbox pass under way finish (sends still going after the drain time give their claims back); then stops embedded storage. */
  close(): Promise<void>;
}

/** The configured storage, when it is not the embedded emulator (which app.ts starts itself). */
function tableAccess(storage: Config['storage']): TableAccess {
  if ('embeddedDataDir' in storage) throw new Error('the embedded emulator must be started first');
  return storage;
}

/** The one composition root: config -> tables -> repositories -> services -> bot -> server. */
export async function createApp(config: Config, options: AppOptions = {}): Promise<App> {
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? createLogger();
  const embedded = 'embeddedDataDir' in config.storage ? await startEmbeddedTables(config.storage.embeddedDataDir) : undefined;
  const tables = await openTables(embedded ? { connectionString: embedded.connectionString } : tableAccess(config.storage));

  const concerns = new ConcernStore(tables.concerns);
  const outboxStore = concerns.outbox; // one store per table: it remembers the table's one-time pointer catch-up
  const protocolStore = new ProtocolStore(tables.templates);
  const templateOutbox = new OutboxStore(tables.templates);
  const audit = new AuditLog(tables.audit);
  const conversations = new ConversationStore(tables.conversations);
  const groupChannels = new GroupChannelStore(tables.groupChannels);
  const { protocol } = config;
  const { directory, refreshIds, ...people } = await peopleServices({ table: tables.people, protocol, conversations, audit, clock, logger });
  const deadline = Deadline.of(protocol);

  const credentials = config.credentials;
  const adapter = createAdapter(credentials, options.openIdMetadataUrl);

  // What a message says is decided by the services (compose); messaging only delivers it.
  const waiting = new WaitingStore(tables.conversations);
  const noticeOutbox = new OutboxStore(tables.conversations);
  // The groups' chapter-by-chapter review of each collation, and its outbox, beside the collations.
  const reviewOutbox = new OutboxStore(tables.collations);
  const chapterReviews = new ChapterReviewService({
    reviews: new ChapterReviewStore(tables.collations),
    outbox: reviewOutbox,
    collations: new CollationStore(tables.collations),
    directory,
    audit,
    clock,
    outboxWritten: () => outbox.kick(),
  });
  const compose = outboxMessages({ concerns, protocolStore, waiting, directory, deadline, clock, leadRefreshIds: refreshIds, chapterReviews });
  const deliver = teamsDelivery({ adapter, appId: credentials?.appId ?? '', conversations, groupChannels, clock, compose, budget: tables.sendBudget, logger });
  const problems = new DeliveryProblems({ waiting, notices: noticeOutbox, directory, clock, audit, concernOutbox: outboxStore });
  const outbox = new OutboxDispatcher([outboxStore, templateOutbox, noticeOutbox, reviewOutbox], deliver, problems, clock, logger, {
    ...DEFAULT_DISPATCHER_OPTIONS,
    ...options.dispatcher,
  });
  const outboxWritten = () => outbox.kick();
  // Someone installed the app or a channel was linked: the coordinators' notice says so, and what waited goes out.
  const wake = async (recipient: string) => {
    await problems.resolved(recipient);
    await outbox.wake(recipient);
  };

  const concernService = new ConcernService({
    concerns,
    counters: new CounterStore(tables.counters),
    leadRefreshIds: refreshIds,
    audit,
    directory,
    timeZone: protocol.timeZone,
    clock,
    outboxWritten,
  });
  const access = new TemplateAccess(directory, protocolStore, groupChannels);
  const collationStore = new CollationStore(tables.collations);
  // Approvals live beside the collations (one partition): the documents' status comes from them.
  const approvalStore = new ApprovalStore(tables.collations);
  const approvals = new ApprovalService({ approvals: approvalStore, collations: collationStore, audit, directory, clock, timeZone: protocol.timeZone });
  const collations = new CollationService({
    collations: collationStore,
    approvals: approvalStore,
    templates: protocolStore,
    audit,
    directory,
    clock,
    timeZone: protocol.timeZone,
    collated: (record) => chapterReviews.requestReviews(record),
    writers: {
      strategy: (input) => buildStrategyDocument(input),
      // Diagrams wide enough to print clearly, as palette PNGs (about 90 KB each rather than 300 KB);
      // a flowchart Graphviz cannot draw is still given as numbered steps.
      pathways: (input) => buildPathwaysDocument(input, { diagram: (chart) => flowchartPng(chart, { width: 900, colours: 64 }) }),
    },
  });
  const reminders = new ReminderService({
    protocolStore,
    collations: collationStore,
    concerns,
    audit,
    directory,
    deadline,
    protocol,
    clock,
    outboxWritten,
    reachable: reachability({ conversations, groupChannels }),
  });
  // Sign-ups live beside the collations; the sign-up cards for people and channels go out through the outbox.
  const signUps = new SignUpService({
    signUps: new SignUpStore(tables.collations),
    conversations,
    groupChannels,
    invites: noticeOutbox,
    outboxWritten: () => outboxWritten(),
    audit,
    directory,
    clock,
    timeZone: protocol.timeZone,
  });
  // Audit rows a failure left as intents beside their concerns are copied at start and on every pass.
  const recoverAudit = async () => {
    const recovered = await recoverAuditIntents({ concerns, audit, clock });
    if (recovered) logger.warn('audit.recovered', { count: recovered });
  };
  const retention = new RetentionService({ store: new RetentionStore(tables.concerns), concerns, audit, protocol, clock, logger });
  const housekeeping = () => recoverAudit().then(async () => void (await retention.runDaily()));
  const scheduler = new Scheduler(reminders, clock, logger, options.schedulerIntervalMs ?? 5 * 60_000, housekeeping);
  const bot = createBot({
    adapter,
    tenantId: protocol.tenantId,
    deadline,
    now: () => clock.now(),
    logger,
    services: {
      concerns: concernService,
      drafting: new DraftingService({ store: protocolStore, access, audit, clock }),
      submissions: new SubmissionService({ store: protocolStore, collations: collationStore, access, audit, directory, clock, outboxWritten }),
      reminders,
      channels: new ChannelService({ groupChannels, audit, directory, clock, wake }),
      conversations: new ConversationService({ conversations, ledger: new ActivityLedger(tables.activities), audit, clock, wake }),
      directory,
      collations,
      signUps,
      approvals,
      chapterReviews,
      figures: createFiguresService({ concerns: tables.concerns, audit, directory, clock, timeZone: protocol.timeZone }),
      ...people.bot,
      ...caseRecordServices({ concerns, audit, directory, clock, leadRefreshIds: refreshIds, timeZone: protocol.timeZone, outbox: outboxStore }),
    },
  });
  const server = createServer(adapter, bot, logger);

  return {
    server,
    outbox,
    reminders,
    retention,
    collations,
    directory,
    stores: { concerns, outbox: outboxStore, templateOutbox, protocol: protocolStore, collations: collationStore, audit, conversations, groupChannels },
    async listen() {
      await new Promise<void>((resolve) => server.listen(config.port, config.host, resolve));
      outbox.start();
      people.start();
      if ((options.schedulerIntervalMs ?? 1) > 0) scheduler.start();
      else recoverAudit().catch((error: unknown) => logger.error('audit.recovery_failed', { error: String(error).slice(0, 200) }));
      const { port } = server.address() as AddressInfo;
      return `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${port}`;
    },
    // Stops taking requests and drains at once: requests under way finish, the pass under way ends,
    // and sends still going after the drain time give their claims back (OutboxDispatcher.stop).
    async close() {
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      await Promise.all([stopped, scheduler.stop(), outbox.stop().then(() => deliver.close()), people.stop()]);
      await embedded?.close();
    },
  };
}
