import assert from 'node:assert/strict';
import { COMMANDS, commandsMatching } from '../../src/bot/commands.js';

describe('typed commands for signing up', () => {
  const expected: [string, keyof typeof COMMANDS][] = [
    ['sign up', 'signUp'],
    ['Sign-up!', 'signUp'],
    ['signup', 'signUp'],
    ['sign up to the protocol', 'signUp'],
    ['send sign-up', 'sendSignUp'],
    ['Send the sign up card', 'sendSignUp'],
    ['sign-ups?', 'signUps'],
    ['Signups', 'signUps'],
    ['who has signed up?', 'signUps'],
    ['signatories', 'signUps'],
    ['export sign-ups', 'exportSignUps'],
    ['Export signups as CSV', 'exportSignUps'],
  ];
  for (const [typed, command] of expected) {
    it(`when someone types "${typed}", then it means ${command} and nothing else`, () => {
      assert.deepEqual(commandsMatching(typed), [command]);
    });
  }

  for (const typed of ['sign up for the training', 'signed', 'send', 'export', 'sign up sheet for volunteers']) {
    it(`when someone types "${typed}", then no command takes it`, () => {
      assert.deepEqual(commandsMatching(typed), []);
    });
  }
});
