import { TeamsInfo, type TurnContext } from 'botbuilder';
import type { RosterReader } from '../domain/people.js';
import type { Person } from '../domain/protocol.js';

/** Teams serves at most 500 members a page. */
const PAGE_SIZE = 500;
/** 40 pages of 500: a team larger than this is read only this far, and the reader says so. */
const MAX_PAGES = 40;
/** As in the protocol file: an Entra object id has letters, digits and hyphens only (ids are used in storage keys). */
const ENTRA_ID = /^[A-Za-z0-9-]{1,100}$/;

/**
 * Reads the members of the team an activity came from, page by page through the connector
 * (`GET /v3/conversations/{teamId}/pagedmembers`, following the continuation token); undefined
 * outside a team. People from another tenant (guests from elsewhere) and accounts without an Entra
 * object id or a name are left out. Only the id and the name are kept.
 */
export function teamRoster(context: TurnContext, tenantId: string): RosterReader | undefined {
  const teamId = (context.activity.channelData as { team?: { id?: unknown } } | undefined)?.team?.id;
  if (typeof teamId !== 'string' || !teamId) return undefined;
  return async () => {
    const members = new Map<string, Person>();
    let token: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const result = await TeamsInfo.getPagedTeamMembers(context, teamId, PAGE_SIZE, token);
      for (const m of result.members ?? []) {
        const name = m.name?.trim();
        if (m.aadObjectId && ENTRA_ID.test(m.aadObjectId) && name && (!m.tenantId || m.tenantId === tenantId))
          members.set(m.aadObjectId, { aadObjectId: m.aadObjectId, name: name.slice(0, 200) });
      }
      token = result.continuationToken || undefined;
      if (!token) return { members: [...members.values()], complete: true };
    }
    return { members: [...members.values()], complete: false };
  };
}
