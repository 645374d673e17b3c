/**
 * End to end in a real browser: the bot (with in-memory Azurite), the Microsoft 365 Agents
 * Playground as the Teams client, and headless Chromium playing a member of staff.
 *
 * The Playground's default user (Alex Wilber) is, in the demo protocol, the Modern Slavery Lead,
 * so a raised concern also comes back into the same chat as the Lead's card.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { createApp, type App } from '../src/app.js';
import { DEMO_PROTOCOL_PATH, loadProtocol } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import { startEmbeddedTables, type EmbeddedTables } from '../src/storage/embeddedAzurite.js';
import { brokenWordsIn, launchChromium, startPlayground, type Playground } from './support/playground.js';

/** The Playground's default user (see its default configuration). */
const ALEX = '00000000-0000-0000-0000-0000000000020';
const ARTIFACTS = path.join(__dirname, 'artifacts');
const REFERENCE = /MS-\d{4}-\d{6}/;
const PURSUE = 'Share tenancy-visit intelligence with the police and GLAA within 48 hours.';
const PREVENT = 'Brief every housing officer on the indicators of labour exploitation.';

describe('the Agents Playground in a browser', function () {
  this.timeout(90_000);

  let tables: EmbeddedTables | undefined;
  let app: App | undefined;
  let playground: Playground | undefined;
  let browser: Awaited<ReturnType<typeof launchChromium>> | undefined;
  let page: Page | undefined;
  const thePage = (): Page => {
    assert.ok(page, 'the Playground page did not open (see the before all hook)');
    return page;
  };

  before(async function () {
    tables = await startEmbeddedTables(undefined);
    app = await createApp(
      {
        port: 0,
        host: '127.0.0.1',
        production: false,
        credentials: undefined,
        storage: { connectionString: tables.connectionString },
        protocol: loadProtocol(DEMO_PROTOCOL_PATH),
        protocolSource: 'demo',
      },
      { logger: createLogger({ silent: true }) },
    );
    const url = await app.listen();
    playground = await startPlayground(`${url}/api/messages`);
    browser = await launchChromium();
    const tab = (page = await browser.context.newPage());
    tab.setDefaultTimeout(15_000);
    await tab.goto(playground.url);
    await messageBox(tab).waitFor();
    // The Playground's log panel says "Connected." once it has reached the bot (conversationUpdate
    // and installationUpdate sent); a message typed before that can be lost.
    await tab.getByText('Connected.', { exact: true }).waitFor();
  });

  after(async function () {
    // Each step on its own, so one failure does not leave the others running.
    const steps: [string, () => Promise<void> | undefined][] = [
      ['browser', () => browser?.close()],
      ['playground', () => playground?.stop()],
      ['app', () => app?.close()],
      ['azurite', () => tables?.close()],
    ];
    const failures: string[] = [];
    for (const [name, step] of steps) {
      try {
        await step();
      } catch (error) {
        failures.push(`${name}: ${String(error)}`);
      }
    }
    if (failures.length) throw new Error(`Cleanup failed: ${failures.join('; ')}`);
  });

  afterEach(async function () {
    if (this.currentTest?.state !== 'failed') return;
    if (playground) process.stderr.write(`Agents Playground output:\n${playground.output()}\n`);
    if (page) {
      mkdirSync(ARTIFACTS, { recursive: true });
      const file = path.join(ARTIFACTS, 'playground-failure.png');
      await page.screenshot({ path: file, fullPage: true }).then(
        () => process.stderr.write(`Screenshot of the failure: ${file}\n`),
        () => undefined,
      );
    }
  });

  /**
   * Scrolls the chat to `target` for a screenshot. The Playground re-renders the chat as messages
   * arrive (the Lead's card, the notices), which can detach the element while it scrolls (one CI
   * run failed so): then the locator finds it again.
   */
  async function scrollTo(target: Locator): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await target.scrollIntoViewIfNeeded();
        return;
      } catch (error) {
        if (attempt >= 3 || !/not attached to the DOM/.test(String(error))) throw error;
      }
    }
  }

  /** Answers the intake questions as for an adult in a labour case in Housing (all but the observed text). */
  async function answerForAnAdult(page: Page, form: Locator): Promise<void> {
    await form.getByRole('radio', { name: 'No', exact: true }).check();
    await choose(page, form.getByRole('combobox', { name: 'Age of the person' }), '18-25');
    await labourBox(form).check();
    await choose(page, form.getByRole('combobox', { name: /Where was it encountered/ }), /^Housing:/);
    await choose(page, form.getByRole('combobox', { name: /consent to an NRM referral/i }), 'Consented');
  }

  it('when a member of staff types raise concern in the Agents Playground and submits the card, then they see the receipt with a reference', async function () {
    const page = thePage();
    const form = await openIntakeForm(page);

    await answerForAnAdult(page, form);
    await form
      .getByRole('textbox', { name: /What you observed/ })
      .fill('Six men collected from the hostel by van at 5am; one said his wages go to the driver.');
    await form.getByRole('button', { name: 'Send to the Modern Slavery Lead' }).click();

    // Action.Execute: the form is replaced in place by the receipt.
    const receiptHeading = page.getByText(/^Concern raised: MS-\d{4}-\d{6}$/);
    await receiptHeading.waitFor();
    const reference = REFERENCE.exec(await receiptHeading.innerText())?.[0];
    assert.ok(reference, 'the receipt names a reference');

    // Alex is also the Lead: the Lead's card arrives proactively through the Playground's connector.
    // Its heading is "Concern MS-..." (older wording: "Modern slavery concern MS-...", "Urgent ...").
    await page.getByText(new RegExp(`^(urgent )?(modern slavery )?concern ${reference}$`, 'i')).waitFor();

    const stored = await app!.stores.concerns.listByReporter(ALEX);
    const concern = stored.find((c) => c.reference === reference);
    assert.ok(concern, `concern ${reference} is stored (stored: ${stored.map((c) => c.reference).join(', ') || 'none'})`);
    assert.equal(concern.group, 'housing');
    assert.equal(concern.intake.immediateDanger, 'no');
    assert.equal(concern.intake.ageBand, '18-25');
    assert.deepEqual(concern.intake.exploitation, ['labour']);
    assert.equal(concern.intake.consent, 'consented');
    assert.match(concern.intake.observed, /Six men collected/);

    mkdirSync(ARTIFACTS, { recursive: true });
    await scrollTo(receiptHeading);
    await page.screenshot({ path: path.join(ARTIFACTS, 'playground-receipt.png') });
  });

  it('when the card is submitted with the observed text empty, then the client names the problem, keeps the other answers and nothing is stored', async function () {
    const page = thePage();
    // The Playground's Adaptive Cards client validates required inputs before sending
    // Action.Execute, so the bot never sees this submit: the client shows the card's errorMessage.
    const before = (await app!.stores.concerns.listByReporter(ALEX)).length;
    const form = await openIntakeForm(page);

    await answerForAnAdult(page, form);
    await form.getByRole('button', { name: 'Send to the Modern Slavery Lead' }).click();

    await form.getByText('Describe what you observed.').waitFor();
    assert.equal(await form.getByRole('radio', { name: 'No', exact: true }).isChecked(), true, 'immediate danger is still "No"');
    assert.equal(await labourBox(form).isChecked(), true, 'Labour is still ticked');
    assert.equal(await form.getByRole('combobox', { name: 'Age of the person' }).inputValue(), '18-25');

    // Give a submit that did go out time to be stored, then check that none was.
    await page.waitForTimeout(1_000);
    assert.equal(await page.getByText(/^Concern raised:/).count(), 1, 'no second receipt');
    assert.equal((await app!.stores.concerns.listByReporter(ALEX)).length, before, 'no concern was stored');
  });

  it('when a group member types draft strategy, picks a group, writes Pursue and saves, then they see version 1 saved and it is stored', async function () {
    const page = thePage();
    const card = await openStrategyCard(page, 'Housing');
    await card.getByText('No version saved yet: this is the blank template.').waitFor();

    await card.getByRole('textbox', { name: 'Pursue' }).fill(PURSUE);
    await card.getByRole('textbox', { name: 'Prevent' }).fill(PREVENT);
    await card.getByRole('button', { name: 'Save as a new version' }).click();

    // Action.Execute: the card is replaced in place by the same card with a notice.
    await card.getByText('Saved as version 1.', { exact: true }).waitFor();
    await card.getByText(/^Showing version 1, saved by Alex Wilber on /).waitFor();
    assert.equal(await card.getByRole('textbox', { name: 'Pursue' }).inputValue(), PURSUE, 'the card shows the saved Pursue');

    const stored = await app!.stores.protocol.version('housing', 'strategy', 1);
    assert.ok(stored, 'version 1 of the Housing Strategy is stored');
    assert.equal(stored.info.author.name, 'Alex Wilber');
    assert.ok(stored.content.template === 'strategy', `stored as a strategy (was ${stored.content.template})`);
    assert.equal(stored.content.sections.pursue, PURSUE);
    assert.equal(stored.content.sections.prevent, PREVENT);
    assert.equal(stored.content.sections.protect, '');

    // The card is taller than the window: show its top (heading, notice, version line, Pursue, Prevent).
    mkdirSync(ARTIFACTS, { recursive: true });
    await card.getByText('Housing: Strategy (5P)', { exact: true }).evaluate((heading) => heading.scrollIntoView({ block: 'start' }));
    await page.screenshot({ path: path.join(ARTIFACTS, 'playground-draft.png') });
  });

  it('when the group lead opens the saved Strategy and clicks Versions and submit, then they see version 1 by Alex Wilber and can submit a version', async function () {
    const page = thePage();
    assert.ok(await app!.stores.protocol.version('housing', 'strategy', 1), 'version 1 of the Housing Strategy is stored (by the previous test)');
    const card = await openStrategyCard(page, 'Housing');
    // Reopening shows the latest version, prefilled.
    await card.getByText(/^Showing version 1, saved by Alex Wilber on /).waitFor();
    assert.equal(await card.getByRole('textbox', { name: 'Pursue' }).inputValue(), PURSUE);

    await card.getByRole('button', { name: 'Versions and submit' }).click();

    // Replaced in place by the versions card (a Table: Version | Saved by | When | Characters).
    const versions = page.locator('.ac-adaptiveCard').filter({ hasText: 'Housing: Strategy versions' }).last();
    await versions.getByText('Saved by', { exact: true }).waitFor();
    const row = versions.getByRole('row').filter({ hasText: 'Alex Wilber' });
    assert.equal(await row.count(), 1, 'one version row, by Alex Wilber');
    assert.equal((await row.getByRole('cell').first().innerText()).trim(), '1', 'the row is version 1');
    await versions.getByRole('button', { name: 'Submit a version' }).waitFor();

    await scrollTo(versions);
    await versions.screenshot({ path: path.join(ARTIFACTS, 'playground-versions.png') });
  });

  it('first hour, as the coordinator: after the first concern there is one calm "Waiting" card per unlinked channel naming the command, and no red "Not delivered" card', async function () {
    const page = thePage();
    // The first test raised an 18-25 concern in Housing: its notices wait for the Housing and Transition channels.
    const waiting = (group: string) => page.locator('.ac-adaptiveCard').filter({ hasText: `Waiting: the ${group} channel is not linked` });
    await waiting('Housing').first().waitFor();
    await waiting('Transition to Adulthood').first().waitFor();
    assert.equal(await waiting('Housing').count(), 1, 'one card for the Housing channel, not one per message');
    assert.match(await waiting('Housing').first().innerText(), /send "link housing"/);
    assert.equal(await page.getByText(/Not delivered|Undelivered/).count(), 0, 'nothing alarming in the demo');
    await scrollTo(waiting('Housing').first());
    await page.screenshot({ path: path.join(ARTIFACTS, 'first-hour-1-waiting.png') });
  });

  it('first hour, as a member of staff: something the bot does not know gets the commands as buttons, and "Raise Concern!!" opens the form', async function () {
    const page = thePage();
    const sorry = page.locator('.ac-adaptiveCard').filter({ hasText: 'Sorry, I did not understand that' });
    await sendAndAwaitNewCard(page, 'hello, what can you do?', sorry, 'the commands card');
    const card = sorry.last();
    await card.getByRole('button', { name: 'Raise a concern' }).waitFor();
    await card.getByRole('button', { name: 'My concerns' }).waitFor();
    await scrollTo(card);
    await page.screenshot({ path: path.join(ARTIFACTS, 'first-hour-2-commands.png') });

    const forms = page.locator('.ac-adaptiveCard').filter({ has: page.getByRole('button', { name: 'Send to the Modern Slavery Lead' }) });
    await sendAndAwaitNewCard(page, 'Raise Concern!!', forms, 'the intake form for "Raise Concern!!"');
    const form = forms.last();
    await form
      .getByText(/required for adults/i)
      .first()
      .waitFor();
  });

  it('first hour: observed text of 2,612 characters comes back from the server naming its length and the limit, with all of it kept', async function () {
    const page = thePage();
    const form = await openIntakeForm(page);
    await answerForAnAdult(page, form);
    const long = `${'Men collected at 5am by the same van. '.repeat(70).slice(0, 2611)}.`;
    const box = form.getByRole('textbox', { name: /What you observed/ });
    await box.fill(long);
    assert.equal((await box.inputValue()).length, 2612, 'the client keeps the whole paste');
    await form.getByRole('button', { name: 'Send to the Modern Slavery Lead' }).click();
    const refused = page.locator('.ac-adaptiveCard').filter({ hasText: '2,612 characters; the limit is 2,000' }).last();
    await refused.waitFor();
    assert.equal((await refused.getByRole('textbox', { name: /What you observed/ }).inputValue()).length, 2612, 'all of it is kept');
    await refused.getByText('2,612 characters; the limit is 2,000', { exact: false }).first().scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(ARTIFACTS, 'first-hour-3-too-long.png') });
  });

  it('first hour, as the Lead: acknowledging tells the reporter it was picked up; an NRM referral without its reference comes back with the choice kept and the problem named', async function () {
    const page = thePage();
    const leadCard = page
      .locator('.ac-adaptiveCard')
      .filter({ has: page.getByRole('button', { name: 'Acknowledge' }) })
      .first();
    await leadCard.scrollIntoViewIfNeeded();
    await leadCard.getByRole('button', { name: 'Acknowledge' }).click();
    await page
      .getByText(/has picked up the concern you raised/)
      .first()
      .waitFor();

    const acknowledged = page
      .locator('.ac-adaptiveCard')
      .filter({ has: page.getByRole('button', { name: 'Record an action' }) })
      .first();
    await acknowledged.getByRole('button', { name: 'Record an action' }).click();
    await choose(page, acknowledged.getByRole('combobox', { name: 'Action' }), 'NRM referral made');
    await acknowledged.getByRole('button', { name: 'Record', exact: true }).click();
    const refused = page.locator('.ac-adaptiveCard').filter({ hasText: 'Give the NRM referral reference.' }).first();
    await refused.waitFor();
    assert.match(await refused.getByRole('combobox', { name: 'Action' }).first().inputValue(), /NRM referral made/, 'the choice is kept');
    await refused.getByText('Give the NRM referral reference.').first().scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(ARTIFACTS, 'first-hour-4-lead-refused.png') });
  });

  it('when the coordinator types status in a chat as wide as Teams on a laptop, then the dashboard shows every group and no word is broken across lines', async function () {
    const page = thePage();
    // Some groups further on, so the dashboard has every kind of status and name to fit.
    const protocol = app!.stores.protocol;
    const alex = { aadObjectId: ALEX, name: 'Alex Wilber' };
    const at = new Date().toISOString();
    for (const [group, template, status] of [
      ['transition', 'strategy', 'submitted'],
      ['enforcement', 'pathway', 'returned'],
      ['health', 'strategy', 'accepted'],
    ] as const) {
      const { record, etag } = await protocol.status(group, template);
      const next = {
        ...record,
        status,
        revision: record.revision + 1,
        latestVersion: 3,
        submittedVersion: 3,
        submittedBy: alex,
        submittedAt: at,
        lastChangeAt: at,
        lastChangeBy: alex,
      };
      await protocol.changeStatus(next, etag, { revision: next.revision, type: 'submitted', by: alex, at, detail: 'seeded' }, []);
    }

    // A Teams chat on a laptop gives a card about 450-600 px. The Playground caps a card at about
    // 450 px (the narrow end); the window is narrowed too, and the card's width is asserted, so
    // the check below is made at a width people really see.
    const before = page.viewportSize();
    await page.setViewportSize({ width: 720, height: 1600 });
    try {
      const dashboards = page.locator('.ac-adaptiveCard').filter({ hasText: 'groups at a glance' });
      await sendAndAwaitNewCard(page, 'status', dashboards, 'the dashboard arrives');
      const card = dashboards.last();
      await card.getByText('Transition to Adulthood').first().waitFor();
      const width = (await card.boundingBox())!.width;
      assert.ok(width >= 420 && width <= 620, `the card is ${Math.round(width)} px wide, as in a Teams chat`);

      await card.evaluate((heading) => heading.scrollIntoView({ block: 'start' }));
      mkdirSync(ARTIFACTS, { recursive: true });
      await card.screenshot({ path: path.join(ARTIFACTS, 'playground-dashboard.png') });

      const broken = await card.evaluate(brokenWordsIn);
      assert.deepEqual(broken, [], 'words broken across lines (see test/artifacts/playground-dashboard.png)');
    } finally {
      if (before) await page.setViewportSize(before);
    }
  });
});

/** The chat's compose box: a Lexical rich-text editor (a contenteditable with role textbox and no name). */
const messageBox = (page: Page) => page.locator('[data-lexical-editor="true"][role="textbox"]');

/** Types a command like a person and waits until one more card matching `cards` is in the chat. */
async function sendAndAwaitNewCard(page: Page, command: string, cards: Locator, what: string): Promise<void> {
  const already = await cards.count();
  const box = messageBox(page);
  await box.fill(command);
  await box.press('Enter');
  await assertEventually(async () => (await cards.count()) > already, what);
}

/** Types "raise concern" like a person and returns the newest intake form in the chat. */
async function openIntakeForm(page: Page): Promise<Locator> {
  const forms = page
    .locator('.ac-adaptiveCard')
    .filter({ hasText: 'Raise a modern slavery concern' })
    .filter({ has: page.getByRole('button', { name: 'Send to the Modern Slavery Lead' }) });
  await sendAndAwaitNewCard(page, 'raise concern', forms, 'a new intake form arrives');
  const form = forms.last();
  await form.scrollIntoViewIfNeeded();
  return form;
}

/**
 * Types "draft strategy" like a person, picks `group` on the "which group" card (Alex leads all
 * seven groups), clicks Open and returns the Strategy card that replaces it.
 */
async function openStrategyCard(page: Page, group: string): Promise<Locator> {
  const pickers = page.locator('.ac-adaptiveCard').filter({ hasText: "Which group's Strategy do you want to work on?" });
  await sendAndAwaitNewCard(page, 'draft strategy', pickers, 'a new "which group" card arrives');
  const picker = pickers.last();
  await picker.scrollIntoViewIfNeeded();
  // The first group (Housing) is already chosen (the card's default value); check() still proves the radio is there.
  await groupRadio(picker, group).check();
  await picker.getByRole('button', { name: 'Open', exact: true }).click();
  // Action.Execute replaces the picker in place, so the picker locator resolves to nothing afterwards.
  const card = page
    .locator('.ac-adaptiveCard')
    .filter({ hasText: `${group}: Strategy (5P)` })
    .filter({ has: page.getByRole('button', { name: 'Save as a new version' }) })
    .last();
  await card.getByRole('textbox', { name: 'Pursue' }).waitFor();
  await card.scrollIntoViewIfNeeded();
  return card;
}

/** Opens a Fluent combobox (the Playground's compact Input.ChoiceSet) and picks an option. */
async function choose(page: Page, combobox: Locator, option: string | RegExp): Promise<void> {
  await combobox.click();
  await page.getByRole('option', { name: option, ...(typeof option === 'string' ? { exact: true } : {}) }).click();
}

async function assertEventually(probe: () => Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) assert.fail(`Timed out: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * The "Labour" checkbox. The Playground names each checkbox of an expanded multi-select by the
 * ChoiceSet's label followed by the choice ("Exploitation suspected (choose all that apply) Labour"):
 * aria-labelledby wins over the choice's own aria-label, so getByLabel('Labour', { exact: true }) finds nothing.
 */
const labourBox = (form: Locator) => form.getByRole('checkbox', { name: /^Exploitation suspected.* Labour$/ });

/** A radio of the expanded "Group" ChoiceSet; named like the checkboxes above, so matched at the end. */
const groupRadio = (card: Locator, group: string) => card.getByRole('radio', { name: new RegExp(`(^|\\s)${group}$`) });
