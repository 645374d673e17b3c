import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { startEmbeddedTables, type EmbeddedTables } from '../../src/storage/embeddedAzurite.js';
import { inputValue, visibleText } from '../support/cards.js';
import { FakeConnector } from '../support/fakeConnector.js';
import { FaultyPipe } from '../support/faultyPipe.js';
import { invokeCard, startApp, TeamsClient, validIntake, type RunningApp } from '../support/harness.js';

/**
 * Storage failing while someone raises a concern: Azurite behind a pipe that stops answering or
 * cuts connections. Teams gives up on an invoke after 5 seconds; the person must hear within that,
 * and must be told "submitted" only for a concern that is stored.
 */
describe('raising a concern while storage fails', () => {
  let tables: EmbeddedTables;
  let pipe: FaultyPipe;
  let connector: FakeConnector;
  let app: RunningApp;
  let teams: TeamsClient;

  before(async () => {
    tables = await startEmbeddedTables(undefined);
    const azuritePort = Number(/TableEndpoint=http:\/\/127\.0\.0\.1:(\d+)/.exec(tables.connectionString)![1]);
    pipe = new FaultyPipe(azuritePort);
    const pipePort = await pipe.start();
    connector = new FakeConnector();
    await connector.start();
    app = await startApp({ ...tables, connectionString: tables.connectionString.replace(`:${azuritePort}/`, `:${pipePort}/`) });
    teams = new TeamsClient(app.url, connector);
    await teams.install('staff');
  });
  afterEach(() => pipe.heal());
  after(async () => {
    await app?.close();
    await connector?.stop();
    await pipe?.stop();
    await tables?.close();
  });

  /** Submits an intake card; the answer and how long it took. */
  async function submit(submissionId: string, observed: string) {
    const started = performance.now();
    const answer = await teams.execute('staff', 'intake.submit', { submissionId, ...validIntake({ observed }) });
    return { answer, ms: performance.now() - started };
  }

  function assertAskedToSendAgain(answer: Awaited<ReturnType<typeof submit>>['answer'], observed: string) {
    assert.equal(answer.status, 200);
    const card = invokeCard(answer);
    assert.match(visibleText(card), /could not be saved just now/);
    assert.match(visibleText(card), /call 999/);
    assert.doesNotMatch(visibleText(card), /Concern raised/, 'not told it was submitted');
    assert.equal(inputValue(card, 'observed'), observed, 'what they wrote is kept on the card');
  }

  it('when storage stops answering, then the person hears within 5 s that it was not saved, with what they wrote kept; once storage is back, sending again gives one concern and its receipt', async () => {
    const id = randomUUID();
    const observed = 'Hang test: workers collected at dawn by a white van.';
    pipe.hang();
    const { answer, ms } = await submit(id, observed);
    assert.ok(ms < 5_000, `answered after ${Math.round(ms)} ms`);
    assertAskedToSendAgain(answer, observed);

    pipe.heal(); // the held write may land now: sending again must not make a second concern
    const again = await submit(id, observed);
    assert.match(visibleText(invokeCard(again.answer)), /Concern raised|Already submitted/);
    const stored = await app.stores.concerns.get(id);
    assert.ok(stored, 'stored once storage answered');
    assert.equal((await app.stores.concerns.listByReporter('aad-staff')).filter((c) => c.id === id).length, 1);
  });

  it('when storage is down (connections refused), then the person hears within 5 s that it was not saved; sent again once it is back, it is stored once', async () => {
    const id = randomUUID();
    const observed = 'Refused test: a child seen working late in the car wash.';
    pipe.refuse();
    const { answer, ms } = await submit(id, observed);
    assert.ok(ms < 5_000, `answered after ${Math.round(ms)} ms`);
    assertAskedToSendAgain(answer, observed);

    pipe.heal();
    const again = await submit(id, observed);
    assert.match(visibleText(invokeCard(again.answer)), /Concern raised|Already submitted/);
    assert.equal((await app.stores.concerns.listByReporter('aad-staff')).filter((c) => c.id === id).length, 1);
  });
});
