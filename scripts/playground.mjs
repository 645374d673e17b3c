#!/usr/bin/env node
// `npm run playground`: the Microsoft 365 Agents Playground (a local Teams-like chat client) in
// front of the bot. Run `npm start` in one terminal and this in another, then open the address
// it prints. Uses the locally installed @microsoft/m365agentsplayground; nothing is downloaded.
//
// Environment:
//   BOT_ENDPOINT            the bot's messaging endpoint (default http://127.0.0.1:3978/api/messages)
//   PLAYGROUND_PORT         the Playground's port (default 56150; it picks another if that is taken)
//   TEAMSAPPTESTER_BROWSER  "none" (default here) stops it opening a browser itself
// Extra arguments are passed on: `npm run playground -- --help`.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const DEFAULT_ENDPOINT = 'http://127.0.0.1:3978/api/messages';

/** The Playground's CLI, from its package.json "bin" in node_modules. */
function playgroundBin() {
  let packageJsonPath;
  try {
    packageJsonPath = require.resolve('@microsoft/m365agentsplayground/package.json');
  } catch {
    console.error('The Agents Playground is not installed: run `npm install` (it is a devDependency, @microsoft/m365agentsplayground).');
    process.exit(1);
  }
  const { bin } = JSON.parse(readFileSync(packageJsonPath, 'utf8'));
  const relative = typeof bin === 'string' ? bin : (bin.agentsplayground ?? Object.values(bin)[0]);
  return path.join(path.dirname(packageJsonPath), relative);
}

/** Says early, and without stopping, if nothing answers at the bot's address. */
async function checkBot(endpoint) {
  try {
    // The bot only takes POSTs; any HTTP answer (405 included) means it is listening.
    await fetch(endpoint, { method: 'GET', signal: AbortSignal.timeout(2000) });
  } catch {
    console.warn(`\nNothing answers at ${endpoint} yet. Start the bot with \`npm start\` in another terminal.\n`);
  }
}

const botEndpoint = process.env.BOT_ENDPOINT || DEFAULT_ENDPOINT;
const port = process.env.PLAYGROUND_PORT || '56150';
const args = [playgroundBin(), '-p', port, '-c', 'msteams', '--disable-telemetry', ...process.argv.slice(2)];

const child = spawn(process.execPath, args, {
  stdio: ['inherit', 'pipe', 'inherit'],
  env: { ...process.env, BOT_ENDPOINT: botEndpoint, TEAMSAPPTESTER_BROWSER: process.env.TEAMSAPPTESTER_BROWSER || 'none' },
});

let announced = false;
child.stdout.on('data', (chunk) => {
  process.stdout.write(chunk);
  const listening = !announced && /Listening on (\d+)/.exec(chunk.toString());
  if (listening) {
    announced = true;
    console.log(
      `\nAgents Playground for the bot at ${botEndpoint}\n` +
        `Open http://localhost:${listening[1]} in your browser (you are Alex Wilber, the demo Modern Slavery Lead).\n` +
        'Type "raise concern" to start. Its log is in ./devTools/. Press Ctrl+C to stop.\n',
    );
    void checkBot(botEndpoint);
  }
});

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  });
}

child.on('error', (error) => {
  console.error(`Could not start the Agents Playground: ${error.message}`);
  process.exit(1);
});
child.on('exit', (code, signal) => {
  process.exit(code ?? (signal ? 0 : 1));
});
