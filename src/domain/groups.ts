/** The seven thematic Task and Finish groups of the protocol (docs/product.md). */
export const GROUP_IDS = ['housing', 'health', 'nrm', 'migration', 'enforcement', 'transition', 'support'] as const;
export type GroupId = (typeof GROUP_IDS)[number];

/** Display names and what each group covers; used on the intake card and in channel notices. */
export const GROUP_INFO: Record<GroupId, { name: string; covers: string }> = {
  housing: { name: 'Housing', covers: 'housing provision, supported accommodation, housing associations, housing enforcement' },
  health: { name: 'Health', covers: 'GP, hospital, mental health, adult social care' },
  nrm: { name: 'NRM Referrals', covers: 'first responder organisations and council departments making NRM referrals' },
  migration: { name: 'Migration', covers: 'migration support services, No Recourse to Public Funds' },
  enforcement: { name: 'Enforcement', covers: 'police, regulatory services, GLAA, DWP, Home Office' },
  transition: { name: 'Transition to Adulthood', covers: "children's services, violence reduction, transitional support (16-25)" },
  support: { name: 'Support Services', covers: 'survivor support services, adult social care, related support' },
};

export function isGroupId(value: string): value is GroupId {
  return (GROUP_IDS as readonly string[]).includes(value);
}

/** Finds a group by id or by name, ignoring case and extra spaces ("NRM referrals", "nrm"). */
export function findGroup(text: string): GroupId | undefined {
  const wanted = text.trim().replace(/\s+/g, ' ').toLowerCase();
  return GROUP_IDS.find((id) => id === wanted || GROUP_INFO[id].name.toLowerCase() === wanted);
}
