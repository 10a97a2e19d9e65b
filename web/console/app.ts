/// <reference lib="dom" />
/**
 * The console web app: plain TypeScript, bundled by esbuild into one script (web/console/build.ts)
 * and served from S3 + CloudFront in AWS, by `npm start` locally. It signs in (Cognito Hosted UI
 * with the OAuth code flow and PKCE in AWS, the dev login locally), then renders the pages of
 * pages.ts from the JSON API with the access token as bearer.
 */
import { type Column, PAGES, type Page, type RowAction, type TablePage } from './pages.ts';

type ConsoleConfig =
  | { mode: 'local' }
  | { mode: 'cognito'; apiUrl: string; authDomain: string; clientId: string };

const TOKEN = 'acorn.token';
const VERIFIER = 'acorn.pkce';
const GROUPS = ['admin', 'operator', 'approver', 'analyst'];

let config: ConsoleConfig = { mode: 'local' };
const main = () => document.getElementById('main') as HTMLElement;

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string> = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  node.append(...children);
  return node;
}

const svgNs = 'http://www.w3.org/2000/svg';
function svg(tag: string, attrs: Record<string, string | number>, ...children: Node[]): SVGElement {
  const node = document.createElementNS(svgNs, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  node.append(...children);
  return node;
}

function field(row: unknown, path: string): unknown {
  let value: unknown = row;
  for (const part of path.split('.')) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

function show(value: unknown, format?: Column['format']): string {
  if (value === undefined || value === null) return '';
  if (format === 'time' && typeof value === 'string') return `${value.replace('T', ' ').slice(0, 16)} UTC`;
  if (format === 'json' || (typeof value === 'object' && format !== 'list')) return JSON.stringify(value);
  if (format === 'list' && Array.isArray(value)) return value.join(', ');
  return String(value);
}

function token(): string | undefined {
  return sessionStorage.getItem(TOKEN) ?? undefined;
}

/** The claims of our own token, for showing who is signed in and which controls apply. */
function claims(): { username?: string; groups: string[] } {
  const t = token();
  if (!t) return { groups: [] };
  try {
    const payload = JSON.parse(atob((t.split('.')[1] ?? '').replace(/-/g, '+').replace(/_/g, '/'))) as Record<
      string,
      unknown
    >;
    const groups = payload['cognito:groups'];
    return {
      ...(typeof payload.username === 'string' ? { username: payload.username } : {}),
      groups: Array.isArray(groups) ? groups.map(String) : [],
    };
  } catch {
    return { groups: [] };
  }
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function api(path: string, init: RequestInit = {}): Promise<unknown> {
  const base = config.mode === 'cognito' ? config.apiUrl.replace(/\/$/, '') : '';
  const res = await fetch(base + path, {
    ...init,
    headers: {
      ...(init.body ? { 'content-type': 'application/json' } : {}),
      ...(token() ? { authorization: `Bearer ${token()}` } : {}),
    },
  });
  const body = (await res.json().catch(() => ({}))) as { message?: string };
  if (res.status === 401) {
    sessionStorage.removeItem(TOKEN);
    renderSignIn('Your session ended: sign in again.');
    throw new HttpError(401, 'signed out');
  }
  if (!res.ok) throw new HttpError(res.status, body.message ?? `HTTP ${res.status}`);
  return body;
}

function unavailable(error: unknown): HTMLElement {
  if (error instanceof HttpError && error.status === 404) {
    return el('p', { class: 'muted unavailable' }, 'Not available in this deployment.');
  }
  if (error instanceof HttpError && error.status === 403) {
    return el('p', { class: 'error' }, `Not allowed: ${error.message}`);
  }
  return el('p', { class: 'error' }, (error as Error).message);
}

/** A column's link with its `{field}` placeholders filled from the row, URI-encoded. */
function linkOf(template: string, row: unknown): string {
  return template.replace(/\{([A-Za-z0-9_.]+)\}/g, (_, path: string) =>
    encodeURIComponent(show(field(row, path))),
  );
}

/** The query of the current hash (`#credit-memos?memoId=…`): page filters set by a link. */
function hashQuery(): URLSearchParams {
  const at = location.hash.indexOf('?');
  return new URLSearchParams(at < 0 ? '' : location.hash.slice(at + 1));
}

/** The cell of a row's action buttons (the actions the signed-in groups may take). */
function actionCell(actions: readonly RowAction[], row: unknown, root: HTMLElement): HTMLElement {
  const cell = el('td', { class: 'actions' });
  for (const action of actions) {
    const button = el('button', { 'data-action': action.label.toLowerCase() }, action.label);
    button.addEventListener('click', async () => {
      for (const b of cell.querySelectorAll('button')) b.setAttribute('disabled', '');
      try {
        await api(linkOf(action.route, row), { method: 'POST', body: JSON.stringify(action.body) });
        await navigate();
      } catch (error) {
        root.append(unavailable(error));
      }
    });
    cell.append(button);
  }
  return cell;
}

function table(
  columns: readonly Column[],
  rows: readonly unknown[],
  id: string,
  actions: { list: readonly RowAction[]; root: HTMLElement } = { list: [], root: document.body },
): HTMLTableElement {
  const withActions = actions.list.length > 0;
  return el(
    'table',
    { id },
    el(
      'thead',
      {},
      el('tr', {}, ...columns.map((c) => el('th', {}, c.label)), ...(withActions ? [el('th', {}, '')] : [])),
    ),
    el(
      'tbody',
      {},
      ...rows.map((r) =>
        el(
          'tr',
          {},
          ...columns.map((c) => {
            const text = show(field(r, c.field), c.format);
            const href = c.link && text ? linkOf(c.link, r) : undefined;
            return el(
              'td',
              { class: `v-${text.replace(/[^A-Za-z]/g, '')}` },
              href ? el('a', { href }, text) : text,
            );
          }),
          ...(withActions ? [actionCell(actions.list, r, actions.root)] : []),
        ),
      ),
    ),
  );
}

/** A small bar chart: one bar per value, labels under the first and last; `tip` words a bar's tooltip. */
function barChart(
  values: { label: string; value: number; tip?: string }[],
  title: string,
  id?: string,
): SVGElement {
  const width = 560;
  const height = 160;
  const max = Math.max(1, ...values.map((v) => v.value));
  const barWidth = width / Math.max(1, values.length);
  return svg(
    'svg',
    {
      viewBox: `0 0 ${width} ${height + 20}`,
      class: 'chart',
      role: 'img',
      'aria-label': title,
      ...(id ? { id } : {}),
    },
    ...values.map((v, i) => {
      const h = Math.round((v.value / max) * height);
      const rect = svg('rect', {
        x: i * barWidth + 2,
        y: height - h,
        width: barWidth - 4,
        height: h,
        class: 'bar',
      });
      rect.append(svg('title', {}, document.createTextNode(`${v.label}: ${v.tip ?? v.value}`)));
      return rect;
    }),
    svg('text', { x: 0, y: height + 16, class: 'axis' }, document.createTextNode(values[0]?.label ?? '')),
    svg(
      'text',
      { x: width, y: height + 16, class: 'axis', 'text-anchor': 'end' },
      document.createTextNode(values.at(-1)?.label ?? ''),
    ),
  );
}

/** One horizontal stacked bar: parts of a whole (accepted / backordered / rejected units). */
function stackChart(parts: { label: string; value: number; className: string }[], title: string): SVGElement {
  const total = Math.max(
    1,
    parts.reduce((s, p) => s + p.value, 0),
  );
  let x = 0;
  return svg(
    'svg',
    { viewBox: '0 0 560 30', class: 'chart stack', role: 'img', 'aria-label': title },
    ...parts.map((p) => {
      const w = (p.value / total) * 560;
      const rect = svg('rect', { x, y: 0, width: w, height: 30, class: p.className });
      rect.append(svg('title', {}, document.createTextNode(`${p.label}: ${p.value}`)));
      x += w;
      return rect;
    }),
  );
}

/** A rate given as a decimal fraction (`"0.0312"`) shown as a percentage (`3.12 %`), without float rounding. */
function percentOf(rate: string | null | undefined): string {
  if (rate === null || rate === undefined) return 'n/a';
  const [whole = '0', fraction = ''] = rate.split('.');
  const digits = `${whole}${fraction.padEnd(4, '0')}`.replace(/^0+(?=\d{3})/, '');
  return `${digits.slice(0, -2)}.${digits.slice(-2)} %`;
}

function card(label: string, value: string, id: string): HTMLElement {
  return el('div', { class: 'card' }, label, el('b', { id }, value));
}

async function optionalCount(route: string): Promise<string> {
  try {
    const body = (await api(route)) as { items?: unknown[] };
    return String(body.items?.length ?? 0);
  } catch (error) {
    if (error instanceof HttpError && error.status === 404) return 'n/a';
    throw error;
  }
}

async function renderKpis(root: HTMLElement): Promise<void> {
  const k = (await api('/api/kpis')) as {
    purchaseOrders: {
      vendorSales: { currency: string; amount: string }[];
      salesByDay: { day: string; amount: string }[];
      salesCurrency?: string;
      fillRate?: string;
      units: { ordered: number; accepted: number; backordered: number; rejected: number };
    };
    acknowledgementsInReview: number;
    dueIn24Hours: number;
    failedSubmissions: number;
    refunds?: { currency: string; credited: string; billed: string; rate?: string }[];
    deductions?: { currency: string; total: string }[];
    dtcConversion?: {
      days: { day: string; sessions: number; checkouts: number; rate: string | null }[];
      total: { sessions: number; checkouts: number; rate: string | null };
      periodDays: number;
    };
  };
  const approvals = await optionalCount('/api/approvals');
  const refunds =
    k.refunds?.map((r) => `${r.rate === undefined ? 'n/a' : `${r.rate} %`} ${r.currency}`).join(' · ') ||
    'n/a';
  const deductions = k.deductions?.map((d) => `${d.total} ${d.currency}`).join(' · ') || 'n/a';
  const po = k.purchaseOrders;
  const sales = po.vendorSales.map((s) => `${s.amount} ${s.currency}`).join(' · ') || '0';
  root.append(
    el(
      'div',
      { class: 'cards' },
      card('Vendor sales, POs of the last 14 days (accepted lines)', sales, 'kpi-sales'),
      card('PO fill rate, last 14 days', po.fillRate ? `${po.fillRate} %` : 'n/a', 'kpi-fill-rate'),
      card('Acknowledgements in review', String(k.acknowledgementsInReview), 'kpi-review'),
      card('Due in 24 h', String(k.dueIn24Hours), 'kpi-due'),
      card('Failed submissions', String(k.failedSubmissions), 'kpi-failed'),
      card('Approvals waiting', approvals, 'kpi-approvals'),
      card('Refund rate, last 90 days (credit memos / billed)', refunds, 'kpi-refunds'),
      card('Deductions taken, last 90 days', deductions, 'kpi-deductions'),
      card(
        `DTC conversion, last ${k.dtcConversion?.periodDays ?? 30} days (Shopify)`,
        percentOf(k.dtcConversion?.total.rate),
        'kpi-dtc-conversion',
      ),
    ),
    el('h2', {}, `Vendor sales by PO date, last 14 days (${po.salesCurrency ?? '—'})`),
    barChart(
      po.salesByDay.map((d) => ({ label: d.day, value: Number(d.amount) })),
      'Vendor sales by day',
    ),
    ...(k.dtcConversion
      ? [
          el(
            'h2',
            {},
            `DTC conversion by day: ${k.dtcConversion.total.checkouts} checkouts of ${k.dtcConversion.total.sessions} sessions`,
          ),
          barChart(
            k.dtcConversion.days.map((d) => ({
              label: d.day,
              value: d.rate === null ? 0 : Number(d.rate),
              tip: `${percentOf(d.rate)} (${d.checkouts} / ${d.sessions} sessions)`,
            })),
            'DTC conversion by day',
            'chart-dtc-conversion',
          ),
        ]
      : []),
    el('h2', {}, 'Units acknowledged: accepted, backordered, rejected'),
    stackChart(
      [
        { label: 'accepted', value: po.units.accepted, className: 'ok' },
        { label: 'backordered', value: po.units.backordered, className: 'warn' },
        { label: 'rejected', value: po.units.rejected, className: 'bad' },
      ],
      'Units by acknowledgement',
    ),
  );
}

async function renderTable(root: HTMLElement, page: TablePage): Promise<void> {
  const filter = hashQuery();
  const route = [...filter.keys()].length
    ? `${page.route}${page.route.includes('?') ? '&' : '?'}${filter}`
    : page.route;
  const body = await api(route);
  const rows = field(body, page.rows ?? 'items');
  if (page.intro) root.append(el('p', { class: 'muted' }, page.intro));
  const groups = claims().groups;
  const actions = (page.actions ?? []).filter((a) => a.groups.some((g) => groups.includes(g)));
  root.append(
    table(page.columns, Array.isArray(rows) ? rows : [], `table-${page.id}`, { list: actions, root }),
  );
}

async function renderErrors(root: HTMLElement): Promise<void> {
  const body = (await api('/api/errors')) as {
    items: { key: string; operation: string; failedAt: string; errors: Record<string, string>[] }[];
    guide: Record<string, unknown>[];
  };
  const rows = body.items.flatMap((m) => m.errors.map((e) => ({ ...m, ...e })));
  root.append(
    rows.length === 0 ? el('p', { class: 'muted' }, 'No failed submissions.') : '',
    table(
      [
        { label: 'Message', field: 'key' },
        { label: 'Operation', field: 'operation' },
        { label: 'Failed', field: 'failedAt', format: 'time' },
        { label: 'Amazon code', field: 'code' },
        { label: "Amazon's message", field: 'message' },
        { label: 'What it means', field: 'meaning' },
        { label: 'Fix', field: 'fix' },
      ],
      rows,
      'table-errors',
    ),
    el('h2', {}, 'Known error codes'),
    table(
      [
        { label: 'Code', field: 'code' },
        { label: 'Meaning', field: 'meaning' },
        { label: 'Fix', field: 'fix' },
      ],
      body.guide,
      'table-error-guide',
    ),
  );
}

async function renderAudit(root: HTMLElement): Promise<void> {
  const form = el(
    'form',
    { id: 'audit-form' },
    el('input', { name: 'entity', placeholder: 'Entity (PurchaseOrder:4R9DIAQD)' }),
    el('input', { name: 'actor', placeholder: 'Actor id' }),
    el('input', { name: 'action', placeholder: 'Action (automation.switched)' }),
    el('button', { type: 'submit' }, 'Search'),
  );
  const results = el('div', { id: 'audit-results' });
  const preset = hashQuery();
  for (const input of form.querySelectorAll('input')) input.value = preset.get(input.name) ?? '';
  // Only the latest search may fill the results: an earlier, slower one (the unfiltered first
  // page) must not land after the one the user asked for.
  let latestSearch = 0;
  const columns = [
    { label: 'At', field: 'at', format: 'time' as const },
    { label: 'Actor', field: 'actor.name' },
    { label: 'Action', field: 'action' },
    { label: 'Entity', field: 'entity.type' },
    { label: 'Id', field: 'entity.id' },
    { label: 'Reason', field: 'reason' },
  ];
  const search = async () => {
    const query = new URLSearchParams();
    for (const [k, v] of new FormData(form).entries()) if (String(v).trim()) query.set(k, String(v).trim());
    const mine = ++latestSearch;
    const shown: unknown[] = [];
    results.replaceChildren();
    // Newest first, one page at a time: "Older" asks for the page after the last one shown.
    const loadPage = async (cursor?: string) => {
      const pageQuery = new URLSearchParams(query);
      if (cursor) pageQuery.set('cursor', cursor);
      try {
        const body = (await api(`/api/audit?${pageQuery}`)) as { items: unknown[]; cursor?: string };
        if (mine !== latestSearch) return;
        shown.push(...body.items);
        const older = body.cursor
          ? el('button', { type: 'button', id: 'audit-older' }, 'Older')
          : el(
              'p',
              { class: 'muted' },
              shown.length === 0 ? 'Nothing in this window.' : 'End of the window.',
            );
        if (body.cursor) {
          const next = body.cursor;
          older.addEventListener('click', () => void loadPage(next));
        }
        results.replaceChildren(table(columns, shown, 'table-audit'), older);
      } catch (error) {
        if (mine === latestSearch) results.append(unavailable(error));
      }
    };
    await loadPage();
  };
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void search();
  });
  root.append(form, results);
  await search();
}

async function renderAutomation(root: HTMLElement): Promise<void> {
  const body = (await api('/api/automation')) as {
    version: number;
    modules: { module: string; mode: string; source: string; configured: string }[];
  };
  const admin = claims().groups.includes('admin');
  root.append(
    el(
      'p',
      { class: 'muted' },
      admin ? 'As an admin you can switch each automation.' : 'Only admins switch modes.',
    ),
    el(
      'table',
      { id: 'table-automation' },
      el(
        'thead',
        {},
        el(
          'tr',
          {},
          el('th', {}, 'Module'),
          el('th', {}, 'Mode'),
          el('th', {}, 'Set by'),
          el('th', {}, 'Switch'),
        ),
      ),
      el(
        'tbody',
        {},
        ...body.modules.map((m) => {
          const cell = el('td', {});
          if (admin) {
            for (const mode of ['off', 'simulate', 'live']) {
              const button = el('button', { 'data-module': m.module, 'data-mode': mode }, mode);
              if (mode === m.mode) button.setAttribute('disabled', '');
              button.addEventListener('click', async () => {
                try {
                  await api(`/api/automation/${m.module}`, {
                    method: 'PUT',
                    body: JSON.stringify({ mode, version: body.version }),
                  });
                  await navigate();
                } catch (error) {
                  root.append(unavailable(error));
                }
              });
              cell.append(button);
            }
          }
          return el(
            'tr',
            {},
            el('td', {}, m.module),
            el('td', { class: `mode-${m.mode}` }, m.mode),
            el('td', {}, m.source === 'console' ? 'console' : `configuration (${m.configured})`),
            cell,
          );
        }),
      ),
    ),
  );
}

async function renderStatus(root: HTMLElement): Promise<void> {
  const health = (await api('/api/health')) as {
    clock: string;
    sandbox: string;
    schedules: {
      id: string;
      expression: string;
      runs: number;
      nextFireAt?: string;
      lastRun?: { ok: boolean };
    }[];
  };
  root.append(
    el('div', { class: 'cards' }, card('Clock', show(health.clock, 'time'), 'clock')),
    el('p', {}, 'Amazon sandbox: ', el('a', { href: `${health.sandbox}/_sandbox/stats` }, health.sandbox)),
    table(
      [
        { label: 'Schedule', field: 'id' },
        { label: 'Expression', field: 'expression' },
        { label: 'Runs', field: 'runs' },
        { label: 'Next run', field: 'nextFireAt', format: 'time' },
        { label: 'Last run ok', field: 'lastRun.ok' },
      ],
      health.schedules,
      'table-schedules',
    ),
  );
}

async function renderPage(page: Page, root: HTMLElement): Promise<void> {
  switch (page.kind) {
    case 'kpis':
      return renderKpis(root);
    case 'table':
      return renderTable(root, page);
    case 'errors':
      return renderErrors(root);
    case 'audit':
      return renderAudit(root);
    case 'automation':
      return renderAutomation(root);
    case 'status':
      return renderStatus(root);
  }
}

async function navigate(): Promise<void> {
  if (!token()) return renderSignIn();
  const id = location.hash.slice(1).split('?')[0] || 'kpis';
  const page = PAGES.find((p) => p.id === id) ?? PAGES[0]!;
  const who = claims();
  const nav = el(
    'nav',
    {},
    ...PAGES.map((p) => el('a', { href: `#${p.id}`, class: p.id === page.id ? 'active' : '' }, p.title)),
  );
  const signOut = el('button', { id: 'sign-out' }, 'Sign out');
  signOut.addEventListener('click', () => {
    sessionStorage.removeItem(TOKEN);
    renderSignIn();
  });
  const root = el('section', { id: `page-${page.id}` }, el('h1', {}, page.title));
  main().replaceChildren(
    el('header', {}, el('b', {}, 'Acorn'), ` ${who.username ?? ''} (${who.groups.join(', ')}) `, signOut),
    nav,
    root,
  );
  try {
    await renderPage(page, root);
  } catch (error) {
    if (!(error instanceof HttpError && error.status === 401)) root.append(unavailable(error));
  }
}

function renderSignIn(message?: string): void {
  if (config.mode === 'cognito') {
    const button = el('button', { id: 'sign-in' }, 'Sign in');
    button.addEventListener('click', () => void startCognitoSignIn());
    main().replaceChildren(el('h1', {}, 'Acorn'), message ? el('p', {}, message) : '', button);
    return;
  }
  const form = el(
    'form',
    { id: 'dev-login' },
    el('p', { class: 'muted' }, 'Local dev login (npm start only): pick a name and a group.'),
    el('input', { name: 'username', value: 'local-admin', required: '' }),
    el('select', { name: 'group' }, ...GROUPS.map((g) => el('option', { value: g }, g))),
    el('button', { type: 'submit' }, 'Sign in'),
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const data = new FormData(form);
    const res = await fetch('/api/dev-login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: data.get('username'), groups: [data.get('group')] }),
    });
    const body = (await res.json()) as { accessToken?: string; message?: string };
    if (!body.accessToken) {
      form.append(el('p', { class: 'error' }, body.message ?? 'Sign-in failed'));
      return;
    }
    sessionStorage.setItem(TOKEN, body.accessToken);
    await navigate();
  });
  main().replaceChildren(el('h1', {}, 'Acorn'), message ? el('p', {}, message) : '', form);
}

function base64Url(bytes: ArrayBuffer | Uint8Array): string {
  const b = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  return btoa(String.fromCharCode(...b))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
}

/** OAuth authorization code flow with PKCE against the Cognito Hosted UI. */
async function startCognitoSignIn(): Promise<void> {
  if (config.mode !== 'cognito') return;
  const verifier = base64Url(crypto.getRandomValues(new Uint8Array(32)));
  const challenge = base64Url(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)));
  const state = base64Url(crypto.getRandomValues(new Uint8Array(16)));
  sessionStorage.setItem(VERIFIER, JSON.stringify({ verifier, state }));
  const query = new URLSearchParams({
    response_type: 'code',
    client_id: config.clientId,
    redirect_uri: `${location.origin}/`,
    scope: 'openid email profile',
    code_challenge_method: 'S256',
    code_challenge: challenge,
    state,
  });
  location.assign(`${config.authDomain}/oauth2/authorize?${query}`);
}

async function finishCognitoSignIn(): Promise<void> {
  if (config.mode !== 'cognito') return;
  const params = new URLSearchParams(location.search);
  const code = params.get('code');
  const saved = JSON.parse(sessionStorage.getItem(VERIFIER) ?? '{}') as { verifier?: string; state?: string };
  if (!code || !saved.verifier || params.get('state') !== saved.state) return;
  const res = await fetch(`${config.authDomain}/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      client_id: config.clientId,
      code,
      redirect_uri: `${location.origin}/`,
      code_verifier: saved.verifier,
    }),
  });
  const body = (await res.json()) as { access_token?: string };
  sessionStorage.removeItem(VERIFIER);
  if (body.access_token) sessionStorage.setItem(TOKEN, body.access_token);
  history.replaceState(null, '', location.pathname + location.hash);
}

async function start(): Promise<void> {
  config = (await (await fetch('console-config.json')).json()) as ConsoleConfig;
  await finishCognitoSignIn();
  window.addEventListener('hashchange', () => void navigate());
  await navigate();
}

void start();
