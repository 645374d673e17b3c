import type { Clock } from '../domain/clock.js';
import { choicePage, nameMatches } from '../domain/people.js';
import type { Person } from '../domain/protocol.js';
import type { PeopleStore } from '../storage/peopleStore.js';

/** How long an instance answers searches from the list it read, before reading it again. */
const LIST_MAX_AGE_MS = 60_000;
/** People whose name this process has already checked against storage; past this many it starts afresh. */
const CHECKED_LIMIT = 50_000;

/**
 * The people the app knows, for the people picker: everyone who has installed or written to the
 * app (name and Entra object id, as Teams gives them), and the members of every team the app is
 * installed in. Kept in the `people` table; each instance keeps the list in memory to answer a
 * search as someone types, reading it again at most every minute (its own additions at once).
 */
export class KnownPeople {
  /** Names this process has checked (or written), so a person's next activity costs no read. */
  private readonly checked = new Map<string, string>();
  private list: { people: Map<string, string>; readAt: number } | undefined;
  private reading: Promise<Map<string, string>> | undefined;

  constructor(private readonly deps: { store: PeopleStore; clock: Clock }) {}

  /** Someone reached the app: remembered (or their name updated), once per process unless their name changes. */
  async met(person: Person): Promise<void> {
    if (this.checked.get(person.aadObjectId) === person.name) return;
    const stored = await this.deps.store.known(person.aadObjectId);
    if (stored?.name !== person.name) await this.deps.store.rememberKnown([person], this.deps.clock.now());
    this.noted([person]);
  }

  /** A team's members: those new to the app, or with a new name, are written, 100 to a transaction. */
  async rememberAll(people: Person[]): Promise<void> {
    const known = await this.people();
    const fresh = people.filter((p) => known.get(p.aadObjectId) !== p.name);
    if (fresh.length) await this.deps.store.rememberKnown(fresh, this.deps.clock.now());
    this.noted(fresh);
  }

  /** A person's name as the app knows it; undefined for an id it has never seen. */
  async nameOf(aadObjectId: string): Promise<string | undefined> {
    return (await this.people()).get(aadObjectId) ?? (await this.deps.store.known(aadObjectId))?.name;
  }

  /**
   * The people whose name matches what was typed (see nameMatches), with `also` (the people who
   * hold roles, who may never have used the app), sorted by name, one page of them.
   */
  async search(query: string, page: { skip: number; top: number }, also: Person[] = []): Promise<Person[]> {
    const everyone = new Map(await this.people());
    for (const p of also) if (!everyone.has(p.aadObjectId)) everyone.set(p.aadObjectId, p.name);
    const { skip, end } = choicePage(page);
    return [...everyone]
      .filter(([, name]) => nameMatches(name, query))
      .map(([aadObjectId, name]) => ({ aadObjectId, name }))
      .sort((a, b) => a.name.localeCompare(b.name, 'en-GB') || a.aadObjectId.localeCompare(b.aadObjectId))
      .slice(skip, end);
  }

  private async people(): Promise<Map<string, string>> {
    const now = this.deps.clock.now().getTime();
    if (this.list && now - this.list.readAt <= LIST_MAX_AGE_MS) return this.list.people;
    // One read of the table at a time: lookups that arrive together (a team's 200 members) share it.
    this.reading ??= this.deps.store
      .allKnown()
      .then((all) => {
        const people = new Map(all.map((p) => [p.aadObjectId, p.name]));
        this.list = { people, readAt: now };
        return people;
      })
      .finally(() => (this.reading = undefined));
    return this.reading;
  }

  private noted(people: Person[]): void {
    if (this.checked.size > CHECKED_LIMIT) this.checked.clear();
    for (const p of people) {
      this.checked.set(p.aadObjectId, p.name);
      this.list?.people.set(p.aadObjectId, p.name);
    }
  }
}
