import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import type { ChapterReview } from '../../src/domain/chapterReview.js';
import { ChapterReviewStore } from '../../src/storage/chapterReviewStore.js';
import { usingAzurite } from '../support/azurite.js';

describe('chapter review store against Azurite', () => {
  const world = usingAzurite();
  const by = { aadObjectId: 'aad-h', name: 'Hana' };

  it('when a group answers a chapter twice, then the second answer replaces the first (a removed comment is gone), and other groups and versions are apart', async () => {
    const store = new ChapterReviewStore(world.tables.collations);
    const version = randomInt(100_000, 900_000);
    const answer = (over: Partial<ChapterReview>): ChapterReview => ({
      version,
      group: 'housing',
      chapter: 'pursue',
      answer: 'agree',
      by,
      at: '2027-07-03T09:00:00.000Z',
      ...over,
    });
    await store.save(version, [answer({ answer: 'notYet', comment: 'Add the police' }), answer({ chapter: 'pathway-housing' })]);
    await store.save(version, [answer({})]);
    await store.save(version, [answer({ group: 'health', comment: 'Fine' })]);
    await store.save(version + 1, [answer({ chapter: 'protect' })]);

    const housing = await store.forGroup(version, 'housing');
    assert.deepEqual(housing.map((r) => [r.chapter, r.answer, r.comment]).sort(), [
      ['pathway-housing', 'agree', undefined],
      ['pursue', 'agree', undefined],
    ]);
    assert.equal((await store.forVersion(version)).length, 3);
    assert.deepEqual(await store.forGroup(version, 'nrm'), []);
  });
});
