import assert from 'node:assert/strict';
import { createLogger } from '../src/logger.js';

const CANARY = 'CANARY-7f3e9a: two women seen sleeping at the car wash on Mill Lane';

/** A logger whose JSON lines are kept in memory. */
function capture(options: { silent?: boolean } = {}) {
  const lines: string[] = [];
  const logger = createLogger({ ...options, destination: { write: (line: string) => void lines.push(line) } });
  return { logger, lines, entries: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

describe('the log', () => {
  it('when a caller passes concern text, places or names in the fields, then none of it is written, but the event and ids are', () => {
    const { logger, lines, entries } = capture();
    logger.info('concern.raised', {
      concernId: 'c-0001',
      reference: 'MS-2027-000123',
      observed: CANARY,
      place: CANARY,
      text: CANARY,
      comment: CANARY,
      note: CANARY,
      notes: [CANARY],
      actionNote: CANARY,
      rerouteNote: CANARY,
      closeNote: CANARY,
      detail: CANARY,
      name: CANARY,
      reporter: { aadObjectId: 'aad-1', name: CANARY },
      intake: { observed: CANARY, place: CANARY },
      record: { intake: { observed: CANARY } },
      body: CANARY,
      value: { observed: CANARY },
      data: { text: CANARY },
      content: CANARY,
      sections: [{ body: CANARY }],
      flowcharts: CANARY,
      nrmReference: CANARY,
      concern: { id: 'c-0001', observed: CANARY, place: CANARY, by: 'someone', text: CANARY },
      by: { name: CANARY },
    });
    logger.warn('concern.refused', { concernId: 'c-0001', intake: { observed: CANARY } });
    logger.error('concern.failed', { concernId: 'c-0001', observed: CANARY });

    assert.equal(lines.length, 3);
    for (const line of lines) assert.ok(!line.includes('CANARY-7f3e9a'), `the canary leaked: ${line}`);
    const [raised] = entries();
    assert.equal(raised!.event, 'concern.raised');
    assert.equal(raised!.concernId, 'c-0001');
    assert.equal(raised!.reference, 'MS-2027-000123', 'a concern reference is not secret');
    assert.equal(raised!.observed, '[redacted]');
    assert.deepEqual(raised!.intake, '[redacted]');
    assert.deepEqual(
      raised!.concern,
      { id: 'c-0001', observed: '[redacted]', place: '[redacted]', by: 'someone', text: '[redacted]' },
      'one level down: the secret fields go, the id stays',
    );
  });

  it('when a concern is logged with its fields, then the concern itself is left unchanged', () => {
    const { logger } = capture();
    const intake = { observed: CANARY, place: 'Riverside ward' };
    logger.info('concern.raised', { concernId: 'c-0002', intake, concern: { intake } });
    assert.deepEqual(intake, { observed: CANARY, place: 'Riverside ward' });
  });

  it('when an event is logged, then each line is one JSON object with the level name, the time and the event', () => {
    const { logger, lines, entries } = capture();
    logger.info('outbox.sent', { kind: 'reminder', attempts: 1 });
    logger.warn('outbox.send_failed', { status: 429 });
    logger.error('scheduler.pass_failed', { error: 'Error: table unavailable' });

    assert.ok(
      lines.every((l) => l.endsWith('\n') && !l.slice(0, -1).includes('\n')),
      'one line per event',
    );
    const [info, warn, error] = entries();
    assert.deepEqual(
      entries().map((e) => [e.level, e.event]),
      [
        ['info', 'outbox.sent'],
        ['warn', 'outbox.send_failed'],
        ['error', 'scheduler.pass_failed'],
      ],
    );
    assert.equal(info!.kind, 'reminder');
    assert.equal(warn!.status, 429);
    assert.equal(error!.error, 'Error: table unavailable');
    assert.ok(!Number.isNaN(Date.parse(String(info!.at))), `"at" is a time: ${String(info!.at)}`);
  });

  it('when the logger is silent, then nothing is written', () => {
    const { logger, lines } = capture({ silent: true });
    logger.info('app.started');
    logger.error('app.stop_failed', { error: 'x' });
    assert.deepEqual(lines, []);
  });
});
