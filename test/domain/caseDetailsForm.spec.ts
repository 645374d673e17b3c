import assert from 'node:assert/strict';
import { caseFormValues, parseCaseDetailsForm, sameCaseDetails } from '../../src/domain/caseDetailsForm.js';
import { parseHoldReason } from '../../src/domain/legalHold.js';
import { isNationality, nationalityName } from '../../src/domain/nationalities.js';

const TODAY = '2027-03-10';
const parse = (input: Record<string, unknown>) => parseCaseDetailsForm(input, TODAY);
const errorsOf = (input: Record<string, unknown>) => {
  const result = parse(input);
  assert.equal(result.ok, false, 'refused');
  return (result as { errors: Record<string, string> }).errors;
};

describe('the case details form', () => {
  it('when every answer is given, then it becomes the case details the schema accepts, and fills the form again unchanged', () => {
    const input = {
      ageYears: '16',
      gender: 'female',
      nationality: 'ER',
      ethnicity: 'african',
      nrmReferralDate: '2027-03-01',
      nrmReferralReference: 'NRM/2027-1',
      conclusiveGroundsDate: '2027-03-09',
      conclusiveGroundsDecision: 'negative',
      supportAcceptedDate: '2027-03-02',
    };
    const result = parse(input);
    assert.ok(result.ok);
    assert.deepEqual(result.details, {
      ageYears: 16,
      gender: 'female',
      nationality: 'ER',
      ethnicity: 'african',
      outcomes: {
        nrmReferral: { date: '2027-03-01', reference: 'NRM/2027-1' },
        conclusiveGrounds: { date: '2027-03-09', decision: 'negative' },
        supportAccepted: { date: '2027-03-02' },
      },
    });
    assert.deepEqual(caseFormValues(result.details), input);
    assert.ok(sameCaseDetails(result.details, { ...result.details }));
  });

  it('when "Not recorded" is chosen or a date emptied, then that answer is removed', () => {
    const result = parse({ ageYears: '', gender: 'notRecorded', nationality: 'notRecorded', policeInvestigationDate: '' });
    assert.ok(result.ok);
    assert.deepEqual(result.details, { outcomes: {} });
  });

  it('when answers cannot be right, then each problem is named against its own input', () => {
    const errors = errorsOf({
      ageYears: '-1',
      nationality: 'UK',
      ethnicity: 'english',
      nrmReferralReference: 'NRM<1>',
      reasonableGroundsDecision: 'positive',
      conclusiveGroundsDate: '2027-03-11',
      conclusiveGroundsDecision: 'maybe',
      mashReferralDate: '2027-02-30',
      dutyToNotifyDate: 'yesterday',
    });
    assert.match(errors.ageYears!, /whole number of years from 0 to 120 \(not "-1"\)/);
    assert.equal(errors.nationality, 'Choose a nationality from the list.');
    assert.equal(errors.ethnicity, 'Choose an ethnic group from the list.');
    assert.match(errors.nrmReferralDate!, /Give the date of the NRM referral/);
    assert.match(errors.nrmReferralReference!, /letters, digits, spaces/);
    assert.match(errors.reasonableGroundsDate!, /Give the date of the reasonable grounds decision/);
    assert.match(errors.conclusiveGroundsDate!, /in the future/);
    assert.equal(errors.conclusiveGroundsDecision, 'Choose positive or negative.');
    assert.equal(errors.mashReferralDate, 'Use a date like 2027-04-30.');
    assert.equal(errors.dutyToNotifyDate, 'Use a date like 2027-04-30.');
    assert.match(errorsOf({ ageYears: '121' }).ageYears!, /0 to 120/);
    assert.match(errorsOf({ nrmReferralDate: '2027-03-01', nrmReferralReference: 'N'.repeat(41) }).nrmReferralReference!, /at most 40 characters/);
  });

  it('when nationalities are listed, then every ISO country is one, by its British English name, and aliases and unions are not', () => {
    assert.equal(nationalityName('GB'), 'United Kingdom');
    assert.equal(nationalityName('XK'), 'Kosovo');
    assert.equal(nationalityName('stateless'), 'Stateless');
    for (const code of ['GB', 'VN', 'AL', 'ER', 'SD', 'NG', 'RO', 'PL', 'CN', 'notKnown']) assert.ok(isNationality(code), code);
    for (const code of ['UK', 'EU', 'UN', 'ZZ', 'XA', 'SU', 'AC', 'gb', '']) assert.ok(!isNationality(code), code);
  });
});

describe('the legal hold reason', () => {
  it('when it is empty or over 200 characters, then it is refused saying why; otherwise it is kept on one line', () => {
    assert.deepEqual(parseHoldReason(' \n '), { ok: false, error: 'Give the reason for the legal hold.' });
    assert.deepEqual(parseHoldReason('x'.repeat(201)), { ok: false, error: 'Keep the reason to 200 characters; it has 201.' });
    assert.deepEqual(parseHoldReason('Police request\r\nOp Aurora\u0007'), { ok: true, reason: 'Police request Op Aurora' });
  });
});
