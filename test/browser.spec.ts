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
import { launchChromium, startPlayground, type Playground } from './support/playground.js';

/** The Playground's default user (see its default configuration). */
const ALEX = '00000000-0000-0000-0000-0000000000020';
const ARTIFACTS = path.join(__dirname, 'artifacts');
const REFERENCE = /MS-\d{4}-\d{6}/;

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

  it('when a member of staff types raise concern in the Agents Playground and submits the card, then they see the receipt with a reference', async function () {
    const page = thePage();
    const form = await openIntakeForm(page);

    await form.getByRole('radio', { name: 'No', exact: true }).check();
    await choose(page, form.getByRole('combobox', { name: 'Age of the person' }), '18-25');
    await labourBox(form).check();
    await choose(page, form.getByRole('combobox', { name: /Where was it encountered/ }), /^Housing:/);
    await choose(page, form.getByRole('combobox', { name: /consent to an NRM referral/ }), 'Consented');
    await form.getByRole('textbox', { name: /What you observed/ }).fill('Six men collected from the hostel by van at 5am; one said his wages go to the driver.');
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
    await receiptHeading.scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(ARTIFACTS, 'playground-receipt.png') });
  });

  it('when the card is submitted with the observed text empty, then the client names the problem, keeps the other answers and nothing is stored', async function () {
    const page = thePage();
    // The Playground's Adaptive Cards client validates required inputs before sending
    // Action.Execute, so the bot never sees this submit: the client shows the card's errorMessage.
    const before = (await app!.stores.concerns.listByReporter(ALEX)).length;
    const form = await openIntakeForm(page);

    await form.getByRole('radio', { name: 'No', exact: true }).check();
    await choose(page, form.getByRole('combobox', { name: 'Age of the person' }), '18-25');
    await labourBox(form).check();
    await choose(page, form.getByRole('combobox', { name: /Where was it encountered/ }), /^Housing:/);
    await choose(page, form.getByRole('combobox', { name: /consent to an NRM referral/ }), 'Consented');
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
});

/** The chat's compose box: a Lexical rich-text editor (a contenteditable with role textbox and no name). */
const messageBox = (page: Page) => page.locator('[data-lexical-editor="true"][role="textbox"]');

/** Types "raise concern" like a person and returns the newest intake form in the chat. */
async function openIntakeForm(page: Page): Promise<Locator> {
  const forms = page.locator('.ac-adaptiveCard').filter({ hasText: 'Raise a modern slavery concern' }).filter({ has: page.getByRole('button', { name: 'Send to the Modern Slavery Lead' }) });
  const already = await forms.count();
  const box = messageBox(page);
  await box.fill('raise concern');
  await box.press('Enter');
  await assertEventually(async () => (await forms.count()) > already, 'a new intake form arrives');
  const form = forms.last();
  await form.scrollIntoViewIfNeeded();
  return form;
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
