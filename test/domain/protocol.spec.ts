import assert from 'node:assert/strict';
import { diffLines } from '../../src/domain/diff.js';
import { describeStep, finishFlowcharts, parsePathway } from '../../src/domain/pathway.js';
import { nextSubmissionStatus, statusLabel } from '../../src/domain/submission.js';
import { joinFromProperties, splitIntoProperties } from '../../src/storage/chunks.js';
import { strategyContentSchema } from '../../src/domain/templates.js';

describe('pathway flowcharts', () => {
  it('when two flowcharts with decisions and an explainer are written, then both are read with their steps in order', () => {
    const parsed = parsePathway(['## Adults', '1. GP: spots indicators', '2. Consented to NRM? yes: 3, no: 4', '3. Lead: makes the NRM referral -> end', '4. Lead: makes a Duty to Notify referral', 'Explainer: consent first.', 'Then record it.', '# Children', '1) Teacher: tells the DSL', '2) DSL: refers to MASH'].join('\n'));
    assert.ok(parsed.ok, JSON.stringify(parsed));
    assert.deepEqual(parsed.flowcharts.map((c) => c.title), ['Adults', 'Children']);
    const [adults] = finishFlowcharts(parsed.flowcharts);
    assert.deepEqual(adults!.steps.map(describeStep), [
      '1. GP: spots indicators',
      '2. Consented to NRM? Yes: step 3. No: step 4.',
      '3. Lead: makes the NRM referral (end)',
      '4. Lead: makes a Duty to Notify referral (end)',
    ]);
    assert.equal(adults!.explainer, 'consent first.\nThen record it.');
  });

  it('when a branch points to a step that does not exist, then the flowchart, step and target are named', () => {
    const parsed = parsePathway('1. Is it urgent? yes: 5, no: 2\n2. Officer: logs it');
    assert.ok(!parsed.ok);
    assert.deepEqual(parsed.errors, ['"Pathway": step 1 says yes goes to step 5, but there is no step 5.']);
  });

  it('when a flowchart has no step 1, or no steps, then it has no start', () => {
    const missingOne = parsePathway('2. Officer: logs it');
    assert.ok(!missingOne.ok && /no start: number its first step 1/.test(missingOne.errors.join()));
    const empty = parsePathway('## Only a title');
    assert.ok(!empty.ok && /has no steps, so no start/.test(empty.errors.join()));
    assert.ok(!parsePathway('   ').ok);
  });

  it('when a line is not a step, then the line number is given with an example', () => {
    const parsed = parsePathway('1. Officer: logs it\nthen call the lead\n3. no colon here');
    assert.ok(!parsed.ok);
    assert.match(parsed.errors[0]!, /line 2: start each step with its number/);
    assert.match(parsed.errors[1]!, /line 3: step 3 should say who does what/);
  });

  it('when a step number is used twice or an action jumps to a missing step, then it is refused', () => {
    const parsed = parsePathway('1. A: one\n1. B: again -> 7');
    assert.ok(!parsed.ok);
    assert.ok(parsed.errors.some((e) => /two steps numbered 1/.test(e)));
    assert.ok(parsed.errors.some((e) => /step 1 goes to step 7, but there is no step 7/.test(e)));
  });
});

describe('strategy limits', () => {
  it('when every section is within its limit but the whole is too big for a card in non-Latin script, then it is refused with a clear message', () => {
    const sections = Object.fromEntries(['pursue', 'prevent', 'protect', 'prepare', 'partnership'].map((id) => [id, 'あ'.repeat(1900)]));
    const parsed = strategyContentSchema.safeParse(sections);
    assert.ok(!parsed.success);
    assert.match(parsed.error.issues[0]!.message, /too long to show on one Teams card/);
    assert.ok(strategyContentSchema.safeParse({ ...sections, prevent: '', protect: '', prepare: '' }).success);
  });
});

describe('comparing versions', () => {
  it('when one line changes, then it shows as removed and added, the rest as kept', () => {
    assert.deepEqual(diffLines('a\nb\nc', 'a\nB\nc'), [
      { change: 'same', text: 'a' },
      { change: 'removed', text: 'b' },
      { change: 'added', text: 'B' },
      { change: 'same', text: 'c' },
    ]);
    assert.deepEqual(diffLines('', 'new'), [{ change: 'added', text: 'new' }]);
  });
});

describe('submission status', () => {
  it('when a draft is saved after submission, then the submission stands; a returned template can be resubmitted', () => {
    assert.equal(nextSubmissionStatus('notStarted', 'saveDraft'), 'drafting');
    assert.equal(nextSubmissionStatus('submitted', 'saveDraft'), 'submitted');
    assert.equal(nextSubmissionStatus('returned', 'submit'), 'submitted');
    assert.equal(nextSubmissionStatus('drafting', 'accept'), undefined);
    assert.equal(nextSubmissionStatus('notStarted', 'submit'), undefined);
  });

  it('when the deadline has passed, then anything not submitted (returned included) is late, and submitted is not', () => {
    const now = new Date('2027-07-03T09:00:00Z');
    const deadline = new Date('2027-07-02T23:00:00Z');
    assert.deepEqual(statusLabel('returned', now, deadline), { label: 'Late (returned)', late: true });
    assert.deepEqual(statusLabel('submitted', now, deadline), { label: 'Submitted', late: false });
    assert.equal(statusLabel('drafting', new Date('2027-07-02T22:59:00Z'), deadline).late, false);
  });
});

describe('long text in Table storage properties', () => {
  it('when text is longer than one property holds, then it is split at code point boundaries and joins back whole', () => {
    const text = `${'a'.repeat(29_999)}😀${'é'.repeat(40_000)}`;
    const properties = splitIntoProperties('content', text);
    assert.equal(properties.contentChunks, 3);
    for (let i = 0; i < 3; i++) assert.ok(String(properties[`content_${i}`]).length <= 30_000);
    assert.ok(!String(properties.content_0).endsWith('\ud83d'), 'a surrogate pair is never split');
    assert.equal(joinFromProperties('content', properties), text);
  });

  it('when a stored part is missing, then reading fails loudly instead of returning cut text', () => {
    const properties = splitIntoProperties('content', 'x'.repeat(70_000));
    delete properties.content_1;
    assert.throws(() => joinFromProperties('content', properties), /missing part 1 of 3/);
  });
});
