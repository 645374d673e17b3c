/**
 * Recipients the rate limits hold back, and until when; and a hold on everyone (the tenant's limit,
 * or a pause Teams asked for). The dispatcher leaves a held recipient's other entries as they are,
 * rather than claiming each and giving it back, so a burst to one person costs no storage until
 * they can be sent to again; when the earliest hold ends it is asked for a pass.
 */
export class RecipientHolds {
  private readonly until = new Map<string, number>();
  private everyoneUntil = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly now: () => number,
    private readonly holdEnded: () => void,
  ) {}

  isHeld(recipient: string): boolean {
    const now = this.now();
    const until = Math.max(this.everyoneUntil, this.until.get(recipient) ?? 0);
    if (until <= now) this.until.delete(recipient);
    return until > now;
  }

  /** Holds back one recipient (or, without one, everyone) for `waitMs`. */
  hold(recipient: string | undefined, waitMs: number): void {
    const until = this.now() + waitMs;
    if (recipient === undefined) this.everyoneUntil = Math.max(this.everyoneUntil, until);
    else this.until.set(recipient, Math.max(this.until.get(recipient) ?? 0, until));
    this.askAtNextEnd();
  }

  /** Asks for a pass when the earliest hold still standing ends, and again at each one after it. */
  private askAtNextEnd(): void {
    clearTimeout(this.timer);
    const now = this.now();
    const ends = [this.everyoneUntil, ...this.until.values()].filter((t) => t > now);
    if (!ends.length) return;
    this.timer = setTimeout(
      () => {
        this.holdEnded();
        this.askAtNextEnd();
      },
      Math.min(...ends) - now,
    );
    this.timer.unref();
  }

  stop(): void {
    clearTimeout(this.timer);
  }
}
