// A stand-in for the bot's Mini App API (docs: /app/api/ in the contract), answering from memory:
// for working on the editor without the bot, and for the browser checks of what the real bot
// cannot easily be made to do (a stale save, a rate-limited preview, a hostile title).
// It serves assets/app/ with the same security headers as the bot.
//   node tests/browser/mock-api.mjs [port]     (then open http://127.0.0.1:<port>/app/?draft=<MOCK_DRAFT_ID>)
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..', '..');
export const MOCK_DRAFT_ID = '5b0f5d2e-9c1a-4f57-8d0e-3a6c2b1e7f40';
export const CSP = "default-src 'none'; script-src 'self' https://telegram.org; style-src 'self'; " +
  "img-src 'self' blob: data:; connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'none'; " +
  'frame-ancestors https://web.telegram.org https://*.telegram.org';
const RTL = new Set(['ar', 'fa', 'he', 'ur']);

/** The app-* messages of a locale, read straight from its app.ftl (single-line messages). */
export function appStrings(lang) {
  const file = path.join(repo, 'locales', lang, 'app.ftl');
  const out = {};
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    const m = /^(app-[a-z0-9-]+) = (.*)$/.exec(line);
    if (m) out[m[1]] = m[2];
  }
  return out;
}

export function sampleDraft(overrides = {}) {
  return {
    id: MOCK_DRAFT_ID, version: 1, state: 'reviewing', editable: true,
    topic: 'Why habits beat motivation', lang: 'en', dir: 'ltr', style: 'minimal', accent: null,
    slides: [
      { kind: 'title', title: 'Why habits beat motivation', body: 'Motivation comes and goes. Habits stay.', alt: 'Cover: why habits beat motivation' },
      { kind: 'problem', title: 'Motivation fades', body: 'It peaks on Monday morning and is gone by Wednesday night.', alt: 'A falling line' },
      { kind: 'idea', title: 'Make it automatic', body: 'Tie the new habit to something you already do every day, like the first coffee.', alt: '' },
      { kind: 'example', title: 'Two minutes a day', body: 'Read one verse after breakfast. Tomorrow, read two.', alt: '' },
      { kind: 'cta', title: 'Start today', body: 'Pick one small habit and do it before bed.', alt: 'Call to action' }
    ],
    post: { caption: 'Motivation is a spark; habits are the fire. Here is how to build one that lasts.', hashtags: ['#habits', '#faith', '#growth'] },
    ...overrides
  };
}

/** Starts the mock. opts: {lang, draft, brand, rateLimitFirstPreview, quota, previewDelayMs, previewDir, port}. */
export async function startMock(opts = {}) {
  const state = {
    lang: opts.lang || 'en',
    draft: opts.draft || sampleDraft(),
    brand: opts.brand || { version: 1, handle: '@ann', name: 'Ann Lee', accent: '#ff8800', fonts: 'modern',
      font_pairings: [{ id: 'modern', name: 'Modern — Inter & Inter' }, { id: 'classic', name: 'Classic — Lora & Source Sans' }, { id: 'bold', name: 'Bold — Oswald & Roboto' }],
      avatar: true, logo: false },
    calls: [],
    rateLimitFirstPreview: !!opts.rateLimitFirstPreview,
    quota: !!opts.quota
  };
  const previews = loadPreviews(opts.previewDir);
  const json = (res, status, body, headers = {}) => {
    res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };
  const error = (res, status, code, message, extra = {}, headers = {}) =>
    json(res, status, { error: { code, message, ...(extra.field ? { field: extra.field } : {}) }, ...extra }, headers);
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url, 'http://x');
    let body = '';
    for await (const chunk of req) body += chunk;
    const call = { method: req.method, path: url.pathname, auth: req.headers.authorization || '', body: body ? safeJson(body) : null };
    state.calls.push(call);
    if (!url.pathname.startsWith('/app/api/')) return serveStatic(url.pathname, res);
    if (!/^tma .+/.test(call.auth)) return error(res, 401, 'unauthorized', 'Sign-in missing.');
    const p = url.pathname.slice('/app/api'.length);
    const d = state.draft;
    let m;
    if (p === '/session' && req.method === 'GET') {
      return json(res, 200, {
        user: { id: 42, first_name: 'Ann', username: 'ann' }, lang: state.lang, dir: RTL.has(state.lang) ? 'rtl' : 'ltr',
        strings: appStrings(state.lang),
        styles: [{ id: 'galaxy', name: 'Galaxy' }, { id: 'vibrant', name: 'Vibrant' }, { id: 'minimal', name: 'Minimal' }],
        accents: ['#7c5cff', '#ff5c8a', '#ff8800', '#f5c400', '#22b573', '#1e90ff', '#111827'],
        limits: { title_chars: 80, body_chars: 400, alt_chars: 1000, slides_min: 3, slides_max: 20, caption_chars: 2200, hashtags_min: 3, hashtags_max: 10 }
      });
    }
    if ((m = /^\/drafts\/([0-9a-f-]+)(\/.*)?$/.exec(p))) {
      if (m[1] !== d.id) return error(res, 404, 'not_found', 'No such carousel.');
      const rest = m[2] || '';
      if (rest === '' && req.method === 'GET') return json(res, 200, d);
      if (rest === '' && req.method === 'PUT') {
        if (!d.editable) return error(res, 409, 'stale', 'Already sent.', { draft: d });
        if (call.body.version !== d.version) return error(res, 409, 'stale', 'Changed elsewhere.', { draft: d });
        Object.assign(d, { style: call.body.style, accent: call.body.accent, slides: call.body.slides, post: call.body.post, version: d.version + 1 });
        return json(res, 200, d);
      }
      if (rest === '/preview' && req.method === 'POST') {
        if (opts.previewDelayMs) await new Promise((ok) => setTimeout(ok, opts.previewDelayMs));
        if (state.rateLimitFirstPreview) {
          state.rateLimitFirstPreview = false;
          return error(res, 429, 'rate_limited', 'Too many previews.', {}, { 'Retry-After': '1' });
        }
        const s = call.body.slide || {};
        const fit = [...(s.body || '')].length > 300 ? 'cut' : [...(s.title || '')].length > 40 ? 'shrunk' : 'fits';
        const img = previews[(call.body.index || 0) % previews.length];
        res.writeHead(200, { 'Content-Type': img.type, 'X-Text-Fit': fit });
        return res.end(img.bytes);
      }
      if ((m = /^\/slides\/(\d+)\/regenerate$/.exec(rest)) && req.method === 'POST') {
        if (state.quota) return error(res, 429, 'quota', 'You have used today’s rewrites.');
        if (call.body.version !== d.version) return error(res, 409, 'stale', 'Changed elsewhere.', { draft: d });
        const s = d.slides[Number(m[1])];
        if (!s) return error(res, 422, 'invalid', 'No such slide.');
        s.title = 'Rewritten: ' + s.title;
        d.version += 1;
        return json(res, 200, d);
      }
      if (rest === '/send' && req.method === 'POST') {
        if (call.body.version !== d.version) return error(res, 409, 'stale', 'Changed elsewhere.', { draft: d });
        Object.assign(d, { state: 'rendering', editable: false, version: d.version + 1 });
        return json(res, 202, d);
      }
    }
    if (p === '/brand' && req.method === 'GET') return json(res, 200, state.brand);
    if (p === '/brand' && req.method === 'PUT') {
      const b = state.brand;
      if (call.body.version !== b.version) return error(res, 409, 'stale', 'Changed elsewhere.', { brand: b });
      Object.assign(b, { handle: call.body.handle, name: call.body.name, accent: call.body.accent, fonts: call.body.fonts, version: b.version + 1 });
      if (call.body.clear_avatar) b.avatar = false;
      if (call.body.clear_logo) b.logo = false;
      return json(res, 200, b);
    }
    if ((m = /^\/brand\/(avatar|logo)$/.exec(p)) && state.brand[m[1]]) {
      res.writeHead(200, { 'Content-Type': previews[0].type });
      return res.end(previews[0].bytes);
    }
    return error(res, 404, 'not_found', 'Nothing here.');
  });
  await new Promise((ok) => server.listen(opts.port || 0, '127.0.0.1', ok));
  return { port: server.address().port, state, close: () => new Promise((ok) => server.close(ok)) };
}

function safeJson(text) { try { return JSON.parse(text); } catch (e) { return text; } }

function loadPreviews(dir) {
  const files = dir && fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => /\.(png|jpe?g)$/.test(f)).sort().map((f) => path.join(dir, f)) : [];
  if (!files.length) files.push(path.join(repo, 'assets', 'example.png'));
  return files.map((f) => ({ bytes: fs.readFileSync(f), type: f.endsWith('.png') ? 'image/png' : 'image/jpeg' }));
}

const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8' };
function serveStatic(pathname, res) {
  const name = pathname === '/app/' ? 'index.html' : pathname.startsWith('/app/') ? pathname.slice(5) : '';
  const file = path.join(repo, 'assets', 'app', path.basename(name));
  if (!name || !fs.existsSync(file)) { res.writeHead(404); return res.end(); }
  res.writeHead(200, { 'Content-Type': TYPES[path.extname(file)] || 'application/octet-stream', 'Content-Security-Policy': CSP,
    'X-Content-Type-Options': 'nosniff', 'Referrer-Policy': 'no-referrer' });
  res.end(fs.readFileSync(file));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const mock = await startMock({ port: Number(process.argv[2]) || 0, lang: process.env.MOCK_LANG, previewDir: process.env.PREVIEW_DIR });
  console.log(`http://127.0.0.1:${mock.port}/app/?draft=${MOCK_DRAFT_ID}`);
}
