import Holidays from 'date-holidays';

/**
 * Bank holidays in England and Wales for the given years, from the maintained date-holidays
 * package (its rules include substitute days), plus any extra dates from configuration (a
 * one-off holiday announced after the package was released).
 */
export function englandAndWalesBankHolidays(years: number[], extra: string[] = []): string[] {
  const calendar = new Holidays('GB', 'ENG');
  const fromPackage = years.flatMap((year) =>
    calendar
      .getHolidays(year)
      .filter((h) => h.type === 'public' || h.type === 'bank')
      .map((h) => h.date.slice(0, 10)),
  );
  return [...new Set([...fromPackage, ...extra])].sort();
}
