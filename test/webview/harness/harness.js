// Stands in for VS Code around the timeline bundle: `acquireVsCodeApi()` records what the webview
// posts in `window.__messages`, keeps its state in sessionStorage (so a reload restores it, as
// VS Code does), and answers `requestWindow` from the loaded fixture the way the extension relays
// the language server's answer: the items of the requested time range. The driver
// (scripts/test-layers/webview.mjs) loads fixtures with `__harness.load()` and sets the theme.
(() => {
  const STATE_KEY = 'hvtimer-webview-state';
  window.__messages = [];
  window.__cspViolations = [];
  document.addEventListener('securitypolicyviolation', (e) => {
    window.__cspViolations.push({ directive: e.violatedDirective, blocked: e.blockedURI, sample: e.sample });
  });
  let fixture = null;

  const inRange = (ns, from, to) => BigInt(ns) >= from && BigInt(ns) <= to;
  function windowFor(m) {
    const from = BigInt(m.fromNs);
    const to = BigInt(m.toNs);
    const meets = (x) => BigInt(x.fromNs) <= to && BigInt(x.toNs) >= from;
    const w = fixture.window;
    // Like the server (engine timelineWindow `reduceSeries`): the points in range plus the nearest one on each side.
    const withEdges = (points) => {
      const before = points.filter((p) => BigInt(p.timeNs) < from).at(-1);
      const after = points.find((p) => BigInt(p.timeNs) > to);
      return [
        ...(before ? [before] : []),
        ...points.filter((p) => inRange(p.timeNs, from, to)),
        ...(after ? [after] : []),
      ];
    };
    const series = (all) =>
      Object.fromEntries(
        Object.entries(all)
          .map(([id, points]) => [id, withEdges(points)])
          .filter(([, points]) => points.length),
      );
    return {
      ...w,
      fromNs: m.fromNs,
      toNs: m.toNs,
      markers: w.markers.filter((x) => inRange(x.timeNs, from, to)),
      findings: w.findings.filter((x) => inRange(x.timeNs, from, to)),
      clockError: series(w.clockError),
      stolen: series(w.stolen),
      waits: w.waits.filter((x) => BigInt(x.fromNs) <= to && BigInt(x.toNs) >= from),
      // The timer tracks (engine timerWindow): points in range, intervals meeting it, lateness with its edges.
      timers: {
        spans: w.timers.spans.filter(meets),
        spanClusters: w.timers.spanClusters.filter(meets),
        deadlines: w.timers.deadlines.filter((x) => inRange(x.timeNs, from, to)),
        deliveries: w.timers.deliveries.filter((x) => inRange(x.timeNs, from, to)),
        losses: w.timers.losses.filter((x) => inRange(x.timeNs, from, to)),
        clusters: w.timers.clusters.filter(meets),
      },
      runs: w.runs.filter(meets),
      runClusters: w.runClusters.filter(meets),
      lateness: series(w.lateness),
    };
  }

  const deliver = (message) => window.postMessage(message, '*');

  window.acquireVsCodeApi = () => ({
    postMessage(message) {
      window.__messages.push(message);
      if (message.type === 'requestWindow' && fixture)
        deliver({ type: 'window', seq: message.seq, window: windowFor(message) });
      if (message.type === 'ready' && fixture)
        deliver({ type: 'overview', overview: fixture.overview, cursorLine: null });
    },
    getState() {
      const s = sessionStorage.getItem(STATE_KEY);
      return s ? JSON.parse(s) : undefined;
    },
    setState(state) {
      sessionStorage.setItem(STATE_KEY, JSON.stringify(state));
    },
  });

  const THEMES = {
    dark: {
      className: 'vscode-dark',
      vars: {
        '--vscode-editor-background': '#1e1e1e',
        '--vscode-editor-foreground': '#d4d4d4',
        '--vscode-charts-green': '#89d185',
        '--vscode-charts-blue': '#3794ff',
        '--vscode-charts-yellow': '#cca700',
        '--vscode-charts-orange': '#d18616',
        '--vscode-charts-purple': '#b180d7',
        '--vscode-charts-red': '#f14c4c',
        '--vscode-charts-foreground': '#cccccc',
        '--vscode-editorError-foreground': '#f14c4c',
        '--vscode-editorWarning-foreground': '#cca700',
        '--vscode-editorInfo-foreground': '#3794ff',
        '--vscode-descriptionForeground': '#9d9d9d',
        '--vscode-focusBorder': '#007fd4',
        '--vscode-font-family': 'sans-serif',
        '--vscode-font-size': '13px',
      },
    },
    light: {
      className: 'vscode-light',
      vars: {
        '--vscode-editor-background': '#ffffff',
        '--vscode-editor-foreground': '#000000',
        '--vscode-charts-green': '#388a34',
        '--vscode-charts-blue': '#1a85ff',
        '--vscode-charts-yellow': '#bf8803',
        '--vscode-charts-orange': '#d18616',
        '--vscode-charts-purple': '#652d90',
        '--vscode-charts-red': '#e51400',
        '--vscode-charts-foreground': '#616161',
        '--vscode-editorError-foreground': '#e51400',
        '--vscode-editorWarning-foreground': '#bf8803',
        '--vscode-editorInfo-foreground': '#1a85ff',
        '--vscode-descriptionForeground': '#717171',
        '--vscode-focusBorder': '#0090f1',
        '--vscode-font-family': 'sans-serif',
        '--vscode-font-size': '13px',
      },
    },
    'high-contrast': {
      className: 'vscode-high-contrast',
      vars: {
        '--vscode-editor-background': '#000000',
        '--vscode-editor-foreground': '#ffffff',
        '--vscode-charts-green': '#89d185',
        '--vscode-charts-blue': '#3794ff',
        '--vscode-charts-yellow': '#ffff00',
        '--vscode-charts-orange': '#d18616',
        '--vscode-charts-purple': '#b180d7',
        '--vscode-charts-red': '#f14c4c',
        '--vscode-charts-foreground': '#ffffff',
        '--vscode-editorError-foreground': '#f48771',
        '--vscode-editorWarning-foreground': '#ffff00',
        '--vscode-editorInfo-foreground': '#3794ff',
        '--vscode-contrastBorder': '#6fc3df',
        '--vscode-descriptionForeground': '#ffffff',
        '--vscode-focusBorder': '#f38518',
        '--vscode-font-family': 'sans-serif',
        '--vscode-font-size': '13px',
      },
    },
  };

  /** Like VS Code: the theme's variables on <html> through the CSSOM, its kind as the body class. */
  function setTheme(kind) {
    const theme = THEMES[kind];
    for (const [k, v] of Object.entries(theme.vars)) document.documentElement.style.setProperty(k, v);
    document.body.classList.remove('vscode-dark', 'vscode-light', 'vscode-high-contrast');
    document.body.classList.add(theme.className);
    document.body.dataset.vscodeThemeKind = theme.className;
  }

  window.__harness = {
    setTheme,
    /** Loads a fixture: the overview is posted now (and again on every `ready`). */
    load(data, cursorLine = null) {
      fixture = data;
      deliver({ type: 'overview', overview: data.overview, cursorLine });
    },
    send: deliver,
  };
  // This script runs at the end of <body>, before the bundle reads the theme.
  setTheme('dark');
})();
