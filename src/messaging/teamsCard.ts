import type { Attachment } from 'botbuilder';
import type { Card } from '../cards/renderCard.js';

/** A card as the attachment of a Teams message. */
export function cardAttachment(card: Card): Attachment {
  return { contentType: 'application/vnd.microsoft.card.adaptive', content: card };
}
