import assert from 'node:assert/strict';
import type { Intake } from '../../src/domain/concern.js';
import { ROUTING_RULES, routeConcern } from '../../src/domain/routing.js';

type RoutingInput = Pick<Intake, 'area' | 'ageBand' | 'possiblyChild' | 'consent' | 'immediateDanger'>;
const adult: RoutingInput = { area: 'housing', ageBand: '26plus', possiblyChild: false, consent: 'consented', immediateDanger: 'no' };

/** One row per routing rule of PRODUCT.md, plus the rows that must not trigger them. */
const TABLE: { when: string; input: Partial<RoutingInput>; groups: string[]; rules: string[]; guidance?: RegExp[]; urgent?: boolean }[] = [
  { when: 'an adult consented', input: {}, groups: ['housing'], rules: [] },
  {
    when: 'the person is under 16',
    input: { ageBand: 'under16', consent: undefined },
    groups: ['housing', 'transition'],
    rules: ['child'],
    guidance: [/MASH\) and the police now/, /needs no consent/, /Duty to Notify does not apply/],
  },
  { when: 'the person is 16-17', input: { ageBand: '16-17', consent: undefined }, groups: ['housing', 'transition'], rules: ['child', 'youngPerson'] },
  {
    when: 'age not known but possibly a child',
    input: { ageBand: 'unknown', possiblyChild: true, consent: undefined },
    groups: ['housing', 'transition'],
    rules: ['child'],
  },
  {
    when: 'age disputed: says 18-25 but may be a child',
    input: { ageBand: '18-25', possiblyChild: true, consent: 'declined' },
    groups: ['housing', 'transition'],
    rules: ['child', 'youngPerson'],
    guidance: [/Duty to Notify does not apply/],
  },
  { when: 'the person is 18-25', input: { ageBand: '18-25' }, groups: ['housing', 'transition'], rules: ['youngPerson'] },
  { when: 'age not known and not thought a child', input: { ageBand: 'unknown' }, groups: ['housing'], rules: [] },
  {
    when: 'an adult declined consent',
    input: { consent: 'declined' },
    groups: ['housing'],
    rules: ['adultDeclined'],
    guidance: [/Duty to Notify referral to the Home Office, with no identifying details/],
  },
  { when: 'consent not discussed yet', input: { consent: 'notDiscussed' }, groups: ['housing'], rules: ['adultNotDiscussed'] },
  { when: 'someone is in immediate danger', input: { immediateDanger: 'yes' }, groups: ['housing'], rules: ['urgent'], urgent: true, guidance: [/URGENT/] },
  {
    when: 'the area is already Transition to Adulthood and the person is 17',
    input: { area: 'transition', ageBand: '16-17', consent: undefined },
    groups: ['transition'],
    rules: ['child', 'youngPerson'],
  },
];

describe('routing rules (table-driven, one row per rule)', () => {
  for (const row of TABLE) {
    it(`when ${row.when}, then it goes to ${row.groups.join(' and ')}${row.rules.length ? ` with ${row.rules.join(', ')}` : ''}`, () => {
      const decision = routeConcern({ ...adult, ...row.input });
      assert.deepEqual(decision.groups, row.groups);
      assert.deepEqual(decision.appliedRules, row.rules);
      assert.equal(decision.urgent, row.urgent ?? false);
      for (const pattern of row.guidance ?? [])
        assert.ok(
          decision.guidance.some((g) => pattern.test(g)),
          `guidance ${pattern}`,
        );
      if (!row.rules.length) assert.deepEqual(decision.guidance, []);
    });
  }

  it('when the table above is read, then every routing rule is exercised by at least one row', () => {
    const covered = new Set(TABLE.flatMap((row) => routeConcern({ ...adult, ...row.input }).appliedRules));
    assert.deepEqual([...covered].sort(), ROUTING_RULES.map((r) => r.id).sort());
  });
});
