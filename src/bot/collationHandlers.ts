import type { Application, TurnState } from '@microsoft/teams-ai';
import { z } from 'zod';
import { collationPreviewCard } from '../cards/collationCards.js';
import { messageCard, refusalCard } from '../cards/messageCard.js';
import type { CollationService } from '../services/collationService.js';
import { onCommand } from './cardActions.js';
import { COMMANDS } from './commands.js';
import { offerFile, onFileConsent } from './fileConsent.js';
import { isPersonalChat, sendCard } from './turn.js';

/** What a protocol document's file consent card carries, checked again when it comes back: it could be tampered with. */
const documentContext = z.object({ collation: z.number().int().min(1).max(1_000_000), document: z.enum(['strategy', 'pathways']) });

const DESCRIPTIONS = { strategy: 'The city-wide Strategy (5P), collated from the groups', pathways: "The groups' Pathways, with their flowcharts" } as const;

/**
 * "collate": the coordinator combines the groups' templates into the protocol's two Word
 * documents, delivered as Teams delivers files from bots: a consent card, then the upload.
 */
export function registerCollationHandlers(app: Application<TurnState>, collations: CollationService): void {
  onCommand(app, COMMANDS.collate, async (actor, context, [, latestSubmitted]) => {
    // Files go to the coordinator's own OneDrive, so collation happens in personal chat only.
    if (!isPersonalChat(context))
      return messageCard('Please use a personal chat', 'Type "collate" in a personal chat with me: the documents go to your own OneDrive.');
    const result = await collations.collate(actor, latestSubmitted ? 'latestSubmitted' : 'accepted');
    if (result.kind === 'refused') return refusalCard(result.reason);
    await sendCard(context, collationPreviewCard(result.input, result.missing, result.changes));
    for (const document of result.documents) {
      const about = { collation: result.record.version, document: document.kind };
      await offerFile(context, { name: document.name, description: DESCRIPTIONS[document.kind], size: document.bytes.length, about });
    }
    return undefined;
  });

  // On accept, the document is rebuilt from its collation (or taken from this instance's copy) and uploaded.
  onFileConsent(app, {
    context: documentContext,
    declined: 'The document was not saved to your OneDrive. Type "collate" to make the protocol again.',
    bytes: async (actor, about) => {
      const result = await collations.documents(actor, about.collation, about.document);
      return result.kind === 'refused' ? result : { kind: 'file', bytes: result.documents.find((d) => d.kind === about.document)!.bytes };
    },
  });
}
