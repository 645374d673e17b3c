import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { SignUpInput } from '../../src/domain/signUp.js';
import { SignUpStore } from '../../src/storage/signUpStore.js';
import { usingAzurite } from '../support/azurite.js';

const signUp = (organisation: string, signatory: string): SignUpInput => ({
  organisation,
  signatory,
  role: 'Director',
  documents: ['strategy'],
  signedOn: '2027-06-01',
});

describe('sign-up store against Azurite', () => {
  const world = usingAzurite();

  it('when people sign for the same organisation at the same moment, then there is one row, holding one of their answers', async () => {
    const store = new SignUpStore(world.tables.collations);
    const name = `Org ${randomUUID()}`;
    const results = await Promise.all(
      ['Ann', 'Ben', 'Cat', 'Dan'].map((who) => store.record(signUp(name.toUpperCase(), who), { aadObjectId: `aad-${who}`, name: who }, new Date())),
    );
    assert.equal(results.filter((r) => !r.updated).length, 1, 'one created the row, the others updated it');
    const rows = (await store.all()).filter((r) => r.organisation === name.toUpperCase());
    assert.equal(rows.length, 1);
    assert.ok(['Ann', 'Ben', 'Cat', 'Dan'].includes(rows[0]!.signatory));
  });
});
