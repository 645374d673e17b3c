/**
 * Prints figures for the things that must stay fast (run: npm run bench). Not a test: numbers
 * vary by machine; compare runs on the same machine.
 *   - concern submission under load, 20 at a time and 200 at once, against a bare echo bot in the
 *     same run, with the Table calls it makes and Azurite's own ceiling (bench/submission.ts);
 *   - a reminder pass for 7 groups x 2 templates, first (sending) and repeated (nothing due);
 *   - an escalation pass over 10,000 unacknowledged concerns, first and repeated, and the outbox poll
 *     beside them (bench/escalations.ts), then the audit recovery pass over them (bench/auditRecovery.ts);
 *   - collating seven full groups (every Strategy section and every Pathway at its limit) into the
 *     two Word documents, cold (first Graphviz load), with the documents' sizes;
 *   - a figure over 100,000 concerns, cold and warm, against reading every row (bench/figures.ts);
 *   - 500 messages fanned out under Teams' rate limits, by one instance and by three (bench/fanout.ts).
 */
import { GROUP_IDS } from '../src/domain/groups.js';
import { DRAFT_LIMITS, STRATEGY_SECTIONS, type StrategyContent } from '../src/domain/templates.js';
import { startEmbeddedTables } from '../src/storage/embeddedAzurite.js';
import { openTables } from '../src/storage/tables.js';
import { FakeConnector } from '../test/support/fakeConnector.js';
import { startApp, TeamsClient } from '../test/support/harness.js';
import { benchAuditRecovery } from './bench/auditRecovery.js';
import { benchEscalations } from './bench/escalations.js';
import { benchFanout } from './bench/fanout.js';
import { benchFigures } from './bench/figures.js';
import { benchSubmission } from './bench/submission.js';
import { ms as msOf, timed } from './bench/timing.js';

const ms = (n: number) => msOf(n, 1);

async function main(): Promise<void> {
  const tables = await startEmbeddedTables(undefined);
  const connector = new FakeConnector();
  await connector.start();
  const app = await startApp(tables);
  const teams = new TeamsClient(app.url, connector);
  try {
    for (const key of ['lead', 'lead2', 'coordinator', 'deputy'] as const) await teams.install(key);

    await benchSubmission();

    const at = new Date('2027-06-25T08:05:00Z');
    const [first, firstMs] = await timed(() => app.reminders.runDueReminders(at));
    const [, againMs] = await timed(() => app.reminders.runDueReminders(at));
    console.log(
      `reminder pass, 7 groups x 2 templates: first ${ms(firstMs)} (${first.filter((i) => i.sent).length} recorded with their messages), repeated ${ms(againMs)} (nothing due)`,
    );

    const concernsTable = (await openTables({ connectionString: tables.connectionString })).concerns;
    await benchEscalations(app, concernsTable);
    await benchAuditRecovery(app, concernsTable); // over the 10,000 concerns the escalation bench stored
    await benchCollation(app);
    await benchFigures(tables.connectionString, app.stores.audit);
    await benchFanout();
    const memory = process.memoryUsage();
    console.log(`bot process memory after the runs: rss ${(memory.rss / 2 ** 20).toFixed(0)} MiB, heap used ${(memory.heapUsed / 2 ** 20).toFixed(0)} MiB`);
  } finally {
    await app.close();
    await connector.stop();
    await tables.close();
  }
}

/** Seven groups with every Strategy section and every Pathway at its limit, accepted, then collated twice. */
async function benchCollation(app: Awaited<ReturnType<typeof startApp>>): Promise<void> {
  console.log('collation: seeding seven full groups ...');
  const author = { aadObjectId: 'aad-bench', name: 'Bench Author' };
  const section = (group: string, p: string) =>
    `${group} ${p}: ${'Share intelligence with partners within 48 hours and train every officer. '.repeat(40)}`.slice(0, DRAFT_LIMITS.strategySection);
  const step = (n: number) => `${n}. Officer ${n}: checks the indicators and records what was seen`;
  const chart = (title: string, from: number) =>
    [
      `## ${title}`,
      ...Array.from({ length: 12 }, (_, i) =>
        i % 4 === 1 ? `${from + i}. Is anyone in danger at step ${from + i}? yes: ${from + i + 1}, no: ${from + i + 2}` : step(from + i),
      ),
    ].join('\n');
  for (const group of GROUP_IDS) {
    let text = '';
    for (let k = 1; `${text}\n${chart(`Flowchart ${k}`, 1)}`.length <= DRAFT_LIMITS.pathway; k++) text = `${text}\n${chart(`Flowchart ${k}`, 1)}`.trim();
    const contents = [
      { template: 'strategy' as const, sections: Object.fromEntries(STRATEGY_SECTIONS.map((s) => [s.id, section(group, s.title)])) as StrategyContent },
      { template: 'pathway' as const, text },
    ];
    for (const content of contents) {
      const now = new Date();
      const saved = await app.stores.protocol.saveVersion(group, content.template, content, author, now, (current) => {
        const record = { ...current, status: 'drafting' as const, revision: current.revision + 1, latestVersion: current.latestVersion + 1 };
        return { record, event: { revision: record.revision, type: 'saved' as const, by: author, at: now.toISOString(), detail: 'bench' } };
      });
      const { etag } = await app.stores.protocol.status(group, content.template);
      const next = { ...saved, status: 'accepted' as const, revision: saved.revision + 1, submittedVersion: saved.latestVersion, submittedBy: author };
      await app.stores.protocol.changeStatus(next, etag, { revision: next.revision, type: 'accepted', by: author, at: now.toISOString(), detail: 'bench' }, []);
    }
  }
  // Cold only (the first Graphviz load): a warm run costs about as much again (19.6 s against 19.7 s when both were last measured), and the bench must stay within minutes.
  const [result, took] = await timed(() => app.collations.collate('operator', 'accepted'));
  if (result.kind !== 'collated') throw new Error('collation refused');
  const sizes = result.documents.map((d) => `${d.name} ${(d.bytes.length / 1024).toFixed(0)} KB`).join(', ');
  console.log(
    `collation of seven full groups, cold (first Graphviz load): ${ms(took)} (target: well under a minute; it is a coordinator's command, not an invoke) -> ${sizes}`,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
