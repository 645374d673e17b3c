import assert from 'node:assert/strict';
import {
  actionsOf,
  actionTitles,
  assertAbsent,
  choiceTitles,
  choiceValues,
  factsOf,
  findAction,
  inputIds,
  inputValue,
  tableRows,
  textsOf,
  visibleText,
} from './cards.js';

// The walker the card assertions rely on: it must read what a person reads, and nothing else.
const card = {
  type: 'AdaptiveCard',
  version: '1.5',
  refresh: { action: { type: 'Action.Execute', title: 'Refresh', verb: 'x.refresh' }, userIds: ['29:a'] },
  body: [
    { type: 'TextBlock', text: 'Concern MS-2027-000001', id: 'heading' },
    {
      type: 'Container',
      items: [
        {
          type: 'FactSet',
          facts: [
            { title: 'Status', value: 'New' },
            { title: 'Place', value: 'Foleshill' },
          ],
        },
      ],
    },
    { type: 'RichTextBlock', inlines: ['Plain ', { type: 'TextRun', text: 'and bold' }] },
    {
      type: 'Table',
      rows: [
        {
          type: 'TableRow',
          cells: [
            { type: 'TableCell', items: [{ type: 'TextBlock', text: 'Group' }] },
            { type: 'TableCell', items: [] },
          ],
        },
      ],
    },
    { type: 'Input.Text', id: 'place', label: 'Ward', placeholder: 'e.g. Foleshill', value: 'Hillfields', errorMessage: 'Shown only on a client-side check' },
    {
      type: 'Input.ChoiceSet',
      id: 'area',
      label: 'Area',
      value: 'housing',
      choices: [
        { title: 'Housing', value: 'housing' },
        { title: 'Health', value: 'health' },
      ],
    },
  ],
  actions: [
    {
      type: 'Action.Execute',
      title: 'Acknowledge',
      verb: 'concern.acknowledge',
      data: { verb: 'concern.acknowledge', concernId: 'secret-id' },
      fallback: { type: 'Action.Submit', title: 'Fallback title' },
    },
    {
      type: 'Action.ShowCard',
      title: 'Close',
      card: {
        type: 'AdaptiveCard',
        body: [{ type: 'TextBlock', text: 'Why close it?' }],
        actions: [{ type: 'Action.Execute', title: 'Close concern', data: { verb: 'concern.close' } }],
      },
    },
  ],
};

describe('reading cards as a person does (test support)', () => {
  it('when a card is read, then its texts, facts, labels, choices and buttons come out in order, and no ids, data, verbs or fallbacks', () => {
    assert.deepEqual(textsOf(card), [
      'Concern MS-2027-000001',
      'Status: New',
      'Place: Foleshill',
      'Plain and bold',
      'Group',
      'Ward',
      'e.g. Foleshill',
      'Hillfields',
      'Area',
      'Housing',
      'Health',
      'Acknowledge',
      'Close',
      'Why close it?',
      'Close concern',
    ]);
    assert.doesNotMatch(visibleText(card), /secret-id|concern\.acknowledge|heading|Refresh|Fallback title|client-side|housing/);
  });

  it('when a card arrives in an activity, an invoke answer or a dialog, then the same text is read', () => {
    const expected = visibleText(card);
    assert.equal(visibleText({ type: 'message', attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', content: card }] }), expected);
    assert.equal(visibleText({ statusCode: 200, type: 'application/vnd.microsoft.card.adaptive', value: card }), expected);
    assert.equal(
      visibleText({ task: { type: 'continue', value: { card: { contentType: 'application/vnd.microsoft.card.adaptive', content: card } } } }),
      expected,
    );
    assert.equal(visibleText({ type: 'message', text: 'Hello' }), 'Hello');
  });

  it('when there is nothing to read (no message, an error answer), then reading fails instead of finding nothing', () => {
    assert.throws(() => visibleText(undefined), /not a card or a message/);
    assert.throws(() => visibleText({ type: 'application/vnd.microsoft.error', value: { message: 'x' } }), /nothing a person could read/);
    assert.throws(() => assertAbsent(undefined, /x/));
  });

  it('when buttons, facts and inputs are asked for, then they are found as a person finds them', () => {
    assert.deepEqual(actionTitles(card), ['Acknowledge', 'Close']);
    assert.deepEqual(
      actionsOf(card).map((a) => a.title),
      ['Acknowledge', 'Close', 'Close concern'],
    );
    assert.equal(findAction(card, 'Close').type, 'Action.ShowCard');
    assert.deepEqual(findAction(card, 'Close', 'Close concern').data, { verb: 'concern.close' });
    assert.throws(() => findAction(card, 'Delete'), /no "Delete" button; on offer: Acknowledge, Close, Close concern/);
    assert.deepEqual(factsOf(card), { Status: 'New', Place: 'Foleshill' });
    assert.deepEqual(inputIds(card), ['place', 'area']);
    assert.equal(inputValue(card, 'place'), 'Hillfields');
    assert.deepEqual(choiceTitles(card, 'area'), ['Housing', 'Health']);
    assert.deepEqual(choiceValues(card, 'area'), ['housing', 'health']);
    assert.deepEqual(tableRows(card), [['Group', '']]);
  });

  it('when something is only in the data of a card, then assertAbsent still finds it', () => {
    assert.throws(() => assertAbsent(card, /secret-id/));
    assert.throws(() => assertAbsent(card, /Foleshill/));
    assertAbsent(card, /passport/);
  });
});
