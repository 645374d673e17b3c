import type { Application, TurnState } from '@microsoft/teams-ai';
import { MessageFactory, type TurnContext } from 'botbuilder';
import { z } from 'zod';
import { messageCard, refusalCard } from '../cards/messageCard.js';
import { fileConsentAttachment, fileInfoAttachment, uploadFile } from '../messaging/teamsCard.js';
import type { Actor } from '../services/results.js';
import { actorOf, answerInvoke, isInvoke, sendCard } from './turn.js';

const uploadInfo = z.object({ name: z.string(), uploadUrl: z.string().url(), contentUrl: z.string(), uniqueId: z.string(), fileType: z.string() });

/** One kind of file the bot offers through Teams' file consent card. */
export interface OfferedFile<C extends Record<string, unknown>> {
  /** The context the consent card carries: it names the file, and tells this kind's answers from others'. */
  context: z.ZodType<C>;
  /** What to say when the person declines (how to get the file again). */
  declined: string;
  /** The file's bytes, made (or refused) for this person when they accept; the server checks the role again. */
  bytes(actor: Actor, context: C): Promise<{ kind: 'refused'; reason: string } | { kind: 'file'; bytes: Buffer }>;
}

/** Sends a file consent card for a file: the person accepts it to have the file put in their OneDrive. */
export async function offerFile<C extends Record<string, unknown>>(
  context: TurnContext,
  file: { name: string; description: string; size: number; about: C },
): Promise<void> {
  await context.sendActivity(MessageFactory.attachment(fileConsentAttachment(file.name, file.description, file.size, file.about)));
}

/**
 * Answers the file consent cards of one kind of file: on accept the file is made, uploaded to the
 * URL Teams gave and shown with a file card; on decline the person is told how to get it again.
 * Each kind takes only the answers whose context it recognises, so several kinds live side by side.
 */
export function onFileConsent<C extends Record<string, unknown>>(app: Application<TurnState>, file: OfferedFile<C>): void {
  const answer = z.object({ action: z.enum(['accept', 'decline']), context: file.context, uploadInfo: uploadInfo.optional() });
  const ours = (context: TurnContext) =>
    isInvoke(context) &&
    context.activity.name === 'fileConsent/invoke' &&
    file.context.safeParse((context.activity.value as { context?: unknown } | undefined)?.context).success;
  app.activity(
    (context) => Promise.resolve(ours(context)),
    async (context) => {
      const parsed = answer.safeParse(context.activity.value);
      await answerInvoke(context, { statusCode: parsed.success ? await settle(context, file, parsed.data) : 400 });
    },
  );
}

async function settle<C extends Record<string, unknown>>(
  context: TurnContext,
  file: OfferedFile<C>,
  answer: { action: 'accept' | 'decline'; context: C; uploadInfo?: z.infer<typeof uploadInfo> | undefined },
): Promise<number> {
  if (answer.action === 'decline') {
    await sendCard(context, messageCard('Not saved', file.declined));
    return 200;
  }
  if (!answer.uploadInfo) return 400;
  const made = await file.bytes(actorOf(context), answer.context);
  if (made.kind === 'refused') {
    await sendCard(context, refusalCard(made.reason));
    return 200;
  }
  await uploadFile(answer.uploadInfo.uploadUrl, made.bytes);
  await context.sendActivity(MessageFactory.attachment(fileInfoAttachment(answer.uploadInfo)));
  return 200;
}
