// The ringout-emulator dashboard: plain JavaScript, no framework, no build step.
//
// Everything shown comes from the control plane's own endpoints (the same ones tests use);
// /__emulator/events (server-sent events, read with fetch so the control token can go in a
// header) names the topics that moved, and each panel refreshes when one of its topics does.
// A new panel is a section in index.html plus one `panel([...topics], refreshFunction)` call.
"use strict";

(() => {
  const API = "/__emulator";
  const TOKEN_KEY = "ringout-emulator.control-token";
  const TOKEN_HEADER = "X-Emulator-Control-Token";
  const RECONNECT_MS = 1000;
  const TITLE = document.title;
  const JOURNAL_LIMIT = 100;
  const CALLS_SHOWN = 50; // the newest; a store of thousands would make a page nobody reads
  // = control.SCOPES (a test checks)
  const RESET_SCOPES = ["calls", "tokens", "journal", "rules", "scenarios", "clock", "ids", "rate-limits", "call-log", "subscriptions", "faults", "deliveries"];
  const LEG_ACTIONS = {
    ringing: [["answer", "Answer"], ["busy", "Busy"], ["no_answer", "No answer"], ["reject", "Reject"]],
    talking: [["hang_up", "Hang up"]],
  };
  const ACTION_DONE = { answer: "answered", busy: "busy", no_answer: "not answered", reject: "rejected", hang_up: "hung up" };

  const $ = (selector, root = document) => root.querySelector(selector);

  // ---------------------------------------------------------------- small DOM helpers

  /** An element with attributes and children (strings become text nodes: nothing is parsed as HTML). */
  function h(tag, attributes = {}, ...children) {
    const element = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes)) {
      if (value === false || value === null || value === undefined) continue;
      if (name === "class") element.className = value;
      else if (name === "dataset") Object.assign(element.dataset, value);
      else if (name.startsWith("on")) element.addEventListener(name.slice(2), value);
      else element.setAttribute(name, value === true ? "" : value);
    }
    for (const child of children.flat()) {
      if (child !== null && child !== undefined && child !== false) element.append(child);
    }
    return element;
  }

  function announce(text) {
    const region = $("#announcer");
    region.textContent = "";
    window.setTimeout(() => { region.textContent = text; }, 30);
  }

  function showProblem(text) {
    $("#problem-text").textContent = text;
    $("#problem").hidden = false;
  }

  function hideProblem() {
    $("#problem").hidden = true;
  }

  /** "12:00:04" (UTC) from an ISO time; "" for none. */
  function clockTime(iso) {
    return iso ? iso.slice(11, 19) : "";
  }

  function statusClass(status) {
    if (status === "InProgress") return "s-ringing";
    if (status === "Success") return "s-ok";
    if (status === "Finished") return "s-done";
    return "s-failed";
  }

  function badge(status, extra = {}) {
    return h("span", { class: `badge ${statusClass(status)}`, ...extra }, status);
  }

  // ---------------------------------------------------------------- the control token

  function token() {
    return window.sessionStorage.getItem(TOKEN_KEY) || "";
  }

  function headers(extra = {}) {
    const all = { Accept: "application/json", ...extra };
    if (token()) all[TOKEN_HEADER] = token();
    return all;
  }

  /** `#token=...` in the address fills the token once (a fragment never reaches the server or its logs). */
  function tokenFromAddress() {
    const match = window.location.hash.match(/(?:^#|&)token=([^&]*)/);
    if (!match) return;
    window.sessionStorage.setItem(TOKEN_KEY, decodeURIComponent(match[1]));
    window.history.replaceState(null, "", window.location.pathname + window.location.search);
  }

  function askForToken(message) {
    const field = $("#token");
    field.setAttribute("aria-invalid", "true");
    showProblem(message);
    field.focus();
  }

  // ---------------------------------------------------------------- talking to the control plane

  class ApiError extends Error {
    constructor(status, body) {
      const detail = body && body.message ? `${body.errorCode}: ${body.message}` : `HTTP ${status}`;
      super(detail);
      this.status = status;
    }
  }

  async function api(method, path, body) {
    const init = { method, headers: headers(body === undefined ? {} : { "Content-Type": "application/json" }) };
    if (body !== undefined) init.body = JSON.stringify(body);
    const response = await fetch(API + path, init);
    if (response.status === 204) return null;
    const data = await response.json().catch(() => null);
    if (response.status === 401) {
      askForToken("This emulator has a control token: type it in the Control token field.");
    }
    if (!response.ok) throw new ApiError(response.status, data);
    return data;
  }

  /** Runs a user's action: its error goes to the message bar, its success to screen readers. */
  async function act(work, done) {
    try {
      await work();
      hideProblem();
      if (done) announce(done);
    } catch (error) {
      showProblem(error.message);
    }
  }

  // ---------------------------------------------------------------- panels and live updates

  const panels = [];

  /** A panel: its refresh runs at start, on every change of one of its topics ("*": any), and never twice at once. */
  function panel(topics, refresh) {
    const entry = { topics, refresh, running: null, again: false };
    panels.push(entry);
    return entry;
  }

  function run(entry) {
    if (entry.running) {
      entry.again = true;
      return entry.running;
    }
    entry.running = (async () => {
      try {
        do {
          entry.again = false;
          await entry.refresh();
        } while (entry.again);
      } catch (error) {
        if (!(error instanceof ApiError && error.status === 401)) showProblem(error.message);
      } finally {
        entry.running = null;
      }
    })();
    return entry.running;
  }

  function refresh(topics) {
    for (const entry of panels) {
      if (entry.topics.includes("*") || entry.topics.some((topic) => topics.includes(topic))) run(entry);
    }
  }

  function setLive(state, text) {
    $("#live").dataset.state = state;
    $("#live-text").textContent = text;
  }

  let stream = null;

  /** Reads /__emulator/events for as long as the page is open, reconnecting after a second. */
  async function listen() {
    for (;;) {
      stream = new AbortController();
      try {
        const response = await fetch(`${API}/events`, {
          headers: headers({ Accept: "text/event-stream" }),
          cache: "no-store",
          signal: stream.signal,
        });
        if (response.status === 401) {
          setLive("locked", "Needs the control token");
          askForToken("This emulator has a control token: type it in the Control token field.");
          await tokenChanged();
          continue;
        }
        if (!response.ok) throw new ApiError(response.status, await response.json().catch(() => null));
        setLive("live", "Live");
        await readEvents(response.body);
      } catch (error) {
        if (error.name !== "AbortError" && !(error instanceof TypeError)) showProblem(error.message);
      }
      if (stream.signal.aborted) continue; // the token changed: reconnect now
      setLive("reconnecting", "Reconnecting…");
      await new Promise((resolve) => window.setTimeout(resolve, RECONNECT_MS));
    }
  }

  async function readEvents(body) {
    const reader = body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += value;
      let end;
      while ((end = buffer.indexOf("\n\n")) >= 0) {
        dispatch(buffer.slice(0, end));
        buffer = buffer.slice(end + 2);
      }
    }
  }

  function dispatch(message) {
    let event = "message";
    const data = [];
    for (const line of message.split("\n")) {
      if (line.startsWith("event:")) event = line.slice(6).trim();
      else if (line.startsWith("data:")) data.push(line.slice(5).trim());
    }
    if (event === "change" && data.length) refresh(JSON.parse(data.join("\n")).topics);
  }

  let tokenWaiters = [];

  function tokenChanged() {
    return new Promise((resolve) => tokenWaiters.push(resolve));
  }

  function useToken(value) {
    if (value) window.sessionStorage.setItem(TOKEN_KEY, value);
    else window.sessionStorage.removeItem(TOKEN_KEY);
    $("#token").removeAttribute("aria-invalid");
    hideProblem();
    const waiting = tokenWaiters;
    tokenWaiters = [];
    waiting.forEach((resolve) => resolve());
    if (stream) stream.abort();
    refresh(["*"]);
  }

  // ---------------------------------------------------------------- calls

  const openTimelines = new Set();
  const knownCalls = new Set();
  let firstCalls = true;

  function legActions(call, leg) {
    if (call.endedAt) return [];
    const status = call.status[`${leg}Status`];
    if (status === "InProgress") return LEG_ACTIONS.ringing;
    if (status === "Success") return LEG_ACTIONS.talking;
    return [];
  }

  function legRow(call, leg) {
    const status = call.status[`${leg}Status`];
    const number = leg === "caller" ? call.from : call.to;
    const label = leg === "caller" ? "Caller" : "Callee";
    const actions = legActions(call, leg).map(([action, text]) =>
      h("button", {
        type: "button",
        class: action === "answer" ? "small primary" : action === "hang_up" ? "small danger" : "small",
        dataset: { action },
        "aria-label": `${text}: ${label.toLowerCase()} leg of ${number}`,
        onclick: () => forceLeg(call, leg, action),
      }, text));
    return h("div", { class: "leg", dataset: { leg } },
      h("span", { class: "leg-name" }, label),
      h("span", { class: "leg-number" }, number),
      badge(status, { dataset: { role: "leg-status" } }),
      h("div", { class: "actions", role: "group", "aria-label": `${label} leg actions` },
        actions.length ? actions : h("span", { class: "muted" }, call.endedAt ? "ended" : "—")));
  }

  function callItem(call) {
    const open = openTimelines.has(call.id);
    const timelineId = `timeline-${call.id}`;
    return h("li", { class: `call ${call.endedAt ? "ended" : ""}`, dataset: { callId: call.id } },
      h("button", {
        type: "button",
        class: "call-head",
        "aria-expanded": open ? "true" : "false",
        "aria-controls": timelineId,
        onclick: () => toggleTimeline(call.id),
      },
        badge(call.status.callStatus, { dataset: { role: "call-status" } }),
        h("span", { class: "call-numbers" }, call.from, h("span", { class: "arrow", "aria-label": "to" }, " → "), call.to),
        h("span", { class: "call-meta" },
          h("span", { class: "chip", title: "scenario, and what chose it" }, call.scenario,
            h("span", { class: "chip-source" }, ` · ${call.scenarioSource}`)),
          h("time", { datetime: call.createdAt, title: call.createdAt }, clockTime(call.createdAt)),
          h("span", { class: "caret", "aria-hidden": "true" }, open ? "▾" : "▸"))),
      h("div", { class: "legs" }, legRow(call, "caller"), legRow(call, "callee")),
      h("div", { class: "timeline", id: timelineId, hidden: !open },
        h("p", { class: "muted" }, "Loading the timeline…")));
  }

  async function refreshCalls() {
    const { records } = await api("GET", "/calls");
    const calls = records.map((call, index) => ({ call, index }))
      .sort((a, b) => (b.call.createdAt.localeCompare(a.call.createdAt)) || (b.index - a.index))
      .map(({ call }) => call);
    const list = $("#call-list");
    const focused = document.activeElement;
    const focusKey = focused && focused.closest(".call")
      ? { id: focused.closest(".call").dataset.callId, leg: focused.closest(".leg")?.dataset.leg, head: focused.classList.contains("call-head") }
      : null;
    list.replaceChildren(...calls.slice(0, CALLS_SHOWN).map(callItem));
    $("#calls-more").hidden = calls.length <= CALLS_SHOWN;
    $("#calls-more").textContent = `Showing the newest ${CALLS_SHOWN} of ${calls.length} calls.`;
    if (focusKey) restoreFocus(focusKey);
    const live = calls.filter((call) => !call.endedAt).length;
    $("#calls-count").textContent = calls.length ? `${live} live · ${calls.length} stored` : "";
    document.title = live ? `(${live}) ${TITLE}` : TITLE; // the tab says how many calls are live
    $("#calls-empty").hidden = calls.length > 0;
    const fresh = calls.filter((call) => !knownCalls.has(call.id));
    fresh.forEach((call) => knownCalls.add(call.id));
    if (!firstCalls && fresh.length) announce(`New call from ${fresh[0].from} to ${fresh[0].to}`);
    firstCalls = false;
    await Promise.all(calls.filter((call) => openTimelines.has(call.id)).map((call) => loadTimeline(call.id)));
  }

  /** After a re-render, focus goes back to the same control, or the nearest one left. */
  function restoreFocus({ id, leg, head }) {
    const item = $(`.call[data-call-id="${CSS.escape(id)}"]`);
    if (!item) return;
    const target = head ? $(".call-head", item) : (leg && $(`.leg[data-leg="${leg}"] button`, item)) || $(".call-head", item);
    target.focus();
  }

  function timelineEntry(entry) {
    const what = entry.step !== undefined ? `step ${entry.step + 1}`
      : entry.leg ? `${entry.leg}: ${entry.action.replace("_", " ")} (forced)` : entry.cause;
    return h("li", {},
      h("time", { datetime: entry.at }, clockTime(entry.at)),
      h("span", { class: "cause" }, what),
      h("span", { class: "states" },
        "caller ", badge(entry.status.callerStatus), " callee ", badge(entry.status.calleeStatus),
        " call ", badge(entry.status.callStatus)));
  }

  async function loadTimeline(id) {
    const detail = await api("GET", `/calls/${encodeURIComponent(id)}`);
    const box = document.getElementById(`timeline-${id}`);
    if (!box) return;
    box.replaceChildren(
      h("h3", {}, "Timeline"),
      h("ol", { class: "steps" }, detail.timeline.map(timelineEntry)),
      h("p", { class: "muted small-print" }, `id ${detail.id} · extension ${detail.extensionId} · ${detail.clockMode} clock`));
  }

  function toggleTimeline(id) {
    if (openTimelines.has(id)) openTimelines.delete(id);
    else openTimelines.add(id);
    const item = $(`.call[data-call-id="${CSS.escape(id)}"]`);
    const open = openTimelines.has(id);
    $(".call-head", item).setAttribute("aria-expanded", String(open));
    $(".caret", item).textContent = open ? "▾" : "▸";
    $(".timeline", item).hidden = !open;
    if (open) loadTimeline(id).catch((error) => showProblem(error.message));
  }

  function forceLeg(call, leg, action) {
    return act(async () => {
      await api("POST", `/calls/${encodeURIComponent(call.id)}/legs/${leg}`, { action });
      await run(callsPanel);
    }, `The ${leg} leg of the call to ${call.to}: ${ACTION_DONE[action]}.`);
  }

  // ---------------------------------------------------------------- next call: scenarios, default, queue

  let scenarios = [];

  async function refreshScenarios() {
    const [list, chosen, queue, rules] = await Promise.all([
      api("GET", "/scenarios"),
      api("GET", "/default-scenario"),
      api("GET", "/scenarios/queue"),
      api("GET", "/rules"),
    ]);
    scenarios = list.records;
    const select = $("#scenario");
    const current = select.value || chosen.scenario;
    select.replaceChildren(...scenarios.map((s) =>
      h("option", { value: s.name }, s.name + (s.origin === "uploaded" ? " (uploaded)" : ""))));
    select.value = scenarios.some((s) => s.name === current) ? current : chosen.scenario;
    describeScenario();
    $("#default-scenario").textContent = chosen.scenario;
    $("#queue-list").replaceChildren(...entries(queue.records, "nothing queued"));
    $("#rule-list").replaceChildren(...entries(rules.records, "none"));
    $("#queue-clear").disabled = queue.records.length === 0;
  }

  /** Queue entries and rules: the scenario, what a call must look like, how many uses are left. */
  function entries(records, none) {
    if (!records.length) return [h("li", { class: "muted none" }, none)];
    return records.map((entry) => {
      const match = [
        entry.from && `from ${entry.from}`, entry.fromPrefix && `from ${entry.fromPrefix}…`,
        entry.to && `to ${entry.to}`, entry.toPrefix && `to ${entry.toPrefix}…`,
      ].filter(Boolean).join(" ");
      const left = entry.remaining !== undefined && entry.times !== 1 ? ` · ${entry.remaining} left` : "";
      return h("li", {}, h("code", {}, entry.scenario), match || left ? h("span", { class: "muted" }, ` ${match}${left}`) : "");
    });
  }

  async function loadMagicNumbers() {
    const { records } = await api("GET", "/magic-numbers");
    $("#magic-rows").replaceChildren(...records.map((row) => h("tr", {},
      h("td", {}, row.numbers[0]),
      h("td", {}, row.side),
      h("td", {}, row.scenario + (row.delaySeconds ? ` (+${row.delaySeconds} s)` : "")))));
  }

  function describeScenario() {
    const found = scenarios.find((s) => s.name === $("#scenario").value);
    $("#scenario-description").textContent = found ? found.description : "";
  }

  // ---------------------------------------------------------------- clock

  let clock = null;
  let clockReadAt = 0;

  /** A form the user has typed in keeps what they typed until they submit it (live updates never overwrite it). */
  const edited = new Set();

  function fill(form, apply) {
    if (!edited.has(form)) apply();
  }

  async function refreshClock() {
    clock = await api("GET", "/clock");
    clockReadAt = performance.now();
    $("#clock-mode").textContent = clock.mode;
    $("#clock-mode").className = `badge mode-${clock.mode}`;
    fill("mode-form", () => {
      $("#clock-mode-select").value = clock.mode;
      $("#clock-speed").value = String(clock.speed);
    });
    const real = clock.mode === "real";
    for (const control of document.querySelectorAll("#advance-form button, #advance-form input, #set-form input, #set-form button")) {
      control.disabled = real;
    }
    $("#clock-hint").textContent = real
      ? `Real time × ${clock.speed}. Switch to manual (or poll) to move time by hand.`
      : clock.mode === "poll" ? "Each status read moves a poll-mode call one step; advance moves the others." : "Time moves only when you advance or set it.";
    fill("set-form", () => { $("#clock-set").value = `${clock.now.slice(0, 19)}Z`; });
    showClock();
  }

  function showClock() {
    if (!clock) return;
    let seconds = clock.epochSeconds;
    if (clock.mode === "real") seconds += ((performance.now() - clockReadAt) / 1000) * clock.speed;
    const shown = new Date(seconds * 1000).toISOString();
    const time = $("#clock-now");
    time.dateTime = shown;
    time.textContent = `${shown.slice(0, 10)} ${shown.slice(11, 19)}`;
  }

  function advance(seconds) {
    return act(async () => {
      await api("POST", "/clock/advance", { seconds });
      await Promise.all([run(clockPanel), run(callsPanel)]);
    }, `Clock advanced ${seconds} s.`);
  }

  // ---------------------------------------------------------------- journal

  const openRequests = new Set();

  function journalQuery() {
    const query = new URLSearchParams({ limit: String(JOURNAL_LIMIT) });
    for (const [name, value] of new FormData($("#journal-filters"))) {
      if (String(value).trim()) query.set(name, String(value).trim());
    }
    return query;
  }

  function requestRows(entry) {
    const open = openRequests.has(entry.seq);
    const detailId = `request-${entry.seq}`;
    const toggle = h("button", {
      type: "button",
      class: "small quiet",
      "aria-expanded": String(open),
      "aria-controls": detailId,
      "aria-label": `Details of request ${entry.seq}: ${entry.method} ${entry.path}`,
      onclick: () => {
        if (openRequests.has(entry.seq)) openRequests.delete(entry.seq);
        else openRequests.add(entry.seq);
        const now = openRequests.has(entry.seq);
        toggle.setAttribute("aria-expanded", String(now));
        toggle.textContent = now ? "▾" : "▸";
        document.getElementById(detailId).hidden = !now;
      },
    }, open ? "▾" : "▸");
    const row = h("tr", { dataset: { seq: String(entry.seq) }, class: entry.status >= 400 ? "failed" : "" },
      h("td", {}, toggle),
      h("td", {}, h("time", { datetime: entry.at }, clockTime(entry.at))),
      h("td", {}, h("span", { class: `method m-${entry.method}` }, entry.method)),
      h("td", { class: "path" }, entry.path),
      h("td", { class: "nowrap" }, h("span", { class: `code c-${String(entry.status)[0]}` }, String(entry.status)), faultMark(entry.fault)),
      h("td", { class: "nowrap" }, entry.scenario ? h("span", {}, entry.scenario, h("span", { class: "muted" }, ` · ${entry.scenarioSource}`)) : ""),
      h("td", { class: "call-id" }, entry.callId ? h("button", {
        type: "button",
        class: "small quiet mono",
        title: `${entry.callId}: show only this call's requests`,
        onclick: () => filterByCall(entry.callId),
      }, `${entry.callId.slice(0, 10)}…`, h("span", { class: "visually-hidden" }, ": show only this call's requests")) : ""),
      h("td", { class: "num" }, entry.durationMs.toFixed(1)));
    const pairs = (object) => Object.entries(object).map(([name, value]) => h("tr", {}, h("th", { scope: "row" }, name), h("td", {}, value)));
    const detail = h("tr", { class: "detail", id: detailId, hidden: !open },
      h("td", { colspan: "8" },
        h("div", { class: "detail-grid" },
          h("div", {}, h("h3", {}, "Query"),
            Object.keys(entry.query).length ? h("table", { class: "pairs" }, h("tbody", {}, pairs(entry.query))) : h("p", { class: "muted" }, "none")),
          h("div", {}, h("h3", {}, "Headers (masked)"), h("table", { class: "pairs" }, h("tbody", {}, pairs(entry.headers))))),
        entry.to || entry.from ? h("p", { class: "muted" }, `from ${entry.from || "?"} to ${entry.to || "?"}`) : ""));
    return [row, detail];
  }

  // An injected fault's mark on its request: which effect, when, and which rule (or the header).
  function faultMark(fault) {
    if (!fault) return "";
    const by = fault.rule ? `fault rule ${fault.rule}` : "the X-Emulator-Fault header";
    return h("span", { class: "chip fault", title: `Injected by ${by} (${fault.when} the operation)` },
      `fault: ${fault.effect}`, h("span", { class: "visually-hidden" }, `, injected by ${by}, ${fault.when} the operation`));
  }

  function filterByCall(callId) {
    const field = $("#journal-filters [name=callId]");
    field.value = callId;
    run(journalPanel);
    field.focus();
  }

  async function refreshJournal() {
    const { records, size } = await api("GET", `/requests?${journalQuery()}`);
    const newest = records.slice().reverse();
    $("#journal-rows").replaceChildren(...newest.flatMap(requestRows));
    $("#journal-empty").hidden = newest.length > 0;
    $("#journal-count").textContent = size === 0 ? "off (journal size 0)" : `${newest.length} shown · keeps ${size}`;
  }

  // ---------------------------------------------------------------- webhook deliveries

  async function refreshDeliveries() {
    const { records, size } = await api("GET", `/deliveries?limit=${JOURNAL_LIMIT}`);
    const newest = records.slice().reverse();
    $("#delivery-rows").replaceChildren(...newest.map((d) => h("tr", { class: d.ok ? "" : "failed" },
      h("td", {}, h("time", { datetime: d.at }, clockTime(d.at))),
      h("td", {}, d.kind),
      h("td", { class: "path" }, d.event || ""),
      h("td", { class: "mono" }, d.subscriptionId || ""),
      h("td", { class: "path" }, d.address),
      h("td", {}, d.statusCode === null ? "—" : h("span", { class: `code c-${String(d.statusCode)[0]}` }, String(d.statusCode))),
      h("td", { class: "num" }, d.latencyMs.toFixed(1)),
      h("td", {}, d.error || ""))));
    $("#deliveries-empty").hidden = newest.length > 0;
    $("#deliveries-count").textContent = size === 0 ? "off" : `${newest.length} shown · keeps ${size}`;
  }

  // ---------------------------------------------------------------- call log

  async function refreshCallLog() {
    const [{ records }, settings] = await Promise.all([api("GET", `/call-log?limit=${JOURNAL_LIMIT}`), api("GET", "/call-log/settings")]);
    $("#call-log-rows").replaceChildren(...records.map((record) => h("tr", { dataset: { recordId: record.id } },
      h("td", {}, h("time", { datetime: record.startTime }, clockTime(record.startTime))),
      h("td", { class: "mono" }, record.from.phoneNumber),
      h("td", { class: "mono" }, record.to.phoneNumber),
      h("td", { dataset: { role: "result" } }, record.result),
      h("td", {}, record.reason || ""),
      h("td", { class: "num" }, String(record.duration)),
      h("td", { class: "mono" }, record.telephonySessionId))));
    $("#call-log-empty").hidden = records.length > 0;
    $("#call-log-count").textContent = `${records.length} shown · keeps ${settings.maxRecords}`;
    $("#call-log-delay").textContent = `${settings.delaySeconds} s`;
  }

  // ---------------------------------------------------------------- fault rules

  const FAULT_MATCH = ["operation", "method", "pathPrefix", "account", "extension", "to"];
  const FAULT_DETAIL = ["status", "retryAfter", "delay", "ms", "minMs", "maxMs", "medianMs", "sigma", "chunks", "keepBytes"];

  function fields(rule, names) {
    return names.filter((name) => rule[name] !== undefined).map((name) => `${name} ${rule[name]}`).join(" · ");
  }

  /** How often a rule fires: its probability, its times (and what is left), its window. */
  function firing(rule) {
    const parts = [`p ${rule.probability}`];
    if (rule.times !== undefined) parts.push(`${rule.times} times (${rule.remaining} left)`);
    if (rule.start || rule.end) parts.push(`${rule.start || "…"} → ${rule.end || "…"}`);
    return parts.join(" · ");
  }

  async function refreshFaults() {
    const { records } = await api("GET", "/faults");
    $("#fault-rows").replaceChildren(...records.map((rule) => h("tr", { dataset: { faultId: rule.id } },
      h("td", { class: "mono" }, rule.id),
      h("td", {}, h("strong", {}, rule.effect), ` ${fields(rule, FAULT_DETAIL)}`),
      h("td", { class: "path" }, fields(rule, FAULT_MATCH) || "every request"),
      h("td", {}, rule.when),
      h("td", {}, firing(rule)),
      h("td", { class: "num", dataset: { role: "hits" } }, String(rule.hits)),
      h("td", { class: "num", dataset: { role: "seen" } }, String(rule.seen)),
      h("td", {}, h("button", {
        type: "button", class: "quiet", "aria-label": `Delete fault rule ${rule.id}`,
        onclick: () => act(async () => {
          await api("DELETE", `/faults/${encodeURIComponent(rule.id)}`);
          await run(faultsPanel);
        }, `Fault rule ${rule.id} deleted.`),
      }, "Delete")))));
    $("#faults-empty").hidden = records.length > 0;
    $("#faults-count").textContent = `${records.length} ${records.length === 1 ? "rule" : "rules"}`;
  }

  // ---------------------------------------------------------------- rate limits and readiness

  async function refreshLimits() {
    const [table, readiness] = await Promise.all([api("GET", "/rate-limits"), api("GET", "/report")]);
    $("#limits-mode").textContent = table.mode;
    $("#limits-mode").className = `badge ${table.mode === "off" ? "s-done" : "s-ok"}`;
    const groups = Object.entries(table.limits).map(([group, limit]) => `${group} ${limit}`).join(" · ");
    $("#limits-table").textContent = table.mode === "off"
      ? "Off: no request is counted or refused."
      : `Per ${table.windowSeconds} s: ${groups}; past a limit, 429 for ${table.penaltySeconds} s.`;
    $("#bucket-rows").replaceChildren(...table.buckets.map((bucket) => h("tr", { class: bucket.refused ? "failed" : "" },
      h("td", { class: "mono" }, bucket.user),
      h("td", { class: "mono" }, bucket.app),
      h("td", {}, bucket.group),
      h("td", {}, h("meter", { min: "0", max: String(bucket.limit), value: String(bucket.used), "aria-hidden": "true" }),
        ` ${bucket.used} / ${bucket.limit}`),
      h("td", { class: "num" }, String(bucket.refused)),
      h("td", {}, bucket.penaltyUntil ? h("time", { datetime: bucket.penaltyUntil }, clockTime(bucket.penaltyUntil)) : "—"))));
    $("#buckets-empty").hidden = table.buckets.length > 0;
    const verdict = $("#report-verdict");
    verdict.textContent = readiness.verdict;
    verdict.className = `badge ${readiness.coverage.requests === 0 ? "s-done" : readiness.verdict === "ready" ? "s-ok" : "s-failed"}`;
    $("#report-coverage").textContent = readiness.coverage.note;
    $("#report-failures").replaceChildren(...readiness.failures.map((failure) => h("li", {}, failure)));
  }

  // ---------------------------------------------------------------- wiring

  const callsPanel = panel(["calls"], refreshCalls);
  const scenariosPanel = panel(["scenarios", "calls"], refreshScenarios); // a new call uses up a queued entry
  const clockPanel = panel(["clock"], refreshClock);
  const journalPanel = panel(["journal"], refreshJournal);
  const deliveriesPanel = panel(["deliveries"], refreshDeliveries);
  const faultsPanel = panel(["faults"], refreshFaults);
  panel(["call-log"], refreshCallLog);
  panel(["rate-limits", "journal", "clock"], refreshLimits); // the report reads the journal; windows slide with the clock

  function wire() {
    $("#token-form").addEventListener("submit", (event) => {
      event.preventDefault();
      useToken($("#token").value.trim());
      announce(token() ? "Control token set." : "Control token cleared.");
    });
    $("#problem-close").addEventListener("click", hideProblem);

    $("#scenario").addEventListener("change", describeScenario);
    $("#scenario-form").addEventListener("submit", (event) => {
      event.preventDefault();
      const scenario = $("#scenario").value;
      act(async () => {
        await api("POST", "/scenarios/queue", { scenario });
        await run(scenariosPanel);
      }, `Queued ${scenario}: the next call takes it.`);
    });
    $("#make-default").addEventListener("click", () => {
      const scenario = $("#scenario").value;
      act(async () => {
        await api("PUT", "/default-scenario", { scenario });
        await run(scenariosPanel);
      }, `${scenario} is now the default scenario.`);
    });
    $("#queue-clear").addEventListener("click", () => act(async () => {
      await api("DELETE", "/scenarios/queue");
      await run(scenariosPanel);
    }, "Queue cleared."));

    for (const button of document.querySelectorAll("[data-advance]")) {
      button.addEventListener("click", () => advance(Number(button.dataset.advance)));
    }
    $("#advance-form").addEventListener("submit", (event) => {
      event.preventDefault();
      advance(Number($("#advance-seconds").value));
    });
    for (const form of ["set-form", "mode-form"]) {
      document.getElementById(form).addEventListener("input", () => edited.add(form));
      document.getElementById(form).addEventListener("submit", () => edited.delete(form));
    }
    $("#set-form").addEventListener("submit", (event) => {
      event.preventDefault();
      const now = $("#clock-set").value.trim();
      act(async () => {
        await api("PUT", "/clock", { now });
        await Promise.all([run(clockPanel), run(callsPanel)]);
      }, `Clock set to ${now}.`);
    });
    $("#mode-form").addEventListener("submit", (event) => {
      event.preventDefault();
      const mode = $("#clock-mode-select").value;
      const speed = Number($("#clock-speed").value);
      act(async () => {
        await api("PUT", "/clock", mode === "real" ? { mode, speed } : { mode });
        await run(clockPanel);
      }, `Clock switched to ${mode}.`);
    });

    const filters = $("#journal-filters");
    let typing = 0;
    filters.addEventListener("input", () => {
      window.clearTimeout(typing);
      typing = window.setTimeout(() => run(journalPanel), 200);
    });
    filters.addEventListener("submit", (event) => event.preventDefault());
    filters.addEventListener("reset", () => window.setTimeout(() => run(journalPanel), 0));
    $("#deliveries-clear").addEventListener("click", () => act(async () => {
      await api("DELETE", "/deliveries");
      await run(deliveriesPanel);
    }, "Delivery log cleared."));
    $("#faults-clear").addEventListener("click", () => act(async () => {
      await api("DELETE", "/faults");
      await run(faultsPanel);
    }, "Every fault rule deleted."));
    $("#journal-clear").addEventListener("click", () => act(async () => {
      await api("DELETE", "/requests");
      await run(journalPanel);
    }, "Journal cleared."));

    const dialog = $("#reset-dialog");
    $("#reset-scopes").replaceChildren(...RESET_SCOPES.map((scope) =>
      h("label", {}, h("input", { type: "checkbox", name: "scope", value: scope, checked: true }), ` ${scope}`)));
    $("#reset-open").addEventListener("click", () => dialog.showModal());
    dialog.addEventListener("close", () => {
      if (dialog.returnValue !== "reset") return;
      const scopes = [...document.querySelectorAll("#reset-scopes input:checked")].map((box) => box.value);
      if (!scopes.length) return;
      act(async () => {
        await api("POST", "/reset", { scopes });
        openTimelines.clear();
        refresh(["*"]);
      }, `Reset: ${scopes.join(", ")}.`);
    });

    const base = window.location.origin;
    $("#calls-curl").textContent = [
      `TOKEN=$(curl -s -u emulator-client-id:emulator-client-secret ${base}/restapi/oauth/token \\`,
      "  -d grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer -d assertion=emulator-jwt \\",
      `  | python3 -c 'import json, sys; print(json.load(sys.stdin)["access_token"])')`,
      `curl -s ${base}/restapi/v1.0/account/~/extension/~/ring-out -H "Authorization: Bearer $TOKEN" \\`,
      `  -H 'Content-Type: application/json' -d '{"to": {"phoneNumber": "+16505550199"}}'`,
    ].join("\n");
    $("#magic").addEventListener("toggle", () => {
      if ($("#magic").open && !$("#magic-rows").children.length) loadMagicNumbers().catch((error) => showProblem(error.message));
    });
  }

  function start() {
    tokenFromAddress();
    $("#token").value = token();
    wire();
    refresh(["*"]);
    window.setInterval(() => { if (clock && clock.mode === "real") showClock(); }, 250);
    listen();
  }

  start();
})();
