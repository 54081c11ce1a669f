// The invoker's dashboard: keeps the server-rendered pages live from the event stream (GET /system/events) and
// draws the function page's charts as SVG. Plain JavaScript, no libraries, no build step.
"use strict";

(() => {
  const SVG = "http://www.w3.org/2000/svg";
  const WINDOW = 900; // seconds of series the charts show: 15 minutes at 1 s

  // Numbers are written as the server writes them (DashboardFormat.swift).
  const format = {
    ms(value) {
      if (value === null || value === undefined) return "–";
      if (value >= 1000) return (value / 1000).toFixed(2) + " s";
      if (value >= 10) return value.toFixed(1) + " ms";
      return value.toFixed(2) + " ms";
    },
    percent(value) {
      return value === null || value === undefined ? "–" : (value * 100).toFixed(1) + "%";
    },
    rate(value) {
      if (value >= 100) return value.toFixed(0) + "/s";
      if (value >= 10) return value.toFixed(1) + "/s";
      return value.toFixed(2) + "/s";
    },
    age(seconds) {
      if (seconds === null || seconds === undefined) return "–";
      if (seconds < 120) return Math.floor(seconds) + " s";
      if (seconds < 7200) return Math.floor(seconds / 60) + " min";
      return Math.floor(seconds / 3600) + " h";
    },
    time(ms) {
      return new Date(ms).toISOString().replace("T", " ").replace("Z", "");
    },
  };

  const readJSON = (id) => {
    const element = document.getElementById(id);
    return element ? JSON.parse(element.textContent) : null;
  };

  /** Sets the text of every [data-k=key] under root, flashing what changed. */
  const set = (root, key, value) => {
    for (const element of root.querySelectorAll(`[data-k="${key}"]`)) {
      const text = String(value);
      if (element.textContent === text) continue;
      element.textContent = text;
      if (key === "breaker") element.dataset.breaker = text;
      element.classList.remove("flash");
      void element.offsetWidth;
      element.classList.add("flash");
    }
  };

  const updateFunctions = (snapshot) => {
    for (const fn of snapshot.functions) {
      for (const root of document.querySelectorAll(`[data-fn="${CSS.escape(fn.name)}"]`)) {
        set(root, "idle", fn.workers.idle);
        set(root, "busy", fn.workers.busy);
        set(root, "starting", fn.workers.starting);
        set(root, "breaker", fn.breaker);
        for (const [prefix, window] of [["m", fn.lastMinute], ["q", fn.last15Minutes]]) {
          set(root, `${prefix}-rps`, format.rate(window.requestsPerSecond));
          set(root, `${prefix}-errors`, format.percent(window.errorRate));
          set(root, `${prefix}-p50`, format.ms(window.p50));
          set(root, `${prefix}-p99`, format.ms(window.p99));
          set(root, `${prefix}-cold`, format.percent(window.coldShare));
        }
      }
    }
  };

  const updateQueues = (snapshot) => {
    for (const queue of snapshot.queues || []) {
      for (const root of document.querySelectorAll(`[data-queue="${CSS.escape(queue.name)}"]`)) {
        set(root, "depth", queue.depth);
        set(root, "inFlight", queue.inFlight);
        set(root, "delayed", queue.delayed);
        set(root, "deadLetters", queue.deadLetters);
        set(root, "oldest", format.age(queue.oldestAgeSeconds));
      }
    }
  };

  const cell = (row, text, className) => {
    const td = document.createElement("td");
    if (className) td.className = className;
    if (text instanceof Node) td.append(text); else td.textContent = text;
    row.append(td);
    return td;
  };

  const link = (href, text, className) => {
    const a = document.createElement("a");
    a.href = href;
    a.textContent = text;
    if (className) a.className = className;
    return a;
  };

  /** A row of an invocation list, as invocation-rows.mustache writes it. */
  const invocationRow = (invocation) => {
    const row = document.createElement("tr");
    row.dataset.id = invocation.id;
    row.className = "new";
    cell(row, format.time(invocation.startedAtMs), "time");
    cell(row, link(`/dashboard/functions/${encodeURIComponent(invocation.function)}`, invocation.function));
    cell(row, invocation.trigger);
    const status = document.createElement("span");
    status.className = "status " + (invocation.status === "success" ? "good" : "bad");
    status.textContent = invocation.status;
    const statusCell = cell(row, status);
    if (invocation.httpStatus) statusCell.append(" " + invocation.httpStatus);
    cell(row, format.ms(invocation.durationMs), "num");
    cell(row, invocation.cold ? "cold" : "");
    cell(row, link(`/dashboard/invocations/${invocation.id}`, invocation.id, "id"));
    return row;
  };

  /** Puts a new invocation on top of every live list whose filter lets it through. */
  const addInvocation = (invocation) => {
    for (const list of document.querySelectorAll("tbody[data-live]")) {
      const { function: fn, status, trigger } = list.dataset;
      if ((fn && fn !== invocation.function) || (status && status !== invocation.status) ||
          (trigger && trigger !== invocation.trigger)) continue;
      if (list.querySelector(`tr[data-id="${CSS.escape(invocation.id)}"]`)) continue;
      list.prepend(invocationRow(invocation));
      const max = Number(list.dataset.max || 50);
      while (list.rows.length > max) list.lastElementChild.remove();
    }
  };

  // Charts ----------------------------------------------------------------------------------------------------------

  const node = (name, attributes, parent) => {
    const element = document.createElementNS(SVG, name);
    for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, value);
    parent.append(element);
    return element;
  };

  /** A round upper bound for the y axis. */
  const niceMax = (value) => {
    if (!(value > 0)) return 1;
    const magnitude = Math.pow(10, Math.floor(Math.log10(value)));
    for (const step of [1, 2, 2.5, 5, 10]) if (step * magnitude >= value) return step * magnitude;
    return 10 * magnitude;
  };

  /** Draws `series` (each {className, value(point), bars?}) over the points into the svg, sized to its box. */
  const drawChart = (svg, points, series, label) => {
    const width = svg.clientWidth || 600;
    const height = svg.clientHeight || 170;
    svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
    svg.replaceChildren();
    const left = 52, right = 8, top = 8, bottom = 18;
    const last = points.length ? points[points.length - 1].t : Math.floor(Date.now() / 1000) - 1;
    const first = last - WINDOW + 1;
    let max = 0;
    for (const point of points) for (const s of series) {
      const value = s.value(point);
      if (value !== null && value !== undefined && value > max) max = value;
    }
    max = niceMax(max);
    const x = (t) => left + ((t - first) / (WINDOW - 1)) * (width - left - right);
    const y = (value) => height - bottom - (value / max) * (height - top - bottom);
    for (const fraction of [0, 0.5, 1]) {
      const value = max * fraction;
      node("line", { class: "grid", x1: left, x2: width - right, y1: y(value), y2: y(value) }, svg);
      node("text", { x: left - 6, y: y(value) + 3, "text-anchor": "end" }, svg).textContent = label(value);
    }
    for (const [minutes, anchor] of [[15, "start"], [10, "middle"], [5, "middle"], [0, "end"]]) {
      const text = node("text", { x: x(last - minutes * 60), y: height - 4, "text-anchor": anchor }, svg);
      text.textContent = minutes ? `-${minutes}m` : "now";
    }
    for (const s of series) {
      if (s.bars) {
        const barWidth = Math.max(1, (width - left - right) / WINDOW);
        for (const point of points) {
          const value = s.value(point);
          if (!value) continue;
          node("rect", { class: s.className, x: x(point.t) - barWidth / 2, y: y(value), width: barWidth,
                         height: y(0) - y(value) }, svg);
        }
        continue;
      }
      // Runs of seconds with a value are lines; a lone second is a dot (a zero-length segment with round caps).
      let d = "";
      let run = 0;
      for (const point of points) {
        const value = s.value(point);
        if (value === null || value === undefined) {
          if (run === 1) d += "h0.01";
          run = 0;
          continue;
        }
        d += `${run ? "L" : "M"}${x(point.t).toFixed(1)},${y(value).toFixed(1)}`;
        run += 1;
      }
      if (run === 1) d += "h0.01";
      if (d) node("path", { class: s.className, d }, svg);
    }
  };

  const statusNames = ["success", "error", "timeout", "crash", "throttled"];
  const integer = (value) => (Number.isInteger(value) ? String(value) : value.toFixed(1));
  const charts = [
    ["chart-requests", statusNames.map((name) => ({ className: `s-${name}`, value: (p) => p.statuses[name] })),
      integer],
    ["chart-durations", ["p50", "p95", "p99"].map((name) => ({ className: `s-${name}`, value: (p) => p[name] })),
      format.ms],
    ["chart-workers", ["idle", "busy", "starting"].map((name) => ({
      className: `s-${name}`, value: (p) => (p.workers ? p.workers[name] : null) })), integer],
    ["chart-cold", [{ className: "s-cold", value: (p) => p.coldStarts, bars: true }], integer],
  ];

  const emptyPoint = (t) => ({
    t, statuses: { success: 0, error: 0, timeout: 0, crash: 0, throttled: 0, unauthorized: 0 }, coldStarts: 0,
  });

  /** Merges newer points into the series (replacing a second already there, filling skipped ones). */
  const mergePoints = (points, newer) => {
    for (const point of newer) {
      const last = points.length ? points[points.length - 1].t : point.t - 1;
      if (point.t <= last) {
        const index = points.length - 1 - (last - point.t);
        if (index >= 0) points[index] = point;
        continue;
      }
      for (let t = last + 1; t < point.t; t++) points.push(emptyPoint(t));
      points.push(point);
    }
    if (points.length > WINDOW) points.splice(0, points.length - WINDOW);
  };

  const functionPage = document.getElementById("function-page");
  const functionName = functionPage ? functionPage.dataset.function : null;
  const points = readJSON("series") || [];
  const drawCharts = () => {
    for (const [id, series, label] of charts) {
      const svg = document.getElementById(id);
      if (svg) drawChart(svg, points, series, label);
    }
  };

  // The stream ------------------------------------------------------------------------------------------------------

  const live = document.getElementById("live");
  const setLive = (state) => {
    if (!live) return;
    live.dataset.state = state;
    live.querySelector(".live-text").textContent = state;
  };

  const applySnapshot = (snapshot) => {
    updateFunctions(snapshot);
    updateQueues(snapshot);
    if (functionName) {
      const fn = snapshot.functions.find((f) => f.name === functionName);
      if (fn) {
        mergePoints(points, fn.points);
        drawCharts();
      }
    }
  };

  if (live) {
    const initial = readJSON("snapshot");
    if (initial && functionName) {
      const fn = initial.functions.find((f) => f.name === functionName);
      if (fn) mergePoints(points, fn.points);
    }
    drawCharts();
    window.addEventListener("resize", drawCharts);
    const source = new EventSource("/system/events");
    source.addEventListener("open", () => setLive("live"));
    source.addEventListener("error", () => setLive(source.readyState === EventSource.CLOSED ? "offline" : "reconnecting"));
    source.addEventListener("stats", (event) => applySnapshot(JSON.parse(event.data)));
    source.addEventListener("invocation", (event) => addInvocation(JSON.parse(event.data)));
  }
})();
