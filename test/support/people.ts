import type { Protocol } from '../../src/domain/protocol.js';
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
} as const;

export type PersonKey = keyof typeof PEOPLE;

const ref = (key: PersonKey) => ({ aadObjectId: PEOPLE[key].aadObjectId, name: PEOPLE[key].name });

export function testProtocol(): Protocol {
  return {
    tenantId: TENANT,
    timeZone: 'Europe/London',
    deadline: '2027-07-02',
    modernSlaveryLeads: [ref('lead'), ref('lead2')],
    deputies: [ref('deputy')],
    coordinators: [ref('coordinator')],
    groups: GROUP_IDS.map((id) => ({ id, name: GROUP_INFO[id].name, leads: [], members: [] })),
  };
}
