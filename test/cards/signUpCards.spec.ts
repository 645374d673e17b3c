import assert from 'node:assert/strict';
import { assertTeamsCard } from '../support/adaptiveCards.js';
import type { Card } from '../../src/cards/renderCard.js';
import { signedUpCard, SIGN_UP_LIST_MAX, signUpFormCard, signUpListCard, signUpSendCard } from '../../src/cards/signUpCards.js';
import { SIGN_UP_LIMITS, type SignUpRecord } from '../../src/domain/signUp.js';
import { actionTitles, factsOf, inputValue, visibleText } from '../support/cards.js';

const TZ = 'Europe/London';
const record = (i: number, overrides: Partial<SignUpRecord> = {}): SignUpRecord => ({
  organisation: `Organisation ${i}`,
  signatory: `Signatory ${i}`,
  role: 'Chief Executive',
  documents: ['strategy', 'pathways'],
  signedOn: '2027-06-20',
  enteredBy: { aadObjectId: 'a', name: 'Sam Staff' },
  firstRecordedAt: '2027-06-20T08:00:00.000Z',
  updatedAt: '2027-06-20T08:00:00.000Z',
  ...overrides,
});
/** Thirty organisations whose every answer is at its limit, in a script that takes three bytes a letter. */
const longest = Array.from({ length: 30 }, (_, i) =>
  record(i, {
    organisation: '組'.repeat(SIGN_UP_LIMITS.organisation),
    signatory: '署'.repeat(SIGN_UP_LIMITS.signatory),
    role: '役'.repeat(SIGN_UP_LIMITS.role),
  }),
);

const CARDS: Record<string, () => Card> = {
  'sign-up form': () => signUpFormCard(),
  'sign-up form (refused, inputs kept)': () =>
    signUpFormCard({
      values: { organisation: 'x'.repeat(500), signatory: 'Jo', signedOn: '2099-01-01' },
      errors: { organisation: 'Too long', signedOn: 'Future' },
    }),
  'signed up': () => signedUpCard(record(1), false, TZ),
  'sign-up list (empty)': () => signUpListCard([], TZ),
  'sign-up list (longest answers)': () => signUpListCard(longest, TZ),
  'send choice': () =>
    signUpSendCard({
      sendId: '6f1c1f0e-8a51-4a43-9d5b-0c1f35a0c111',
      groups: [{ title: 'Housing channel', value: 'housing' }],
      people: [{ title: 'Hana', value: 'aad-h' }],
    }),
  'send choice (nobody to send to)': () =>
    signUpSendCard({ sendId: '6f1c1f0e-8a51-4a43-9d5b-0c1f35a0c111', groups: [], people: [], error: 'Choose at least one.' }),
};

describe('sign-up cards', () => {
  for (const [name, build] of Object.entries(CARDS)) {
    it(`when the ${name} card is expanded, then the official Adaptive Cards parser accepts it as version 1.5 with no unbound data`, () => {
      assertTeamsCard(build());
    });
  }

  it('when more organisations have signed up than the card holds, then it shows the newest and says how many more the CSV has', () => {
    const text = visibleText(
      signUpListCard(
        Array.from({ length: SIGN_UP_LIST_MAX + 5 }, (_, i) => record(i)),
        TZ,
      ),
    );
    assert.match(text, /30 organisations signed up, newest first\./);
    assert.match(text, /Organisation 24\n/);
    assert.doesNotMatch(text, /Organisation 25\n/);
    assert.match(text, /5 more organisations not shown here: export the list as CSV to see every one\./);
  });

  it('when every answer is at its limit in three-byte letters, then the card still fits by showing fewer, and says how many more', () => {
    assert.match(visibleText(CARDS['sign-up list (longest answers)']!()), /\d+ more organisations not shown here/);
  });

  it('when names hold Markdown, then the list and the thank-you show them literally, and no link can form', () => {
    const tricky = record(1, { organisation: '[Click](http://evil.example) *Trust*', signatory: '_Jo_' });
    const list = signUpListCard([tricky], TZ);
    assert.match(visibleText(list), /\\\[Click\\\]\(http\u200B:\/\/evil\.example\) \\\*Trust\\\*/);
    assert.equal(factsOf(list).Signatory, '\\_Jo\\_');
    assert.match(visibleText(signedUpCard(tricky, true, TZ)), /Organisation: \\\[Click\\\]/);
  });

  it('when nobody has signed up, then the list says how to send the card and offers no export', () => {
    const card = signUpListCard([], TZ);
    assert.match(visibleText(card), /No organisation has signed up yet\. Type "send sign-up"/);
    assert.deepEqual(actionTitles(card), ['Refresh']);
  });

  it('when a refused form comes back, then what was typed is kept (cut to twice its limit) with each problem shown', () => {
    const card = CARDS['sign-up form (refused, inputs kept)']!();
    assert.equal(inputValue(card, 'organisation')?.length, SIGN_UP_LIMITS.organisation * 2);
    assert.equal(inputValue(card, 'signedOn'), '2099-01-01');
    assert.match(visibleText(card), /Please check the 2 answers marked below: nothing has been recorded yet\.\n[\s\S]*Too long[\s\S]*Future/);
  });
});
