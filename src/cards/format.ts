/** A date and time as staff in the council read it, in the protocol's time zone. */
export function formatLocal(iso: string, timeZone: string): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone, day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' }).format(new Date(iso));
}

/** Labels for stored values, in a fixed order, joined for a FactSet. */
export function labels<T extends string>(values: readonly T[], names: Record<T, string>, none = 'None'): string {
  return values.length ? values.map((v) => names[v]).join('; ') : none;
}

/** Choice lists in the shape the templates bind: { title, value }. */
export function choicesOf(names: Record<string, string>): { title: string; value: string }[] {
  return Object.entries(names).map(([value, title]) => ({ title, value }));
}
