import assert from 'node:assert/strict';
import { newOutboxEntry } from '../../src/domain/outbox.js';
import { OutboxStore } from '../../src/storage/outboxStore.js';
import { ProtocolStore } from '../../src/storage/protocolStore.js';
import { usingAzurite } from '../support/azurite.js';

describe('protocol store against Azurite', () => {
  const world = usingAzurite();

  it('when a draft far longer than one Table property is saved, then it reads back whole, and racing saves get distinct versions', async () => {
    const store = new ProtocolStore(world.tables.templates);
    const author = { aadObjectId: 'aad-x', name: 'X' };
    const long = 'Ω'.repeat(150_000); // well over 64 KiB in one string
    const save = (text: string) =>
      store.saveVersion('support', 'pathway', { template: 'pathway', text }, author, new Date(), (current) => {
        const record = { ...current, status: 'drafting' as const, revision: current.revision + 1, latestVersion: current.latestVersion + 1 };
        return { record, event: { revision: record.revision, type: 'saved' as const, by: author, at: new Date().toISOString(), detail: 'saved' } };
      });
    await save(long);
    const read = await store.version('support', 'pathway', 1);
    assert.equal(read?.content.template === 'pathway' ? read.content.text : '', long);
    await Promise.all([save('a'), save('b'), save('c')]);
    assert.deepEqual(
      (await store.versions('support', 'pathway')).map((v) => v.version),
      [4, 3, 2, 1],
    );
    assert.equal((await store.status('support', 'pathway')).record.latestVersion, 4);
  });

  it('when a reminder step is recorded twice, then the second is refused by the ledger (409) and writes nothing', async () => {
    const store = new ProtocolStore(world.tables.templates);
    const entry = newOutboxEntry({
      kind: 'reminder',
      recipient: 'aad-lead',
      now: new Date(),
      key: 'before-7',
      payload: { group: 'housing', template: 'strategy', step: 'before-7' },
    });
    assert.equal(await store.recordReminder('nrm', 'strategy', 'before-7', new Date(), [entry]), true);
    assert.equal(await store.recordReminder('nrm', 'strategy', 'before-7', new Date(), [{ ...entry, rowKey: `${entry.rowKey}-2` }]), false);
    assert.deepEqual(
      (await store.remindersSent('nrm', 'strategy')).map((r) => r.step),
      ['before-7'],
    );
    assert.equal((await new OutboxStore(world.tables.templates).list('nrm|strategy')).length, 1);
  });
});
