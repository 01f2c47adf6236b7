// Stands in for https://telegram.org/js/telegram-web-app.js in the browser tests (page.route serves
// it; no internet here). The test sets window.__TG__ = {initData, user, themeParams, colorScheme}
// with page.addInitScript before the page loads; calls the editor makes are recorded on
// window.__tgCalls (close, ready, expand, requestFullscreen, MainButton...).
(function () {
  'use strict';
  const cfg = window.__TG__ || {};
  const calls = (window.__tgCalls = []);
  const record = (name, args) => calls.push({ name, args: Array.from(args || []) });
  const handlers = {};
  const button = (name) => {
    const clicks = [];
    const b = {
      text: '', isVisible: false, isActive: true, isProgressVisible: false,
      setText(text) { record(name + '.setText', [text]); b.text = String(text); return b; },
      setParams(p) { record(name + '.setParams', [p]); if (p && p.text) b.text = p.text; return b; },
      show() { record(name + '.show'); b.isVisible = true; return b; },
      hide() { record(name + '.hide'); b.isVisible = false; return b; },
      enable() { b.isActive = true; return b; },
      disable() { b.isActive = false; return b; },
      showProgress() { b.isProgressVisible = true; return b; },
      hideProgress() { b.isProgressVisible = false; return b; },
      onClick(fn) { clicks.push(fn); return b; },
      offClick(fn) { const i = clicks.indexOf(fn); if (i >= 0) clicks.splice(i, 1); return b; },
      // For the test: what a press of Telegram's own button does.
      _press() { clicks.slice().forEach((fn) => fn()); }
    };
    return b;
  };
  const initData = cfg.initData || '';
  const params = new URLSearchParams(initData);
  let user = null;
  try { user = JSON.parse(params.get('user') || 'null'); } catch (e) { user = null; }
  const WebApp = {
    initData,
    initDataUnsafe: { query_id: params.get('query_id') || undefined, user: user || undefined,
      auth_date: Number(params.get('auth_date')) || undefined, hash: params.get('hash') || undefined },
    version: '8.0',
    platform: 'tdesktop',
    colorScheme: cfg.colorScheme === 'dark' ? 'dark' : 'light',
    themeParams: cfg.themeParams || {},
    isExpanded: false,
    isFullscreen: false,
    viewportHeight: window.innerHeight,
    viewportStableHeight: window.innerHeight,
    safeAreaInset: { top: 0, bottom: 0, left: 0, right: 0 },
    contentSafeAreaInset: { top: 0, bottom: 0, left: 0, right: 0 },
    isVersionAtLeast(v) {
      const a = String(v).split('.').map(Number), b = WebApp.version.split('.').map(Number);
      for (let i = 0; i < Math.max(a.length, b.length); i++) {
        if ((b[i] || 0) !== (a[i] || 0)) return (b[i] || 0) > (a[i] || 0);
      }
      return true;
    },
    ready() { record('ready'); },
    expand() { record('expand'); WebApp.isExpanded = true; },
    requestFullscreen() { record('requestFullscreen'); WebApp.isFullscreen = true; },
    exitFullscreen() { record('exitFullscreen'); WebApp.isFullscreen = false; },
    close() { record('close'); window.__tgClosed = true; },
    setHeaderColor(c) { record('setHeaderColor', [c]); },
    setBackgroundColor(c) { record('setBackgroundColor', [c]); },
    enableClosingConfirmation() { WebApp.isClosingConfirmationEnabled = true; },
    disableClosingConfirmation() { WebApp.isClosingConfirmationEnabled = false; },
    onEvent(name, fn) { (handlers[name] = handlers[name] || []).push(fn); },
    offEvent(name, fn) { const l = handlers[name] || []; const i = l.indexOf(fn); if (i >= 0) l.splice(i, 1); },
    sendData(d) { record('sendData', [d]); },
    openLink(u) { record('openLink', [u]); },
    showAlert(m, cb) { record('showAlert', [m]); if (cb) cb(); },
    MainButton: button('MainButton'),
    SecondaryButton: button('SecondaryButton'),
    BackButton: { isVisible: false, show() { return this; }, hide() { return this; }, onClick() { return this; }, offClick() { return this; } },
    HapticFeedback: {
      impactOccurred() { return this; }, notificationOccurred() { return this; }, selectionChanged() { return this; }
    },
    // For the test: switch the theme as Telegram does, then fire themeChanged.
    _setTheme(themeParams, colorScheme) {
      WebApp.themeParams = themeParams || {};
      WebApp.colorScheme = colorScheme === 'dark' ? 'dark' : 'light';
      (handlers.themeChanged || []).forEach((fn) => fn.call(WebApp));
    }
  };
  window.Telegram = { WebApp };
})();
