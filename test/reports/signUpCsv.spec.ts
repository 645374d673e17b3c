import assert from 'node:assert/strict';
import type { SignUpRecord } from '../../src/domain/signUp.js';
import { neutraliseFormula, signUpCsv } from '../../src/reports/signUpCsv.js';

const record = (overrides: Partial<SignUpRecord> = {}): SignUpRecord => ({
  organisation: 'Coventry Law Centre',
  signatory: 'Jo Bloggs',
  role: 'Director',
  documents: ['strategy'],
  signedOn: '2027-06-20',
  enteredBy: { aadObjectId: 'a', name: 'Sam Staff' },
  firstRecordedAt: '2027-06-20T08:00:00.000Z',
  updatedAt: '2027-06-20T08:30:00.000Z',
  ...overrides,
});

describe('the sign-up list as CSV', () => {
  it('when a cell starts with = + - @ (or a tab or carriage return), then a single quote is put before it; other cells are left as typed', () => {
    for (const risky of ['=1+1', '+44 24 7683 3333', '-2+3', '@SUM(A1)', '\t=1', '\r=1']) assert.equal(neutraliseFormula(risky), `'${risky}`);
    for (const safe of ['Coventry = City', 'A-Z Care', "'quoted", '', 'Ümit']) assert.equal(neutraliseFormula(safe), safe);
  });

  it('when the list is written, then it has a byte order mark, a header row and one CRLF-ended row per organisation, quoted where needed, in local time', () => {
    const text = signUpCsv(
      [record({ organisation: 'Smith, Jones & "Co"', documents: ['strategy', 'pathways'] }), record({ organisation: '=cmd' })],
      'Europe/London',
    ).toString('utf8');
    assert.equal(
      text,
      '\uFEFFOrganisation,Signatory,Role,Strategy,Pathways,Date signed,Entered by,Last changed\r\n' +
        '"Smith, Jones & ""Co""",Jo Bloggs,Director,Yes,Yes,2027-06-20,Sam Staff,2027-06-20 09:30\r\n' +
        "'=cmd,Jo Bloggs,Director,Yes,No,2027-06-20,Sam Staff,2027-06-20 09:30\r\n",
    );
  });

  it('when nobody has signed up, then the file still has its header', () => {
    assert.equal(
      signUpCsv([], 'Europe/London').toString('utf8'),
      '\uFEFFOrganisation,Signatory,Role,Strategy,Pathways,Date signed,Entered by,Last changed\r\n',
    );
  });
});
