#!/usr/bin/env node
// Makes sure a Chromium binary exists for the Playwright e2e tests (see playwright.config.ts).
// We use Debian's Chromium, not a Playwright-downloaded browser.
//   - CHROMIUM_PATH (if set) or /usr/bin/chromium exists -> exit 0
//   - otherwise, as root -> apt-get update && apt-get install -y chromium
//   - otherwise -> print the command to run and exit 1 (never skip silently)
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import process from 'node:process';

const DEFAULT_PATH = '/usr/bin/chromium';
const envPath = process.env.CHROMIUM_PATH;

if (envPath) {
  if (existsSync(envPath)) process.exit(0);
  console.error(`ensure-chromium: CHROMIUM_PATH=${envPath} does not exist.`);
  console.error(
    'Unset CHROMIUM_PATH to use Debian Chromium at /usr/bin/chromium, or fix the path.',
  );
  process.exit(1);
}
if (existsSync(DEFAULT_PATH)) process.exit(0);

console.error(`ensure-chromium: no Chromium at ${DEFAULT_PATH} (and CHROMIUM_PATH is not set).`);

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
if (!isRoot) {
  console.error('Install it with:');
  console.error('  sudo apt-get update && sudo apt-get install -y chromium');
  console.error('or point CHROMIUM_PATH at an existing Chromium/Chrome binary.');
  process.exit(1);
}

/** @param {string[]} args */
function aptGet(args) {
  console.error(`ensure-chromium: running: apt-get ${args.join(' ')}`);
  const result = spawnSync('apt-get', args, {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  if (result.error) {
    console.error(`ensure-chromium: could not run apt-get: ${result.error.message}`);
    process.exit(1);
  }
  if (result.status !== 0) {
    console.error(`ensure-chromium: apt-get ${args[0]} failed with exit code ${result.status}`);
    process.exit(result.status ?? 1);
  }
}

aptGet(['update']);
aptGet(['install', '-y', 'chromium']);

if (!existsSync(DEFAULT_PATH)) {
  console.error(`ensure-chromium: apt-get finished but ${DEFAULT_PATH} still does not exist.`);
  process.exit(1);
}
console.error(`ensure-chromium: installed ${DEFAULT_PATH}`);
