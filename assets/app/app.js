// Bible VibeCoder's Mini App: the carousel editor (?draft=<uuid>) and the brand kit (?view=brand).
// No framework, no build. Every user or slide text reaches the DOM through textContent or an
// input's value, never as HTML. The words come from the server's session (the user's language);
// the few below are only for when the session itself cannot be had.
// A module: strict, deferred, its names its own.
const tg = (window.Telegram && window.Telegram.WebApp) || null;
const API = '/app/api';
const FALLBACK = {
  'app-loading': 'Loading…',
  'app-error-auth': 'Please open this editor from the bot’s button in Telegram.',
  'app-error-network': 'No connection to the bot. Please try again.',
  'app-error-generic': 'Something went wrong. Please try again.',
  'app-retry': 'Try again'
};
const root = document.documentElement;
const main = document.getElementById('main');
const statusEl = document.getElementById('status');
let S = null; // the session: user, lang, dir, strings, styles, accents, limits
let num = (n) => String(n);

const t = (key) => (S && S.strings && S.strings[key]) || FALLBACK[key] || key;
const len = (s) => Array.from(s || '').length; // characters as the server counts them
const clone = (v) => JSON.parse(JSON.stringify(v));
const HEX = /^#[0-9a-f]{6}$/i;

// An element: props are attributes, except text (textContent), on<event> and a few properties.
const PROPS = ['value', 'checked', 'disabled', 'readOnly', 'hidden', 'draggable', 'className'];
function h(tag, props, ...kids) {
  const el = document.createElement(tag);
  for (const k in props || {}) {
    const v = props[k];
    if (v == null || v === false) continue;
    if (k === 'text') el.textContent = v;
    else if (k.slice(0, 2) === 'on') el.addEventListener(k.slice(2), v);
    else if (PROPS.includes(k)) el[k] = v;
    else el.setAttribute(k, v === true ? '' : v);
  }
  for (const c of kids.flat(3)) if (c != null && c !== false) el.append(c);
  return el;
}

// ---- Telegram: theme, full screen, buttons ----
const THEME = ['bg_color', 'text_color', 'hint_color', 'link_color', 'button_color', 'button_text_color',
  'secondary_bg_color', 'section_bg_color', 'destructive_text_color'];
function applyTheme() {
  const p = (tg && tg.themeParams) || {};
  for (const k of THEME) {
    const name = '--tg-' + k.replace(/_color$/, '').replace(/_/g, '-');
    if (/^#[0-9a-f]{3,8}$/i.test(p[k] || '')) root.style.setProperty(name, p[k]);
    else root.style.removeProperty(name);
  }
  root.dataset.scheme = tg && tg.colorScheme === 'dark' ? 'dark' : 'light';
  // Telegram's own header and overscroll area in the page's colour (Bot API 6.1+).
  try {
    if (tg && tg.setHeaderColor) tg.setHeaderColor('secondary_bg_color');
    if (tg && tg.setBackgroundColor) tg.setBackgroundColor('secondary_bg_color');
  } catch (e) { /* an older client keeps its own */ }
}
// The preview sticks just under the header, whatever height the header wraps to.
const bar = document.querySelector('.bar');
const barHeight = () => root.style.setProperty('--bar-h', bar.offsetHeight + 'px');
function startTelegram() {
  applyTheme();
  barHeight();
  window.addEventListener('resize', barHeight);
  if (!tg) return;
  try {
    tg.ready();
    tg.expand();
    if (tg.requestFullscreen && (!tg.isVersionAtLeast || tg.isVersionAtLeast('8.0'))) tg.requestFullscreen();
  } catch (e) { /* an older client: the editor works in its sheet */ }
  if (tg.onEvent) tg.onEvent('themeChanged', applyTheme);
}
let mainButtonHandler = null;
function mainButton(label, handler) {
  const mb = tg && tg.MainButton;
  if (!mb) return;
  if (mainButtonHandler) mb.offClick(mainButtonHandler);
  mainButtonHandler = handler;
  if (!handler) { mb.hide(); return; }
  mb.setText(label);
  mb.onClick(handler);
  mb.enable();
  mb.show();
}
const haptic = (kind) => { try { tg.HapticFeedback.notificationOccurred(kind); } catch (e) { /* none */ } };

// ---- the API ----
class ApiError extends Error {
  constructor(status, body, res) {
    const err = (body && body.error) || {};
    super(err.message || '');
    this.status = status;
    this.code = err.code || '';
    this.field = err.field || body && body.field || '';
    this.body = body || {};
    const after = res && Number(res.headers.get('Retry-After'));
    this.retryAfter = after > 0 ? after : 0;
  }
}
async function api(method, path, body, raw) {
  const headers = { Authorization: 'tma ' + ((tg && tg.initData) || '') };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let res;
  try {
    res = await fetch(API + path, { method, headers, cache: 'no-store',
      body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (e) { throw new ApiError(0, null, null); }
  if (res.ok && raw) return res;
  let data = null;
  if ((res.headers.get('Content-Type') || '').includes('json')) {
    try { data = await res.json(); } catch (e) { data = null; }
  }
  if (!res.ok) throw new ApiError(res.status, data, res);
  return data;
}
const FATAL = { 401: 'app-error-auth', 403: 'app-error-forbidden', 404: 'app-error-not-found' };

// ---- page-wide pieces ----
function setStatus(key) {
  statusEl.textContent = key ? t(key) : '';
  statusEl.dataset.state = key || '';
  // Telegram asks before closing the editor over changes not yet saved.
  const pending = key === 'app-unsaved' || key === 'app-saving' || key === 'app-save-failed';
  try {
    if (tg && tg.enableClosingConfirmation) tg[pending ? 'enableClosingConfirmation' : 'disableClosingConfirmation']();
  } catch (e) { /* older clients close at once */ }
}
function fullPage(err, key, retry) {
  key = key || FATAL[err && err.status] || (err && err.status === 0 ? 'app-error-network' : 'app-error-generic');
  mainButton(null);
  setStatus('');
  const detail = err && err.message && err.message !== t(key) ? err.message : '';
  main.setAttribute('aria-busy', 'false');
  main.replaceChildren(h('section', { className: 'full', role: 'alert' },
    h('div', { className: 'full-mark', 'aria-hidden': 'true', text: '!' }),
    h('h2', { text: t(key) }),
    detail && h('p', { className: 'hint', text: detail }),
    retry && h('button', { className: 'btn primary', type: 'button', onclick: retry, text: t('app-retry') })));
}
function banner(kind, text, extra) {
  const box = document.getElementById('banners');
  if (!box) return;
  const b = h('div', { className: 'banner ' + kind, role: kind === 'error' ? 'alert' : 'status' },
    h('p', { text }), extra || null,
    h('button', { className: 'btn small ghost', type: 'button', text: t('app-dismiss'),
      onclick: () => b.remove() }));
  box.append(b);
  if (kind !== 'error' || !extra) b.scrollIntoView({ block: 'nearest' });
  return b;
}
function errorText(e) {
  return e.message || t(e.status === 0 ? 'app-error-network' : 'app-error-generic');
}

// Saves one thing (a draft, the brand kit) with its version: debounced while typing, at once on
// structural changes, one request in flight, failures retried.
function Saver(put) {
  const s = { dirty: false, busy: null, timer: 0, failed: false };
  s.change = (now) => {
    s.dirty = true;
    setStatus('app-unsaved');
    clearTimeout(s.timer);
    s.timer = setTimeout(s.run, now ? 0 : 800);
  };
  s.run = () => {
    clearTimeout(s.timer);
    if (s.busy) return s.busy.then(() => (s.dirty ? s.run() : !s.failed));
    if (!s.dirty) return Promise.resolve(!s.failed);
    s.dirty = false;
    setStatus('app-saving');
    s.busy = put().then((ok) => {
      s.failed = ok === false;
      if (ok === 'retry') { s.failed = true; s.dirty = true; setStatus('app-save-failed'); s.timer = setTimeout(s.run, 4000); }
      else setStatus(s.dirty ? 'app-unsaved' : ok ? 'app-saved' : '');
      return ok === true;
    }).finally(() => { s.busy = null; });
    return s.busy;
  };
  s.flush = async () => {
    let ok = await s.run();
    while (s.dirty || s.busy) ok = await s.run();
    return ok;
  };
  s.stop = () => { clearTimeout(s.timer); s.dirty = false; s.failed = false; };
  return s;
}

// A text field with its label and a character counter.
function field(id, label, value, max, opts, onInput) {
  const multi = opts.rows > 1;
  const count = h('span', { className: 'count', id: id + '-n', dir: 'ltr', 'aria-live': 'off' });
  const input = h(multi ? 'textarea' : 'input', { id, type: multi ? null : 'text', rows: multi ? opts.rows : null,
    dir: 'auto', value, readOnly: !!opts.readOnly, 'aria-describedby': id + '-n', autocomplete: 'off',
    spellcheck: 'true' });
  const update = () => {
    const n = len(input.value);
    const bad = n > max || (!!opts.required && n === 0);
    count.textContent = num(n) + ' / ' + num(max);
    input.classList.toggle('invalid', bad);
    input.setAttribute('aria-invalid', bad ? 'true' : 'false');
    count.classList.toggle('over', bad);
  };
  input.addEventListener('input', () => { update(); onInput(input.value); });
  update();
  return h('div', { className: 'field' },
    h('div', { className: 'field-top' }, h('label', { for: id, text: label }), count), input);
}

// Accent: the style's own colour, the presets, or any hex.
function accentPicker(get, set, readOnly) {
  const swatches = h('div', { className: 'swatches', role: 'group', 'aria-label': t('app-accent') });
  const hex = h('input', { id: 'accent-hex', type: 'text', className: 'hex', dir: 'ltr', inputmode: 'text',
    maxlength: '7', placeholder: '#rrggbb', autocomplete: 'off', spellcheck: 'false', readOnly });
  const wheel = h('input', { type: 'color', className: 'wheel', 'aria-label': t('app-accent-hex'), disabled: readOnly });
  const note = h('span', { className: 'hint small', id: 'accent-note' });
  hex.setAttribute('aria-describedby', 'accent-note');
  const choices = [null].concat((S.accents || []).filter((c) => HEX.test(c)));
  const refresh = () => {
    const cur = get();
    for (const b of swatches.children) b.setAttribute('aria-pressed', String((b.dataset.c || null) === cur));
    if (document.activeElement !== hex) hex.value = cur || '';
    wheel.value = cur || '#7c5cff';
    hex.classList.remove('invalid');
    note.textContent = cur ? '' : t('app-accent-default');
  };
  for (const c of choices) {
    const b = h('button', { type: 'button', className: 'swatch' + (c ? '' : ' none'), disabled: readOnly,
      onclick: () => { set(c, true); refresh(); } },
    h('span', { className: 'sr', text: c || t('app-accent-default') }));
    if (c) { b.dataset.c = c.toLowerCase(); b.style.setProperty('--c', c); }
    swatches.append(b);
  }
  hex.addEventListener('input', () => {
    const v = hex.value.trim();
    const ok = HEX.test(v);
    hex.classList.toggle('invalid', !ok && v !== '');
    note.textContent = ok || v === '' ? '' : t('app-accent-invalid');
    if (ok) { set(v.toLowerCase(), false); refresh(); }
  });
  hex.addEventListener('blur', refresh);
  wheel.addEventListener('input', () => { set(wheel.value.toLowerCase(), false); refresh(); });
  refresh();
  return h('div', { className: 'accent' }, swatches,
    h('div', { className: 'hex-row' }, h('label', { for: 'accent-hex', text: t('app-accent-hex') }), hex, wheel),
    note);
}

// ---- the draft editor ----
function draftEditor(id) {
  const L = S.limits || {};
  const D = { base: null, work: null, sel: 0, busy: false, sending: false, drag: -1,
    pv: { timer: 0, seq: 0, url: '', cache: new Map() } };
  const saver = Saver(putDraft);
  let els = {};

  const adopt = (draft) => {
    D.base = draft;
    D.work = clone({ style: draft.style, accent: draft.accent || null, slides: draft.slides || [],
      post: draft.post || { caption: '', hashtags: [] } });
    D.sel = Math.min(D.sel, D.work.slides.length - 1);
  };
  const editable = () => D.base.editable && !D.sending;
  const body = () => ({ version: D.base.version, style: D.work.style, accent: D.work.accent,
    slides: D.work.slides, post: D.work.post });

  async function putDraft() {
    try {
      const draft = await api('PUT', '/drafts/' + id, body());
      D.base = draft;
      if (!draft.editable) { adopt(draft); render(); }
      return true;
    } catch (e) { return failed(e); }
  }
  // What every request does with an error it does not handle itself.
  function failed(e) {
    if (FATAL[e.status]) { saver.stop(); fullPage(e); return false; }
    if (e.status === 409 && e.body.draft) { conflict(e.body.draft); return true; } // reloaded: nothing left to save
    if (e.status === 422) { markField(e); return false; }
    if (e.status === 0 || e.status >= 500) return 'retry';
    banner('error', errorText(e));
    return false;
  }
  function markField(e) {
    const m = /^slides\[(\d+)\]\.(title|body|alt)$/.exec(e.field || '');
    const fid = m ? 's' + m[1] + '-' + m[2] : { 'post.caption': 'caption', 'post.hashtags': 'hashtags', accent: 'accent-hex' }[e.field];
    const el = fid && document.getElementById(fid);
    banner('error', errorText(e));
    if (el) { el.classList.add('invalid'); el.focus(); }
  }
  // Someone saved first: show theirs, and list what of ours it replaced so nothing is lost silently.
  function conflict(theirs) {
    const mine = D.work, was = D.base;
    const lost = [];
    const note = (label, a, b, base) => { if (a !== base && a !== b) lost.push([label, a]); };
    mine.slides.forEach((s, i) => {
      const b = (theirs.slides || [])[i] || {}, o = (was.slides || [])[i] || {};
      for (const f of ['title', 'body', 'alt']) note(t('app-slide') + ' ' + num(i + 1) + ' · ' + t('app-field-' + f), s[f] || '', b[f] || '', o[f] || '');
    });
    const p = theirs.post || {}, op = was.post || {};
    note(t('app-caption'), mine.post.caption || '', p.caption || '', op.caption || '');
    note(t('app-hashtags'), (mine.post.hashtags || []).join(' '), (p.hashtags || []).join(' '), (op.hashtags || []).join(' '));
    saver.stop();
    adopt(theirs);
    render();
    const list = lost.length ? h('dl', { className: 'lost' }, lost.map(([k, v]) => [h('dt', { text: k }), h('dd', { text: v })])) : null;
    banner('warn', t(lost.length ? 'app-conflict' : 'app-conflict-reloaded'), list);
    setStatus('app-saved');
  }

  function changed(now) {
    saver.change(now);
    refreshSend();
  }

  // ---- preview ----
  function preview(delay) {
    clearTimeout(D.pv.timer);
    D.pv.timer = setTimeout(drawPreview, delay == null ? 500 : delay);
  }
  async function drawPreview() {
    const i = D.sel, slide = D.work.slides[i];
    if (!slide || !els.img) return;
    const req = { index: i, total: D.work.slides.length, slide, style: D.work.style, accent: D.work.accent };
    const key = JSON.stringify(req);
    const seq = ++D.pv.seq;
    els.pvLabel.textContent = num(i + 1) + ' / ' + num(req.total);
    const cached = D.pv.cache.get(key);
    if (cached) return showPreview(cached);
    els.pv.classList.add('loading');
    els.pvNote.textContent = t('app-preview-loading');
    try {
      const res = await api('POST', '/drafts/' + id + '/preview', req, true);
      const blob = await res.blob();
      const got = { url: URL.createObjectURL(blob), fit: res.headers.get('X-Text-Fit') || 'fits' };
      D.pv.cache.set(key, got);
      if (D.pv.cache.size > 40) {
        const [oldKey, old] = D.pv.cache.entries().next().value;
        if (old.url !== els.img.src) URL.revokeObjectURL(old.url);
        D.pv.cache.delete(oldKey);
      }
      if (seq === D.pv.seq) showPreview(got);
    } catch (e) {
      if (seq !== D.pv.seq) return;
      els.pv.classList.remove('loading');
      if (FATAL[e.status]) return fullPage(e);
      if (e.status === 429 && e.retryAfter) {
        els.pvNote.textContent = t('app-preview-wait');
        preview(e.retryAfter * 1000);
      } else els.pvNote.textContent = e.status === 429 ? errorText(e) : t('app-preview-failed');
    }
  }
  function showPreview(got) {
    els.pv.classList.remove('loading');
    els.img.src = got.url;
    els.img.alt = (D.work.slides[D.sel] || {}).alt || '';
    els.img.hidden = false;
    const bad = got.fit === 'shrunk' || got.fit === 'cut';
    els.badge.hidden = !bad;
    els.badge.className = 'badge ' + got.fit;
    els.badge.textContent = bad ? t('app-fit-' + got.fit) : '';
    els.pvNote.textContent = '';
  }
  function select(i) {
    if (i === D.sel && els.img.src) return;
    D.sel = i;
    for (const c of els.list.children) c.classList.toggle('selected', Number(c.dataset.i) === i);
    preview(0);
  }

  // ---- slides ----
  function move(from, to, focusKey) {
    const s = D.work.slides;
    if (to < 0 || to >= s.length || from === to) return;
    const [x] = s.splice(from, 1);
    s.splice(to, 0, x);
    if (D.sel === from) D.sel = to;
    else if (from < D.sel && to >= D.sel) D.sel--;
    else if (from > D.sel && to <= D.sel) D.sel++;
    renderSlides(focusKey && focusKey.replace(/\d+$/, String(to)));
    changed(true);
    preview(0);
  }
  function remove(i) {
    const s = D.work.slides;
    if (s.length <= (L.slides_min || 1)) return;
    s.splice(i, 1);
    if (D.sel >= s.length || D.sel > i) D.sel = Math.max(0, D.sel - 1);
    renderSlides('del-' + Math.min(i, s.length - 1));
    changed(true);
    preview(0);
  }
  function add(i) {
    const s = D.work.slides;
    if (s.length >= (L.slides_max || 20)) return;
    s.splice(i + 1, 0, { kind: 'idea', title: '', body: '', alt: '' });
    D.sel = i + 1;
    renderSlides('s' + (i + 1) + '-title');
    changed(true);
    preview(0);
  }
  async function regenerate(i, button) {
    if (D.busy) return;
    D.busy = true;
    button.disabled = true;
    button.textContent = t('app-regenerating');
    els.list.children[i].setAttribute('aria-busy', 'true');
    setReadOnly(true);
    let focus = 'regen-' + i;
    try {
      if (await saver.flush()) {
        const draft = await api('POST', '/drafts/' + id + '/slides/' + i + '/regenerate', { version: D.base.version });
        adopt(draft);
        D.sel = i;
        haptic('success');
      }
    } catch (e) {
      focus = null;
      const r = failed(e);
      if (r === 'retry') banner('error', errorText(e));
    }
    D.busy = false;
    if (main.contains(els.list)) { renderSlides(focus); refreshSend(); preview(0); }
  }
  function setReadOnly(on) {
    for (const el of main.querySelectorAll('.slides input, .slides textarea')) el.readOnly = on || !editable();
  }
  function renderSlides(focusKey) {
    const s = D.work.slides, ro = !editable();
    const tools = (i) => {
      const b = (key, label, fn, off) => h('button', { type: 'button', className: 'btn small', 'data-f': key + '-' + i,
        disabled: off || D.busy, onclick: (ev) => fn(ev.currentTarget) , text: label });
      return h('div', { className: 'tools' },
        b('up', '↑ ' + t('app-move-up'), () => move(i, i - 1, 'up-' + i), i === 0),
        b('down', '↓ ' + t('app-move-down'), () => move(i, i + 1, 'down-' + i), i === s.length - 1),
        b('regen', '↻ ' + t('app-regenerate'), (el) => regenerate(i, el)),
        b('add', '+ ' + t('app-add-after'), () => add(i), s.length >= (L.slides_max || 20)),
        b('del', '✕ ' + t('app-delete'), () => remove(i), s.length <= (L.slides_min || 1)));
    };
    els.list.replaceChildren(...s.map((slide, i) => {
      const id = 's' + i;
      const li = h('li', { className: 'slide card' + (i === D.sel ? ' selected' : ''), 'data-i': i,
        'aria-labelledby': id + '-h' },
      h('div', { className: 'slide-head' },
        !ro && h('span', { className: 'grip', draggable: true, title: t('app-drag'), 'aria-hidden': 'true', text: '⠿' }),
        h('h3', { id: id + '-h', text: t('app-slide') + ' ' + num(i + 1) }),
        (S.strings || {})['app-kind-' + slide.kind] && h('span', { className: 'kind', text: t('app-kind-' + slide.kind) })),
      field(id + '-title', t('app-field-title'), slide.title || '', L.title_chars || 80,
        { rows: 1, required: true, readOnly: ro }, (v) => { slide.title = v; changed(); preview(); }),
      field(id + '-body', t('app-field-body'), slide.body || '', L.body_chars || 400,
        { rows: 4, readOnly: ro }, (v) => { slide.body = v; changed(); preview(); }),
      field(id + '-alt', t('app-field-alt'), slide.alt || '', L.alt_chars || 1000,
        { rows: 2, readOnly: ro }, (v) => { slide.alt = v; changed(); }),
      !ro && tools(i));
      // A press that re-rendered the list still bubbles to its old card: only a live card selects.
      li.addEventListener('focusin', () => { if (li.isConnected) select(i); });
      li.addEventListener('click', () => { if (li.isConnected) select(i); });
      // Drag by the grip (mouse); the Up/Down buttons do the same everywhere.
      li.addEventListener('dragstart', (ev) => { D.drag = i; ev.dataTransfer.effectAllowed = 'move'; ev.dataTransfer.setData('text/plain', String(i)); li.classList.add('dragging'); });
      li.addEventListener('dragend', () => { li.classList.remove('dragging'); D.drag = -1; });
      li.addEventListener('dragover', (ev) => { if (D.drag >= 0) { ev.preventDefault(); li.classList.add('drop'); } });
      li.addEventListener('dragleave', () => li.classList.remove('drop'));
      li.addEventListener('drop', (ev) => { ev.preventDefault(); li.classList.remove('drop'); if (D.drag >= 0) move(D.drag, i); });
      return li;
    }));
    els.count.textContent = num(s.length) + ' / ' + num(L.slides_max || 20);
    if (focusKey) {
      const el = document.getElementById(focusKey) || els.list.querySelector('[data-f="' + focusKey + '"]');
      if (el && !el.disabled) el.focus();
      else if (el) { const li = el.closest('li'); const alt = li && li.querySelector('.tools button:not([disabled])'); if (alt) alt.focus(); }
    }
  }

  // ---- sending ----
  function problems() {
    const bad = [];
    D.work.slides.forEach((s, i) => {
      if (len(s.title) === 0 || len(s.title) > (L.title_chars || 80)) bad.push('s' + i + '-title');
      if (len(s.body) > (L.body_chars || 400)) bad.push('s' + i + '-body');
      if (len(s.alt) > (L.alt_chars || 1000)) bad.push('s' + i + '-alt');
    });
    const p = D.work.post;
    if (len(p.caption) > (L.caption_chars || 2200)) bad.push('caption');
    const n = (p.hashtags || []).length;
    if (n && (n < (L.hashtags_min || 0) || n > (L.hashtags_max || 30))) bad.push('hashtags');
    return bad;
  }
  function refreshSend() {
    if (els.send) els.send.disabled = D.sending || D.busy;
  }
  async function send() {
    if (D.sending || !editable()) return;
    const bad = problems();
    if (bad.length) {
      banner('error', t('app-fix-before-send'));
      const el = document.getElementById(bad[0]);
      if (el) el.focus();
      haptic('error');
      return;
    }
    D.sending = true;
    refreshSend();
    els.send.textContent = t('app-sending-short');
    if (tg && tg.MainButton && tg.MainButton.showProgress) tg.MainButton.showProgress();
    let done = false;
    try {
      if (await saver.flush()) {
        adopt(await api('POST', '/drafts/' + id + '/send', { version: D.base.version }));
        done = true;
      }
    } catch (e) {
      const r = failed(e);
      if (r === 'retry') banner('error', errorText(e));
    }
    if (tg && tg.MainButton && tg.MainButton.hideProgress) tg.MainButton.hideProgress();
    if (!done) {
      D.sending = false;
      if (els.send) { els.send.textContent = t('app-send'); refreshSend(); }
      return;
    }
    haptic('success');
    mainButton(null);
    setStatus('');
    main.replaceChildren(h('section', { className: 'full', role: 'status' },
      h('div', { className: 'full-mark ok', 'aria-hidden': 'true', text: '✓' }),
      h('h2', { text: t('app-sending') })));
    setTimeout(() => { if (tg) tg.close(); }, 1500);
  }

  // ---- the page ----
  function render() {
    const w = D.work, ro = !editable();
    document.getElementById('heading').textContent = t('app-title');
    els = {};
    els.img = h('img', { className: 'pv-img', hidden: true, alt: '' });
    els.badge = h('span', { className: 'badge', hidden: true });
    els.pvLabel = h('span', { className: 'pv-label', dir: 'ltr' });
    // The note sits over the frame: a line appearing under it would shift the slides below while a
    // finger is on one of their buttons.
    els.pvNote = h('span', { className: 'pv-note', 'aria-live': 'polite' });
    els.pv = h('div', { className: 'pv-frame' }, els.img, els.badge, els.pvNote);
    els.list = h('ol', { className: 'slides' });
    els.count = h('span', { className: 'hint small', dir: 'ltr' });
    const styles = h('div', { className: 'seg', role: 'radiogroup', 'aria-label': t('app-style') },
      (S.styles || []).map((st) => h('label', { className: 'seg-item' },
        h('input', { type: 'radio', name: 'style', value: st.id, checked: st.id === w.style, disabled: ro,
          onchange: () => { w.style = st.id; changed(true); preview(0); } }),
        h('span', { text: st.name }))));
    const tags = field('hashtags', t('app-hashtags'), (w.post.hashtags || []).join(' '), 1e9, { rows: 1, readOnly: ro }, (v) => {
      w.post.hashtags = v.split(/[\s,]+/).filter(Boolean).map((x) => (x[0] === '#' ? x : '#' + x));
      tagCount();
      changed();
    });
    const tagInput = tags.querySelector('input');
    const tagCount = () => {
      const n = w.post.hashtags.length, lo = L.hashtags_min || 0, hi = L.hashtags_max || 30;
      const bad = n > 0 && (n < lo || n > hi);
      const c = tags.querySelector('.count');
      c.textContent = num(n) + ' (' + num(lo) + '–' + num(hi) + ')';
      c.classList.toggle('over', bad);
      tagInput.classList.toggle('invalid', bad);
    };
    w.post.hashtags = w.post.hashtags || [];
    els.send = ro ? null : h('button', { type: 'button', className: 'btn primary wide', id: 'send', onclick: send, text: t('app-send') });
    main.setAttribute('aria-busy', 'false');
    main.replaceChildren(...[
      h('div', { id: 'banners', className: 'banners' }),
      ro && h('p', { className: 'banner info', text: t('app-readonly') }),
      h('p', { className: 'topic', dir: 'auto', text: D.base.topic || '' }),
      h('div', { className: 'layout' },
        h('section', { className: 'pv card', 'aria-label': t('app-preview') },
          h('div', { className: 'pv-top' }, h('h2', { text: t('app-preview') }), els.pvLabel),
          els.pv),
        h('div', { className: 'col' },
          h('section', { className: 'card' },
            h('h2', { text: t('app-style') }), styles,
            h('h2', { className: 'sub', text: t('app-accent') }),
            accentPicker(() => w.accent, (c, now) => { w.accent = c; changed(now); preview(now ? 0 : 500); }, ro)),
          h('section', { 'aria-labelledby': 'slides-h' },
            h('div', { className: 'section-top' }, h('h2', { id: 'slides-h', text: t('app-slides') }), els.count),
            els.list),
          h('section', { className: 'card' },
            h('h2', { text: t('app-post') }),
            field('caption', t('app-caption'), w.post.caption || '', L.caption_chars || 2200, { rows: 6, readOnly: ro },
              (v) => { w.post.caption = v; changed(); }),
            tags,
            h('p', { className: 'hint small', text: t('app-hashtags-hint') })),
          els.send && h('div', { className: 'send-row' }, els.send)))].filter(Boolean));
    tagCount();
    renderSlides();
    refreshSend();
    mainButton(ro ? null : t('app-send'), ro ? null : send);
    preview(0);
  }

  async function load() {
    try {
      adopt(await api('GET', '/drafts/' + id));
    } catch (e) { return fullPage(e, null, e.status === 0 || e.status >= 500 ? load : null); }
    if (D.base.dir) root.dir = D.base.dir === 'rtl' ? 'rtl' : 'ltr';
    setStatus(D.base.editable ? 'app-saved' : '');
    render();
  }
  window.addEventListener('beforeunload', () => { saver.run(); });
  document.addEventListener('visibilitychange', () => { if (document.hidden) saver.run(); });
  load();
}

// ---- the brand kit ----
function brandEditor() {
  let B = null, W = null;
  const saver = Saver(put);
  const media = {};
  async function put() {
    try {
      const b = await api('PUT', '/brand', { version: B.version, handle: W.handle, name: W.name, accent: W.accent,
        fonts: W.fonts, clear_avatar: W.clear_avatar, clear_logo: W.clear_logo });
      const cleared = W.clear_avatar || W.clear_logo;
      B = b;
      W.clear_avatar = W.clear_logo = false;
      if (cleared) renderMedia();
      return true;
    } catch (e) {
      if (FATAL[e.status]) { saver.stop(); fullPage(e); return false; }
      if (e.status === 409 && e.body.brand) { saver.stop(); adopt(e.body.brand); render(); banner('warn', t('app-brand-reloaded')); return true; }
      if (e.status === 0 || e.status >= 500) return 'retry';
      banner('error', errorText(e));
      return false;
    }
  }
  const adopt = (b) => {
    B = b;
    W = { handle: b.handle || '', name: b.name || '', accent: b.accent || null, fonts: b.fonts, clear_avatar: false, clear_logo: false };
  };
  async function image(kind, box) {
    const has = B[kind] && !W['clear_' + kind];
    const empty = h('p', { className: 'hint small', text: t('app-brand-' + kind + '-none') });
    if (!has) return box.replaceChildren(empty);
    const img = h('img', { className: 'media-img ' + kind, alt: t('app-brand-' + kind) });
    box.replaceChildren(img, h('button', { type: 'button', className: 'btn small', text: t('app-brand-remove'),
      onclick: () => { W['clear_' + kind] = true; saver.change(true); image(kind, box); } }));
    try {
      const res = await api('GET', '/brand/' + kind, undefined, true);
      if (media[kind]) URL.revokeObjectURL(media[kind]);
      media[kind] = URL.createObjectURL(await res.blob());
      img.src = media[kind];
    } catch (e) { img.replaceWith(h('p', { className: 'hint small', text: t('app-preview-failed') })); }
  }
  let boxes = {};
  const renderMedia = () => { for (const k of ['avatar', 'logo']) image(k, boxes[k]); };
  function render() {
    document.getElementById('heading').textContent = t('app-brand-title');
    boxes = { avatar: h('div', { className: 'media' }), logo: h('div', { className: 'media' }) };
    const text = (k, max) => field('brand-' + k, t('app-brand-' + k), W[k], max, { rows: 1 }, (v) => { W[k] = v; saver.change(); });
    const fonts = h('div', { className: 'seg col', role: 'radiogroup', 'aria-label': t('app-brand-fonts') },
      (B.font_pairings || []).map((f) => h('label', { className: 'seg-item' },
        h('input', { type: 'radio', name: 'fonts', value: f.id, checked: f.id === W.fonts,
          onchange: () => { W.fonts = f.id; saver.change(true); } }),
        h('span', { text: f.name }))));
    main.setAttribute('aria-busy', 'false');
    main.replaceChildren(h('div', { id: 'banners', className: 'banners' }),
      h('div', { className: 'narrow' },
        h('section', { className: 'card' }, text('handle', 64), text('name', 64)),
        h('section', { className: 'card' }, h('h2', { text: t('app-accent') }),
          accentPicker(() => W.accent, (c, now) => { W.accent = c; saver.change(now); }, false)),
        h('section', { className: 'card' }, h('h2', { text: t('app-brand-fonts') }), fonts),
        h('section', { className: 'card' }, h('h2', { text: t('app-brand-avatar') }), boxes.avatar,
          h('h2', { className: 'sub', text: t('app-brand-logo') }), boxes.logo,
          h('p', { className: 'hint small', text: t('app-brand-upload-hint') })),
        h('div', { className: 'send-row' }, h('button', { type: 'button', className: 'btn primary wide', text: t('app-done'), onclick: done }))));
    renderMedia();
    mainButton(t('app-done'), done);
  }
  async function done() {
    if (await saver.flush() && tg) tg.close();
  }
  (async function load() {
    try { adopt(await api('GET', '/brand')); } catch (e) { return fullPage(e, null, e.status === 0 || e.status >= 500 ? load : null); }
    setStatus('app-saved');
    render();
  })();
}

async function boot() {
  startTelegram();
  document.getElementById('loading-text').textContent = t('app-loading');
  try {
    S = await api('GET', '/session');
  } catch (e) { return fullPage(e, null, e.status === 0 || e.status >= 500 ? boot : null); }
  root.lang = S.lang || 'en';
  root.dir = S.dir === 'rtl' ? 'rtl' : 'ltr';
  try { const f = new Intl.NumberFormat(S.lang); num = (n) => f.format(n); } catch (e) { /* digits as they are */ }
  document.title = t('app-title');
  const q = new URLSearchParams(location.search);
  if (q.get('view') === 'brand') return brandEditor();
  const id = q.get('draft') || '';
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) return fullPage(null, 'app-no-draft');
  draftEditor(id.toLowerCase());
}
boot();
