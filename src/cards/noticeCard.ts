import { renderCard } from './renderCard.js';
import noticeTemplate from './templates/notice.json';
import type { Verb } from './verbs.js';

export interface NoticeButton {
  title: string;
  verb: Verb;
  data?: Record<string, unknown>;
}

/**
 * A short notice with optional buttons: reminders, review decisions, escalations. Lines must
 * already be safe Markdown (user text escaped by the caller).
 */
export function noticeCard(title: string, lines: string[], buttons: NoticeButton[] = [], tone: 'default' | 'attention' | 'good' = 'default'): Record<string, unknown> {
  return renderCard(noticeTemplate, {
    title,
    color: tone === 'attention' ? 'Attention' : tone === 'good' ? 'Good' : 'Default',
    lines: lines.map((text) => ({ text })),
    buttons: buttons.map((b) => ({ title: b.title, verb: b.verb, data: { ...b.data, verb: b.verb } })),
  });
}
