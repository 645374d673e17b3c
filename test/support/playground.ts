/**
 * Runs the Microsoft 365 Agents Playground (the local Teams-like web client) as a child process,
 * and headless Chromium through playwright-core, for browser tests of the bot.
 *
 * The Playground runs in a fresh temp directory, so its devTools log (and any config file it
 * looks for) stays out of the repo; it listens on a free port (`-p 0`) and says which on stdout.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

export const CHROMIUM_PATH = '/usr/bin/chromium';

/** Flags that keep Chromium quiet and offline-friendly in a container (see TOOLCHAIN.md). */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

export interface Playground {
  /** Where to open the Playground in a browser, e.g. http://127.0.0.1:41234 */
  url: string;
  /** What the Playground wrote on stdout and stderr and in its devTools log so far (for failure messages). */
  output(): string;
  /** Stops the Playground (its whole process group) and removes its temp directory. */
  stop(): Promise<void>;
}

/** The Playground's CLI script, from the locally installed package (never downloaded). */
export function playgroundCli(): string {
  const packageJson = require.resolve('@microsoft/m365agentsplayground/package.json');
  return path.join(path.dirname(packageJson), 'cli.js');
}

/**
 * Starts the Playground against `botEndpoint` (e.g. http://127.0.0.1:3978/api/messages) on a free
 * port, and resolves once its web page answers.
 */
export async function startPlayground(botEndpoint: string, options: { timeoutMs?: number } = {}): Promise<Playground> {
  const timeoutMs = options.timeoutMs ?? 20_000;
  const workDir = mkdtempSync(path.join(tmpdir(), 'playground-'));
  const logFile = path.join(workDir, 'devTools', 'm365agentsplayground.log');
  const child = spawn(process.execPath, [playgroundCli(), '-p', '0', '-c', 'msteams', '--disable-telemetry'], {
    cwd: workDir,
    env: {
      ...process.env,
      BOT_ENDPOINT: botEndpoint,
      TEAMSAPPTESTER_BROWSER: 'none',
      M365_AGENTS_PLAYGROUND_LOGFILE: logFile,
    },
    // Its own process group, so that stop() can end it and anything it started.
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const stop = async () => {
    await stopGroup(child, exited);
    rmSync(workDir, { recursive: true, force: true });
  };

  try {
    const port = await waitFor(timeoutMs, () => {
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(`The Agents Playground exited (${child.exitCode ?? child.signalCode}) before listening:\n${output}`);
      }
      const match = /Listening on (\d+)/.exec(output);
      return match ? Number(match[1]) : undefined;
    });
    const url = `http://127.0.0.1:${port}`;
    await waitFor(timeoutMs, async () => {
      try {
        const response = await fetch(url);
        await response.arrayBuffer();
        return response.ok ? true : undefined;
      } catch {
        return undefined;
      }
    });
    const everything = () => (existsSync(logFile) ? `${output}\n--- ${logFile}\n${readFileSync(logFile, 'utf8')}` : output);
    return { url, output: everything, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** SIGTERM to the whole process group, then SIGKILL if it has not gone within 3 s. */
async function stopGroup(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, signal);
    } catch {
      // Already gone.
    }
  };
  signalGroup('SIGTERM');
  const gone = await Promise.race([exited.then(() => true), delay(3_000).then(() => false)]);
  if (!gone) {
    signalGroup('SIGKILL');
    await Promise.race([exited, delay(2_000)]);
  }
}

/**
 * Headless Chromium with a fresh profile. Fails (never skips) when Chromium is not installed:
 * CI installs it, so its absence is a broken environment, not a reason to pass.
 */
export async function launchChromium(): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`Chromium is not installed at ${CHROMIUM_PATH}: the browser tests need it (apt-get install -y chromium).`);
  }
  const profileDir = mkdtempSync(path.join(tmpdir(), 'chromium-profile-'));
  try {
    const context = await chromium.launchPersistentContext(profileDir, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1280, height: 1000 },
    });
    // Only loopback: the Playground page asks a CDN for fonts and animations it can do without,
    // and a test should not depend on (or wait for) the network.
    await context.route(
      (url) => !LOOPBACK_HOSTS.has(url.hostname),
      (route) => route.abort('blockedbyclient'),
    );
    return {
      context,
      async close() {
        await context.close().catch(() => undefined);
        rmSync(profileDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(profileDir, { recursive: true, force: true });
    throw error;
  }
}

/** Polls `probe` every 100 ms until it returns a value other than undefined, or throws on timeout. */
async function waitFor<T>(timeoutMs: number, probe: () => T | undefined | Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for the Agents Playground`);
    await delay(100);
  }
}

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

/**
 * The words of a card's text that the browser broke across two lines, or that do not fit their
 * column (cut off or spilling over), as "word (in: text)". Run in the page, for a card rendered
 * by the Adaptive Cards renderer (a TextBlock is an `.ac-textBlock`, a RichTextBlock an
 * `.ac-richTextBlock`).
 *
 * How: every word (a run of non-space characters) of every text node of every TextBlock is
 * selected with a DOM Range; Range.getClientRects() gives one box per line the word sits on, so a
 * word wrapped inside itself ("Submitte|d by") has boxes on two different lines (two distinct
 * tops). A word wider than its block cannot be wrapped that way when wrapping is off, so the block
 * is also checked for overflow (its scrollWidth beyond its clientWidth). Both are measured on
 * the layout the person sees, not guessed from character counts, so fonts and widths are real.
 */
export function brokenWordsIn(root: Element): string[] {
  const broken: string[] = [];
  for (const block of Array.from(root.querySelectorAll<HTMLElement>('.ac-textBlock, .ac-richTextBlock'))) {
    const walker = document.createTreeWalker(block, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text = node.textContent ?? '';
      for (const match of text.matchAll(/\S+/g)) {
        const range = document.createRange();
        range.setStart(node, match.index);
        range.setEnd(node, match.index + match[0].length);
        const tops = new Set(
          Array.from(range.getClientRects())
            .filter((r) => r.width > 0)
            .map((r) => Math.round(r.top)),
        );
        if (tops.size > 1) broken.push(`${match[0]} (in: ${block.innerText.trim()})`);
      }
    }
    if (block.scrollWidth > block.clientWidth + 1) broken.push(`overflows its column (in: ${block.innerText.trim()})`);
  }
  return broken;
}
