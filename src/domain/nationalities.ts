/**
 * The nationalities a Lead chooses from: every country and territory with an ISO 3166-1 alpha-2
 * code, named in British English, plus Stateless and Not known.
 *
 * No maintained list of the codes is among the app's dependencies, so the list is read from the
 * ICU data that ships with Node (CLDR): every pair of letters AA..ZZ that Intl.DisplayNames names
 * is kept, except codes that are aliases of another (BU for MM, UK for GB: CLDR canonicalises
 * them), ISO's exceptionally reserved codes (AC, CP, CQ, DG, EA, EU, EZ, IC, TA, UN: places and
 * unions that are not nationalities) and the private-use ranges (AA, QM-QZ, XA-XZ, ZZ), with one
 * exception: XK, Kosovo, which the UK recognises and CLDR names.
 */

const EXCEPTIONALLY_RESERVED = new Set(['AC', 'CP', 'CQ', 'DG', 'EA', 'EU', 'EZ', 'IC', 'TA', 'UN']);
const RECOGNISED_USER_ASSIGNED = new Set(['XK']);

const isPrivateUse = (code: string) => code === 'AA' || code === 'ZZ' || /^Q[M-Z]$/.test(code) || code.startsWith('X');

/** The region CLDR treats a code as (an alias such as BU gives MM), or undefined when it is not a region. */
function canonicalRegion(code: string): string | undefined {
  try {
    return new Intl.Locale(Intl.getCanonicalLocales(`und-${code}`)[0]!).region;
  } catch {
    return undefined;
  }
}

function readCountries(): readonly { code: string; name: string }[] {
  const names = new Intl.DisplayNames(['en-GB'], { type: 'region', fallback: 'none' });
  const found: { code: string; name: string }[] = [];
  for (let a = 65; a <= 90; a++)
    for (let b = 65; b <= 90; b++) {
      const code = String.fromCharCode(a, b);
      if (EXCEPTIONALLY_RESERVED.has(code) || (isPrivateUse(code) && !RECOGNISED_USER_ASSIGNED.has(code))) continue;
      const name = names.of(code);
      if (name && canonicalRegion(code) === code) found.push({ code, name });
    }
  return Object.freeze(found.sort((x, y) => x.name.localeCompare(y.name, 'en-GB')));
}

/** Countries and territories by name, A to Z. Worked out once from the runtime's data; never changed after. */
export const COUNTRIES: readonly { code: string; name: string }[] = readCountries();
const COUNTRY_NAMES: ReadonlyMap<string, string> = new Map(COUNTRIES.map((c) => [c.code, c.name]));

/** The answers that are not a country. */
export const OTHER_NATIONALITIES = { stateless: 'Stateless', notKnown: 'Not known' } as const;

/** Every nationality as a choice, countries A to Z then Stateless and Not known. */
export function nationalityChoices(): { title: string; value: string }[] {
  return [...COUNTRIES.map((c) => ({ title: c.name, value: c.code })), ...Object.entries(OTHER_NATIONALITIES).map(([value, title]) => ({ title, value }))];
}

/** Whether a stored or sent value is one of the choices. */
export function isNationality(value: string): boolean {
  return COUNTRY_NAMES.has(value) || value in OTHER_NATIONALITIES;
}

/** The name of a nationality value ("United Kingdom", "Stateless"); the value itself if unknown. */
export function nationalityName(value: string): string {
  return COUNTRY_NAMES.get(value) ?? OTHER_NATIONALITIES[value as keyof typeof OTHER_NATIONALITIES] ?? value;
}
