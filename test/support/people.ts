import { protocolSchema, type Protocol } from '../../src/domain/protocol.js';
import { GROUP_IDS, GROUP_INFO } from '../../src/domain/groups.js';

export const TENANT = 'tenant-council';

/** The cast of the tests: each person holds the roles their name says. */
export const PEOPLE = {
  lead: { aadObjectId: 'aad-lead', name: 'Lee Lead', teamsId: '29:lead' },
  lead2: { aadObjectId: 'aad-lead2', name: 'Dana Second', teamsId: '29:lead2' },
  deputy: { aadObjectId: 'aad-deputy', name: 'Dee Deputy', teamsId: '29:deputy' },
  coordinator: { aadObjectId: 'aad-coord', name: 'Cora Coordinator', teamsId: '29:coord' },
  staff: { aadObjectId: 'aad-staff', name: 'Sam Staff', teamsId: '29:staff' },
  staff2: { aadObjectId: 'aad-staff2', name: 'Rita Reporter', teamsId: '29:staff2' },
  housingLead: { aadObjectId: 'aad-housing-lead', name: 'Hana Housing', teamsId: '29:hlead' },
  housingMember: { aadObjectId: 'aad-housing-member', name: 'Hugo Member', teamsId: '29:hmember' },
  twoGroups: { aadObjectId: 'aad-two-groups', name: 'Tess Twogroups', teamsId: '29:two' },
  healthLead: { aadObjectId: 'aad-health-lead', name: 'Hal Health', teamsId: '29:health' },
} as const;

export type PersonKey = keyof typeof PEOPLE;

const ref = (key: PersonKey) => ({ aadObjectId: PEOPLE[key].aadObjectId, name: PEOPLE[key].name });

/** Each group has a lead (housing and health have named ones); Tess is a member of housing and health. */
export function testProtocol(): Protocol {
  return protocolSchema.parse({
    tenantId: TENANT,
    timeZone: 'Europe/London',
    deadline: '2027-07-02',
    modernSlaveryLeads: [ref('lead'), ref('lead2')],
    deputies: [ref('deputy')],
    coordinators: [ref('coordinator')],
    groups: GROUP_IDS.map((id) => ({
      id,
      name: GROUP_INFO[id].name,
      leads:
        id === 'housing'
          ? [ref('housingLead')]
          : id === 'health'
            ? [ref('healthLead')]
            : [{ aadObjectId: `aad-${id}-lead`, name: `${GROUP_INFO[id].name} Lead` }],
      members: id === 'housing' ? [ref('housingMember'), ref('twoGroups')] : id === 'health' ? [ref('twoGroups')] : [],
    })),
  });
}
