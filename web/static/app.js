/* lca web calculator: a form over POST /v1/estimates and POST /v1/comparisons.
 *
 * No framework and no build step: the page's Content-Security-Policy allows only scripts and
 * styles served by this app, so nothing here writes inline styles or event handlers, and all
 * text goes into the page as text nodes. Charts are drawn by the vendored Chart.js
 * (web/static/vendor/chartjs). The form's state is a flat object keyed by the controls' names
 * (the dotted paths of the profile), which is also what the shareable URL carries.
 */
(function () {
  "use strict";

  const INDICATORS = ["energy", "gwp", "water", "adpe", "pe"];
  const LABELS = {
    energy: "Energy",
    gwp: "Greenhouse gases",
    water: "Water consumed",
    adpe: "Abiotic resources",
    pe: "Primary energy",
  };
  const SUBLABELS = {
    energy: "electricity at the facility",
    gwp: "CO₂ equivalent (GWP)",
    water: "on site, off site, manufacturing",
    adpe: "antimony equivalent (ADPe)",
    pe: "non-renewable (ADPf)",
  };
  const SHORT = { energy: "Energy", gwp: "GHG", water: "Water", adpe: "ADPe", pe: "Primary energy" };
  // Display units by indicator: [label, size in the API's canonical unit].
  const SCALES = {
    energy: [["Wh", 1e-3], ["kWh", 1], ["MWh", 1e3], ["GWh", 1e6], ["TWh", 1e9]],
    gwp: [["mg CO₂e", 1e-6], ["g CO₂e", 1e-3], ["kg CO₂e", 1], ["t CO₂e", 1e3],
      ["kt CO₂e", 1e6], ["Mt CO₂e", 1e9]],
    water: [["mL", 1e-3], ["L", 1], ["m³", 1e3], ["million m³", 1e9]],
    adpe: [["ng Sb eq", 1e-12], ["µg Sb eq", 1e-9], ["mg Sb eq", 1e-6], ["g Sb eq", 1e-3],
      ["kg Sb eq", 1], ["t Sb eq", 1e3]],
    pe: [["J", 1e-6], ["kJ", 1e-3], ["MJ", 1], ["GJ", 1e3], ["TJ", 1e6], ["PJ", 1e9]],
  };
  const BLOCKS = {
    "inference.per_request": "Per request",
    "training.impacts": "Training",
    "lifecycle.total": "Lifecycle total",
    "lifecycle.per_request": "Lifecycle per request",
    "inference.total": "Inference total",
  };
  const TRAINING_PATHS = {
    measured_energy: "measured energy",
    accelerator_hours: "accelerator-hours",
    accelerator_count_x_duration: "accelerator count × duration",
    compute: "compute ÷ (peak FLOP/s × utilization)",
  };
  // Fields of each training path, sent only when their path is chosen.
  const PATH_FIELDS = {
    energy: ["energy", "energy_scope"],
    accelerator_hours: ["accelerator_hours"],
    count_duration: ["accelerator_count", "duration"],
    compute: ["tokens", "compute", "utilization"],
  };
  const IDS = new Set(["model.preset", "model.precision", "training.hardware",
    "training.location", "training.datacenter", "training.energy_scope", "inference.hardware",
    "inference.location", "inference.datacenter", "inference.task", "inference.serving"]);
  // The traffic figures shown (inference.traffic.* and the batch that follows from them), in
  // this order; their labels are the response schema's descriptions in /openapi.json.
  const TRAFFIC_FIGURES = [["InferenceTraffic", "replicas"],
    ["InferenceTraffic", "replicas_needed"], ["InferenceTraffic", "utilization"],
    ["InferenceTraffic", "concurrency"], ["Replica", "batch_size"],
    ["InferenceTraffic", "capacity"], ["InferenceTraffic", "busy_replica_hours_per_day"],
    ["InferenceTraffic", "idle_replica_hours_per_day"]];
  const PROVIDERS = { aws: "AWS regions", gcp: "Google Cloud regions",
    azure: "Microsoft Azure regions" };
  const PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00",
    "#7A6FBE", "#333333"];
  const SPLIT_COLOURS = ["#0b5f8a", "#8cc3df", "#c25700", "#f2bd8a"];
  // One marker shape per scenario as well as a colour, for readers who do not tell colours apart.
  const POINT_STYLES = ["circle", "rect", "triangle", "rectRot", "star", "crossRot",
    "rectRounded", "cross"];
  // The comparison's score settings in the shareable URL, next to "scenarios" and "baseline".
  const SCORE_PARAMS = { name: "score_name", higher: "score_higher", target: "target_score",
    indicator: "score_indicator" };
  const COMPARE_PARAMS = new Set(["scenarios", "baseline", ...Object.values(SCORE_PARAMS)]);
  const FOOTPRINTS = {
    "lifecycle.per_request": "lifecycle per request (training amortised over the requests "
      + "served)",
    "inference.per_request": "inference per request (training left out: not every scored "
      + "scenario has a lifecycle)",
  };
  const MAX_SCENARIOS = 100;

  const $ = (selector, root) => (root || document).querySelector(selector);
  const $$ = (selector, root) => Array.from((root || document).querySelectorAll(selector));
  const form = $("#profile-form");
  const tables = {};
  let schemas = {}; // components.schemas of /openapi.json: the fields' docs, choices, figures
  const charts = { split: null, compare: null, rightSizing: null };
  let last = null; // {state, profile, estimate} of the estimate shown
  let scenarios = []; // [{state}]
  let baseline = 0;
  let comparison = null;
  let estimateSeq = 0;
  let compareSeq = 0;
  let sentBody = null; // the JSON of the last comparison asked for (skips asking twice)
  let equivalences = null; // /web/equivalences.json: everyday items, with their sources
  let liveTimer = null; // the pending live estimate (debounced after an input changes)
  let liveOn = false; // live estimates start once the form is filled in
  const LIVE_DELAY_MS = 300;
  const TOP_DRIVERS = 3; // drivers shown per indicator until "Show all" is pressed
  let allDrivers = false;

  // ---------- small helpers ----------

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (key === "class") node.className = value;
      else if (key === "text") node.textContent = value;
      else node.setAttribute(key, value === true ? "" : String(value));
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined || child === false) continue;
      node.append(child instanceof Node ? child : String(child));
    }
    return node;
  }

  const NUMBER = new Intl.NumberFormat("en", { maximumSignificantDigits: 3 });
  const PERCENT = new Intl.NumberFormat("en", { maximumSignificantDigits: 3 });

  function fmt(x) {
    if (x === null || x === undefined || !Number.isFinite(x)) return "–";
    if (x === 0) return "0";
    const a = Math.abs(x);
    if (a < 1e-3 || a >= 1e15) return x.toExponential(2).replace("e+", "e");
    return NUMBER.format(x);
  }

  function fmtCount(n) {
    if (n === null || n === undefined || !Number.isFinite(n)) return "–";
    const a = Math.abs(n);
    if (a >= 1e15) return n.toExponential(2).replace("e+", "e");
    if (a >= 1e12) return `${NUMBER.format(n / 1e12)} trillion`;
    if (a >= 1e9) return `${NUMBER.format(n / 1e9)} billion`;
    if (a >= 1e6) return `${NUMBER.format(n / 1e6)} million`;
    return NUMBER.format(n);
  }

  function fmtPercent(share) {
    if (share === null || share === undefined || !Number.isFinite(share)) return "–";
    return `${PERCENT.format(share * 100)} %`;
  }

  function scaleFor(indicator, value) {
    const ladder = SCALES[indicator];
    const a = Math.abs(value || 0);
    let pick = ladder[0];
    if (a === 0) return ladder.find((s) => s[1] === 1) || pick;
    for (const step of ladder) if (a >= step[1] * 0.9995) pick = step;
    return pick;
  }

  /** A quantity {value, low, high} (canonical unit) in a unit for people. */
  function human(indicator, q, scale) {
    const [unit, size] = scale || scaleFor(indicator, q && q.value);
    const part = (x) => (x === null || x === undefined ? null : x / size);
    return { unit, value: part(q && q.value), low: part(q && q.low), high: part(q && q.high) };
  }

  function humanText(indicator, value) {
    const h = human(indicator, { value });
    return `${fmt(h.value)} ${h.unit}`;
  }

  function getPath(object, dotted) {
    let node = object;
    for (const key of dotted.split(".")) {
      if (node === null || node === undefined) return undefined;
      node = node[key];
    }
    return node;
  }

  function rowOf(table, key) {
    return (tables[table] || []).find((row) => row.key === key || row.region === key);
  }

  function labelOf(table, key) {
    const row = rowOf(table, key);
    return row ? row.label : key;
  }

  function locationLabel(key) {
    return rowOf("zones", key) ? labelOf("zones", key) : labelOf("regions", key);
  }

  function expString(x) {
    return x.toExponential().replace("e+", "e");
  }

  function setStatus(node, text, isError) {
    node.textContent = text;
    node.classList.toggle("error", Boolean(isError));
  }

  const status = $("#status");
  const compareStatus = $("#compare-status");
  const exportStatus = $("#export-status");

  // ---------- factor tables and the form's options ----------

  async function loadTables() {
    const names = ["models", "hardware", "zones", "regions", "datacenters", "constants",
      "tasks"];
    const bodies = await Promise.all(names.map(async (name) => {
      const response = await fetch(`v1/factors/${name}`, { headers: { Accept: "application/json" } });
      if (!response.ok) throw new Error(`GET /v1/factors/${name} answered ${response.status}`);
      return response.json();
    }));
    names.forEach((name, i) => { tables[name] = bodies[i].rows; });
    const response = await fetch("openapi.json", { headers: { Accept: "application/json" } });
    if (!response.ok) throw new Error(`GET /openapi.json answered ${response.status}`);
    schemas = (await response.json()).components.schemas;
    try {
      const items = await fetch("web/equivalences.json", { headers: { Accept: "application/json" } });
      equivalences = items.ok ? await items.json() : null;
    } catch (_) {
      equivalences = null; // illustrations are optional: the figures stand without them
    }
  }

  /** The OpenAPI schema of ``Schema.property`` (e.g. "Inference.serving"), or {}. */
  function schemaOf(dotted) {
    const [name, property] = dotted.split(".");
    const props = (schemas[name] || {}).properties || {};
    return props[property] || {};
  }

  /** A field's description up to its first sentence, as a sentence: what the API says the
   * field is ("(traffic mode)" left out: the traffic fields sit in their own group). */
  function docOf(dotted) {
    let text = (schemaOf(dotted).description || "").replace(/ \(traffic mode\)/, "");
    const end = text.indexOf(". ");
    if (end >= 0) text = text.slice(0, end);
    text = text.replace(/\.$/, "");
    return text ? `${text[0].toUpperCase()}${text.slice(1)}.` : "";
  }

  /** A figure's label: its description without the clause on when it is present. */
  function figureLabel(dotted) {
    const text = schemaOf(dotted).description || dotted;
    return text.replace(/[;,] (in [^;]*; )?present only when.*$/, "").replace(/\.$/, "");
  }

  /** The choices of a select from its field's enum in /openapi.json; each one's words are the
   * parenthesis that follows it in the description, where there is one. */
  function populateEnums() {
    for (const select of $$("select[data-enum]", form)) {
      const schema = schemaOf(select.dataset.enum);
      const description = schema.description || "";
      const values = (schema.enum || []).filter((v) => typeof v === "string");
      const words = (value) => {
        const match = description.match(new RegExp(`\\b${value} \\(([^)]*)\\)`));
        return match ? match[1] : "";
      };
      const fallback = values.find((v) => /\bthe default\b/.test(words(v)));
      select.append(option("", fallback ? `Default (${fallback})` : "Default", true));
      for (const value of values) {
        const text = words(value).replace(/, the default$/, "");
        select.append(option(value, text ? `${value}: ${text}` : value, false));
      }
    }
    for (const hint of $$("[data-doc]", form)) {  // in the form's words, as errors are
      hint.textContent = formMessage(docOf(hint.dataset.doc), hint.dataset.doc.toLowerCase());
    }
  }

  function option(value, text, isDefault) {
    const node = el("option", { value, text });
    if (isDefault) node.defaultSelected = true;
    return node;
  }

  function populate() {
    const preset = form.elements.namedItem("model.preset");
    for (const row of tables.models) {
      preset.append(option(row.key, row.label, row.key === preset.dataset.defaultValue));
    }
    for (const select of $$("select[data-table]", form)) {
      const wanted = select.dataset.defaultValue || "";
      const table = select.dataset.table;
      if (table === "hardware") {
        const rows = [...tables.hardware].sort((a, b) => a.label.localeCompare(b.label));
        for (const row of rows) select.append(option(row.key, row.label, row.key === wanted));
      } else if (table === "datacenters") {
        select.append(option("", "Default (the cloud region's, else industry average)",
          wanted === ""));
        for (const row of tables.datacenters) {
          select.append(option(row.key, row.label, row.key === wanted));
        }
      } else if (table === "locations") {
        const countries = el("optgroup", { label: "Countries and the world average" });
        const zones = [...tables.zones].sort((a, b) => (a.key === "WOR" ? -1 : b.key === "WOR"
          ? 1 : a.label.localeCompare(b.label)));
        for (const row of zones) {
          const text = row.key === "WOR" ? "World average" : `${row.label} (${row.key})`;
          countries.append(option(row.key, text, row.key === wanted));
        }
        select.append(countries);
        const groups = {};
        for (const row of tables.regions) {
          if (!groups[row.provider]) {
            groups[row.provider] = el("optgroup", { label: PROVIDERS[row.provider]
              || `${row.provider} regions` });
          }
          groups[row.provider].append(option(row.region, row.label, row.region === wanted));
        }
        for (const name of Object.keys(groups).sort()) select.append(groups[name]);
      }
    }
    for (const input of $$("input[data-default-value]", form)) {
      input.defaultValue = input.dataset.defaultValue;
    }
    for (const input of $$("input[data-default]", form)) {
      const [table, key] = input.dataset.default.split(".");
      const row = rowOf(table, key);
      const factor = row && row.attributes.value;
      if (!factor) continue;
      let text = fmt(factor.value);
      if (factor.unit === "h" && factor.value % 8766 === 0) text = `${factor.value / 8766} year`;
      else if (!["dimensionless", "token"].includes(factor.unit)) text += ` ${factor.unit}`;
      input.placeholder = `default: ${text}`;
    }
    populateEnums();
    updateTaskDefaults();
  }

  /** The prompt and answer placeholders: the chosen task's medians (chat by default). */
  function updateTaskDefaults() {
    const task = form.elements.namedItem("inference.task").value || "chat";
    const row = rowOf("tasks", task);
    for (const input of $$("input[data-task-length]", form)) {
      const factor = row && row.attributes[input.dataset.taskLength];
      input.placeholder = factor  // the number first: a narrow box cuts the task's name
        ? `${Math.round(factor.value).toLocaleString("en-US")} (${task})` : "";
    }
  }

  function presetTokens(key) {
    const row = rowOf("models", key);
    const tokens = row && row.attributes.training_tokens;
    return tokens ? expString(tokens.value) : "";
  }

  function updatePresetHint() {
    const key = form.elements.namedItem("model.preset").value;
    const row = rowOf("models", key);
    const hint = $("#h-model-preset");
    if (!row) { hint.textContent = ""; return; }
    const a = row.attributes;
    const parts = [`${fmtCount(a.parameters.value)} parameters`];
    if (a.active_parameters && a.active_parameters.value !== a.parameters.value) {
      parts[0] += `, ${fmtCount(a.active_parameters.value)} active`;
    }
    if (a.training_tokens) parts.push(`${fmtCount(a.training_tokens.value)} training tokens`);
    else parts.push("training tokens not published");
    hint.textContent = `${parts.join(" · ")}.`;
  }

  /** When the preset changes, its training tokens replace the previous preset's (not a
   * number the user typed). */
  function presetChanged() {
    const tokens = form.elements.namedItem("training.tokens");
    const fresh = presetTokens(form.elements.namedItem("model.preset").value);
    if (tokens.value.trim() === (tokens.dataset.autoValue || "")) tokens.value = fresh;
    tokens.dataset.autoValue = fresh;
    updatePresetHint();
  }

  // ---------- form state ----------

  function controls() {
    return $$("input[name], select[name], textarea[name]", form);
  }

  function isActive(control) {
    return !control.closest("[data-when][hidden]");
  }

  function currentValue(name) {
    const item = form.elements.namedItem(name);
    if (!item) return "";
    if (item instanceof RadioNodeList) return item.value;
    if (item.type === "checkbox") return item.checked ? "1" : "0";
    return item.value;
  }

  function updateVisibility() {
    for (const group of $$("[data-when]", form)) {
      const [name, value] = group.dataset.when.split("=");
      group.hidden = currentValue(name) !== value;
    }
  }

  /** The form as a flat object: control name -> string. Values of hidden groups are left out;
   * an empty field whose default is not empty is kept as "" so that it stays empty. */
  function readForm() {
    const state = {};
    for (const control of controls()) {
      if (!isActive(control)) continue;
      if (control.type === "radio") {
        if (control.checked) state[control.name] = control.value;
      } else if (control.type === "checkbox") {
        if (control.checked !== control.defaultChecked) {
          state[control.name] = control.checked ? "1" : "0";
        }
      } else {
        const value = control.value.trim();
        const hasDefault = control.tagName === "SELECT"
          ? Boolean(control.dataset.defaultValue) : control.defaultValue !== ""
            || control.name === "training.tokens";
        if (value !== "" || hasDefault) state[control.name] = value;
      }
    }
    return state;
  }

  function resetForm() {
    HTMLFormElement.prototype.reset.call(form);
    const tokens = form.elements.namedItem("training.tokens");
    tokens.dataset.autoValue = presetTokens(form.elements.namedItem("model.preset").value);
    tokens.value = tokens.dataset.autoValue;
    updateVisibility();
    updatePresetHint();
  }

  function writeForm(state) {
    resetForm();
    for (const [name, raw] of Object.entries(state || {})) {
      const item = form.elements.namedItem(name);
      const value = String(raw);
      if (!item) continue;
      if (item instanceof RadioNodeList) {
        for (const radio of item) radio.checked = radio.value === value;
      } else if (item.type === "checkbox") {
        item.checked = value === "1";
      } else if (item.tagName === "SELECT") {
        if (![...item.options].some((o) => o.value === value)) {
          item.append(el("option", { value, text: `${value} (not in the tables)` }));
        }
        item.value = value;
      } else {
        item.value = value;
      }
    }
    const tokens = form.elements.namedItem("training.tokens");
    tokens.dataset.autoValue = presetTokens(form.elements.namedItem("model.preset").value);
    if (!("training.tokens" in (state || {}))) tokens.value = tokens.dataset.autoValue;
    updateVisibility();
    updatePresetHint();
  }

  /** A number when the text is a plain number, else the text (a quantity with its unit). */
  function quantity(text) {
    const t = String(text).trim();
    return /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(t) ? Number(t) : t;
  }

  /** Copy the non-empty fields ``prefix.name`` of ``state`` into ``target``. */
  function copyFields(target, state, prefix, names) {
    for (const name of names) {
      const path = prefix ? `${prefix}.${name}` : name;
      const raw = state[path];
      if (raw === undefined || raw === null || String(raw).trim() === "") continue;
      target[name] = IDS.has(path) ? String(raw).trim() : quantity(raw);
    }
    return target;
  }

  /** The API profile for a form state. */
  function profileFrom(state) {
    const profile = {};
    if (state.name) profile.name = state.name;
    const model = state["model.mode"] === "custom"
      ? copyFields({}, state, "model", ["parameters", "active_parameters"])
      : { preset: state["model.preset"] || form.elements.namedItem("model.preset").value };
    profile.model = copyFields(model, state, "model", ["precision"]);
    if (state["training.on"] !== "0") {
      const path = PATH_FIELDS[state["training.path"]] ? state["training.path"] : "compute";
      let fields = PATH_FIELDS[path];
      if (path === "compute" && state["training.compute"]) {
        fields = fields.filter((f) => f !== "tokens"); // compute replaces tokens
      }
      profile.training = copyFields({}, state, "training",
        [...fields, "hardware", "location", "datacenter", "overhead"]);
    }
    if (state["inference.on"] !== "0") {
      const common = ["hardware", "location", "datacenter", "task", "input_tokens",
        "output_tokens", "serving"];
      if (state["inference.mode"] === "traffic") {
        // Traffic: the rate and the replicas give the batch and the idle time, so batch_size and
        // fleet_utilization (refused beside a rate) are never sent; the duration gives a total.
        const replicas = state["inference.scaling"] === "autoscaled"
          ? ["min_replicas", "max_replicas"] : ["replicas"];
        profile.inference = copyFields({}, state, "inference", [...common, ...replicas,
          "max_batch_size", "duration"]);
        // A rate per day is requests_per_day where the API reads that as a rate (beside replicas
        // or min_replicas); with max_replicas alone it would be a volume, so there the rate goes
        // as requests_per_second with its unit.
        const rate = String(state["inference.rate"] || "").trim();
        const perDay = state["inference.rate_unit"] === "day";
        const sure = "replicas" in profile.inference || "min_replicas" in profile.inference;
        if (rate && perDay && sure) profile.inference.requests_per_day = quantity(rate);
        else if (rate && perDay && typeof quantity(rate) === "number") {
          profile.inference.requests_per_second = `${rate} request/day`;
        } else if (rate) profile.inference.requests_per_second = quantity(rate);
      } else {
        // A duration means nothing without a number of requests per day: per request only.
        const volume = String(state["inference.requests_per_day"] || "").trim()
          ? ["requests_per_day", "duration"] : [];
        profile.inference = copyFields({}, state, "inference", [...common, "batch_size",
          "fleet_utilization", ...volume]);
      }
    }
    copyFields(profile, state, "", ["hardware_lifetime"]);
    if (state["uncertainty.on"] === "0") profile.uncertainty = false;
    return profile;
  }

  // ---------- errors next to the fields ----------

  function labelText(control) {
    const label = control.id && $(`label[for="${control.id}"]`);
    return label ? label.textContent.replace(/\s+/g, " ").trim() : control.name;
  }

  // The Julian year in hours, as lca/units.py (HOURS_PER_YEAR): ranges in hours also in years.
  const HOURS_PER_YEAR = 8766;
  const EXACT = new Intl.NumberFormat("en", { maximumSignificantDigits: 15 });

  /** A bound or a value of an API message for people (1e+07 -> 10 million), never rounded. */
  function exact(x) {
    const a = Math.abs(x);
    if (a >= 1e15) return x.toExponential().replace("e+", "e");
    if (a >= 1e12) return `${EXACT.format(x / 1e12)} trillion`;
    if (a >= 1e9) return `${EXACT.format(x / 1e9)} billion`;
    if (a >= 1e6) return `${EXACT.format(x / 1e6)} million`;
    return EXACT.format(x);
  }

  /** The control of the form that an API message names (`requests_per_day`), if any. */
  function namedControl(name, field) {
    const section = (field || "").split(".")[0];
    for (const candidate of [name, `${section}.${name}`]) {
      const item = form.elements.namedItem(candidate);
      if (item && !(item instanceof RadioNodeList) && item.id
          && $(`label[for="${item.id}"]`)) return item;
    }
    return null;
  }

  /** A label without its "(optional)" note. */
  function shortLabel(control) {
    const label = $(`label[for="${control.id}"]`).cloneNode(true);
    for (const note of $$(".optional", label)) note.remove();
    return label.textContent.replace(/\s+/g, " ").trim();
  }

  /**
   * An API message about `field` in the form's words: the fields it names by their labels
   * ("needed with “Requests per day”"), numbers in digits, and an accepted range in words
   * ("[1, 4096]" -> "at least 1 and at most 4,096"; hours also in years).
   */
  function formMessage(message, field) {
    return String(message)
      .replace(/\b[a-z][a-z0-9]*(?:[._][a-z0-9]+)+\b/g, (name) => {
        const control = namedControl(name, field);
        return control ? `“${shortLabel(control)}”` : name;
      })
      .replace(/the accepted range ([[(])(\S+), (\S+)]( .+)?$/,
        (_, left, low, high, unit = "") => {
          const [lo, hi] = [Number(low), Number(high)];
          const years = unit.trim() === "h" && hi >= HOURS_PER_YEAR
            ? ` (${exact(lo / HOURS_PER_YEAR)} to ${exact(hi / HOURS_PER_YEAR)} years)` : "";
          return `the accepted range: ${left === "(" ? "more than" : "at least"} ${exact(lo)} `
            + `and at most ${exact(hi)}${unit === " token" ? " tokens" : unit}${years}`;
        })
      .replace(/(?<![\w.'])-?\d+(?:\.\d+)?e[+-]\d+\b/g, (n) => exact(Number(n)));
  }

  function clearErrors() {
    for (const control of $$("[aria-invalid]", form)) clearFieldError(control);
    for (const node of $$(".field-error[data-generated]", form)) node.remove();
    for (const node of $$(".section-error", form)) { node.hidden = true; node.textContent = ""; }
    const summary = $("#form-errors");
    summary.hidden = true;
    summary.replaceChildren();
  }

  function clearFieldError(control) {
    if (!control.hasAttribute("aria-invalid")) return;
    control.removeAttribute("aria-invalid");
    const message = document.getElementById(`${control.id}-error`);
    if (message) message.remove();
    const ids = (control.getAttribute("aria-describedby") || "").split(" ")
      .filter((id) => id && id !== `${control.id}-error`);
    if (ids.length) control.setAttribute("aria-describedby", ids.join(" "));
    else control.removeAttribute("aria-describedby");
  }

  /** Where an error's dotted field path belongs: a control, a section, or nowhere. */
  function errorTarget(path) {
    let p = path || "";
    while (p) {
      const alias = $$("[data-fields]", form).find((c) => isActive(c)
        && c.dataset.fields.split(" ").includes(p));
      if (alias) return { control: alias };
      const item = form.elements.namedItem(p);
      if (item && !(item instanceof RadioNodeList) && item.id && isActive(item)) {
        return { control: item };
      }
      const section = document.getElementById(`${p}-error`);
      if (section && section.classList.contains("section-error")) return { section };
      p = p.includes(".") ? p.slice(0, p.lastIndexOf(".")) : "";
    }
    return {};
  }

  function markControl(control, message) {
    const id = `${control.id}-error`;
    let node = document.getElementById(id);
    if (!node) {
      node = el("p", { class: "field-error", id, "data-generated": "1" });
      control.insertAdjacentElement("afterend", node);
    }
    node.textContent = node.textContent ? `${node.textContent} ${message}` : message;
    control.setAttribute("aria-invalid", "true");
    const ids = (control.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
    if (!ids.includes(id)) control.setAttribute("aria-describedby", [id, ...ids].join(" "));
  }

  function showErrors(errors, moveFocus = true) {
    const items = [];
    for (const error of errors) {
      const target = errorTarget(error.field);
      // Traffic without a rate: the API asks for the volume path's fields, which are hidden.
      const noRate = error.field === "inference.requests_per_day" && target.control
        && target.control.id === "f-inference-rate" && !target.control.value.trim();
      const message = noRate ? "needed with traffic: the mean request rate, e.g. 2 per second "
        + "(or choose “Batch size” above)" : formMessage(error.message, error.field);
      if (target.control) {
        markControl(target.control, message);
        const link = el("a", { href: `#${target.control.id}`, "data-focus": target.control.id },
          `${labelText(target.control)}: ${message}`);
        items.push(el("li", {}, link));
      } else if (target.section) {
        target.section.hidden = false;
        target.section.textContent = target.section.textContent
          ? `${target.section.textContent} ${message}` : message;
        items.push(el("li", {}, `${error.field}: ${message}`));
      } else {
        items.push(el("li", {}, error.field ? `${error.field}: ${message}` : message));
      }
    }
    const summary = $("#form-errors");
    summary.replaceChildren(
      el("p", {}, errors.length === 1 ? "One field needs a correction:"
        : `${errors.length} fields need a correction:`),
      el("ul", {}, items));
    summary.hidden = false;
    if (moveFocus) summary.focus();
  }

  function problemText(res) {
    const body = res.data || {};
    return `${body.title || "Error"} (${res.status})${body.detail ? `: ${body.detail}` : ""}`;
  }

  // ---------- requests ----------

  async function postJson(path, body) {
    const response = await fetch(path, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify(body),
    });
    let data = null;
    try { data = await response.json(); } catch (_) { data = null; }
    return { ok: response.ok, status: response.status, data };
  }

  /** Estimate the form again ~300 ms after the last change (an estimate takes milliseconds). */
  function scheduleLive() {
    if (!liveOn) return;
    window.clearTimeout(liveTimer);
    liveTimer = window.setTimeout(() => {
      liveTimer = null;
      runEstimate({ live: true });
    }, LIVE_DELAY_MS);
  }

  function cancelLive() {
    window.clearTimeout(liveTimer);
    liveTimer = null;
  }

  /** The figure a screen reader hears when the estimate changes: greenhouse gases per request,
   * else of training. */
  function headline(estimate) {
    const q = getPath(estimate, "inference.per_request.gwp");
    if (q && Number.isFinite(q.value)) return `: ${humanText("gwp", q.value)} per request`;
    const t = getPath(estimate, "training.impacts.gwp");
    return t && Number.isFinite(t.value) ? `: ${humanText("gwp", t.value)} to train` : "";
  }

  /** Estimate the form; a live estimate (``live``) never moves the focus. */
  async function runEstimate({ live = false } = {}) {
    cancelLive();
    clearErrors();
    const state = readForm();
    const profile = profileFrom(state);
    const seq = ++estimateSeq;
    const results = $("#results");
    results.setAttribute("aria-busy", "true");
    setStatus(status, "Estimating…");
    let res;
    try {
      res = await postJson("v1/estimates", profile);
    } catch (error) {
      if (seq === estimateSeq) {
        setStatus(status, `The service could not be reached (${error.message}).`, true);
      }
      return null;
    } finally {
      if (seq === estimateSeq) results.removeAttribute("aria-busy");
    }
    if (seq !== estimateSeq) return null;
    if (!res.ok) {
      const errors = res.data && Array.isArray(res.data.errors) ? res.data.errors : [];
      if (errors.length) {
        showErrors(errors, !live);
        setStatus(status, "Not estimated: correct the fields marked in the form. The figures "
          + "below, if any, are those of the previous estimate.", true);
        $("#result-body").classList.add("stale");
      } else {
        setStatus(status, `Not estimated. ${problemText(res)}`, true);
      }
      return null;
    }
    last = { state, profile, estimate: res.data };
    renderEstimate(res.data);
    updateUrl();
    const over = (res.data.warnings || []).some((w) => w.code === "over-capacity");
    setStatus(status, `Estimate ${live ? "updated" : "ready"}${profile.name
      ? ` for “${profile.name}”` : ""}${headline(res.data)}.${over
      ? " The request rate exceeds what the replicas serve: see the traffic figures." : ""}`);
    return res.data;
  }

  // ---------- results ----------

  function quantityCell(indicator, q, block) {
    if (!q || q.value === null || q.value === undefined) {
      return el("td", { "data-block": block, "data-indicator": indicator }, "–");
    }
    const h = human(indicator, q);
    const cell = el("td", { "data-block": block, "data-indicator": indicator,
      "data-value": q.value },
    el("span", { class: "value" }, `${fmt(h.value)} `, el("span", { class: "unit" }, h.unit)));
    if (h.low !== null && h.high !== null) {
      cell.append(el("span", { class: "range" }, `${fmt(h.low)} – ${fmt(h.high)}`));
    }
    return cell;
  }

  /** The prompt and answer lengths of one request: as the profile gives them, else assumed. */
  function requestTokens(estimate, profile) {
    const given = (profile && profile.inference) || {};
    return ["input_tokens", "output_tokens"].map((name) => {
      const value = typeof given[name] === "string" ? Number.parseFloat(given[name])
        : given[name];
      if (Number.isFinite(value)) return value;
      const assumed = (estimate.assumptions || []).find((a) => a.field === `inference.${name}`);
      return assumed && Number.isFinite(assumed.value) ? assumed.value : null;
    });
  }

  function figureColumns(estimate, profile) {
    const columns = [];
    const inference = estimate.inference;
    const [prompt, answer] = requestTokens(estimate, profile);
    const count = (n) => Math.round(n).toLocaleString("en-US");
    if (inference) {
      columns.push(["inference.per_request", "Per request", prompt !== null && answer !== null
        ? `one answer: ${count(prompt)} tokens in, ${count(answer)} out` : "one answer"]);
    }
    if (inference && inference.total && !(estimate.lifecycle && estimate.lifecycle.total)) {
      columns.push(["inference.total", "Inference total",
        `${fmtCount(inference.requests)} requests`]);
    }
    if (estimate.training) columns.push(["training.impacts", "Training", "the run"]);
    if (estimate.lifecycle && estimate.lifecycle.total) {
      columns.push(["lifecycle.total", "Lifecycle total",
        `training + ${fmtCount(inference.requests)} requests`]);
      columns.push(["lifecycle.per_request", "Lifecycle per request", "training amortised"]);
    }
    return columns;
  }

  function renderFigures(estimate, profile) {
    const columns = figureColumns(estimate, profile);
    const table = $("#figures");
    $("thead", table).replaceChildren(el("tr", {},
      el("th", { scope: "col" }, "Indicator"),
      columns.map(([block, title, note]) => el("th", { scope: "col", "data-block": block },
        title, el("span", { class: "th-note" }, ` (${note})`)))));
    $("tbody", table).replaceChildren(...INDICATORS.map((indicator) => el("tr",
      { "data-indicator": indicator },
      el("th", { scope: "row" }, LABELS[indicator],
        el("span", { class: "range" }, SUBLABELS[indicator])),
      columns.map(([block]) => quantityCell(indicator, getPath(estimate, `${block}.${indicator}`),
        block)))));
  }

  function renderDetails(estimate) {
    const items = [];
    const add = (term, text) => items.push(el("dt", {}, term), el("dd", {}, text));
    const t = estimate.training;
    if (t) {
      const path = TRAINING_PATHS[t.path] || t.path;
      add("Training input", path);
      add("Accelerator-hours", `${fmtCount(t.accelerator_hours.value)} h`);
      if (t.compute) add("Training compute", `${fmt(t.compute.value)} FLOP`);
    }
    const inf = estimate.inference;
    if (inf) {
      const replica = inf.replica || {};
      if (replica.accelerators) {
        add("Serving replica", `${fmt(replica.accelerators)} accelerator`
          + `${replica.accelerators === 1 ? "" : "s"}, batch of `
          + `${fmt(replica.batch_size)} (at most ${fmt(replica.max_batch_size)})`);
      } else {
        add("Inference input", inf.path);
      }
      if (inf.requests) add("Requests served", fmtCount(inf.requests));
    }
    const life = estimate.lifecycle;
    if (life && life.shares && life.shares.inference) {
      add("Inference share of the lifecycle",
        INDICATORS.map((i) => `${SHORT[i]} ${fmtPercent(life.shares.inference[i])}`).join(" · "));
    }
    if (life && life.breakeven_requests && life.breakeven_requests.gwp) {
      add("Inference equals training after",
        `${fmtCount(life.breakeven_requests.gwp)} requests (greenhouse gases)`);
    }
    add("Versions", `factor set ${estimate.versions.factors}, method ${estimate.versions.method}`);
    $("#details").replaceChildren(...items);
  }

  function describeModel(profile) {
    const model = profile.model || {};
    if (model.preset) return labelOf("models", model.preset);
    return `a custom model of ${fmtCount(Number(model.parameters))} parameters`;
  }

  function renderSummary(estimate, profile) {
    const parts = [`${estimate.name ? `${estimate.name}: ` : ""}${describeModel(profile)}`];
    if (profile.training) {
      parts.push(`trained on ${labelOf("hardware", profile.training.hardware || "")} in `
        + `${locationLabel(profile.training.location || "WOR")}`);
    }
    if (profile.inference) {
      parts.push(`served on ${labelOf("hardware", profile.inference.hardware || "")} in `
        + `${locationLabel(profile.inference.location || "WOR")}`);
    }
    const sentence = parts.join(", ");
    $("#result-summary").textContent = `${sentence.charAt(0).toUpperCase()}${sentence.slice(1)}.`;
  }

  function chartAnimation() {
    const reduce = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    return reduce ? false : { duration: 350 };
  }

  /** Parts of the lifecycle (or of each phase when there is no lifecycle), canonical units. */
  function splitData(estimate) {
    const t = estimate.training;
    const inf = estimate.inference;
    const life = estimate.lifecycle && estimate.lifecycle.total;
    const n = inf && inf.requests ? inf.requests : 1;
    const parts = [];
    const pick = (block, times) => Object.fromEntries(INDICATORS.map((i) => [i,
      block && block[i] && block[i].value !== null ? block[i].value * times : 0]));
    if (t) {
      parts.push({ label: "Training · operational", stack: life ? "all" : "training",
        values: pick(t.operational, 1) });
      parts.push({ label: "Training · embodied", stack: life ? "all" : "training",
        values: pick(t.embodied, 1) });
    }
    if (inf) {
      parts.push({ label: "Inference · operational", stack: life ? "all" : "inference",
        values: pick(inf.operational, n) });
      parts.push({ label: "Inference · embodied", stack: life ? "all" : "inference",
        values: pick(inf.embodied, n) });
    }
    let note;
    if (life) {
      note = `Shares of the lifecycle total: training, and ${fmtCount(n)} requests of `
        + "inference; operational (electricity, cooling water) against embodied "
        + "(manufacturing of the hardware). Energy has no embodied part here.";
    } else if (t && inf) {
      note = "No number of requests was given, so training and inference are split separately "
        + "(inference per request): operational against embodied.";
    } else {
      note = "Operational (electricity, cooling water) against embodied (manufacturing of the "
        + "hardware).";
    }
    return { parts, note, title: life ? "Lifecycle split" : "Operational and embodied split" };
  }

  function renderSplitChart(estimate) {
    const { parts, note, title } = splitData(estimate);
    $("#split-title").textContent = title;
    $("#split-note").textContent = note;
    const totals = {};
    for (const part of parts) {
      for (const i of INDICATORS) {
        const key = `${part.stack}:${i}`;
        totals[key] = (totals[key] || 0) + part.values[i];
      }
    }
    const datasets = parts.map((part, k) => ({
      label: part.label,
      stack: part.stack,
      backgroundColor: SPLIT_COLOURS[(part.label.startsWith("Inference") ? 2 : 0)
        + (part.label.endsWith("embodied") ? 1 : 0)],
      data: INDICATORS.map((i) => {
        const total = totals[`${part.stack}:${i}`];
        return total > 0 ? (100 * part.values[i]) / total : 0;
      }),
      absolute: INDICATORS.map((i) => part.values[i]),
      order: k,
    }));
    if (charts.split) charts.split.destroy();
    charts.split = new window.Chart($("#split-chart"), {
      type: "bar",
      data: { labels: INDICATORS.map((i) => LABELS[i]), datasets },
      options: {
        indexAxis: "y",
        responsive: true,
        maintainAspectRatio: false,
        animation: chartAnimation(),
        scales: {
          x: { stacked: true, min: 0, max: 100, ticks: { callback: (v) => `${v} %` } },
          y: { stacked: true },
        },
        plugins: {
          legend: { position: "bottom" },
          tooltip: {
            callbacks: {
              label: (ctx) => {
                const indicator = INDICATORS[ctx.dataIndex];
                const absolute = ctx.dataset.absolute[ctx.dataIndex];
                return `${ctx.dataset.label}: ${PERCENT.format(ctx.parsed.x)} % `
                  + `(${humanText(indicator, absolute)})`;
              },
            },
          },
        },
      },
    });
    $("#split-chart").setAttribute("aria-label", `${title}. ${datasets.map((d) => `${d.label}: `
      + INDICATORS.map((i, k) => `${SHORT[i]} ${PERCENT.format(d.data[k])} %`).join(", "))
      .join("; ")}.`);
  }

  function describeKey(key) {
    const [table, id, attribute] = key.split(".");
    const names = { gwp: "carbon intensity", water: "water intensity", adpe: "ADPe intensity",
      pe: "primary energy intensity", pue: "PUE", wue: "water use (WUE)" };
    if (table === "constants") return labelOf("constants", id);
    if (table === "zones") return `${locationLabel(id)} grid ${names[attribute] || attribute}`;
    if (["hardware", "datacenters", "models"].includes(table) && attribute) {
      return `${labelOf(table, id)}: ${(names[attribute] || attribute).replace(/_/g, " ")}`;
    }
    const control = form.elements.namedItem(key);
    if (control && !(control instanceof RadioNodeList)) return labelText(control);
    return key;
  }

  function renderDrivers(estimate) {
    const u = estimate.uncertainty;
    const body = $("#drivers tbody");
    if (!u || !u.drivers) {
      $("#drivers-note").textContent = "Ranges and drivers were not computed for this estimate.";
      body.replaceChildren();
      $("#drivers").hidden = true;
      $("#drivers-more").hidden = true;
      return;
    }
    $("#drivers").hidden = false;
    $("#drivers-note").textContent = `Inputs whose uncertainty moves ${BLOCKS[u.drivers.block]
      || u.drivers.block} the most: share of the spread from Spearman rank correlations over `
      + `${fmt(u.samples)} Monte Carlo draws of ${u.inputs} uncertain inputs.`;
    const rows = [];
    let total = 0;
    let shown = 0;
    for (const indicator of INDICATORS) {
      const drivers = u.drivers.indicators[indicator] || [];
      const visible = allDrivers ? drivers.length : Math.min(TOP_DRIVERS, drivers.length);
      total += drivers.length;
      shown += visible;
      drivers.forEach((driver, k) => {
        const row = el("tr", { "data-indicator": indicator, hidden: k >= visible });
        if (k === 0) {
          row.append(el("th", { scope: "rowgroup", rowspan: visible }, LABELS[indicator]));
        }
        row.append(
          el("td", {}, describeKey(driver.input), el("br"), keyCode(driver.input)),
          el("td", { class: "num" }, fmtPercent(driver.share)),
          el("td", { class: "num" }, `${driver.correlation >= 0 ? "raises it" : "lowers it"} `
            + `(ρ = ${driver.correlation.toFixed(2)})`));
        rows.push(row);
      });
    }
    body.replaceChildren(...rows);
    const more = $("#drivers-more");
    more.hidden = shown === total && !allDrivers; // nothing left to show
    more.setAttribute("aria-expanded", String(allDrivers));
    more.textContent = allDrivers ? `Show the top ${TOP_DRIVERS} per indicator`
      : `Show all ${total} drivers (${shown} shown)`;
  }

  /**
   * A dotted key (`models.llama-3.1-70b.parameters`) as code that wraps only after an
   * underscore or a dot before a letter, never inside a word or a version (not at `llama-`,
   * `3.` nor letter by letter).
   */
  function keyCode(key) {
    const parts = String(key).split(/(?<=_)|(?<=\.)(?=[A-Za-z])/);
    return el("code", { class: "key" }, ...parts.map((part, k) => (k < parts.length - 1
      ? [el("span", {}, part), el("wbr")] : el("span", {}, part))));
  }

  function valueText(value) {
    if (typeof value === "number") return fmt(value);
    if (typeof value === "string") return value;
    return JSON.stringify(value);
  }

  /** A traffic figure for people: a number, or a quantity with its unit. */
  function trafficValue(value) {
    if (value && typeof value === "object") {
      return `${fmt(value.value)} ${value.unit === "request/s" ? "requests/s" : value.unit}`;
    }
    return fmt(value);
  }

  /** The traffic figures of an estimate from traffic, and the over-capacity warning. */
  function renderTraffic(estimate) {
    const inf = estimate.inference;
    const traffic = inf && inf.traffic;
    $("#traffic-box").hidden = !traffic;
    if (!traffic) {
      $("#traffic tbody").replaceChildren();
      return;
    }
    const blocks = { InferenceTraffic: traffic, Replica: inf.replica || {} };
    const path = { InferenceTraffic: "inference.traffic", Replica: "inference.replica" };
    $("#traffic tbody").replaceChildren(...TRAFFIC_FIGURES
      .filter(([schema, name]) => blocks[schema][name] !== undefined)
      .map(([schema, name]) => {
        const value = blocks[schema][name];
        const number = value && typeof value === "object" ? value.value : value;
        return el("tr", { "data-figure": `${path[schema]}.${name}` },
          el("th", { scope: "row" }, figureLabel(`${schema}.${name}`), el("br"),
            el("code", {}, `${path[schema]}.${name}`)),
          el("td", { class: "num", "data-value": number },
            name === "utilization" ? fmtPercent(number) : trafficValue(value)));
      }));
    const over = (estimate.warnings || []).find((w) => w.code === "over-capacity");
    const note = $("#traffic-warning");
    note.hidden = !over;
    note.textContent = over ? `Over capacity: ${formMessage(over.message, "inference")}.` : "";
  }

  function renderAssumptions(estimate) {
    $("#assumptions tbody").replaceChildren(...estimate.assumptions.map((a) => el("tr", {},
      el("td", {}, keyCode(a.field)), el("td", {}, valueText(a.value)),
      el("td", {}, a.why))));
    const warnings = estimate.warnings || [];
    $("#warnings-box").hidden = warnings.length === 0;
    $("#warnings").replaceChildren(...warnings.map((w) => el("li", {},
      el("code", {}, w.code), ` ${w.message}`)));
  }

  function renderSources(estimate) {
    const used = estimate.factors_used || [];
    $("#sources-title").textContent = `Factor sources (${used.length} factors used, with their `
      + "source and year)";
    $("#sources tbody").replaceChildren(...used.map((f) => {
      const unit = f.unit === "dimensionless" ? "" : ` ${f.unit}`;
      const range = f.low !== undefined && f.high !== undefined
        ? ` (${fmt(f.low)} – ${fmt(f.high)})` : "";
      return el("tr", {}, el("td", {}, keyCode(f.key)),
        el("td", { class: "num" }, `${valueText(f.value)}${unit}${range}`),
        el("td", {}, f.source), el("td", { class: "num" }, f.year === null ? "–" : f.year));
    }));
  }

  // What each boundary stage counts, in words (docs/boundary.md of the repository).
  const STAGES = {
    electricity: "the data centre's electricity (with its cooling water)",
    hardware: "making the accelerators and their servers",
    datacenter_building: "the data-centre building (greenhouse gases only)",
    network_storage: "the data centre's networking and storage",
    end_user_device: "the device the answer is read on",
    network_transfer: "the networks carrying prompts and answers",
  };

  /** A short statement of what the figures count and leave out (the response's boundary). */
  function renderBoundary(estimate) {
    const boundary = estimate.boundary || {};
    const stages = boundary.stages || [];
    const inside = stages.map((s) => STAGES[s] || s);
    const outside = Object.keys(STAGES).filter((s) => !stages.includes(s)).map((s) => STAGES[s]);
    outside.push("the equipment's transport and end of life");
    const list = (items) => (items.length < 2 ? items.join("")
      : `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`);
    $("#boundary").replaceChildren(
      el("strong", {}, "What is counted: "),
      `${list(inside)}${boundary.name ? ` (boundary “${boundary.name}”)` : ""}. `,
      el("strong", {}, "Not counted: "), `${list(outside)}.`);
  }

  /** An everyday item's count as words, never e-notation (lca.report.equivalences.phrase). */
  function equivalentPhrase(item, n, per) {
    if (Number(n.toPrecision(3)) >= 1) return `${fmtCount(n)} ${item.label}`;
    if (item.item === "km" && item.label.startsWith("km ")) {
      const rest = item.label.slice(2);
      for (const [unit, size] of [["km", 1], ["m", 1e-3], ["cm", 1e-5], ["mm", 1e-6]]) {
        if (Number((n / size).toPrecision(3)) >= 1) return `${fmt(n / size)} ${unit}${rest}`;
      }
      return `less than 1 mm${rest}`;
    }
    if (n <= 0) return `0 ${item.label}`;
    if (per) return `one ${item.one} per ${fmtCount(1 / n)} ${per}s`;
    return `${fmt(n * 100)} % of one ${item.one}`;
  }

  /** Everyday illustrations of one request and of the lifecycle (or training), sourced. */
  function renderEquivalences(estimate) {
    const box = $("#equivalences-box");
    const figures = [["inference.per_request", "One request", "request"],
      ["lifecycle.total", "The whole lifecycle", null],
      ["training.impacts", "Training", null]]
      .filter(([block]) => getPath(estimate, block));
    if (!equivalences || !figures.length) {
      box.hidden = true;
      return;
    }
    const shown = estimate.lifecycle ? figures.filter(([b]) => b !== "training.impacts")
      : figures;
    $("#equivalences-note").textContent = equivalences.note;
    const rows = [];
    for (const [block, title, per] of shown) {
      for (const indicator of equivalences.indicators) {
        const q = getPath(estimate, `${block}.${indicator}`);
        if (!q || q.value === null || q.value === undefined) continue;
        for (const item of equivalences.items.filter((e) => e.indicator === indicator)) {
          rows.push(el("li", { "data-block": block, "data-key": item.key },
            el("span", { class: "eq-figure" }, `${title} (${humanText(indicator, q.value)}): `),
            equivalentPhrase(item, q.value / item.per_item, per),
            el("span", { class: "eq-source" }, `Source: ${item.source} (${item.year}). `
              + `${item.note}`)));
        }
      }
    }
    $("#equivalences").replaceChildren(...rows);
    box.hidden = rows.length === 0;
  }

  /** Marks each table box that scrolls sideways, so that its hint shows. */
  function markScrollables() {
    for (const wrap of $$(".table-wrap")) {
      const scrolls = wrap.scrollWidth > wrap.clientWidth + 1;
      wrap.classList.toggle("scrolls", scrolls);
      if (scrolls) {
        wrap.setAttribute("tabindex", "0"); // keyboard users can scroll it with the arrows
        wrap.setAttribute("role", "region");
        if (!wrap.hasAttribute("aria-label")) {
          const caption = $("caption", wrap);
          wrap.setAttribute("aria-label", `${caption ? caption.textContent.trim() : "Table"}`
            + " (scrolls sideways)");
        }
      } else {
        wrap.removeAttribute("tabindex");
        wrap.removeAttribute("role");
      }
    }
  }

  function renderEstimate(estimate) {
    $("#result-body").hidden = false;
    $("#result-body").classList.remove("stale");
    renderSummary(estimate, last.profile);
    renderFigures(estimate, last.profile);
    renderDetails(estimate);
    renderTraffic(estimate);
    renderSplitChart(estimate);
    renderDrivers(estimate);
    renderAssumptions(estimate);
    renderSources(estimate);
    renderBoundary(estimate);
    renderEquivalences(estimate);
    markScrollables();
    $("#curl-field").hidden = true;
    $("#link-field").hidden = true;
    exportStatus.textContent = "";
  }

  // ---------- exports ----------

  function csvLine(cells) {
    return cells.map((cell) => {
      let text = cell === null || cell === undefined ? "" : String(cell);
      if (typeof cell === "string" && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
      return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
    }).join(",");
  }

  const CSV_BLOCKS = ["inference.per_request", "inference.per_output_token",
    "inference.operational", "inference.embodied", "inference.water",
    "inference.energy_breakdown", "inference.total", "training.impacts", "training.operational",
    "training.embodied", "training.water", "lifecycle.total", "lifecycle.per_request"];

  function estimateCsv(estimate) {
    const lines = [csvLine(["block", "quantity", "value", "unit", "low", "high"])];
    for (const block of CSV_BLOCKS) {
      const values = getPath(estimate, block);
      if (!values) continue;
      for (const [key, q] of Object.entries(values)) {
        if (q && typeof q === "object" && "value" in q) {
          lines.push(csvLine([block, key, q.value, q.unit, q.low, q.high]));
        }
      }
    }
    return `${lines.join("\r\n")}\r\n`;
  }

  function comparisonCsv(result) {
    const lines = [csvLine(["block", "indicator", "unit", "scenario", "name", "value", "low",
      "high", "delta", "relative_delta", "rank", "probability_below_baseline", "baseline"])];
    for (const [block, indicators] of Object.entries(result.comparison)) {
      for (const [indicator, c] of Object.entries(indicators)) {
        c.values.forEach((value, i) => {
          const q = getPath(result.estimates[i], `${block}.${indicator}`) || {};
          lines.push(csvLine([block, indicator, c.unit, i, result.estimates[i].name, value,
            q.low, q.high, c.deltas[i], c.relative_deltas[i], c.ranks[i],
            c.probability_below_baseline ? c.probability_below_baseline[i] : null,
            i === result.baseline.index ? 1 : 0]));
        });
      }
    }
    const rs = result.right_sizing;
    if (rs) {
      for (const [indicator, values] of Object.entries(rs.per_score_point)) {
        const unit = Object.values(result.comparison).map((block) => block[indicator])
          .find(Boolean);
        values.forEach((value, i) => {
          lines.push(csvLine([`${rs.footprint}.per_score_point`, indicator,
            unit ? `${unit.unit}/point` : null, i, result.estimates[i].name, value, null, null,
            null, null, null, null, i === result.baseline.index ? 1 : 0]));
        });
      }
    }
    return `${lines.join("\r\n")}\r\n`;
  }

  function download(filename, text, type) {
    const url = URL.createObjectURL(new Blob([text], { type }));
    const link = el("a", { href: url, download: filename, hidden: true });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 2000);
  }

  function slug(text) {
    return (text || "estimate").toLowerCase().replace(/[^a-z0-9.]+/g, "-").replace(/^-|-$/g, "")
      .slice(0, 60) || "estimate";
  }

  function apiUrl(path) {
    return new URL(path, document.baseURI).href;
  }

  function curlCommand(profile) {
    const json = JSON.stringify(profile).replace(/'/g, "'\\''");
    return `curl -s '${apiUrl("v1/estimates")}' -H 'Content-Type: application/json' `
      + `-d '${json}'`;
  }

  async function copyText(text, fieldId, inputId, what) {
    const input = document.getElementById(inputId);
    input.value = text;
    document.getElementById(fieldId).hidden = false;
    try {
      if (!navigator.clipboard) throw new Error("no clipboard");
      await navigator.clipboard.writeText(text);
      exportStatus.textContent = `The ${what} is copied to the clipboard, and shown below.`;
    } catch (_) {
      exportStatus.textContent = `Copy the ${what} below (it is selected).`;
      input.focus();
      input.select();
    }
  }

  function queryFor(state) {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(state)) params.set(key, value);
    if (scenarios.length) {
      params.set("scenarios", JSON.stringify(scenarios.map((s) => s.state)));
      params.set("baseline", String(baseline));
      const settings = scoreSettings();
      if (settings.name) params.set(SCORE_PARAMS.name, settings.name);
      if (!settings.higher) params.set(SCORE_PARAMS.higher, "0");
      if (settings.target) params.set(SCORE_PARAMS.target, settings.target);
      if (settings.indicator !== "gwp") params.set(SCORE_PARAMS.indicator, settings.indicator);
    }
    return params.toString();
  }

  function shareUrl(state) {
    const url = new URL(window.location.href);
    url.search = queryFor(state);
    url.hash = "";
    return url.href;
  }

  function updateUrl() {
    const state = last ? last.state : readForm();
    window.history.replaceState(null, "", `?${queryFor(state)}`);
  }

  // ---------- comparison ----------

  function scenarioName(state) {
    if (state.name) return state.name;
    const profile = profileFrom(state);
    const parts = [describeModel(profile)];
    const site = profile.inference || profile.training || {};
    if (site.hardware) parts.push(labelOf("hardware", site.hardware));
    if (site.location) parts.push(locationLabel(site.location));
    return parts.join(", ");
  }

  function uniqueName(name) {
    const taken = new Set(scenarios.map((s) => s.state.name));
    if (!taken.has(name)) return name;
    let k = 2;
    while (taken.has(`${name} (${k})`)) k += 1;
    return `${name} (${k})`;
  }

  async function addScenario() {
    if (scenarios.length >= MAX_SCENARIOS) {
      setStatus(compareStatus, `At most ${MAX_SCENARIOS} scenarios can be compared.`, true);
      return;
    }
    const estimate = await runEstimate();
    if (!estimate) {
      setStatus(compareStatus, "Not added: the form needs corrections.", true);
      return;
    }
    const state = { ...last.state };
    state.name = uniqueName(scenarioName(state));
    scenarios.push({ state });
    renderScenarioList();
    await runComparison();
    updateUrl();
  }

  function renderScenarioList() {
    const list = $("#scenario-list");
    list.replaceChildren(...scenarios.map((scenario, i) => {
      const name = scenario.state.name;
      const radio = el("input", { type: "radio", name: "baseline-choice", value: i,
        "aria-label": `Use “${name}” as the baseline` });
      radio.checked = i === baseline;
      radio.addEventListener("change", () => {
        baseline = i;
        runComparison();
        updateUrl();
      });
      const scoreId = `score-${i}`;
      const score = el("input", { id: scoreId, type: "text", inputmode: "decimal",
        class: "score-input", autocomplete: "off", placeholder: "none" });
      score.value = scenario.state.score || "";
      score.addEventListener("input", () => {
        const value = score.value.trim();
        if (value) scenario.state.score = value;
        else delete scenario.state.score;
        clearFieldError(score);
      });
      score.addEventListener("change", commitScores);
      const load = el("button", { type: "button", class: "small",
        "aria-label": `Load “${name}” into the form` }, "Load into the form");
      load.addEventListener("click", () => {
        writeForm(scenario.state);
        runEstimate();
      });
      const remove = el("button", { type: "button", class: "small",
        "aria-label": `Remove “${name}”` }, "Remove");
      remove.addEventListener("click", () => removeScenario(i));
      return el("li", {}, el("div", { class: "scenario" },
        el("span", { class: "scenario-name" }, name),
        el("label", {}, radio, "Baseline"),
        el("div", { class: "score-field" },
          el("label", { for: scoreId }, "Score", el("span", { class: "sr-only" },
            ` of “${name}”`)), score),
        load, remove));
    }));
    $("#score-settings").hidden = scenarios.length === 0;
  }

  // ---------- capability scores (right-sizing) ----------

  /** The comparison's shared score settings, as the controls hold them. */
  function scoreSettings() {
    const indicator = $("#rs-indicator").value;
    return {
      name: $("#score-name").value.trim(),
      higher: $("#score-higher").checked,
      target: $("#target-score").value.trim(),
      indicator: INDICATORS.includes(indicator) ? indicator : "gwp",
    };
  }

  function writeScoreSettings(params) {
    $("#score-name").value = params.get(SCORE_PARAMS.name) || "";
    $("#score-higher").checked = params.get(SCORE_PARAMS.higher) !== "0";
    $("#target-score").value = params.get(SCORE_PARAMS.target) || "";
    const indicator = params.get(SCORE_PARAMS.indicator);
    $("#rs-indicator").value = INDICATORS.includes(indicator) ? indicator : "gwp";
  }

  /** POST /v1/comparisons' body: the profiles, each with its score if it has one, and the
   * target when some scenario has a score. Values the API will refuse are sent as typed, so
   * that its errors land next to their fields. */
  function comparisonBody() {
    const settings = scoreSettings();
    const profiles = scenarios.map((s) => {
      const profile = profileFrom(s.state);
      const raw = String(s.state.score || "").trim();
      if (raw) {
        profile.score = { value: quantity(raw), higher_is_better: settings.higher };
        if (settings.name) profile.score.name = settings.name;
      }
      return profile;
    });
    const body = { scenarios: profiles, baseline };
    if (settings.target && profiles.some((p) => p.score)) {
      body.target_score = quantity(settings.target);
      body.target_indicator = settings.indicator;
    }
    return body;
  }

  function updateScoreStatus() {
    const settings = scoreSettings();
    const scored = scenarios.some((s) => String(s.state.score || "").trim());
    setStatus($("#score-status"), settings.target && !scored
      ? "The target applies once a scenario has a score." : "");
  }

  /** A score setting changed: share it, and compare again if the request changes. */
  function commitScores() {
    updateUrl();
    updateScoreStatus();
    if (scenarios.length < 2) return;
    if (JSON.stringify(comparisonBody()) === sentBody) {
      if (comparison) {
        renderComparisonTable();
        renderRightSizing();
      }
      return;
    }
    runComparison();
  }

  function clearScoreErrors() {
    for (const control of $$("#score-form [aria-invalid]")) clearFieldError(control);
  }

  /** The control of the score form a comparison error is about, if any. */
  function scoreControl(field) {
    const match = /^scenarios\[(\d+)\]\.score(\.|$)/.exec(field || "");
    if (match) return document.getElementById(`score-${match[1]}`);
    if (field === "target_score") return $("#target-score");
    if (field === "target_indicator") return $("#rs-indicator");
    return null;
  }

  function removeScenario(i) {
    scenarios.splice(i, 1);
    if (baseline === i) baseline = 0;
    else if (baseline > i) baseline -= 1;
    renderScenarioList();
    runComparison();
    updateUrl();
  }

  function clearComparison(message) {
    comparison = null;
    $("#compare-body").hidden = true;
    if (charts.compare) { charts.compare.destroy(); charts.compare = null; }
    if (charts.rightSizing) { charts.rightSizing.destroy(); charts.rightSizing = null; }
    $("#rs-panel").hidden = true;
    setStatus(compareStatus, message);
  }

  async function runComparison() {
    // The previous errors stay until the answer comes: taking them away now would move the
    // controls under a pointer that is clicking one of them (a blur starts a comparison).
    const box = $("#compare-errors");
    const clearPrevious = () => {
      box.hidden = true;
      box.replaceChildren();
      clearScoreErrors();
    };
    updateScoreStatus();
    if (scenarios.length < 2) {
      compareSeq += 1;
      sentBody = null;
      clearPrevious();
      clearComparison(scenarios.length ? "One scenario: change the form and add another to "
        + "compare." : "No scenario yet.");
      return;
    }
    if (baseline >= scenarios.length) baseline = 0;
    const seq = ++compareSeq;
    setStatus(compareStatus, "Comparing…");
    const body = comparisonBody();
    sentBody = JSON.stringify(body);
    let res;
    try {
      res = await postJson("v1/comparisons", body);
    } catch (error) {
      if (seq === compareSeq) {
        sentBody = null;
        clearPrevious();
        setStatus(compareStatus, `The service could not be reached (${error.message}).`, true);
      }
      return;
    }
    if (seq !== compareSeq) return;
    clearPrevious();
    if (!res.ok) {
      const errors = res.data && Array.isArray(res.data.errors) ? res.data.errors : [];
      clearComparison(`Not compared. ${problemText(res)}`);
      compareStatus.classList.add("error");
      if (errors.length) {
        const settings = { target_score: "Target score", target_indicator: "Footprint" };
        box.replaceChildren(el("p", {}, errors.every((e) => /^scenarios\[/.test(e.field || ""))
          ? "Scenarios with errors:" : "The comparison needs corrections:"), el("ul", {},
          errors.map((e) => {
            const match = /^scenarios\[(\d+)\]\.?(.*)$/.exec(e.field || "");
            const where = match && scenarios[Number(match[1])]
              ? `Scenario ${Number(match[1]) + 1} “${scenarios[Number(match[1])].state.name}”, `
                + `${match[2] || "profile"}` : settings[e.field] || e.field;
            const control = scoreControl(e.field);
            if (!control) return el("li", {}, `${where}: ${e.message}`);
            markControl(control, e.message);
            return el("li", {}, el("a", { href: `#${control.id}`, "data-focus": control.id },
              `${where}: ${e.message}`));
          })));
        box.hidden = false;
      }
      return;
    }
    comparison = res.data;
    renderComparison();
    setStatus(compareStatus, `${scenarios.length} scenarios compared against “`
      + `${comparison.baseline.name || `scenario ${comparison.baseline.index + 1}`}”.`);
  }

  function renderComparison() {
    const select = $("#compare-block");
    const blocks = Object.keys(comparison.comparison);
    const previous = select.value;
    select.replaceChildren(...blocks.map((block) => option(block, BLOCKS[block] || block)));
    select.value = blocks.includes(previous) ? previous
      : ["inference.per_request", "lifecycle.per_request", "lifecycle.total", "training.impacts"]
        .find((b) => blocks.includes(b)) || blocks[0];
    $("#compare-body").hidden = false;
    renderComparisonTable();
    renderComparisonChart();
    renderRightSizing();
  }

  function renderComparisonTable() {
    const block = $("#compare-block").value;
    const data = comparison.comparison[block];
    const b = comparison.baseline.index;
    const names = comparison.estimates.map((e, i) => e.name || `Scenario ${i + 1}`);
    const scales = {};
    for (const i of INDICATORS) {
      const values = data[i] ? data[i].values.filter((v) => v !== null) : [];
      scales[i] = scaleFor(i, Math.max(0, ...values.map(Math.abs)));
    }
    const rs = comparison.right_sizing;
    const indicator = scoreSettings().indicator;
    $("#compare-caption").textContent = `${BLOCKS[block] || block}: each scenario, and its `
      + `difference from the baseline${rs ? `; its score, and its ${LABELS[indicator]
        .toLowerCase()} per request per score point` : ""}`;
    const table = $("#compare-table");
    $("thead", table).replaceChildren(el("tr", {}, el("th", { scope: "col" }, "Scenario"),
      INDICATORS.map((i) => el("th", { scope: "col", "data-indicator": i }, SHORT[i],
        el("span", { class: "th-note" }, ` (${scales[i][0]})`))),
      rs ? scoreHeaders(rs, indicator) : null));
    $("tbody", table).replaceChildren(...names.map((name, k) => el("tr",
      { class: k === b ? "baseline" : null, "data-scenario": k },
      el("th", { scope: "row" }, name),
      INDICATORS.map((i) => {
        const c = data[i];
        if (!c || c.values[k] === null) return el("td", { "data-indicator": i }, "–");
        const cell = el("td", { "data-indicator": i, "data-value": c.values[k] },
          el("span", { class: "value" }, fmt(c.values[k] / scales[i][1])));
        let text;
        let kind = null;
        if (k === b) {
          text = "baseline";
        } else if (c.relative_deltas[k] === null) {
          text = `${c.deltas[k] >= 0 ? "+" : "−"}${humanText(i, Math.abs(c.deltas[k]))}`;
        } else {
          const r = c.relative_deltas[k];
          text = `${r > 0 ? "+" : r < 0 ? "−" : "±"}${PERCENT.format(Math.abs(r) * 100)} %`;
          kind = r < 0 ? "better" : r > 0 ? "worse" : null;
        }
        if (c.ranks[k] === 1 && names.length > 1) {
          text += c.ranks.filter((r) => r === 1).length > 1 ? " · tied lowest" : " · lowest";
        }
        cell.append(el("span", { class: `delta${kind ? ` ${kind}` : ""}` }, text));
        if (c.probability_below_baseline && k !== b) {
          cell.append(el("span", { class: "range" }, `lower than the baseline (${names[b]}) in `
            + `${PERCENT.format(100 * c.probability_below_baseline[k])} % of draws`));
        }
        return cell;
      }),
      rs ? scoreCells(rs, indicator, k) : null)));
    markScrollables();
  }

  function perPointScale(rs, indicator) {
    const values = (rs.per_score_point[indicator] || []).filter((v) => v !== null);
    return scaleFor(indicator, Math.max(0, ...values.map(Math.abs)));
  }

  function scoreHeaders(rs, indicator) {
    return [
      el("th", { scope: "col", "data-score": "value" }, rs.score.name || "Score",
        el("span", { class: "th-note" },
          ` (${rs.score.higher_is_better ? "higher" : "lower"} is better)`)),
      el("th", { scope: "col", "data-per-point": indicator }, `${SHORT[indicator]} per score point`,
        el("span", { class: "th-note" }, ` (${perPointScale(rs, indicator)[0]} per request)`)),
    ];
  }

  function scoreCells(rs, indicator, k) {
    const score = rs.score.values[k];
    const front = rs.pareto_front[indicator] || [];
    const target = rs.target;
    const notes = [];
    if (score !== null && front.includes(k)) notes.push("on the Pareto front");
    if (target && target.selected === k) notes.push("cheapest reaching the target");
    else if (target && target.reaching.includes(k)) notes.push("reaches the target");
    const scoreCell = score === null ? el("td", { "data-score": "value" }, "–")
      : el("td", { "data-score": "value", "data-value": score },
        el("span", { class: "value" }, fmt(score)),
        notes.length ? el("span", { class: "delta" }, notes.join(" · ")) : null);
    const values = rs.per_score_point[indicator] || [];
    const value = values[k];
    if (value === null || value === undefined) {
      return [scoreCell, el("td", { "data-per-point": indicator }, "–")];
    }
    const present = values.filter((v) => v !== null);
    const lowest = present.length > 1 && value === Math.min(...present);
    return [scoreCell, el("td", { "data-per-point": indicator, "data-value": value },
      el("span", { class: "value" }, fmt(value / perPointScale(rs, indicator)[1])),
      lowest ? el("span", { class: "delta better" }, "lowest") : null)];
  }

  /** A scored scenario's footprint per request (canonical unit) in the right-sizing block. */
  function footprintOf(rs, indicator, k) {
    const q = getPath(comparison.estimates[k], `${rs.footprint}.${indicator}`);
    if (q && typeof q.value === "number") return q.value;
    const per = rs.per_score_point[indicator];
    const score = rs.score.values[k];
    return per && per[k] !== null && score !== null ? per[k] * score : null;
  }

  /** The sentence about the target: the cheapest scenario reaching it and its saving, or the
   * API's message when none does. */
  function targetSentence(rs, names) {
    const target = rs.target;
    const b = comparison.baseline.index;
    const what = `${rs.score.name || "a score"} ${rs.score.higher_is_better ? "≥" : "≤"} `
      + `${fmt(target.score)}`;
    if (target.selected === null || target.selected === undefined) {
      const message = target.message || "no scenario reaches the target score";
      return `Target ${what}: ${message}.`;
    }
    const name = names[target.selected];
    const head = `Cheapest reaching ${what}: ${name}`;
    if (target.selected === b) return `${head}, the baseline itself.`;
    const label = LABELS[target.indicator].toLowerCase();
    const saving = target.saving_vs_baseline && target.saving_vs_baseline[target.indicator];
    const against = `the baseline “${names[b]}”${target.reaching.includes(b) ? ""
      : " (which does not reach it)"}`;
    if (!saving) return `${head}.`;
    const absolute = humanText(target.indicator, Math.abs(saving.absolute));
    if (saving.relative === null || saving.relative === undefined) {
      return `${head} — ${saving.absolute >= 0 ? "saves" : "costs"} ${absolute} of ${label} `
        + `per request ${saving.absolute >= 0 ? "against" : "more than"} ${against}.`;
    }
    const share = `${PERCENT.format(Math.abs(saving.relative) * 100)} %`;
    if (saving.relative >= 0) {
      return `${head} — saves ${share} of ${label} per request (${absolute}) against `
        + `${against}.`;
    }
    return `${head} — ${share} more ${label} per request (${absolute}) than ${against}.`;
  }

  /** Score (x) against footprint per request (y): one dataset per scenario (its colour and
   * marker as in the legend), the Pareto front as a line through its points sorted by score,
   * the target score as a dashed line and a ring around the cheapest scenario reaching it. */
  function renderRightSizing() {
    const rs = comparison && comparison.right_sizing;
    const panel = $("#rs-panel");
    if (charts.rightSizing) { charts.rightSizing.destroy(); charts.rightSizing = null; }
    if (!rs) {
      panel.hidden = true;
      return;
    }
    panel.hidden = false;
    const indicator = scoreSettings().indicator;
    const b = comparison.baseline.index;
    const names = comparison.estimates.map((e, i) => e.name || `Scenario ${i + 1}`);
    const scoreName = rs.score.name || "Score";
    const higher = rs.score.higher_is_better;
    const points = names.map((name, k) => ({ k, name, x: rs.score.values[k],
      value: rs.score.values[k] === null ? null : footprintOf(rs, indicator, k),
      perPoint: (rs.per_score_point[indicator] || [])[k] }))
      .filter((p) => p.x !== null && p.value !== null && p.value !== undefined);
    const scale = scaleFor(indicator, Math.max(0, ...points.map((p) => Math.abs(p.value))));
    const point = (p) => ({ x: p.x, y: p.value / scale[1], value: p.value, perPoint: p.perPoint,
      index: p.k, name: p.name });
    const datasets = points.map((p) => ({
      kind: "scenario",
      label: p.k === b ? `${p.name} (baseline)` : p.name,
      data: [point(p)],
      backgroundColor: `${PALETTE[p.k % PALETTE.length]}99`, // see-through where points meet
      borderColor: PALETTE[p.k % PALETTE.length],
      borderWidth: 2,
      pointStyle: POINT_STYLES[p.k % POINT_STYLES.length],
      pointRadius: 7,
      pointHoverRadius: 9,
    }));
    const onFront = new Set(rs.pareto_front[indicator] || []);
    const front = points.filter((p) => onFront.has(p.k)).sort((p, q) => p.x - q.x
      || p.value - q.value);
    datasets.push({ kind: "front", label: `Pareto front (${SHORT[indicator]})`,
      data: front.map(point), showLine: true, borderColor: "#1b2430", backgroundColor: "#1b2430",
      borderWidth: 2, pointRadius: 0, pointHoverRadius: 0, pointStyle: "line" });
    const target = rs.target;
    const sentence = $("#rs-target");
    sentence.hidden = !target;
    if (target) {
      const top = Math.max(0, ...points.map((p) => p.value / scale[1]));
      datasets.push({ kind: "target", label: `Target: ${scoreName} ${higher ? "≥" : "≤"} `
        + `${fmt(target.score)}`, data: [{ x: target.score, y: 0 }, { x: target.score, y: top }],
      showLine: true, borderColor: "#566275", backgroundColor: "#566275", borderDash: [6, 4],
      borderWidth: 1.5, pointRadius: 0, pointHoverRadius: 0, pointStyle: "line" });
      const chosen = points.find((p) => p.k === target.selected);
      if (chosen) {
        datasets.push({ kind: "selected", label: `Cheapest reaching the target: ${chosen.name}`,
          data: [point(chosen)], pointStyle: "circle", pointRadius: 14, pointHoverRadius: 14,
          backgroundColor: "rgba(0, 0, 0, 0)", borderColor: "#c25700", borderWidth: 3 });
      }
      sentence.textContent = targetSentence(rs, names);
      sentence.classList.toggle("none", !chosen);
    }
    const perPoint = (p) => (p.perPoint === null || p.perPoint === undefined ? ""
      : `, ${humanText(indicator, p.perPoint)} per point`);
    charts.rightSizing = new window.Chart($("#rs-chart"), {
      type: "scatter",
      data: { datasets },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: chartAnimation(),
        scales: {
          x: { type: "linear", reverse: !higher, grace: "5%",
            title: { display: true, text: `${scoreName} (${higher ? "higher" : "lower"} is `
              + `better${higher ? "" : ", so the axis runs from right to left"})` } },
          y: { beginAtZero: true, grace: "5%",
            title: { display: true, text: `${LABELS[indicator]} per request (${scale[0]})` } },
        },
        plugins: {
          legend: { position: "bottom",
            labels: { usePointStyle: true, generateLabels: fittedLegendLabels } },
          tooltip: {
            filter: (item) => item.dataset.kind === "scenario",
            callbacks: {
              label: (ctx) => `${ctx.raw.name}: ${scoreName} ${fmt(ctx.raw.x)}, `
                + `${humanText(indicator, ctx.raw.value)} per request${perPoint(ctx.raw)}`,
            },
          },
        },
      },
    });
    $("#rs-chart-title").textContent = `${LABELS[indicator]} per request against `
      + `${rs.score.name || "the score"}`;
    $("#rs-chart").setAttribute("aria-label", `${LABELS[indicator]} per request against `
      + `${scoreName}: ${points.map((p) => `${p.name}, ${fmt(p.x)}, ${humanText(indicator,
        p.value)}`).join("; ")}. Pareto front: ${front.map((p) => p.name).join(", ")}.`);
    const unscored = names.filter((_, k) => rs.score.values[k] === null);
    $("#rs-note").textContent = `Footprint: ${FOOTPRINTS[rs.footprint] || rs.footprint}. The `
      + `line joins the Pareto front, the scenarios that no other beats on both ${scoreName} and `
      + `${LABELS[indicator].toLowerCase()}: ${front.map((p) => p.name).join(", ") || "none"}.`
      + `${unscored.length ? ` Left out, without a score: ${unscored.join(", ")}.` : ""}`;
  }

  /**
   * The legend's entries, each shortened in its middle with "…" to the chart's width, keeping
   * the start and the end where scenario names differ ("Llama 3.1 70B, NVI…80GB, Poland"):
   * Chart.js draws a name wider than the canvas cut off at both ends (a phone). The full names
   * stay in the table, the tooltips and the chart's aria-label.
   */
  function fittedLegendLabels(chart) {
    const items = window.Chart.defaults.plugins.legend.labels.generateLabels(chart);
    const options = chart.options.plugins.legend.labels;
    const ctx = chart.ctx;
    ctx.save();
    ctx.font = window.Chart.helpers.toFont(options.font).string;
    const box = options.usePointStyle ? window.Chart.helpers.toFont(options.font).size
      : options.boxWidth;
    const room = chart.width - box - 3 * options.padding;
    for (const item of items) {
      if (ctx.measureText(item.text).width <= room) continue;
      let [head, tail] = [item.text.slice(0, item.text.length / 2),
        item.text.slice(item.text.length / 2)];
      while (head.length + tail.length > 2
             && ctx.measureText(`${head}…${tail}`).width > room) {
        if (head.length >= tail.length) head = head.slice(0, -1);
        else tail = tail.slice(1);
      }
      item.text = `${head.trimEnd()}…${tail.trimStart()}`;
    }
    ctx.restore();
    return items;
  }

  function renderComparisonChart() {
    const block = $("#compare-block").value;
    const data = comparison.comparison[block];
    const b = comparison.baseline.index;
    const names = comparison.estimates.map((e, i) => e.name || `Scenario ${i + 1}`);
    const datasets = names.map((name, k) => ({
      label: k === b ? `${name} (baseline)` : name,
      backgroundColor: PALETTE[k % PALETTE.length],
      data: INDICATORS.map((i) => {
        const c = data[i];
        if (!c || c.values[k] === null || !c.values[b]) return null;
        return (100 * c.values[k]) / c.values[b];
      }),
      absolute: INDICATORS.map((i) => (data[i] ? data[i].values[k] : null)),
    }));
    if (charts.compare) charts.compare.destroy();
    charts.compare = new window.Chart($("#compare-chart"), {
      type: "bar",
      data: { labels: INDICATORS.map((i) => LABELS[i]), datasets },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: chartAnimation(),
        scales: {
          y: { beginAtZero: true, title: { display: true, text: "% of the baseline" },
            ticks: { callback: (v) => `${v} %` } },
        },
        plugins: {
          legend: { position: "bottom", labels: { generateLabels: fittedLegendLabels } },
          tooltip: {
            callbacks: {
              label: (ctx) => `${ctx.dataset.label}: ${PERCENT.format(ctx.parsed.y)} % of the `
                + `baseline (${humanText(INDICATORS[ctx.dataIndex],
                  ctx.dataset.absolute[ctx.dataIndex])})`,
            },
          },
        },
      },
    });
    $("#compare-chart-title").textContent = `${BLOCKS[block] || block}: each scenario against `
      + "the baseline (= 100 %)";
    $("#compare-chart").setAttribute("aria-label", datasets.map((d) => `${d.label}: `
      + INDICATORS.map((i, k) => `${SHORT[i]} ${d.data[k] === null ? "–"
        : `${PERCENT.format(d.data[k])} %`}`).join(", ")).join("; "));
  }

  // ---------- start ----------

  function restoreFromUrl() {
    const params = new URLSearchParams(window.location.search);
    if (![...params.keys()].length) return false;
    const state = {};
    for (const [key, value] of params) {
      if (!COMPARE_PARAMS.has(key)) state[key] = value;
    }
    writeForm(state);
    writeScoreSettings(params);
    try {
      const list = JSON.parse(params.get("scenarios") || "[]");
      scenarios = Array.isArray(list) ? list.filter((s) => s && typeof s === "object"
        && !Array.isArray(s)).slice(0, MAX_SCENARIOS).map((s) => ({
        state: Object.fromEntries(Object.entries(s).map(([k, v]) => [k, String(v)])) })) : [];
    } catch (_) {
      scenarios = [];
    }
    for (const s of scenarios) if (!s.state.name) s.state.name = uniqueName(scenarioName(s.state));
    baseline = Math.min(Math.max(Number.parseInt(params.get("baseline") || "0", 10) || 0, 0),
      Math.max(scenarios.length - 1, 0));
    renderScenarioList();
    return true;
  }

  function bind() {
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      runEstimate();
    });
    form.addEventListener("input", scheduleLive);
    form.addEventListener("change", scheduleLive);
    window.addEventListener("resize", markScrollables);
    $(".sources").addEventListener("toggle", markScrollables);
    $("#drivers-more").addEventListener("click", () => {
      allDrivers = !allDrivers;
      if (last) renderDrivers(last.estimate);
      markScrollables();
    });
    form.addEventListener("change", (event) => {
      const target = event.target;
      if (target.type === "radio" || target.type === "checkbox") updateVisibility();
      if (target.name === "model.preset") presetChanged();
      if (target.name === "inference.task") updateTaskDefaults();
      if (target.hasAttribute("aria-invalid")) clearFieldError(target);
    });
    form.addEventListener("input", (event) => {
      if (event.target.hasAttribute("aria-invalid")) clearFieldError(event.target);
    });
    $("#form-errors").addEventListener("click", (event) => {
      const link = event.target.closest("a[data-focus]");
      if (!link) return;
      event.preventDefault();
      const control = document.getElementById(link.dataset.focus);
      if (control) control.focus();
    });
    $("#add-scenario").addEventListener("click", addScenario);
    $("#score-form").addEventListener("submit", (event) => {
      event.preventDefault();
      commitScores();
    });
    for (const id of ["#score-name", "#score-higher", "#target-score", "#rs-indicator"]) {
      $(id).addEventListener("change", commitScores);
    }
    $("#target-score").addEventListener("input", () => clearFieldError($("#target-score")));
    $("#compare-errors").addEventListener("click", (event) => {
      const link = event.target.closest("a[data-focus]");
      if (!link) return;
      event.preventDefault();
      const control = document.getElementById(link.dataset.focus);
      if (control) control.focus();
    });
    $("#reset-form").addEventListener("click", () => {
      clearErrors();
      resetForm();
      setStatus(status, "The form is back to its defaults.");
      scheduleLive();
    });
    $("#copy-curl").addEventListener("click", () => {
      if (last) copyText(curlCommand(last.profile), "curl-field", "curl-text", "curl command");
    });
    $("#copy-link").addEventListener("click", () => {
      copyText(shareUrl(last ? last.state : readForm()), "link-field", "link-text", "link");
    });
    $("#download-json").addEventListener("click", () => {
      if (!last) return;
      download(`lca-${slug(last.estimate.name || describeModel(last.profile))}.json`,
        `${JSON.stringify({ profile: last.profile, estimate: last.estimate }, null, 2)}\n`,
        "application/json");
    });
    $("#download-csv").addEventListener("click", () => {
      if (!last) return;
      download(`lca-${slug(last.estimate.name || describeModel(last.profile))}.csv`,
        estimateCsv(last.estimate), "text/csv");
    });
    $("#compare-block").addEventListener("change", () => {
      renderComparisonTable();
      renderComparisonChart();
    });
    $("#compare-json").addEventListener("click", () => {
      if (comparison) {
        download("lca-comparison.json", `${JSON.stringify(comparison, null, 2)}\n`,
          "application/json");
      }
    });
    $("#compare-csv").addEventListener("click", () => {
      if (comparison) download("lca-comparison.csv", comparisonCsv(comparison), "text/csv");
    });
    $("#compare-clear").addEventListener("click", () => {
      scenarios = [];
      baseline = 0;
      renderScenarioList();
      runComparison();
      updateUrl();
    });
  }

  async function init() {
    if (window.Chart) {
      window.Chart.defaults.color = "#1b2430";
      window.Chart.defaults.font.family = getComputedStyle(document.documentElement).fontFamily;
    }
    bind();
    try {
      await loadTables();
    } catch (error) {
      setStatus(status, `The factor tables could not be loaded (${error.message}).`, true);
      return;
    }
    populate();
    resetForm();
    const restored = restoreFromUrl();
    updateTaskDefaults();
    $("#estimate").disabled = false;
    $("#add-scenario").disabled = false;
    // The defaults (or the shared link's form) at once: no empty Results card.
    const first = await runEstimate({ live: true });
    if (first) {
      setStatus(status, `Estimate ready${headline(first)}. It follows the form as you change `
        + "it.");
    }
    if (restored && scenarios.length) await runComparison();
    liveOn = true;
    form.dataset.ready = "1";
  }

  // The helpers the leaderboard view (web/static/leaderboard.js) shares with the calculator:
  // the same units, number formats, errors beside their fields and chart settings.
  window.lcaWeb = Object.freeze({ INDICATORS, LABELS, SHORT, PALETTE, POINT_STYLES, el, fmt,
    fmtCount, fmtPercent, scaleFor, human, humanText, postJson, markControl, clearFieldError,
    chartAnimation, markScrollables, download });

  init();
}());
