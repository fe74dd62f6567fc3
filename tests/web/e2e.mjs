// End-to-end test of the browser page: playwright-core drives the system's
// Chromium against web/dist served on 127.0.0.1, and every figure the page
// shows is compared with what the `tco` binary prints for the same scenario.
//
//   bash web/build.sh && cargo build -p tco-cli
//   (cd tests/web && npm ci) && node tests/web/e2e.mjs
//
// Environment: TCO_BIN (default $CARGO_TARGET_DIR/debug/tco or target/debug/tco),
// CHROMIUM (default /usr/bin/chromium). Screenshots go to tests/web/screenshots/.
// Timings (recompute after an input change, median of 25) are printed, not asserted.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '../..');
const dist = path.join(repo, 'web/dist');
const shots = path.join(here, 'screenshots');
const tcoBin = process.env.TCO_BIN
  ?? path.join(process.env.CARGO_TARGET_DIR ?? path.join(repo, 'target'), 'debug/tco');
const chromiumPath = process.env.CHROMIUM ?? '/usr/bin/chromium';

let passed = 0;
async function check(name, fn) {
  process.stdout.write(`e2e: ${name} ... `);
  await fn();
  passed += 1;
  console.log('ok');
}

function tco(...args) {
  return execFileSync(tcoBin, args, { encoding: 'utf8', maxBuffer: 64 << 20 });
}

// ------------------------------------------------------------ static server

const types = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.wasm': 'application/wasm' };
function serve(root) {
  const server = http.createServer((req, res) => {
    let p = decodeURIComponent(new URL(req.url, 'http://127.0.0.1').pathname);
    if (p.endsWith('/')) p += 'index.html';
    const file = path.join(root, path.normalize(p));
    if (!file.startsWith(root)) {
      res.writeHead(403).end();
      return;
    }
    fs.readFile(file, (err, data) => {
      if (err) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'content-type': types[path.extname(file)] ?? 'application/octet-stream' });
      res.end(data);
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

// ------------------------------------------------------------ helpers

// The value at a data-k path (`local.0.breakdown.power`) of a report object.
function at(obj, key) {
  return key.split('.').reduce((o, k) => (o == null ? undefined : o[/^\d+$/.test(k) ? Number(k) : k]), obj);
}

const exactText = (v) => (v == null ? '' : String(v));

async function figures(page) {
  return page.$$eval('#output [data-k]', (els) => els.map((e) => ({
    key: e.dataset.k,
    exact: e.dataset.exact ?? null,
    text: e.textContent,
  })));
}

async function ready(page) {
  await page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
}

async function downloadText(page, button) {
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click(button)]);
  return { name: dl.suggestedFilename(), text: fs.readFileSync(await dl.path(), 'utf8') };
}

// Waits until the page has written the current state into the URL.
async function settledUrl(page) {
  await page.waitForFunction(() => {
    const seq = document.body.dataset.urlSeq;
    return seq && location.hash.includes('s=');
  });
  await page.waitForTimeout(50);
  return page.url();
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

// ------------------------------------------------------------ the test

assert.ok(fs.existsSync(path.join(dist, 'index.html')), 'web/dist is missing: run bash web/build.sh');
assert.ok(fs.existsSync(tcoBin), `${tcoBin} is missing: cargo build -p tco-cli (or set TCO_BIN)`);
fs.mkdirSync(shots, { recursive: true });

const server = await serve(dist);
const url = `http://127.0.0.1:${server.address().port}/`;
const browser = await chromium.launch({ executablePath: chromiumPath, args: ['--no-sandbox'] });
const context = await browser.newContext({ viewport: { width: 1366, height: 900 }, acceptDownloads: true });
const page = await context.newPage();
const problems = [];
page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
page.on('console', (m) => { if (m.type() === 'error') problems.push(`console error: ${m.text()}`); });

try {
  await check('the page loads with the flagship scenario', async () => {
    await page.goto(url);
    await ready(page);
    const cli = JSON.parse(tco('report', 'flagship', '--format', 'json'));
    assert.equal(await page.textContent('#scenario-name'), cli.scenario);
    assert.equal(await page.textContent('#verdict'), cli.verdict.summary);
    assert.equal(await page.$eval('#bundled', (s) => s.value), 'flagship');
    assert.ok(await page.$('#cost-chart svg'), 'the cost chart is drawn');
    // Every pair's first break-even is marked on the chart, at the CLI's volume.
    const marked = await page.$$eval('#cost-chart g.marker.break-even', (gs) => gs.map((g) => g.dataset.x));
    const firsts = cli.break_even.filter((b) => b.tokens_per_month != null).map((b) => String(b.tokens_per_month));
    assert.ok(firsts.length >= 2);
    for (const x of firsts) assert.ok(marked.includes(x), `break-even ${x} is marked (${marked})`);
    const series = await page.$$eval('#cost-chart g.series', (gs) => gs.map((g) => g.dataset.name));
    assert.deepEqual(series, [...cli.api.map((a) => a.name), ...cli.local.map((l) => l.name)]);
    // An input written as a distribution says so and shows the point value the report uses.
    assert.match(await page.textContent('label[for="f-l1-gpuh"]'), /uncertain/);
    assert.match(await page.textContent('#f-l1-gpuh-hint'), /Uncertain: triangular \(min 2\.00, mode 2\.99, max 3\.50\); the report uses 2\.99/);
    assert.equal(await page.$eval('#f-l1-gpuh', (i) => i.value), '2.99');
  });

  await check('every input has a label', async () => {
    const unlabelled = await page.$$eval('input, select, textarea', (els) => els
      .filter((e) => e.type !== 'hidden' && (!e.labels || e.labels.length === 0))
      .map((e) => e.id || e.outerHTML));
    assert.deepEqual(unlabelled, []);
  });

  const bundled = await page.$$eval('#bundled option', (os) => os.map((o) => o.value).filter(Boolean));
  assert.ok(bundled.length >= 10, `bundled scenarios: ${bundled.join(', ')}`);
  let compared = 0;
  for (const id of bundled) {
    await check(`bundled scenario ${id}: every figure equals tco report's`, async () => {
      await page.selectOption('#bundled', id);
      await page.waitForFunction((want) => window.tcoPage.state.origin === `scenarios/${want}.yaml`, id);
      const json = tco('report', id, '--format', 'json');
      const cli = JSON.parse(json);
      const table = tco('report', id, '--format', 'table');
      assert.equal(await page.evaluate(() => window.tcoPage.state.reportJson), json, 'the report JSON is the CLI JSON, byte for byte');
      const figs = await figures(page);
      assert.ok(figs.length >= cli.api.length * 2 + cli.local.length * 5, `${figs.length} figures`);
      for (const f of figs) {
        const want = at(cli, f.key);
        assert.notEqual(want, undefined, `${f.key} is in the CLI's JSON`);
        if (f.exact !== null) assert.equal(f.exact, exactText(want), `${id}: ${f.key} exact value`);
        // The rounded text is the CLI table's text for the same figure.
        if (f.key !== 'verdict.summary' && !f.key.endsWith('.status')) {
          assert.ok(table.includes(f.text), `${id}: ${f.key} shows "${f.text}", which tco report's table does not print`);
        }
        compared += 1;
      }
      assert.equal(await page.textContent('#verdict'), cli.verdict.summary);
      // Names of every option are on the page too.
      const names = await page.$$eval('#output tbody th, #output tbody td', (c) => c.map((x) => x.textContent));
      for (const a of cli.api) assert.ok(names.includes(a.name), a.name);
      for (const l of cli.local) assert.ok(names.includes(l.name), l.name);
    });
  }
  console.log(`e2e: ${compared} figures compared with the CLI over ${bundled.length} scenarios`);

  await check('downloads: results CSV, break-even CSV, report JSON and YAML equal the CLI output', async () => {
    await page.selectOption('#bundled', 'lit-document-pipeline');
    await page.waitForFunction(() => window.tcoPage.state.origin === 'scenarios/lit-document-pipeline.yaml');
    const csv = await downloadText(page, '#dl-csv');
    assert.equal(csv.name, 'lit-document-pipeline-report.csv');
    assert.equal(csv.text, tco('report', 'lit-document-pipeline', '--format', 'csv'));
    const be = await downloadText(page, '#dl-breakeven');
    assert.equal(be.text, tco('breakeven', 'lit-document-pipeline', '--format', 'csv'));
    const json = await downloadText(page, '#dl-json');
    assert.equal(json.text, tco('report', 'lit-document-pipeline', '--format', 'json'));
    const yaml = await downloadText(page, '#dl-yaml');
    assert.equal(yaml.name, 'lit-document-pipeline.yaml');
    const original = fs.readFileSync(path.join(repo, 'scenarios/lit-document-pipeline.yaml'), 'utf8');
    assert.equal(yaml.text, original);
    // An edit is written into the text: the user's comments and layout stay.
    await page.fill('#f-volume', '2B');
    await page.waitForFunction(() => window.tcoPage.state.scenario.workload.tokens_per_month === 2000000000);
    const edited = await downloadText(page, '#dl-yaml');
    const want = original.replace('  tokens_per_month: 600M        #', '  tokens_per_month: 2B        #');
    assert.notEqual(want, original);
    assert.equal(edited.text, want);
  });

  await check('the one-page report: the download equals tco report --format html, needs no network and prints on at most two A4 pages', async () => {
    await page.selectOption('#bundled', 'flagship');
    await page.waitForFunction(() => window.tcoPage.state.origin === 'scenarios/flagship.yaml');
    const html = await downloadText(page, '#dl-html');
    assert.equal(html.name, 'flagship-report.html');
    assert.equal(html.text, tco('report', 'flagship', '--format', 'html'));
    // Printed by headless Chromium from the file, with the network refused.
    const ctx = await browser.newContext({ offline: true });
    const p = await ctx.newPage();
    let requests = 0;
    p.on('request', (r) => { if (!r.url().startsWith('data:') && !r.url().startsWith('about:')) requests += 1; });
    await p.setContent(html.text, { waitUntil: 'load' });
    const pdf = await p.pdf({ format: 'A4' });
    const pages = (pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) ?? []).length;
    fs.writeFileSync(path.join(shots, 'flagship-report.pdf'), pdf);
    assert.ok(pages >= 1 && pages <= 2, `the report printed on ${pages} pages`);
    assert.equal(requests, 0, 'the report loads nothing');
    await ctx.close();
    // The page's own print layout: results only.
    await page.emulateMedia({ media: 'print' });
    assert.ok(await page.isHidden('#inputs'));
    assert.ok(await page.isVisible('#output'));
    await page.emulateMedia({ media: 'screen' });
    assert.ok(await page.isVisible('#inputs'));
  });

  await check('the vendor price inputs (cache writes, off-peak, prompt length, uplift) edit as tco report --set does', async () => {
    await page.selectOption('#bundled', 'lit-4xa100-vs-sonnet');
    await page.waitForFunction(() => window.tcoPage.state.origin === 'scenarios/lit-4xa100-vs-sonnet.yaml');
    await page.fill('#f-cache-write-share', '0.05');
    await page.fill('#f-off-peak-share', '0.3');
    await page.fill('#f-prompt-tokens', '3000');
    await page.fill('#f-api0-uplift', '1.1');
    const cli = JSON.parse(tco('report', 'lit-4xa100-vs-sonnet', '--format', 'json',
      '--set', 'workload.cache_write_share=0.05',
      '--set', 'workload.off_peak_share=0.3',
      '--set', 'workload.prompt_tokens_per_request=3000',
      '--set', 'api[0].uplift=1.1'));
    // 0.8·(0.95·3 + 0.05·3.75) + 0.2·15 = 5.43; × 1.1 = 5.973 (Sonnet 4.6 has no off-peak prices or tiers).
    assert.equal(cli.api[0].blended_per_mtok, '5.973');
    assert.equal(await page.textContent('#verdict'), cli.verdict.summary);
    for (const f of await figures(page)) {
      if (f.exact !== null) assert.equal(f.exact, exactText(at(cli, f.key)), f.key);
    }
    // Emptying the prompt length removes it from the scenario.
    await page.fill('#f-prompt-tokens', '');
    const w = await page.evaluate(() => window.tcoPage.state.scenario.workload);
    assert.equal(w.prompt_tokens_per_request, null);
    // A cached share plus cache-write share above 1 is refused beside the input.
    await page.fill('#f-cache-write-share', '1.5');
    assert.equal(await page.isVisible('#f-cache-write-share-error'), true);
  });

  // The page's report after its edits is `tco report --set …` for the same edits, byte for byte.
  async function sameAsCli(id, sets) {
    const args = ['report', id, '--format', 'json'];
    for (const s of sets) args.push('--set', s);
    const json = tco(...args);
    assert.equal(await page.evaluate(() => window.tcoPage.state.reportJson), json, `tco ${args.join(' ')}`);
    const cli = JSON.parse(json);
    assert.equal(await page.textContent('#verdict'), cli.verdict.summary);
    for (const f of await figures(page)) {
      if (f.exact !== null) assert.equal(f.exact, exactText(at(cli, f.key)), f.key);
    }
    return cli;
  }

  await check('billing: a rented option switched to reserved and to spot, term and discount edited, as tco report --set does', async () => {
    const id = 'h100-rented-llama70b';
    await page.selectOption('#bundled', id);
    await page.waitForFunction((want) => window.tcoPage.state.origin === `scenarios/${want}.yaml`, id);
    const kinds = await page.$$eval('#f-l0-billing option', (os) => os.map((o) => o.value));
    assert.deepEqual(kinds, ['always_on', 'busy_hours', 'reserved', 'spot', 'autoscaled']);
    const base = await sameAsCli(id, []);
    // Reserved: the term appears at 12 months, then is edited with the upfront share.
    await page.selectOption('#f-l0-billing', 'reserved');
    assert.equal(await page.$eval('#f-l0-term-months', (i) => i.value), '12');
    await page.fill('#f-l0-term-months', '24');
    await page.fill('#f-l0-upfront', '0.5');
    const reserved = await sameAsCli(id, ['local[0].rented.billing=reserved', 'local[0].rented.term_months=24', 'local[0].rented.upfront=0.5']);
    assert.match(await page.evaluate(() => window.tcoPage.state.text), /billing: reserved\n\s+term_months: 24\n\s+upfront: 0.5\n/);
    // Spot: the reserved keys go (the core would refuse them), the discount appears at 0.6.
    await page.selectOption('#f-l0-billing', 'spot');
    assert.equal(await page.$('#f-l0-term-months'), null);
    assert.equal(await page.$eval('#f-l0-discount', (i) => i.value), '0.6');
    await page.fill('#f-l0-discount', '0.7');
    await page.fill('#f-l0-interruption-overhead', '0.1');
    const spot = await sameAsCli(id, ['local[0].rented.billing=spot', 'local[0].rented.discount=0.7', 'local[0].rented.interruption_overhead=0.1']);
    const text = await page.evaluate(() => window.tcoPage.state.text);
    assert.doesNotMatch(text, /term_months|upfront/);
    assert.notEqual(spot.local[0].monthly_cost, reserved.local[0].monthly_cost);
    assert.notEqual(spot.local[0].monthly_cost, base.local[0].monthly_cost);
    // A value out of the registry's range is refused beside the input.
    await page.fill('#f-l0-interruption-overhead', '0.95');
    assert.equal(await page.isVisible('#f-l0-interruption-overhead-error'), true);
    // Back to always on: nothing of spot is left.
    await page.selectOption('#f-l0-billing', 'always_on');
    assert.equal(await page.$('#f-l0-discount'), null);
    await sameAsCli(id, []);
  });

  await check('throughput: an option switched to an estimate from specs, its model and efficiencies edited, its curve drawn, as tco report --set does', async () => {
    const id = 'h100-rented-llama70b';
    await page.selectOption('#bundled', id);
    await page.waitForFunction((want) => window.tcoPage.state.origin === `scenarios/${want}.yaml`, id);
    assert.equal(await page.$eval('#f-l0-tput', (s) => s.value), 'typed');
    assert.equal(await page.$('#curve-l0'), null, 'no curve for a typed rate');
    const est = 'local[0].throughput={estimate: roofline}';
    await page.selectOption('#f-l0-tput', 'estimate');
    let cli = await sameAsCli(id, [est]);
    assert.equal(await page.$eval('#f-l0-tput', (s) => s.value), 'estimate');
    // The curve under the option: three lines, the range, and the capacity the report uses marked.
    const curve = async () => page.$eval('#curve-l0', (f) => {
      const g = f.querySelector('svg g.marker.selected');
      return {
        series: [...f.querySelectorAll('svg g.series')].map((s) => s.dataset.kind),
        ranges: f.querySelectorAll('svg g.range').length,
        y: g?.dataset.y ?? null,
        label: g?.dataset.label ?? null,
      };
    });
    let c = await curve();
    assert.deepEqual(c.series, ['per_stream', 'aggregate', 'total']);
    assert.equal(c.ranges, 2);
    assert.equal(c.y, String(cli.local[0].throughput.decode_tokens_per_second));
    assert.match(c.label, /tokens\/s \(batch \d+\)/);
    await page.locator('#curve-l0').screenshot({ path: path.join(shots, 'estimate-curve.png') });
    // Efficiencies and the model, each as --set writes it.
    await page.fill('#f-l0-eta-mem', '0.6');
    cli = await sameAsCli(id, [est, 'local[0].throughput.efficiency.memory=0.6']);
    c = await curve();
    assert.equal(c.y, String(cli.local[0].throughput.decode_tokens_per_second));
    const quants = await page.$$eval('#f-l0-quant option', (os) => os.map((o) => o.value));
    assert.ok(quants.includes('Q4_K_M') && quants.includes('Q8_0') && quants.includes('F16'), String(quants));
    assert.equal(await page.$eval('#f-l0-quant', (s) => s.value), 'Q8_0');
    await page.selectOption('#f-l0-quant', 'Q4_K_M');
    const edits = [est, 'local[0].throughput.efficiency.memory=0.6', 'local[0].model.quant=Q4_K_M'];
    cli = await sameAsCli(id, edits);
    // An efficiency outside (0, 1]: the core's message beside the box, the report as it was.
    await page.fill('#f-l0-eta-cmp', '1.5');
    assert.equal(await page.isVisible('#f-l0-eta-cmp-error'), true);
    assert.match(await page.textContent('#f-l0-eta-cmp-error'), /efficiency/);
    assert.equal(await page.evaluate(() => window.tcoPage.state.reportJson), tco('report', id, '--format', 'json', ...edits.flatMap((s) => ['--set', s])));
    await page.fill('#f-l0-eta-cmp', '0.5');
    edits.push('local[0].throughput.efficiency.compute=0.5');
    await sameAsCli(id, edits);
    // A model the machine cannot hold: infeasible as in the CLI, and the reason under the option.
    await page.fill('#f-l0-params', '700');
    cli = await sameAsCli(id, [...edits, 'local[0].model.params_b=700']);
    assert.ok(cli.local[0].infeasible.length > 0);
    assert.match(await page.textContent('#curve-l0'), /cannot hold the model/);
    assert.match(await page.textContent('#f-l0-tput-hint'), /modelled/);
    await page.fill('#f-l0-params', '70.6');
    cli = await sameAsCli(id, [...edits, 'local[0].model.params_b=70.6']);
    // Back to a typed rate: the rate in use, so the costs stay.
    const rate = cli.local[0].throughput.decode_tokens_per_second;
    await page.selectOption('#f-l0-tput', 'typed');
    const typed = await sameAsCli(id, [...edits, 'local[0].model.params_b=70.6', `local[0].throughput={tokens_per_second: ${rate}}`]);
    assert.equal(typed.local[0].monthly_cost, cli.local[0].monthly_cost);
    assert.equal(await page.$('#curve-l0'), null);
    assert.equal(await page.$('#f-l0-eta-mem'), null);
    // An option with a machine and no model: the estimate writes one for the user to change.
    const calc = 'lit-calculator-5000m';
    await page.selectOption('#bundled', calc);
    await page.waitForFunction((want) => window.tcoPage.state.origin === `scenarios/${want}.yaml`, calc);
    await page.selectOption('#f-l0-tput', 'estimate');
    await sameAsCli(calc, ['local[0].model={params_b: 8, quant: Q4_K_M}', est]);
    assert.equal(await page.$eval('#f-l0-params', (i) => i.value), '8');
    assert.ok(await page.$('#curve-l0 svg g.marker.selected'));
  });

  // estimate-before-you-buy with `efficiency` written on its estimate, pasted
  // into the page's YAML box and kept in a file for the CLI; the file's path.
  async function pasteEstimateWith(efficiency) {
    const file = path.join(repo, 'scenarios/estimate-before-you-buy.yaml');
    const text = fs.readFileSync(file, 'utf8')
      .replace('      estimate: roofline\n', `      estimate: roofline\n      efficiency: ${efficiency}\n`);
    assert.ok(text.includes(efficiency));
    const tmp = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tco-e2e-')), 'estimate.yaml');
    fs.writeFileSync(tmp, text);
    await page.evaluate(() => { document.getElementById('yaml-box').open = true; });
    await page.fill('#yaml', text);
    return tmp;
  }

  await check('an efficiency typed on the page drops the `source` of a fitted pair, as tco report --set does', async () => {
    const fitted = 'source: "fitted to cal.json (tco probe fit, 2026-12-04)"';
    const tmp = await pasteEstimateWith(`{memory: 0.7, compute: 0.4, ${fitted}}`);
    await page.waitForFunction(() => window.tcoPage.state.text.includes('fitted to cal.json'));
    assert.match(await page.textContent('section.notes'), /fitted to cal\.json/);
    await page.fill('#f-l0-eta-mem', '0.6');
    await page.waitForFunction(() => !window.tcoPage.state.text.includes('fitted to'));
    const json = tco('report', tmp, '--format', 'json', '--set', 'local[0].throughput.efficiency.memory=0.6',
      '--set', 'local[0].throughput.efficiency.source=');
    assert.equal(await page.evaluate(() => window.tcoPage.state.reportJson), json);
  });

  await check('a written batched-decode efficiency is shown and edited on the page, as tco report --set does', async () => {
    const tmp = await pasteEstimateWith('{memory: 0.75, compute: 0.5, decode_compute: 0.3}');
    await page.waitForFunction(() => window.tcoPage.state.text.includes('decode_compute: 0.3'));
    assert.equal(await page.$eval('#f-l0-eta-dec', (i) => i.value), '0.3');
    assert.match(await page.textContent('section.notes'), /batched decode 0\.3/);
    assert.equal(await page.evaluate(() => window.tcoPage.state.reportJson), tco('report', tmp, '--format', 'json'));
    await page.fill('#f-l0-eta-dec', '0.35');
    await page.waitForFunction(() => window.tcoPage.state.text.includes('decode_compute: 0.35'));
    const set = ['--set', 'local[0].throughput.efficiency.decode_compute=0.35', '--set', 'local[0].throughput.efficiency.source='];
    assert.equal(await page.evaluate(() => window.tcoPage.state.reportJson), tco('report', tmp, '--format', 'json', ...set));
    // Outside (0, 1]: the core's message beside the box, the report as it was.
    await page.fill('#f-l0-eta-dec', '1.5');
    assert.equal(await page.isVisible('#f-l0-eta-dec-error'), true);
    assert.match(await page.textContent('#f-l0-eta-dec-error'), /efficiency/);
    assert.equal(await page.evaluate(() => window.tcoPage.state.reportJson), tco('report', tmp, '--format', 'json', ...set));
  });

  await check('currency: a scenario switched to EUR, its USD rate and date edited, as tco report --set does', async () => {
    const id = 'lit-4xa100-vs-sonnet';
    await page.selectOption('#bundled', id);
    await page.waitForFunction((want) => window.tcoPage.state.origin === `scenarios/${want}.yaml`, id);
    assert.equal(await page.$('#f-rate-USD'), null, 'a USD scenario has no rates');
    await page.fill('#f-currency', 'EUR');
    assert.equal(await page.$eval('#f-rate-USD', (i) => i.value), '1');
    await page.fill('#f-rate-USD', '0.92');
    await page.fill('#f-rates-as-of', '2026-01-15');
    const cli = await sameAsCli(id, ['currency=EUR', 'exchange_rates={as_of: 2026-01-15, USD: 0.92}']);
    assert.equal(cli.currency, 'EUR');
    assert.match(await page.textContent('label[for="f-rate-USD"]'), /EUR per USD/);
    // A rate of 0 is the core's refusal, beside the input.
    await page.fill('#f-rate-USD', '0');
    assert.equal(await page.isVisible('#f-rate-USD-error'), true);
    await page.fill('#f-rate-USD', '0.9');
    await sameAsCli(id, ['currency=EUR', 'exchange_rates={as_of: 2026-01-15, USD: 0.9}']);
    // Back to USD: the rates go with it.
    await page.fill('#f-currency', 'USD');
    assert.equal(await page.$('#f-rate-USD'), null);
    await sameAsCli(id, []);
  });

  await check('carbon: grid and embodied carbon of an owned and a rented option, as tco report --set does', async () => {
    let id = 'lit-4xa100-vs-sonnet';
    await page.selectOption('#bundled', id);
    await page.waitForFunction((want) => window.tcoPage.state.origin === `scenarios/${want}.yaml`, id);
    await page.fill('#f-l0-grid', '0.35');
    await page.fill('#f-l0-embodied', '1200');
    const cli = await sameAsCli(id, ['local[0].power.grid_kg_co2e_per_kwh=0.35', 'local[0].embodied_kg_co2e=1200']);
    assert.ok(Number(cli.local[0].energy.kg_co2e_per_month) > 0);
    await page.fill('#f-l0-grid', '');
    await sameAsCli(id, ['local[0].embodied_kg_co2e=1200']);
    // A rented option needs the months with its embodied carbon: refused until given.
    id = 'h100-rented-llama70b';
    await page.selectOption('#bundled', id);
    await page.waitForFunction((want) => window.tcoPage.state.origin === `scenarios/${want}.yaml`, id);
    await page.fill('#f-l1-embodied', '900');
    assert.equal(await page.isVisible('#f-l1-embodied-error'), true);
    await page.fill('#f-l1-embodied-months', '36');
    assert.equal(await page.isVisible('#f-l1-embodied-error'), false);
    await sameAsCli(id, ['local[1].embodied_kg_co2e=900', 'local[1].embodied_months=36']);
    await page.fill('#f-l1-embodied', '');
    await sameAsCli(id, []);
  });

  await check('the hourly profile: 24 weights typed, drawn and reset to flat, as tco report --set does; a bad one is refused beside its box', async () => {
    const id = 'flagship';
    await page.selectOption('#bundled', id);
    await page.waitForFunction((want) => window.tcoPage.state.origin === `scenarios/${want}.yaml`, id);
    assert.equal(await page.$eval('#f-profile', (i) => i.value), 'flat');
    assert.match(await page.textContent('label[for="f-profile"]'), /^Hourly profile/);
    const base = await sameAsCli(id, []);
    // Office hours: typed with spaces, read as the list `--set` takes.
    const peaky = '1 1 1 1 1 1 1 1 4 4 8 8 8 8 8 8 4 4 1 1 1 1 1 1';
    await page.fill('#f-profile', peaky);
    const cli = await sameAsCli(id, [`workload.hourly_profile=[${peaky.split(' ').join(', ')}]`]);
    assert.ok(cli.local.some((l, j) => l.nodes > base.local[j].nodes), 'the busiest hour needs more nodes');
    assert.match(await page.evaluate(() => window.tcoPage.state.text), /hourly_profile: \[1, 1, 1, 1, 1, 1, 1, 1, 4, 4, 8,/);
    const bars = await page.$$eval('#f-profile-sketch rect', (rs) => rs.map((r) => [r.dataset.w, Number(r.getAttribute('height'))]));
    assert.equal(bars.length, 24);
    assert.deepEqual([bars[0][0], bars[10][0], bars[16][0]], ['1', '8', '4']);
    assert.ok(bars[10][1] === 2 * bars[16][1] && bars[16][1] === 4 * bars[0][1], JSON.stringify(bars));
    await page.locator('#f-profile').scrollIntoViewIfNeeded();
    await page.locator('#f-profile').locator('xpath=..').screenshot({ path: path.join(shots, 'hourly-profile.png') });
    // Commas too: the same scenario, the same figures.
    await page.fill('#f-profile', peaky.replaceAll(' ', ','));
    await sameAsCli(id, [`workload.hourly_profile=[${peaky.split(' ').join(', ')}]`]);
    // 23 numbers, a negative weight, a word: the core's error under the box; nothing changes.
    const json = await page.evaluate(() => window.tcoPage.state.reportJson);
    for (const [bad, says] of [[peaky.slice(0, -2), /workload\.hourly_profile: 23 weights given, one per hour of the day needs 24\. Allowed: `flat`, or a list of 24/],
      [peaky.replace('4', '-4'), /workload\.hourly_profile\[8\]: .*Allowed: a weight from 0 to 10\^9/],
      ['busy', /workload\.hourly_profile: `busy` is not an hourly profile/]]) {
      await page.fill('#f-profile', bad);
      await page.waitForSelector('#f-profile-error:not([hidden])');
      assert.match(await page.textContent('#f-profile-error'), says);
      assert.equal(await page.evaluate(() => window.tcoPage.state.reportJson), json);
    }
    // One click back to flat.
    await page.click('#f-profile-flat');
    await page.waitForFunction(() => window.tcoPage.state.profile === 'flat');
    assert.equal(await page.isVisible('#f-profile-error'), false);
    assert.equal(await page.$eval('#f-profile', (i) => i.value), 'flat');
    await sameAsCli(id, []);
  });

  await check('latency targets of a load curve: edited, removed and added, the capacity line beside the option, as tco report --set does', async () => {
    const file = path.join(repo, 'tests/data/slo-levels.yaml');
    const text = fs.readFileSync(file, 'utf8');
    await page.evaluate(() => { document.getElementById('yaml-box').open = true; });
    await page.fill('#yaml', text);
    await page.waitForFunction(() => window.tcoPage.state.scenario?.name === 'Capacity under latency targets (worked example)');
    const same = async (sets) => {
      const args = ['report', file, '--format', 'json'];
      for (const s of sets) args.push('--set', s);
      const json = tco(...args);
      assert.equal(await page.evaluate(() => window.tcoPage.state.reportJson), json, `tco ${args.join(' ')}`);
      const cli = JSON.parse(json);
      assert.equal(await page.textContent('#f-l0-capacity'), `Throughput from ${cli.local[0].throughput.source}`);
      return cli;
    };
    const base = await same([]);
    assert.match(base.local[0].throughput.source, /^measured \(levels in the scenario\) between concurrency 8 and 16 .*: 1,500 tokens\/s$/);
    assert.equal(await page.$eval('#f-l0-slo-ttft_p95_ms', (i) => i.value), '2000');
    assert.match(await page.textContent('label[for="f-l0-slo-tpot_p95_ms"]'), /^P95 TPOT target \(ms\)/);
    // A tighter TPOT target: less capacity per node, more nodes.
    await page.fill('#f-l0-slo-tpot_p95_ms', '30');
    const tight = await same(['local[0].throughput.slo.tpot_p95_ms=30']);
    assert.ok(tight.local[0].nodes > base.local[0].nodes);
    // Emptied: the target goes; added back from the key select.
    await page.fill('#f-l0-slo-tpot_p95_ms', '');
    await page.waitForSelector('#f-l0-slo-tpot_p95_ms', { state: 'detached' });
    await same(['local[0].throughput.slo.tpot_p95_ms=']);
    const keys = await page.$$eval('#f-l0-slo-add-key option', (os) => os.map((o) => o.value));
    assert.equal(keys.length, 15);
    assert.ok(keys.includes('tpot_p95_ms') && !keys.includes('ttft_p95_ms'));
    await page.selectOption('#f-l0-slo-add-key', 'tpot_p95_ms');
    await page.fill('#f-l0-slo-add-ms', '40');
    await page.click('#f-l0-slo-add');
    await page.waitForSelector('#f-l0-slo-tpot_p95_ms');
    await same(['local[0].throughput.slo.tpot_p95_ms=40']);
    await page.locator('#f-l0-slo-add').scrollIntoViewIfNeeded();
    await page.locator('#f-l0-slo-add').locator('xpath=ancestor::fieldset').screenshot({ path: path.join(shots, 'latency-targets.png') });
    // A target of 0 and a target the curve does not measure: the core's error, nothing changes.
    const json = await page.evaluate(() => window.tcoPage.state.reportJson);
    await page.fill('#f-l0-slo-ttft_p95_ms', '0');
    await page.waitForSelector('#f-l0-slo-ttft_p95_ms-error:not([hidden])');
    assert.match(await page.textContent('#f-l0-slo-ttft_p95_ms-error'), /local\[0\]\.throughput\.slo\.ttft_p95_ms: .*Allowed: a latency target in milliseconds from 0\.001 to 86,400,000/);
    await page.fill('#f-l0-slo-ttft_p95_ms', '2000');
    await page.selectOption('#f-l0-slo-add-key', 'e2e_p99_ms');
    await page.fill('#f-l0-slo-add-ms', '9000');
    await page.press('#f-l0-slo-add-ms', 'Enter');
    await page.waitForSelector('#f-l0-slo-add-error:not([hidden])');
    assert.match(await page.textContent('#f-l0-slo-add-error'), /e2e/i);
    assert.equal(await page.evaluate(() => window.tcoPage.state.reportJson), json);
    // The text box closed again, as the checks after this one expect it.
    await page.evaluate(() => { document.getElementById('yaml-box').open = false; });
  });

  let editedYaml;
  await check('changing inputs changes the figures, as tco report --set does', async () => {
    await page.selectOption('#bundled', 'flagship');
    await page.waitForFunction(() => window.tcoPage.state.origin === 'scenarios/flagship.yaml');
    const before = await page.textContent('#verdict');
    // Keyboard only: focus the volume, replace it, move on.
    await page.focus('#f-volume');
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.type('500M');
    await page.keyboard.press('Tab');
    await page.fill('#f-l0-kwh', '0.2');
    await page.selectOption('#f-api0-model', 'openai/gpt-4o');
    const after = await page.textContent('#verdict');
    assert.notEqual(after, before);
    const cli = JSON.parse(tco('report', 'flagship', '--format', 'json',
      '--set', 'workload.tokens_per_month=500M',
      '--set', 'local[0].power.price_per_kwh=0.2',
      '--set', 'api[0]={model: openai/gpt-4o}'));
    assert.equal(after, cli.verdict.summary);
    assert.equal(cli.tokens_per_month, 500_000_000);
    for (const f of await figures(page)) {
      if (f.exact !== null) assert.equal(f.exact, exactText(at(cli, f.key)), f.key);
    }
    assert.equal(await page.$eval('#bundled', (s) => s.value), '', 'an edited scenario is no longer the bundled one');
    editedYaml = await page.evaluate(() => window.tcoPage.state.text);
    assert.match(editedYaml, /tokens_per_month: 500M\n/);
    assert.match(editedYaml, /price_per_kwh: 0.2\n/);
    assert.match(editedYaml, /- model: openai\/gpt-4o\n/);
    // The text box follows the form.
    assert.equal(await page.$eval('#yaml', (t) => t.value), editedYaml);
    // No machine: the figures in use are written into the scenario, nothing else changes.
    await page.selectOption('#f-l0-machine', '');
    let l0 = await page.evaluate(() => window.tcoPage.state.scenario.local[0]);
    assert.equal(l0.machine, null);
    assert.equal(l0.hardware.owned.price, '80000');
    assert.equal(await page.textContent('#verdict'), after);
    // Choosing a machine takes its price and power draw from the hardware table.
    await page.selectOption('#f-l0-machine', 'nvidia/a100-80gb-x8');
    l0 = await page.evaluate(() => window.tcoPage.state.scenario.local[0]);
    assert.equal(l0.machine.id, 'nvidia/a100-80gb-x8');
    assert.equal(l0.hardware.owned.price, l0.machine.price);
    assert.equal(l0.power.load_watts, l0.machine.load_watts);
    assert.equal(await page.$eval('#f-l0-price', (i) => i.value), l0.machine.price);
    const cli8 = JSON.parse(tco('report', 'flagship', '--format', 'json',
      '--set', 'workload.tokens_per_month=500M',
      '--set', 'local[0].power.price_per_kwh=0.2',
      '--set', 'api[0]={model: openai/gpt-4o}',
      '--set', 'local[0].machine=nvidia/a100-80gb-x8',
      '--set', 'local[0].owned.price=',
      '--set', 'local[0].power.load_watts=',
      '--set', 'local[0].power.idle_watts='));
    assert.notEqual(cli8.local[0].monthly_cost, cli.local[0].monthly_cost);
    assert.equal(await page.textContent('#verdict'), cli8.verdict.summary);
    for (const f of await figures(page)) {
      if (f.exact !== null) assert.equal(f.exact, exactText(at(cli8, f.key)), f.key);
    }
    editedYaml = await page.evaluate(() => window.tcoPage.state.text);
  });

  await check('timing: recompute after an input change (median of 25, headless Chromium)', async () => {
    const t = await page.evaluate(() => {
      const input = document.getElementById('f-volume');
      const times = [];
      const volumes = ['100M', '200M', '400M', '800M', '1600M'];
      for (let i = 0; i < 25; i += 1) {
        input.value = volumes[i % volumes.length];
        const t0 = performance.now();
        input.dispatchEvent(new Event('input', { bubbles: true }));
        times.push(performance.now() - t0);
      }
      return times;
    });
    const core = await page.evaluate(async () => {
      const m = await import('./pkg/tco_wasm.js');
      const calc = new m.Tco();
      const { text, origin } = window.tcoPage.state;
      const run = (f) => {
        const times = [];
        for (let i = 0; i < 25; i += 1) {
          const t0 = performance.now();
          f();
          times.push(performance.now() - t0);
        }
        return times;
      };
      return {
        report: run(() => calc.report(text, origin)),
        edit: run(() => calc.edit(text, origin, ['workload.tokens_per_month=300M'])),
        chart: run(() => calc.costChart(text, origin)),
        update: run(() => calc.update(text, origin, ['workload.tokens_per_month=300M'])),
      };
    });
    const ms = (x) => `${x.toFixed(2)} ms`;
    console.log(`\ne2e: timing (flagship, 5 options): input change → results drawn: median ${ms(median(t))}, max ${ms(Math.max(...t))}`);
    console.log(`e2e: timing parts (median): report ${ms(median(core.report))}, edit ${ms(median(core.edit))}, cost chart ${ms(median(core.chart))}; one update call (what an edit runs: one parse, report, chart) ${ms(median(core.update))}`);
    const wasm = fs.readFileSync(path.join(dist, 'pkg/tco_wasm_bg.wasm'));
    console.log(`e2e: size: tco_wasm_bg.wasm ${wasm.length} bytes, ${zlib.gzipSync(wasm, { level: 9 }).length} gzipped`);
    await page.fill('#f-volume', '500M');
  });

  await check('a shared link reproduces the state exactly', async () => {
    const shared = await settledUrl(page);
    assert.ok(shared.includes('#o=') && shared.includes('&s='), shared);
    const want = await page.evaluate(() => ({
      text: window.tcoPage.state.text,
      report: window.tcoPage.state.reportJson,
      form: [...document.querySelectorAll('#fields input, #fields select')].map((e) => [e.id, e.value]),
    }));
    assert.equal(want.text, editedYaml);
    const other = await context.newPage();
    other.on('pageerror', (e) => problems.push(`page error (shared link): ${e.message}`));
    await other.goto(shared);
    await ready(other);
    const got = await other.evaluate(() => ({
      text: window.tcoPage.state.text,
      report: window.tcoPage.state.reportJson,
      form: [...document.querySelectorAll('#fields input, #fields select')].map((e) => [e.id, e.value]),
    }));
    assert.deepEqual(got, want);
    assert.equal(await other.textContent('#verdict'), await page.textContent('#verdict'));
    // A bundled scenario by name, and a link that cannot be read.
    await other.goto(`${url}#b=lit-apple-64gb`);
    await other.reload();
    await ready(other);
    assert.equal(await other.evaluate(() => window.tcoPage.state.origin), 'scenarios/lit-apple-64gb.yaml');
    await other.goto(`${url}#o=x.yaml&s=not-deflate`);
    await other.reload();
    await ready(other);
    assert.match(await other.textContent('#action-status'), /cannot be read/);
    assert.equal(await other.evaluate(() => window.tcoPage.state.origin), 'scenarios/flagship.yaml');
    await other.close();
  });

  await check('a bad form value is an inline error beside its input; the page keeps working', async () => {
    await page.fill('#f-input-share', '1.5');
    await page.waitForSelector('#f-input-share-error:not([hidden])');
    const msg = await page.textContent('#f-input-share-error');
    assert.match(msg, /workload\.input_share/);
    assert.match(msg, /Allowed: /);
    assert.equal(await page.$eval('#f-input-share', (e) => e.getAttribute('aria-invalid')), 'true');
    assert.ok(await page.isVisible('#stale'));
    await page.fill('#f-volume', '12 apples');
    await page.waitForSelector('#f-volume-error:not([hidden])');
    await page.screenshot({ path: path.join(shots, 'form-error.png'), fullPage: false });
    await page.fill('#f-input-share', '0.7');
    await page.fill('#f-volume', '2B');
    assert.ok(await page.isHidden('#f-input-share-error'));
    assert.ok(await page.isHidden('#stale'));
    assert.equal(await page.evaluate(() => window.tcoPage.state.scenario.workload.input_share), '0.7');
  });

  await check('numbers written as people write them get the field\'s error and a "did you mean"; nothing is reinterpreted', async () => {
    for (const [id, path, typed, meant] of [
      ['f-l0-coc', /local\[0\]\.owned\.cost_of_capital/, '0,08', '0.08'],
      ['f-l0-price', /local\[0\]\.owned\.price/, '$80000', '80000'],
      ['f-l0-price', /local\[0\]\.owned\.price/, '80000 EUR', '80000'],
      ['f-input-share', /workload\.input_share/, '75%', '0.75'],
    ]) {
      const was = await page.inputValue(`#${id}`);
      const scenario = await page.evaluate(() => JSON.stringify(window.tcoPage.state.scenario));
      await page.fill(`#${id}`, typed);
      await page.waitForSelector(`#${id}-error:not([hidden])`);
      const msg = await page.textContent(`#${id}-error`);
      assert.match(msg, path, msg);
      assert.ok(msg.includes(`did you mean \`${meant}\``), `${typed}: ${msg}`);
      // What was typed stays in the box as typed (a number input made 0,30
      // into 030), and the scenario is unchanged.
      assert.equal(await page.inputValue(`#${id}`), typed);
      assert.equal(await page.evaluate(() => JSON.stringify(window.tcoPage.state.scenario)), scenario);
      await page.fill(`#${id}`, was);
      await page.waitForSelector(`#${id}-error`, { state: 'hidden' });
    }
  });

  await check('pasted YAML with a mistake shows the located error; the results stay', async () => {
    const verdict = await page.textContent('#verdict');
    await page.click('#yaml-box summary');
    const bad = 'name: pasted\nworkload:\n  tokens_per_month: 100m\napi:\n  - model: anthropic/claude-sonnet-4.6\nlocal:\n  - name: box\n    owned: {price: 80000, amortization_months: 36}\n    throughput: {tokens_per_second: 1200}\n';
    await page.fill('#yaml', bad);
    await page.waitForSelector('#yaml-error:not([hidden])');
    const err = await page.textContent('#yaml-error');
    assert.match(err, /^Line 3, column 21: workload\.tokens_per_month: .*lower-case m/);
    assert.equal(await page.$eval('#yaml', (e) => e.getAttribute('aria-invalid')), 'true');
    assert.equal(await page.textContent('#verdict'), verdict);
    assert.ok(await page.isVisible('#stale'));
    // "Show in text" selects the line.
    await page.click('#yaml-error button');
    const sel = await page.$eval('#yaml', (t) => t.value.slice(t.selectionStart, t.selectionEnd));
    assert.equal(sel, '  tokens_per_month: 100m');
    await page.locator('#yaml-box').scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(shots, 'yaml-error.png'), fullPage: false });
    // Fixing it applies the pasted scenario.
    await page.fill('#yaml', bad.replace('100m', '100M'));
    await page.waitForSelector('#yaml-error', { state: 'hidden' });
    assert.equal(await page.textContent('#scenario-name'), 'pasted');
    const file = path.join(shots, 'pasted.yaml');
    fs.writeFileSync(file, bad.replace('100m', '100M'));
    const cli = JSON.parse(tco('report', file, '--format', 'json'));
    assert.equal(await page.textContent('#verdict'), cli.verdict.summary);
  });

  await check('opening a YAML file loads it under its own name', async () => {
    await page.setInputFiles('#upload', path.join(repo, 'scenarios/rtx4090-box.yaml'));
    await page.waitForFunction(() => window.tcoPage.state.origin === 'rtx4090-box.yaml');
    const cli = JSON.parse(tco('report', 'rtx4090-box', '--format', 'json'));
    assert.equal(await page.textContent('#verdict'), cli.verdict.summary);
    assert.equal(await page.$eval('#bundled', (s) => s.value), 'rtx4090-box');
  });

  for (const id of ['flagship', 'apple-64gb-workstation', 'rtx4090-box']) {
    await check(`uncertainty panel of ${id} equals tco simulate --samples 10000 --seed 42`, async () => {
      await page.selectOption('#bundled', id);
      await page.waitForFunction((want) => window.tcoPage.state.origin === `scenarios/${want}.yaml`, id);
      await page.waitForSelector('#sim-panel[data-state="done"]:not([hidden])');
      const json = tco('simulate', id, '--samples', '10000', '--seed', '42', '--format', 'json');
      const cli = JSON.parse(json);
      assert.ok(cli.inputs.length > 0);
      assert.equal(await page.evaluate(() => window.tcoPage.sim.text), json, 'the page simulates what the CLI does, byte for byte');
      const figs = await page.$$eval('#sim-panel [data-sim]', (els) => els.map((e) => ({ key: e.dataset.sim, exact: e.dataset.exact })));
      assert.equal(figs.length, cli.break_even.length * 7);
      for (const f of figs) assert.equal(f.exact, exactText(at(cli, f.key)), `${id}: ${f.key}`);
      const shown = cli.break_even.map((b) => `${b.local} vs ${b.api}: break-even P50 ${b.break_even_percentiles.p50 ?? 'never'}, P(local cheaper) ${b.prob_local_cheaper}`);
      console.log(`\n  ${shown.join('\n  ')}`);
      assert.ok(await page.$('#sim-histogram svg'), 'the histogram is drawn');
      assert.ok(await page.$('#sim-tornado svg, #sim-tornado p.help'), 'the tornado is drawn or said to be empty');
      // Another pair redraws the charts for it.
      if (cli.break_even.length > 1) {
        const before = await page.$eval('#sim-histogram svg', (e) => e.outerHTML);
        await page.selectOption('#sim-pair', '1');
        await page.waitForFunction(() => window.tcoPage.sim.pair === 1);
        const after = await page.$eval('#sim-histogram svg', (e) => e.outerHTML);
        assert.ok(cli.break_even[0].never_share === 1 && cli.break_even[1].never_share === 1 || before !== after, 'pair 1 has its own histogram');
        await page.selectOption('#sim-pair', '0');
      }
      if (id === 'flagship') {
        await page.locator('#sim-panel').scrollIntoViewIfNeeded();
        await page.screenshot({ path: path.join(shots, 'uncertainty.png'), fullPage: false });
      }
    });
  }

  await check('no uncertainty panel without distributions', async () => {
    await page.selectOption('#bundled', 'lit-document-pipeline');
    await page.waitForFunction(() => window.tcoPage.state.origin === 'scenarios/lit-document-pipeline.yaml');
    await page.waitForSelector('#sim-panel[data-state="done"]', { state: 'attached' });
    assert.ok(!(await page.isVisible('#sim-panel')));
  });

  await check('simulate with 10,000 samples: median time of 15 runs', async () => {
    await page.selectOption('#bundled', 'flagship');
    await page.waitForFunction(() => window.tcoPage.state.origin === 'scenarios/flagship.yaml');
    const ms = await page.evaluate(() => {
      const { state } = window.tcoPage;
      const tco = window.tcoPage.core();
      const out = [];
      for (let i = 0; i < 15; i += 1) {
        const t0 = performance.now();
        // A new seed each time: the calculator keeps its last run for the
        // histogram, so the same seed would time the kept result.
        tco.simulate(state.text, state.origin, 10000, 1000 + i);
        out.push(performance.now() - t0);
      }
      return out;
    });
    console.log(`\n  simulate flagship, 10,000 samples, in Chromium: median ${median(ms).toFixed(1)} ms (min ${Math.min(...ms).toFixed(1)}, max ${Math.max(...ms).toFixed(1)})`);
  });

  await check('screenshots: laptop and phone', async () => {
    await page.selectOption('#bundled', 'flagship');
    await page.waitForFunction(() => window.tcoPage.state.origin === 'scenarios/flagship.yaml');
    assert.equal(await page.$eval('#yaml', (t) => t.value), fs.readFileSync(path.join(repo, 'scenarios/flagship.yaml'), 'utf8'), 'the text box shows the chosen scenario');
    await page.screenshot({ path: path.join(shots, 'laptop.png'), fullPage: true });
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: path.join(shots, 'laptop-top.png'), fullPage: false });
    const phone = await browser.newPage({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
    await phone.goto(url);
    await ready(phone);
    const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `the phone page scrolls sideways by ${overflow}px`);
    await phone.screenshot({ path: path.join(shots, 'phone.png'), fullPage: false });
    await phone.screenshot({ path: path.join(shots, 'phone-full.png'), fullPage: true });
    await phone.close();
  });

  // ---------------------------------------------------------- strangers (issue 12)

  // A link to `text`, encoded as the page encodes its own (deflate-raw, base64url).
  const linkTo = (text, origin = 'shared.yaml') => `${url}#${new URLSearchParams({
    o: origin,
    s: zlib.deflateRawSync(Buffer.from(text)).toString('base64url'),
  })}`;
  const laughs = ['a: &a [lol]'].concat('bcdefghij'.split('').map((n, i) =>
    `${n}: &${n} [${Array(9).fill(`*${'abcdefghij'[i]}`).join(',')}]`)).join('\n') + '\n';

  await check('a shared link with a hostile scenario shows a located error and the page stays responsive', async () => {
    const other = await context.newPage();
    other.on('pageerror', (e) => problems.push(`page error (hostile link): ${e.message}`));
    other.on('console', (m) => { if (m.type() === 'error') problems.push(`console error (hostile link): ${m.text()}`); });
    const t0 = Date.now();
    await other.goto(linkTo(laughs));
    await ready(other);
    await other.waitForSelector('#yaml-error:not([hidden])');
    const took = Date.now() - t0;
    const msg = await other.textContent('#yaml-error');
    assert.match(msg, /^Line 7, column \d+:/, msg);
    assert.match(msg, /larger than 500000 values/, msg);
    assert.ok(took < 10_000, `the hostile link took ${took} ms`);
    // Responsive: the bundled scenario list still works and draws results.
    await other.selectOption('#bundled', 'flagship');
    await other.waitForFunction(() => window.tcoPage.state.origin === 'scenarios/flagship.yaml');
    await other.waitForSelector('#yaml-error', { state: 'hidden' });
    assert.match(await other.textContent('#verdict'), /cheapest/);
    // A deflate bomb: 200 MB of spaces in a 200 KB link stops at 16 MiB.
    const bomb = `${url}#${new URLSearchParams({ o: 'bomb.yaml', s: zlib.deflateRawSync(Buffer.alloc(200 * 1024 * 1024, 32), { level: 9 }).toString('base64url') })}`;
    await other.goto(bomb);
    await other.reload();
    await ready(other);
    assert.match(await other.textContent('#action-status'), /cannot be read \(its scenario is larger than 16777216 bytes/);
    assert.equal(await other.evaluate(() => window.tcoPage.state.origin), 'scenarios/flagship.yaml');
    // Deep nesting typed into the box.
    await other.evaluate(() => { document.getElementById('yaml-box').open = true; });
    // (yaml-rust2's scanner stops flow nesting at 256 itself; tco's reader stops
    // any nesting at 64, aliases included.)
    await other.fill('#yaml', '['.repeat(100_000));
    await other.waitForSelector('#yaml-error:not([hidden])');
    assert.match(await other.textContent('#yaml-error'), /^Line 1, column \d+: this is not valid YAML: recursion limit exceeded/);
    await other.fill('#yaml', Array.from({ length: 100 }, (_, i) => `${' '.repeat(2 * i)}k:`).join('\n') + ' 1\n');
    await other.waitForFunction(() => /nesting deeper than 64 levels/.test(document.getElementById('yaml-error').textContent));
    await other.close();
    console.log(`\n  hostile link: located error shown in ${took} ms`);
  });

  await check('200 random edits of the form and the YAML box: no console error, panic, NaN or undefined', async () => {
    await page.selectOption('#bundled', 'rtx4090-box');
    await page.waitForFunction(() => window.tcoPage.state.origin === 'scenarios/rtx4090-box.yaml');
    let seed = 12;
    const rnd = (n) => {
      seed ^= seed << 13; seed >>>= 0;
      seed ^= seed >>> 17;
      seed ^= seed << 5; seed >>>= 0;
      return seed % n;
    };
    const values = ['0', '1', '-1', '0.5', '1.5', '2B', '100M', '250k', '1e28', '-1e-28', '99999999999999999999999999999',
      '', ' ', 'abc', '1,000', '0x10', '1_000', '.inf', '-0', '3T', '1e400', '{dist: normal, mean: 1, sd: 2}',
      '{dist: uniform, min: 5, max: 1}', '[1, 2]', '&a x', '*a', '"', '\u00e9\u200b', '744', '745', '0.0000001'];
    const numbers = ['', '0', '1', '-1', '0.5', '1.5', '1e28', '-1e-28', '99999999999999999999999999999', '744', '745', '0.0000001', '-0', '12345.678'];
    const tokens = ['&a ', '*a', '[', ']', '{', '}', '- ', ': ', '\n', '1e28', '-1', '0', '"', '~', '#', '  ', '{dist: pert, min: 1, mode: 2, max: 3}'];
    const kinds = { form: 0, select: 0, yaml: 0 };
    for (let i = 0; i < 200; i++) {
      // By id, resolved at the moment of the edit: an edit may redraw the form.
      const visible = (sel) => page.$$eval(sel, (els) => els.filter((e) => e.id && !e.disabled && e.offsetParent)
        .map((e) => ({ id: e.id, numeric: e.type === 'number', opts: e.options ? [...e.options].map((o) => o.value) : [] })));
      const inputs = await visible('#fields input');
      const selects = await visible('#fields select');
      const pick = rnd(10);
      if (pick < 5 && inputs.length) {
        const el = inputs[rnd(inputs.length)];
        const pool = el.numeric ? numbers : values;
        await page.fill(`[id="${el.id}"]`, pool[rnd(pool.length)], { timeout: 5000 });
        kinds.form++;
      } else if (pick < 7 && selects.length) {
        const el = selects[rnd(selects.length)];
        if (el.opts.length) await page.selectOption(`[id="${el.id}"]`, el.opts[rnd(el.opts.length)], { timeout: 5000 });
        kinds.select++;
      } else {
        await page.evaluate(() => { document.getElementById('yaml-box').open = true; });
        let text = await page.$eval('#yaml', (t) => t.value);
        const at = rnd(text.length + 1);
        switch (rnd(4)) {
          case 0: text = text.slice(0, at) + tokens[rnd(tokens.length)] + text.slice(at); break;
          case 1: text = text.slice(0, at) + text.slice(Math.min(text.length, at + 1 + rnd(40))); break;
          case 2: { const lines = text.split('\n'); const l = rnd(lines.length); lines.splice(l, 0, lines[rnd(lines.length)]); text = lines.join('\n'); break; }
          default: text = text.slice(0, at);
        }
        await page.fill('#yaml', text);
        kinds.yaml++;
      }
      // Every 20 edits, also let the simulation (run once typing pauses) finish.
      await page.waitForTimeout(i % 20 === 19 ? 400 : 15);
      const shown = await page.evaluate(() => document.body.innerText);
      for (const bad of ['NaN', 'undefined', 'panicked', 'RuntimeError', 'unreachable']) {
        assert.ok(!shown.includes(bad), `edit ${i}: \`${bad}\` on screen:\n${shown.slice(0, 2000)}`);
      }
      assert.deepEqual(problems, [], `edit ${i}`);
      // Back to a valid scenario now and then, so edits keep reaching the model.
      if (rnd(25) === 0) {
        await page.selectOption('#bundled', ['flagship', 'rtx4090-box', 'lit-4xa100-vs-sonnet'][rnd(3)]);
      }
    }
    console.log(`\n  random edits: ${kinds.form} form values, ${kinds.select} choices, ${kinds.yaml} YAML edits`);
  });

  await check('no errors in the console', async () => {
    assert.deepEqual(problems, []);
  });
  console.log(`e2e: ${passed} checks passed; screenshots in ${path.relative(repo, shots)}/`);
} finally {
  await browser.close();
  server.close();
}
