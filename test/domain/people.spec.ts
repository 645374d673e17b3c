import assert from 'node:assert/strict';
import {
  holdersOf,
  holdings,
  isPosition,
  mayManage,
  nameMatches,
  POSITIONS,
  positionName,
  removalBlocked,
  rosterFragment,
  sameHolders,
  withHolder,
  withoutHolder,
} from '../../src/domain/people.js';
import { rolesOf } from '../../src/domain/protocol.js';
import { testProtocol } from '../support/people.js';

describe('the roster: positions, changes and the rules that guard them', () => {
  const roster = rosterFragment(testProtocol());
  const rita = { aadObjectId: 'aad-staff2', name: 'Rita Reporter' };

  it('when positions are listed, then there are the three protocol-wide roles and a lead and member place for each of the seven groups', () => {
    assert.equal(POSITIONS.length, 3 + 7 * 2);
    assert.ok(isPosition('housing.member') && isPosition('coordinator'));
    assert.ok(!isPosition('housing') && !isPosition('housing.members') && !isPosition('admin') && !isPosition(undefined));
    assert.equal(positionName('transition.lead'), 'Transition to Adulthood group lead');
    assert.equal(positionName('deputy'), 'Deputy Modern Slavery Lead');
  });

  it('when someone is added and removed, then only that position changes, the roster given is untouched, and adding twice adds once', () => {
    const added = withHolder(roster, 'housing.member', rita);
    assert.deepEqual(
      holdersOf(added, 'housing.member').map((p) => p.aadObjectId),
      ['aad-housing-member', 'aad-two-groups', 'aad-staff2'],
    );
    assert.equal(withHolder(added, 'housing.member', rita), added);
    assert.equal(holdersOf(roster, 'housing.member').length, 2, 'the original is unchanged');
    assert.deepEqual(rolesOf(added, 'aad-staff2').memberOf, ['housing']);
    const removed = withoutHolder(added, 'housing.member', 'aad-staff2');
    assert.ok(sameHolders(removed, roster));
    assert.equal(holdings(roster).length, holdings(added).length - 1);
  });

  it('when removing would leave no Modern Slavery Lead or no coordinator, then it is blocked; deputies and group places may empty', () => {
    const oneLead = withoutHolder(roster, 'lead', 'aad-lead2');
    assert.equal(removalBlocked(roster, 'lead', 'aad-lead'), undefined);
    assert.match(removalBlocked(oneLead, 'lead', 'aad-lead') ?? '', /last Modern Slavery Lead/);
    assert.match(removalBlocked(roster, 'coordinator', 'aad-coord') ?? '', /last coordinator/);
    assert.equal(removalBlocked(roster, 'deputy', 'aad-deputy'), undefined);
    assert.equal(removalBlocked(roster, 'housing.lead', 'aad-housing-lead'), undefined);
  });

  it("when roles are checked for managing people, then coordinators manage every position and a group lead only their own groups' members", () => {
    const coordinator = rolesOf(roster, 'aad-coord');
    assert.ok(POSITIONS.every((p) => mayManage(coordinator, p)));
    const housingLead = rolesOf(roster, 'aad-housing-lead');
    assert.deepEqual(
      POSITIONS.filter((p) => mayManage(housingLead, p)),
      ['housing.member'],
    );
    for (const who of ['aad-housing-member', 'aad-lead', 'aad-deputy', 'aad-staff']) {
      assert.deepEqual(
        POSITIONS.filter((p) => mayManage(rolesOf(roster, who), p)),
        [],
        who,
      );
    }
  });

  it('when a name is searched, then each typed word must start a word of the name, in any order, ignoring case and accents', () => {
    assert.ok(nameMatches('Hugo Member', 'hug'));
    assert.ok(nameMatches('Hugo Member', 'mem hug'));
    assert.ok(nameMatches('Zoë Smith-Jones', 'zoe jones'));
    assert.ok(nameMatches("Siobhán O'Neill", 'oneill') === false && nameMatches("Siobhán O'Neill", 'neill'));
    assert.ok(!nameMatches('Hugo Member', 'ugo'));
    assert.ok(nameMatches('Anyone', ''));
  });

  it("when the roster is written as a protocol-file fragment, then it has the file's shape and nothing else", () => {
    const fragment = rosterFragment(testProtocol());
    assert.deepEqual(Object.keys(fragment).sort(), ['coordinators', 'deputies', 'groups', 'modernSlaveryLeads']);
    assert.deepEqual(Object.keys(fragment.groups[0]!).sort(), ['id', 'leads', 'members', 'name']);
  });
});
