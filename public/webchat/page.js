// The web chat page: Microsoft's Web Chat (vendored bundle) over the bot's own Direct Line subset.
// Plain browser script, no build step. Keeps the conversation in sessionStorage so a reload resumes it
// within the idle timeout; the language picker switches the page, Web Chat and the bot together.
(function () {
  'use strict';

  var DOMAIN = window.location.origin + '/v3/directline';
  var SAVED = 'minid.webchat.session';
  var SAVED_LANG = 'minid.webchat.lang';
  var WEBCHAT_LOCALE = { nb: 'nb-NO', nn: 'nn-NO', en: 'en-GB' };

  var config = JSON.parse(document.getElementById('page-config').textContent);
  var nonce = document.currentScript.nonce;
  var picker = document.getElementById('language');
  var status = document.getElementById('status');
  var host = document.getElementById('webchat');
  var lang = readLang();
  var session;
  var directLine;
  var store;
  var botSwitch;
  var botLang = lang;

  function readLang() {
    var saved = window.sessionStorage.getItem(SAVED_LANG);
    return saved === 'nb' || saved === 'nn' || saved === 'en' ? saved : 'nb';
  }

  function readSession() {
    try {
      var saved = JSON.parse(window.sessionStorage.getItem(SAVED) || 'null');
      return saved && saved.conversationId && saved.token ? saved : null;
    } catch {
      return null;
    }
  }

  function saveSession() {
    window.sessionStorage.setItem(SAVED, JSON.stringify(session));
  }

  function text(key, params) {
    var value = config.texts[lang].page[key] || '';
    return value.replace(/\{\{(\w+)\}\}/g, function (_m, name) {
      return params && params[name] !== undefined ? params[name] : '';
    });
  }

  /** Page texts and <html lang> follow the chosen language. */
  function applyPageLanguage() {
    document.documentElement.lang = lang;
    document.title = text('title');
    picker.value = lang;
    var nodes = document.querySelectorAll('[data-text]');
    for (var i = 0; i < nodes.length; i++) nodes[i].textContent = text(nodes[i].getAttribute('data-text'));
    if (session) status.textContent = '';
  }

  function authorised(token) {
    return { Authorization: 'Bearer ' + token };
  }

  /** The saved conversation if it still lives (a fresh token comes with it), else a new one. */
  async function openSession() {
    var saved = readSession();
    if (saved) {
      var res = await fetch(DOMAIN + '/conversations/' + encodeURIComponent(saved.conversationId), {
        headers: authorised(saved.token),
      });
      if (res.ok) {
        var resumed = await res.json();
        saved.token = resumed.token;
        saved.resumed = true;
        return saved;
      }
    }
    var created = await fetch(DOMAIN + '/tokens/generate', { method: 'POST' });
    if (!created.ok) throw new Error('token ' + created.status);
    var body = await created.json();
    return { conversationId: body.conversationId, token: body.token, userId: body.userId, resumed: false };
  }

  /** Keeps the saved token fresh, so a reload long after the start still resumes. */
  function refreshLoop() {
    window.setInterval(async function () {
      try {
        var res = await fetch(DOMAIN + '/tokens/refresh', {
          method: 'POST',
          headers: authorised(session.token),
        });
        if (res.ok) {
          session.token = (await res.json()).token;
          saveSession();
        }
      } catch {
        // The next round tries again; Web Chat keeps its own token fresh meanwhile.
      }
    }, config.refreshMs);
  }

  function renderChat() {
    window.WebChat.renderWebChat(
      {
        directLine: directLine,
        store: store,
        userID: session.userId,
        locale: WEBCHAT_LOCALE[lang],
        overrideLocalizedStrings: config.texts[lang].webChat,
        nonce: nonce,
        styleOptions: {
          hideUploadButton: true,
          suggestedActionLayout: 'flow',
          accent: '#1f42aa',
          subtle: '#595959',
          bubbleBorderRadius: 6,
          bubbleFromUserBorderRadius: 6,
          suggestedActionBorderRadius: 6,
          sendBoxButtonColor: '#1f42aa',
        },
      },
      host,
    );
  }

  async function start() {
    applyPageLanguage();
    session = await openSession();
    saveSession();
    var options = { domain: DOMAIN, token: session.token, webSocket: false };
    if (session.resumed) options.conversationId = session.conversationId;
    else options.conversationStartProperties = { locale: WEBCHAT_LOCALE[lang] };
    directLine = window.WebChat.createDirectLine(options);
    store = window.WebChat.createStore();
    renderChat();
    status.textContent = '';
    refreshLoop();
    if (config.sandbox) sandboxPhone();
  }

  picker.addEventListener('change', function () {
    var chosen = picker.value;
    if (chosen === lang || !WEBCHAT_LOCALE[chosen]) return;
    lang = chosen;
    window.sessionStorage.setItem(SAVED_LANG, lang);
    applyPageLanguage();
    if (!store) return;
    renderChat();
    // The bot switches too (the Direct Line subset turns this event into the bot's own switch word),
    // once the choice has settled: arrow keys on the picker pass every language on the way.
    window.clearTimeout(botSwitch);
    botSwitch = window.setTimeout(function () {
      if (lang === botLang) return;
      botLang = lang;
      store.dispatch({ type: 'WEB_CHAT/SEND_EVENT', payload: { name: 'language', value: lang } });
    }, 700);
  });

  /** Sandbox only: the SMS this conversation sent, so a tester can read the code. */
  function sandboxPhone() {
    var list = document.getElementById('sandbox-messages');
    var empty = document.getElementById('sandbox-empty');
    var shown = '';
    async function load() {
      try {
        var res = await fetch(
          DOMAIN + '/conversations/' + encodeURIComponent(session.conversationId) + '/sandbox/sms',
          { headers: authorised(session.token) },
        );
        if (!res.ok) return;
        var messages = (await res.json()).messages;
        var key = lang + JSON.stringify(messages);
        if (key === shown) return;
        shown = key;
        list.textContent = '';
        messages.forEach(function (sms) {
          var item = document.createElement('li');
          var to = document.createElement('strong');
          to.textContent = text('sandboxTo', { to: sms.to });
          var time = document.createElement('time');
          time.dateTime = sms.sentAt;
          time.textContent = new Date(sms.sentAt).toLocaleTimeString(WEBCHAT_LOCALE[lang]);
          var body = document.createElement('p');
          body.textContent = sms.text;
          item.append(to, ' ', time, body);
          list.append(item);
        });
        empty.hidden = messages.length > 0;
      } catch {
        // Shown again at the next round.
      }
    }
    document.getElementById('sandbox-refresh').addEventListener('click', load);
    picker.addEventListener('change', load);
    load();
    window.setInterval(load, 2000);
  }

  start().catch(function () {
    status.textContent = text('failed');
  });
})();
