import assert from 'node:assert/strict';
import { COMMANDS, commandsMatching, normaliseCommand } from '../../src/bot/commands.js';

describe('typed commands: normalising and matching', () => {
  it('when text has capitals, surrounding punctuation, curly quotes or extra spaces, then it is normalised to lower-case words', () => {
    assert.equal(normaliseCommand('  Raise Concern!! '), 'raise concern');
    assert.equal(normaliseCommand('status?'), 'status');
    assert.equal(normaliseCommand('"my   concerns".'), 'my concerns');
    assert.equal(normaliseCommand('I’m worried about someone…'), "i'm worried about someone");
    assert.equal(normaliseCommand('/help'), 'help');
    assert.equal(normaliseCommand('?'), '');
    assert.equal(normaliseCommand(undefined), '');
  });

  it('when a group is named after "link", then its words survive normalisation', () => {
    assert.equal(normaliseCommand('link Housing!'), 'link housing');
    assert.equal(normaliseCommand('Link  Transition to Adulthood.'), 'link transition to adulthood');
  });

  const expected: [string, keyof typeof COMMANDS][] = [
    ['raise concern', 'raise'],
    ['Raise Concern!!', 'raise'],
    ['raise a concern', 'raise'],
    ['report concern', 'raise'],
    ['report a concern', 'raise'],
    ['report', 'raise'],
    ['raise', 'raise'],
    ['concern', 'raise'],
    ['I want to report something', 'raise'],
    ["I'd like to raise a concern", 'raise'],
    ['worried about someone', 'raise'],
    ["I'm worried about someone.", 'raise'],
    ['my concerns?', 'myConcerns'],
    ['My concern', 'myConcerns'],
    ['open concerns?', 'openConcerns'],
    ['status?', 'status'],
    ['Dashboard!', 'status'],
    ['draft strategy.', 'draft'],
    ['Draft Pathway', 'draft'],
    ['link Housing!', 'link'],
    ['help', 'help'],
    ['Hello!', 'help'],
    ['?', 'help'],
  ];
  for (const [typed, command] of expected) {
    it(`when someone types "${typed}", then it means ${command} and nothing else`, () => {
      assert.deepEqual(commandsMatching(typed), [command]);
    });
  }

  for (const typed of [
    'status report',
    'my concerns about the rota',
    'concerned',
    'report this to my manager',
    'linked',
    'draft',
    'open',
    'reporting',
    'what is this?',
  ]) {
    it(`when someone types "${typed}", then no command takes it`, () => {
      assert.deepEqual(commandsMatching(typed), []);
    });
  }
});
