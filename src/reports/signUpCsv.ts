import { stringify } from 'csv-stringify/sync';
import { localDate, localTime } from '../domain/calendar.js';
import type { SignUpRecord } from '../domain/signUp.js';

export const SIGN_UP_CSV_HEADER = ['Organisation', 'Signatory', 'Role', 'Strategy', 'Pathways', 'Date signed', 'Entered by', 'Last changed'] as const;

/**
 * A cell a spreadsheet would run as a formula (it starts with = + - @, or a tab or carriage return
 * that some spreadsheets skip before one) is prefixed with a single quote, so it shows as text.
 * Everything else is left exactly as typed.
 */
export function neutraliseFormula(cell: string): string {
  return /^[=+\-@\t\r]/.test(cell) ? `'${cell}` : cell;
}

/**
 * The organisations signed up to the protocol as a CSV file, in the order given (newest first):
 * a header row, then one row per organisation. UTF-8 with a byte order mark and CRLF line ends,
 * so Excel opens names with accents as they were typed. Dates are local, in the protocol's time zone.
 */
export function signUpCsv(records: readonly SignUpRecord[], timeZone: string): Buffer {
  const changed = (iso: string) => {
    const instant = new Date(iso);
    return `${localDate(instant, timeZone)} ${localTime(instant, timeZone)}`;
  };
  const rows = records.map((r) =>
    [
      r.organisation,
      r.signatory,
      r.role,
      r.documents.includes('strategy') ? 'Yes' : 'No',
      r.documents.includes('pathways') ? 'Yes' : 'No',
      r.signedOn,
      r.enteredBy.name,
      changed(r.updatedAt),
    ].map(neutraliseFormula),
  );
  return Buffer.from(stringify([[...SIGN_UP_CSV_HEADER], ...rows], { bom: true, record_delimiter: 'windows' }), 'utf8');
}
