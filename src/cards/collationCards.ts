import type { CollationInput, VersionChange } from '../domain/collation.js';
import { GROUP_IDS, GROUP_INFO, type GroupId } from '../domain/groups.js';
import { TEMPLATE_NAMES, type TemplateId } from '../domain/templates.js';
import { formatLocal } from './format.js';
import { escapeMarkdown } from './markdown.js';
import { noticeCard } from './messageCard.js';
import type { Card } from './renderCard.js';

const names = (groups: GroupId[]) => groups.map((g) => GROUP_INFO[g].name).join(', ');

/**
 * What a collation holds, before the coordinator opens the documents: its number, the basis, each
 * group's version in each document, and the groups missing (never silently dropped).
 */
export function collationPreviewCard(input: CollationInput, missing: Record<TemplateId, GroupId[]>, changes?: VersionChange[]): Card {
  const used = (template: TemplateId) => {
    const chosen = template === 'strategy' ? input.strategies : input.pathways;
    const lines = GROUP_IDS.filter((g) => chosen[g]).map(
      (g) => `${GROUP_INFO[g].name} v${chosen[g]!.version}${chosen[g]!.submittedBy ? ` (submitted by ${escapeMarkdown(chosen[g]!.submittedBy)})` : ''}`,
    );
    return `${TEMPLATE_NAMES[template]}: ${lines.length ? lines.join('; ') : 'no group yet'}.`;
  };
  const gaps = (template: TemplateId) =>
    missing[template].length
      ? `Missing from the ${TEMPLATE_NAMES[template]}: ${names(missing[template])} (listed as missing in the document).`
      : `Every group is in the ${TEMPLATE_NAMES[template]}.`;
  return noticeCard(`Protocol version ${input.protocolVersion} collated`, [
    `Collated ${formatLocal(input.collatedAt, input.timeZone)} from each group's ${input.basis === 'accepted' ? 'accepted version' : 'latest submitted version'}. Status: draft until the Lived Experience Advisory Panel and the Council approve it.`,
    used('strategy'),
    used('pathway'),
    gaps('strategy'),
    gaps('pathway'),
    ...(changes ? [changesLine(input.protocolVersion - 1, changes)] : []),
    'Contents of the Strategy: introduction (purpose and values), then Pursue, Prevent, Protect, Prepare and Partnership, each with every group. The Pathways: one chapter per group, each flowchart as a diagram and as numbered steps.',
    'The two Word documents follow: accept each to save it to your OneDrive.',
  ]);
}

/** "Changed since version 1: Housing Strategy (v1 to v2); Migration Strategy (new, v1)." */
function changesLine(previous: number, changes: VersionChange[]): string {
  if (!changes.length) return `No group's text changed since version ${previous}.`;
  const what = changes.map((c) => {
    const name = `${GROUP_INFO[c.group].name} ${TEMPLATE_NAMES[c.template]}`;
    if (c.from && c.to) return `${name} (v${c.from} to v${c.to})`;
    return c.to ? `${name} (new, v${c.to})` : `${name} (no longer included)`;
  });
  return `Changed since version ${previous}: ${what.join('; ')}.`;
}
