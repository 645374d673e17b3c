import { TeamsAdapter } from '@microsoft/teams-ai';
import type restify from 'restify';
import { createBot } from './bot/createBot.js';
import type { Config } from './config.js';
import { systemClock, type Clock } from './domain/clock.js';
import { createLogger, type Logger } from './logger.js';
import { DEFAULT_DISPATCHER_OPTIONS, OutboxDispatcher, type DispatcherOptions } from './messaging/outboxDispatcher.js';
import { teamsDelivery } from './messaging/teamsDelivery.js';
import { createServer } from './server.js';
import { ConcernService } from './services/concernService.js';
import { leadTeamsUserIds } from './services/leadDirectory.js';
import { ProtocolService } from './services/protocolService.js';
import { ReminderService } from './services/reminderService.js';
import { Scheduler } from './services/scheduler.js';
import { ProtocolStore } from './storage/protocolStore.js';
import { ActivityLedger } from './storage/activityLedger.js';
import { AuditLog } from './storage/auditLog.js';
import { ConcernStore } from './storage/concernStore.js';
import { ConversationStore, GroupChannelStore } from './storage/conversationStore.js';
import { CounterStore } from './storage/counterStore.js';
import { startEmbeddedTables } from './storage/embeddedAzurite.js';
import { OutboxStore } from './storage/outboxStore.js';
import { openTables } from './storage/tables.js';

export interface AppOptions {
  clock?: Clock;
  logger?: Logger;
  dispatcher?: Partial<DispatcherOptions>;
  /** How often the reminder and escalation pass runs; 0 turns the timer off (tests run passes themselves). */
  schedulerIntervalMs?: number;
}

export interface App {
  server: restify.Server;
  outbox: OutboxDispatcher;
  reminders: ReminderService;
  stores: {
    concerns: ConcernStore;
    outbox: OutboxStore;
    templateOutbox: OutboxStore;
    protocol: ProtocolStore;
    audit: AuditLog;
    conversations: ConversationStore;
    groupChannels: GroupChannelStore;
  };
  /** Listens on the configured host and port (0: any free port); resolves with the base URL. */
  listen(): Promise<string>;
  /** Stops taking requests, finishes the outbox pass under way, and stops embedded storage. */
  close(): Promise<void>;
}

/** The one composition root: config -> tables -> repositories -> services -> bot -> server. */
export async function createApp(config: Config, options: AppOptions = {}): Promise<App> {
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? createLogger();
  const embedded = 'embeddedDataDir' in config.storage ? await startEmbeddedTables(config.storage.embeddedDataDir) : undefined;
  const connectionString = embedded?.connectionString ?? ('connectionString' in config.storage ? config.storage.connectionString : '');
  const tables = await openTables(connectionString);

  const concerns = new ConcernStore(tables.concerns);
  const outboxStore = new OutboxStore(tables.concerns);
  const protocolStore = new ProtocolStore(tables.templates);
  const templateOutbox = new OutboxStore(tables.templates);
  const audit = new AuditLog(tables.audit);
  const conversations = new ConversationStore(tables.conversations);
  const groupChannels = new GroupChannelStore(tables.groupChannels);
  const { protocol } = config;

  const credentials = config.credentials;
  const adapter = new TeamsAdapter(
    credentials
      ? { MicrosoftAppId: credentials.appId, MicrosoftAppPassword: credentials.password ?? '', MicrosoftAppType: credentials.appType, MicrosoftAppTenantId: credentials.tenantId }
      : {},
  );

  const deliver = teamsDelivery({ adapter, appId: credentials?.appId ?? '', protocol, concerns, protocolStore, conversations, groupChannels, clock });
  const outbox = new OutboxDispatcher([outboxStore, templateOutbox], deliver, () => protocol.coordinators.map((c) => c.aadObjectId), clock, logger, {
    ...DEFAULT_DISPATCHER_OPTIONS,
    ...options.dispatcher,
  });
  const concernService = new ConcernService({ concerns, counters: new CounterStore(tables.counters), audit, protocol, clock, outboxWritten: () => outbox.kick() });
  const outboxWritten = () => outbox.kick();
  const protocolService = new ProtocolService({ store: protocolStore, audit, protocol, clock, outboxWritten });
  const reminders = new ReminderService({ protocolStore, concerns, audit, protocol, clock, outboxWritten });
  const scheduler = new Scheduler(reminders, clock, logger, options.schedulerIntervalMs ?? 5 * 60_000);
  const bot = createBot({
    adapter,
    protocol,
    concerns: concernService,
    protocolService,
    reminders,
    conversations,
    groupChannels,
    ledger: new ActivityLedger(tables.activities),
    audit,
    clock,
    logger,
    leadRefreshIds: () => leadTeamsUserIds(protocol, conversations),
    wake: (recipient) => outbox.wake(recipient),
  });
  const server = createServer(adapter, bot, logger);

  return {
    server,
    outbox,
    reminders,
    stores: { concerns, outbox: outboxStore, templateOutbox, protocol: protocolStore, audit, conversations, groupChannels },
    async listen() {
      await new Promise<void>((resolve) => {
        server.listen(config.port, config.host, () => resolve());
      });
      outbox.start();
      if ((options.schedulerIntervalMs ?? 1) > 0) scheduler.start();
      const address = server.address();
      return `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${address.port}`;
    },
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
      });
      await scheduler.stop();
      await outbox.stop();
      await embedded?.close();
    },
  };
}
