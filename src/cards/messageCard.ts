import { toneColor, type Tone } from './format.js';
import { cardTemplate, renderCard, type Card } from './renderCard.js';
import messageJson from './templates/message.json';
import noticeJson from './templates/notice.json';
import type { Verb } from './verbs.js';

interface MessageView {
  title: string;
  text: string;
  color: string;
}
const messageTemplate = cardTemplate<MessageView>(messageJson);

/** A plain message card: confirmations, refusals and errors. `text` must already be safe Markdown. */
export function messageCard(title: string, text: string, tone: Tone = 'default'): Card {
  return renderCard(messageTemplate, { title, text, color: toneColor(tone) });
}

/** Someone asked for something their role does not allow, or that cannot be done. */
export function refusalCard(text: string): Card {
  return messageCard('Not allowed', text, 'attention');
}

export interface NoticeButton {
  title: string;
  verb: Verb;
  data?: Record<string, unknown>;
}

interface NoticeView {
  title: string;
  color: string;
  lines: { text: string }[];
  buttons: { title: string; verb: Verb; data: Record<string, unknown> }[];
}
const noticeTemplate = cardTemplate<NoticeView>(noticeJson);

/**
 * A short notice with optional buttons: reminders, review decisions, escalations. Lines must
 * already be safe Markdown (user text escaped by the caller).
 */
export function noticeCard(title: string, lines: string[], buttons: NoticeButton[] = [], tone: Tone = 'default'): Card {
  return renderCard(noticeTemplate, {
    title,
    color: toneColor(tone),
    lines: lines.map((text) => ({ text })),
    buttons: buttons.map((b) => ({ title: b.title, verb: b.verb, data: { ...b.data, verb: b.verb } })),
  });
}
