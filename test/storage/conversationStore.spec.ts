import assert from 'node:assert/strict';
import { ConversationStore } from '../../src/storage/conversationStore.js';
import { usingAzurite } from '../support/azurite.js';

describe('conversation store against Azurite', () => {
  const world = usingAzurite();

  it('when a conversation reference is saved again with a new service URL, then the new one is kept', async () => {
    const store = new ConversationStore(world.tables.conversations);
    await store.savePersonal('aad-x', { serviceUrl: 'https://old.example/', reference: { conversation: { id: 'a:1' } } }, new Date());
    await store.savePersonal('aad-x', { serviceUrl: 'https://new.example/', reference: { conversation: { id: 'a:1' } } }, new Date());
    assert.equal((await store.personal('aad-x'))?.serviceUrl, 'https://new.example/');
    const key = await store.saveChannel('19:abc@thread.tacv2', { serviceUrl: 'https://s/', reference: {} }, new Date());
    assert.equal((await store.channel(key))?.serviceUrl, 'https://s/');
  });

  const chat = (url = 'https://teams.example/') => ({ serviceUrl: url, reference: { conversation: { id: 'a:chat' } }, teamsUserId: '29:x' });
  const etagOf = async (store: ConversationStore, id: string) => (await store.personal(id))?.etag;

  it('when the same conversation arrives again as it is stored, then nothing is written, and a change is', async () => {
    const store = new ConversationStore(world.tables.conversations);
    assert.equal(await store.savePersonal('aad-same', chat(), new Date()), 'new');
    const first = await etagOf(store, 'aad-same');
    assert.equal(await store.savePersonal('aad-same', chat(), new Date()), 'unchanged');
    // Another instance (no memory of this one's saves) finds it stored as it is, too.
    assert.equal(await new ConversationStore(world.tables.conversations).savePersonal('aad-same', chat(), new Date()), 'unchanged');
    assert.equal(await etagOf(store, 'aad-same'), first, 'not written again');
    assert.equal(await store.savePersonal('aad-same', chat('https://moved.example/'), new Date()), 'changed');
    assert.equal((await store.personal('aad-same'))?.serviceUrl, 'https://moved.example/');
  });

  it('when Teams refused a send to a person, then their next activity clears the mark at once, even just after a save', async () => {
    const store = new ConversationStore(world.tables.conversations);
    await store.savePersonal('aad-blocked', chat(), new Date());
    await store.markBlocked({ personal: 'aad-blocked' }, new Date());
    assert.ok((await store.personal('aad-blocked'))?.blockedAt);
    assert.equal(await store.savePersonal('aad-blocked', chat(), new Date()), 'changed');
    assert.equal((await store.personal('aad-blocked'))?.blockedAt, undefined);
  });

  it('when another instance dropped the reference just after this one saved it, then an install stores it again', async () => {
    const here = new ConversationStore(world.tables.conversations);
    const there = new ConversationStore(world.tables.conversations);
    await here.savePersonal('aad-dropped', chat(), new Date());
    await there.forget({ personal: 'aad-dropped' }, (await there.personal('aad-dropped'))!);
    assert.equal(await here.savePersonal('aad-dropped', chat(), new Date(), { checkStore: true }), 'new');
    assert.ok(await there.personal('aad-dropped'));
  });
});
