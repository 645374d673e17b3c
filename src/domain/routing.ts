import type { GroupId } from './groups.js';
import { isTreatedAsChild, type Intake } from './concern.js';

/** Facts about a concern that the routing rules look at. */
export interface RoutingFacts {
  treatedAsChild: boolean;
  /** 16-25: the transitional years the Transition to Adulthood group covers. */
  youngPerson: boolean;
  adult: boolean;
  consent: Intake['consent'];
  urgent: boolean;
}

/**
 * One routing rule: when every listed fact has one of the listed values, the rule applies.
 * Rules are data so that a table-driven test can cover each row and a new rule is one entry.
 */
export interface RoutingRule {
  id: string;
  when: { [K in keyof RoutingFacts]?: RoutingFacts[K][] };
  alsoNotify: GroupId[];
  /** Guidance shown on the Modern Slavery Lead's card, in this order. */
  guidance: string[];
}

export const ROUTING_RULES: readonly RoutingRule[] = [
  {
    id: 'child',
    when: { treatedAsChild: [true] },
    alsoNotify: ['transition'],
    guidance: [
      "A child (or possibly a child): inform children's services (MASH) and the police now.",
      'An NRM referral is needed; a child needs no consent.',
      'Duty to Notify does not apply to children.',
    ],
  },
  { id: 'youngPerson', when: { youngPerson: [true] }, alsoNotify: ['transition'], guidance: [] },
  {
    id: 'adultDeclined',
    when: { adult: [true], consent: ['declined'] },
    alsoNotify: [],
    guidance: ['The adult declined an NRM referral: make a Duty to Notify referral to the Home Office, with no identifying details.'],
  },
  {
    id: 'adultNotDiscussed',
    when: { adult: [true], consent: ['notDiscussed'] },
    alsoNotify: [],
    guidance: ['Consent to an NRM referral has not been discussed yet: an adult must consent before an NRM referral.'],
  },
  {
    id: 'urgent',
    when: { urgent: [true] },
    alsoNotify: [],
    guidance: ['URGENT: someone may be in immediate danger. Check that 999 has been called.'],
  },
];

/** What routing decided for one concern. */
export interface RoutingDecision {
  /** Thematic groups whose channels get the minimal notice, the reported area first. */
  groups: GroupId[];
  guidance: string[];
  urgent: boolean;
  appliedRules: string[];
}

export function routingFacts(intake: Pick<Intake, 'ageBand' | 'possiblyChild' | 'consent' | 'immediateDanger'>): RoutingFacts {
  const treatedAsChild = isTreatedAsChild(intake);
  return {
    treatedAsChild,
    youngPerson: intake.ageBand === '16-17' || intake.ageBand === '18-25',
    adult: !treatedAsChild,
    consent: treatedAsChild ? undefined : intake.consent,
    urgent: intake.immediateDanger === 'yes',
  };
}

function matches(rule: RoutingRule, facts: RoutingFacts): boolean {
  return Object.entries(rule.when).every(([fact, allowed]) => (allowed as unknown[]).includes(facts[fact as keyof RoutingFacts]));
}

/** Every concern goes to the Lead(s) in full; this decides the channels and the guidance. */
export function routeConcern(
  intake: Pick<Intake, 'area' | 'ageBand' | 'possiblyChild' | 'consent' | 'immediateDanger'>,
  rules: readonly RoutingRule[] = ROUTING_RULES,
): RoutingDecision {
  const facts = routingFacts(intake);
  const applied = rules.filter((r) => matches(r, facts));
  const groups = [intake.area, ...applied.flatMap((r) => r.alsoNotify)];
  return {
    groups: [...new Set(groups)],
    guidance: [...new Set(applied.flatMap((r) => r.guidance))],
    urgent: facts.urgent,
    appliedRules: applied.map((r) => r.id),
  };
}
