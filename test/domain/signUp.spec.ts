import assert from 'node:assert/strict';
import { normaliseOrganisation, parseSignUp, protocolPeople } from '../../src/domain/signUp.js';
import { testProtocol } from '../support/people.js';

const TZ = 'Europe/London';
const TODAY = '2027-06-25';
const valid = { organisation: 'Coventry Law Centre', signatory: 'Jo Bloggs', role: 'Director', documents: 'pathways', signedOn: '2027-06-25' };

describe('signing up: what the server accepts', () => {
  it('when every answer is given and the date is today, then the sign-up is accepted with its text tidied', () => {
    const parsed = parseSignUp({ ...valid, organisation: '  Coventry \n Law   Centre ', documents: 'pathways,strategy,pathways' }, TODAY, TZ);
    assert.deepEqual(parsed, {
      ok: true,
      signUp: { organisation: 'Coventry Law Centre', signatory: 'Jo Bloggs', role: 'Director', documents: ['pathways', 'strategy'], signedOn: TODAY },
    });
  });

  it('when the date is tomorrow, then it is refused naming today, as people say it', () => {
    const parsed = parseSignUp({ ...valid, signedOn: '2027-06-26' }, TODAY, TZ);
    assert.deepEqual(parsed, { ok: false, errors: { signedOn: 'The date cannot be in the future: today is Friday 25 June 2027.' } });
  });

  it('when the answers are missing, too long, not a date or not a choice, then each input gets its own problem', () => {
    const parsed = parseSignUp(
      { organisation: '', signatory: 'x'.repeat(101), role: '--', documents: 'strategy,constitution', signedOn: '25/06/2027' },
      TODAY,
      TZ,
    );
    assert.ok(!parsed.ok);
    assert.deepEqual(parsed.errors, {
      organisation: "Give your organisation's name.",
      signatory: "The signatory's name is 101 characters; the limit is 100.",
      role: "The signatory's role needs at least one letter or digit.",
      documents: 'Choose the Strategy, the Pathways or both, from the list.',
      signedOn: 'Give the date as a date, such as 2027-06-25.',
    });
  });

  it('when nothing at all comes back, then every input is asked for', () => {
    const parsed = parseSignUp(undefined, TODAY, TZ);
    assert.ok(!parsed.ok);
    assert.deepEqual(Object.keys(parsed.errors).sort(), ['documents', 'organisation', 'role', 'signatory', 'signedOn']);
    assert.equal(parsed.errors.signedOn, 'Give the date it was signed.');
  });

  it('when an organisation is spelt with other capitals, punctuation, apostrophes, "&" or spacing, then it is the same organisation', () => {
    const same = ["St. Mary's Trust & Partners", 'ST MARYS TRUST AND PARTNERS', 'st marys  trust, and partners', 'St Mary’s Trust and Partners.'];
    assert.deepEqual(new Set(same.map(normaliseOrganisation)), new Set(['st marys trust and partners']));
    assert.notEqual(normaliseOrganisation('St Marys Trust'), normaliseOrganisation('St Marks Trust'));
  });

  it('when the protocol names someone in two roles, then they are offered once, by name', () => {
    const people = protocolPeople(testProtocol());
    assert.equal(people.filter((p) => p.aadObjectId === 'aad-two-groups').length, 1);
    assert.deepEqual(
      people.map((p) => p.name),
      [...people.map((p) => p.name)].sort((a, b) => a.localeCompare(b, 'en-GB')),
    );
  });
});
