/* lca web calculator: the leaderboard view, over POST /v1/leaderboards (issue 19, item 4).
 *
 * A leaderboard's table (a CSV or JSON file read in this browser, or the built-in sample) is
 * sent as rows; the answer is drawn as a scatter of score against footprint (log axis) with the
 * Pareto front, and as a table of models sortable by any column, with the rows the API left
 * out and why. Units, number formats, errors beside their fields and chart settings are the
 * calculator's own (window.lcaWeb, from app.js); like app.js, nothing here writes inline
 * styles or handlers, and all text goes into the page as text nodes.
 */
(function () {
  "use strict";

  const W = window.lcaWeb;
  if (!W) return;
  const { el, fmt, fmtCount, fmtPercent, scaleFor, humanText, LABELS, SHORT, PALETTE,
    POINT_STYLES } = W;
  const $ = (selector, root) => (root || document).querySelector(selector);
  const $$ = (selector, root) => Array.from((root || document).querySelectorAll(selector));

  const MAX_ROWS = 10000; // the API's limit (LeaderboardRequestSchema.rows)
  const PAGE = 100; // table rows drawn at a time: thousands of rows would take seconds
  const FOOTPRINTS = { per_request: "per request", evaluation: "for the evaluation run" };
  // An error's field -> the control it is shown next to (the file for what the table lacks).
  const FIELD_CONTROLS = { score: "lb-score", indicator: "lb-indicator",
    footprint: "lb-footprint", target: "lb-target", rows: "lb-file", columns: "lb-columns",
    parameters_in: "lb-parameters-in", file: "lb-file" };

  /* The built-in sample: a few rows with the Open LLM Leaderboard's column names. Names, sizes,
   * "Average ⬆️" and "CO₂ cost (kg)" of the first seven are those quoted from the leaderboard in
   * its public discussion "Proposal for new column" (huggingface.co/spaces/open-llm-leaderboard/
   * open_llm_leaderboard, discussion 1032, December 2024); the IFEval and MMLU-PRO scores are
   * illustrative, made up; the last row has no parameter count, to show how a row is left out. */
  const SAMPLE_NOTE = "A sample of 8 rows with the Open LLM Leaderboard's column names. The "
    + "first seven models' names, sizes, averages and CO₂ costs are quoted from the leaderboard "
    + "(Dec. 2024); their IFEval and MMLU-PRO scores are made up for illustration, and so is the "
    + "last row, which lacks a parameter count to show a row left out.";
  const CHAT = "💬 chat models (RLHF, DPO, IFT, ...)";
  const PRETRAINED = "🟢 pretrained";
  const SAMPLE = [
    ["openai-community/gpt2", "0.137", PRETRAINED, "True", "6.510807", "17.8", "1.84",
      "0.08594126"],
    ["gpt2", "0.137", PRETRAINED, "False", "5.977737", "19.16", "1.73", "0.03924517"],
    ["JackFram/llama-68m", "0.068", PRETRAINED, "False", "4.862635", "17.26", "1.59",
      "0.0605579"],
    ["SultanR/SmolTulu-1.7b-Reinforced", "1.711", CHAT, "False", "15.756606", "67.91", "7.24",
      "0.28961603"],
    ["tiiuae/Falcon3-3B-Instruct", "3.228", CHAT, "True", "26.551992", "69.77", "22.06",
      "0.48046365"],
    ["unsloth/Phi-3-mini-4k-instruct", "3.821", CHAT, "False", "27.178374", "54.4", "32.92",
      "0.46953311"],
    ["tiiuae/Falcon3-7B-Instruct", "7.456", CHAT, "True", "34.906699", "76.12", "34.72",
      "0.61876067"],
    ["example/no-size", "", CHAT, "False", "20.0", "30", "20", "1.0"],
  ].map(([name, params, type, official, average, ifeval, mmlu, co2]) => ({
    fullname: name, "#Params (B)": params, Precision: "bfloat16", MoE: "False", Type: type,
    "Official Providers": official, "Average ⬆️": average, IFEval: ifeval, "MMLU-PRO": mmlu,
    "CO₂ cost (kg)": co2 }));

  const view = {
    rows: null, // the rows loaded (objects column -> value)
    options: {}, // columns and parameters_in from a JSON file that names them
    source: "", // where the rows came from, in words
    result: null, // the last answer
    sort: { key: null, dir: "ascending" },
    shown: PAGE, // how many of the sorted models the table shows
    seq: 0,
  };
  let chart = null;
  let layout = null; // /web/leaderboard-columns.json: the columns the API reads, by default

  /** The default columns the API reads a table by (fetched once; null when unavailable). */
  async function loadLayout() {
    if (layout) return layout;
    try {
      const response = await fetch("web/leaderboard-columns.json",
        { headers: { Accept: "application/json" } });
      layout = response.ok ? await response.json() : null;
    } catch (_) {
      layout = null;
    }
    return layout;
  }

  /** The rows cut down to the columns the request reads (the roles' columns, the scores and
   * their standard errors): a whole published table has some forty columns, and the API takes
   * bodies up to 4 MiB. Without the layout, the rows go whole. */
  function usedColumns(rows, body, known) {
    if (!known) return rows;
    const given = body.columns && typeof body.columns === "object" ? body.columns : {};
    const roles = { ...known.columns };
    for (const [role, name] of Object.entries(given)) {
      if (role !== "scores" && typeof name === "string") roles[role] = name;
    }
    const scores = Array.isArray(given.scores) ? given.scores : known.scores;
    const keep = new Set([...Object.values(roles), ...scores,
      ...scores.map((name) => `${name}${known.se_suffix}`)]);
    return rows.map((row) => Object.fromEntries(Object.entries(row)
      .filter(([key]) => keep.has(key))));
  }

  // ---------- reading files ----------

  /** The records of a CSV text as arrays of cells (RFC 4180: a quoted field may hold commas,
   * line breaks and doubled quotes; a UTF-8 byte-order mark and CRLF line ends are accepted;
   * blank lines are skipped). Throws an Error naming the line of a quote never closed. */
  function parseCsv(text) {
    const s = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
    const records = [];
    let record = [];
    let field = "";
    let quoted = false;
    let wasQuoted = false;
    let line = 1;
    let quoteLine = 0;
    const endRecord = () => {
      record.push(field);
      if (!(record.length === 1 && record[0] === "" && !wasQuoted)) records.push(record);
      record = [];
      field = "";
      wasQuoted = false;
    };
    for (let i = 0; i < s.length; i += 1) {
      const c = s[i];
      if (quoted) {
        if (c === "\"") {
          if (s[i + 1] === "\"") { field += "\""; i += 1; } else quoted = false;
        } else {
          if (c === "\n") line += 1;
          field += c;
        }
      } else if (c === "\"" && field === "") {
        quoted = true;
        wasQuoted = true;
        quoteLine = line;
      } else if (c === ",") {
        record.push(field);
        field = "";
      } else if (c === "\r" || c === "\n") {
        if (c === "\r" && s[i + 1] === "\n") i += 1;
        endRecord();
        line += 1;
      } else {
        field += c;
      }
    }
    if (quoted) throw new Error(`a quoted field opened on line ${quoteLine} is never closed`);
    if (field !== "" || record.length || wasQuoted) endRecord();
    return records;
  }

  /** Rows (objects column -> cell text) of a CSV text whose first record names the columns. */
  function csvRows(text) {
    const records = parseCsv(text);
    if (!records.length) throw new Error("the file is empty");
    const header = records[0].map((name) => name.trim());
    const seen = new Set();
    header.forEach((name, k) => {
      if (!name) throw new Error(`column ${k + 1} of the header line has no name`);
      if (seen.has(name)) throw new Error(`the header names the column “${name}” twice`);
      seen.add(name);
    });
    if (records.length < 2) throw new Error("the file has a header line but no rows");
    return records.slice(1).map((cells, r) => {
      if (cells.length > header.length) {
        throw new Error(`row ${r + 1} has ${cells.length} cells, the header ${header.length} `
          + "columns (a comma outside quotes?)");
      }
      return Object.fromEntries(header.map((name, k) => [name, k < cells.length ? cells[k]
        : ""]));
    });
  }

  /** Rows (and the options that name their columns) of a JSON text: an array of rows, or an
   * object with ``rows`` and optionally ``columns`` and ``parameters_in``. */
  function jsonRows(text) {
    let data;
    try {
      data = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
    } catch (error) {
      throw new Error(`not valid JSON (${error.message})`);
    }
    const options = {};
    if (data && typeof data === "object" && !Array.isArray(data)) {
      for (const key of ["columns", "parameters_in"]) if (key in data) options[key] = data[key];
      data = data.rows;
    }
    if (!Array.isArray(data)) {
      throw new Error("expected an array of rows (objects column → value), or an object with "
        + "“rows”");
    }
    const bad = data.findIndex((row) => !row || typeof row !== "object" || Array.isArray(row));
    if (bad >= 0) throw new Error(`row ${bad + 1} is not an object (column → value)`);
    return { rows: data, options };
  }

  /** What a file holds, read by its name (.json) or its first character ([ or {). */
  function readTable(name, text) {
    const trimmed = text.replace(/^\ufeff/, "").trimStart();
    const json = /\.json$/i.test(name) || trimmed.startsWith("[") || trimmed.startsWith("{");
    const table = json ? jsonRows(text) : { rows: csvRows(text), options: {} };
    if (!table.rows.length) throw new Error("the file has no rows");
    if (table.rows.length > MAX_ROWS) {
      throw new Error(`${table.rows.length.toLocaleString("en")} rows: at most `
        + `${MAX_ROWS.toLocaleString("en")} at once (the API's limit; lca leaderboard reads `
        + "whole files)");
    }
    return table;
  }

  // ---------- errors beside their fields ----------

  function clearErrors() {
    for (const control of $$("#lb-form [aria-invalid]")) W.clearFieldError(control);
    const summary = $("#lb-errors");
    summary.hidden = true;
    summary.replaceChildren();
  }

  function labelOf(control) {
    const label = $(`label[for="${control.id}"]`);
    return label ? label.textContent.replace(/\s+/g, " ").replace(" (optional)", "").trim()
      : control.id;
  }

  /** Errors ({field, message}) next to the controls they name, and listed above the form. */
  function showErrors(errors, moveFocus = true) {
    const items = errors.map((error) => {
      const field = error.field || "";
      const id = FIELD_CONTROLS[field.split(".")[0]];
      const control = id && document.getElementById(id);
      if (!control) return el("li", {}, field ? `${field}: ${error.message}` : error.message);
      // Beside the columns, the role is named (columns.name, columns.scores).
      const message = control.id === "lb-columns" && field !== "columns"
        ? `${field}: ${error.message}` : error.message;
      if (control.id === "lb-columns" || control.id === "lb-parameters-in") {
        $("#lb-columns-box").open = true;
      }
      W.markControl(control, message);
      return el("li", {}, el("a", { href: `#${control.id}`, "data-focus": control.id },
        `${labelOf(control)}: ${message}`));
    });
    const summary = $("#lb-errors");
    summary.replaceChildren(el("p", {}, errors.length === 1 ? "One thing needs a correction:"
      : `${errors.length} things need a correction:`), el("ul", {}, items));
    summary.hidden = false;
    if (moveFocus) summary.focus();
  }

  function setStatus(text, isError) {
    const node = $("#lb-status");
    node.textContent = text;
    node.classList.toggle("error", Boolean(isError));
  }

  // ---------- asking the API ----------

  function targetValue() {
    const text = $("#lb-target").value.trim();
    if (!text) return null;
    const number = Number(text);
    return Number.isFinite(number) ? number : text; // not a number: the API names the field
  }

  /** The column roles typed in (an object), or undefined when the field is empty. Throws an
   * Error saying what is wrong with the text. */
  function typedColumns() {
    const text = $("#lb-columns").value.trim();
    if (!text) return undefined;
    let columns;
    try {
      columns = JSON.parse(text);
    } catch (error) {
      throw new Error(`not valid JSON (${error.message})`);
    }
    if (!columns || typeof columns !== "object" || Array.isArray(columns)) {
      throw new Error("expected an object: role → column name, e.g. {\"name\": \"model\"}");
    }
    return columns;
  }

  function requestBody() {
    const body = { rows: view.rows, ...view.options,
      indicator: $("#lb-indicator").value, footprint: $("#lb-footprint").value };
    const columns = typedColumns();
    if (columns) body.columns = columns;
    const unit = $("#lb-parameters-in").value;
    if (unit) body.parameters_in = unit;
    const score = $("#lb-score").value;
    if (score) body.score = score;
    const target = targetValue();
    if (target !== null) body.target = target;
    return body;
  }

  async function analyse({ moveFocus = false } = {}) {
    if (!view.rows) return;
    clearErrors();
    const seq = ++view.seq;
    let body;
    try {
      body = requestBody();
    } catch (error) {
      $("#lb-columns-box").open = true;
      showErrors([{ field: "columns", message: `${error.message}.` }], moveFocus);
      setStatus("The leaderboard was not analysed: one correction needed.", true);
      return;
    }
    setStatus(`Analysing ${fmtCount(view.rows.length)} rows (${view.source})…`);
    $("#lb-body").classList.add("stale");
    body.rows = usedColumns(body.rows, body, await loadLayout());
    if (seq !== view.seq) return;
    let res;
    try {
      res = await W.postJson("v1/leaderboards", body);
    } catch (error) {
      if (seq === view.seq) setStatus(`The API could not be reached (${error.message}).`, true);
      return;
    }
    if (seq !== view.seq) return; // a newer request is on its way
    if (!res.ok) { // the figures shown, if any, stay greyed: they are not those asked for
      if (res.status === 413) {
        showErrors([{ field: "rows", message: "the table is over the API's body limit even "
          + "cut down to the columns it reads: split it, or use lca leaderboard for whole "
          + "files." }], moveFocus);
        setStatus("The leaderboard was not analysed: the table is too large to send.", true);
        return;
      }
      const data = res.data || {};
      const errors = data.errors && data.errors.length ? data.errors
        : [{ field: null, message: `${data.title || "Error"} (${res.status})`
          + `${data.detail ? `: ${data.detail}` : ""}` }];
      showErrors(errors, moveFocus);
      setStatus(`The leaderboard was not analysed: ${errors.length === 1 ? "one correction"
        : `${errors.length} corrections`} needed.`, true);
      return;
    }
    view.result = res.data;
    $("#lb-body").classList.remove("stale");
    render();
  }

  async function loadFile(file) {
    clearErrors();
    let table;
    try {
      table = readTable(file.name, await file.text());
    } catch (error) {
      showErrors([{ field: "file", message: `${file.name}: ${error.message}.` }], false);
      setStatus(`${file.name} could not be read.`, true);
      $("#lb-body").classList.add("stale"); // what is shown is another table's
      return;
    }
    useRows(table.rows, table.options, `${file.name}, ${fmtCount(table.rows.length)} rows`);
  }

  function useRows(rows, options, source) {
    view.rows = rows;
    view.options = options;
    view.source = source;
    view.sort = { key: null, dir: "ascending" };
    view.result = null; // another table: the last one's figures go
    $("#lb-body").hidden = true;
    const score = $("#lb-score"); // a new table has its own scores: the API's default first
    score.replaceChildren(el("option", { value: "" }, "Default"));
    score.disabled = false;
    $("#lb-apply").disabled = false;
    analyse();
  }

  // ---------- rendering ----------

  function footprintOf(model, kind, indicator) {
    const block = kind === "evaluation" ? model.evaluation : model.per_request;
    const q = block && block[indicator];
    return q && Number.isFinite(q.value) ? q : null;
  }

  function scoreNames(result) {
    const names = [];
    for (const m of result.models) {
      for (const name of Object.keys(m.scores || {})) if (!names.includes(name)) names.push(name);
    }
    if (!names.includes(result.analysis.score)) names.unshift(result.analysis.score);
    return names;
  }

  function render() {
    const result = view.result;
    const a = result.analysis;
    const names = scoreNames(result);
    const score = $("#lb-score");
    score.replaceChildren(...names.map((name) => el("option", { value: name }, name)));
    score.value = a.score;
    $("#lb-body").hidden = false;
    view.shown = PAGE;
    renderSummary(result);
    renderChart(result);
    renderTable(result);
    renderRejects(result);
    renderClasses(result);
    renderGroups(result);
    $("#lb-assumptions").replaceChildren(...(result.assumptions || []).map((text) => el("li",
      {}, text)));
    W.markScrollables();
    const s = result.summary;
    setStatus(`From ${view.source}: ${fmtCount(s.models)} ${s.models === 1 ? "model" : "models"} `
      + `analysed, ${fmtCount(s.rejected)} left out.`);
  }

  function named(entry) {
    return entry ? entry.name : "–";
  }

  function renderSummary(result) {
    const { summary: s, analysis: a } = result;
    const indicator = a.indicator;
    $("#lb-summary").textContent = `${fmtCount(s.rows)} rows read: ${fmtCount(s.models)} `
      + `models analysed, ${fmtCount(s.rejected)} left out (listed below)`
      + `${s.samples ? `; ranges and probabilities over ${fmtCount(s.samples)} draws` : ""}. `
      + `Ranked on ${a.score} against ${LABELS[indicator].toLowerCase()} `
      + `${FOOTPRINTS[a.footprint]}: ${fmtCount(a.pareto_front.length)} `
      + `${a.pareto_front.length === 1 ? "model is" : "models are"} on the Pareto front.`;
    const sentence = $("#lb-target-text");
    const t = a.target;
    sentence.hidden = !t;
    if (!t) return;
    sentence.classList.toggle("none", !t.selected);
    if (!t.selected) {
      sentence.textContent = `Target ${a.score} ≥ ${fmt(t.score)}: ${t.message || "no model "
        + "reaches it"}.`;
      return;
    }
    const model = result.models[t.selected.index];
    const q = footprintOf(model, a.footprint, indicator);
    const odds = t.probability === null || t.probability === undefined ? ""
      : ` It stays the choice in ${fmtPercent(t.probability)} of the draws`
        + `${t.alternatives && t.alternatives.length ? ` (else ${t.alternatives.map((x) =>
          `${x.name}, ${fmtPercent(x.probability)}`).join("; ")})` : ""}.`;
    sentence.textContent = `Cheapest reaching ${a.score} ≥ ${fmt(t.score)}: ${t.selected.name} `
      + `— ${q ? humanText(indicator, q.value) : "–"} ${FOOTPRINTS[a.footprint]}, among `
      + `${fmtCount(t.reaching)} ${t.reaching === 1 ? "model" : "models"} reaching it.${odds}`;
  }

  /** Footprint (x, log scale) against score (y): one dataset per size class, the Pareto front
   * as a line through its models sorted by footprint, the target as a dashed line and a ring
   * around the cheapest model reaching it. */
  function renderChart(result) {
    const a = result.analysis;
    const indicator = a.indicator;
    if (chart) { chart.destroy(); chart = null; }
    const points = result.models.map((m, index) => {
      const q = footprintOf(m, a.footprint, indicator);
      const y = m.scores ? m.scores[a.score] : null;
      return q && q.value > 0 && Number.isFinite(y) ? { m, index, q, y } : null;
    }).filter(Boolean);
    const scale = scaleFor(indicator, Math.max(0, ...points.map((p) => p.q.value)));
    const point = (p) => ({ x: p.q.value / scale[1], y: p.y, name: p.m.name, index: p.index,
      value: p.q.value, low: p.q.low, high: p.q.high, perPoint: p.m.per_score_point,
      parameters: p.m.parameters, sizeClass: p.m.size_class });
    const classes = Object.keys(a.size_classes || {});
    for (const p of points) if (!classes.includes(p.m.size_class)) classes.push(p.m.size_class);
    const datasets = classes.map((cls, k) => ({
      kind: "model",
      label: `${cls === null || cls === undefined ? "Size unknown" : cls}`,
      data: points.filter((p) => p.m.size_class === cls).map(point),
      backgroundColor: `${PALETTE[k % PALETTE.length]}99`,
      borderColor: PALETTE[k % PALETTE.length],
      borderWidth: 1.5,
      pointStyle: POINT_STYLES[k % POINT_STYLES.length],
      pointRadius: 5,
      pointHoverRadius: 8,
    })).filter((d) => d.data.length);
    const onFront = new Set(a.pareto_front.map((f) => f.index));
    const front = points.filter((p) => onFront.has(p.index)).sort((p, q) => p.q.value - q.q.value
      || p.y - q.y);
    datasets.push({ kind: "front", label: `Pareto front (${SHORT[indicator]})`,
      data: front.map(point), showLine: true, borderColor: "#1b2430",
      backgroundColor: "#1b2430", borderWidth: 2, pointRadius: 0, pointHoverRadius: 0,
      pointStyle: "line" });
    const t = a.target;
    if (t && points.length) {
      const xs = points.map((p) => p.q.value / scale[1]);
      datasets.push({ kind: "target", label: `Target: ${a.score} ≥ ${fmt(t.score)}`,
        data: [{ x: Math.min(...xs), y: t.score }, { x: Math.max(...xs), y: t.score }],
        showLine: true, borderColor: "#566275", backgroundColor: "#566275", borderDash: [6, 4],
        borderWidth: 1.5, pointRadius: 0, pointHoverRadius: 0, pointStyle: "line" });
      const chosen = t.selected && points.find((p) => p.index === t.selected.index);
      if (chosen) {
        datasets.push({ kind: "selected", label: "Cheapest reaching the target",
          data: [point(chosen)], pointStyle: "circle", pointRadius: 12, pointHoverRadius: 12,
          backgroundColor: "rgba(0, 0, 0, 0)", borderColor: "#c25700", borderWidth: 3 });
      }
    }
    const what = `${LABELS[indicator]} ${FOOTPRINTS[a.footprint]}`;
    const tick = (v) => {
      const m = v / 10 ** Math.floor(Math.log10(v) + 1e-9);
      return [1, 2, 5].some((k) => Math.abs(m - k) < 1e-6) ? fmt(v) : "";
    };
    chart = new window.Chart($("#lb-chart"), {
      type: "scatter",
      data: { datasets },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: W.chartAnimation(),
        scales: {
          x: { type: "logarithmic", ticks: { callback: tick },
            title: { display: true, text: `${what} (${scale[0]}, log scale)` } },
          y: { grace: "5%", title: { display: true, text: `${a.score} (higher is better)` } },
        },
        plugins: {
          legend: { position: "bottom", labels: { usePointStyle: true } },
          tooltip: {
            filter: (item) => item.dataset.kind === "model",
            callbacks: {
              title: (items) => (items.length ? items[0].raw.name : ""),
              label: (ctx) => {
                const r = ctx.raw;
                return [`${a.score}: ${fmt(r.y)}`,
                  `${what}: ${humanText(indicator, r.value)}${Number.isFinite(r.low)
                    ? ` (${humanText(indicator, r.low)} – ${humanText(indicator, r.high)})` : ""}`,
                  `Per score point: ${Number.isFinite(r.perPoint)
                    ? humanText(indicator, r.perPoint) : "–"}`,
                  `Parameters: ${fmtCount(r.parameters)} (${r.sizeClass || "size unknown"})`];
              },
            },
          },
        },
      },
    });
    $("#lb-chart-title").textContent = `${a.score} against ${what.toLowerCase()}`;
    const left = result.models.length - points.length;
    $("#lb-chart").setAttribute("aria-label", `Scatter of ${fmtCount(points.length)} models, `
      + `${a.score} against ${what.toLowerCase()} on a log scale. Pareto front, from the `
      + `smallest footprint: ${front.map((p) => `${p.m.name} (${fmt(p.y)}, `
        + `${humanText(indicator, p.q.value)})`).join("; ") || "none"}.`);
    $("#lb-chart-note").textContent = "Each point is a model, coloured by size class; hover one "
      + "for its figures (the table below lists them all). The line joins the Pareto front: the "
      + `models no other beats on both ${a.score} and ${LABELS[indicator].toLowerCase()} `
      + `${FOOTPRINTS[a.footprint]}.${left ? ` Not drawn: ${fmtCount(left)} `
        + `${left === 1 ? "model" : "models"} without a score or a footprint`
        + `${a.footprint === "evaluation" ? " (no evaluation time or CO₂ cost)" : ""}.` : ""}`;
  }

  function quantityColumn(key, label, indicator, get) {
    return { key, label, indicator, numeric: true, value: (m) => {
      const q = get(m);
      return q ? q.value : null;
    }, quantity: get };
  }

  function yesNo(flag) {
    if (flag === true) return "yes";
    return flag === false ? "no" : "–";
  }

  /** The table's columns: key, heading, value (what sorts), and how a cell reads. */
  function tableColumns(result) {
    const a = result.analysis;
    const indicator = a.indicator;
    const short = SHORT[indicator];
    const columns = [
      { key: "name", label: "Model", value: (m) => m.name },
      { key: "row", label: "Row", numeric: true, value: (m) => m.index + 1, text: (v) => String(v) },
      { key: "parameters", label: "Parameters", numeric: true, value: (m) => m.parameters,
        text: fmtCount },
      { key: "size_class", label: "Size class", value: (m) => m.size_class },
      { key: "type", label: "Type", value: (m) => m.type },
      { key: "official", label: "Official", value: (m) => yesNo(m.official) },
      ...scoreNames(result).map((name) => ({ key: `score:${name}`, label: name, numeric: true,
        chosen: name === a.score, value: (m) => (m.scores ? m.scores[name] : null), text: fmt })),
      quantityColumn("per_request", `${short} per request`, indicator,
        (m) => footprintOf(m, "per_request", indicator)),
      quantityColumn("evaluation", `${short} of the evaluation run`, indicator,
        (m) => footprintOf(m, "evaluation", indicator)),
      { key: "per_score_point", label: `${short} ${FOOTPRINTS[a.footprint]} per score point`,
        numeric: true, indicator, value: (m) => m.per_score_point },
      { key: "front", label: "On the Pareto front", numeric: true,
        value: (m) => (m.on_front ? 2 : 0) + (m.front_probability || 0),
        text: (v, m) => (m.on_front ? "yes" : "no"),
        note: (m) => (Number.isFinite(m.front_probability)
          ? `in ${fmtPercent(m.front_probability)} of draws` : null) },
      { key: "co2", label: "Leaderboard CO₂", numeric: true, value: (m) => m.leaderboard.co2_kg,
        text: (v) => humanText("gwp", v),
        note: (m) => (m.leaderboard.evaluation_time === "recovered"
          ? "evaluation time recovered from it" : null) },
      { key: "ratio", label: "GHG estimated here ÷ leaderboard CO₂", numeric: true,
        value: (m) => (m.evaluation_gwp_ratio ? m.evaluation_gwp_ratio.value : null),
        text: (v, m) => `× ${fmt(v)}`,
        range: (m) => m.evaluation_gwp_ratio },
    ];
    // A column of one indicator reads in one unit, chosen from its largest value.
    for (const c of columns) {
      if (!c.indicator) continue;
      const values = result.models.map(c.value).filter(Number.isFinite);
      c.scale = scaleFor(c.indicator, Math.max(0, ...values.map(Math.abs)));
      c.unit = c.scale[0];
    }
    return columns;
  }

  function missing(value, numeric) {
    return value === null || value === undefined || (numeric && !Number.isFinite(value));
  }

  function sortedModels(result, columns) {
    const order = result.models.map((m, index) => ({ m, index }));
    const column = columns.find((c) => c.key === view.sort.key);
    if (!column) return order;
    const sign = view.sort.dir === "descending" ? -1 : 1;
    return order.sort((p, q) => {
      const x = column.value(p.m);
      const y = column.value(q.m);
      const gone = missing(x, column.numeric) - missing(y, column.numeric);
      if (gone || missing(x, column.numeric)) return gone || p.index - q.index; // last, always
      const order = column.numeric ? x - y
        : String(x).localeCompare(String(y), "en", { sensitivity: "base" });
      return sign * order || p.index - q.index;
    });
  }

  function cell(column, m) {
    const value = column.value(m);
    const attrs = { "data-column": column.key,
      "data-value": value === null || value === undefined ? "" : value,
      class: [column.numeric ? "num" : "", column.chosen ? "chosen" : ""].join(" ").trim()
        || null };
    if (missing(value, column.numeric)) return el("td", attrs, "–");
    let text;
    if (column.scale) text = fmt(value / column.scale[1]);
    else if (column.text) text = column.text(value, m);
    else text = String(value);
    const parts = [el("span", { class: "value" }, text)];
    const q = column.quantity ? column.quantity(m) : column.range && column.range(m);
    if (q && Number.isFinite(q.low) && Number.isFinite(q.high)) {
      const size = column.scale ? column.scale[1] : 1;
      parts.push(el("span", { class: "range" }, `${fmt(q.low / size)} – ${fmt(q.high / size)}`));
    }
    const note = column.note && column.note(m);
    if (note) parts.push(el("span", { class: "range" }, note));
    return el("td", attrs, parts);
  }

  function renderTable(result) {
    const columns = tableColumns(result);
    const header = el("tr", {}, columns.map((c) => {
      const sorted = view.sort.key === c.key;
      return el("th", { scope: "col", "data-column": c.key, "aria-sort": sorted ? view.sort.dir
        : null, class: c.chosen ? "chosen" : null },
      el("button", { type: "button", class: "sort", "data-sort": c.key }, c.label,
        c.unit ? el("span", { class: "unit" }, ` (${c.unit})`) : null,
        el("span", { class: "sort-mark", "aria-hidden": "true" }, sorted
          ? ` ${view.sort.dir === "ascending" ? "▲" : "▼"}` : " ↕")));
    }));
    $("#lb-table thead").replaceChildren(header);
    const total = result.models.length;
    const rows = sortedModels(result, columns).slice(0, view.shown).map(({ m, index }) => {
      const [first, ...rest] = columns;
      return el("tr", { "data-index": index, "data-row": m.index + 1,
        class: m.on_front ? "on-front" : null },
      el("th", { scope: "row", "data-column": first.key, "data-value": m.name }, m.name,
        m.on_front ? el("span", { class: "front-mark", title: "On the Pareto front" },
          " ◆") : null,
        (m.notes || []).map((note) => el("span", { class: "range note-line" }, note))),
      rest.map((c) => cell(c, m)));
    });
    $("#lb-table tbody").replaceChildren(...rows);
    const column = columns.find((c) => c.key === view.sort.key);
    const shown = Math.min(view.shown, total);
    $("#lb-caption").textContent = `${shown < total ? `The first ${fmtCount(shown)} of ` : ""}`
      + `${fmtCount(total)} ${total === 1 ? "model" : "models"}`
      + `${column ? `, sorted by ${column.label} (${view.sort.dir})` : ", in the file's order"}`
      + ". Press a column's heading to sort by it; ranges (5–95 %) below the values; ◆ marks "
      + "the Pareto front.";
    const more = $("#lb-more");
    more.hidden = shown >= total;
    more.textContent = `Show ${fmtCount(Math.min(PAGE, total - shown))} more `
      + `(${fmtCount(total - shown)} not shown yet)`;
  }

  function renderRejects(result) {
    const rejects = result.rejects || [];
    $("#lb-rejects-none").hidden = rejects.length > 0;
    $("#lb-rejects").closest(".table-wrap").hidden = !rejects.length;
    $("#lb-rejects-title").textContent = `Rows left out (${fmtCount(rejects.length)})`;
    $("#lb-rejects tbody").replaceChildren(...rejects.map((r) => el("tr", { "data-row": r.index + 1 },
      el("td", { class: "num" }, String(r.index + 1)), el("td", {}, r.name || "–"),
      el("td", {}, r.reason))));
  }

  function renderClasses(result) {
    const a = result.analysis;
    $("#lb-classes tbody").replaceChildren(...Object.entries(a.size_classes || {}).map(
      ([label, found]) => el("tr", {}, el("th", { scope: "row" }, label),
        el("td", { class: "num" }, fmtCount(found.models)),
        el("td", {}, named(found.best_score)), el("td", {}, named(found.least_per_point)))));
  }

  const GROUPS = [["official_vs_community", "official", "Official providers"],
    ["official_vs_community", "community", "Community"], ["base_vs_instruct", "base",
      "Base (pretrained)"], ["base_vs_instruct", "instruct", "Instruct (chat)"],
    ["moe_vs_dense", "moe", "Mixture of experts"], ["moe_vs_dense", "dense", "Dense"]];

  /** The group comparisons of Hugging Face's analysis: medians, quartiles below them. */
  function renderGroups(result) {
    const a = result.analysis;
    const indicator = a.indicator;
    const found = GROUPS.map(([pair, key, label]) => [label, ((a.groups || {})[pair] || {})[key]])
      .filter(([, g]) => g);
    const largest = (name) => Math.max(0, ...found.map(([, g]) => (g[name] ? g[name].median
      : 0)));
    const scales = { footprint: scaleFor(indicator, largest("footprint")),
      per_score_point: scaleFor(indicator, largest("per_score_point")),
      leaderboard_co2_kg: scaleFor("gwp", largest("leaderboard_co2_kg")) };
    const short = SHORT[indicator];
    const headings = [["score", a.score], ["footprint", `${short} ${FOOTPRINTS[a.footprint]}`],
      ["per_score_point", `${short} per score point`], ["leaderboard_co2_kg",
        "Leaderboard CO₂"]];
    $("#lb-groups thead").replaceChildren(el("tr", {}, el("th", { scope: "col" }, "Group"),
      el("th", { scope: "col" }, "Models"), headings.map(([name, label]) => el("th",
        { scope: "col" }, label, scales[name] ? el("span", { class: "unit" },
          ` (${scales[name][0]})`) : null))));
    const spreadCell = (name, q) => {
      if (!q) return el("td", { "data-column": name }, "–");
      const size = scales[name] ? scales[name][1] : 1;
      return el("td", { "data-column": name, "data-value": q.median },
        el("span", { class: "value" }, fmt(q.median / size)),
        el("span", { class: "range" }, `${fmt(q.p25 / size)} – ${fmt(q.p75 / size)}`));
    };
    $("#lb-groups tbody").replaceChildren(...found.map(([label, g]) => el("tr", {},
      el("th", { scope: "row" }, label), el("td", { class: "num" }, fmtCount(g.models)),
      headings.map(([name]) => spreadCell(name, g[name])))));
  }

  function sortBy(key) {
    if (!view.result) return;
    view.sort = view.sort.key === key
      ? { key, dir: view.sort.dir === "ascending" ? "descending" : "ascending" }
      : { key, dir: "ascending" };
    renderTable(view.result);
    const button = $(`#lb-table thead button[data-sort="${CSS.escape(key)}"]`);
    if (button) button.focus(); // the heading was redrawn: keep the keyboard where it was
  }

  // ---------- start ----------

  function bind() {
    $("#lb-sample-note").textContent = SAMPLE_NOTE;
    $("#lb-sample").addEventListener("click", () => {
      $("#lb-file").value = "";
      clearErrors();
      useRows(SAMPLE.map((row) => ({ ...row })), {}, "the built-in sample");
    });
    $("#lb-file").addEventListener("change", (event) => {
      const file = event.target.files && event.target.files[0];
      if (file) loadFile(file);
    });
    $("#lb-form").addEventListener("submit", (event) => {
      event.preventDefault();
      analyse({ moveFocus: true });
    });
    for (const id of ["#lb-score", "#lb-indicator", "#lb-footprint", "#lb-target"]) {
      $(id).addEventListener("change", () => analyse());
    }
    for (const id of ["#lb-target", "#lb-columns"]) {
      $(id).addEventListener("input", () => W.clearFieldError($(id)));
    }
    $("#lb-columns-apply").addEventListener("click", () => {
      if (view.rows) {
        useRows(view.rows, view.options, view.source); // other columns: other scores
      } else {
        showErrors([{ field: "file", message: "load a file first." }]);
      }
    });
    $("#lb-parameters-in").addEventListener("change", () => analyse());
    $("#lb-more").addEventListener("click", () => {
      view.shown += PAGE;
      renderTable(view.result);
      W.markScrollables();
    });
    $("#lb-table thead").addEventListener("click", (event) => {
      const button = event.target.closest("button[data-sort]");
      if (button) sortBy(button.dataset.sort);
    });
    $("#lb-errors").addEventListener("click", (event) => {
      const link = event.target.closest("a[data-focus]");
      if (!link) return;
      event.preventDefault();
      const control = document.getElementById(link.dataset.focus);
      if (control) control.focus();
    });
    $("#lb-download").addEventListener("click", () => {
      if (view.result) {
        W.download("lca-leaderboard.json", `${JSON.stringify(view.result, null, 2)}\n`,
          "application/json");
      }
    });
  }

  bind();
  // The file readers, for the browser tests (they compare them with Python's csv module).
  window.lcaLeaderboard = Object.freeze({ parseCsv, readTable });
}());
