// Launch benchmark, run by `make bench` inside tests/e2e/run.sh's private
// display and session bus: from asking for a window to the Overview showing
// this computer's figures, then memory (PSS) summed over the app and its
// WebKit processes. Prints a Markdown table for the README.
import { readFile, readdir } from 'node:fs/promises';
import { testIds } from '../../ui/src/lib/testIds.js';
import { Session } from '../e2e/webdriver.mjs';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const app = process.env.SHIPSHAPE_APP;

async function children(pid) {
  const all = [];
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const stat = await readFile(`/proc/${name}/stat`, 'utf8').catch(() => '');
    // Field 4 (after the command in parentheses) is the parent pid.
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (ppid === pid) all.push(Number(name));
  }
  return all;
}

async function tree(pid) {
  const found = [pid];
  for (const child of await children(pid)) found.push(...(await tree(child)));
  return found;
}

async function pssKiB(pid) {
  const rollup = await readFile(`/proc/${pid}/smaps_rollup`, 'utf8').catch(() => '');
  const m = rollup.match(/^Pss:\s+(\d+) kB/m);
  return m ? Number(m[1]) : 0;
}

async function appPid() {
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const cmd = await readFile(`/proc/${name}/cmdline`, 'utf8').catch(() => '');
    if (cmd.split('\0')[0] === app) return Number(name);
  }
  throw new Error('the app process was not found');
}

const median = (xs) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];

// A stored reading, as the app leaves one behind: the Overview paints from it.
{
  const { spawn } = await import('node:child_process');
  const monitor = spawn(process.env.SHIPSHAPE_CLI, ['--data-dir', process.env.SHIPSHAPE_DATA_DIR, 'monitor', '--interval', '1']);
  await new Promise((r) => setTimeout(r, 2500));
  monitor.kill('SIGTERM');
  await new Promise((r) => monitor.on('exit', r));
}

const launch = [];
const memory = [];
const painted = [];
// The first round trip for the latest reading, which follows the paint
// from the reading the app hands the window.
const asked = [];
const answered = [];
for (let i = 0; i < RUNS; i++) {
  const t0 = performance.now();
  const s = await Session.start(process.env.WEBDRIVER_URL, app);
  await s.waitFor(
    'the Overview figures',
    async () => (await (await s.byTestId(testIds.factHostname)).text()) !== '',
    30000,
  );
  launch.push(performance.now() - t0);
  // From the page's start (the window showing) to the stored reading on screen.
  painted.push(
    await s.waitFor('the painted mark', () =>
      s.execute("return performance.getEntriesByName('shipshape:overview-painted')[0]?.startTime ?? 0;"),
    ),
  );
  const marks = await s.execute(
    "return ['shipshape:overview-asked', 'shipshape:overview-answered'].map((n) => performance.getEntriesByName(n)[0]?.startTime ?? 0);",
  );
  asked.push(marks[0]);
  answered.push(marks[1]);
  // Let the page settle before reading memory, as a user would look at it.
  await new Promise((r) => setTimeout(r, 2000));
  const pids = await tree(await appPid());
  let kib = 0;
  for (const pid of pids) kib += await pssKiB(pid);
  memory.push(kib / 1024);
  await s.end();
  await new Promise((r) => setTimeout(r, 500));
}

const fmt = (xs, unit, digits) =>
  `${median(xs).toFixed(digits)} ${unit} (min ${Math.min(...xs).toFixed(digits)}, max ${Math.max(...xs).toFixed(digits)})`;
console.log(`\n| measure (release build, ${RUNS} runs, median) | Shipshape | target |`);
console.log('| --- | --- | --- |');
console.log(`| launch to Overview showing data | ${fmt(launch.map((x) => x / 1000), 's', 2)} | ≤ 1.0 s |`);
console.log(`| window showing to the Overview painted from the stored reading | ${fmt(painted, 'ms', 0)} | ≤ 300 ms |`);
console.log(`| then: the latest reading asked for | ${fmt(asked, 'ms', 0)} | |`);
console.log(`| then: the latest reading answered | ${fmt(answered, 'ms', 0)} | |`);
console.log(`| memory after launch, PSS over app + WebKit processes | ${fmt(memory, 'MiB', 0)} | ≤ 300 MiB |`);
