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
});
