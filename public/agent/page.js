/*
 * The agent console: sign in with an agent token, watch the queue, accept, talk, end.
 * Plain ES2020, no build step, no dependency. Live updates come from the agent API's server-sent event
 * streams read with fetch() (EventSource cannot send the Authorization header, and the token must not
 * go into a URL); when a stream fails the page polls the JSON API instead and tries the stream again later.
 * Text from users and agents is only ever inserted with textContent.
 */
'use strict';

(() => {
  const LANGS = ['nb', 'nn', 'en'];
  const LOCALES = { nb: 'nb-NO', nn: 'nn-NO', en: 'en-GB' };
  const CLOSED = ['ended', 'cancelled', 'expired', 'gone'];
  const POLL_MS = 3000;
  const STREAM_RETRY_MS = 30000;
  const KEYS = {
    token: 'agentConsole.token',
    lang: 'agentConsole.lang',
    active: 'agentConsole.active',
    sound: 'agentConsole.sound',
  };

  const $ = (id) => document.getElementById(id);
  /** What a signed-in session holds; signing out puts these back. */
  const signedOut = () => ({
    token: null,
    me: null,
    queue: [],
    known: new Set(),
    queueLoaded: false,
    queueFollow: null,
  });
  const state = {
    lang: 'nb',
    strings: {},
    ...signedOut(),
    active: null,
    sound: true,
    audio: null,
    streamsFailed: false,
    clockOffset: 0,
  };

  class AuthError extends Error {}

  // ---- strings ---------------------------------------------------------------------------------

  /** The string at a dotted key of the console block, with {{name}} placeholders filled. */
  function t(key, params) {
    let node = state.strings;
    for (const part of key.split('.')) node = node && typeof node === 'object' ? node[part] : undefined;
    if (typeof node !== 'string') return '';
    return node.replace(/\{\{\s*(\w+)\s*\}\}/g, (_, name) =>
      params && name in params ? String(params[name]) : '',
    );
  }

  function list(key) {
    let node = state.strings;
    for (const part of key.split('.')) node = node && typeof node === 'object' ? node[part] : undefined;
    return Array.isArray(node) ? node : [];
  }

  async function setLanguage(lang) {
    const res = await fetch(`/agent/strings/${lang}`, { cache: 'no-cache' });
    if (!res.ok) return;
    state.strings = await res.json();
    state.lang = lang;
    sessionStorage.setItem(KEYS.lang, lang);
    document.documentElement.lang = lang;
    $('lang').value = lang;
    for (const el of document.querySelectorAll('[data-text]')) el.textContent = t(el.dataset.text);
    renderAll();
  }

  function initialLanguage() {
    const saved = sessionStorage.getItem(KEYS.lang);
    if (LANGS.includes(saved)) return saved;
    for (const tag of navigator.languages || [navigator.language]) {
      const base = String(tag).toLowerCase().split('-')[0];
      if (base === 'nn') return 'nn';
      if (base === 'nb' || base === 'no') return 'nb';
      if (base === 'en') return 'en';
    }
    return 'nb';
  }

  // ---- talking to the server -------------------------------------------------------------------

  function api(path, options = {}) {
    const headers = { authorization: `Bearer ${state.token}` };
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    return fetch(path, {
      method: options.method || 'GET',
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      cache: 'no-store',
      signal: options.signal,
    }).then((res) => {
      if (res.status === 401) throw new AuthError('unauthorized');
      return res;
    });
  }

  /** Reads a server-sent event stream until it ends; `onEvent(name, data)` per event. */
  async function readStream(path, onEvent, signal) {
    const res = await api(path, { signal });
    if (!res.ok || !res.body) throw new Error(`stream refused: ${res.status}`);
    if (state.streamsFailed) setPolling(false);
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += value;
      let cut;
      while ((cut = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        let event = 'message';
        let data = '';
        for (const line of block.split('\n')) {
          if (line.startsWith('event:')) event = line.slice(6).trim();
          else if (line.startsWith('data:')) data += line.slice(5).trim();
        }
        if (data) onEvent(event, JSON.parse(data));
      }
    }
  }

  function sleep(ms, signal) {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      signal.addEventListener('abort', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /**
   * Follows a feed: the stream while it works; when it fails, polling every few seconds, and the stream
   * again after a while. Stops when aborted or when `finished()` says nothing more can come.
   */
  function follow({ path, onEvent, poll, finished }) {
    const ctl = new AbortController();
    const run = async () => {
      while (!ctl.signal.aborted && !finished()) {
        const openedAt = Date.now();
        try {
          await readStream(path(), onEvent, ctl.signal);
          if (ctl.signal.aborted || finished()) return;
          // A stream that ran a while and ended cleanly (the instance shutting down): reconnect now,
          // most likely to another instance.
          if (Date.now() - openedAt > 5000) {
            await sleep(500, ctl.signal);
            continue;
          }
        } catch (err) {
          if (ctl.signal.aborted) return;
          if (err instanceof AuthError) return signOut(t('signIn.expired'));
        }
        setPolling(true);
        const until = Date.now() + STREAM_RETRY_MS;
        while (!ctl.signal.aborted && !finished() && Date.now() < until) {
          try {
            await poll(ctl.signal);
          } catch (err) {
            if (err instanceof AuthError) return signOut(t('signIn.expired'));
          }
          await sleep(POLL_MS, ctl.signal);
        }
      }
    };
    run();
    return ctl;
  }

  function setPolling(on) {
    state.streamsFailed = on;
    $('mode').textContent = on ? t('live.polling') : '';
  }

  // ---- cues --------------------------------------------------------------------------------------

  function announce(text) {
    const line = document.createElement('p');
    line.textContent = text;
    const announcer = $('announcer');
    announcer.append(line);
    while (announcer.childElementCount > 5) announcer.firstElementChild.remove();
  }

  function unlockAudio() {
    try {
      state.audio = state.audio || new AudioContext();
      if (state.audio.state === 'suspended') state.audio.resume();
    } catch {
      state.audio = null;
    }
  }

  function beep() {
    if (!state.sound || !state.audio) return;
    const ctx = state.audio;
    const tone = ctx.createOscillator();
    const gain = ctx.createGain();
    tone.frequency.value = 880;
    gain.gain.setValueAtTime(0.2, ctx.currentTime);
    gain.gain.exponentialRampToValueAtTime(0.001, ctx.currentTime + 0.5);
    tone.connect(gain).connect(ctx.destination);
    tone.start();
    tone.stop(ctx.currentTime + 0.5);
  }

  function updateTitle() {
    const waiting = state.me ? state.queue.length : 0;
    document.title = waiting > 0 ? `(${waiting}) ${t('title')}` : t('title');
  }

  /** Now by the server's clock (its `now` in /me against ours), so waiting times agree with the server. */
  function serverNow() {
    return Date.now() + state.clockOffset;
  }

  // ---- formatting --------------------------------------------------------------------------------

  function formatInstant(iso, options) {
    return new Intl.DateTimeFormat(LOCALES[state.lang], { timeZone: 'Europe/Oslo', ...options }).format(
      new Date(iso),
    );
  }

  const timeOnly = { hour: '2-digit', minute: '2-digit' };
  const dateAndTime = { weekday: 'long', day: 'numeric', month: 'long', hour: '2-digit', minute: '2-digit' };

  function addRow(dl, label, value) {
    const dt = document.createElement('dt');
    dt.textContent = label;
    const dd = document.createElement('dd');
    dd.textContent = value;
    dl.append(dt, dd);
  }

  /** The redacted summary as a description list (only the whitelisted fields the hub keeps). */
  function renderSummary(dl, item, withOrigin) {
    dl.replaceChildren();
    const s = item.summary || {};
    if (withOrigin) {
      addRow(dl, t('summary.language'), t(`languages.${item.language}`) || item.language);
      addRow(dl, t('summary.channel'), item.channel);
    }
    if (s.reason) addRow(dl, t('summary.reason'), t(`reasons.${s.reason}`) || s.reason);
    if (s.flow) addRow(dl, t('summary.flow'), s.flow);
    if (s.step) addRow(dl, t('summary.step'), s.step);
    if (s.triesAtStep) addRow(dl, t('summary.tries'), String(s.triesAtStep));
    if (s.wrongCodes) addRow(dl, t('summary.wrongCodes'), String(s.wrongCodes));
    if (s.codeExpired) addRow(dl, t('summary.codeExpired'), t('summary.yes'));
    const failures = Object.entries(s.failures || {});
    if (failures.length > 0) {
      addRow(dl, t('summary.failures'), failures.map(([tag, n]) => `${tag} ×${n}`).join(', '));
    }
    if (s.outcome) addRow(dl, t('summary.outcome'), s.outcome);
    if (s.numberEndsWith) addRow(dl, t('summary.numberEndsWith'), s.numberEndsWith);
  }

  // ---- hours -------------------------------------------------------------------------------------

  function renderHours() {
    const hours = state.me && state.me.hours;
    if (!hours) return;
    let now = t('hours.closed');
    if (hours.open && hours.closesAt)
      now = t('hours.openNow', { time: formatInstant(hours.closesAt, timeOnly) });
    else if (hours.nextOpen) now = t('hours.closedNow', { at: formatInstant(hours.nextOpen, dateAndTime) });
    $('hours-now').textContent = now;
    const days = list('hours.days');
    const week = $('hours-week');
    week.replaceChildren();
    for (let day = 1; day <= 7; day += 1) {
      const spans = (hours.weekly || []).filter((w) => w.day === day).map((w) => `${w.open}–${w.close}`);
      const li = document.createElement('li');
      li.textContent = `${days[day - 1] || day}: ${spans.length > 0 ? spans.join(', ') : t('hours.closedDay')}`;
      week.append(li);
    }
  }

  // ---- queue -------------------------------------------------------------------------------------

  function handleQueue(items) {
    const fresh = items.filter((item) => !state.known.has(item.id));
    const first = !state.queueLoaded;
    state.queue = items;
    for (const item of items) state.known.add(item.id);
    state.queueLoaded = true;
    renderQueue(new Set(first ? [] : fresh.map((item) => item.id)));
    if (!first && fresh.length > 0) {
      announce(t('live.newUser'));
      beep();
    }
  }

  function renderQueue(fresh = new Set()) {
    const ul = $('queue');
    const focused = document.activeElement && document.activeElement.closest('#queue li');
    const focusedId = focused ? focused.dataset.id : null;
    ul.replaceChildren();
    for (const item of state.queue) {
      const li = document.createElement('li');
      li.dataset.id = item.id;
      if (fresh.has(item.id)) li.classList.add('new');
      const meta = document.createElement('p');
      meta.className = 'meta';
      meta.id = `meta-${item.id}`;
      const minutes = Math.max(0, Math.floor((serverNow() - Date.parse(item.waitingSince)) / 60000));
      meta.textContent = [
        t(`languages.${item.language}`) || item.language,
        item.channel,
        t('queue.waited', { minutes }),
      ].join(' · ');
      const dl = document.createElement('dl');
      dl.className = 'summary';
      renderSummary(dl, item, false);
      const accept = document.createElement('button');
      accept.type = 'button';
      accept.className = 'accept';
      accept.textContent = t('queue.accept');
      accept.setAttribute('aria-describedby', meta.id);
      accept.addEventListener('click', () => acceptHandoff(item));
      li.append(meta, dl, accept);
      ul.append(li);
      if (item.id === focusedId) accept.focus();
    }
    $('queue-empty').hidden = state.queue.length > 0;
    $('queue-count').textContent = state.queue.length > 0 ? `(${state.queue.length})` : '';
    updateTitle();
  }

  function startQueue() {
    state.queueFollow = follow({
      path: () => '/api/agent/events',
      onEvent: (name, data) => {
        if (name === 'queue') handleQueue(data);
      },
      poll: async (signal) => {
        const res = await api('/api/agent/queue', { signal });
        if (res.ok) handleQueue(await res.json());
      },
      finished: () => false,
    });
  }

  async function acceptHandoff(item) {
    $('queue-error').textContent = '';
    if (state.active && !CLOSED.includes(state.active.status)) {
      $('queue-error').textContent = t('queue.busy');
      return;
    }
    try {
      const res = await api(`/api/agent/handoffs/${item.id}/accept`, { method: 'POST' });
      if (res.ok) {
        openConversation(item);
        return;
      }
      $('queue-error').textContent = res.status === 409 ? t('queue.taken') : t('error');
    } catch (err) {
      if (err instanceof AuthError) signOut(t('signIn.expired'));
      else $('queue-error').textContent = t('error');
    }
  }

  // ---- conversation ------------------------------------------------------------------------------

  function openConversation(item) {
    closeConversation(false);
    state.active = { item, after: 0, status: 'active', primed: false, follow: null };
    sessionStorage.setItem(KEYS.active, item.id);
    $('log').replaceChildren();
    $('reply').value = '';
    $('reply-error').textContent = '';
    $('conversation').hidden = false;
    renderConversation();
    const active = state.active;
    active.follow = follow({
      path: () => `/api/agent/handoffs/${item.id}/events?after=${active.after}`,
      onEvent: (name, data) => {
        if (name === 'message') handleMessage(active, data);
        else if (name === 'status') handleStatus(active, data.status);
      },
      poll: async (signal) => {
        const res = await api(`/api/agent/handoffs/${item.id}/messages?after=${active.after}`, { signal });
        if (res.ok) for (const m of await res.json()) handleMessage(active, m);
        const view = await api(`/api/agent/handoffs/${item.id}`, { signal });
        if (view.ok) handleStatus(active, (await view.json()).status);
        else if (view.status === 404) handleStatus(active, 'gone');
      },
      finished: () => CLOSED.includes(active.status),
    });
    $('reply').focus();
  }

  function renderConversation() {
    const active = state.active;
    if (!active) return;
    renderSummary($('conversation-summary'), active.item, true);
    const closed = CLOSED.includes(active.status);
    $('conversation-status').textContent = t(`status.${active.status}`) || '';
    $('reply-form').hidden = closed;
    $('close-conversation').hidden = !closed;
    for (const li of $('log').children) {
      li.querySelector('.who').textContent = t(`conversation.${li.dataset.from}`);
    }
  }

  function handleMessage(active, message) {
    if (active !== state.active || message.n <= active.after) return;
    active.after = message.n;
    const li = document.createElement('li');
    li.dataset.from = message.from;
    li.className = `from-${message.from}`;
    const who = document.createElement('span');
    who.className = 'who';
    who.textContent = t(`conversation.${message.from}`);
    const at = document.createElement('time');
    at.className = 'at';
    at.dateTime = message.at;
    at.textContent = formatInstant(message.at, timeOnly);
    const text = document.createElement('span');
    text.className = 'text';
    text.textContent = message.text;
    li.append(who, at, text);
    const log = $('log');
    log.append(li);
    log.scrollTop = log.scrollHeight;
    if (active.primed && message.from === 'user') announce(t('live.message', { text: message.text }));
  }

  function handleStatus(active, status) {
    if (active !== state.active) return;
    active.primed = true;
    if (status === active.status) return;
    const wasOpen = !CLOSED.includes(active.status);
    active.status = status;
    renderConversation();
    if (wasOpen && CLOSED.includes(status)) {
      sessionStorage.removeItem(KEYS.active);
      announce(t(`status.${status}`));
      $('close-conversation').focus();
    }
  }

  function closeConversation(focusQueue) {
    if (state.active && state.active.follow) state.active.follow.abort();
    state.active = null;
    sessionStorage.removeItem(KEYS.active);
    $('conversation').hidden = true;
    if (focusQueue) $('queue-heading').focus();
  }

  async function sendReply() {
    const active = state.active;
    const box = $('reply');
    const text = box.value.trim();
    if (!active || !text) return;
    $('reply-error').textContent = '';
    // Cleared at once, so the agent can type the next message while this one is on its way; given back
    // if it could not be sent (unless the agent has started another).
    box.value = '';
    const failed = () => {
      $('reply-error').textContent = t('conversation.sendFailed');
      if (box.value === '') box.value = text;
    };
    try {
      const res = await api(`/api/agent/handoffs/${active.item.id}/messages`, {
        method: 'POST',
        body: { text },
      });
      if (!res.ok) failed();
    } catch (err) {
      if (err instanceof AuthError) return signOut(t('signIn.expired'));
      failed();
    }
  }

  async function endConversation() {
    const active = state.active;
    if (!active) return;
    try {
      const res = await api(`/api/agent/handoffs/${active.item.id}/end`, { method: 'POST' });
      if (res.ok) handleStatus(active, 'ended');
      else $('reply-error').textContent = t('error');
    } catch (err) {
      if (err instanceof AuthError) return signOut(t('signIn.expired'));
      $('reply-error').textContent = t('error');
    }
  }

  /** After a reload: back to the conversation this agent was in, if it is still theirs and active. */
  async function resumeConversation() {
    const id = sessionStorage.getItem(KEYS.active);
    if (!id || !/^[0-9a-f]{16}$/.test(id)) return;
    try {
      const res = await api(`/api/agent/handoffs/${id}`);
      if (!res.ok) return sessionStorage.removeItem(KEYS.active);
      const view = await res.json();
      if (view.status === 'active' && view.agent === state.me.name) openConversation(view);
      else sessionStorage.removeItem(KEYS.active);
    } catch {
      // The queue shows what is going on; nothing to resume.
    }
  }

  // ---- signing in and out ------------------------------------------------------------------------

  async function fetchMe(token) {
    const res = await fetch('/api/agent/me', {
      headers: { authorization: `Bearer ${token}` },
      cache: 'no-store',
    });
    if (res.status === 401) return { status: 'wrong' };
    if (!res.ok) return { status: 'unavailable' };
    const me = await res.json();
    const serverTime = Date.parse(me.now);
    if (Number.isFinite(serverTime)) state.clockOffset = serverTime - Date.now();
    return { status: 'ok', me };
  }

  async function signIn(token) {
    $('sign-in-error').textContent = '';
    if (!/^[\x21-\x7e]{1,512}$/.test(token)) {
      $('sign-in-error').textContent = t('signIn.wrong');
      return false;
    }
    let result;
    try {
      result = await fetchMe(token);
    } catch {
      result = { status: 'unavailable' };
    }
    if (result.status !== 'ok') {
      $('sign-in-error').textContent = t(`signIn.${result.status}`);
      return false;
    }
    state.token = token;
    state.me = result.me;
    sessionStorage.setItem(KEYS.token, token);
    showSignedIn();
    return true;
  }

  function showSignedIn() {
    $('signed-out').hidden = true;
    $('signed-in').hidden = false;
    $('who').hidden = false;
    $('sign-out').hidden = false;
    $('sound').hidden = false;
    $('token').value = '';
    renderAll();
    startQueue();
    resumeConversation();
    $('queue-heading').focus();
  }

  function signOut(message) {
    if (state.queueFollow) state.queueFollow.abort();
    closeConversation(false);
    Object.assign(state, signedOut());
    sessionStorage.removeItem(KEYS.token);
    setPolling(false);
    $('queue').replaceChildren();
    $('signed-in').hidden = true;
    $('who').hidden = true;
    $('sign-out').hidden = true;
    $('sound').hidden = true;
    $('signed-out').hidden = false;
    $('sign-in-error').textContent = message || '';
    updateTitle();
    $('token').focus();
  }

  function renderAll() {
    updateTitle();
    if (state.me) $('who').textContent = t('signedInAs', { name: state.me.name });
    $('sound').setAttribute('aria-pressed', String(state.sound));
    if (state.streamsFailed) setPolling(true);
    renderHours();
    renderQueue();
    renderConversation();
  }

  // ---- wiring ------------------------------------------------------------------------------------

  function wire() {
    $('lang').addEventListener('change', (e) => setLanguage(e.target.value));
    $('sign-in').addEventListener('submit', (e) => {
      e.preventDefault();
      unlockAudio();
      signIn($('token').value.trim());
    });
    $('sign-out').addEventListener('click', () => signOut(''));
    $('sound').addEventListener('click', () => {
      state.sound = !state.sound;
      sessionStorage.setItem(KEYS.sound, state.sound ? 'on' : 'off');
      $('sound').setAttribute('aria-pressed', String(state.sound));
      if (state.sound) unlockAudio();
    });
    $('reply-form').addEventListener('submit', (e) => {
      e.preventDefault();
      sendReply();
    });
    $('reply').addEventListener('keydown', (e) => {
      // Enter sends; Shift+Enter is a new line; never while an input method is composing a word.
      if (e.key === 'Enter' && !e.shiftKey && !e.ctrlKey && !e.altKey && !e.metaKey && !e.isComposing) {
        e.preventDefault();
        sendReply();
      }
    });
    $('end').addEventListener('click', endConversation);
    $('close-conversation').addEventListener('click', () => closeConversation(true));
    // Waiting times grow while the page is open; the hours' "open now" changes at the hour.
    setInterval(() => {
      if (!state.me) return;
      renderQueue();
      fetchMe(state.token)
        .then((result) => {
          if (result.status === 'ok') {
            state.me = result.me;
            renderHours();
          }
        })
        .catch(() => undefined);
    }, 60000);
  }

  async function start() {
    wire();
    state.sound = sessionStorage.getItem(KEYS.sound) !== 'off';
    await setLanguage(initialLanguage());
    const token = sessionStorage.getItem(KEYS.token);
    if (token) {
      const ok = await signIn(token);
      if (!ok) sessionStorage.removeItem(KEYS.token);
    }
    document.body.dataset.ready = 'true';
  }

  start();
})();
