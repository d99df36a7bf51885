/// The leaderboard page's markup: a shell the script fills from the JSON API. Everything it needs is served by
/// the coordinator itself (no CDN, no web fonts), so it works offline.
enum IndexHTML {
    static let text = #"""
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>tokenboard</title>
        <link rel="icon" href="data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 16 16'%3E%3Crect width='16' height='16' rx='3' fill='%232f6fde'/%3E%3Cpath d='M4 11h2V7H4zm3 0h2V4H7zm3 0h2V8h-2z' fill='white'/%3E%3C/svg%3E">
        <link rel="stylesheet" href="/board.css">
        </head>
        <body>
        <header>
          <div class="brand">
            <h1>tokenboard</h1>
            <p id="subtitle" class="muted">loading…</p>
          </div>
          <form id="search" autocomplete="off" role="search">
            <input id="search-input" type="search" placeholder="Find an employee (exact key)" aria-label="Employee key">
            <button type="submit">Show</button>
          </form>
        </header>

        <nav class="controls" aria-label="Board settings">
          <div class="switch" id="window-switch" role="group" aria-label="Window">
            <span class="label">Window</span>
            <button type="button" data-window="1d">1 day</button>
            <button type="button" data-window="7d">7 days</button>
            <button type="button" data-window="30d">30 days</button>
            <button type="button" data-window="all">All time</button>
          </div>
          <div class="switch" id="metric-switch" role="group" aria-label="Rank by">
            <span class="label">Rank by</span>
            <button type="button" data-metric="tokens">Tokens</button>
            <button type="button" data-metric="cost">Cost</button>
            <button type="button" data-metric="output">Output</button>
          </div>
          <p id="updated" class="muted" aria-live="polite"></p>
        </nav>

        <div id="error" class="error" role="alert" hidden></div>

        <section class="cards" aria-label="Company totals">
          <div class="card"><span class="card-label">Tokens</span><span id="total-tokens" class="card-value">–</span></div>
          <div class="card"><span class="card-label">Spend</span><span id="total-cost" class="card-value">–</span></div>
          <div class="card"><span class="card-label">Active employees</span><span id="total-active" class="card-value">–</span></div>
          <div class="card"><span class="card-label">Blended price / M tokens</span><span id="total-blended" class="card-value">–</span></div>
        </section>

        <section id="employee" class="panel" hidden aria-labelledby="employee-name">
          <div class="panel-head">
            <h2 id="employee-name"></h2>
            <button type="button" id="employee-close" class="link">close</button>
          </div>
          <p id="employee-summary"></p>
          <div class="split">
            <figure>
              <figcaption>Tokens by day</figcaption>
              <div id="employee-days" class="chart"></div>
            </figure>
            <figure>
              <figcaption>By model</figcaption>
              <table class="compact">
                <thead><tr><th>model</th><th class="num">tokens</th><th class="num">cost</th></tr></thead>
                <tbody id="employee-models"></tbody>
              </table>
            </figure>
          </div>
        </section>

        <main class="split wide">
          <section class="panel" aria-labelledby="board-title">
            <h2 id="board-title">Top 250</h2>
            <table id="board">
              <thead>
                <tr><th class="num">#</th><th>employee</th><th>tier</th><th>titles</th><th title="gaming signals: idle-agent sessions, days around the clock (docs/BOARD.md)">signals</th><th class="num">tokens</th><th class="num">output</th><th class="num">cost</th><th class="share">share</th></tr>
              </thead>
              <tbody id="board-rows"></tbody>
            </table>
          </section>
          <section class="panel" aria-labelledby="spend-title">
            <h2 id="spend-title">Company spend by model</h2>
            <div id="spend-chart" class="chart"></div>
            <p id="spend-note" class="muted"></p>
          </section>
        </main>

        <footer class="muted">Exact counts from every shard; refreshed every 15 seconds. API: <a href="/v1/top">/v1/top</a> · <a href="/v1/spend">/v1/spend</a> · <a href="/v1/status">/v1/status</a> · <a href="/metrics">/metrics</a></footer>
        <script src="/board.js"></script>
        </body>
        </html>

        """#
}
