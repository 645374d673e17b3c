import type { Application, TurnState } from '@microsoft/teams-ai';
import { MessageFactory, type TurnContext } from 'botbuilder';
import { z } from 'zod';
import { collationPreviewCard } from '../cards/collationCards.js';
import { messageCard, refusalCard } from '../cards/messageCard.js';
import { fileConsentAttachment, fileInfoAttachment, uploadFile } from '../messaging/teamsCard.js';
import type { CollationService } from '../services/collationService.js';
import { COMMANDS, typedCommand } from './commands.js';
import { isSignUpConsent } from './signUpHandlers.js';
import { actorOf, answerInvoke, isInvoke, isPersonalChat, sendCard } from './turn.js';

/** What a file consent card carries, checked again when it comes back: it could be tampered with. */
const consentContext = z.object({ collation: z.number().int().min(1).max(1_000_000), document: z.enum(['strategy', 'pathways']) });
const consentAnswer = z.object({
  action: z.enum(['accept', 'decline']),
  context: consentContext,
  uploadInfo: z.object({ name: z.string(), uploadUrl: z.string().url(), contentUrl: z.string(), uniqueId: z.string(), fileType: z.string() }).optional(),
});

const DESCRIPTIONS = { strategy: 'The city-wide Strategy (5P), collated from the groups', pathways: "The groups' Pathways, with their flowcharts" } as const;

/**
 * "collate": the coordinator combines the groups' templates into the protocol's two Word
 * documents, delivered as Teams delivers files from bots: a consent card, then the upload.
 */
export function registerCollationHandlers(app: Application<TurnState>, collations: CollationService): void {
  app.message(
    (context) => Promise.resolve(COMMANDS.collate.test(typedCommand(context) ?? '\u0000')),
    async (context) => {
      // Files go to the coordinator's own OneDrive, so collation happens in personal chat only.
      if (!isPersonalChat(context))
        return sendCard(
          context,
          messageCard('Please use a personal chat', 'Type "collate" in a personal chat with me: the documents go to your own OneDrive.'),
        );
      const basis = COMMANDS.collate.exec(typedCommand(context) ?? '')?.[1] ? 'latestSubmitted' : 'accepted';
      const result = await collations.collate(actorOf(context), basis);
      if (result.kind === 'refused') return sendCard(context, refusalCard(result.reason));
      await sendCard(context, collationPreviewCard(result.input, result.missing, result.changes));
      for (const document of result.documents) {
        const context_ = { collation: result.record.version, document: document.kind };
        await context.sendActivity(
          MessageFactory.attachment(fileConsentAttachment(document.name, DESCRIPTIONS[document.kind], document.bytes.length, context_)),
        );
      }
    },
  );

  app.activity(
    // The sign-up list's file consent answers are its own handler's (signUpHandlers.ts).
    (context) => Promise.resolve(isInvoke(context) && context.activity.name === 'fileConsent/invoke' && !isSignUpConsent(context.activity.value)),
    async (context) => answerInvoke(context, await consent(context, collations)),
  );
}

/** The answer to a file consent card: on accept, the document rebuilt from its collation is uploaded and shown. */
async function consent(context: TurnContext, collations: CollationService): Promise<{ statusCode: number }> {
  const parsed = consentAnswer.safeParse(context.activity.value);
  if (!parsed.success) return { statusCode: 400 };
  const { action, context: about, uploadInfo } = parsed.data;
  if (action === 'decline') {
    await sendCard(context, messageCard('Not saved', 'The document was not saved to your OneDrive. Type "collate" to make the protocol again.'));
    return { statusCode: 200 };
  }
  if (!uploadInfo) return { statusCode: 400 };
  const result = await collations.documents(actorOf(context), about.collation, about.document);
  if (result.kind === 'refused') {
    await sendCard(context, refusalCard(result.reason));
    return { statusCode: 200 };
  }
  const document = result.documents.find((d) => d.kind === about.document)!;
  await uploadFile(uploadInfo.uploadUrl, document.bytes);
  await context.sendActivity(MessageFactory.attachment(fileInfoAttachment(uploadInfo)));
  return { statusCode: 200 };
}
