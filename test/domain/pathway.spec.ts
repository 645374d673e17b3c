import assert from 'node:assert/strict';
import { describeStep, finishFlowcharts, parsePathway } from '../../src/domain/pathway.js';

describe('pathway flowcharts', () => {
  it('when two flowcharts with decisions and an explainer are written, then both are read with their steps in order', () => {
    const parsed = parsePathway(
      [
        '## Adults',
        '1. GP: spots indicators',
        '2. Consented to NRM? yes: 3, no: 4',
        '3. Lead: makes the NRM referral -> end',
        '4. Lead: makes a Duty to Notify referral',
        'Explainer: consent first.',
        'Then record it.',
        '# Children',
        '1) Teacher: tells the DSL',
        '2) DSL: refers to MASH',
      ].join('\n'),
    );
    assert.ok(parsed.ok, JSON.stringify(parsed));
    assert.deepEqual(
      parsed.flowcharts.map((c) => c.title),
      ['Adults', 'Children'],
    );
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
