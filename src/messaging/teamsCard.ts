import type { Attachment } from 'botbuilder';
import type { Card } from '../cards/renderCard.js';

/** A card as the attachment of a Teams message. */
export function cardAttachment(card: Card): Attachment {
  return { contentType: 'application/vnd.microsoft.card.adaptive', content: card };
}

/** What Teams sends back when someone accepts a file consent card: where to put the file. */
export interface UploadInfo {
  name: string;
  uploadUrl: string;
  contentUrl: string;
  uniqueId: string;
  fileType: string;
}

/**
 * The card Teams shows before a bot may put a file in someone's OneDrive: the person accepts or
 * declines, and Teams sends the answer back with `context` (which the server checks again).
 */
export function fileConsentAttachment(name: string, description: string, sizeInBytes: number, context: Record<string, unknown>): Attachment {
  return {
    contentType: 'application/vnd.microsoft.teams.card.file.consent',
    name,
    content: { description, sizeInBytes, acceptContext: context, declineContext: context },
  };
}

/** The card that shows an uploaded file in the chat, opening it from OneDrive. */
export function fileInfoAttachment(upload: UploadInfo): Attachment {
  return {
    contentType: 'application/vnd.microsoft.teams.card.file.info',
    contentUrl: upload.contentUrl,
    name: upload.name,
    content: { uniqueId: upload.uniqueId, fileType: upload.fileType },
  };
}

/** Puts a file's bytes at the upload URL Teams gave (a OneDrive upload session), in one range. */
export async function uploadFile(uploadUrl: string, bytes: Buffer): Promise<void> {
  const response = await fetch(uploadUrl, {
    method: 'PUT',
    headers: { 'Content-Length': String(bytes.length), 'Content-Range': `bytes 0-${bytes.length - 1}/${bytes.length}` },
    body: new Uint8Array(bytes),
    signal: AbortSignal.timeout(3_000),
  });
  if (!response.ok) throw new Error(`upload refused with ${response.status}`);
}
