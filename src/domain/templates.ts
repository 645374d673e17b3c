import { z } from 'zod';
import { parsePathway } from './pathway.js';

/** The two templates each group writes. */
export const TEMPLATE_IDS = ['strategy', 'pathway'] as const;
export type TemplateId = (typeof TEMPLATE_IDS)[number];
export const TEMPLATE_NAMES: Record<TemplateId, string> = { strategy: 'Strategy', pathway: 'Pathway' };

/** The 5P Strategy template, word for word from the council's briefing to the groups (see docs/product.md). */
export const STRATEGY_SECTIONS = [
  {
    id: 'pursue',
    title: 'Pursue',
    question: 'How will you disrupt individuals and groups responsible for modern slavery?',
    consider: 'effective reporting, information sharing, legal powers, existing capabilities, and new strategies',
  },
  {
    id: 'prevent',
    title: 'Prevent',
    question: 'How will you prevent people from being subjected to exploitation or perpetrating modern slavery offences?',
    consider: 'data gathering, awareness raising, retrafficking/reoffending, enablers & facilitators of exploitation',
  },
  {
    id: 'protect',
    title: 'Protect',
    question: 'How will you protect victims of modern slavery?',
    consider: 'at risk communities, safeguarding, victim support pathway',
  },
  {
    id: 'prepare',
    title: 'Prepare',
    question: 'How will you prepare professionals and the public to better identify and support victims of modern slavery?',
    consider: 'identification, training, staff support',
  },
  {
    id: 'partnership',
    title: 'Partnership',
    question: 'How will you work with other agencies to prevent and respond to modern slavery?',
    consider: 'information sharing, sharing of best practice, multi-agency case management',
  },
] as const;
export type StrategySectionId = (typeof STRATEGY_SECTIONS)[number]['id'];

/**
 * Text limits. A card must stay under Teams' 28 KB, and the card shows the whole draft to edit,
 * so a section is capped; the strategy is "a summary of your plans" (the briefing's words).
 */
export const DRAFT_LIMITS = { strategySection: 2000, pathway: 8000, strategyBytes: 16_000, pathwayBytes: 11_000 } as const;

/**
 * About how many bytes text takes on a card: UTF-8, as JSON (quotes and line breaks escaped), with
 * Markdown-special characters escaped too.
 */
export function cardBytes(text: string): number {
  return Buffer.byteLength(JSON.stringify(text)) + (text.match(/[\\`*_[\]]/g)?.length ?? 0) * 2;
}

const sectionText = (title: string) =>
  z
    .string()
    .optional()
    .transform((v) => (v ?? '').replace(/\r\n?/g, '\n').trim())
    .superRefine((v, ctx) => {
      if (v.length > DRAFT_LIMITS.strategySection) {
        const n = (x: number) => x.toLocaleString('en-GB');
        ctx.addIssue({
          code: 'custom',
          message: `${title} is ${n(v.length)} characters; the limit is ${n(DRAFT_LIMITS.strategySection)}. Shorten it and save again: nothing was saved.`,
        });
      }
    });

export const strategyContentSchema = z
  .object(Object.fromEntries(STRATEGY_SECTIONS.map((s) => [s.id, sectionText(s.title)])) as Record<StrategySectionId, ReturnType<typeof sectionText>>)
  .refine((v) => Object.values(v).some((text) => text !== ''), { message: 'Write at least one section before saving.', path: ['pursue'] })
  // Characters outside Latin script take 2-4 bytes each: the whole draft must still fit on one card.
  .refine((v) => Object.values(v).reduce((total, text) => total + cardBytes(text), 0) <= DRAFT_LIMITS.strategyBytes, {
    message: `The whole Strategy is too long to show on one Teams card (over ${DRAFT_LIMITS.strategyBytes / 1000} KB). Shorten some sections: nothing was saved.`,
    path: ['pursue'],
  });

export type StrategyContent = Record<StrategySectionId, string>;

/** A saved draft of either template: what the group wrote, as stored. */
export type DraftContent = { template: 'strategy'; sections: StrategyContent } | { template: 'pathway'; text: string };

/** The draft's content as the server accepts it, or every problem with it (nothing is saved then). */
export function validateDraft(template: TemplateId, data: Record<string, unknown>): DraftContent | { errors: Record<string, string>; pathwayErrors: string[] } {
  if (template === 'strategy') {
    const parsed = strategyContentSchema.safeParse(data);
    if (parsed.success) return { template, sections: parsed.data };
    const errors: Record<string, string> = {};
    for (const issue of parsed.error.issues) errors[String(issue.path[0] ?? 'pursue')] ??= issue.message;
    return { errors, pathwayErrors: [] };
  }
  const text = typeof data.flowcharts === 'string' ? data.flowcharts.replace(/\r\n?/g, '\n').trim() : '';
  const n = (x: number) => x.toLocaleString('en-GB');
  if (text.length > DRAFT_LIMITS.pathway) {
    return {
      errors: {},
      pathwayErrors: [
        `The flowcharts are ${n(text.length)} characters; the limit is ${n(DRAFT_LIMITS.pathway)}. Shorten them and save again: nothing was saved.`,
      ],
    };
  }
  if (cardBytes(text) > DRAFT_LIMITS.pathwayBytes) {
    return {
      errors: {},
      pathwayErrors: [
        `The flowcharts are too long to show on one Teams card (over ${DRAFT_LIMITS.pathwayBytes / 1000} KB; letters outside the Latin alphabet take more room). Shorten them and save again: nothing was saved.`,
      ],
    };
  }
  const parsed = parsePathway(text);
  if (!parsed.ok) return { errors: {}, pathwayErrors: parsed.errors };
  return { template, text };
}
