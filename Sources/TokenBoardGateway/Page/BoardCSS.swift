/// The page's stylesheet: system fonts, light and dark schemes.
enum BoardCSS {
    static let text = #"""
        :root {
          --bg: #f6f7f9; --panel: #ffffff; --ink: #1b1f24; --muted: #66707c; --line: #e3e6ea;
          --accent: #2f6fde; --accent-soft: #e6eefc; --bad: #b3261e; --bad-soft: #fbe9e7;
          --bronze: #a86b3c; --silver: #8a939c; --gold: #c9a227; --platinum: #5d8aa8; --emerald: #2e8b57;
          color-scheme: light dark;
        }
        @media (prefers-color-scheme: dark) {
          :root { --bg: #111418; --panel: #1a1f25; --ink: #e7eaee; --muted: #98a2ad; --line: #2b323a;
                  --accent: #6d9cf0; --accent-soft: #1f2a3d; --bad: #ff8a80; --bad-soft: #3a1f1d; }
        }
        * { box-sizing: border-box; }
        body { margin: 0; padding: 20px 28px 40px; background: var(--bg); color: var(--ink);
               font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
        h1 { margin: 0; font-size: 24px; letter-spacing: -0.02em; }
        h2 { margin: 0 0 12px; font-size: 16px; }
        a { color: var(--accent); }
        .muted { color: var(--muted); margin: 2px 0 0; }
        header { display: flex; justify-content: space-between; align-items: flex-end; gap: 16px; flex-wrap: wrap; }
        form { display: flex; gap: 6px; }
        input[type=search] { width: 280px; padding: 7px 10px; border: 1px solid var(--line); border-radius: 6px;
                             background: var(--panel); color: var(--ink); font: inherit; }
        button { font: inherit; cursor: pointer; }
        form button, .switch button { padding: 6px 12px; border: 1px solid var(--line); background: var(--panel);
                                      color: var(--ink); border-radius: 6px; }
        form button { background: var(--accent); border-color: var(--accent); color: #fff; }
        .controls { display: flex; gap: 24px; align-items: center; margin: 16px 0; flex-wrap: wrap; }
        .switch { display: flex; align-items: center; gap: 4px; }
        .switch .label { color: var(--muted); margin-right: 4px; }
        .switch button[aria-pressed=true] { background: var(--accent-soft); border-color: var(--accent); color: var(--accent);
                                            font-weight: 600; }
        #updated { margin-left: auto; }
        .error { background: var(--bad-soft); color: var(--bad); border: 1px solid var(--bad); border-radius: 8px;
                 padding: 10px 14px; margin-bottom: 16px; white-space: pre-wrap; }
        .cards { display: grid; grid-template-columns: repeat(4, minmax(0, 1fr)); gap: 12px; margin-bottom: 16px; }
        .card, .panel { background: var(--panel); border: 1px solid var(--line); border-radius: 10px; }
        .card { padding: 12px 16px; display: flex; flex-direction: column; }
        .card-label { color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: 0.04em; }
        .card-value { font-size: 22px; font-weight: 600; font-variant-numeric: tabular-nums; }
        .panel { padding: 16px; margin-bottom: 16px; min-width: 0; }
        .panel-head { display: flex; justify-content: space-between; align-items: baseline; }
        .link { border: 0; background: none; color: var(--accent); padding: 0; }
        .split { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 16px; }
        .split.wide { grid-template-columns: minmax(0, 3fr) minmax(0, 2fr); align-items: start; }
        figure { margin: 0; min-width: 0; }
        figcaption { color: var(--muted); margin-bottom: 6px; }
        table { width: 100%; border-collapse: collapse; font-variant-numeric: tabular-nums; }
        th { text-align: left; color: var(--muted); font-weight: 500; font-size: 12px; border-bottom: 1px solid var(--line);
             padding: 6px 8px; }
        td { padding: 5px 8px; border-bottom: 1px solid var(--line); white-space: nowrap; }
        tbody tr:hover { background: var(--accent-soft); }
        .num { text-align: right; }
        td.name a { text-decoration: none; color: inherit; font-weight: 500; }
        td.name a:hover { color: var(--accent); text-decoration: underline; }
        .share { width: 120px; }
        .bar { height: 6px; border-radius: 3px; background: var(--accent); opacity: 0.75; }
        .badge { display: inline-block; padding: 1px 8px; border-radius: 999px; font-size: 11px; font-weight: 600;
                 color: #fff; background: var(--muted); text-transform: capitalize; }
        .badge.bronze { background: var(--bronze); } .badge.silver { background: var(--silver); }
        .badge.gold { background: var(--gold); } .badge.platinum { background: var(--platinum); }
        .badge.emerald { background: var(--emerald); }
        .title { display: inline-block; margin-right: 4px; padding: 1px 6px; border: 1px solid var(--line);
                 border-radius: 4px; font-size: 11px; color: var(--muted); }
        .flag { display: inline-block; margin-right: 4px; padding: 1px 6px; border-radius: 4px; font-size: 11px;
          background: #fde8e8; color: #9b1c1c; }
        .chart svg { width: 100%; height: auto; display: block; }
        .chart text { fill: var(--ink); font-size: 11px; }
        .chart .axis { fill: var(--muted); }
        table.compact td, table.compact th { padding: 4px 6px; }
        footer { margin-top: 8px; }
        @media (max-width: 900px) {
          .cards { grid-template-columns: repeat(2, minmax(0, 1fr)); }
          .split, .split.wide { grid-template-columns: minmax(0, 1fr); }
        }

        """#
}
