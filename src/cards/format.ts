import { formatLocalDateTime } from '../domain/calendar.js';

/** A date and time as staff in the council read it, in the protocol's time zone: "2 Jul 2027, 09:00". */
export function formatLocal(iso: string, timeZone: string): string {
  return formatLocalDateTime(iso, timeZone);
}

/** Labels for stored values, in a fixed order, joined for a FactSet. */
export function labels<T extends string>(values: readonly T[], names: Record<T, string>, none = 'None'): string {
  return values.length ? values.map((v) => names[v]).join('; ') : none;
}

/** Choice lists in the shape the templates bind: { title, value }. */
export function choicesOf(names: Record<string, string>): { title: string; value: string }[] {
  return Object.entries(names).map(([value, title]) => ({ title, value }));
}

/** How a message reads: plain, needing attention, or good news. */
export type Tone = 'default' | 'attention' | 'good';

/**
 * The Adaptive Card text colour of a tone. Good news stays in the default colour: Teams' green on
 * white fails the WCAG AA contrast for text, and the words say it anyway.
 */
export function toneColor(tone: Tone): 'Default' | 'Attention' {
  return tone === 'attention' ? 'Attention' : 'Default';
}

/** A line at the top of a card saying what just happened ("Saved as version 3."). */
export interface Notice {
  text: string;
  tone: 'good' | 'attention';
}

/** The notice as the templates bind it: empty text hides it. */
export function noticeView(notice?: Notice): { notice: string; noticeStyle: 'good' | 'attention' } {
  return { notice: notice ? notice.text : '', noticeStyle: notice?.tone === 'good' ? 'good' : 'attention' };
}

/** "1 day", "3 days". */
export function plural(n: number, unit: string): string {
  return `${n} ${unit}${n === 1 ? '' : 's'}`;
}

/**
 * A form's problems as its template binds them: one message per input (empty when fine), and a
 * summary above the form that says how many answers need checking and that nothing was done yet.
 */
export function formProblems<F extends string>(
  fields: readonly F[],
  errors: Partial<Record<F, string>>,
  nothingDone: string,
): { errors: Record<F, string>; hasErrors: boolean; errorSummary: string } {
  const problems = Object.values(errors).filter(Boolean).length;
  return {
    errors: Object.fromEntries(fields.map((f) => [f, errors[f] ?? ''])) as Record<F, string>,
    hasErrors: problems > 0,
    errorSummary:
      problems === 1 ? `Please check the answer marked below: ${nothingDone}.` : `Please check the ${problems} answers marked below: ${nothingDone}.`,
  };
}
