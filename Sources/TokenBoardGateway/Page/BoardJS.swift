/// The page's script: reads the JSON API, draws the board, the spend chart and one employee's usage as DOM
/// nodes and inline SVG (never as HTML from data), and refreshes them every 15 seconds without a reload.
enum BoardJS {
    static let text = #"""
        "use strict";
        (() => {
          const REFRESH_MS = 15000;
          const SVG = "http://www.w3.org/2000/svg";
          const PROVIDER_COLORS = { anthropic: "#d97757", openai: "#10a37f", google: "#4285f4", unknown: "#9aa4ae" };
          const state = { window: "30d", metric: "tokens", employee: null };
          let timer = null;
          let generation = 0;

          const $ = (id) => document.getElementById(id);
          const grouped = (n) => Number(n).toLocaleString("en-US");

          // Dollars from the exact decimal string the API gives (`cost_usd`), rounded half-up to cents with BigInt:
          // company totals exceed what a double holds exactly in nano-dollars.
          function dollars(costUSD) {
            const [whole, fraction = ""] = String(costUSD).split(".");
            const nanos = BigInt(whole) * 1000000000n + BigInt((fraction + "000000000").slice(0, 9));
            const cents = (nanos + 5000000n) / 10000000n;
            return "$" + grouped(cents / 100n) + "." + String(cents % 100n).padStart(2, "0");
          }

          // `YYYY-MM-DD` plus `n` days, in UTC like the cluster's day buckets.
          function addDays(label, n) {
            const date = new Date(label + "T00:00:00Z");
            date.setUTCDate(date.getUTCDate() + n);
            return date.toISOString().slice(0, 10);
          }

          function element(tag, attributes = {}, children = []) {
            const node = document.createElement(tag);
            for (const [name, value] of Object.entries(attributes)) {
              if (name === "text") node.textContent = value;
              else node.setAttribute(name, value);
            }
            for (const child of children) node.append(child);
            return node;
          }

          function svg(tag, attributes = {}, text) {
            const node = document.createElementNS(SVG, tag);
            for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
            if (text !== undefined) node.textContent = text;
            return node;
          }

          async function fetchJSON(path) {
            const response = await fetch(path, { headers: { accept: "application/json" } });
            const body = await response.json();
            if (!response.ok) throw new Error(body.error ? body.error.message : "HTTP " + response.status);
            return body;
          }

          function query(extra = {}) {
            const params = new URLSearchParams({ window: state.window, ...extra });
            return params.toString();
          }

          // MARK: state in the URL hash, so a reload or a shared link shows the same board

          function readHash() {
            const params = new URLSearchParams(location.hash.slice(1));
            if (params.get("window")) state.window = params.get("window");
            if (params.get("by")) state.metric = params.get("by");
            state.employee = params.get("employee");
          }

          function writeHash() {
            const params = new URLSearchParams({ window: state.window, by: state.metric });
            if (state.employee) params.set("employee", state.employee);
            history.replaceState(null, "", "#" + params.toString());
          }

          function markSwitches() {
            for (const button of document.querySelectorAll("[data-window]"))
              button.setAttribute("aria-pressed", String(button.dataset.window === state.window));
            for (const button of document.querySelectorAll("[data-metric]"))
              button.setAttribute("aria-pressed", String(button.dataset.metric === state.metric));
          }

          // MARK: the board

          function renderBoard(report) {
            const topShare = Math.max(...report.entries.map((entry) => entry.share), 1e-12);
            const rows = report.entries.map((entry) => {
              const link = element("a", { href: "#", text: entry.employee });
              link.addEventListener("click", (event) => {
                event.preventDefault();
                showEmployee(entry.employee);
              });
              const tier = entry.tier ? [element("span", { class: "badge " + entry.tier, text: entry.tier })] : [];
              const titles = (entry.titles || []).map((title) => element("span", { class: "title", text: title }));
              const signals = entry.signals || {};
              const flags = [];
              if (signals.idle_sessions > 0) flags.push("idle ×" + signals.idle_sessions);
              if (signals.around_clock_days > 0) flags.push("24h ×" + signals.around_clock_days + "d");
              const signalCell = element("td", {
                class: "signals",
                title: "output per input token " + (signals.output_per_input || 0).toFixed(3) +
                  ", cache-read share " + ((signals.cache_read_share || 0) * 100).toFixed(1) + "%",
              }, flags.map((flag) => element("span", { class: "flag", text: flag })));
              const width = Math.max(1, entry.share / topShare * 100);
              return element("tr", { "data-rank": entry.rank, "data-employee": entry.employee }, [
                element("td", { class: "num", text: entry.rank }),
                element("td", { class: "name" }, [link]),
                element("td", {}, tier),
                element("td", {}, titles),
                signalCell,
                element("td", { class: "num", text: grouped(entry.usage.tokens) }),
                element("td", { class: "num", text: grouped(entry.usage.output) }),
                element("td", { class: "num", text: dollars(entry.usage.cost_usd) }),
                element("td", { class: "share", title: (entry.share * 100).toFixed(3) + "%" }, [
                  element("div", { class: "bar", style: "width:" + width + "%" }),
                ]),
              ]);
            });
            $("board-rows").replaceChildren(...rows);
            $("board-title").textContent = "Top " + report.entries.length + " by " + report.metric;
            const company = report.company;
            $("total-tokens").textContent = grouped(company.tokens);
            $("total-cost").textContent = dollars(company.cost_usd);
            $("total-active").textContent = grouped(report.active_employees);
            $("total-blended").textContent =
              company.tokens > 0 ? "$" + (Number(company.cost_usd) / company.tokens * 1e6).toFixed(2) : "–";
            const shards = report.shards;
            const coverage = shards.partial
              ? "partial: " + shards.answered + "/" + shards.total + " shards (missing " + shards.missing.join(", ") + ")"
              : shards.answered + "/" + shards.total + " shards";
            $("subtitle").textContent = report.anchor
              ? "Window " + report.window + " ending " + report.anchor + " · " + coverage
              : "No usage yet · " + coverage;
          }

          // MARK: spend by model, as horizontal bars

          function renderSpend(report) {
            const byCost = (a, b) => {
              const difference = BigInt(b.usage.cost_nanos) - BigInt(a.usage.cost_nanos);
              return difference > 0n ? 1 : difference < 0n ? -1 : b.usage.tokens - a.usage.tokens;
            };
            const rows = [...report.rows].sort(byCost);
            const shown = rows.slice(0, 14);
            const chart = $("spend-chart");
            if (shown.length === 0) {
              chart.replaceChildren(element("p", { class: "muted", text: "No spend in this window." }));
              $("spend-note").textContent = "";
              return;
            }
            const max = Math.max(...shown.map((row) => Number(row.usage.cost_nanos)), 1);
            const rowHeight = 26, labelWidth = 170, barWidth = 240, width = labelWidth + barWidth + 110;
            const root = svg("svg", { viewBox: "0 0 " + width + " " + shown.length * rowHeight, role: "img",
                                      "aria-label": "Spend by model" });
            shown.forEach((row, index) => {
              const y = index * rowHeight;
              const length = row.priced ? Math.max(1, Number(row.usage.cost_nanos) / max * barWidth) : 0;
              const color = PROVIDER_COLORS[row.provider] || "#7b61ff";
              root.append(svg("text", { x: labelWidth - 8, y: y + 17, "text-anchor": "end" }, row.label));
              const bar = svg("rect", { x: labelWidth, y: y + 6, width: length, height: 14, rx: 3, fill: color });
              bar.append(svg("title", {}, row.label + " (" + row.provider + "): " + grouped(row.usage.tokens) + " tokens"));
              root.append(bar);
              root.append(svg("text", { x: labelWidth + length + 6, y: y + 17, class: "axis" },
                              row.priced ? dollars(row.usage.cost_usd) : "unpriced"));
            });
            chart.replaceChildren(root);
            const hidden = rows.length - shown.length;
            $("spend-note").textContent =
              "Total " + dollars(report.company.cost_usd) + " over " + rows.length + " models" +
              (hidden > 0 ? " (" + hidden + (hidden === 1 ? " smaller one" : " smaller ones") + " not drawn)" : "") +
              (report.company.unpriced_tokens > 0 ? " · " + grouped(report.company.unpriced_tokens) + " tokens on unpriced models" : "");
          }

          // MARK: one employee

          function renderEmployee(report) {
            $("employee").hidden = false;
            $("employee-name").textContent = report.employee;
            if (!report.found) {
              $("employee-summary").textContent = "No usage in window " + report.window + ".";
              $("employee-days").replaceChildren();
              $("employee-models").replaceChildren();
              return;
            }
            $("employee-summary").textContent =
              "Rank " + grouped(report.rank) + " of " + grouped(report.active_employees) + " by " + report.metric +
              " · " + grouped(report.usage.tokens) + " tokens · " + dollars(report.usage.cost_usd) +
              " · output " + grouped(report.usage.output) + " · cache read " + grouped(report.usage.cache_read);
            // Every day of the window, with the days without usage as gaps, so the bars line up with the calendar.
            const used = new Map(report.by_day.map((row) => [row.label, row.usage.tokens]));
            const labels = [...used.keys()].sort();
            const last = report.anchor || labels[labels.length - 1];
            const span = report.window === "all" ? null : parseInt(report.window, 10);
            const first = span ? addDays(last, 1 - span) : labels[0];
            const days = [];
            for (let day = first; day && day <= last && days.length < 3660; day = addDays(day, 1))
              days.push({ label: day, tokens: used.get(day) || 0 });
            const max = Math.max(...days.map((day) => day.tokens), 1);
            const width = 600, height = 140, step = width / Math.max(days.length, 1);
            const root = svg("svg", { viewBox: "0 0 " + width + " " + (height + 18), role: "img",
                                      "aria-label": "Tokens by day" });
            days.forEach((day, index) => {
              if (day.tokens === 0) return;
              const h = Math.max(1, day.tokens / max * height);
              const bar = svg("rect", { x: index * step + step * 0.1, y: height - h, width: Math.max(step * 0.8, 0.5),
                                        height: h, rx: Math.min(2, step * 0.2), fill: "var(--accent)" });
              bar.append(svg("title", {}, day.label + ": " + grouped(day.tokens) + " tokens"));
              root.append(bar);
            });
            if (days.length > 0) {
              root.append(svg("text", { x: 0, y: height + 14, class: "axis" }, days[0].label));
              root.append(svg("text", { x: width, y: height + 14, "text-anchor": "end", class: "axis" },
                              days[days.length - 1].label));
            }
            $("employee-days").replaceChildren(root);
            $("employee-models").replaceChildren(...report.by_model.map((row) => element("tr", {}, [
              element("td", { text: row.label }),
              element("td", { class: "num", text: grouped(row.usage.tokens) }),
              element("td", { class: "num", text: row.usage.unpriced_tokens > 0 && row.usage.cost_nanos === 0
                                                  ? "unpriced" : dollars(row.usage.cost_usd) }),
            ])));
          }

          function showEmployee(name) {
            state.employee = name;
            $("search-input").value = name;
            writeHash();
            refresh();
          }

          // MARK: refresh

          function showError(error) {
            $("error").hidden = !error;
            $("error").textContent = error ? String(error.message || error) : "";
          }

          async function refresh() {
            const mine = ++generation;
            clearTimeout(timer);
            try {
              const [board, spend, person] = await Promise.all([
                fetchJSON("/v1/top?" + query({ k: 250, by: state.metric })),
                fetchJSON("/v1/spend?" + query({ by: "model" })),
                state.employee
                  ? fetchJSON("/v1/employees/" + encodeURIComponent(state.employee) + "?" + query({ by: state.metric }))
                  : Promise.resolve(null),
              ]);
              if (mine !== generation) return;
              renderBoard(board);
              renderSpend(spend);
              if (person) renderEmployee(person); else $("employee").hidden = true;
              showError(null);
              $("updated").textContent = "updated " + new Date().toLocaleTimeString();
            } catch (error) {
              if (mine === generation) showError(error);
            } finally {
              if (mine === generation) timer = setTimeout(refresh, REFRESH_MS);
            }
          }

          for (const button of document.querySelectorAll("[data-window]"))
            button.addEventListener("click", () => { state.window = button.dataset.window; markSwitches(); writeHash(); refresh(); });
          for (const button of document.querySelectorAll("[data-metric]"))
            button.addEventListener("click", () => { state.metric = button.dataset.metric; markSwitches(); writeHash(); refresh(); });
          $("search").addEventListener("submit", (event) => {
            event.preventDefault();
            const name = $("search-input").value.trim();
            if (name) showEmployee(name);
          });
          $("employee-close").addEventListener("click", () => {
            state.employee = null;
            $("employee").hidden = true;
            writeHash();
          });

          readHash();
          markSwitches();
          refresh();
        })();

        """#
}
