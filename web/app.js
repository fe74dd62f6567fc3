// The tco page: reads the inputs, asks tco-core (through the wasm bindings in
// pkg/tco_wasm.js) for the results, and shows what it returns.
//
// No figure is computed here. Costs, break-even, CSV, charts and the rounding
// of every number on screen come from tco-core, so the page agrees with
// `tco report` to the cent. This script only moves text between the DOM and
// the core: the scenario is one YAML text (state.text); a form edit becomes a
// `PATH=VALUE` edit of that text (the CLI's --set), made and checked by the core.

import init, * as core from './pkg/tco_wasm.js';

let tco; // core.Tco with the bundled price and hardware tables
let prices = []; // API price table, as the core reads it
let machines = []; // hardware table
let bundled = []; // [{id, path, text}]
let specs = new Map(); // the core's field registry: path pattern → {label, unit, min, max, allowed, input_step, …}

// The scenario: its YAML text, the name its messages use, and what the core
// made of it: one `tco.update` call (one parse) per edit gives it all.
const state = { text: '', origin: '', scenario: null, report: null, reportJson: '', chart: null, wins: [], payback: [], notes: [], profile: 'flat', slo: [], curves: [] };
// Fields whose current text the core refused: id → message. They keep the user's text.
const fieldErrors = new Map();
let formSignature = '';

// Result panels, drawn in order after every recompute. Each takes the context
// {scenario, report, cur} and returns DOM nodes (or null to draw nothing).
// Simulation results (histogram, tornado) are added as panels of their own.
const panels = [summaryPanel, chartPanel, apiPanel, localPanel, breakdownPanel, breakEvenPanel, simPanel, notesPanel];

// ---------------------------------------------------------------- helpers

const $ = (id) => document.getElementById(id);

function h(tag, attrs = {}, ...kids) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v == null || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const kid of kids.flat(Infinity)) {
    if (kid == null || kid === false) continue;
    el.append(kid instanceof Node ? kid : String(kid));
  }
  return el;
}

// Display rules are tco-core's (tco_core::format), so every face rounds alike.
const cur = () => state.report?.currency ?? 'USD';
const fmt = {
  money: (x) => core.formatMoney(String(x), cur()),
  price: (x) => core.formatPerMtok(String(x), cur()),
  tokens: (n) => core.formatTokens(String(n)),
  short: (n) => core.formatTokensShort(String(n)),
  pct: (x) => core.formatPercent(String(x)),
  rounded: (x, dp) => core.formatRounded(String(x), dp),
};

// A volume as an input shows it: the exact integer, in the shortest suffix form
// that is still exact (3000000000 → 3B, 988411523 stays as it is).
function volumeText(n) {
  for (const [div, suffix] of [[1e12, 'T'], [1e9, 'B'], [1e6, 'M'], [1e3, 'k']]) {
    if (n >= div && n % div === 0) return `${n / div}${suffix}`;
  }
  return String(n);
}

// The core's errors are JS Errors with origin, line, col, path, problem, allowed.
function describe(e, { withPlace = true } = {}) {
  if (!(e instanceof Error) || e.kind === undefined) return String(e?.message ?? e);
  if (e.kind !== 'input') return e.message;
  let s = '';
  if (withPlace && e.line) s += `Line ${e.line}, column ${e.col}: `;
  if (e.path) s += `${e.path}: `;
  s += e.problem;
  if (e.allowed) s += `. Allowed: ${e.allowed}`;
  return s;
}

function download(name, text, type) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = h('a', { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function baseName() {
  const b = state.origin.split('/').pop().replace(/\.(ya?ml)$/i, '');
  return b || 'scenario';
}

function status(msg) {
  $('action-status').textContent = msg;
}

// ---------------------------------------------------------------- scenario state

// Makes `text` the scenario. Throws the core's error when it is not a valid one.
// `fromYaml`: the text comes from the text box, which is left as the user has it.
function load(text, origin, { fromYaml = false } = {}) {
  const u = JSON.parse(tco.update(text, origin, []));
  state.origin = origin;
  take(u);
  fieldErrors.clear();
  formSignature = '';
  renderResults();
  updateStale();
  buildForm();
  renderCurves();
  if (!fromYaml) $('yaml').value = text;
  syncBundled();
  showYamlError(null);
  scheduleUrl();
}

// Keeps what one `tco.update` returned: the (edited) text, the checked
// scenario, the report (its JSON text as the CLI prints it), the cost chart
// and the display texts the core writes for every face.
function take(u) {
  state.text = u.text;
  state.scenario = u.scenario;
  state.reportJson = u.report;
  state.report = JSON.parse(u.report);
  state.chart = u.chart;
  state.wins = u.wins;
  state.payback = u.payback;
  state.notes = u.notes;
  state.profile = u.profile;
  state.slo = u.slo;
  state.curves = u.curves;
}

// Applies `PATH=VALUE` edits from the form field `id`; a refused edit is shown beside it.
function applyEdit(id, sets) {
  let u;
  try {
    u = JSON.parse(tco.update(state.text, state.origin, sets));
  } catch (e) {
    setFieldError(id, describe(e, { withPlace: false }));
    return false;
  }
  setFieldError(id, null);
  take(u);
  const text = u.text;
  renderResults();
  updateStale();
  buildForm();
  renderCurves();
  $('yaml').value = text;
  syncBundled();
  showYamlError(null);
  scheduleUrl();
  return true;
}

function updateStale() {
  const bad = fieldErrors.size > 0 || !$('yaml-error').hidden;
  $('stale').hidden = !bad;
  $('output').classList.toggle('stale', bad);
}

// ---------------------------------------------------------------- the form

// Field specs from the checked scenario: the values shown are the values the
// core computed with, defaults included. Labels, units, limits and hints are
// the core's field registry (tco_core::model::fields, through fieldSpecs), the
// ranges its reader checks.
function field(id, pattern, path, value, extra = {}) {
  const r = specs.get(pattern);
  if (!r) throw new Error(`no field ${pattern} in the core's registry`);
  const number = r.kind !== 'tokens' && r.kind !== 'text';
  const f = {
    id, path, value,
    label: r.label.charAt(0).toUpperCase() + r.label.slice(1),
    kind: r.kind === 'tokens' ? 'tokens' : 'number',
    unit: r.unit.replaceAll('{cur}', cur()),
    hint: r.allowed,
  };
  if (number) Object.assign(f, { min: Number(r.min), max: Number(r.max), step: r.input_step == null ? 'any' : Number(r.input_step) });
  return Object.assign(f, extra);
}

function fieldSpecs(s) {
  const groups = [];
  const w = s.workload;
  groups.push({
    legend: 'Workload',
    fields: [
      field('f-volume', 'workload.tokens_per_month', 'workload.tokens_per_month', volumeText(w.tokens_per_month)),
      field('f-input-share', 'workload.input_share', 'workload.input_share', w.input_share),
      field('f-cached-share', 'workload.cached_input_share', 'workload.cached_input_share', w.cached_input_share),
      field('f-batch-share', 'workload.batch_share', 'workload.batch_share', w.batch_share),
      field('f-cache-write-share', 'workload.cache_write_share', 'workload.cache_write_share', w.cache_write_share),
      field('f-off-peak-share', 'workload.off_peak_share', 'workload.off_peak_share', w.off_peak_share),
      // `flat` or 24 weights; numbers typed with commas or spaces become the
      // list the core reads (profileValue), which judges it. Empty or the
      // "Flat" button removes the key (flat is the default).
      field('f-profile', 'workload.hourly_profile', 'workload.hourly_profile', state.profile, {
        inputmode: 'text',
        clearable: true,
        sets: (v) => [`workload.hourly_profile=${core.profileValue(v)}`],
        after: () => profileSketch(w.hourly_profile),
      }),
      // Empty = not set (standard prices); an emptied box removes it from the scenario.
      field('f-prompt-tokens', 'workload.prompt_tokens_per_request', 'workload.prompt_tokens_per_request', w.prompt_tokens_per_request ?? '', { clearable: true }),
    ],
  });
  groups.push(currencyGroup(s));
  s.api.forEach((a, i) => {
    const fields = [{
      id: `f-api${i}-model`, label: 'API model', kind: 'select', path: `api[${i}]`,
      hint: a.model_id ? modelHint(a.model_id) : 'inline prices in the scenario',
      value: a.model_id ?? '',
      options: modelOptions(a.model_id ? null : a.name),
      sets: (v) => (v ? [`api[${i}]={model: ${v}}`] : null),
    }];
    if (!a.model_id) {
      fields.push(
        field(`f-api${i}-in`, 'api[].input_per_mtok', `api[${i}].input_per_mtok`, a.input_per_mtok),
        field(`f-api${i}-out`, 'api[].output_per_mtok', `api[${i}].output_per_mtok`, a.output_per_mtok),
      );
    }
    fields.push(field(`f-api${i}-uplift`, 'api[].uplift', `api[${i}].uplift`, a.uplift));
    groups.push({ legend: `API option ${i + 1}: ${a.name}`, fields });
  });
  s.local.forEach((l, j) => {
    const p = `local[${j}]`;
    const fields = [];
    const owned = l.hardware.owned;
    const rented = l.hardware.rented;
    fields.push({
      id: `f-l${j}-machine`, label: 'Hardware', kind: 'select', path: `${p}.machine`,
      hint: l.machine ? machineHint(l.machine) : 'no machine from the hardware table: no memory or bandwidth check',
      value: l.machine?.id ?? '',
      options: machineOptions(),
      sets: (v) => machineSets(l, j, v),
    });
    if (owned) {
      fields.push(
        field(`f-l${j}-price`, 'local[].owned.price', `${p}.owned.price`, owned.price),
        field(`f-l${j}-months`, 'local[].owned.amortization_months', `${p}.owned.amortization_months`, owned.amortization_months),
        field(`f-l${j}-coc`, 'local[].owned.cost_of_capital', `${p}.owned.cost_of_capital`, owned.cost_of_capital),
      );
    }
    if (rented) {
      fields.push(
        field(`f-l${j}-gpuh`, 'local[].rented.price_per_gpu_hour', `${p}.rented.price_per_gpu_hour`, rented.price_per_gpu_hour),
        field(`f-l${j}-gpus`, 'local[].rented.gpus', `${p}.rented.gpus`, rented.gpus),
        ...billingFields(rented, j),
      );
    }
    if (l.power || l.machine) {
      fields.push(field(`f-l${j}-kwh`, 'local[].power.price_per_kwh', `${p}.power.price_per_kwh`, l.power?.price_per_kwh ?? '', {
        optional: !l.power,
        ...(l.power ? {} : { hint: 'none declared (included in rent); a price adds the machine’s power draw' }),
      }));
    }
    const t = l.throughput;
    fields.push(...throughputChoice(l, j));
    if (t.source.kind === 'declared') {
      if (t.prefill.per_seconds === '3600' && t.prefill.tokens === t.decode.tokens) {
        fields.push(field(`f-l${j}-tph`, 'local[].throughput.tokens_per_hour', `${p}.throughput`, volumeText(Number(t.prefill.tokens)), { sets: (v) => [`${p}.throughput={tokens_per_hour: ${v}}`] }));
      } else if (t.prefill.tokens === t.decode.tokens) {
        fields.push(field(`f-l${j}-tps`, 'local[].throughput.tokens_per_second', `${p}.throughput`, t.prefill.tokens, { sets: (v) => [`${p}.throughput={tokens_per_second: ${v}}`] }));
      } else {
        fields.push(
          field(`f-l${j}-prefill`, 'local[].throughput.prefill_tokens_per_second', `${p}.throughput.prefill_tokens_per_second`, t.prefill.tokens),
          field(`f-l${j}-decode`, 'local[].throughput.decode_tokens_per_second', `${p}.throughput.decode_tokens_per_second`, t.decode.tokens),
        );
      }
    }
    // A curve's latency targets: one box per target written (emptied: removed),
    // a key and a value to add one, and the capacity they allow (the report's
    // throughput source, the SLO line every face shows).
    const slo = state.slo[j];
    if (slo?.curve) {
      for (const [key, text] of slo.targets) {
        if (!specs.has(`local[].throughput.slo.${key}`)) continue;
        fields.push(field(`f-l${j}-slo-${key}`, `local[].throughput.slo.${key}`, `${p}.throughput.slo.${key}`, text, { clearable: true }));
      }
      fields.push(sloAddField(slo, j));
    }
    const source = state.report.local[j]?.throughput.source;
    if (source && source !== 'declared in the scenario') {
      fields.push({ id: `f-l${j}-capacity`, kind: 'note', label: 'Capacity', value: `Throughput from ${source}` });
    }
    // Carbon: the grid's kg CO2e per kWh (with a power line) and the embodied
    // carbon per node; empty = not set, an emptied box removes them.
    if (l.power) {
      fields.push(field(`f-l${j}-grid`, 'local[].power.grid_kg_co2e_per_kwh', `${p}.power.grid_kg_co2e_per_kwh`, l.power.grid_kg_co2e_per_kwh ?? '', { clearable: true }));
    }
    fields.push(field(`f-l${j}-embodied`, 'local[].embodied_kg_co2e', `${p}.embodied_kg_co2e`, l.embodied?.kg_co2e ?? '', { clearable: true, sets: (v) => embodiedSets(l, j, v, null) }));
    if (rented) {
      fields.push(field(`f-l${j}-embodied-months`, 'local[].embodied_months', `${p}.embodied_months`, l.embodied?.months ?? '', { optional: true, sets: (v) => embodiedSets(l, j, null, v) }));
    }
    fields.push(
      field(`f-l${j}-util`, 'local[].max_utilization', `${p}.max_utilization`, l.max_utilization),
      field(`f-l${j}-fte`, 'local[].staff.fte', `${p}.staff.fte`, l.staff?.fte ?? '0', { sets: (v) => staffSets(j, v, null) }),
      field(`f-l${j}-salary`, 'local[].staff.annual_cost', `${p}.staff.annual_cost`, l.staff?.annual_cost ?? '0', { sets: (v) => staffSets(j, null, v) }),
    );
    groups.push({ legend: `Local option ${j + 1}: ${l.name}`, fields, id: `g-l${j}` });
  });
  // Inputs written as distributions show the point value the report uses;
  // typing a number replaces the distribution (simulate and sensitivity use it).
  for (const g of groups) {
    for (const f of g.fields) {
      const u = (s.uncertain ?? []).find((x) => x.source === 'written' && f.kind !== 'select'
        && (x.path === f.path || x.path.startsWith(`${f.path}.`)));
      if (!u) continue;
      const params = ['min', 'mode', 'max', 'mean', 'sd'].filter((k) => k in u).map((k) => `${k} ${u[k]}`).join(', ');
      f.uncertain = true;
      f.hint = `${f.hint}. Uncertain: ${u.dist} (${params}); the report uses ${u.point}, a number here replaces the distribution`;
    }
  }
  return groups;
}

// The scenario's currency, and its exchange rates with their date when it has
// some. A currency other than USD needs a USD rate for the table prices: one is
// added at 1 with today's date, for the user to correct; back to USD the rates go.
function currencyGroup(s) {
  const r = s.exchange_rates;
  const fields = [field('f-currency', 'currency', 'currency', s.currency, {
    sets: (v) => {
      if (v === s.currency) return null;
      if (v === 'USD') return ['currency=USD', 'exchange_rates='];
      if (r) return [`currency=${v}`];
      return [`currency=${v}`, `exchange_rates={as_of: ${new Date().toISOString().slice(0, 10)}, USD: 1}`];
    },
  })];
  if (r) {
    fields.push(field('f-rates-as-of', 'exchange_rates.as_of', 'exchange_rates.as_of', r.as_of));
    for (const [code, rate] of r.rates) {
      fields.push(field(`f-rate-${code}`, 'exchange_rates.*', `exchange_rates.${code}`, rate, {
        label: `Exchange rate: ${code}`,
        unit: `${s.currency} per ${code}`,
      }));
    }
  }
  return { legend: 'Currency', fields };
}

// A rented option's billing: every kind the core reads (the registry's
// `kinds`), then the chosen kind's own fields. Switching kind removes the other
// kinds' keys (the core refuses them) and writes the new kind's required ones
// at the registry's defaults, as tco_core::model::fields::billing_switch does.
function billingFields(rented, j) {
  const p = `local[${j}].rented`;
  const b = rented.billing;
  const kind = typeof b === 'string' ? b : Object.keys(b)[0];
  const kinds = specs.get('local[].rented.billing').kinds;
  const own = new Map(kinds.map(([k, keys]) => [k, keys]));
  const hints = {
    always_on: 'on demand: every hour of every node in use',
    busy_hours: 'only the hours spent serving',
    reserved: 'a term commitment at the hourly price, part paid upfront',
    spot: 'preemptible: the price less a discount, some capacity lost to preemption',
    autoscaled: 'nodes follow the hourly traffic, never below a minimum',
  };
  const out = [{
    id: `f-l${j}-billing`, label: 'Billing', kind: 'select', path: `${p}.billing`,
    hint: hints[kind] ?? specs.get('local[].rented.billing').allowed,
    value: kind,
    options: kinds.map(([k]) => [k, k === 'always_on' ? 'on demand (always on)' : k.replaceAll('_', ' ')]),
    sets: (v) => {
      const sets = [`${p}.billing=${v}`];
      if (v === kind) return sets;
      for (const [k, keys] of kinds) {
        for (const [key, dflt] of keys) {
          if (k === v) { if (dflt != null) sets.push(`${p}.${key}=${dflt}`); }
          else if (!own.get(v).some(([x]) => x === key)) sets.push(`${p}.${key}=`);
        }
      }
      return sets;
    },
  }];
  for (const [key] of own.get(kind) ?? []) {
    out.push(field(`f-l${j}-${key.replaceAll('_', '-')}`, `local[].rented.${key}`, `${p}.${key}`, b[kind][key]));
  }
  return out;
}

// The "add a latency target" row: the registry's keys not yet written, and a
// value in ms; the edit is the core's (sloAdd: a fixed `concurrency` goes).
function sloAddField(slo, j) {
  const prefix = 'local[].throughput.slo.';
  const have = new Set(slo.targets.map(([k]) => k));
  const keys = [...specs.values()]
    .filter((r) => r.path.startsWith(prefix) && !have.has(r.path.slice(prefix.length)))
    .map((r) => [r.path.slice(prefix.length), r.label]);
  return {
    id: `f-l${j}-slo-add`, kind: 'slo-add', label: 'Add a latency target', options: keys, value: '',
    hint: specs.get('local[].throughput.slo').allowed + '; the capacity is the highest load meeting every target',
    sets: (key, ms) => core.sloAdd(`local[${j}].throughput`, `${key}=${ms}`, slo.concurrency),
  };
}

// The profile's 24 weights as bars, each hour's height relative to the busiest.
function profileSketch(weights) {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('id', 'f-profile-sketch');
  svg.setAttribute('class', 'profile-sketch');
  svg.setAttribute('viewBox', '0 0 240 40');
  svg.setAttribute('role', 'img');
  const ws = (weights ?? Array(24).fill('1')).map(Number);
  const max = Math.max(...ws) || 1;
  svg.setAttribute('aria-label', weights ? 'traffic by hour of the day, busiest hour full height' : 'flat traffic: every hour alike');
  ws.forEach((x, i) => {
    const r = document.createElementNS(ns, 'rect');
    const hgt = Math.max(0.5, (38 * x) / max);
    r.setAttribute('x', String(i * 10 + 1));
    r.setAttribute('y', String(40 - hgt));
    r.setAttribute('width', '8');
    r.setAttribute('height', String(hgt));
    r.setAttribute('data-w', String(x));
    svg.append(r);
  });
  const flat = h('button', { type: 'button', id: 'f-profile-flat', class: 'link', disabled: !weights,
    onclick: () => applyEdit('f-profile', ['workload.hourly_profile=']) }, 'Flat');
  return h('div', { class: 'profile-row' }, svg, flat);
}

// How a local option's throughput is given: a typed rate, an estimate from the
// machine's specs (`throughput: {estimate: roofline}`), or what the scenario
// measured (a calibration or load levels, kept until another choice is made).
// An estimate needs `machine:` and `model:`; switching to it writes the ones
// missing (the first machine of the hardware table with FLOPS, an 8B model at
// Q4_K_M), for the user to change. Switching back types the rate in use.
const ESTIMATE_MODEL = '{params_b: 8, quant: Q4_K_M}';

// The form's name for how a throughput is given.
const throughputKind = (t) => (t.source.kind === 'declared' ? 'typed' : t.source.kind === 'estimate' ? 'estimate' : 'measured');

function throughputChoice(l, j) {
  const p = `local[${j}]`;
  const t = l.throughput;
  const kind = throughputKind(t);
  const options = [['typed', 'typed rate (tokens/s)'], ['estimate', 'estimate from specs (roofline)']];
  if (kind === 'measured') options.push(['measured', 'measured (as in the scenario)']);
  const hints = {
    typed: 'a rate you type: tokens per second (or hour) of one node',
    estimate: 'modelled from the machine’s memory bandwidth and FLOPS for the model served; measure before relying on it',
    measured: 'from a calibration or load levels in the scenario; edit those in the YAML text',
  };
  const out = [{
    id: `f-l${j}-tput`, label: 'Throughput', kind: 'select', path: `${p}.throughput`,
    hint: hints[kind], value: kind, options,
    // The form keeps its nodes while its fields stay the same, so the option
    // is read when the choice is made, not when the form was built.
    sets: (v) => {
      const l = state.scenario.local[j];
      const t = l.throughput;
      const kind = throughputKind(t);
      if (v === kind) return null;
      if (v === 'typed') {
        // An estimate's or a measurement's rates are per second (the core's Rate).
        const [pre, dec] = [t.prefill.tokens, t.decode.tokens];
        return [pre === dec ? `${p}.throughput={tokens_per_second: ${pre}}`
          : `${p}.throughput={prefill_tokens_per_second: ${pre}, decode_tokens_per_second: ${dec}}`];
      }
      if (v !== 'estimate') return null;
      const sets = [];
      if (!l.machine) {
        const m = machines.find((x) => x.fp16_tflops != null);
        if (m) sets.push(...machineSets(l, j, m.id));
      }
      if (!l.model) sets.push(`${p}.model=${ESTIMATE_MODEL}`);
      sets.push(`${p}.throughput={estimate: roofline}`);
      return sets;
    },
  }];
  if (kind !== 'estimate') return out;
  const quants = specs.get('local[].model.quant').choices;
  const e = t.source.efficiency;
  out.push(
    field(`f-l${j}-params`, 'local[].model.params_b', `${p}.model.params_b`, l.model?.params_b ?? ''),
    {
      id: `f-l${j}-quant`, label: 'Quantization', kind: 'select', path: `${p}.model.quant`,
      hint: specs.get('local[].model.quant').allowed,
      value: quants.find(([json]) => json === l.model?.quant)?.[1] ?? '',
      options: quants.map(([, name]) => [name, name]),
    },
    // An efficiency typed here is no longer the one fitted: the `source`
    // written with a fitted pair goes with the edit.
    field(`f-l${j}-eta-mem`, 'local[].throughput.efficiency.memory', `${p}.throughput.efficiency.memory`, e.memory,
      { sets: (v) => [`${p}.throughput.efficiency.memory=${v}`, `${p}.throughput.efficiency.source=`] }),
    field(`f-l${j}-eta-cmp`, 'local[].throughput.efficiency.compute', `${p}.throughput.efficiency.compute`, e.compute,
      { sets: (v) => [`${p}.throughput.efficiency.compute=${v}`, `${p}.throughput.efficiency.source=`] }),
  );
  // A CPU's batched decode has its own efficiency (absent on accelerators).
  if (e.decode_compute != null) {
    out.push(field(`f-l${j}-eta-dec`, 'local[].throughput.efficiency.decode_compute',
      `${p}.throughput.efficiency.decode_compute`, e.decode_compute,
      { sets: (v) => [`${p}.throughput.efficiency.decode_compute=${v}`, `${p}.throughput.efficiency.source=`] }));
  }
  return out;
}

// Embodied carbon: a rented option needs the months it is spread over with it,
// so an edit of either box writes both; emptying the carbon removes both.
function embodiedSets(l, j, kg, months) {
  const p = `local[${j}]`;
  const k = kg ?? $(`f-l${j}-embodied`)?.value.trim() ?? '';
  if (k === '') return [`${p}.embodied_kg_co2e=`, `${p}.embodied_months=`];
  const sets = [`${p}.embodied_kg_co2e=${k}`];
  const m = months ?? $(`f-l${j}-embodied-months`)?.value.trim() ?? '';
  if (m !== '' || months != null) sets.push(`${p}.embodied_months=${m}`);
  if (months != null) setFieldError(`f-l${j}-embodied`, null);
  return sets;
}

// A staff edit writes both figures, so that a scenario without `staff:` gets a whole one.
function staffSets(j, fte, cost) {
  const f = fte ?? $(`f-l${j}-fte`)?.value ?? '0';
  const c = cost ?? $(`f-l${j}-salary`)?.value ?? '0';
  return [`local[${j}].staff.fte=${f}`, `local[${j}].staff.annual_cost=${c}`];
}

// Choosing a machine takes its price and power draw from the hardware table;
// choosing none writes the figures in use into the scenario, so nothing changes.
function machineSets(l, j, id) {
  const p = `local[${j}]`;
  if (id) {
    const sets = [`${p}.machine=${id}`];
    if (l.hardware.owned) sets.push(`${p}.owned.price=`);
    if (l.power) sets.push(`${p}.power.load_watts=`, `${p}.power.idle_watts=`);
    return sets;
  }
  const sets = [`${p}.machine=`];
  if (l.hardware.owned) sets.push(`${p}.owned.price=${l.hardware.owned.price}`);
  if (l.power) sets.push(`${p}.power.load_watts=${l.power.load_watts}`, `${p}.power.idle_watts=${l.power.idle_watts}`);
  return sets;
}

function modelOptions(inlineName) {
  const opts = [];
  if (inlineName != null) opts.push(['', `Inline prices: ${inlineName}`]);
  const byVendor = new Map();
  for (const m of prices) {
    if (!byVendor.has(m.vendor)) byVendor.set(m.vendor, []);
    byVendor.get(m.vendor).push([m.id, m.name]);
  }
  for (const [vendor, list] of byVendor) opts.push({ group: vendor, options: list });
  return opts;
}

function modelHint(id) {
  const m = prices.find((x) => x.id === id);
  if (!m) return '';
  let s = `${fmt.price(m.input_per_mtok)} in / ${fmt.price(m.output_per_mtok)} out per MTok`;
  if (m.cached_input_per_mtok !== m.input_per_mtok) s += `, cached ${fmt.price(m.cached_input_per_mtok)}`;
  if (m.batch_discount !== '0') s += `, batch −${fmt.pct(m.batch_discount)}`;
  if (m.as_of) s += ` (as of ${m.as_of})`;
  return s;
}

function machineOptions() {
  const opts = [['', '(none)']];
  const byKind = new Map();
  for (const m of machines) {
    if (!byKind.has(m.kind)) byKind.set(m.kind, []);
    byKind.get(m.kind).push([m.id, m.name]);
  }
  for (const [kind, list] of byKind) opts.push({ group: kind === 'machine' ? 'Machines' : 'Accelerators', options: list });
  return opts;
}

function machineHint(m) {
  return `${m.memory_gb} GB, ${m.memory_bandwidth_gbs} GB/s, ${fmt.money(m.price)}, ${m.load_watts} W load / ${m.idle_watts} W idle`;
}

function buildForm() {
  const groups = fieldSpecs(state.scenario);
  const signature = JSON.stringify(groups.map((g) => [g.legend, g.fields.map((f) => [f.id, f.kind, f.options?.length ?? 0, !!f.uncertain])]));
  const active = document.activeElement?.id;
  if (signature === formSignature) {
    // Same fields: refresh values, leaving alone the one being typed in and any the core refused.
    for (const g of groups) {
      for (const f of g.fields) {
        const el = $(f.id);
        if (f.kind === 'note' && el) { el.textContent = f.value; continue; }
        if (f.after) $(`${f.id}-after`)?.replaceChildren(f.after());
        if (!el || el.id === active || fieldErrors.has(f.id)) continue;
        el.value = String(f.value);
        const hint = $(`${f.id}-hint`);
        if (hint) hint.textContent = f.hint;
      }
    }
    return;
  }
  formSignature = signature;
  fieldErrors.clear();
  const root = $('fields');
  root.replaceChildren(...groups.map((g) => h('fieldset', { id: g.id }, h('legend', {}, g.legend), g.fields.map(fieldNode))));
  if (active && $(active)) $(active).focus();
}

// Under each local option whose throughput is an estimate: the modelled curve
// (tco-chart's CurveChart, drawn by the core for every edit), or why the
// option cannot run.
function renderCurves() {
  state.scenario.local.forEach((l, j) => {
    const fs = $(`g-l${j}`);
    if (!fs) return;
    $(`curve-l${j}`)?.remove();
    if (l.throughput.source.kind !== 'estimate') return;
    const c = state.curves[j];
    const why = state.report.local[j]?.infeasible ?? [];
    let body;
    if (c?.Ok != null) body = svgNode(c.Ok, `Modelled tokens/s against batch size for ${l.name}, the capacity used marked`);
    else if (c?.Err != null) body = h('p', { class: 'error' }, `The chart cannot be drawn: ${c.Err}`);
    else body = h('p', { class: 'error' }, `No curve: ${why.join('; ') || 'the estimate cannot be made'}`);
    fs.append(h('figure', { class: 'chart curve', id: `curve-l${j}` }, body,
      why.length && c ? h('p', { class: 'error' }, `Infeasible: ${why.join('; ')}`) : null,
      h('figcaption', {}, 'Modelled tokens/s against batch size (log scales): per stream, all streams together, and the total the capacity is taken from (dashed: at 0.8× and 1.2× the efficiencies). The dot is the capacity the report uses.')));
  });
}

function fieldNode(f) {
  let input;
  const described = `${f.id}-hint ${f.id}-error`;
  if (f.kind === 'note') {
    return h('div', { class: 'field' }, h('strong', {}, f.label), h('p', { id: f.id, class: 'help capacity' }, f.value));
  }
  if (f.kind === 'slo-add') return sloAddNode(f);
  if (f.kind === 'select') {
    input = h('select', { id: f.id, 'aria-describedby': described, onchange: () => onField(f, input) },
      f.options.map((o) => (Array.isArray(o)
        ? h('option', { value: o[0] }, o[1])
        : h('optgroup', { label: o.group }, o.options.map(([v, t]) => h('option', { value: v }, t))))));
    input.value = f.value;
  } else {
    // A text box, not type=number: the browser would drop or reinterpret what
    // was typed (`0,30` became `030`); the core reads the text as typed and
    // answers `75%`, `$0.368` or `1 kW` with its located error and a "did you mean".
    input = h('input', {
      id: f.id,
      type: 'text',
      inputmode: f.inputmode ?? (f.kind === 'tokens' ? 'text' : 'decimal'),
      autocomplete: 'off',
      spellcheck: 'false',
      'aria-describedby': described,
      oninput: () => onField(f, input),
    });
    input.value = String(f.value);
  }
  return h('div', { class: 'field' },
    h('label', { for: f.id }, f.label, f.kind !== 'select' && f.unit ? h('span', { class: 'unit' }, ` (${f.unit})`) : null,
      f.uncertain ? h('span', { class: 'uncertain' }, ' uncertain') : null),
    input,
    f.after ? h('div', { id: `${f.id}-after` }, f.after()) : null,
    h('small', { id: `${f.id}-hint`, class: 'help' }, f.hint),
    h('p', { id: `${f.id}-error`, class: 'error', role: 'alert', hidden: true }));
}

// A select of the target keys not yet written, a value in ms and an Add button.
function sloAddNode(f) {
  const key = h('select', { id: `${f.id}-key`, 'aria-describedby': `${f.id}-hint ${f.id}-error` },
    f.options.map(([k, label]) => h('option', { value: k }, `${label} (${k})`)));
  const ms = h('input', { id: `${f.id}-ms`, type: 'text', inputmode: 'decimal', autocomplete: 'off', spellcheck: 'false', 'aria-describedby': `${f.id}-hint ${f.id}-error`,
    onkeydown: (e) => { if (e.key === 'Enter') add(); } });
  const add = () => {
    let sets;
    try {
      sets = f.sets(key.value, ms.value.trim());
    } catch (e) {
      return setFieldError(f.id, describe(e, { withPlace: false }));
    }
    applyEdit(f.id, sets);
  };
  return h('div', { class: 'field slo-add' },
    h('label', { for: `${f.id}-key` }, f.label),
    key,
    h('label', { for: `${f.id}-ms`, class: 'unit' }, 'target (ms)'),
    ms,
    h('button', { type: 'button', id: f.id, onclick: add }, 'Add target'),
    h('small', { id: `${f.id}-hint`, class: 'help' }, f.hint),
    h('p', { id: `${f.id}-error`, class: 'error', role: 'alert', hidden: true }));
}

function onField(f, input) {
  const v = input.value.trim();
  if (v === '' && f.kind !== 'select') {
    // An optional input left empty is removed from the scenario (`--set PATH=`).
    if (f.clearable) return applyEdit(f.id, f.sets ? f.sets('') : [`${f.path}=`]);
    if (f.optional) return setFieldError(f.id, null);
    return setFieldError(f.id, `Enter a value: ${f.hint}.`);
  }
  const sets = f.sets ? f.sets(v) : [`${f.path}=${v}`];
  if (!sets) return setFieldError(f.id, null);
  applyEdit(f.id, sets);
}

function setFieldError(id, message) {
  const el = $(id);
  const box = $(`${id}-error`);
  if (message) fieldErrors.set(id, message);
  else fieldErrors.delete(id);
  if (el) el.setAttribute('aria-invalid', message ? 'true' : 'false');
  if (box) {
    box.textContent = message ?? '';
    box.hidden = !message;
  }
  updateStale();
}

// ---------------------------------------------------------------- YAML text, bundled list, files

function syncBundled() {
  const match = bundled.find((b) => b.text === state.text);
  $('bundled').value = match ? match.id : '';
}

let yamlTimer = 0;
function onYamlInput() {
  clearTimeout(yamlTimer);
  yamlTimer = setTimeout(() => {
    const text = $('yaml').value;
    try {
      load(text, state.origin, { fromYaml: true });
    } catch (e) {
      showYamlError(e);
    }
  }, 120);
}

function showYamlError(e) {
  const box = $('yaml-error');
  if (!e) {
    box.hidden = true;
    box.replaceChildren();
    $('yaml').removeAttribute('aria-invalid');
    updateStale();
    return;
  }
  $('yaml-box').open = true;
  $('yaml').setAttribute('aria-invalid', 'true');
  const kids = [h('strong', {}, e.line ? `Line ${e.line}, column ${e.col}:` : 'Error:'), ' ', describe(e, { withPlace: false })];
  if (e.line) kids.push(' ', h('button', { type: 'button', class: 'link', onclick: () => selectLine(e.line) }, 'Show in text'));
  box.replaceChildren(...kids);
  box.hidden = false;
  updateStale();
}

function selectLine(line) {
  const ta = $('yaml');
  const lines = ta.value.split('\n');
  const start = lines.slice(0, line - 1).reduce((n, l) => n + l.length + 1, 0);
  ta.focus();
  ta.setSelectionRange(start, start + (lines[line - 1] ?? '').length);
}

function tryLoad(text, origin) {
  try {
    load(text, origin);
    return true;
  } catch (e) {
    // Show the text and its located error; results stay as they were.
    $('yaml').value = text;
    state.origin = origin;
    showYamlError(e);
    return false;
  }
}

// ---------------------------------------------------------------- the URL fragment

// The whole scenario lives in the fragment (#s=<deflate-raw, base64url>&o=<origin>),
// so a link reproduces it exactly without any server.
async function encodeText(text) {
  const stream = new Blob([text]).stream().pipeThrough(new CompressionStream('deflate-raw'));
  const bytes = new Uint8Array(await new Response(stream).arrayBuffer());
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

// A link holds at most what the core reads (16 MiB of text): a few kilobytes
// of deflate can expand to gigabytes, and a shared link must not take the tab
// of whoever opens it down with it, so decompression stops at the limit.
const MAX_LINK_TEXT = 16 * 1024 * 1024;

async function decodeText(b64) {
  const bin = atob(b64.replaceAll('-', '+').replaceAll('_', '/'));
  const bytes = Uint8Array.from(bin, (c) => c.charCodeAt(0));
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('deflate-raw'));
  const reader = stream.getReader();
  const chunks = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > MAX_LINK_TEXT) {
      await reader.cancel();
      throw new Error(`its scenario is larger than ${MAX_LINK_TEXT} bytes, the most tco reads`);
    }
    chunks.push(value);
  }
  const all = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    all.set(c, at);
    at += c.length;
  }
  return new TextDecoder().decode(all);
}

let urlSeq = 0;
let urlWritten = '';
function scheduleUrl() {
  const seq = ++urlSeq;
  const { text, origin } = state;
  encodeText(text).then((z) => {
    if (seq !== urlSeq) return; // a newer state is on its way
    const hash = `#${new URLSearchParams({ o: origin, s: z })}`;
    urlWritten = hash;
    if (location.hash !== hash) history.replaceState(null, '', hash);
    document.body.dataset.urlSeq = String(seq);
  });
}

async function readFragment() {
  const p = new URLSearchParams(location.hash.slice(1));
  if (p.has('s')) return { text: await decodeText(p.get('s')), origin: p.get('o') || 'scenario.yaml' };
  if (p.has('b')) {
    const b = bundled.find((x) => x.id === p.get('b'));
    if (b) return { text: b.text, origin: b.path };
  }
  return null;
}

// ---------------------------------------------------------------- results

function renderResults() {
  const ctx = { scenario: state.scenario, report: state.report, cur: cur() };
  const nodes = [];
  for (const panel of panels) {
    const n = panel(ctx);
    if (n) nodes.push(n);
  }
  $('output').replaceChildren(...nodes);
}

// A figure cell: the rounded text, with the exact value and its report path for checks.
function fig(text, key, exact) {
  return h('td', { class: 'num', 'data-k': key, 'data-exact': exact }, text);
}

function table(caption, head, rows, numeric) {
  // Each cell carries its column's name, for the stacked layout on narrow screens.
  for (const tr of rows) [...tr.children].forEach((c, i) => { if (c.tagName === 'TD') c.dataset.label = head[i]; });
  return h('div', { class: 'table-wrap', role: 'region', 'aria-label': caption, tabindex: 0 },
    h('table', {},
      h('caption', {}, caption),
      h('thead', {}, h('tr', {}, head.map((t, i) => h('th', { scope: 'col', class: numeric[i] ? 'num' : null }, t)))),
      h('tbody', {}, rows)));
}

function summaryPanel({ scenario: s, report: r }) {
  const w = s.workload;
  const line = `${fmt.tokens(r.tokens_per_month)} tokens/month (${fmt.short(r.tokens_per_month)}) · ${fmt.pct(w.input_share)} input, ${fmt.pct(w.cached_input_share)} of it cached · ${fmt.pct(w.batch_share)} batch · ${r.hours_per_month}-hour month · ${r.currency}`;
  const v = r.verdict;
  return h('div', { class: 'summary' },
    h('h3', { id: 'scenario-name' }, r.scenario),
    h('p', { class: 'help', id: 'workload-line' }, line),
    h('p', { class: `verdict ${v.kind}`, id: 'verdict', 'aria-live': 'polite', 'data-k': 'verdict.summary' }, v.summary));
}

// The cost-versus-volume chart, drawn by tco-chart (CostChart) through the binding.
function chartPanel({ report: r }) {
  const c = state.chart;
  if (!c) return null;
  if (c.Err != null) return h('p', { class: 'error' }, `The chart cannot be drawn: ${c.Err}`);
  const svg = c.Ok;
  const doc = new DOMParser().parseFromString(svg, 'image/svg+xml');
  const root = doc.documentElement;
  if (root.nodeName !== 'svg') return h('p', { class: 'error' }, 'The chart cannot be drawn.');
  root.setAttribute('role', 'img');
  root.setAttribute('aria-label', `Monthly cost against token volume for ${r.scenario}, with break-even points`);
  root.removeAttribute('width');
  root.removeAttribute('height');
  return h('figure', { class: 'chart', id: 'cost-chart' },
    h('div', { class: 'chart-scroll', tabindex: 0, role: 'region', 'aria-label': 'Cost chart (scrolls sideways on small screens)' }, document.importNode(root, true)),
    h('figcaption', {}, 'Monthly cost against token volume (log scales). Dots mark where a local option starts to cost no more than an API; the dashed line is your volume.'));
}

function apiPanel({ report: r }) {
  const rows = r.api.map((a, i) => h('tr', {},
    h('th', { scope: 'row' }, a.name),
    fig(fmt.price(a.blended_per_mtok), `api.${i}.blended_per_mtok`, a.blended_per_mtok),
    fig(fmt.money(a.monthly_cost), `api.${i}.monthly_cost`, a.monthly_cost)));
  return table('API options', ['API option', 'Blended /MTok', 'Monthly cost'], rows, [false, true, true]);
}

function localPanel({ report: r }) {
  const rows = r.local.map((l, j) => h('tr', { class: l.can_serve ? null : 'cannot' },
    h('th', { scope: 'row' }, l.name),
    fig(l.can_serve ? String(l.nodes) : (l.infeasible ? '— (infeasible)' : `${l.nodes} (over max_nodes)`), `local.${j}.nodes`, l.nodes),
    fig(fmt.pct(l.utilization), `local.${j}.utilization`, l.utilization),
    fig(fmt.tokens(l.capacity_tokens_per_month), `local.${j}.capacity_tokens_per_month`, l.capacity_tokens_per_month),
    fig(l.cost_per_mtok == null ? '—' : fmt.price(l.cost_per_mtok), `local.${j}.cost_per_mtok`, l.cost_per_mtok ?? ''),
    fig(fmt.money(l.monthly_cost), `local.${j}.monthly_cost`, l.monthly_cost)));
  return table('Local options', ['Local option', 'Nodes', 'Utilization', 'Capacity/node (tokens/month)', 'Cost /MTok', 'Monthly cost'], rows, [false, true, true, true, true, true]);
}

function breakdownPanel({ report: r }) {
  const parts = [['hardware', 'Hardware'], ['power', 'Power'], ['staff', 'Staff'], ['other', 'Other'], ['overhead', 'Overhead']];
  const rows = r.local.map((l, j) => h('tr', {},
    h('th', { scope: 'row' }, l.name),
    parts.map(([k]) => fig(fmt.money(l.breakdown[k]), `local.${j}.breakdown.${k}`, l.breakdown[k])),
    fig(fmt.money(l.monthly_cost), `local.${j}.monthly_cost`, l.monthly_cost)));
  return table('Cost breakdown per month', ['Local option', ...parts.map((p) => p[1]), 'Total'], rows, [false, true, true, true, true, true, true]);
}

function breakEvenPanel({ report: r }) {
  const rows = r.break_even.map((b, k) => h('tr', { class: `status-${b.status}` },
    h('td', {}, b.local),
    h('td', {}, b.api),
    h('td', { 'data-k': `break_even.${k}.status`, 'data-exact': b.status }, h('span', { class: `badge ${b.status}` }, b.status)),
    fig(b.tokens_per_month == null ? '—' : `${fmt.tokens(b.tokens_per_month)} (${fmt.short(b.tokens_per_month)})`, `break_even.${k}.tokens_per_month`, b.tokens_per_month ?? ''),
    h('td', {}, state.wins[k]),
    fig(state.payback[k], `break_even.${k}.payback_months`, b.payback_months ?? '')));
  return table('Break-even', ['Local', 'API', 'Status', 'Local cheaper from (tokens/month)', 'Local wins', 'Payback'], rows, [false, false, false, true, false, true]);
}

// ---------------------------------------------------------------- uncertainty

// Monte Carlo over the scenario's distributions: `tco simulate --samples 10000
// --seed 42`, the same numbers as the CLI. It runs after typing pauses, so that
// a keystroke never waits for it.
// tco-core's DEFAULT_SAMPLES and DEFAULT_SEED, as in `tco simulate` and the TUI:
// the same scenario shows the same percentiles on every face.
const SIM = { samples: 10000, seed: 42, delay: 250 };
const sim = { timer: 0, key: '', json: null, pair: 0, ms: null };

function simPanel() {
  const box = h('section', { id: 'sim-panel', class: 'sim', 'aria-labelledby': 'sim-title', hidden: true });
  clearTimeout(sim.timer);
  const key = `${state.origin}\n${state.text}`;
  if (sim.key === key && sim.json) {
    fillSim(box);
  } else {
    box.dataset.state = 'pending';
    sim.timer = setTimeout(() => runSim(key), SIM.delay);
  }
  return box;
}

function runSim(key) {
  const box = $('sim-panel');
  if (!box || key !== `${state.origin}\n${state.text}`) return;
  try {
    const t0 = performance.now();
    const text = tco.simulate(state.text, state.origin, SIM.samples, SIM.seed);
    sim.ms = performance.now() - t0;
    sim.text = text;
    sim.json = JSON.parse(text);
    sim.key = key;
    if (sim.pair >= sim.json.break_even.length) sim.pair = 0;
  } catch (e) {
    sim.json = null;
    sim.key = '';
    box.hidden = false;
    box.replaceChildren(h('p', { class: 'error' }, `The simulation cannot run: ${describe(e)}`));
    return;
  }
  fillSim(box);
}

function svgNode(svg, label) {
  const root = new DOMParser().parseFromString(svg, 'image/svg+xml').documentElement;
  if (root.nodeName !== 'svg') return h('p', { class: 'error' }, 'The chart cannot be drawn.');
  root.setAttribute('role', 'img');
  root.setAttribute('aria-label', label);
  root.removeAttribute('width');
  root.removeAttribute('height');
  return h('div', { class: 'chart-scroll', tabindex: 0, role: 'region', 'aria-label': `${label} (scrolls sideways on small screens)` }, document.importNode(root, true));
}

// A simulation figure: checked against `tco simulate` by its own key (data-sim),
// apart from the report's figures (data-k).
function simFig(text, key, exact) {
  return h('td', { class: 'num', 'data-sim': key, 'data-exact': exact }, text);
}

function fillSim(box) {
  const d = sim.json;
  box.dataset.state = 'done';
  if (!d || d.inputs.length === 0) { box.hidden = true; box.replaceChildren(); return; }
  box.hidden = false;
  const vol = (v) => (v == null ? 'never' : fmt.short(v));
  const q = ['p5', 'p10', 'p50', 'p90', 'p95'];
  const rows = d.break_even.map((b, k) => h('tr', { class: k === sim.pair ? 'picked' : null },
    h('td', {}, b.local),
    h('td', {}, b.api),
    ...q.map((p) => simFig(vol(b.break_even_percentiles[p]), `break_even.${k}.break_even_percentiles.${p}`, b.break_even_percentiles[p] ?? '')),
    simFig(fmt.pct(b.never_share), `break_even.${k}.never_share`, b.never_share),
    simFig(fmt.pct(b.prob_local_cheaper), `break_even.${k}.prob_local_cheaper`, b.prob_local_cheaper)));
  const pick = h('select', { id: 'sim-pair' },
    d.break_even.map((b, k) => h('option', { value: k, selected: k === sim.pair }, `${b.local} vs ${b.api}`)));
  pick.addEventListener('change', () => { sim.pair = Number(pick.value); fillSim(box); });
  const b = d.break_even[sim.pair];
  let hist; let torn;
  try {
    hist = svgNode(tco.histogramChart(state.text, state.origin, SIM.samples, SIM.seed, sim.pair),
      `Histogram of the break-even volume, ${b.local} vs ${b.api}`);
  } catch (e) { hist = h('p', { class: 'error' }, `The histogram cannot be drawn: ${describe(e)}`); }
  try {
    const svg = tco.tornadoChart(state.text, state.origin, false, sim.pair, 'break-even', 10);
    torn = svg == null ? h('p', { class: 'help' }, 'No uncertain input moves this break-even.')
      : svgNode(svg, `Which inputs move the break-even volume, ${b.local} vs ${b.api}`);
  } catch (e) { torn = h('p', { class: 'error' }, `The tornado cannot be drawn: ${describe(e)}`); }
  box.replaceChildren(
    h('h3', { id: 'sim-title' }, 'Uncertainty'),
    h('p', { class: 'help', id: 'sim-line', 'data-ms': sim.ms?.toFixed(1) },
      `${d.inputs.length} uncertain input${d.inputs.length === 1 ? '' : 's'} · ${fmt.tokens(d.samples)} samples, seed ${d.seed} (tco simulate --samples ${d.samples} --seed ${d.seed} gives the same numbers).`),
    table('Break-even volume across the samples (tokens/month) and the chance local costs no more at your volume',
      ['Local', 'API', 'P5', 'P10', 'P50', 'P90', 'P95', 'Never', 'P(local cheaper)'], rows,
      [false, false, true, true, true, true, true, true, true]),
    h('div', { class: 'field' }, h('label', { for: 'sim-pair' }, 'Pair shown in the charts'), pick),
    h('figure', { class: 'chart', id: 'sim-histogram' }, hist,
      h('figcaption', {}, `Break-even volume of ${b.local} vs ${b.api} over ${fmt.tokens(d.samples)} samples.`)),
    h('figure', { class: 'chart', id: 'sim-tornado' }, torn,
      h('figcaption', {}, 'Break-even volume with each input at its low and its high end, the others at their point values (tco sensitivity).')));
}

// The notes under the tables, as the core writes them for every face.
function notesPanel() {
  const notes = state.notes;
  if (!notes.length) return null;
  return h('section', { class: 'notes', 'aria-labelledby': 'notes-title' },
    h('h3', { id: 'notes-title' }, 'Notes'),
    h('ul', {}, notes.map((n) => h('li', {}, n))));
}

// ---------------------------------------------------------------- start

function wire() {
  const sel = $('bundled');
  sel.replaceChildren(
    h('option', { value: '' }, '(your own scenario)'),
    ...bundled.map((b) => h('option', { value: b.id }, `${b.id} — ${b.name}`)));
  sel.addEventListener('change', () => {
    const b = bundled.find((x) => x.id === sel.value);
    if (b) tryLoad(b.text, b.path);
  });
  $('upload').addEventListener('change', async (ev) => {
    const file = ev.target.files?.[0];
    if (!file) return;
    tryLoad(await file.text(), file.name);
    ev.target.value = '';
  });
  $('yaml').addEventListener('input', onYamlInput);
  $('dl-yaml').addEventListener('click', () => download(`${baseName()}.yaml`, state.text, 'application/yaml'));
  $('dl-csv').addEventListener('click', () => download(`${baseName()}-report.csv`, tco.reportCsv(state.text, state.origin), 'text/csv'));
  $('dl-breakeven').addEventListener('click', () => download(`${baseName()}-breakeven.csv`, tco.breakEvenCsv(state.text, state.origin), 'text/csv'));
  $('dl-json').addEventListener('click', () => download(`${baseName()}-report.json`, state.reportJson, 'application/json'));
  // The one-page report `tco report --format html` writes, for a CFO: it
  // prints on one or two A4 pages and needs no network.
  $('dl-html').addEventListener('click', () => download(`${baseName()}-report.html`, tco.reportHtml(state.text, state.origin), 'text/html'));
  $('print').addEventListener('click', () => window.print());
  $('copy-link').addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(location.href);
      status('Link copied: it holds the whole scenario.');
    } catch {
      status('Copy the address bar: the link holds the whole scenario.');
    }
  });
  window.addEventListener('hashchange', async () => {
    if (location.hash === urlWritten) return;
    const from = await readFragment().catch(() => null);
    if (from) tryLoad(from.text, from.origin);
  });
}

async function main() {
  await init();
  tco = new core.Tco();
  specs = new Map(JSON.parse(core.fieldSpecs()).map((f) => [f.path, f]));
  prices = JSON.parse(tco.prices()).models;
  machines = JSON.parse(tco.hardware()).hardware;
  bundled = JSON.parse(core.bundledScenarios()).map((b) => {
    let name = b.id;
    try { name = JSON.parse(tco.validate(b.text, b.path)).name; } catch { /* shown when chosen */ }
    return { ...b, name };
  });
  wire();
  let start = null;
  try {
    start = await readFragment();
  } catch (e) {
    status(`This link's scenario cannot be read (${e.message}); showing the flagship scenario.`);
  }
  if (!start) {
    const f = bundled.find((b) => b.id === core.flagshipId());
    start = { text: f.text, origin: f.path };
  }
  tryLoad(start.text, start.origin);
  $('build').textContent = `tco ${core.version()}`;
  $('loading').remove();
  document.body.dataset.ready = 'true';
}

// The page's state for checks in tests and the console; nothing reads it back.
window.tcoPage = { state, sim, core: () => tco };

main().catch((e) => {
  $('loading').textContent = `The calculator could not start: ${e.message}`;
  $('loading').classList.add('error');
  console.error(e);
});
